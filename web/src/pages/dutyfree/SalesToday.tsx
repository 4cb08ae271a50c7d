import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useDt } from '../../i18n/dutyfree.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Chart } from './charts.tsx';
import { fen, yuan } from './money.ts';
import type { ShopCategorySales } from '../../api/wire.ts';

/** The day's confirmed sales by shop, stacked by category (the seven largest, the rest together). */
export function SalesToday() {
  const dt = useDt();
  const { lang } = useI18n();
  const name = (n: { zh: string; en: string }) => (lang === 'en' ? n.en : n.zh);
  const [date, setDate] = useState('');
  const q = useQuery({
    queryKey: ['df-sales', date],
    queryFn: () =>
      api<{ date: string; items: ShopCategorySales[] }>(
        'GET',
        `/api/v1/dutyfree/sales/by-shop${date ? `?date=${date}` : ''}`,
      ),
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `name` is new each render and changes with `lang`, listed.
  const option = useMemo(() => chartOf(q.data?.items ?? [], name), [q.data, lang]);
  const total = (q.data?.items ?? []).reduce(
    (t, r) => ({ fen: t.fen + fen(r.amount), units: t.units + r.units, sales: t.sales + r.sales }),
    { fen: 0, units: 0, sales: 0 },
  );
  return (
    <section data-testid="df-sales">
      <form className="search filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {dt('df.sales.date')}{' '}
          <input
            type="date"
            value={date || q.data?.date || ''}
            onChange={(e) => setDate(e.target.value)}
            data-testid="df-sales-date"
          />
        </label>
      </form>
      {q.isLoading && <Spinner />}
      {q.error && <ErrorBox error={q.error} onRetry={() => void q.refetch()} />}
      {q.data && (
        <>
          <p data-testid="df-sales-total">
            {dt('df.sales.total', { amount: yuan(total.fen), units: total.units, sales: total.sales })}
          </p>
          <Chart option={option} height={320} label={dt('df.sales.byShop')} testId="df-sales-chart" />
          <table className="table" data-testid="df-sales-table">
            <thead>
              <tr>
                <th>{dt('df.col.shop')}</th>
                <th>{dt('df.col.category')}</th>
                <th className="num">{dt('df.col.sales')}</th>
                <th className="num">{dt('df.col.units')}</th>
                <th className="num">{dt('df.col.amount')}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((r) => (
                <tr key={`${r.shop}-${r.category}`}>
                  <td title={r.shop}>{name(r.shopName)}</td>
                  <td title={r.category}>{name(r.categoryName)}</td>
                  <td className="num">{r.sales}</td>
                  <td className="num">{r.units}</td>
                  <td className="num">{r.amount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function chartOf(rows: ShopCategorySales[], name: (n: { zh: string; en: string }) => string) {
  const shops = [...new Set(rows.map((r) => r.shop))].sort();
  const shopName = (code: string) => name(rows.find((r) => r.shop === code)!.shopName);
  const categoryName = (code: string) =>
    code === 'OTHER' ? '…' : name(rows.find((r) => r.category === code)!.categoryName);
  const byCategory = new Map<string, number>();
  for (const r of rows) byCategory.set(r.category, (byCategory.get(r.category) ?? 0) + fen(r.amount));
  const top = [...byCategory.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 7)
    .map(([c]) => c);
  const series = [...top, 'OTHER'].map((category) => ({
    name: categoryName(category),
    type: 'bar',
    stack: 'amount',
    data: shops.map(
      (shop) =>
        rows
          .filter(
            (r) => r.shop === shop && (category === 'OTHER' ? !top.includes(r.category) : r.category === category),
          )
          .reduce((t, r) => t + fen(r.amount), 0) / 100,
    ),
  }));
  return {
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 80, right: 16, top: 40, bottom: 80 },
    xAxis: { type: 'category', data: shops.map(shopName), axisLabel: { rotate: 30 } },
    yAxis: { type: 'value', name: 'CNY' },
    series,
  };
}
