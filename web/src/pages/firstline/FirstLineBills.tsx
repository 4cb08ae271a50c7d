import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { FirstLineBill } from '../../api/firstline.ts';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { formatDate, formatMoney } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { PaymentState, versions } from './parts.tsx';

/** The first-line tax bills (an enterprise sees its own), newest first, each with its payment state. */
export function FirstLineBills() {
  const { t, lang } = useI18n();
  const q = useQuery({
    queryKey: ['firstline', 'bills'],
    queryFn: () => api<{ items: FirstLineBill[] }>('GET', '/api/v1/firstline/bills'),
  });
  const columns: Column<FirstLineBill>[] = [
    {
      key: 'number',
      header: t('fl.bill.number'),
      cell: (b) => (
        <a href={`#/firstline/bills/${b.id}`} className="mono small" data-testid="fl-bill-open">
          {b.number}
        </a>
      ),
    },
    { key: 'issued', header: t('fl.bill.issued'), cell: (b) => formatDate(b.issuedOn, lang) },
    { key: 'duty', header: t('fl.tax.duty'), numeric: true, secondary: true, cell: (b) => formatMoney(b.duty, lang) },
    { key: 'vat', header: t('fl.tax.vat'), numeric: true, secondary: true, cell: (b) => formatMoney(b.vat, lang) },
    { key: 'total', header: t('fl.tax.total'), numeric: true, cell: (b) => formatMoney(b.total, lang) },
    { key: 'payment', header: t('fl.bill.payment'), cell: (b) => <PaymentState bill={b} /> },
  ];
  if (q.isLoading) return <Spinner />;
  if (q.error) return <ErrorBox error={q.error} onRetry={() => void q.refetch()} />;
  return (
    <DataTable
      columns={columns}
      rows={q.data!.items}
      rowKey={(b) => b.id}
      caption={t('fl.bills.caption')}
      empty={t('fl.bills.empty')}
      testId="fl-bills"
      rowTestId={(_, i) => `fl-bill-row-${i}`}
    />
  );
}

/** One bill: its taxes, payment state and due date, the parameter versions it was computed under. */
export function FirstLineBillView({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const q = useQuery({
    queryKey: ['firstline', 'bill', id],
    queryFn: () => api<FirstLineBill>('GET', `/api/v1/firstline/bills/${id}`),
  });
  if (q.isLoading) return <Spinner />;
  if (q.error) return <ErrorBox error={q.error} onRetry={() => void q.refetch()} />;
  const b = q.data!;
  const cards: [label: string, value: string, testId: string][] = [
    [t('fl.tax.duty'), formatMoney(b.duty, lang), 'fl-bill-duty'],
    [t('fl.tax.ct'), formatMoney(b.consumptionTax, lang), 'fl-bill-ct'],
    [t('fl.tax.vat'), formatMoney(b.vat, lang), 'fl-bill-vat'],
    [t('fl.tax.total'), formatMoney(b.total, lang), 'fl-bill-total'],
  ];
  return (
    <section data-testid="fl-bill">
      <p>
        <a href="#/firstline?tab=bills">← {t('fl.tab.bills')}</a>
      </p>
      <h1>
        {t('fl.detail.bill')} <span className="mono small">{b.number}</span>
      </h1>
      <div className="cards compact">
        {cards.map(([label, value, testId]) => (
          <div className="card" key={testId}>
            <div className="card-label">{label}</div>
            <div className="card-title" data-testid={testId}>
              {value}
            </div>
          </div>
        ))}
      </div>
      <dl className="facts">
        <dt>{t('fl.bill.payment')}</dt>
        <dd data-testid="fl-bill-payment">
          <PaymentState bill={b} />
        </dd>
        <dt>{t('fl.bill.issued')}</dt>
        <dd>{formatDate(b.issuedOn, lang)}</dd>
        <dt>{t('fl.bill.declaration')}</dt>
        <dd>
          <a href={`#/firstline/${b.declarationId}`} className="mono small" data-testid="fl-bill-declaration">
            {b.declarationId.slice(-12)}
          </a>
        </dd>
        <dt>{t('fl.bill.versions')}</dt>
        <dd className="mono small">{versions(b.parameterVersions)}</dd>
      </dl>
    </section>
  );
}
