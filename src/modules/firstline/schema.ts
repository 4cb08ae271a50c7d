import { sql } from 'drizzle-orm';
import { check, date, index, jsonb, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const money = (name: string) => numeric(name, { precision: 18, scale: 2 });

/**
 * First-line declarations (一线进出境申报/备案清单): goods entering the island from abroad (into a book,
 * zero-tariff or bonded, or paying duty) and leaving for abroad. Enterprise-owned: enterprise_id is the
 * distribution key. `risk` is the officers' summary of the decision and is never shown to the trader.
 */
export const firstLineDeclarations = pgTable(
  'firstline_declarations',
  {
    id: uuid('id').primaryKey(),
    enterpriseId: uuid('enterprise_id').notNull(),
    requestId: uuid('request_id').notNull(),
    contentHash: text('content_hash').notNull(),
    direction: text('direction').notNull(),
    port: text('port').notNull(),
    declarationDate: date('declaration_date').notNull(),
    bookId: uuid('book_id'),
    directRelease: text('direct_release').notNull().default('NO'),
    state: text('state').notNull(),
    stateReason: text('state_reason').notNull(),
    /** The form as filed, and per line what the platform made of it (code, origin, regime, licence, rate). */
    body: jsonb('body').notNull(),
    lines: jsonb('lines').notNull(),
    taxes: jsonb('taxes'),
    risk: jsonb('risk'),
    ledgerDocumentId: uuid('ledger_document_id'),
    directReleaseId: uuid('direct_release_id'),
    decidedBy: text('decided_by'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('firstline_declarations_request_uq').on(t.enterpriseId, t.requestId),
    index('firstline_declarations_state_idx').on(t.state, t.createdAt),
    index('firstline_declarations_enterprise_idx').on(t.enterpriseId, t.createdAt),
    check('firstline_declarations_direction_ck', sql`${t.direction} in ('IMPORT', 'EXPORT')`),
    check('firstline_declarations_state_ck', sql`${t.state} in ('HELD', 'RELEASED', 'REJECTED')`),
  ],
);

/** Tax bills (税单) of first-line declarations for what is taxed at import. */
export const firstLineBills = pgTable(
  'firstline_bills',
  {
    id: uuid('id').primaryKey(),
    number: text('number').notNull(),
    declarationId: uuid('declaration_id').notNull(),
    enterpriseId: uuid('enterprise_id').notNull(),
    duty: money('duty').notNull(),
    consumptionTax: money('consumption_tax').notNull(),
    vat: money('vat').notNull(),
    total: money('total').notNull(),
    lines: jsonb('lines').notNull(),
    parameterVersions: jsonb('parameter_versions').notNull(),
    issuedOn: date('issued_on').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('firstline_bills_number_uq').on(t.number),
    uniqueIndex('firstline_bills_declaration_uq').on(t.declarationId),
    index('firstline_bills_enterprise_idx').on(t.enterpriseId, t.issuedAt),
    check('firstline_bills_amounts_ck', sql`${t.duty} >= 0 and ${t.consumptionTax} >= 0 and ${t.vat} >= 0`),
  ],
);
