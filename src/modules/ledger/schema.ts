import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
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
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * Electronic account books (一企一账), designed as a ledger of goods (../shared/spec/architecture.md): every
 * movement moves a quantity (and the cost basis that travels with it) from one account to another
 * of the same ledger (book x item x legal unit). The database refuses what must never happen:
 * negative stock, reservations above stock, edits of movements.
 */

/**
 * One book per enterprise per regime. The book row is the unit of serialisation (locked FOR UPDATE by every command).
 */
export const ledgerBooks = pgTable(
  'ledger_books',
  {
    id: uuid('id').primaryKey(),
    enterpriseId: uuid('enterprise_id').notNull(),
    regime: text('regime').notNull(),
    bookNo: text('book_no').notNull().unique(),
    status: text('status').notNull(),
    openedBy: text('opened_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** Bumped by every command that moves the book: an optimistic version readers can show. */
    version: bigint('version', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    uniqueIndex('ledger_books_enterprise_regime_uq').on(t.enterpriseId, t.regime),
    check('ledger_books_regime_ck', sql`${t.regime} in ('ZERO_TARIFF', 'PROCESSING_VALUE_ADDED', 'RELAXED_TRADE')`),
    check('ledger_books_status_ck', sql`${t.status} in ('ACTIVE', 'CLOSED')`),
  ],
);

/** Items (料号) of a book. */
export const ledgerItems = pgTable(
  'ledger_items',
  {
    id: uuid('id').primaryKey(),
    bookId: uuid('book_id').notNull(),
    itemNo: text('item_no').notNull(),
    hsCode: text('hs_code').notNull(),
    name: text('name').notNull(),
    specification: text('specification').notNull().default(''),
    unit: text('unit').notNull(),
    originCountry: text('origin_country').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('ledger_items_book_item_no_uq').on(t.bookId, t.itemNo),
    check('ledger_items_hs_ck', sql`${t.hsCode} ~ '^[0-9]{10}$'`),
    check('ledger_items_origin_ck', sql`${t.originCountry} ~ '^[A-Z]{2}$'`),
  ],
);

/**
 * Accounts of a ledger: the item's `stock` plus the system accounts the goods come from and go to.
 * Balances are materialised here; the verifier recomputes them from the movements. Only `stock`
 * carries reservations; the system accounts run negative (abroad after imports) by design, so the
 * sum over a ledger's accounts is always zero, for the quantity and each cost column.
 */
export const ledgerAccounts = pgTable(
  'ledger_accounts',
  {
    itemId: uuid('item_id').notNull(),
    kind: text('kind').notNull(),
    bookId: uuid('book_id').notNull(),
    onHand: numeric('on_hand', { precision: 24, scale: 6 }).notNull().default('0'),
    reserved: numeric('reserved', { precision: 24, scale: 6 }).notNull().default('0'),
    importedCny: numeric('imported_cny', { precision: 20, scale: 2 }).notNull().default('0'),
    domesticCny: numeric('domestic_cny', { precision: 20, scale: 2 }).notNull().default('0'),
    hainanMadeCny: numeric('hainan_made_cny', { precision: 20, scale: 2 }).notNull().default('0'),
    /** Business date of the first inbound movement to stock (risk's days since entry). */
    firstEntryDate: date('first_entry_date'),
    movements: bigint('movements', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.itemId, t.kind] }),
    index('ledger_accounts_book_idx').on(t.bookId),
    check(
      'ledger_accounts_kind_ck',
      sql`${t.kind} in ('stock', 'abroad', 'mainland', 'island', 'consumed', 'produced', 'scrapped', 'adjustment')`,
    ),
    check('ledger_accounts_on_hand_ck', sql`${t.kind} <> 'stock' or ${t.onHand} >= 0`),
    check('ledger_accounts_reserved_ck', sql`${t.reserved} >= 0 and (${t.kind} = 'stock' or ${t.reserved} = 0)`),
    check('ledger_accounts_reserved_le_on_hand_ck', sql`${t.reserved} <= ${t.onHand} or ${t.kind} <> 'stock'`),
    check(
      'ledger_accounts_cost_ck',
      sql`${t.kind} <> 'stock' or (${t.importedCny} >= 0 and ${t.domesticCny} >= 0 and ${t.hainanMadeCny} >= 0)`,
    ),
  ],
);

/**
 * Double-entry movements. Append-only (trigger in migration ledger_append_only). Partitioned by month of
 * `created_at` (migration 0050; platform/partitions): every key includes it, so `seq`
 * and `id` are unique by construction (a sequence, a fresh UUID) rather than by a global index, and old
 * months can be archived whole once verified (`tidegate archive`).
 */
export const ledgerMovements = pgTable(
  'ledger_movements',
  {
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    id: uuid('id').notNull(),
    bookId: uuid('book_id').notNull(),
    itemId: uuid('item_id').notNull(),
    fromKind: text('from_kind').notNull(),
    toKind: text('to_kind').notNull(),
    quantity: numeric('quantity', { precision: 24, scale: 6 }).notNull(),
    importedCny: numeric('imported_cny', { precision: 20, scale: 2 }).notNull(),
    domesticCny: numeric('domestic_cny', { precision: 20, scale: 2 }).notNull(),
    hainanMadeCny: numeric('hainan_made_cny', { precision: 20, scale: 2 }).notNull(),
    documentId: uuid('document_id').notNull(),
    documentType: text('document_type').notNull(),
    lineNo: integer('line_no').notNull(),
    postingId: uuid('posting_id'),
    reversalOf: uuid('reversal_of'),
    auditSeq: bigint('audit_seq', { mode: 'number' }).notNull(),
    businessDate: date('business_date').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.seq, t.createdAt] }),
    unique('ledger_movements_id_unique').on(t.id, t.createdAt),
    index('ledger_movements_book_idx').on(t.bookId, t.seq),
    index('ledger_movements_item_idx').on(t.itemId, t.seq),
    index('ledger_movements_document_idx').on(t.documentId),
    // One reversal per movement is held by ledger_documents_reversal_uq (one reversal document per
    // original, under the book's lock): a unique index here would have to include created_at.
    index('ledger_movements_reversal_idx').on(t.reversalOf),
    check('ledger_movements_quantity_ck', sql`${t.quantity} > 0`),
    check('ledger_movements_cost_ck', sql`${t.importedCny} >= 0 and ${t.domesticCny} >= 0 and ${t.hainanMadeCny} >= 0`),
    check('ledger_movements_accounts_ck', sql`${t.fromKind} <> ${t.toKind}`),
  ],
);

/**
 * What archived months of movements added to each account (one row per archived partition and account):
 * the verifier adds it to what the live movements sum to, so `ledger verify` still holds after an archive.
 * A restore deletes the partition's rows again.
 */
export const ledgerArchivedTotals = pgTable(
  'ledger_archived_totals',
  {
    partitionName: text('partition_name').notNull(),
    itemId: uuid('item_id').notNull(),
    kind: text('kind').notNull(),
    bookId: uuid('book_id').notNull(),
    quantity: numeric('quantity', { precision: 24, scale: 6 }).notNull(),
    importedCny: numeric('imported_cny', { precision: 20, scale: 2 }).notNull(),
    domesticCny: numeric('domestic_cny', { precision: 20, scale: 2 }).notNull(),
    hainanMadeCny: numeric('hainan_made_cny', { precision: 20, scale: 2 }).notNull(),
    movements: bigint('movements', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.partitionName, t.itemId, t.kind] }),
    index('ledger_archived_totals_book_idx').on(t.bookId),
  ],
);

/** Two-phase reservations (预核扣 -> 已核扣). */
export const ledgerReservations = pgTable(
  'ledger_reservations',
  {
    id: uuid('id').primaryKey(),
    bookId: uuid('book_id').notNull(),
    status: text('status').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    purposeType: text('purpose_type').notNull(),
    purposeId: text('purpose_id').notNull(),
    contentHash: text('content_hash').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    voidReason: text('void_reason'),
  },
  (t) => [
    index('ledger_reservations_book_idx').on(t.bookId, t.status),
    index('ledger_reservations_open_expiry_idx').on(t.expiresAt).where(sql`${t.status} = 'OPEN'`),
    index('ledger_reservations_purpose_idx').on(t.purposeType, t.purposeId),
    check('ledger_reservations_status_ck', sql`${t.status} in ('OPEN', 'POSTED', 'VOID', 'EXPIRED')`),
  ],
);

export const ledgerReservationLines = pgTable(
  'ledger_reservation_lines',
  {
    reservationId: uuid('reservation_id').notNull(),
    lineNo: integer('line_no').notNull(),
    itemId: uuid('item_id').notNull(),
    reserved: numeric('reserved', { precision: 24, scale: 6 }).notNull(),
    posted: numeric('posted', { precision: 24, scale: 6 }).notNull().default('0'),
    released: numeric('released', { precision: 24, scale: 6 }).notNull().default('0'),
  },
  (t) => [
    primaryKey({ columns: [t.reservationId, t.lineNo] }),
    index('ledger_reservation_lines_item_idx').on(t.itemId),
    check(
      'ledger_reservation_lines_ck',
      sql`${t.reserved} > 0 and ${t.posted} >= 0 and ${t.released} >= 0 and ${t.posted} + ${t.released} <= ${
        t.reserved
      }`,
    ),
  ],
);

/** Postings of reservations, idempotent by the client's posting id. Append-only. */
export const ledgerPostings = pgTable(
  'ledger_postings',
  {
    id: uuid('id').primaryKey(),
    reservationId: uuid('reservation_id').notNull(),
    contentHash: text('content_hash').notNull(),
    toKind: text('to_kind').notNull(),
    documentType: text('document_type').notNull(),
    documentId: text('document_id').notNull(),
    releaseRest: boolean('release_rest').notNull(),
    lines: jsonb('lines').notNull(),
    movementIds: jsonb('movement_ids').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('ledger_postings_reservation_idx').on(t.reservationId)],
);

/**
 * Documents that move a book (核注清单 and the like). All-or-nothing; idempotent by the client's id.
 * An adjustment waits in PENDING_APPROVAL until an auditor (another person) approves it.
 */
export const ledgerDocuments = pgTable(
  'ledger_documents',
  {
    id: uuid('id').primaryKey(),
    bookId: uuid('book_id').notNull(),
    type: text('type').notNull(),
    status: text('status').notNull(),
    contentHash: text('content_hash').notNull(),
    reference: text('reference'),
    businessDate: date('business_date').notNull(),
    counterpartyBookId: uuid('counterparty_book_id'),
    counterpartyEnterpriseId: uuid('counterparty_enterprise_id'),
    reversalOf: uuid('reversal_of'),
    reason: text('reason'),
    body: jsonb('body').notNull(),
    /** Taxes the document made due (island transfer to a non-beneficiary), with formulas and rules. */
    tax: jsonb('tax'),
    flags: jsonb('flags').notNull().default(sql`'{}'::jsonb`),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [
    index('ledger_documents_book_idx').on(t.bookId, t.createdAt),
    uniqueIndex('ledger_documents_reversal_uq').on(t.reversalOf),
    check('ledger_documents_status_ck', sql`${t.status} in ('POSTED', 'PENDING_APPROVAL', 'REJECTED')`),
    check('ledger_documents_four_eyes_ck', sql`${t.decidedBy} is null or ${t.decidedBy} <> ${t.createdBy}`),
  ],
);

export const ledgerDocumentLines = pgTable(
  'ledger_document_lines',
  {
    documentId: uuid('document_id').notNull(),
    lineNo: integer('line_no').notNull(),
    itemId: uuid('item_id').notNull(),
    direction: text('direction').notNull(),
    quantity: numeric('quantity', { precision: 24, scale: 6 }).notNull(),
    importedCny: numeric('imported_cny', { precision: 20, scale: 2 }).notNull().default('0'),
    domesticCny: numeric('domestic_cny', { precision: 20, scale: 2 }).notNull().default('0'),
    hainanMadeCny: numeric('hainan_made_cny', { precision: 20, scale: 2 }).notNull().default('0'),
  },
  (t) => [
    primaryKey({ columns: [t.documentId, t.lineNo, t.direction] }),
    check('ledger_document_lines_direction_ck', sql`${t.direction} in ('IN', 'OUT')`),
  ],
);

/** The taxed catalogue (进口征税商品目录): effective-dated HS prefixes. Append-only; a removal is a version with validTo. */
export const ledgerTaxedCatalogue = pgTable(
  'ledger_taxed_catalogue',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    hsPrefix: text('hs_prefix').notNull(),
    description: text('description').notNull(),
    validFrom: date('valid_from').notNull(),
    validTo: date('valid_to'),
    source: text('source').notNull(),
    batchId: uuid('batch_id').notNull(),
    loadedBy: text('loaded_by').notNull(),
    loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('ledger_taxed_catalogue_prefix_idx').on(t.hsPrefix, t.validFrom),
    check('ledger_taxed_catalogue_prefix_ck', sql`${t.hsPrefix} ~ '^[0-9]{2,10}$'`),
  ],
);

/** First-line direct releases (径予放行) waiting to be entered into a book within the deadline. */
export const ledgerDirectReleases = pgTable(
  'ledger_direct_releases',
  {
    id: uuid('id').primaryKey(),
    bookId: uuid('book_id').notNull(),
    reference: text('reference').notNull(),
    releasedOn: date('released_on').notNull(),
    dueOn: date('due_on').notNull(),
    enteredDocumentId: uuid('entered_document_id'),
    enteredOn: date('entered_on'),
    overdueAlertedAt: timestamp('overdue_alerted_at', { withTimezone: true }),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('ledger_direct_releases_pending_idx').on(t.dueOn).where(sql`${t.enteredDocumentId} is null`),
    index('ledger_direct_releases_book_idx').on(t.bookId),
  ],
);

/** Alerts the ledger raises (overdue direct-release entries, late entries). */
export const ledgerAlerts = pgTable(
  'ledger_alerts',
  {
    id: uuid('id').primaryKey(),
    kind: text('kind').notNull(),
    bookId: uuid('book_id').notNull(),
    reference: text('reference').notNull(),
    detail: jsonb('detail').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('ledger_alerts_book_idx').on(t.bookId, t.raisedAt),
    uniqueIndex('ledger_alerts_kind_ref_uq').on(t.kind, t.reference),
  ],
);
