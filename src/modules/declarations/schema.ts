import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  date,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { jsonText } from '../../platform/db/columns.ts';

/**
 * Second-line declarations (二线出岛申报): single exits, batch exits (分批出岛 release lists) and
 * centralized declarations (集中申报). Every table is owned by an enterprise (`enterprise_id`, the
 * distribution key). An amendment is a new row (version + 1) pointing at the one it replaces.
 */
export const declarations = pgTable(
  'decl_declarations',
  {
    id: uuid('id').primaryKey(),
    enterpriseId: uuid('enterprise_id').notNull(),
    kind: text('kind').notNull(),
    /** The client's idempotency key for the submission (`requestId`), unique per enterprise. */
    requestId: text('request_id').notNull(),
    requestHash: text('request_hash').notNull(),
    version: integer('version').notNull(),
    rootId: uuid('root_id').notNull(),
    previousId: uuid('previous_id'),
    state: text('state').notNull(),
    stateReason: text('state_reason').notNull(),
    bookId: uuid('book_id'),
    regime: text('regime'),
    portCode: text('port_code').notNull(),
    businessDate: date('business_date').notNull(),
    /** YYYY-MM: the month a batch left in, or the month a centralized declaration declares. */
    period: text('period'),
    form: jsonText('form').notNull(),
    lines: jsonText('lines').notNull(),
    taxes: jsonText('taxes'),
    risk: jsonText('risk'),
    reservationId: uuid('reservation_id'),
    releaseOrderId: uuid('release_order_id'),
    inspectionTaskId: uuid('inspection_task_id'),
    /** A batch: the centralized declaration that declared it. */
    centralizedId: uuid('centralized_id'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('decl_declarations_request_uq').on(t.enterpriseId, t.requestId),
    index('decl_declarations_enterprise_idx').on(t.enterpriseId, t.createdAt),
    index('decl_declarations_state_idx').on(t.state, t.createdAt),
    // An officer's list by port and state, newest first: the page and its capped count read the index alone.
    index('decl_declarations_port_state_idx').on(t.portCode, t.state, t.createdAt, t.id),
    index('decl_declarations_period_idx').on(t.enterpriseId, t.kind, t.period),
    index('decl_declarations_root_idx').on(t.rootId, t.version),
    check('decl_declarations_kind_ck', sql`${t.kind} in ('SECOND_LINE_EXIT', 'BATCH_EXIT', 'CENTRALIZED_DECLARATION')`),
    check(
      'decl_declarations_state_ck',
      sql`${t.state} in ('SUBMITTED', 'ACCEPTED', 'HELD', 'REJECTED', 'RELEASED', 'EXITED', 'CANCELLED', 'AMENDED')`,
    ),
    check('decl_declarations_version_ck', sql`${t.version} >= 1 and (${t.version} = 1) = (${t.previousId} is null)`),
  ],
);

/** Every change of state with its reason (append-only). */
export const declarationTransitions = pgTable(
  'decl_transitions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    declarationId: uuid('declaration_id').notNull(),
    enterpriseId: uuid('enterprise_id').notNull(),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    reason: text('reason').notNull(),
    rule: text('rule').notNull(),
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    auditSeq: bigint('audit_seq', { mode: 'number' }).notNull(),
  },
  (t) => [index('decl_transitions_declaration_idx').on(t.declarationId, t.id)],
);

/** Tax bills (税单): the original bill of a taxed declaration and supplementary bills (补税) after an inspection. */
export const taxBills = pgTable(
  'decl_tax_bills',
  {
    id: uuid('id').primaryKey(),
    billNo: text('bill_no').notNull(),
    declarationId: uuid('declaration_id').notNull(),
    enterpriseId: uuid('enterprise_id').notNull(),
    kind: text('kind').notNull(),
    cause: text('cause').notNull(),
    duty: numeric('duty', { precision: 18, scale: 2 }).notNull(),
    consumptionTax: numeric('consumption_tax', { precision: 18, scale: 2 }).notNull(),
    vat: numeric('vat', { precision: 18, scale: 2 }).notNull(),
    total: numeric('total', { precision: 18, scale: 2 }).notNull(),
    figures: jsonText('figures').notNull(),
    businessDate: date('business_date').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    auditSeq: bigint('audit_seq', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('decl_tax_bills_no_uq').on(t.billNo),
    index('decl_tax_bills_enterprise_idx').on(t.enterpriseId, t.issuedAt),
    index('decl_tax_bills_declaration_idx').on(t.declarationId),
    check('decl_tax_bills_kind_ck', sql`${t.kind} in ('ORIGINAL', 'SUPPLEMENTARY')`),
    check(
      'decl_tax_bills_nonneg_ck',
      sql`${t.duty} >= 0 and ${t.consumptionTax} >= 0 and ${t.vat} >= 0 and ${t.total} = ${t.duty} + ${
        t.consumptionTax
      } + ${t.vat}`,
    ),
  ],
);

/** Gap-free serials: bill numbers per day, confirmation numbers (内销免关税确认编号) per year. */
export const declarationSerials = pgTable(
  'decl_serials',
  {
    kind: text('kind').notNull(),
    scope: text('scope').notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.scope] })],
);

/** The batch-exit facility of an enterprise: suspended when a centralized declaration is late or missing. */
export const batchFacilities = pgTable(
  'decl_batch_facilities',
  {
    enterpriseId: uuid('enterprise_id').primaryKey(),
    status: text('status').notNull(),
    reason: text('reason').notNull(),
    period: text('period'),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
    changedBy: text('changed_by').notNull(),
  },
  (t) => [check('decl_batch_facilities_status_ck', sql`${t.status} in ('ACTIVE', 'SUSPENDED')`)],
);

/**
 * Alerts raised by the declarations module (a centralized declaration overdue), one per enterprise, kind and period.
 */
export const declarationAlerts = pgTable(
  'decl_alerts',
  {
    id: uuid('id').primaryKey(),
    enterpriseId: uuid('enterprise_id').notNull(),
    kind: text('kind').notNull(),
    period: text('period').notNull(),
    dueDate: date('due_date').notNull(),
    detail: text('detail').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
    auditSeq: bigint('audit_seq', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('decl_alerts_uq').on(t.enterpriseId, t.kind, t.period)],
);

/** Outbox events this module has handled (ReleaseOrderPassed, InspectionCompleted): idempotent by event id. */
export const processedEvents = pgTable('decl_processed_events', {
  eventId: bigint('event_id', { mode: 'number' }).primaryKey(),
  eventType: text('event_type').notNull(),
  processedAt: timestamp('processed_at', { withTimezone: true }).notNull(),
});

/**
 * Selections that outlived their declaration: an officer rejected a held declaration before its
 * inspection ended, and its goods went back to the book. The next exit or batch of the same
 * enterprise with any of these book items is held for inspection in its place and settles the row
 * (README, "Cancelling does not dodge an inspection").
 */
export const pendingSelections = pgTable(
  'decl_pending_selections',
  {
    enterpriseId: uuid('enterprise_id').notNull(),
    /** The declaration that was selected and did not leave. */
    declarationId: uuid('declaration_id').notNull(),
    itemIds: uuid('item_ids').array().notNull(),
    /** Its inspection task, still open when the goods went back. */
    taskId: uuid('task_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** The declaration that inherited the selection. */
    settledBy: uuid('settled_by'),
    settledAt: timestamp('settled_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.enterpriseId, t.declarationId] })],
);
