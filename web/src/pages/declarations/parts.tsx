/** Pieces the list, the month, the bills and the detail pages share (kept here so none imports another page). */
import { useI18n } from '../../i18n/index.tsx';
import type { TaxBill } from '../../api/wire.ts';

/** State colours under white text, each at least 4.5:1. */
const STATE_COLOR: Record<string, string> = {
  SUBMITTED: '#5b6b7c',
  ACCEPTED: '#1a7f4b',
  HELD: '#8a5a00',
  REJECTED: '#c0392b',
  RELEASED: '#1f5fa8',
  EXITED: '#1a7f4b',
  CANCELLED: '#5f6b78',
  AMENDED: '#5f6b78',
};

export function StateBadge({ state }: { state: string }) {
  const { t } = useI18n();
  return (
    <span className="level-badge" style={{ background: STATE_COLOR[state] ?? '#5b6b7c' }} data-testid="decl-state">
      {t(`decl.state.${state}` as 'decl.state.SUBMITTED')}
    </span>
  );
}

export function BillTable({ bills }: { bills: TaxBill[] }) {
  const { t } = useI18n();
  return (
    <table className="table" data-testid="bill-table">
      <thead>
        <tr>
          <th>{t('decl.bill.no')}</th>
          <th>{t('decl.bill.kind')}</th>
          <th className="num">{t('decl.bill.duty')}</th>
          <th className="num">{t('decl.bill.ct')}</th>
          <th className="num">{t('decl.bill.vat')}</th>
          <th className="num">{t('decl.bill.total')}</th>
          <th>{t('decl.bill.payment')}</th>
          <th>{t('decl.bill.versions')}</th>
        </tr>
      </thead>
      <tbody>
        {bills.map((b) => (
          <tr key={b.id} data-testid={`bill-${b.billNo}`}>
            <td className="mono small">
              <a href={`#/declarations/${b.declarationId}`}>{b.billNo}</a>
            </td>
            <td>{t(`decl.bill.${b.kind}` as 'decl.bill.ORIGINAL')}</td>
            <td className="num" data-testid="bill-duty">
              {b.duty}
            </td>
            <td className="num">{b.consumptionTax}</td>
            <td className="num" data-testid="bill-vat">
              {b.vat}
            </td>
            <td className="num" data-testid="bill-total">
              {b.total}
            </td>
            <td data-testid="bill-payment">
              {b.payment && (
                <>
                  {t(`decl.bill.pay.${b.payment.state}` as 'decl.bill.pay.UNPAID')}
                  <span className="small"> · {t('decl.bill.due', { date: b.payment.dueDate })}</span>
                </>
              )}
            </td>
            <td className="mono small">
              {Object.entries((b.figures as { parameterVersions?: Record<string, number> }).parameterVersions ?? {})
                .map(([k, v]) => `${k}@${v}`)
                .join(' ')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
