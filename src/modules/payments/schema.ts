import { sql } from 'drizzle-orm';
import { bigint, check, date, index, numeric, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The payment state of a tax bill (decl_tax_bills): written the first time something happens to the
 * bill (a notice, the overdue sweep). A bill without a row is UNPAID (or PAID when it is 0.00), due
 * on its issue date + payments.dueDays of that date.
 */
export const billPaymentStates = pgTable(
  'pay_bill_states',
  {
    billId: uuid('bill_id').primaryKey(),
    enterpriseId: uuid('enterprise_id').notNull(),
    declarationId: uuid('declaration_id').notNull(),
    state: text('state').notNull(),
    total: numeric('total', { precision: 18, scale: 2 }).notNull(),
    dueDate: date('due_date').notNull(),
    dueParameterVersion: bigint('due_parameter_version', { mode: 'number' }),
    guaranteeReference: text('guarantee_reference'),
    guaranteedUntil: date('guaranteed_until'),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    paymentNoticeId: text('payment_notice_id'),
    overdueAt: timestamp('overdue_at', { withTimezone: true }),
    // The credit input recorded for the overdue bill (and when), so a retried sweep feeds it once.
    creditInputId: uuid('credit_input_id'),
    creditFedAt: timestamp('credit_fed_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    auditSeq: bigint('audit_seq', { mode: 'number' }).notNull(),
  },
  (t) => [
    index('pay_bill_states_enterprise_idx').on(t.enterpriseId, t.state),
    check('pay_bill_states_state_ck', sql`${t.state} in ('UNPAID', 'GUARANTEED', 'PAID', 'OVERDUE')`),
  ],
);

/** Treasury notices (payments and guarantees), idempotent by the department's notice id. */
export const paymentNotices = pgTable(
  'pay_notices',
  {
    department: text('department').notNull(),
    noticeId: text('notice_id').notNull(),
    billId: uuid('bill_id').notNull(),
    kind: text('kind').notNull(),
    amount: numeric('amount', { precision: 18, scale: 2 }).notNull(),
    reference: text('reference'),
    validUntil: date('valid_until'),
    contentHash: text('content_hash').notNull(),
    fromState: text('from_state').notNull(),
    toState: text('to_state').notNull(),
    receivedBy: text('received_by').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    auditSeq: bigint('audit_seq', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.department, t.noticeId] }),
    index('pay_notices_bill_idx').on(t.billId),
    check('pay_notices_kind_ck', sql`${t.kind} in ('PAYMENT', 'GUARANTEE')`),
  ],
);

/** Alerts raised by the sweep: one per overdue bill. */
export const paymentAlerts = pgTable(
  'pay_alerts',
  {
    billId: uuid('bill_id').primaryKey(),
    enterpriseId: uuid('enterprise_id').notNull(),
    kind: text('kind').notNull(),
    dueDate: date('due_date').notNull(),
    detail: text('detail').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
    auditSeq: bigint('audit_seq', { mode: 'number' }).notNull(),
  },
  (t) => [index('pay_alerts_enterprise_idx').on(t.enterpriseId, t.raisedAt)],
);
