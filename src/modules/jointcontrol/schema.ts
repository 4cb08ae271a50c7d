import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * A joint-control case (联合监管案件): opened once per RED risk decision, shared with the departments the
 * policy jointControl.recipients names. What the case is about is copied when it opens (the
 * declaration does not change after its decision), so the departments' feed never reads another
 * module's tables.
 */
export const jointControlCases = pgTable(
  'joint_control_cases',
  {
    id: uuid('id').primaryKey(),
    /**
     * What the case is about: a declaration of an enterprise (DECLARATION), or a duty-free sale the risk
     * engine refused at RED (DUTYFREE_SALE: the buyer, by keyed hash and masked identity, and the shop).
     */
    subjectKind: text('subject_kind').notNull().default('DECLARATION'),
    enterpriseId: uuid('enterprise_id'),
    declarationId: uuid('declaration_id'),
    uscc: text('uscc'),
    enterpriseName: text('enterprise_name'),
    /** A duty-free sale: the id the refused reservation would have had (dutyfree_risk_refusals.id). */
    saleId: uuid('sale_id'),
    /** The buyer: keyed hash of `<idType>:<idNumber>` (never sent), ID type, masked ID number and name. */
    buyerHash: text('buyer_hash'),
    buyerIdType: text('buyer_id_type'),
    buyerIdMasked: text('buyer_id_masked'),
    buyerNameMasked: text('buyer_name_masked'),
    /** The declaration's kind, or DUTYFREE_SALE. */
    declarationKind: text('declaration_kind').notNull(),
    /** The declaration's port, or the duty-free shop's code. */
    port: text('port').notNull(),
    businessDate: date('business_date').notNull(),
    // [{ hsCode, description, quantity, unit, valueCny, originCountry }]
    goods: jsonb('goods').notNull(),
    totalValue: numeric('total_value', { precision: 18, scale: 2 }).notNull(),
    // The live features that made it RED, by code and name: officers only, never a department.
    grounds: jsonb('grounds').notNull(),
    state: text('state').notNull(),
    // The version of jointControl.recipients that chose the departments.
    policyVersion: integer('policy_version').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedBy: text('closed_by'),
    closeReason: text('close_reason'),
    auditSeq: bigint('audit_seq', { mode: 'number' }).notNull(),
  },
  (t) => [
    // One case per decision, however often the decision's event is delivered.
    uniqueIndex('joint_control_cases_decision_uq').on(t.enterpriseId, t.declarationId),
    uniqueIndex('joint_control_cases_sale_uq').on(t.saleId),
    check(
      'joint_control_cases_subject_ck',
      sql`(${t.subjectKind} = 'DECLARATION' and ${t.enterpriseId} is not null and ${t.declarationId} is not null
        and ${t.uscc} is not null and ${t.enterpriseName} is not null and ${t.saleId} is null)
        or (${t.subjectKind} = 'DUTYFREE_SALE' and ${t.saleId} is not null and ${t.buyerHash} is not null
        and ${t.buyerIdMasked} is not null and ${t.enterpriseId} is null and ${t.declarationId} is null)`,
    ),
    index('joint_control_cases_opened_idx').on(t.openedAt),
    index('joint_control_cases_state_idx').on(t.state, t.openedAt),
    check('joint_control_cases_state_ck', sql`${t.state} in ('OPEN', 'ACKNOWLEDGED', 'OUTCOME_REPORTED', 'CLOSED')`),
    check('joint_control_cases_closed_ck', sql`(${t.state} = 'CLOSED') = (${t.closedAt} is not null)`),
  ],
);

/** One department's part of a case: its acknowledgement and its outcome. */
export const jointControlShares = pgTable(
  'joint_control_shares',
  {
    caseId: uuid('case_id').notNull(),
    department: text('department').notNull(),
    /** The case's enterprise; null for a duty-free sale's case. */
    enterpriseId: uuid('enterprise_id'),
    state: text('state').notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgeNote: text('acknowledge_note'),
    outcome: text('outcome'),
    outcomeReference: text('outcome_reference'),
    outcomeSummary: text('outcome_summary'),
    outcomeAt: timestamp('outcome_at', { withTimezone: true }),
    outcomeBy: text('outcome_by'),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.department] }),
    index('joint_control_shares_department_idx').on(t.department, t.state),
    check('joint_control_shares_state_ck', sql`${t.state} in ('OPEN', 'ACKNOWLEDGED', 'OUTCOME_REPORTED')`),
    check(
      'joint_control_shares_outcome_ck',
      sql`(${t.state} = 'OUTCOME_REPORTED') = (${t.outcome} is not null) and (${t.state} = 'OPEN') = (${
        t.acknowledgedAt
      } is null)`,
    ),
  ],
);

/**
 * The departments' feed: one entry per department and thing it must hear of (a case opened for it,
 * a case closed). Read by `seq` after a cursor, up to the settled horizon of the sequence, so an
 * entry that commits late is never skipped (platform/outbox/horizon.ts).
 */
export const jointControlFeed = pgTable(
  'joint_control_feed',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    department: text('department').notNull(),
    caseId: uuid('case_id').notNull(),
    type: text('type').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('joint_control_feed_department_idx').on(t.department, t.seq),
    check('joint_control_feed_type_ck', sql`${t.type} in ('CASE_OPENED', 'CASE_CLOSED')`),
  ],
);
