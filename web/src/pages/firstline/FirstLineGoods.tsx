import type { FirstLine, JudgedLine } from '../../api/firstline.ts';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { formatMoney } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';

/** The goods as the platform judged them: the regime, the licence written off, the rate the tariff gave. */
export function FirstLineGoods({ x }: { x: FirstLine }) {
  const { t } = useI18n();
  const columns: Column<JudgedLine>[] = [
    { key: 'code', header: t('fl.form.hsCode'), cell: (l) => <span className="mono">{l.hsCode}</span> },
    { key: 'description', header: t('fl.form.description'), raw: true, cell: (l) => l.description },
    {
      key: 'quantity',
      header: t('fl.form.quantity'),
      numeric: true,
      cell: (l) => (
        <>
          {l.quantity} <span className="mono small">{l.unit}</span>
        </>
      ),
    },
    { key: 'value', header: t('fl.form.value'), numeric: true, cell: (l) => l.valueCny },
    {
      key: 'origin',
      header: t('fl.form.origin'),
      secondary: true,
      cell: (l) => <span className="mono">{l.originCountry}</span>,
    },
    { key: 'regime', header: t('fl.detail.regime'), cell: (l) => t(`fl.regime.${l.regime}` as MessageKey) },
    {
      key: 'rate',
      header: t('fl.detail.rate'),
      secondary: true,
      cell: (l) =>
        l.tariff ? (
          <span data-testid={`fl-rate-${l.index}`}>
            {t(`fl.rateKind.${l.tariff.kind}` as MessageKey)} <span className="mono">{l.tariff.dutyRate}</span>
            {l.tariff.certificate && <span className="mono small"> · {l.tariff.certificate.number}</span>}
          </span>
        ) : (
          '—'
        ),
    },
    {
      key: 'licence',
      header: t('fl.detail.licence'),
      secondary: true,
      cell: (l) => <span className="mono">{l.licence?.number ?? '—'}</span>,
    },
  ];
  return (
    <>
      <h2>{t('fl.detail.lines')}</h2>
      <DataTable
        columns={columns}
        rows={x.lines}
        rowKey={(l) => String(l.index)}
        caption={t('fl.detail.lines')}
        empty="—"
        testId="fl-lines"
        rowTestId={(_, i) => `fl-line-row-${i}`}
      />
    </>
  );
}

/** The taxes per line and in total, and the bill that asks for them. */
export function FirstLineTaxes({ x }: { x: FirstLine }) {
  const { t, lang } = useI18n();
  const taxes = x.taxes;
  return (
    <>
      <h2>{t('fl.detail.taxes')}</h2>
      {!taxes ? (
        <p className="muted" data-testid="fl-no-tax">
          {t('fl.detail.noTax')}
        </p>
      ) : (
        <div className="cards compact" data-testid="fl-taxes">
          {(
            [
              ['fl.tax.duty', taxes.duty, 'fl-tax-duty'],
              ['fl.tax.ct', taxes.consumptionTax, 'fl-tax-ct'],
              ['fl.tax.vat', taxes.vat, 'fl-tax-vat'],
              ['fl.tax.total', taxes.total, 'fl-tax-total'],
            ] as const
          ).map(([key, amount, id]) => (
            <div className="card" key={key}>
              <div className="card-label">{t(key)}</div>
              <div className="card-title" data-testid={id}>
                {formatMoney(amount, lang)}
              </div>
            </div>
          ))}
        </div>
      )}
      {x.billId && (
        <p>
          {t('fl.detail.bill')}:{' '}
          <a href={`#/firstline/bills/${x.billId}`} data-testid="fl-bill-link" className="mono">
            {x.billId.slice(-12)}
          </a>
        </p>
      )}
    </>
  );
}
