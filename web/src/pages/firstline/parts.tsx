/** Pieces the first-line list, detail and bills share. */
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import type { FirstLineBill } from '../../api/firstline.ts';

/** State colours under white text, each at least 4.5:1. */
const STATE_COLOR: Record<string, string> = { HELD: '#8a5a00', RELEASED: '#1f5fa8', REJECTED: '#c0392b' };

export function FlStateBadge({ state }: { state: string }) {
  const { t } = useI18n();
  return (
    <span className="level-badge" style={{ background: STATE_COLOR[state] ?? '#5b6b7c' }} data-testid="fl-state">
      {t(`fl.state.${state}` as MessageKey)}
    </span>
  );
}

/** A bill's payment state and due date. */
export function PaymentState({ bill }: { bill: FirstLineBill }) {
  const { t } = useI18n();
  return (
    <span data-testid="fl-bill-payment-state" data-state={bill.payment.state}>
      {t(`fl.bill.pay.${bill.payment.state}` as MessageKey)}
      <span className="small"> · {t('fl.bill.due', { date: bill.payment.dueDate })}</span>
    </span>
  );
}

export const versions = (v: Record<string, number>) =>
  Object.entries(v)
    .map(([k, n]) => `${k}@${n}`)
    .join(' ');
