import { z } from 'zod';
import { isoDate, pageQuery, text } from '../../kernel/wire.ts';
import { NOTICE_KINDS, PAYMENT_STATES } from './rules.ts';

/** A bill's payment state, as every bill view shows it. */
export const paymentOut = z.object({
  state: z.enum(PAYMENT_STATES),
  dueDate: z.string(),
  dueParameterVersion: z.number().nullable(),
  paidAt: z.string().nullable(),
  guaranteeReference: z.string().nullable(),
  guaranteedUntil: z.string().nullable(),
  overdueAt: z.string().nullable(),
  surcharge: z
    .object({
      asOf: z.string(),
      days: z.number().int(),
      amount: z.string(),
      exact: z.string(),
      collected: z.boolean(),
      minimum: z.string(),
      periods: z.array(
        z.object({
          from: z.string(),
          to: z.string(),
          days: z.number().int(),
          rate: z.string(),
          version: z.number().nullable(),
        }),
      ),
    })
    .nullable()
    .describe(
      'Late-payment surcharge (滞纳金): 0.05% of the tax per day overdue (payments.surchargeRate), rounded once ' +
        'half-up to the fen, not collected under payments.surchargeMinimum; for a paid bill what its payment covered',
    ),
  amountDue: z.string().describe('What a PAYMENT notice must be today: the tax plus the surcharge (0.00 once paid)'),
});

export const billIdParams = z.object({ id: z.uuid() }).strict();

export const noticeBody = z
  .object({
    noticeId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'Use the notice id of your system: letters, digits, . _ : -')
      .describe('Your id of this notice: the same id and content again answers the first result'),
    kind: z.enum(NOTICE_KINDS).describe('PAYMENT (the tax was paid) or GUARANTEE (a bank guarantee covers it)'),
    amount: z
      .string()
      .regex(/^\d{1,15}(\.\d{1,2})?$/, 'A decimal string in CNY with at most two decimals, e.g. "1234.50".')
      .describe('CNY; a payment equals the bill to the fen, a guarantee covers it'),
    reference: text.min(1).max(120).optional().describe('Bank transaction or guarantee number'),
    validUntil: isoDate.optional().describe('A guarantee: its last day of validity (at least the due date)'),
  })
  .strict();

export const noticeOut = z.object({
  billId: z.string(),
  billNo: z.string(),
  noticeId: z.string(),
  kind: z.enum(NOTICE_KINDS),
  from: z.enum(PAYMENT_STATES),
  state: z.enum(PAYMENT_STATES),
  alreadyApplied: z.boolean(),
  payment: paymentOut,
});

export const billPaymentOut = paymentOut.extend({
  billId: z.string(),
  billNo: z.string(),
  declarationId: z.string(),
  total: z.string(),
  notices: z.array(
    z.object({
      noticeId: z.string(),
      department: z.string(),
      kind: z.enum(NOTICE_KINDS),
      amount: z.string(),
      reference: z.string().nullable(),
      validUntil: z.string().nullable(),
      from: z.enum(PAYMENT_STATES),
      to: z.enum(PAYMENT_STATES),
      receivedAt: z.string(),
      auditSeq: z.number(),
    }),
  ),
});

export const sweepOut = z.object({ date: z.string(), overdue: z.number(), creditFed: z.number() });

export const alertsQuery = z.object(pageQuery).strict();
export const alertsOut = z.object({
  items: z.array(
    z.object({
      billId: z.string(),
      enterpriseId: z.string(),
      kind: z.string(),
      dueDate: z.string(),
      detail: z.string(),
      raisedAt: z.string(),
      auditSeq: z.number(),
    }),
  ),
});
