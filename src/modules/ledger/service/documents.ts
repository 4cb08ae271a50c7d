/**
 * Documents that move a book (核注清单 and its kin). Each is one transaction, all or nothing; the
 * error names the first failing line. Idempotent by the client's document id.
 */
import { and, asc, desc, eq, getTableName, gt, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { queryRows, together, type Executor, type Tx } from '../../../platform/db/client.ts';
import { tableRows } from '../../../platform/db/rows.ts';
import { memoInCommand } from '../../../platform/commandMemo.ts';
import { runCommand } from '../../../platform/command.ts';
import type { AuditInput } from '../../../platform/audit/service.ts';
import type { AuditRef, WriteBatch } from '../../../platform/writeBatch.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { LEDGER_EVENTS } from '../events.ts';
import { getParameter } from '../../../platform/parameters/service.ts';
import { archivedPartitions } from '../../../platform/partitions/schema.ts';
import { actorLabel, systemActor, type Actor } from '../../../platform/auth/roles.ts';
import { assertEnterpriseVisible } from '../../../platform/auth/scope.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { uuidv7 } from '../../../kernel/ids.ts';
import { problems, type FieldError } from '../../../kernel/problem.ts';
import { activeQualifications, findEnterpriseById, scopeViolation, zeroTariffScope } from '../../subjects/service.ts';
import { loadTaxParameters } from '../../tax/service.ts';
import { carriedAtPrice, computeRoute, fen, type DeclarationComputation, type RouteLine } from '../../tax/rules.ts';
import {
  ledgerAlerts,
  ledgerDirectReleases,
  ledgerDocuments,
  ledgerMovements,
  ledgerTaxedCatalogue,
  ledgerItems,
  ledgerDocumentLines,
} from '../schema.ts';
import {
  isCalendarDate,
  adjustmentViolation,
  costOf,
  costStrings,
  D,
  directReleaseDueOn,
  inCatalogue,
  moneyViolation,
  QUALIFICATION_FOR_REGIME,
  quantityViolation,
  splitCost,
  totalCost,
  ZERO_COST,
  addCost,
  type Cost,
  type Dec,
  type Regime,
} from '../rules.ts';
import {
  assertBookActive,
  bookRow,
  CATALOGUE_FOR_ITEMS_MEMO,
  emptyStock,
  auditPartition,
  contentHash,
  idempotencyConflict,
  itemsOfBook,
  loadItems,
  loadStock,
  lockBooks,
  planMoves,
  plainQty,
  deferMoves,
  type BookRow,
  type ItemRow,
  type MoveSpec,
  type PlannedMove,
} from './core.ts';

interface Base {
  documentId: string;
  bookId: string;
  reference?: string;
  /** The business date (Asia/Shanghai) the document records; default today, never in the future. */
  businessDate?: string;
}
export interface ImportLine {
  itemId: string;
  quantity: string;
  importedCny: string;
  domesticCny?: string;
  hainanMadeCny?: string;
}
export interface TransferLine {
  itemId: string;
  quantity: string;
  toItemId?: string;
  valueCny?: string;
  dutyRate?: string;
  vatRate?: string;
  consumptionTaxRate?: string;
}
export type DocumentInput =
  | (Base & { type: 'FIRST_LINE_IMPORT'; directReleaseId?: string; lines: ImportLine[] })
  | (Base & { type: 'FIRST_LINE_EXPORT'; lines: { itemId: string; quantity: string }[] })
  | (Base & { type: 'ISLAND_TRANSFER'; toEnterpriseId: string; toBookId?: string; lines: TransferLine[] })
  | (Base & {
      type: 'PROCESSING';
      inputs: { itemId: string; quantity: string }[];
      outputs: { itemId: string; quantity: string; costShare?: string; domesticCny?: string; hainanMadeCny?: string }[];
    })
  | (Base & { type: 'SCRAP'; reason: string; lines: { itemId: string; quantity: string }[] })
  | (Base & { type: 'ADJUSTMENT'; reason: string; lines: { itemId: string; delta: string; importedCny?: string }[] })
  | (Base & { type: 'REVERSAL'; reversalOf: string; reason: string });

type DocumentRow = typeof ledgerDocuments.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DocumentView {
  id: string;
  bookId: string;
  type: string;
  status: string;
  reference: string | null;
  businessDate: string;
  reversalOf: string | null;
  counterpartyBookId: string | null;
  counterpartyEnterpriseId: string | null;
  tax: unknown;
  flags: unknown;
  body: unknown;
  createdBy: string;
  createdAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  movements: {
    id: string;
    bookId: string;
    itemId: string;
    from: string;
    to: string;
    quantity: string;
    importedCny: string;
    domesticCny: string;
    hainanMadeCny: string;
    lineNo: number;
  }[];
}

/** The document's own fields in a view; the movements come from the table or from the plan. */
function documentHeader(d: DocumentRow): Omit<DocumentView, 'movements'> {
  return {
    id: d.id,
    bookId: d.bookId,
    type: d.type,
    status: d.status,
    reference: d.reference,
    businessDate: d.businessDate,
    reversalOf: d.reversalOf,
    counterpartyBookId: d.counterpartyBookId,
    counterpartyEnterpriseId: d.counterpartyEnterpriseId,
    tax: d.tax,
    flags: d.flags,
    body: d.body,
    createdBy: d.createdBy,
    createdAt: d.createdAt.toISOString(),
    decidedBy: d.decidedBy,
    decidedAt: d.decidedAt?.toISOString() ?? null,
  };
}

export async function documentView(ex: Executor, d: DocumentRow): Promise<DocumentView> {
  const moves = await ex
    .select()
    .from(ledgerMovements)
    .where(eq(ledgerMovements.documentId, d.id))
    .orderBy(asc(ledgerMovements.seq));
  return {
    ...documentHeader(d),
    movements: moves.map((m) => ({
      id: m.id,
      bookId: m.bookId,
      itemId: m.itemId,
      from: m.fromKind,
      to: m.toKind,
      quantity: plainQty(m.quantity),
      importedCny: new D(m.importedCny).toFixed(2),
      domesticCny: new D(m.domesticCny).toFixed(2),
      hainanMadeCny: new D(m.hainanMadeCny).toFixed(2),
      lineNo: m.lineNo,
    })),
  };
}

export async function getDocument(ex: Executor, id: string): Promise<DocumentView | null> {
  if (!UUID.test(id)) return null;
  const [d] = await ex.select().from(ledgerDocuments).where(eq(ledgerDocuments.id, id)).limit(1);
  return d ? documentView(ex, d) : null;
}

const qty = (errors: FieldError[], path: string, v: unknown) => {
  const m = quantityViolation(String(v ?? ''));
  if (m) errors.push({ path, rule: 'ledger.quantity', message: `quantity ${m}` });
};
const money = (errors: FieldError[], path: string, v: unknown, required = false) => {
  if (v === undefined && !required) return;
  const m = moneyViolation(String(v ?? ''));
  if (m) errors.push({ path, rule: 'ledger.money', message: m });
};
const itemId = (errors: FieldError[], path: string, v: unknown) => {
  if (!UUID.test(String(v ?? '')))
    errors.push({ path, rule: 'ledger.itemUnknown', message: 'must be a ledger item UUID' });
};

/** The shape of the numbers, before any look-up: every field error at once. */
function shapeErrors(input: DocumentInput): FieldError[] {
  const e: FieldError[] = [];
  if (!UUID.test(input.documentId ?? ''))
    e.push({ path: 'documentId', rule: 'ledger.id', message: 'documentId must be a UUID' });
  if (input.businessDate !== undefined && !isCalendarDate(input.businessDate))
    e.push({ path: 'businessDate', rule: 'ledger.date', message: 'a date YYYY-MM-DD' });
  const nonEmpty = (path: string, arr: unknown[] | undefined) => {
    if (!Array.isArray(arr) || arr.length === 0)
      e.push({ path, rule: 'ledger.linesRequired', message: 'at least one line is required' });
  };
  switch (input.type) {
    case 'FIRST_LINE_IMPORT':
      nonEmpty('lines', input.lines);
      input.lines?.forEach((l, i) => {
        itemId(e, `lines[${i}].itemId`, l.itemId);
        qty(e, `lines[${i}].quantity`, l.quantity);
        money(e, `lines[${i}].importedCny`, l.importedCny, true);
        money(e, `lines[${i}].domesticCny`, l.domesticCny);
        money(e, `lines[${i}].hainanMadeCny`, l.hainanMadeCny);
      });
      break;
    case 'FIRST_LINE_EXPORT':
    case 'SCRAP':
      nonEmpty('lines', input.lines);
      input.lines?.forEach((l, i) => {
        itemId(e, `lines[${i}].itemId`, l.itemId);
        qty(e, `lines[${i}].quantity`, l.quantity);
      });
      if (input.type === 'SCRAP' && !input.reason)
        e.push({ path: 'reason', rule: 'ledger.reasonRequired', message: 'say why the goods are scrapped' });
      break;
    case 'ISLAND_TRANSFER':
      if (!UUID.test(input.toEnterpriseId ?? ''))
        e.push({
          path: 'toEnterpriseId',
          rule: 'ledger.enterpriseUnknown',
          message: 'toEnterpriseId must be an enterprise UUID',
        });
      nonEmpty('lines', input.lines);
      input.lines?.forEach((l, i) => {
        itemId(e, `lines[${i}].itemId`, l.itemId);
        qty(e, `lines[${i}].quantity`, l.quantity);
        money(e, `lines[${i}].valueCny`, l.valueCny);
      });
      break;
    case 'PROCESSING':
      nonEmpty('inputs', input.inputs);
      nonEmpty('outputs', input.outputs);
      input.inputs?.forEach((l, i) => {
        itemId(e, `inputs[${i}].itemId`, l.itemId);
        qty(e, `inputs[${i}].quantity`, l.quantity);
      });
      input.outputs?.forEach((l, i) => {
        itemId(e, `outputs[${i}].itemId`, l.itemId);
        qty(e, `outputs[${i}].quantity`, l.quantity);
        if (l.costShare !== undefined) qty(e, `outputs[${i}].costShare`, l.costShare);
        money(e, `outputs[${i}].domesticCny`, l.domesticCny);
        money(e, `outputs[${i}].hainanMadeCny`, l.hainanMadeCny);
      });
      break;
    case 'ADJUSTMENT':
      if (!input.reason)
        e.push({ path: 'reason', rule: 'ledger.reasonRequired', message: 'say what the stock-take found' });
      nonEmpty('lines', input.lines);
      input.lines?.forEach((l, i) => {
        itemId(e, `lines[${i}].itemId`, l.itemId);
        const m = adjustmentViolation(String(l.delta ?? ''));
        if (m)
          e.push({
            path: `lines[${i}].delta`,
            rule: 'ledger.quantity',
            message: `delta ${m} (negative for a shortage)`,
          });
        money(e, `lines[${i}].importedCny`, l.importedCny);
      });
      break;
    case 'REVERSAL':
      if (!UUID.test(input.reversalOf ?? ''))
        e.push({ path: 'reversalOf', rule: 'ledger.documentUnknown', message: 'reversalOf must be a document UUID' });
      if (!input.reason)
        e.push({ path: 'reason', rule: 'ledger.reasonRequired', message: 'a reversal needs its reason' });
      break;
    default:
      e.push({ path: 'type', rule: 'ledger.documentType', message: 'unknown document type' });
  }
  return e;
}

const linesOf = (input: DocumentInput): number =>
  'lines' in input ? input.lines.length : input.type === 'PROCESSING' ? input.inputs.length + input.outputs.length : 0;

async function regimeQualified(ex: Executor, enterpriseId: string, regime: Regime, date: string): Promise<boolean> {
  const held = await activeQualifications(ex, enterpriseId, date);
  return held.some((q) => q.kind === QUALIFICATION_FOR_REGIME[regime]);
}

/** Zero-tariff goods outside the kinds the enterprise holds on the day: refused, 422 beneficiary.scope. */
function assertInScope(
  lines: readonly { hsCode: string; path: string }[],
  scope: Awaited<ReturnType<typeof zeroTariffScope>>,
  who: string,
): void {
  const errors = lines.flatMap((l) => scopeViolation(l.hsCode, scope.categories, scope.map, l.path, who) ?? []);
  if (errors.length) {
    throw problems.rule('beneficiary-scope', 'Outside the beneficiary scope', errors[0]!.message, errors);
  }
}

async function isBeneficiary(ex: Executor, enterpriseId: string, date: string): Promise<boolean> {
  const held = await activeQualifications(ex, enterpriseId, date);
  return held.some((q) => q.kind === 'ZERO_TARIFF_BENEFICIARY');
}

/** HS prefixes of the taxed catalogue in force on a date. */
export async function cataloguePrefixes(ex: Executor, date: string, forCodes?: readonly string[]): Promise<string[]> {
  // For a document, only the entries that could cover its codes (every prefix of 2 to 10 digits).
  const candidates = forCodes
    ? [...new Set(forCodes.flatMap((c) => Array.from({ length: 9 }, (_, i) => c.slice(0, i + 2))))]
    : null;
  const rows = await ex
    .select({
      hsPrefix: ledgerTaxedCatalogue.hsPrefix,
      validFrom: ledgerTaxedCatalogue.validFrom,
      validTo: ledgerTaxedCatalogue.validTo,
      id: ledgerTaxedCatalogue.id,
    })
    .from(ledgerTaxedCatalogue)
    .where(
      candidates
        ? sql`${ledgerTaxedCatalogue.validFrom} <= ${date} and ${ledgerTaxedCatalogue.hsPrefix} =
            any(string_to_array(${candidates.join(',')}, ','))`
        : sql`${ledgerTaxedCatalogue.validFrom} <= ${date}`,
    )
    .orderBy(asc(ledgerTaxedCatalogue.id));
  return prefixesInForce(rows, date);
}

/** The newest version of each prefix decides (a later row with validTo ends an entry); rows in id order. */
function prefixesInForce(rows: readonly { hsPrefix: string; validTo: string | null }[], date: string): string[] {
  const latest = new Map<string, { hsPrefix: string; validTo: string | null }>();
  for (const r of rows) latest.set(r.hsPrefix, r);
  return [...latest.values()].filter((r) => r.validTo === null || r.validTo > date).map((r) => r.hsPrefix);
}

/**
 * The catalogue entries that could cover the HS codes of some items (every prefix of 2 to 10
 * digits of each code), in force on a date, read by item id so that it needs no earlier read of the
 * items: it runs beside the item read, in the same round trip. Once per command
 * (platform/commandMemo.ts): a first-line declaration reads it with its items for its own checks,
 * and its release's document asks again; the catalogue's import and the ledger's item writers forget it.
 */
export async function cataloguePrefixesForItems(
  ex: Executor,
  date: string,
  itemIds: readonly string[],
): Promise<string[]> {
  const ids = [...new Set(itemIds.filter((id) => UUID.test(id)))].sort();
  if (!ids.length) return [];
  const rows = await memoInCommand(ex, `${CATALOGUE_FOR_ITEMS_MEMO}${date}:${ids.join(',')}`, () =>
    queryRows<{ hs_prefix: string; valid_to: string | null }>(
      ex,
      sql`select c.hs_prefix, c.valid_to::text as valid_to from ${ledgerTaxedCatalogue} c
        where c.valid_from <= ${date}::date
          and c.hs_prefix in (select left(i.hs_code, n) from ${ledgerItems} i cross join generate_series(2, 10) n
          where i.id = any(string_to_array(${ids.join(',')}, ',')::uuid[]))
        order by c.id`,
    ),
  );
  return prefixesInForce(
    rows.map((r) => ({ hsPrefix: r.hs_prefix, validTo: r.valid_to })),
    date,
  );
}

interface Planned {
  moves: PlannedMove[];
  lines: { lineNo: number; itemId: string; direction: 'IN' | 'OUT'; quantity: string; cost: Cost }[];
  counterpartyBookId?: string | null;
  counterpartyEnterpriseId?: string | null;
  tax?: unknown;
  flags?: Record<string, unknown>;
  status?: 'POSTED' | 'PENDING_APPROVAL';
  reversalOf?: string | null;
  reason?: string | null;
  alerts?: { kind: string; reference: string; detail: unknown }[];
  /** Audit entries after the document's own (another book's partition). */
  audit?: AuditInput[];
  /** A write deferred after the document's (it issues its statement at once; nothing reads it before the end). */
  afterWrite?: (tx: Tx, documentId: string) => Promise<unknown>;
  extraBooks?: BookRow[];
}

const outLines = (moves: PlannedMove[]) =>
  moves
    .filter((m) => m.from === 'stock')
    .map((m) => ({
      lineNo: m.lineNo,
      itemId: m.itemId,
      direction: 'OUT' as const,
      quantity: m.quantity.toString(),
      cost: m.cost,
    }));
const inLines = (moves: PlannedMove[]) =>
  moves
    .filter((m) => m.to === 'stock')
    .map((m) => ({
      lineNo: m.lineNo,
      itemId: m.itemId,
      direction: 'IN' as const,
      quantity: m.quantity.toString(),
      cost: m.cost,
    }));

/**
 * Files a document inside the caller's transaction. Other modules (first-line release) call this;
 * the HTTP route and CLI call `fileDocument`. Its audit entries, its write (document, lines,
 * movements, balances) and its events go in the command's write batch, written at the command's
 * end: nothing of the command may read the document's rows before then.
 */
export async function fileDocumentTx(
  tx: Tx,
  ctx: AppContext,
  actor: Actor,
  input: DocumentInput,
  batch: WriteBatch,
): Promise<DocumentView> {
  const errors = shapeErrors(input);
  if (errors.length) throw problems.validation(errors);
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const businessDate = input.businessDate ?? today;
  if (businessDate > today)
    throw problems.field(
      'businessDate',
      'ledger.businessDateFuture',
      'a document cannot record a day that has not come',
    );
  const { documentId: _id, ...content } = input;
  const hash = contentHash(content);
  // Lock the books first (an island transfer locks both, in id order), then look for the id. The
  // reads the document needs go out with the lock (pipelined on PostgreSQL: one round trip, run in
  // the order sent, so each sees what committed before the lock): the id look-up, the line limit
  // and, for a first-line import, its items, qualifications and catalogue entries. What those need of
  // the book (its owner and regime, which never change once it is opened) comes from an unlocked read,
  // once per command: a first-line declaration has read it already. Nothing is cached across
  // commands, so a parameter or catalogue version that takes effect applies to the next document.
  // The answers are then judged in the order they always were.
  const bookIds = [input.bookId];
  if (input.type === 'ISLAND_TRANSFER' && input.toBookId) bookIds.push(input.toBookId);
  const importLines = input.type === 'FIRST_LINE_IMPORT' ? input.lines : null;
  const known = importLines ? await bookRow(tx, input.bookId) : null;
  const [booksRead, existingRead, maxLinesRead, importRead] = await Promise.allSettled([
    lockBooks(
      tx,
      bookIds.filter((b, i) => i === 0 || UUID.test(b)),
      'bookId',
    ),
    documentRows.select(
      tx,
      sql`select ${documentRows.columns} from ${documentRows.table} where id = ${input.documentId}::uuid`,
    ),
    getParameter<number>(tx, 'ledger.maxLinesPerDocument', today),
    known && importLines ? importReads(tx, known, importLines, businessDate) : Promise.resolve(undefined),
  ]);
  const settledValue = <T>(r: PromiseSettledResult<T>): T => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  };
  const books = settledValue(booksRead);
  const book = books.get(input.bookId)!;
  assertEnterpriseVisible(actor, book.enterpriseId, `Book ${input.bookId}`);
  const [existing] = settledValue(existingRead);
  if (existing) {
    if (existing.contentHash !== hash) throw idempotencyConflict('documentId', `Document ${input.documentId}`);
    return documentView(tx, existing);
  }
  assertBookActive(book);
  const maxLines = settledValue(maxLinesRead);
  if (linesOf(input) > Number(maxLines.value))
    throw problems.field('lines', 'ledger.tooManyLines', `at most ${maxLines.value} lines per document`);
  const p = await plan(tx, ctx, book, books, input, businessDate, now, settledValue(importRead));
  const status = p.status ?? 'POSTED';
  const audited = batch.audit({
    actor: actorLabel(actor),
    action: `ledger.document.${input.type}`,
    subject: `ledger-document:${input.documentId}`,
    change: {
      documentId: input.documentId,
      bookId: book.id,
      type: input.type,
      status,
      businessDate,
      lines: p.lines.map((l) => ({
        lineNo: l.lineNo,
        itemId: l.itemId,
        direction: l.direction,
        quantity: l.quantity,
        ...costStrings(l.cost),
      })),
      tax: p.tax ?? null,
    },
    at: now,
    partitionKey: auditPartition(book.id),
  });
  for (const entry of p.audit ?? []) batch.audit(entry);
  const row: DocumentRow = {
    id: input.documentId,
    bookId: book.id,
    type: input.type,
    status,
    contentHash: hash,
    reference: input.reference ?? null,
    businessDate,
    counterpartyBookId: p.counterpartyBookId ?? null,
    counterpartyEnterpriseId: p.counterpartyEnterpriseId ?? null,
    reversalOf: p.reversalOf ?? null,
    reason: p.reason ?? ('reason' in input ? input.reason : null),
    body: content,
    tax: p.tax ?? null,
    flags: p.flags ?? {},
    createdBy: actorLabel(actor),
    createdAt: now,
    decidedBy: null,
    decidedAt: null,
  };
  // The document, its lines, its movements and the balances: one statement.
  const prelude: SQL[] = [
    sql`insert into ${ledgerDocuments} (id, book_id, type, status, content_hash, reference, business_date,
        counterparty_book_id, counterparty_enterprise_id, reversal_of, reason, body, tax, flags, created_by, created_at)
        values (${row.id}::uuid, ${row.bookId}::uuid, ${row.type}, ${row.status}, ${row.contentHash},
        ${row.reference}, ${row.businessDate}::date, ${row.counterpartyBookId}::uuid,
        ${row.counterpartyEnterpriseId}::uuid, ${row.reversalOf}::uuid, ${row.reason},
        ${JSON.stringify(row.body)}::jsonb, ${row.tax === null ? null : JSON.stringify(row.tax)}::jsonb,
        ${JSON.stringify(row.flags)}::jsonb, ${row.createdBy}, ${row.createdAt.toISOString()}::timestamptz)`,
  ];
  if (p.lines.length) {
    const lineRows = p.lines.map(
      (l) =>
        sql`(${row.id}::uuid, ${l.lineNo}::int, ${l.itemId}::uuid, ${l.direction}, ${l.quantity}::numeric,
            ${l.cost.importedCny.toFixed(2)}::numeric, ${l.cost.domesticCny.toFixed(2)}::numeric,
            ${l.cost.hainanMadeCny.toFixed(2)}::numeric)`,
    );
    prelude.push(
      sql`insert into ${ledgerDocumentLines} (document_id, line_no, item_id, direction, quantity, imported_cny,
          domestic_cny, hainan_made_cny) values ${sql.join(lineRows, sql`, `)}`,
    );
  }
  const posted = status === 'POSTED' ? p.moves : [];
  const payload = {
    documentId: row.id,
    bookId: book.id,
    enterpriseId: book.enterpriseId,
    type: input.type,
    status,
    businessDate,
    reference: row.reference,
    counterpartyBookId: row.counterpartyBookId,
    lines: p.lines.map((l) => ({ lineNo: l.lineNo, itemId: l.itemId, direction: l.direction, quantity: l.quantity })),
    tax: p.tax ?? null,
  };
  // The document, its lines, its movements and the balances: one statement, in the final round trip.
  deferMoves(
    tx,
    batch,
    { documentId: row.id, documentType: input.type, audit: audited, businessDate, now },
    posted,
    new Map(),
    prelude,
  );
  if (p.afterWrite) {
    const afterWrite = p.afterWrite;
    batch.defer(() => afterWrite(tx, row.id));
  }
  for (const a of p.alerts ?? []) await raiseAlert(tx, ctx, book, a.kind, a.reference, a.detail, batch, audited);
  batch.event(
    typedEvent(LEDGER_EVENTS, status === 'POSTED' ? 'DocumentPosted' : 'AdjustmentFiled', {
      aggregateType: 'ledger',
      aggregateId: book.id,
      payload,
      occurredAt: now,
    }),
    audited,
  );
  return viewOf(row, posted);
}

/** The view of a document just written, from what was planned (no read back). */
function viewOf(d: DocumentRow, moves: readonly PlannedMove[]): DocumentView {
  return {
    ...documentHeader(d),
    movements: moves.map((m) => ({
      id: m.id,
      bookId: m.bookId,
      itemId: m.itemId,
      from: m.from,
      to: m.to,
      quantity: m.quantity.toString(),
      ...costStrings(m.cost),
      lineNo: m.lineNo,
    })),
  };
}

export async function fileDocument(ctx: AppContext, actor: Actor, input: DocumentInput): Promise<DocumentView> {
  return runCommand(ctx, `ledger.document.${input.type}`, (tx, batch) => fileDocumentTx(tx, ctx, actor, input, batch));
}

/** The document's row, read by id before filing (idempotency): its statement built once. */
const documentRows = tableRows(ledgerDocuments);

interface ImportReads {
  items: Map<string, ItemRow>;
  qualified: boolean;
  /** Taxed-catalogue prefixes in force that could cover the items' codes (ZERO_TARIFF books only). */
  prefixes: string[] | null;
}

/** What a first-line import reads, issued together: its items, the qualification, the catalogue. */
async function importReads(
  tx: Executor,
  book: BookRow,
  lines: readonly { itemId: string }[],
  businessDate: string,
): Promise<ImportReads> {
  const ids = lines.map((l) => l.itemId);
  const [items, qualified, prefixes] = await together<[Map<string, ItemRow>, boolean, string[] | null]>([
    loadItems(tx, ids),
    regimeQualified(tx, book.enterpriseId, book.regime as Regime, businessDate),
    book.regime === 'ZERO_TARIFF' ? cataloguePrefixesForItems(tx, businessDate, ids) : Promise.resolve(null),
  ]);
  return { items, qualified, prefixes };
}

async function plan(
  tx: Tx,
  ctx: AppContext,
  book: BookRow,
  books: Map<string, BookRow>,
  input: DocumentInput,
  businessDate: string,
  now: Date,
  read?: ImportReads,
): Promise<Planned> {
  const t = now.getTime();
  switch (input.type) {
    case 'FIRST_LINE_IMPORT': {
      const r = read ?? (await importReads(tx, book, input.lines, businessDate));
      const items = itemsOfBook(r.items, book.id, input.lines, (i) => `lines[${i}].itemId`);
      if (!r.qualified) {
        throw problems.field(
          'bookId',
          book.regime === 'ZERO_TARIFF' ? 'ledger.import.notBeneficiary' : 'ledger.import.qualificationRequired',
          `On ${businessDate} the enterprise holds no ${QUALIFICATION_FOR_REGIME[book.regime as Regime]} ` +
            `qualification: the goods cannot enter this book.`,
        );
      }
      if (book.regime === 'ZERO_TARIFF') {
        const prefixes = r.prefixes ?? [];
        items.forEach((it, i) => {
          if (inCatalogue(it.hsCode, prefixes))
            throw problems.field(
              `lines[${i}].itemId`,
              'ledger.import.taxedCatalogue',
              `HS ${it.hsCode} is in the taxed catalogue (进口征税商品目录) on ${businessDate}: these goods pay import ` +
                `taxes and are not zero-tariff goods.`,
            );
        });
        // The beneficiary's qualification covers a kind of goods (设备、原辅料、交通工具及游艇、消费品), judged by code.
        const scope = await zeroTariffScope(tx, book.enterpriseId, businessDate);
        assertInScope(
          items.map((it, i) => ({ hsCode: it.hsCode, path: `lines[${i}].itemId` })),
          scope,
          'the enterprise',
        );
      }
      const specs: MoveSpec[] = input.lines.map((l, i) => ({
        bookId: book.id,
        itemId: l.itemId,
        from: 'abroad',
        to: 'stock',
        quantity: new D(l.quantity),
        cost: costOf({
          importedCny: l.importedCny,
          domesticCny: l.domesticCny ?? '0',
          hainanMadeCny: l.hainanMadeCny ?? '0',
        }),
        lineNo: i,
        path: `lines[${i}].quantity`,
      }));
      // Goods come in from abroad: nothing to check against stock, so the plan starts from nothing.
      const moves = planMoves(new Map(input.lines.map((l) => [l.itemId, emptyStock()])), specs, t);
      const p: Planned = { moves, lines: inLines(moves), flags: {} };
      if (input.directReleaseId) await directReleaseEntry(tx, ctx, book, input.directReleaseId, businessDate, p);
      return p;
    }
    case 'FIRST_LINE_EXPORT':
    case 'SCRAP': {
      itemsOfBook(
        await loadItems(
          tx,
          input.lines.map((l) => l.itemId),
        ),
        book.id,
        input.lines,
        (i) => `lines[${i}].itemId`,
      );
      const to = input.type === 'SCRAP' ? 'scrapped' : 'abroad';
      const specs: MoveSpec[] = input.lines.map((l, i) => ({
        bookId: book.id,
        itemId: l.itemId,
        from: 'stock',
        to,
        quantity: new D(l.quantity),
        lineNo: i,
        path: `lines[${i}].quantity`,
      }));
      const moves = planMoves(
        await loadStock(
          tx,
          specs.map((s) => s.itemId),
        ),
        specs,
        t,
      );
      return { moves, lines: outLines(moves) };
    }
    case 'ISLAND_TRANSFER':
      return planTransfer(tx, book, books, input, businessDate, t);
    case 'PROCESSING':
      return planProcessing(tx, book, input, t);
    case 'ADJUSTMENT': {
      // Filed now, moved only when an auditor approves (four eyes); the plan is checked now too.
      const items = await loadItems(
        tx,
        input.lines.map((l) => l.itemId),
      );
      itemsOfBook(items, book.id, input.lines, (i) => `lines[${i}].itemId`);
      const moves = planMoves(
        await loadStock(
          tx,
          input.lines.map((l) => l.itemId),
        ),
        adjustmentSpecs(book, input.lines),
        t,
      );
      return {
        moves,
        lines: [...outLines(moves), ...inLines(moves)].sort((a, b) => a.lineNo - b.lineNo),
        status: 'PENDING_APPROVAL',
      };
    }
    case 'REVERSAL':
      return planReversal(tx, book, input, t);
  }
}

function adjustmentSpecs(book: BookRow, lines: { itemId: string; delta: string; importedCny?: string }[]): MoveSpec[] {
  return lines.map((l, i) => {
    const d = new D(l.delta);
    const base = { bookId: book.id, itemId: l.itemId, quantity: d.abs(), lineNo: i, path: `lines[${i}].delta` };
    // A stock-take surplus enters at the cost given (default none); a shortage leaves at moving average.
    return d.isNeg()
      ? { ...base, from: 'stock' as const, to: 'adjustment' as const }
      : {
          ...base,
          from: 'adjustment' as const,
          to: 'stock' as const,
          cost: { ...ZERO_COST, importedCny: new D(l.importedCny ?? '0') },
        };
  });
}

async function planTransfer(
  tx: Tx,
  book: BookRow,
  books: Map<string, BookRow>,
  input: Extract<DocumentInput, { type: 'ISLAND_TRANSFER' }>,
  businessDate: string,
  t: number,
): Promise<Planned> {
  if (book.regime === 'RELAXED_TRADE')
    throw problems.field(
      'bookId',
      'ledger.transfer.relaxedTrade',
      'Relaxed-trade goods may not be transferred on the island (放宽贸易管理货物不得岛内流转).',
    );
  const receiver = await findEnterpriseById(tx, input.toEnterpriseId);
  if (!receiver)
    throw problems.field(
      'toEnterpriseId',
      'ledger.enterpriseUnknown',
      `Enterprise ${input.toEnterpriseId} is not registered.`,
    );
  const items = await loadItems(
    tx,
    input.lines.flatMap((l) => [l.itemId, ...(l.toItemId ? [l.toItemId] : [])]),
  );
  const fromItems = itemsOfBook(items, book.id, input.lines, (i) => `lines[${i}].itemId`);
  const beneficiary = await isBeneficiary(tx, receiver.id, businessDate);
  const specs: MoveSpec[] = input.lines.map((l, i) => ({
    bookId: book.id,
    itemId: l.itemId,
    from: 'stock',
    to: 'island',
    quantity: new D(l.quantity),
    lineNo: i,
    path: `lines[${i}].quantity`,
  }));
  const outMoves = planMoves(
    await loadStock(
      tx,
      specs.map((s) => s.itemId),
    ),
    specs,
    t,
  );
  if (beneficiary && book.regime === 'ZERO_TARIFF') {
    // Tax-free only for goods both sides hold the kind of: a category given up stops it from that day.
    const [from, to] = await Promise.all([
      zeroTariffScope(tx, book.enterpriseId, businessDate),
      zeroTariffScope(tx, receiver.id, businessDate),
    ]);
    const lines = fromItems.map((it, i) => ({ hsCode: it.hsCode, path: `lines[${i}].itemId` }));
    assertInScope(lines, from, 'the sender');
    assertInScope(lines, to, 'the receiver');
  }
  if (beneficiary) {
    if (!input.toBookId)
      throw problems.field(
        'toBookId',
        'ledger.transfer.receiverBookRequired',
        'The receiver is a beneficiary: name the book the goods enter.',
      );
    const toBook = books.get(input.toBookId);
    if (!toBook || toBook.enterpriseId !== receiver.id)
      throw problems.field('toBookId', 'ledger.bookUnknown', 'toBookId is not a book of the receiving enterprise.');
    if (toBook.id === book.id)
      throw problems.field('toBookId', 'ledger.transfer.sameBook', 'A transfer moves goods to another book.');
    if (toBook.regime === 'RELAXED_TRADE')
      throw problems.field(
        'toBookId',
        'ledger.transfer.relaxedTrade',
        'Zero-tariff goods cannot enter a relaxed-trade book.',
      );
    assertBookActive(toBook, 'toBookId');
    const toItems = input.lines.map((l, i) => {
      const it = l.toItemId ? items.get(l.toItemId) : undefined;
      if (!it || it.bookId !== toBook.id)
        throw problems.field(
          `lines[${i}].toItemId`,
          'ledger.itemUnknown',
          "toItemId must be an item of the receiver's book.",
        );
      if (it.hsCode !== fromItems[i]!.hsCode || it.unit !== fromItems[i]!.unit)
        throw problems.field(
          `lines[${i}].toItemId`,
          'ledger.transfer.itemMismatch',
          `The receiver's item must have the same HS code and unit (${fromItems[i]!.hsCode}, ${fromItems[i]!.unit}).`,
        );
      return it;
    });
    const inSpecs: MoveSpec[] = outMoves.map((m, i) => ({
      bookId: toBook.id,
      itemId: toItems[i]!.id,
      from: 'island',
      to: 'stock',
      quantity: m.quantity,
      cost: transferredCost(book, toBook, m.cost, input.lines[i]!.valueCny, i),
      lineNo: i,
      path: `lines[${i}].toItemId`,
    }));
    const inMoves = planMoves(
      await loadStock(
        tx,
        inSpecs.map((s) => s.itemId),
      ),
      inSpecs,
      t,
    );
    return {
      moves: [...outMoves, ...inMoves],
      lines: outLines(outMoves),
      counterpartyBookId: toBook.id,
      counterpartyEnterpriseId: receiver.id,
      tax: {
        due: false,
        rule: 'tax.islandTransfer.betweenBeneficiaries',
        reason: 'Zero-tariff goods pass between beneficiaries on their account books: no tax is due.',
      },
      // The receiver's book gets its own entry in its audit partition, pointing at the document.
      audit: [
        {
          actor: 'system:ledger',
          action: 'ledger.document.ISLAND_TRANSFER.in',
          subject: `ledger-document:${input.documentId}`,
          change: { documentId: input.documentId, bookId: toBook.id, fromBookId: book.id },
          at: new Date(t),
          partitionKey: auditPartition(toBook.id),
        },
      ],
    };
  }
  // Not a beneficiary: the goods leave the book and the import taxes they were spared become due.
  const routeLines: RouteLine[] = input.lines.map((l, i) => {
    if (!l.dutyRate || !l.vatRate)
      throw problems.field(
        `lines[${i}].${l.dutyRate ? 'vatRate' : 'dutyRate'}`,
        'ledger.transfer.ratesRequired',
        'The receiver is not a zero-tariff beneficiary: the import taxes are due, give the duty and VAT rates of ' +
          'the goods.',
      );
    // Taxed on the imported content the goods carry out of the book (tax taxableBase.ts), never on the price.
    const price = l.valueCny ?? fen(totalCost(outMoves[i]!.cost));
    const book = costStrings(outMoves[i]!.cost);
    const ct = l.consumptionTaxRate ? { consumptionTaxRate: l.consumptionTaxRate } : {};
    const rates = { dutyRate: l.dutyRate, vatRate: l.vatRate, ...ct };
    return { hsCode: fromItems[i]!.hsCode, customsValue: price, book, ...rates, quantity: l.quantity };
  });
  const params = await loadTaxParameters(tx, businessDate);
  const r = computeRoute({ kind: 'ISLAND_TRANSFER', transfereeIsBeneficiary: false }, routeLines, params.tax);
  if (!r.ok) throw problems.validation(r.violations.map((v) => ({ path: v.path, rule: v.rule, message: v.message })));
  const c = r.value;
  const tax = {
    due: true,
    rule: 'tax.islandTransfer.toNonBeneficiary',
    lines: c.lines.map((l, i) => ({
      hsCode: routeLines[i]!.hsCode,
      rates: ratesOf(routeLines[i]!),
      dutiableValue: fen(l.dutiableValue.amount),
      duty: fen(l.duty.amount),
      consumptionTax: fen(l.consumptionTax.amount),
      vat: fen(l.vat.amount),
      total: fen(l.total),
      formulas: { duty: l.duty.formula, consumptionTax: l.consumptionTax.formula, vat: l.vat.formula },
      // Each step with its status and rule, so the tax bill issued for the transfer shows them.
      steps: {
        dutiableValue: stepOf(l.dutiableValue),
        duty: stepOf(l.duty),
        consumptionTax: stepOf(l.consumptionTax),
        vat: stepOf(l.vat),
      },
    })),
    notCollected: c.waived,
    duty: fen(c.duty),
    consumptionTax: fen(c.consumptionTax),
    vat: fen(c.vat),
    total: fen(c.total),
    dutyWaived: c.dutyWaived,
    parameterVersions: c.parameterVersions,
  };
  return { moves: outMoves, lines: outLines(outMoves), counterpartyEnterpriseId: receiver.id, tax };
}

type TaxStep = DeclarationComputation['lines'][number]['duty'];
const stepOf = (s: TaxStep) => ({
  amount: fen(s.amount),
  status: s.status,
  formula: s.formula,
  rule: s.rule,
  ...(s.reason ? { reason: s.reason } : {}),
});
const ratesOf = (l: RouteLine) => ({
  dutyRate: l.dutyRate,
  vatRate: l.vatRate,
  ...(l.consumptionTaxRate ? { consumptionTaxRate: l.consumptionTaxRate } : {}),
});

/**
 * The cost the receiving book enters for transferred goods. Between two processing value-added books
 * the downstream bought processed goods, so its book carries them at the transfer price (the 30% rule
 * of its own goods counts them at that price; tax `carriedAtPrice`), which the line must then give;
 * anything else moves at the sender's cost.
 */
function transferredCost(from: BookRow, to: BookRow, cost: Cost, price: string | undefined, i: number): Cost {
  if (from.regime !== 'PROCESSING_VALUE_ADDED' || to.regime !== 'PROCESSING_VALUE_ADDED') return cost;
  if (price === undefined)
    throw problems.field(
      `lines[${i}].valueCny`,
      'ledger.transfer.priceRequired',
      'Processed goods pass between two processing value-added books at a price: give the price the receiver ' +
        'pays for the line (valueCny); its book carries the goods at it.',
    );
  const carried = carriedAtPrice(cost.importedCny, price);
  return { importedCny: carried.imported, domesticCny: carried.domestic, hainanMadeCny: new D(0) };
}

async function planProcessing(
  tx: Tx,
  book: BookRow,
  input: Extract<DocumentInput, { type: 'PROCESSING' }>,
  t: number,
): Promise<Planned> {
  const items = await loadItems(
    tx,
    [...input.inputs, ...input.outputs].map((l) => l.itemId),
  );
  itemsOfBook(items, book.id, input.inputs, (i) => `inputs[${i}].itemId`);
  itemsOfBook(items, book.id, input.outputs, (i) => `outputs[${i}].itemId`);
  const inSpecs: MoveSpec[] = input.inputs.map((l, i) => ({
    bookId: book.id,
    itemId: l.itemId,
    from: 'stock',
    to: 'consumed',
    quantity: new D(l.quantity),
    lineNo: i,
    path: `inputs[${i}].quantity`,
  }));
  const stock = await loadStock(
    tx,
    [...input.inputs, ...input.outputs].map((l) => l.itemId),
  );
  const consumed = planMoves(stock, inSpecs, t);
  // The consumed inputs' cost basis is carried by the outputs (by cost share, default by quantity),
  // plus what each output adds: domestic materials bought and recognised Hainan-made inputs.
  const carried = consumed.reduce<Cost>((s, m) => addCost(s, m.cost), ZERO_COST);
  const shares = splitCost(
    carried,
    input.outputs.map((o) => new D(o.costShare ?? o.quantity)),
  );
  const offset = input.inputs.length;
  const outSpecs: MoveSpec[] = input.outputs.map((o, i) => ({
    bookId: book.id,
    itemId: o.itemId,
    from: 'produced',
    to: 'stock',
    quantity: new D(o.quantity),
    cost: addCost(shares[i]!, {
      importedCny: new D(0),
      domesticCny: new D(o.domesticCny ?? '0'),
      hainanMadeCny: new D(o.hainanMadeCny ?? '0'),
    }),
    lineNo: offset + i,
    path: `outputs[${i}].quantity`,
  }));
  const produced = planMoves(stock, outSpecs, t);
  return { moves: [...consumed, ...produced], lines: [...outLines(consumed), ...inLines(produced)] };
}

/** Whether the month of movements written at `at` now lives in an archive file (platform/partitions). */
async function movementsArchived(tx: Tx, at: Date): Promise<boolean> {
  const [hit] = await tx
    .select({ id: archivedPartitions.id })
    .from(archivedPartitions)
    .where(
      and(
        eq(archivedPartitions.tableName, getTableName(ledgerMovements)),
        lte(archivedPartitions.rangeFrom, at),
        gt(archivedPartitions.rangeTo, at),
        isNull(archivedPartitions.restoredAt),
      ),
    )
    .limit(1);
  return Boolean(hit);
}

async function planReversal(
  tx: Tx,
  book: BookRow,
  input: Extract<DocumentInput, { type: 'REVERSAL' }>,
  t: number,
): Promise<Planned> {
  const [orig] = await tx.select().from(ledgerDocuments).where(eq(ledgerDocuments.id, input.reversalOf)).limit(1);
  if (!orig || orig.bookId !== book.id)
    throw problems.field('reversalOf', 'ledger.documentUnknown', 'reversalOf is not a document of this book.');
  if (orig.status !== 'POSTED')
    throw problems.field(
      'reversalOf',
      'ledger.reversal.notPosted',
      `Document ${orig.id} is ${orig.status}: only posted documents are reversed.`,
    );
  if (orig.type === 'REVERSAL')
    throw problems.field(
      'reversalOf',
      'ledger.reversal.ofReversal',
      'A reversal is not reversed; file the original document again.',
    );
  if (orig.type === 'RESERVATION_POSTING')
    throw problems.field(
      'reversalOf',
      'ledger.reversal.posting',
      'A posted reservation is corrected by its declaration (a supplementary document), not reversed here.',
    );
  const [done] = await tx
    .select({ id: ledgerDocuments.id })
    .from(ledgerDocuments)
    .where(eq(ledgerDocuments.reversalOf, orig.id))
    .limit(1);
  if (done)
    throw problems.field(
      'reversalOf',
      'ledger.reversal.alreadyReversed',
      `Document ${orig.id} was already reversed by ${done.id}.`,
    );
  const moves = await tx
    .select()
    .from(ledgerMovements)
    .where(eq(ledgerMovements.documentId, orig.id))
    .orderBy(desc(ledgerMovements.seq));
  if (!moves.length && (await movementsArchived(tx, orig.createdAt)))
    throw problems.field(
      'reversalOf',
      'ledger.reversal.archived',
      `The movements of document ${orig.id} were archived (tidegate archive): restore their month to reverse it.`,
    );
  const otherBooks = [...new Set(moves.map((m) => m.bookId))].filter((b) => b !== book.id);
  if (otherBooks.length) await lockBooks(tx, otherBooks);
  // Undo in reverse order: goods that came in go back first, so a transfer's receiver gives them up before the
  // sender gets them.
  const specs: MoveSpec[] = moves.map((m) => ({
    bookId: m.bookId,
    itemId: m.itemId,
    from: m.toKind as MoveSpec['from'],
    to: m.fromKind as MoveSpec['to'],
    quantity: new D(m.quantity),
    cost: costOf(m),
    lineNo: m.lineNo,
    path: `reversalOf.lines[${m.lineNo}].quantity`,
    reversalOf: m.id,
  }));
  const planned = planMoves(
    await loadStock(
      tx,
      specs.map((s) => s.itemId),
    ),
    specs,
    t,
    'ledger.reversal.goodsUsed',
  );
  return {
    moves: planned,
    lines: [...outLines(planned), ...inLines(planned)].filter(
      (l) => planned.find((m) => m.itemId === l.itemId)!.bookId === book.id,
    ),
    reversalOf: orig.id,
    counterpartyBookId: orig.counterpartyBookId,
  };
}

/** An auditor decides a pending adjustment; the decider must not be who filed it (four eyes). */
export async function decideAdjustment(
  ctx: AppContext,
  actor: Actor,
  documentId: string,
  decision: { approve: boolean; note?: string },
): Promise<DocumentView> {
  return runCommand(ctx, 'ledger.decideAdjustment', async (tx, batch) => {
    const [first] = UUID.test(documentId)
      ? await tx.select().from(ledgerDocuments).where(eq(ledgerDocuments.id, documentId)).limit(1)
      : [];
    if (!first || first.type !== 'ADJUSTMENT') throw problems.notFound(`Adjustment ${documentId}`);
    const book = (await lockBooks(tx, [first.bookId])).get(first.bookId)!;
    const [doc] = await tx.select().from(ledgerDocuments).where(eq(ledgerDocuments.id, documentId)).for('update');
    if (doc!.status !== 'PENDING_APPROVAL')
      throw problems.conflict(`Adjustment ${documentId} was already decided (${doc!.status}).`);
    const who = actorLabel(actor);
    if (who === doc!.createdBy)
      throw problems.rule(
        'ledger-four-eyes',
        'Second person required',
        'An adjustment is approved by an auditor other than the person who filed it.',
        [{ path: 'documentId', rule: 'ledger.adjustment.fourEyes', message: 'you filed this adjustment' }],
      );
    const now = ctx.clock.now();
    const status = decision.approve ? 'POSTED' : 'REJECTED';
    const audited = batch.audit({
      actor: who,
      action: decision.approve ? 'ledger.approveAdjustment' : 'ledger.rejectAdjustment',
      subject: `ledger-document:${documentId}`,
      change: { documentId, status, note: decision.note ?? null },
      at: now,
      partitionKey: auditPartition(book.id),
    });
    let moves: PlannedMove[] = [];
    if (decision.approve) {
      const body = doc!.body as { lines: { itemId: string; delta: string; importedCny?: string }[] };
      moves = planMoves(
        await loadStock(
          tx,
          body.lines.map((l) => l.itemId),
        ),
        adjustmentSpecs(book, body.lines),
        now.getTime(),
      );
      deferMoves(
        tx,
        batch,
        { documentId, documentType: 'ADJUSTMENT', audit: audited, businessDate: shanghaiDate(now), now },
        moves,
      );
    }
    await tx
      .update(ledgerDocuments)
      .set({ status, decidedBy: who, decidedAt: now })
      .where(eq(ledgerDocuments.id, documentId));
    batch.event(
      typedEvent(LEDGER_EVENTS, decision.approve ? 'AdjustmentApproved' : 'AdjustmentRejected', {
        aggregateType: 'ledger',
        aggregateId: book.id,
        payload: { documentId, bookId: book.id, enterpriseId: book.enterpriseId, decidedBy: who },
        occurredAt: now,
      }),
      audited,
    );
    // The view from what was decided and planned: the movements are written at the command's end.
    return viewOf({ ...doc!, status, decidedBy: who, decidedAt: now }, moves);
  });
}

/** Documents of a book, newest first. */
export async function listDocuments(ex: Executor, bookId: string, q: { status?: string; type?: string } = {}) {
  const conds = [eq(ledgerDocuments.bookId, bookId)];
  if (q.status) conds.push(eq(ledgerDocuments.status, q.status));
  if (q.type) conds.push(eq(ledgerDocuments.type, q.type));
  const rows = await ex
    .select()
    .from(ledgerDocuments)
    .where(and(...conds))
    .orderBy(desc(ledgerDocuments.createdAt))
    .limit(200);
  return rows.map((d) => ({
    id: d.id,
    type: d.type,
    status: d.status,
    reference: d.reference,
    businessDate: d.businessDate,
    createdBy: d.createdBy,
    createdAt: d.createdAt.toISOString(),
    decidedBy: d.decidedBy,
    reason: d.reason,
    body: d.body,
  }));
}

/** Adjustments waiting for an auditor, across books. */
export async function pendingAdjustments(ex: Executor) {
  const rows = await ex
    .select()
    .from(ledgerDocuments)
    .where(eq(ledgerDocuments.status, 'PENDING_APPROVAL'))
    .orderBy(asc(ledgerDocuments.createdAt))
    .limit(200);
  return rows.map((d) => ({
    id: d.id,
    bookId: d.bookId,
    type: d.type,
    status: d.status,
    reason: d.reason,
    businessDate: d.businessDate,
    createdBy: d.createdBy,
    createdAt: d.createdAt.toISOString(),
    body: d.body,
  }));
}

// ---- First-line direct release (径予放行) ----

/** Records goods released at the first line that must be entered into the book within the deadline. */
export async function registerDirectRelease(
  tx: Tx,
  ctx: AppContext,
  input: { releaseId: string; bookId: string; reference: string; releasedOn: string; actor: Actor },
  batch: WriteBatch,
) {
  if (!UUID.test(input.releaseId ?? '')) throw problems.field('releaseId', 'ledger.id', 'releaseId must be a UUID');
  if (!isCalendarDate(input.releasedOn ?? '')) throw problems.field('releasedOn', 'ledger.date', 'a date YYYY-MM-DD');
  const book = (await lockBooks(tx, [input.bookId])).get(input.bookId)!;
  const [existing] = await tx
    .select()
    .from(ledgerDirectReleases)
    .where(eq(ledgerDirectReleases.id, input.releaseId))
    .limit(1);
  if (existing) {
    if (
      existing.bookId !== input.bookId ||
      existing.releasedOn !== input.releasedOn ||
      existing.reference !== input.reference
    )
      throw idempotencyConflict('releaseId', `Direct release ${input.releaseId}`);
    return existing;
  }
  const now = ctx.clock.now();
  const days = await getParameter<number>(
    tx,
    'ledger.directReleaseEntryDays',
    input.releasedOn < '2025-12-18' ? shanghaiDate(now) : input.releasedOn,
  );
  const row = {
    id: input.releaseId,
    bookId: book.id,
    reference: input.reference,
    releasedOn: input.releasedOn,
    dueOn: directReleaseDueOn(input.releasedOn, Number(days.value)),
    enteredDocumentId: null,
    enteredOn: null,
    overdueAlertedAt: null,
    createdBy: actorLabel(input.actor),
    createdAt: now,
  };
  await tx.insert(ledgerDirectReleases).values(row);
  batch.audit({
    actor: actorLabel(input.actor),
    action: 'ledger.directRelease',
    subject: `ledger-book:${book.id}`,
    change: { ...row, parameterVersions: { 'ledger.directReleaseEntryDays': days.version } },
    at: now,
    partitionKey: auditPartition(book.id),
  });
  return row;
}

async function directReleaseEntry(
  tx: Tx,
  ctx: AppContext,
  book: BookRow,
  releaseId: string,
  businessDate: string,
  p: Planned,
): Promise<void> {
  const [rel] = UUID.test(releaseId)
    ? await tx.select().from(ledgerDirectReleases).where(eq(ledgerDirectReleases.id, releaseId)).limit(1)
    : [];
  if (!rel || rel.bookId !== book.id)
    throw problems.field(
      'directReleaseId',
      'ledger.directReleaseUnknown',
      'No direct release with this id on this book.',
    );
  if (rel.enteredDocumentId)
    throw problems.field(
      'directReleaseId',
      'ledger.directReleaseEntered',
      `Already entered by document ${rel.enteredDocumentId}.`,
    );
  if (businessDate < rel.releasedOn)
    throw problems.field(
      'businessDate',
      'ledger.directReleaseBeforeRelease',
      'Goods cannot be entered before their release.',
    );
  const late = businessDate > rel.dueOn;
  p.flags = { ...p.flags, directRelease: { releaseId, releasedOn: rel.releasedOn, dueOn: rel.dueOn, late } };
  if (late)
    p.alerts = [
      ...(p.alerts ?? []),
      {
        kind: 'DIRECT_RELEASE_ENTERED_LATE',
        reference: releaseId,
        detail: {
          releaseId,
          reference: rel.reference,
          releasedOn: rel.releasedOn,
          dueOn: rel.dueOn,
          enteredOn: businessDate,
        },
      },
    ];
  p.afterWrite = async (tx2, documentId) => {
    await tx2
      .update(ledgerDirectReleases)
      .set({ enteredDocumentId: documentId, enteredOn: businessDate })
      .where(eq(ledgerDirectReleases.id, releaseId));
  };
  void ctx;
}

/**
 * Raises an alert once (kind and reference are unique); its event, with the seq of the entry that
 * records why, goes in the command's write batch.
 */
async function raiseAlert(
  tx: Tx,
  ctx: AppContext,
  book: BookRow,
  kind: string,
  reference: string,
  detail: unknown,
  batch: WriteBatch,
  audit: AuditRef,
): Promise<void> {
  const now = ctx.clock.now();
  const inserted = await tx
    .insert(ledgerAlerts)
    .values({ id: uuidv7(now.getTime()), kind, bookId: book.id, reference, detail, raisedAt: now })
    .onConflictDoNothing()
    .returning({ id: ledgerAlerts.id });
  if (inserted.length)
    batch.event(
      typedEvent(LEDGER_EVENTS, 'LedgerAlertRaised', {
        aggregateType: 'ledger',
        aggregateId: book.id,
        payload: { kind, bookId: book.id, enterpriseId: book.enterpriseId, reference, detail },
        occurredAt: now,
      }),
      audit,
    );
}

/** The overdue sweep: direct releases not entered by their due day raise one alert each. */
export async function raiseOverdueAlerts(ctx: AppContext): Promise<{ alerted: number }> {
  const today = shanghaiDate(ctx.clock.now());
  const due = await ctx.db
    .select()
    .from(ledgerDirectReleases)
    .where(
      and(
        isNull(ledgerDirectReleases.enteredDocumentId),
        isNull(ledgerDirectReleases.overdueAlertedAt),
        lt(ledgerDirectReleases.dueOn, today),
      ),
    );
  let alerted = 0;
  for (const rel of due) {
    await runCommand(ctx, 'ledger.overdueAlert', async (tx, batch) => {
      const book = (await lockBooks(tx, [rel.bookId])).get(rel.bookId)!;
      const now = ctx.clock.now();
      const detail = {
        releaseId: rel.id,
        reference: rel.reference,
        releasedOn: rel.releasedOn,
        dueOn: rel.dueOn,
        asOf: today,
      };
      const audited = batch.audit({
        actor: actorLabel(systemActor('ledger-overdue')),
        action: 'ledger.directReleaseOverdue',
        subject: `ledger-book:${book.id}`,
        change: detail,
        at: now,
        partitionKey: auditPartition(book.id),
      });
      await raiseAlert(tx, ctx, book, 'DIRECT_RELEASE_OVERDUE', rel.id, detail, batch, audited);
      await tx.update(ledgerDirectReleases).set({ overdueAlertedAt: now }).where(eq(ledgerDirectReleases.id, rel.id));
      alerted++;
    });
  }
  return { alerted };
}

export async function listAlerts(ex: Executor, q: { bookId?: string } = {}) {
  const rows = await ex
    .select()
    .from(ledgerAlerts)
    .where(q.bookId ? eq(ledgerAlerts.bookId, q.bookId) : undefined)
    .orderBy(desc(ledgerAlerts.raisedAt))
    .limit(200);
  return rows.map((a) => ({
    id: a.id,
    kind: a.kind,
    bookId: a.bookId,
    reference: a.reference,
    detail: a.detail,
    raisedAt: a.raisedAt.toISOString(),
  }));
}
