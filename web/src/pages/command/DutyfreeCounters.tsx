/**
 * Duty-free today: sales by shop and the yellow list's queue, each number a link to the duty-free
 * area's list behind it (today's sales by shop and category, the yellow list).
 */
import { useI18n } from '../../i18n/index.tsx';
import { useDt } from '../../i18n/dutyfree.ts';
import { formatInt, formatMoney } from '../../format.ts';
import type { Summary } from '../../api/wire.ts';
import { Kpi, Panel } from './parts.tsx';

const SALES = '#/dutyfree';
const YELLOW = '#/dutyfree/yellow';
const SHOPS_SHOWN = 6;

export function DutyfreeCounters({ s }: { s: Summary }) {
  const { t, lang } = useI18n();
  const dt = useDt();
  const d = s.dutyfree;
  const amount = d.shops.reduce((sum, x) => sum + Math.round(Number(x.amount) * 100), 0) / 100;
  return (
    <Panel title={t('command.dutyfree')} className="cc-half" testId="cc-dutyfree">
      <div className="cc-kpis cc-kpis-inline">
        <Kpi
          label={t('command.dutyfree.sales')}
          value={formatInt(d.sales, lang)}
          href={SALES}
          testId="cc-dutyfree-sales"
          sub={`¥ ${formatMoney(amount.toFixed(2), lang)}`}
        />
        <Kpi
          label={t('command.dutyfree.yellow')}
          value={formatInt(d.yellow.queue, lang)}
          tone={d.yellow.queue ? 'warn' : ''}
          href={YELLOW}
          testId="cc-dutyfree-yellow"
          sub={t('command.dutyfree.yellowSub', { open: d.yellow.open, proposed: d.yellow.proposed })}
        />
      </div>
      {d.shops.length === 0 ? (
        <p className="cc-note">{t('command.dutyfree.none')}</p>
      ) : (
        <table className="cc-table" data-testid="cc-dutyfree-shops">
          <thead>
            <tr>
              <th scope="col">{dt('df.col.shop')}</th>
              <th scope="col" className="num">
                {dt('df.col.sales')}
              </th>
              <th scope="col" className="num">
                {dt('df.col.amount')}
              </th>
            </tr>
          </thead>
          <tbody>
            {d.shops.slice(0, SHOPS_SHOWN).map((x) => (
              <tr key={x.shop} data-testid={`cc-dutyfree-shop-${x.shop}`}>
                <th scope="row">{lang === 'en' ? x.shopName.en : x.shopName.zh}</th>
                <td className="num">
                  <a className="cc-num-button" href={SALES}>
                    {formatInt(x.sales, lang)}
                  </a>
                </td>
                <td className="num">{formatMoney(x.amount, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
