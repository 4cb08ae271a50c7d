/** The events the payments module publishes (payloads as zod schemas). */
import { z } from 'zod';
import { PAYMENT_STATES } from './rules.ts';

const billRef = { billId: z.uuid(), billNo: z.string(), declarationId: z.uuid(), enterpriseId: z.uuid() };

export const PAYMENT_EVENTS = {
  /** A bill moved to another payment state (a notice, or the overdue sweep). */
  TaxBillPaymentChanged: z.object({
    ...billRef,
    from: z.enum(PAYMENT_STATES),
    to: z.enum(PAYMENT_STATES),
    total: z.string(),
    dueDate: z.string(),
    noticeId: z.string().nullable(),
  }),
  /** An overdue bill raised an alert. */
  TaxBillOverdue: z.object({ ...billRef, total: z.string(), dueDate: z.string() }),
} as const;
export type PaymentEventType = keyof typeof PAYMENT_EVENTS;
