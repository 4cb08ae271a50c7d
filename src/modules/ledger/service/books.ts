import { and, asc, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { together, type Executor, type Tx } from '../../../platform/db/client.ts';
import { runCommand } from '../../../platform/command.ts';
import type { WriteBatch } from '../../../platform/writeBatch.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { LEDGER_EVENTS } from '../events.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { assertEnterpriseVisible, enterpriseFilter } from '../../../platform/auth/scope.ts';
import { uuidv7 } from '../../../kernel/ids.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { problems, type FieldError } from '../../../kernel/problem.ts';
import { readCsv } from '../../../kernel/csv.ts';
import { activeQualifications, findEnterpriseById } from '../../subjects/service.ts';
import { getParameter } from '../../../platform/parameters/service.ts';
import { meetsValueAddedThreshold, ratioString, valueAddedRatio } from '../../tax/rules.ts';
import {
  ledgerAccounts,
  ledgerBooks,
  ledgerItems,
  ledgerMovements,
  ledgerReservationLines,
  ledgerReservations,
} from '../schema.ts';
import {
  D,
  QUALIFICATION_FOR_REGIME,
  takeCost,
  costOf,
  costStrings,
  inCatalogue,
  itemViolations,
  correctedItem,
} from '../rules.ts';
import type { ItemCorrection, ItemMasterData, Regime } from '../rules.ts';
import {
  auditPartition,
  bookRow,
  bookView,
  createAccounts,
  forgetItemsInCommand,
  itemView,
  loadItems,
  loadStockAccounts,
  lockBooks,
  plainQty,
  type AccountRow,
  type BookRow,
} from './core.ts';
import { cataloguePrefixes } from './documents.ts';

const UUID = /^[0-9a-f-]{36}$/i;

const REGIME_CODE: Record<Regime, string> = { ZERO_TARIFF: 'ZT', PROCESSING_VALUE_ADDED: 'PV', RELAXED_TRADE: 'RT' };

export async function getBook(ex: Executor, bookId: string) {
  const row = await bookRow(ex, bookId);
  return row ? bookView(row) : null;
}

export async function getItem(ex: Executor, itemId: string) {
  const row = (await loadItems(ex, [itemId])).get(itemId);
  return row ? itemView(row) : null;
}

export async function balanceOf(
  ex: Executor,
  bookId: string,
  itemId: string,
): Promise<{ onHand: string; reserved: string; available: string }> {
  const [row] = /^[0-9a-f-]{36}$/i.test(itemId)
    ? await ex
        .select()
        .from(ledgerAccounts)
        .where(
          and(eq(ledgerAccounts.itemId, itemId), eq(ledgerAccounts.kind, 'stock'), eq(ledgerAccounts.bookId, bookId)),
        )
        .limit(1)
    : [];
  if (!row) return { onHand: '0', reserved: '0', available: '0' };
  return {
    onHand: plainQty(row.onHand),
    reserved: plainQty(row.reserved),
    available: plainQty(new D(row.onHand).minus(row.reserved)),
  };
}

/** The cost basis of `quantity` units taken from on-hand stock at moving average, and the first entry date. */
export async function costBasisOf(ex: Executor, q: { bookId: string; itemId: string; quantity: string }) {
  const [row] = /^[0-9a-f-]{36}$/i.test(q.itemId)
    ? await ex
        .select()
        .from(ledgerAccounts)
        .where(
          and(
            eq(ledgerAccounts.itemId, q.itemId),
            eq(ledgerAccounts.kind, 'stock'),
            eq(ledgerAccounts.bookId, q.bookId),
          ),
        )
        .limit(1)
    : [];
  return costBasisFrom(row, q);
}

/**
 * `costBasisOf` from a stock account row the caller already read (after the book's lock, so nothing
 * moved it since): the same checks and figures without a statement.
 */
export function costBasisFrom(
  row: AccountRow | undefined,
  q: { bookId: string; itemId: string; quantity: string },
): {
  quantity: string;
  importedCny: string;
  domesticCny: string;
  hainanMadeCny: string;
  firstEntryDate: string | null;
} {
  if (!row || row.bookId !== q.bookId)
    throw problems.field('itemId', 'ledger.itemUnknown', `Item ${q.itemId} is not on book ${q.bookId}.`);
  let quantity: InstanceType<typeof D>;
  try {
    quantity = new D(q.quantity);
  } catch {
    throw problems.field('quantity', 'ledger.quantity', 'quantity must be a decimal string');
  }
  if (quantity.lte(0)) throw problems.field('quantity', 'ledger.quantity', 'quantity must be greater than 0');
  const onHand = new D(row.onHand);
  if (quantity.gt(onHand))
    throw problems.field('quantity', 'ledger.costBasisExceedsOnHand', `Only ${onHand.toString()} on hand.`);
  const cost = costStrings(takeCost(onHand, costOf(row), quantity));
  return { quantity: quantity.toString(), ...cost, firstEntryDate: row.firstEntryDate };
}

/**
 * An exit's goods, read at once after the book's lock: its lines' items (as `getItem` gives them)
 * and their stock accounts, for the form checks, the reservation and the cost basis alike.
 */
export async function goodsOfLines(ex: Executor, itemIds: readonly string[]) {
  const [items, accounts] = await together([loadItems(ex, itemIds), loadStockAccounts(ex, itemIds)] as const);
  return { items, accounts };
}

/** Opens the enterprise's book of a regime; it must hold the qualification the regime needs on that day. */
export async function openBook(ctx: AppContext, actor: Actor, input: { enterpriseId: string; regime: Regime }) {
  return runCommand(ctx, 'ledger.openBook', (tx, batch) => openBookTx(tx, ctx, actor, input, batch));
}

export async function openBookTx(
  tx: Tx,
  ctx: AppContext,
  actor: Actor,
  input: { enterpriseId: string; regime: Regime },
  batch: WriteBatch,
) {
  const enterprise = await findEnterpriseById(tx, input.enterpriseId);
  if (!enterprise)
    throw problems.field(
      'enterpriseId',
      'ledger.enterpriseUnknown',
      `Enterprise ${input.enterpriseId} is not registered.`,
    );
  assertEnterpriseVisible(actor, enterprise.id, `Enterprise ${enterprise.uscc}`);
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const needed = QUALIFICATION_FOR_REGIME[input.regime];
  const held = await activeQualifications(tx, enterprise.id, today);
  if (!held.some((q) => q.kind === needed))
    throw problems.field(
      'regime',
      'ledger.book.qualificationRequired',
      `A ${input.regime} book needs an active ${needed} qualification.`,
    );
  const existing = await tx
    .select()
    .from(ledgerBooks)
    .where(and(eq(ledgerBooks.enterpriseId, enterprise.id), eq(ledgerBooks.regime, input.regime)))
    .limit(1);
  if (existing.length)
    throw problems.conflict(
      `Enterprise ${enterprise.uscc} already keeps a ${input.regime} book (${existing[0]!.bookNo}).`,
      { bookId: existing[0]!.id },
    );
  const row: BookRow = {
    id: uuidv7(now.getTime()),
    enterpriseId: enterprise.id,
    regime: input.regime,
    bookNo: `${REGIME_CODE[input.regime]}${enterprise.uscc}`,
    status: 'ACTIVE',
    openedBy: actorLabel(actor),
    createdAt: now,
    version: 0,
  };
  await tx.insert(ledgerBooks).values(row);
  const view = bookView(row);
  const audited = batch.audit({
    actor: actorLabel(actor),
    action: 'ledger.openBook',
    subject: `ledger-book:${row.id}`,
    change: view,
    at: now,
    partitionKey: auditPartition(row.id),
  });
  batch.event(
    typedEvent(LEDGER_EVENTS, 'BookOpened', {
      aggregateType: 'ledger',
      aggregateId: row.id,
      payload: view,
      occurredAt: now,
    }),
    audited,
  );
  return view;
}

export type NewItem = ItemMasterData;

/** Adds items (料号) to a book, all or nothing; an item number already on the book is a field error. */
export async function addItemsTx(
  tx: Tx,
  ctx: AppContext,
  actor: Actor,
  bookId: string,
  items: readonly NewItem[],
  batch: WriteBatch,
  pathPrefix = 'items',
) {
  const books = await lockBooks(tx, [bookId]);
  const book = books.get(bookId)!;
  assertEnterpriseVisible(actor, book.enterpriseId, `Book ${bookId}`);
  const errors = items.flatMap((it, i) => itemViolations(it, (f) => `${pathPrefix}[${i}].${f}`));
  const seen = new Map<string, number>();
  items.forEach((it, i) => {
    if (seen.has(it.itemNo))
      errors.push({
        path: `${pathPrefix}[${i}].itemNo`,
        rule: 'ledger.item.duplicateInFile',
        message: `item number ${it.itemNo} appears twice (first at ${seen.get(it.itemNo)})`,
      });
    else seen.set(it.itemNo, i);
  });
  if (items.length) {
    const existing = await tx
      .select({ itemNo: ledgerItems.itemNo })
      .from(ledgerItems)
      .where(
        and(
          eq(ledgerItems.bookId, bookId),
          inArray(
            ledgerItems.itemNo,
            items.map((i) => i.itemNo),
          ),
        ),
      );
    const taken = new Set(existing.map((e) => e.itemNo));
    items.forEach((it, i) => {
      if (taken.has(it.itemNo))
        errors.push({
          path: `${pathPrefix}[${i}].itemNo`,
          rule: 'ledger.item.exists',
          message: `item number ${it.itemNo} is already on this book`,
        });
    });
  }
  if (errors.length) throw problems.validation(errors);
  const now = ctx.clock.now();
  const rows = items.map((it) => ({
    id: uuidv7(now.getTime()),
    bookId,
    itemNo: it.itemNo,
    hsCode: it.hsCode,
    name: it.name,
    specification: it.specification ?? '',
    unit: it.unit,
    originCountry: it.originCountry,
    createdAt: now,
  }));
  if (rows.length) {
    forgetItemsInCommand(tx);
    await tx.insert(ledgerItems).values(rows);
    await createAccounts(
      tx,
      bookId,
      rows.map((r) => r.id),
    );
  }
  const views = rows.map(itemView);
  batch.audit({
    actor: actorLabel(actor),
    action: 'ledger.addItems',
    subject: `ledger-book:${bookId}`,
    change: { bookId, items: views },
    at: now,
    partitionKey: auditPartition(bookId),
  });
  return views;
}

export async function addItems(ctx: AppContext, actor: Actor, bookId: string, items: readonly NewItem[]) {
  return runCommand(ctx, 'ledger.addItems', (tx, batch) => addItemsTx(tx, ctx, actor, bookId, items, batch));
}

export interface ItemCorrectionInput {
  bookId: string;
  itemId: string;
  changes: ItemCorrection;
  reason: string;
}

/** The open reservations holding some of an item (read under the book's lock, so none can start meanwhile). */
async function openReservationsOf(tx: Executor, itemId: string) {
  return tx
    .selectDistinct({
      id: ledgerReservations.id,
      purposeType: ledgerReservations.purposeType,
      purposeId: ledgerReservations.purposeId,
    })
    .from(ledgerReservationLines)
    .innerJoin(ledgerReservations, eq(ledgerReservations.id, ledgerReservationLines.reservationId))
    .where(and(eq(ledgerReservationLines.itemId, itemId), eq(ledgerReservations.status, 'OPEN')))
    .orderBy(asc(ledgerReservations.id))
    .limit(10);
}

/**
 * Corrects an item's master data (HS code, origin, name, specification): the enterprise fixes what
 * it entered wrong, e.g. an origin its declarations are refused on. The corrected item is checked
 * with the same rules as a new one; on a zero-tariff book it may not move into the taxed catalogue.
 * Refused while a reservation is open on the item (`ledger.item.reserved`): a declaration in
 * progress carries the item as it was, and its goods must leave as declared. Audited with the
 * values before and after; a correction that changes nothing writes nothing.
 */
export async function correctItem(ctx: AppContext, actor: Actor, input: ItemCorrectionInput) {
  return runCommand(ctx, 'ledger.correctItem', (tx, batch) => correctItemTx(tx, ctx, actor, input, batch));
}

export async function correctItemTx(
  tx: Tx,
  ctx: AppContext,
  actor: Actor,
  input: ItemCorrectionInput,
  batch: WriteBatch,
) {
  const book = (await lockBooks(tx, [input.bookId])).get(input.bookId)!;
  assertEnterpriseVisible(actor, book.enterpriseId, `Book ${input.bookId}`);
  const [item] = UUID.test(input.itemId)
    ? await tx
        .select()
        .from(ledgerItems)
        .where(and(eq(ledgerItems.id, input.itemId), eq(ledgerItems.bookId, book.id)))
        .limit(1)
    : [];
  if (!item) throw problems.notFound(`Item ${input.itemId} of book ${book.bookNo}`);
  const c = correctedItem(item, input.changes, input.reason);
  if (c.errors.length) throw problems.validation(c.errors);
  if (c.changed.length === 0) return itemView(item);
  const now = ctx.clock.now();
  if (book.regime === 'ZERO_TARIFF' && c.changed.includes('hsCode'))
    await assertOutsideTaxedCatalogue(tx, c.after.hsCode, shanghaiDate(now));
  await assertNotReserved(tx, item);
  forgetItemsInCommand(tx);
  await tx.update(ledgerItems).set(c.values).where(eq(ledgerItems.id, item.id));
  const change = {
    bookId: book.id,
    itemId: item.id,
    itemNo: item.itemNo,
    before: c.before,
    after: c.values,
    reason: input.reason,
  };
  const partitionKey = auditPartition(book.id);
  const audited = batch.audit({
    actor: actorLabel(actor),
    action: 'ledger.correctItem',
    subject: `ledger-book:${book.id}`,
    change,
    at: now,
    partitionKey,
  });
  const payload = { ...change, enterpriseId: book.enterpriseId };
  batch.event(
    typedEvent(LEDGER_EVENTS, 'ItemCorrected', {
      aggregateType: 'ledger',
      aggregateId: book.id,
      payload,
      occurredAt: now,
    }),
    audited,
  );
  return itemView(c.after);
}

/** A zero-tariff book holds no goods of the taxed catalogue (the import refuses them; so does a correction). */
async function assertOutsideTaxedCatalogue(tx: Executor, hsCode: string, today: string) {
  if (!inCatalogue(hsCode, await cataloguePrefixes(tx, today, [hsCode]))) return;
  const message =
    `HS ${hsCode} is in the taxed catalogue (进口征税商品目录) on ${today}: a zero-tariff book ` +
    `does not hold these goods.`;
  throw problems.field('hsCode', 'ledger.item.taxedCatalogue', message);
}

/** A declaration in progress carries the item as it was filed: no correction while a reservation is open on it. */
async function assertNotReserved(tx: Executor, item: { id: string; itemNo: string }) {
  const open = await openReservationsOf(tx, item.id);
  if (!open.length) return;
  const held = open.map((r) => `${r.id} (${r.purposeType} ${r.purposeId})`).join(', ');
  const detail =
    `Item ${item.itemNo} cannot be corrected while a reservation is open on it: ` +
    `${held}. Correct it once the declaration has left, been cancelled or expired.`;
  throw problems.rule('item-reserved', 'Item reserved', detail, [
    { path: 'itemId', rule: 'ledger.item.reserved', message: `reserved by ${held}` },
  ]);
}

export const ITEM_CSV_COLUMNS = ['itemNo', 'hsCode', 'name', 'specification', 'unit', 'originCountry'] as const;

export interface ItemCsvReport {
  rows: number;
  imported: number;
  errors: { line: number; path: string; rule: string; message: string }[];
  items: ReturnType<typeof itemView>[];
}

/**
 * Bulk item import from CSV (how traders keep their item lists): every bad row is reported by line
 * and column; with any error nothing is imported (the report comes back as a 400 problem).
 */
export async function importItemsCsv(
  ctx: AppContext,
  actor: Actor,
  bookId: string,
  csv: string,
): Promise<ItemCsvReport> {
  const { header, records } = readCsv(csv);
  const missing = ['itemNo', 'hsCode', 'name', 'unit', 'originCountry'].filter((c) => !header.includes(c));
  if (missing.length)
    throw problems.validation([
      {
        path: 'csv[1].header',
        rule: 'ledger.items.header',
        message: `the header must name ${ITEM_CSV_COLUMNS.join(',')}; missing ${missing.join(', ')}`,
      },
    ]);
  const items: NewItem[] = records.map((r) => ({
    itemNo: r.cells.itemNo ?? '',
    hsCode: r.cells.hsCode ?? '',
    name: r.cells.name ?? '',
    specification: r.cells.specification ?? '',
    unit: r.cells.unit ?? '',
    originCountry: r.cells.originCountry ?? '',
  }));
  if (!items.length)
    throw problems.validation([{ path: 'csv', rule: 'ledger.items.empty', message: 'the file has no rows' }]);
  try {
    const views = await runCommand(ctx, 'ledger.importItems', (tx, batch) =>
      addItemsTx(tx, ctx, actor, bookId, items, batch, 'rows'),
    );
    return { rows: items.length, imported: views.length, errors: [], items: views };
  } catch (err) {
    const e = err as { errors?: FieldError[]; status?: number };
    if (e.status === 400 && e.errors?.length && e.errors[0]!.path.startsWith('rows[')) {
      // Name rows by their line in the file, as the trader sees it.
      const mapped = e.errors.map((fe) => {
        const m = /^rows\[(\d+)\]\.(.*)$/.exec(fe.path)!;
        const line = records[Number(m[1])]!.line;
        return { path: `csv[${line}].${m[2]}`, rule: fe.rule ?? 'ledger.items.invalid', message: fe.message };
      });
      throw problems.validation(
        mapped,
        `${new Set(mapped.map((m) => m.path.split('.')[0])).size} of ${items.length} rows have ` +
          `errors; nothing was imported.`,
      );
    }
    throw err;
  }
}

/** Books an actor may see (an enterprise user: its own). */
export async function listBooks(ex: Executor, actor: Actor, q: { enterpriseId?: string } = {}) {
  const own = enterpriseFilter(actor);
  const conds: SQL[] = [];
  if (own) conds.push(eq(ledgerBooks.enterpriseId, own));
  if (q.enterpriseId) conds.push(eq(ledgerBooks.enterpriseId, q.enterpriseId));
  const rows = await ex
    .select()
    .from(ledgerBooks)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(asc(ledgerBooks.bookNo))
    .limit(500);
  const withNames = await Promise.all(
    rows.map(async (b) => ({
      ...bookView(b),
      enterpriseName: (await findEnterpriseById(ex, b.enterpriseId))?.name ?? '',
      enterpriseUscc: (await findEnterpriseById(ex, b.enterpriseId))?.uscc ?? '',
    })),
  );
  return withNames;
}

/** A book's id as the routes accept it: anything else is simply not found, without a query. */
const BOOK_ID = /^[0-9a-f-]{36}$/i;

export async function visibleBook(ex: Executor, actor: Actor, bookId: string): Promise<BookRow> {
  const [row] = BOOK_ID.test(bookId)
    ? await ex.select().from(ledgerBooks).where(eq(ledgerBooks.id, bookId)).limit(1)
    : [];
  if (!row) throw problems.notFound(`Book ${bookId}`);
  assertEnterpriseVisible(actor, row.enterpriseId, `Book ${bookId}`);
  return row;
}

/**
 * Items of a book with their stock balance and cost basis. One statement: the book's row comes back
 * (with no item) even for an empty book, so its visibility is checked without a read of its own.
 */
export async function listItemsWithBalances(ex: Executor, actor: Actor, bookId: string) {
  const rows = BOOK_ID.test(bookId)
    ? await ex
        .select({ enterpriseId: ledgerBooks.enterpriseId, item: ledgerItems, account: ledgerAccounts })
        .from(ledgerBooks)
        .leftJoin(ledgerItems, eq(ledgerItems.bookId, ledgerBooks.id))
        .leftJoin(ledgerAccounts, and(eq(ledgerAccounts.itemId, ledgerItems.id), eq(ledgerAccounts.kind, 'stock')))
        .where(eq(ledgerBooks.id, bookId))
        .orderBy(asc(ledgerItems.itemNo))
    : [];
  if (!rows.length) throw problems.notFound(`Book ${bookId}`);
  assertEnterpriseVisible(actor, rows[0]!.enterpriseId, `Book ${bookId}`);
  return rows.flatMap(({ item, account }) =>
    item && account
      ? [
          {
            ...itemView(item),
            onHand: plainQty(account.onHand),
            reserved: plainQty(account.reserved),
            available: plainQty(new D(account.onHand).minus(account.reserved)),
            importedCny: new D(account.importedCny).toFixed(2),
            domesticCny: new D(account.domesticCny).toFixed(2),
            hainanMadeCny: new D(account.hainanMadeCny).toFixed(2),
            firstEntryDate: account.firstEntryDate,
          },
        ]
      : [],
  );
}

export interface MovementQuery {
  itemId?: string;
  documentType?: string;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

/** Movement history of a book, newest first, with filters. */
export async function listMovements(ex: Executor, actor: Actor, bookId: string, q: MovementQuery) {
  await visibleBook(ex, actor, bookId);
  const conds: SQL[] = [eq(ledgerMovements.bookId, bookId)];
  if (q.itemId) conds.push(eq(ledgerMovements.itemId, q.itemId));
  if (q.documentType) conds.push(eq(ledgerMovements.documentType, q.documentType));
  if (q.from) conds.push(gte(ledgerMovements.businessDate, q.from));
  if (q.to) conds.push(lte(ledgerMovements.businessDate, q.to));
  const where = and(...conds);
  const [{ n }] = (await ex.select({ n: sql<number>`count(*)::int` }).from(ledgerMovements).where(where)) as [
    { n: number },
  ];
  const rows = await ex
    .select({ m: ledgerMovements, itemNo: ledgerItems.itemNo, itemName: ledgerItems.name, unit: ledgerItems.unit })
    .from(ledgerMovements)
    .innerJoin(ledgerItems, eq(ledgerItems.id, ledgerMovements.itemId))
    .where(where)
    .orderBy(desc(ledgerMovements.seq))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  return {
    total: Number(n),
    page: q.page,
    pageSize: q.pageSize,
    items: rows.map(({ m, itemNo, itemName, unit }) => ({
      id: m.id,
      seq: m.seq,
      itemId: m.itemId,
      itemNo,
      itemName,
      unit,
      from: m.fromKind,
      to: m.toKind,
      quantity: plainQty(m.quantity),
      importedCny: new D(m.importedCny).toFixed(2),
      domesticCny: new D(m.domesticCny).toFixed(2),
      hainanMadeCny: new D(m.hainanMadeCny).toFixed(2),
      documentId: m.documentId,
      documentType: m.documentType,
      lineNo: m.lineNo,
      postingId: m.postingId,
      reversalOf: m.reversalOf,
      auditSeq: m.auditSeq,
      businessDate: m.businessDate,
      createdAt: m.createdAt.toISOString(),
    })),
  };
}

/**
 * The value-added ratio (加工增值) of `quantity` units of an item sold for `salePrice`, from the cost
 * basis the book carries: (price − imported − domestic) ÷ (imported + domestic), Hainan-made inputs
 * counting as value added; compared with parameter tax.valueAddedThreshold.
 */
export async function valueAddedOf(
  ex: Executor,
  q: { bookId: string; itemId: string; quantity: string; salePrice: string },
  asOf: string,
) {
  const basis = await costBasisOf(ex, q);
  const r = valueAddedRatio({
    salePrice: q.salePrice,
    importedMaterials: [basis.importedCny],
    domesticMaterials: [basis.domesticCny],
    hainanMadeInputs: [basis.hainanMadeCny],
  });
  if (!r.ok) throw problems.field('itemId', r.violation.rule, r.violation.message);
  const threshold = await getParameter<string>(ex, 'tax.valueAddedThreshold', asOf);
  return {
    ...basis,
    salePrice: q.salePrice,
    ratio: ratioString(r.ratio),
    threshold: threshold.value,
    meetsThreshold: meetsValueAddedThreshold(r.ratio, threshold.value),
    parameterVersions: { 'tax.valueAddedThreshold': threshold.version },
  };
}
