import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Behaviour records of personal credit scores (人员信用评价). A person is known by the keyed hash of
 * `<idType>:<idNumber>` (the one subjects' individuals and duty-free buyers carry), so no ID number
 * is stored here. Append-only but for the withdrawal columns: a wrong record is withdrawn from a date
 * with a reason, never edited or deleted. `source_ref` names what the record comes from (an event, a
 * case, an officer's request) and makes recording it again a no-op.
 */
export const personalCreditRecords = pgTable(
  'personal_credit_records',
  {
    id: uuid('id').primaryKey(),
    personHash: text('person_hash').notNull(),
    idType: text('id_type').notNull(),
    code: text('code').notNull(),
    kind: text('kind').notNull(),
    points: integer('points').notNull(),
    occurredOn: date('occurred_on').notNull(),
    countsUntil: date('counts_until'),
    reason: text('reason').notNull(),
    source: text('source').notNull(),
    sourceRef: text('source_ref').notNull(),
    /** The version of personalCredit.points the points were taken from. */
    parameterVersion: integer('parameter_version').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    auditSeq: bigint('audit_seq', { mode: 'number' }).notNull(),
    withdrawnOn: date('withdrawn_on'),
    withdrawReason: text('withdraw_reason'),
    withdrawnBy: text('withdrawn_by'),
  },
  (t) => {
    const reasoned = sql`(${t.withdrawnOn} is null) = (${t.withdrawReason} is null)`;
    const signed = sql`(${t.withdrawnOn} is null) = (${t.withdrawnBy} is null)`;
    return [
      uniqueIndex('personal_credit_records_source_uq').on(t.sourceRef),
      index('personal_credit_records_person_idx').on(t.personHash, t.occurredOn),
      check('personal_credit_records_kind_ck', sql`${t.kind} in ('VIOLATION', 'BAN', 'PENALTY', 'GOOD_CONDUCT')`),
      check('personal_credit_records_points_ck', sql`${t.points} between -100 and 100`),
      check('personal_credit_records_until_ck', sql`${t.countsUntil} is null or ${t.countsUntil} > ${t.occurredOn}`),
      check('personal_credit_records_withdrawal_ck', sql`${reasoned} and ${signed}`),
    ];
  },
);
