/**
 * The ledger engine every command goes through: lock the books (the unit of serialisation), plan
 * movements line by line against the stock in memory (so the first failing line is named before
 * anything is written), write movements and balance deltas in a few statements, then assert the
 * invariants on what was touched.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, recordset, type Executor } from '../../../platform/db/client.ts';
import { anyOf, tableRows } from '../../../platform/db/rows.ts';
import { forgetAllInCommand, memoInCommand } from '../../../platform/commandMemo.ts';
import type { AuditRef, SeqOf, WriteBatch } from '../../../platform/writeBatch.ts';
import { sha256Hex } from '../../../platform/crypto.ts';
import { canonicalJson } from '../../../kernel/canonicalJson.ts';
import { Problem, problems } from '../../../kernel/problem.ts';
import { UUID_PATTERN, uuidv7 } from '../../../kernel/ids.ts';
import { ledgerAccounts, ledgerBooks, ledgerItems, ledgerMovements } from '../schema.ts';
import {
  addCost,
  costOf,
  costStrings,
  D,
  invariantViolations,
  takeCost,
  ZERO_COST,
  type AccountKind,
  type Cost,
  type Dec,
  type Regime,
} from '../rules.ts';

export type BookRow = typeof ledgerBooks.$inferSelect;
export type ItemRow = typeof ledgerItems.$inferSelect;

export const ACCOUNT_KINDS: AccountKind[] = [
  'stock',
  'abroad',
  'mainland',
  'island',
  'consumed',
  'produced',
  'scrapped',
  'adjustment',
];

export const contentHash = (content: unknown): string => sha256Hex(canonicalJson(content));

/** 409 for an idempotency key reused with other content. */
export function idempotencyConflict(path: string, what: string): Problem {
  return new Problem({
    status: 409,
    code: 'conflict',
    title: 'Conflict',
    detail: `${what} was already used with different content; use a new id for a new request.`,
    errors: [{ path, rule: 'ledger.idempotencyConflict', message: 'this id was already used with different content' }],
  });
}

export const plainQty = (v: string | Dec): string => new D(v).toString();

/**
 * Locks books FOR UPDATE in id order (two commands on the same books never wait in a circle), in one
 * statement: the lock sits above the sort, so rows are locked in the order they are returned.
 */
export async function lockBooks(tx: Executor, ids: readonly string[], path = 'bookId'): Promise<Map<string, BookRow>> {
  const unique = [...new Set(ids)].sort();
  // Only a UUID may reach the uuid column; an empty id is not a book either.
  const bad = unique.find((id) => !UUID_PATTERN.test(id));
  if (bad !== undefined) throw problems.field(path, 'ledger.bookUnknown', `Book ${bad} does not exist.`);
  const rows = unique.length
    ? await bookRows.select(
        tx,
        sql`select ${bookRows.columns} from ${bookRows.table} where id ${anyOf(unique, 'uuid')} order by id for update`,
      )
    : [];
  const out = new Map(rows.map((r) => [r.id, r]));
  const missing = unique.find((id) => !out.has(id));
  if (missing) throw problems.field(path, 'ledger.bookUnknown', `Book ${missing} does not exist.`);
  return out;
}

export function assertBookActive(book: BookRow, path = 'bookId'): void {
  if (book.status !== 'ACTIVE') throw problems.field(path, 'ledger.bookClosed', `Book ${book.bookNo} is closed.`);
}

/** Statements of the hot path (every document, reservation and first-line declaration), built once. */
const bookRows = tableRows(ledgerBooks);
const itemRows = tableRows(ledgerItems);

const ITEMS_MEMO = 'ledger.items:';

/**
 * Items by id, many at once. Once per command (platform/commandMemo.ts): a first-line declaration
 * judges its lines against the items and its release's document reads them again. Only the ledger
 * writes items; `forgetItemsInCommand` is called before it does.
 */
export async function loadItems(ex: Executor, ids: readonly string[]): Promise<Map<string, ItemRow>> {
  const wellFormed = [...new Set(ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id)))].sort();
  if (!wellFormed.length) return new Map();
  const rows = await memoInCommand(ex, `${ITEMS_MEMO}${wellFormed.join(',')}`, () =>
    itemRows.select(ex, sql`select ${itemRows.columns} from ${itemRows.table} where id ${anyOf(wellFormed, 'uuid')}`),
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** Before the ledger adds or corrects items: what the command read of items (and of their codes) goes. */
export function forgetItemsInCommand(ex: Executor): void {
  forgetAllInCommand(ex, ITEMS_MEMO);
  forgetAllInCommand(ex, CATALOGUE_FOR_ITEMS_MEMO);
}

/** The memo of the catalogue entries read by item id (documents.ts), which an item's new code changes. */
export const CATALOGUE_FOR_ITEMS_MEMO = 'ledger.catalogueForItems:';

/**
 * A book's row, unlocked; once per command (platform/commandMemo.ts). Nothing updates a book once it
 * is opened (its owner and regime are fixed, its stock lives in accounts), and a new book has a new
 * id, so a command's reading stays true to its end: a first-line declaration's checks and its
 * release's document read it once.
 */
export async function bookRow(ex: Executor, bookId: string): Promise<BookRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(bookId)) return null;
  return memoInCommand(ex, `ledger.book:${bookId}`, async () => {
    const [row] = await bookRows.select(
      ex,
      sql`select ${bookRows.columns} from ${bookRows.table} where id = ${bookId}::uuid`,
    );
    return row ?? null;
  });
}

/** Every line's item must exist and belong to the book. */
export function itemsOfBook(
  items: Map<string, ItemRow>,
  bookId: string,
  lines: readonly { itemId: string }[],
  pathOf: (i: number) => string,
): ItemRow[] {
  return lines.map((l, i) => {
    const item = items.get(l.itemId);
    if (!item || item.bookId !== bookId)
      throw problems.field(pathOf(i), 'ledger.itemUnknown', `Item ${l.itemId} is not on this book.`);
    return item;
  });
}

export interface StockState {
  onHand: Dec;
  reserved: Dec;
  cost: Cost;
}

/** The stock accounts of some items, as the plan starts from them. */
export async function loadStock(ex: Executor, itemIds: readonly string[]): Promise<Map<string, StockState>> {
  const ids = [...new Set(itemIds)];
  return stockStates([...(await loadStockAccounts(ex, ids)).values()], ids);
}

export type AccountRow = typeof ledgerAccounts.$inferSelect;

/** The stock account rows of some items, by item (an item without one is absent). */
export async function loadStockAccounts(ex: Executor, itemIds: readonly string[]): Promise<Map<string, AccountRow>> {
  const ids = [...new Set(itemIds)];
  if (!ids.length) return new Map();
  const rows = await ex
    .select()
    .from(ledgerAccounts)
    .where(
      and(
        eq(ledgerAccounts.kind, 'stock'),
        sql`${ledgerAccounts.itemId} = any(string_to_array(${ids.join(',')}, ',')::uuid[])`,
      ),
    );
  return new Map(rows.map((r) => [r.itemId, r]));
}

/** The plan state of an item with no stock account yet. */
export const emptyStock = (): StockState => ({ onHand: new D(0), reserved: new D(0), cost: ZERO_COST });

/** Stock account rows as plan states; items in `ids` without a row start empty. */
export function stockStates(
  rows: readonly (typeof ledgerAccounts.$inferSelect)[],
  ids: readonly string[],
): Map<string, StockState> {
  const out = new Map<string, StockState>();
  for (const r of rows) out.set(r.itemId, { onHand: new D(r.onHand), reserved: new D(r.reserved), cost: costOf(r) });
  for (const id of ids) if (!out.has(id)) out.set(id, emptyStock());
  return out;
}

export interface MoveSpec {
  bookId: string;
  itemId: string;
  from: AccountKind;
  to: AccountKind;
  quantity: Dec;
  /** Cost that travels; taken at moving average from stock when absent (required when `from` is not stock). */
  cost?: Cost;
  lineNo: number;
  /** Field path a failure of this line names, e.g. `lines[2].quantity`. */
  path: string;
  /** Quantity of this move that was reserved (a posting); it may use reserved stock. */
  fromReserved?: Dec;
  reversalOf?: string;
}

export interface PlannedMove extends MoveSpec {
  id: string;
  cost: Cost;
}

/**
 * Plans moves in order against the stock: a move out of stock may use only what is available
 * (on hand less reserved, plus its own reservation), and may never take more cost than the stock
 * holds. The first failing line throws, naming its path.
 */
export function planMoves(
  stock: Map<string, StockState>,
  specs: readonly MoveSpec[],
  now: number,
  shortfallRule = 'ledger.insufficientAvailable',
): PlannedMove[] {
  return specs.map((m) => {
    let cost = m.cost;
    if (m.from === 'stock') {
      const s = stock.get(m.itemId)!;
      const usable = s.onHand.minus(s.reserved).plus(m.fromReserved ?? 0);
      if (m.quantity.gt(usable))
        throw problems.field(
          m.path,
          shortfallRule,
          `Only ${usable.toString()} available, ${m.quantity.toString()} asked.`,
        );
      cost ??= takeCost(s.onHand, s.cost, m.quantity);
      const left = {
        importedCny: s.cost.importedCny.minus(cost.importedCny),
        domesticCny: s.cost.domesticCny.minus(cost.domesticCny),
        hainanMadeCny: s.cost.hainanMadeCny.minus(cost.hainanMadeCny),
      };
      if (left.importedCny.isNeg() || left.domesticCny.isNeg() || left.hainanMadeCny.isNeg()) {
        throw problems.field(
          m.path,
          'ledger.costExceedsStock',
          'The cost basis moved out exceeds what the stock holds (the goods were already used).',
        );
      }
      const onHand = s.onHand.minus(m.quantity);
      stock.set(m.itemId, {
        onHand,
        reserved: s.reserved.minus(m.fromReserved ?? 0),
        cost:
          onHand.isZero() && left.importedCny.plus(left.domesticCny).plus(left.hainanMadeCny).isZero()
            ? ZERO_COST
            : left,
      });
    }
    if (!cost) throw new Error(`a move into ${m.to} from ${m.from} needs its cost`);
    if (m.to === 'stock') {
      const s = stock.get(m.itemId)!;
      stock.set(m.itemId, { onHand: s.onHand.plus(m.quantity), reserved: s.reserved, cost: addCost(s.cost, cost) });
    }
    return { ...m, id: uuidv7(now), cost };
  });
}

export interface WriteContext {
  documentId: string;
  documentType: string;
  postingId?: string | null;
  /** The audit entry that records the document: its movements carry the entry's seq. */
  audit: AuditRef;
  businessDate: string;
  now: Date;
}

/** Reserved-quantity changes of stock accounts that are not movements (reserve, release). */
export type ReservedDelta = Map<string, Dec>;

/**
 * Writes a document's planned movements and all balance deltas in the command's final round trip
 * (its write batch), after the caller's own inserts (`prelude`, e.g. the document and its lines) as
 * CTEs of the same statement: one statement for the whole write, issued with the audit entries.
 * The movements carry the seq of the document's entry, which the batch draws at its flush, so no
 * caller passes it. A movement's own seq is drawn in that statement, after the transaction has
 * its id (the books were locked FOR UPDATE and the audit heads are locked by then), which is what
 * the verifier's settled horizon relies on. Nothing of the command may read these rows before its end.
 */
export function deferMoves(
  tx: Executor,
  batch: WriteBatch,
  w: WriteContext,
  moves: readonly PlannedMove[],
  reservedDelta: ReservedDelta = new Map(),
  prelude: SQL[] = [],
): void {
  deferMoveGroups(tx, batch, w.businessDate, [{ w, moves }], reservedDelta, prelude);
}

/**
 * `deferMoves` for several documents at once (each group its own document, posting and audit entry), still one
 * statement.
 */
export function deferMoveGroups(
  tx: Executor,
  batch: WriteBatch,
  businessDate: string,
  groups: readonly { w: WriteContext; moves: readonly PlannedMove[] }[],
  reservedDelta: ReservedDelta = new Map(),
  prelude: SQL[] = [],
): void {
  batch.defer((seqOf) => writeMoveGroups(tx, businessDate, groups, reservedDelta, prelude, seqOf));
}

/**
 * Writes reserved-quantity changes that move nothing (reserve, release) at once, after the caller's
 * own inserts (`prelude`) as CTEs of the same statement, and asserts the invariants on what it touched.
 */
export function writeReserved(
  tx: Executor,
  businessDate: string,
  reservedDelta: ReservedDelta,
  prelude: SQL[] = [],
): Promise<void> {
  return writeMoveGroups(tx, businessDate, [], reservedDelta, prelude, () => {
    throw new Error('a write without movements records no audit seq');
  });
}

async function writeMoveGroups(
  tx: Executor,
  businessDate: string,
  groups: readonly { w: WriteContext; moves: readonly PlannedMove[] }[],
  reservedDelta: ReservedDelta,
  prelude: SQL[],
  seqOf: SeqOf,
): Promise<void> {
  const ctes: SQL[] = [...prelude];
  const moves = groups.flatMap((g) => g.moves);
  if (moves.length) {
    const rows = groups.flatMap(({ w, moves: ms }) => {
      const auditSeq = seqOf(w.audit);
      return ms.map((m) => ({
        id: m.id,
        book_id: m.bookId,
        item_id: m.itemId,
        from_kind: m.from,
        to_kind: m.to,
        quantity: m.quantity.toString(),
        imported_cny: m.cost.importedCny.toFixed(2),
        domestic_cny: m.cost.domesticCny.toFixed(2),
        hainan_made_cny: m.cost.hainanMadeCny.toFixed(2),
        document_id: w.documentId,
        document_type: w.documentType,
        line_no: m.lineNo,
        posting_id: w.postingId ?? null,
        reversal_of: m.reversalOf ?? null,
        audit_seq: auditSeq,
        business_date: w.businessDate,
        created_at: w.now.toISOString(),
      }));
    });
    const columns =
      'id, book_id, item_id, from_kind, to_kind, quantity, imported_cny, domestic_cny, ' +
      'hainan_made_cny, document_id, document_type, line_no, posting_id, reversal_of, audit_seq, ' +
      'business_date, created_at';
    ctes.push(
      sql`insert into ${ledgerMovements} (${sql.raw(columns)}) select ${sql.raw(columns)} from
          ${recordset(
            rows,
            'id uuid, book_id uuid, item_id uuid, from_kind text, to_kind text, quantity ' +
              'numeric, imported_cny numeric, domestic_cny numeric, hainan_made_cny numeric, document_id uuid, ' +
              'document_type text, line_no int, posting_id uuid, reversal_of uuid, audit_seq bigint, ' +
              'business_date date, created_at timestamptz',
          )}`,
    );
  }
  const deltas = deltasOf(moves, reservedDelta);
  const withClause = ctes.length
    ? sql`with ${sql.join(
        ctes.map((c, i) => sql`${sql.raw(`w${i}`)} as (${c})`),
        sql`, `,
      )} `
    : sql``;
  if (!deltas.size) {
    if (ctes.length) await tx.execute(sql`${withClause}select 1`);
    return;
  }
  const rows = [...deltas.values()].map((d) => ({
    item_id: d.itemId,
    kind: d.kind,
    dq: d.q.toString(),
    dr: d.r.toString(),
    di: d.cost.importedCny.toFixed(2),
    dd: d.cost.domesticCny.toFixed(2),
    dh: d.cost.hainanMadeCny.toFixed(2),
    n: d.n,
    entry: d.entry ? businessDate : null,
  }));
  const updated = await queryRows<{
    item_id: string;
    kind: string;
    on_hand: string;
    reserved: string;
    imported_cny: string;
    domestic_cny: string;
    hainan_made_cny: string;
  }>(
    tx,
    sql`${withClause}update ${ledgerAccounts} a set
          on_hand = a.on_hand + v.dq, reserved = a.reserved + v.dr,
          imported_cny = a.imported_cny + v.di, domestic_cny = a.domestic_cny + v.dd, hainan_made_cny =
            a.hainan_made_cny + v.dh,
          movements = a.movements + v.n,
          first_entry_date = case when v.entry is null then a.first_entry_date else least(coalesce(a.first_entry_date,
            v.entry), v.entry) end
        from ${recordset(
          rows,
          'item_id uuid, kind text, dq numeric, dr numeric, di numeric, dd numeric, dh ' + 'numeric, n int, entry date',
        )}
        where a.item_id = v.item_id and a.kind = v.kind
        returning a.item_id, a.kind, a.on_hand::text, a.reserved::text, a.imported_cny::text, a.domestic_cny::text,
          a.hainan_made_cny::text`,
  );
  if (updated.length !== deltas.size)
    throw new Error(`ledger accounts missing: updated ${updated.length} of ${deltas.size}`);
  assertAfterWrite(deltas, updated);
}

interface Delta {
  itemId: string;
  kind: string;
  q: Dec;
  r: Dec;
  cost: Cost;
  n: number;
  entry: boolean;
}

function deltasOf(moves: readonly PlannedMove[], reservedDelta: ReservedDelta): Map<string, Delta> {
  const deltas = new Map<string, Delta>();
  const at = (itemId: string, kind: string) => {
    const key = `${itemId}|${kind}`;
    let d = deltas.get(key);
    if (!d) deltas.set(key, (d = { itemId, kind, q: new D(0), r: new D(0), cost: ZERO_COST, n: 0, entry: false }));
    return d;
  };
  const neg = (c: Cost): Cost => ({
    importedCny: c.importedCny.neg(),
    domesticCny: c.domesticCny.neg(),
    hainanMadeCny: c.hainanMadeCny.neg(),
  });
  for (const m of moves) {
    const from = at(m.itemId, m.from);
    from.q = from.q.minus(m.quantity);
    from.cost = addCost(from.cost, neg(m.cost));
    from.n++;
    if (m.fromReserved) from.r = from.r.minus(m.fromReserved);
    const to = at(m.itemId, m.to);
    to.q = to.q.plus(m.quantity);
    to.cost = addCost(to.cost, m.cost);
    to.n++;
    if (m.to === 'stock') to.entry = true;
  }
  for (const [itemId, r] of reservedDelta) {
    const d = at(itemId, 'stock');
    d.r = d.r.plus(r);
  }
  return deltas;
}

/**
 * The invariants asserted in code after every write (TigerBeetle style): the touched stock accounts
 * are never negative and hold reservations within their stock (the row values the update returned),
 * and the write kept every ledger balanced — per item, its deltas sum to zero for the quantity and
 * each cost column, so a ledger that balanced before balances after (the verifier checks the whole).
 */
function assertAfterWrite(
  deltas: Map<string, Delta>,
  updated: {
    item_id: string;
    kind: string;
    on_hand: string;
    reserved: string;
    imported_cny: string;
    domestic_cny: string;
    hainan_made_cny: string;
  }[],
): void {
  const sums = new Map<string, Dec[]>();
  for (const d of deltas.values()) {
    const s = sums.get(d.itemId) ?? [new D(0), new D(0), new D(0), new D(0)];
    sums.set(d.itemId, [
      s[0]!.plus(d.q),
      s[1]!.plus(d.cost.importedCny),
      s[2]!.plus(d.cost.domesticCny),
      s[3]!.plus(d.cost.hainanMadeCny),
    ]);
  }
  const unbalanced = [...sums].filter(([, s]) => s.some((x) => !x.isZero()));
  const violations = invariantViolations(
    updated
      .filter((r) => r.kind === 'stock')
      .map((r) => ({
        itemId: r.item_id,
        kind: r.kind,
        onHand: r.on_hand,
        reserved: r.reserved,
        importedCny: '0',
        domesticCny: '0',
        hainanMadeCny: '0',
      })),
  ).filter((v) => v.rule !== 'ledger.invariant.balanced');
  if (unbalanced.length || violations.length) {
    throw new Error(
      `ledger invariant violated: ${[
        ...unbalanced.map(([itemId]) => `ledger.invariant.balanced (${itemId})`),
        ...violations.map((v) => `${v.rule} (${v.itemId}): ${v.message}`),
      ].join('; ')}`,
    );
  }
}

/** Creates the accounts of new items (stock and every system account). */
export async function createAccounts(tx: Executor, bookId: string, itemIds: readonly string[]): Promise<void> {
  if (!itemIds.length) return;
  await tx
    .insert(ledgerAccounts)
    .values(itemIds.flatMap((itemId) => ACCOUNT_KINDS.map((kind) => ({ itemId, kind, bookId }))));
}

export const bookView = (b: BookRow) => ({
  id: b.id,
  enterpriseId: b.enterpriseId,
  regime: b.regime as Regime,
  bookNo: b.bookNo,
  status: b.status as 'ACTIVE' | 'CLOSED',
});
export const itemView = (i: ItemRow) => ({
  id: i.id,
  bookId: i.bookId,
  itemNo: i.itemNo,
  hsCode: i.hsCode,
  name: i.name,
  specification: i.specification,
  unit: i.unit,
  originCountry: i.originCountry,
});

export const auditPartition = (bookId: string) => `ledger-book:${bookId}`;
