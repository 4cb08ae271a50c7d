import { sql } from 'drizzle-orm';
import {
  bigint,
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
 * Cumulative numbers (累计编号) the platform issued for processed goods passed on the island from one
 * processing enterprise's book to another's: the figures are the upstream book's cost of the goods
 * moved (never declared by either side) and the price of the transfer. One number per transfer line.
 */
export const valueAddedCumulativeNumbers = pgTable(
  'value_added_cumulative_numbers',
  {
    number: text('number').primaryKey(),
    transferDocumentId: uuid('transfer_document_id').notNull(),
    lineNo: integer('line_no').notNull(),
    upstreamEnterpriseId: uuid('upstream_enterprise_id').notNull(),
    upstreamBookId: uuid('upstream_book_id').notNull(),
    downstreamEnterpriseId: uuid('downstream_enterprise_id').notNull(),
    downstreamBookId: uuid('downstream_book_id').notNull(),
    itemId: uuid('item_id').notNull(),
    quantity: numeric('quantity', { precision: 28, scale: 6 }).notNull(),
    /** What exit declarations have written off (cited): never above the quantity, never below zero. */
    quantityUsed: numeric('quantity_used', { precision: 28, scale: 6 }).notNull().default('0'),
    salePrice: numeric('sale_price', { precision: 18, scale: 2 }).notNull(),
    importedCny: numeric('imported_cny', { precision: 18, scale: 2 }).notNull(),
    domesticCny: numeric('domestic_cny', { precision: 18, scale: 2 }).notNull(),
    hainanMadeCny: numeric('hainan_made_cny', { precision: 18, scale: 2 }).notNull(),
    ratio: text('ratio').notNull(),
    businessDate: date('business_date').notNull(),
    issuedBy: text('issued_by').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    auditSeq: bigint('audit_seq', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('value_added_cumulative_numbers_line_uq').on(t.transferDocumentId, t.lineNo),
    index('value_added_cumulative_numbers_downstream_idx').on(t.downstreamEnterpriseId),
    check('value_added_cumulative_numbers_quantity_ck', sql`${t.quantity} > 0`),
    check('value_added_cumulative_numbers_used_ck', sql`${t.quantityUsed} >= 0 and ${t.quantityUsed} <= ${t.quantity}`),
  ],
);

/**
 * Each write-off of a cumulative number (like a book's): by an exit declaration's line (the quantity
 * cited, and when the declaration was cancelled or amended, when it was given back), or carried on by
 * the number the platform issued to the next link of a chain (`carriedBy`, its transfer line in
 * `lineIndex`): the middle enterprise's number then holds the first link's figures.
 */
export const valueAddedNumberUses = pgTable(
  'value_added_number_uses',
  {
    id: uuid('id').primaryKey(),
    number: text('number').notNull(),
    declarationId: uuid('declaration_id'),
    /** The cumulative number issued downstream that carries this use on (instead of a declaration). */
    carriedBy: text('carried_by'),
    lineIndex: integer('line_index').notNull(),
    quantity: numeric('quantity', { precision: 28, scale: 6 }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }).notNull(),
    returnedAt: timestamp('returned_at', { withTimezone: true }),
    auditSeq: bigint('audit_seq', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('value_added_number_uses_line_uq').on(t.declarationId, t.lineIndex, t.number),
    uniqueIndex('value_added_number_uses_carried_uq').on(t.carriedBy, t.number),
    index('value_added_number_uses_number_idx').on(t.number),
    check('value_added_number_uses_quantity_ck', sql`${t.quantity} > 0`),
    check('value_added_number_uses_by_ck', sql`(${t.declarationId} is null) <> (${t.carriedBy} is null)`),
  ],
);

/** The serial of the cumulative numbers, per year and issuing customs code. */
export const valueAddedSerials = pgTable(
  'value_added_serials',
  {
    scope: text('scope').notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope] })],
);

/**
 * Evidence of a value-added ratio (invoices, work hours, energy): what was uploaded, by whom, and the
 * SHA-256 of its bytes (the bytes themselves are not kept here; the hash is in the audit log).
 */
export const valueAddedEvidence = pgTable(
  'value_added_evidence',
  {
    id: uuid('id').primaryKey(),
    enterpriseId: uuid('enterprise_id').notNull(),
    kind: text('kind').notNull(),
    reference: text('reference').notNull(),
    fileName: text('file_name').notNull(),
    mediaType: text('media_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    description: text('description'),
    uploadedBy: text('uploaded_by').notNull(),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull(),
    auditSeq: bigint('audit_seq', { mode: 'number' }).notNull(),
  },
  (t) => [
    index('value_added_evidence_enterprise_idx').on(t.enterpriseId, t.reference),
    check('value_added_evidence_kind_ck', sql`${t.kind} in ('INVOICE', 'WORK_HOURS', 'ENERGY', 'OTHER')`),
    check('value_added_evidence_sha_ck', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
  ],
);

/**
 * Ratios just above the threshold (within the review band, a parameter) wait for an officer: the
 * queue of them, with the figures the ratio was computed on and the officer's decision.
 */
export const valueAddedReviews = pgTable(
  'value_added_reviews',
  {
    id: uuid('id').primaryKey(),
    enterpriseId: uuid('enterprise_id').notNull(),
    bookId: uuid('book_id').notNull(),
    itemId: uuid('item_id').notNull(),
    /** The exit declaration (and its line) held until the review is decided; null for an assessment. */
    declarationId: uuid('declaration_id'),
    lineIndex: integer('line_index'),
    ratio: text('ratio').notNull(),
    threshold: text('threshold').notNull(),
    bandUpper: text('band_upper').notNull(),
    figures: jsonb('figures').notNull(),
    evidenceIds: jsonb('evidence_ids').$type<string[]>().notNull(),
    status: text('status').notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    reason: text('reason'),
  },
  (t) => [
    index('value_added_reviews_status_idx').on(t.status, t.requestedAt),
    index('value_added_reviews_enterprise_idx').on(t.enterpriseId),
    // One open review per exit line; a correction may queue a new one once the old is decided or closed.
    uniqueIndex('value_added_reviews_declaration_uq')
      .on(t.declarationId, t.lineIndex)
      .where(sql`${t.status} = 'PENDING'`),
    // CLOSED: the exit it held was cancelled, amended or seized, or a correction took the ratio out of the band.
    check('value_added_reviews_status_ck', sql`${t.status} in ('PENDING', 'APPROVED', 'REJECTED', 'CLOSED')`),
  ],
);
