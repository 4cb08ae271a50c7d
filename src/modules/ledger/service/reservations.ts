/**
 * Two-phase reservations (预核扣 -> 已核扣), like a ledger's pending transfers: the balance is checked
 * when the reservation is made, so posting it at the gate can never fail on balance; a partial post
 * may release the rest; void and expiry release what is still reserved.
 */
import { and, asc, eq, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { recordset, together, type Executor, type Tx } from '../../../platform/db/client.ts';
import { anyOf, tableRows } from '../../../platform/db/rows.ts';
import { runCommand } from '../../../platform/command.ts';
import type { AuditInput } from '../../../platform/audit/service.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { LEDGER_EVENTS } from '../events.ts';
import { getParameter } from '../../../platform/parameters/service.ts';
import type { AuditRef, WriteBatch } from '../../../platform/writeBatch.ts';
import { actorLabel, systemActor, type Actor } from '../../../platform/auth/roles.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { problems, type FieldError } from '../../../kernel/problem.ts';
import {
  ledgerAccounts,
  ledgerBooks,
  ledgerPostings,
  ledgerReservationLines,
  ledgerReservations,
  ledgerDocuments,
} from '../schema.ts';
import { D, POST_DESTINATIONS, quantityViolation, type Dec, type PostDestination } from '../rules.ts';
import {
  assertBookActive,
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
  stockStates,
  deferMoveGroups,
  writeReserved,
  type AccountRow,
  type BookRow,
  type ItemRow,
  type MoveSpec,
  type PlannedMove,
  type StockState,
} from './core.ts';

export interface GoodsLine {
  itemId: string;
  quantity: string;
}

export interface Reservation {
  id: string;
  bookId: string;
  status: 'OPEN' | 'POSTED' | 'VOID' | 'EXPIRED';
  expiresAt: Date;
  purpose: { documentType: string; documentId: string };
  lines: { itemId: string; reserved: string; posted: string; released: string }[];
}

type ReservationRow = typeof ledgerReservations.$inferSelect;
type LineRow = typeof ledgerReservationLines.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function view(r: ReservationRow, lines: LineRow[]): Reservation {
  return {
    id: r.id,
    bookId: r.bookId,
    status: r.status as Reservation['status'],
    expiresAt: r.expiresAt,
    purpose: { documentType: r.purposeType, documentId: r.purposeId },
    lines: lines
      .sort((a, b) => a.lineNo - b.lineNo)
      .map((l) => ({
        itemId: l.itemId,
        reserved: plainQty(l.reserved),
        posted: plainQty(l.posted),
        released: plainQty(l.released),
      })),
  };
}

const remaining = (l: LineRow): Dec => new D(l.reserved).minus(l.posted).minus(l.released);

async function load(ex: Executor, id: string): Promise<{ row: ReservationRow; lines: LineRow[] } | null> {
  if (!UUID.test(id)) return null;
  const [row] = await ex.select().from(ledgerReservations).where(eq(ledgerReservations.id, id)).limit(1);
  if (!row) return null;
  const lines = await ex
    .select()
    .from(ledgerReservationLines)
    .where(eq(ledgerReservationLines.reservationId, id))
    .orderBy(asc(ledgerReservationLines.lineNo));
  return { row, lines };
}

export async function getReservation(ex: Executor, reservationId: string): Promise<Reservation | null> {
  const r = await load(ex, reservationId);
  return r ? view(r.row, r.lines) : null;
}

function eventPayload(res: Reservation, book: BookRow) {
  return {
    reservationId: res.id,
    bookId: res.bookId,
    enterpriseId: book.enterpriseId,
    purpose: res.purpose,
    lines: res.lines,
  };
}

function lineErrors(lines: readonly GoodsLine[]): FieldError[] {
  const errors: FieldError[] = [];
  if (!Array.isArray(lines) || lines.length === 0)
    errors.push({ path: 'lines', rule: 'ledger.linesRequired', message: 'at least one line is required' });
  (lines ?? []).forEach((l, i) => {
    if (!UUID.test(l.itemId ?? ''))
      errors.push({
        path: `lines[${i}].itemId`,
        rule: 'ledger.itemUnknown',
        message: 'itemId must be a ledger item UUID',
      });
    const q = quantityViolation(String(l.quantity ?? ''));
    if (q) errors.push({ path: `lines[${i}].quantity`, rule: 'ledger.quantity', message: `quantity ${q}` });
  });
  return errors;
}

export interface ReserveInput {
  reservationId: string;
  bookId: string;
  lines: GoodsLine[];
  purpose: { documentType: string; documentId: string };
  expiresAt?: Date;
  actor: Actor;
}

/**
 * Reserves quantity on a book; the first line short of available stock fails the whole reservation.
 * The reservation and the reserved quantities are written at once (a later step of the command may
 * reserve again on the book); its audit entry and event go in the command's write batch.
 */
export interface ReserveOptions {
  /**
   * The book, the lines' items and their stock accounts as the caller read them after locking the
   * book itself in this transaction (an exit: `lockBooks`, then `goodsOfLines`): the reservation
   * neither locks nor reads them again. The lock is what makes them current.
   */
  known?: { book: BookRow; items: Map<string, ItemRow>; accounts: Map<string, AccountRow> };
  /** The caller minted `reservationId` in this transaction: there is no earlier reservation to answer with. */
  newId?: boolean;
}

export async function reserveGoods(
  tx: Tx,
  ctx: AppContext,
  input: ReserveInput,
  batch: WriteBatch,
  opts: ReserveOptions = {},
): Promise<Reservation> {
  const errors: FieldError[] = [];
  if (!UUID.test(input.reservationId ?? ''))
    errors.push({ path: 'reservationId', rule: 'ledger.id', message: 'reservationId must be a UUID' });
  if (!input.purpose?.documentType || !input.purpose?.documentId)
    errors.push({
      path: 'purpose',
      rule: 'ledger.purposeRequired',
      message: 'purpose needs documentType and documentId',
    });
  errors.push(...lineErrors(input.lines));
  if (errors.length) throw problems.validation(errors);
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const hash = contentHash({
    bookId: input.bookId,
    lines: input.lines.map((l) => ({ itemId: l.itemId.toLowerCase(), quantity: new D(l.quantity).toString() })),
    purpose: input.purpose,
    expiresAt: input.expiresAt?.toISOString() ?? null,
  });
  const known = opts.known?.book.id === input.bookId ? opts.known : undefined;
  const book = known?.book ?? (await lockBooks(tx, [input.bookId])).get(input.bookId)!;
  const existing = opts.newId ? null : await load(tx, input.reservationId);
  if (existing) {
    if (existing.row.contentHash !== hash)
      throw idempotencyConflict('reservationId', `Reservation ${input.reservationId}`);
    return view(existing.row, existing.lines);
  }
  assertBookActive(book);
  if (
    input.expiresAt &&
    (!(input.expiresAt instanceof Date) || Number.isNaN(input.expiresAt.getTime()) || input.expiresAt <= now)
  )
    throw problems.field('expiresAt', 'ledger.expiresAtFuture', 'expiresAt must lie in the future');
  // Everything the checks read, after the book's lock, in one round trip; checked in the same order.
  const itemIds = input.lines.map((l) => l.itemId);
  const [ttl, maxLines, items, open, maxOpen, stock] = await together([
    input.expiresAt ? Promise.resolve(null) : getParameter<number>(tx, 'ledger.reservationTtlHours', today),
    getParameter<number>(tx, 'ledger.maxLinesPerDocument', today),
    known ? Promise.resolve(known.items) : loadItems(tx, itemIds),
    tx
      .select({ n: sql<number>`count(*)::int` })
      .from(ledgerReservations)
      .where(and(eq(ledgerReservations.bookId, book.id), eq(ledgerReservations.status, 'OPEN'))),
    getParameter<number>(tx, 'ledger.maxOpenReservationsPerBook', today),
    known ? Promise.resolve(stockStates([...known.accounts.values()], itemIds)) : loadStock(tx, itemIds),
  ] as const);
  const versions: Record<string, number> = {};
  let expiresAt = input.expiresAt;
  if (ttl) {
    versions['ledger.reservationTtlHours'] = ttl.version;
    expiresAt = new Date(now.getTime() + Number(ttl.value) * 3600_000);
  }
  if (input.lines.length > Number(maxLines.value))
    throw problems.field('lines', 'ledger.tooManyLines', `at most ${maxLines.value} lines`);
  itemsOfBook(items, book.id, input.lines, (i) => `lines[${i}].itemId`);
  const n = Number(open[0]?.n ?? 0);
  if (n >= Number(maxOpen.value))
    throw problems.field(
      'bookId',
      'ledger.tooManyOpenReservations',
      `The book already has ${n} open reservations (limit ${maxOpen.value}).`,
    );
  const delta = new Map<string, Dec>();
  input.lines.forEach((l, i) => {
    const s = stock.get(l.itemId)!;
    const q = new D(l.quantity);
    const available = s.onHand.minus(s.reserved);
    if (q.gt(available))
      throw problems.field(
        `lines[${i}].quantity`,
        'ledger.insufficientAvailable',
        `Only ${available.toString()} available, ${q.toString()} asked.`,
      );
    stock.set(l.itemId, { ...s, reserved: s.reserved.plus(q) });
    delta.set(l.itemId, (delta.get(l.itemId) ?? new D(0)).plus(q));
  });
  const row: ReservationRow = {
    id: input.reservationId,
    bookId: book.id,
    status: 'OPEN',
    expiresAt: expiresAt!,
    purposeType: input.purpose.documentType,
    purposeId: input.purpose.documentId,
    contentHash: hash,
    createdBy: actorLabel(input.actor),
    createdAt: now,
    closedAt: null,
    voidReason: null,
  };
  const lines: LineRow[] = input.lines.map((l, i) => ({
    reservationId: row.id,
    lineNo: i,
    itemId: l.itemId,
    reserved: new D(l.quantity).toString(),
    posted: '0',
    released: '0',
  }));
  // The reservation, its lines and the reserved quantities, pipelined (one round trip).
  await together([
    tx.insert(ledgerReservations).values(row),
    tx.insert(ledgerReservationLines).values(lines),
    writeReserved(tx, today, delta),
  ] as const);
  const res = view(row, lines);
  const entry: AuditInput = {
    actor: actorLabel(input.actor),
    action: 'ledger.reserve',
    subject: `ledger-reservation:${row.id}`,
    change: { ...res, parameterVersions: versions },
    at: now,
    partitionKey: auditPartition(book.id),
  };
  const event = typedEvent(LEDGER_EVENTS, 'GoodsReserved', {
    aggregateType: 'ledger',
    aggregateId: book.id,
    payload: eventPayload(res, book),
    occurredAt: now,
  });
  // The entry and the event go with the rest of the command's writes, at its end.
  batch.event(event, batch.audit(entry));
  return res;
}

export interface PostInput {
  postingId: string;
  reservationId: string;
  lines?: GoodsLine[];
  to: PostDestination;
  document: { type: string; id: string };
  releaseRest: boolean;
  actor: Actor;
}

export interface PostResult {
  postingId: string;
  reservation: Reservation;
  movementIds: string[];
}

/**
 * Posting several reservations in one transaction, the way the gate does it for a batch of trucks:
 * the books behind the reservations are locked and the reservations, their lines and their stock
 * read in one round trip (`openPostingSession`); the caller looks at them (`reservation`), then
 * `post` plans every posting against the stock in memory and puts them all in the write batch: their
 * audit entries, one deferred statement for the documents, postings, movements (each carrying its
 * posting's entry's seq, filled at the flush), balances and reservation lines, and their events.
 * A session serves one transaction; what it posted is written when the batch is flushed, and the
 * session (not the database) is what a later posting in it sees.
 */
export interface PostingSession {
  /** The reservation as it stands now, its book locked; null when it does not exist. */
  reservation(id: string): Reservation | null;
  /** Posts in order (a later posting sees what an earlier one took); throws on the first refusal. */
  post(inputs: readonly PostInput[], batch: WriteBatch, opts?: PrepareOptions): Promise<PostResult[]>;
}

export interface PrepareOptions {
  /**
   * The caller minted every postingId in this transaction (the gate, whose own event id is the
   * idempotency key): there is no earlier posting to look up, and the statement doing so is skipped.
   */
  newIds?: boolean;
}

function postInputErrors(input: PostInput): FieldError[] {
  const errors: FieldError[] = [];
  if (!UUID.test(input.postingId ?? ''))
    errors.push({ path: 'postingId', rule: 'ledger.id', message: 'postingId must be a UUID' });
  if (!UUID.test(input.reservationId ?? ''))
    errors.push({ path: 'reservationId', rule: 'ledger.id', message: 'reservationId must be a UUID' });
  if (!POST_DESTINATIONS.includes(input.to))
    errors.push({
      path: 'to',
      rule: 'ledger.postDestination',
      message: `to must be one of ${POST_DESTINATIONS.join(', ')}`,
    });
  if (!input.document?.type || !input.document?.id)
    errors.push({ path: 'document', rule: 'ledger.documentRequired', message: 'document needs type and id' });
  if (input.lines !== undefined) errors.push(...lineErrors(input.lines));
  return errors;
}

const postingHash = (input: PostInput) =>
  contentHash({
    reservationId: input.reservationId,
    lines:
      input.lines?.map((l) => ({ itemId: l.itemId.toLowerCase(), quantity: new D(l.quantity).toString() })) ?? null,
    to: input.to,
    document: input.document,
    releaseRest: input.releaseRest,
  });

/** The session's reads, without the query builder (they run for every batch of gate decisions). */
const sessionRows = {
  books: tableRows(ledgerBooks),
  reservations: tableRows(ledgerReservations),
  lines: tableRows(ledgerReservationLines),
  accounts: tableRows(ledgerAccounts),
};

/**
 * Locks the books behind the reservations (id order) and reads the reservations, their lines and
 * their stock: one round trip. The statements are issued before the first await, so with other
 * reads issued together they travel in the same round trip, in the order issued.
 */
export async function openPostingSession(
  tx: Tx,
  ctx: AppContext,
  reservationIds: readonly string[],
): Promise<PostingSession> {
  const ids = [...new Set(reservationIds.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
  const state = new Map<string, { row: ReservationRow; lines: LineRow[] }>();
  const books = new Map<string, BookRow>();
  let stock = new Map<string, StockState>();
  if (ids.length) {
    const list = anyOf(ids, 'uuid');
    const q = sessionRows;
    // The lock runs first on the connection; the reads after it see what the lock holders committed.
    const [locked, rows, lines, accounts] = await together([
      q.books.select(
        tx,
        sql`select ${q.books.columns} from ${ledgerBooks} where id in (select book_id from ${ledgerReservations}
            where id ${list}) order by id for update`,
      ),
      q.reservations.select(tx, sql`select ${q.reservations.columns} from ${ledgerReservations} where id ${list}`),
      q.lines.select(
        tx,
        sql`select ${q.lines.columns} from ${ledgerReservationLines} where reservation_id ${list} order by line_no`,
      ),
      q.accounts.select(
        tx,
        sql`select ${q.accounts.columns} from ${ledgerAccounts} where kind = 'stock' and item_id in (select
            item_id from ${ledgerReservationLines} where reservation_id ${list})`,
      ),
    ] as const);
    for (const b of locked) books.set(b.id, b);
    for (const r of rows) state.set(r.id, { row: r, lines: lines.filter((l) => l.reservationId === r.id) });
    stock = stockStates(accounts, []);
  }
  const session: PostingSession = {
    reservation: (id) => {
      const r = state.get(id.toLowerCase());
      return r ? view(r.row, [...r.lines]) : null;
    },
    post: async (inputs, batch, opts) => {
      for (const input of inputs) {
        const errors = postInputErrors(input);
        if (errors.length) throw problems.validation(errors);
        if (!state.has(input.reservationId.toLowerCase()))
          throw problems.field(
            'reservationId',
            'ledger.reservationUnknown',
            `Reservation ${input.reservationId} does not exist.`,
          );
      }
      if (!inputs.length) return [];
      const done = new Map(
        opts?.newIds
          ? []
          : (
              await tx
                .select()
                .from(ledgerPostings)
                .where(
                  inArray(
                    ledgerPostings.id,
                    inputs.map((i) => i.postingId),
                  ),
                )
            ).map((p) => [p.id, p]),
      );
      const now = ctx.clock.now();
      const today = shanghaiDate(now);
      const results: PostResult[] = [];
      const planned: Planned[] = [];
      for (const input of inputs) {
        const current = state.get(input.reservationId.toLowerCase())!;
        const hash = postingHash(input);
        const prior = done.get(input.postingId) ?? planned.find((p) => p.input.postingId === input.postingId)?.stored;
        if (prior) {
          if (prior.contentHash !== hash) throw idempotencyConflict('postingId', `Posting ${input.postingId}`);
          results.push({
            postingId: prior.id,
            reservation: view(current.row, [...current.lines]),
            movementIds: prior.movementIds as string[],
          });
          continue;
        }
        const p = planPosting(input, hash, current, books.get(current.row.bookId)!, stock, now);
        state.set(current.row.id, { row: p.row, lines: p.lines });
        planned.push(p);
        results.push({ postingId: input.postingId, reservation: p.reservation, movementIds: p.moves.map((m) => m.id) });
      }
      const audit: AuditRef[] = planned.map((p) =>
        batch.audit({
          actor: actorLabel(p.input.actor),
          action: 'ledger.postReservation',
          subject: `ledger-reservation:${p.row.id}`,
          change: {
            postingId: p.input.postingId,
            reservationId: p.row.id,
            to: p.input.to,
            document: p.input.document,
            releaseRest: p.input.releaseRest,
            movements: p.moves.map((m) => ({ id: m.id, itemId: m.itemId, quantity: m.quantity.toString(), to: m.to })),
            status: p.row.status,
          },
          at: now,
          partitionKey: auditPartition(p.book.id),
        }),
      );
      if (planned.length) deferPostings(tx, batch, planned, audit, today, now);
      planned.forEach((p, k) =>
        batch.event(
          typedEvent(LEDGER_EVENTS, 'ReservationPosted', {
            aggregateType: 'ledger',
            aggregateId: p.book.id,
            payload: {
              ...eventPayload(p.reservation, p.book),
              postingId: p.input.postingId,
              to: p.input.to,
              document: p.input.document,
              posted: p.moves.map((m) => ({ itemId: m.itemId, quantity: m.quantity.toString() })),
            },
            occurredAt: now,
          }),
          audit[k]!,
        ),
      );
      return results;
    },
  };
  return session;
}

interface Planned {
  input: PostInput;
  book: BookRow;
  wanted: GoodsLine[];
  moves: PlannedMove[];
  reservedDelta: Map<string, Dec>;
  row: ReservationRow;
  lines: LineRow[];
  reservation: Reservation;
  /** What the posting row will hold, for a repeated posting id later in the same call. */
  stored: { id: string; contentHash: string; movementIds: string[] };
}

/** One posting planned against the stock in memory (which it updates); throws when the reservation cannot take it. */
function planPosting(
  input: PostInput,
  hash: string,
  current: { row: ReservationRow; lines: LineRow[] },
  book: BookRow,
  stock: Map<string, StockState>,
  now: Date,
): Planned {
  const r = current.row;
  const open = r.status === 'OPEN' && r.expiresAt > now && current.lines.some((l) => remaining(l).gt(0));
  if (!open) {
    const why =
      r.status !== 'OPEN'
        ? `is ${r.status}`
        : r.expiresAt <= now
          ? `expired at ${r.expiresAt.toISOString()}`
          : 'is fully posted';
    throw problems.rule('ledger-reservation-not-open', 'Reservation not open', `Reservation ${r.id} ${why}.`, [
      { path: 'reservationId', rule: 'ledger.reservationNotOpen', message: `the reservation ${why}` },
    ]);
  }
  // What to post from which reservation line: the lines given, allocated over the reservation's lines of that item.
  const left = new Map(current.lines.map((l) => [l.lineNo, remaining(l)]));
  const posted = new Map<number, Dec>();
  const wanted =
    input.lines ??
    current.lines
      .filter((l) => remaining(l).gt(0))
      .map((l) => ({ itemId: l.itemId, quantity: remaining(l).toString() }));
  wanted.forEach((w, i) => {
    let need = new D(w.quantity);
    const candidates = current.lines.filter((l) => l.itemId.toLowerCase() === w.itemId.toLowerCase());
    const total = candidates.reduce((s, l) => s.plus(left.get(l.lineNo)!), new D(0));
    if (need.gt(total)) {
      throw problems.rule(
        'ledger-post-exceeds-reserved',
        'Posting exceeds the reservation',
        `Line ${i} posts ${need.toString()} but only ${total.toString()} remains reserved.`,
        [
          {
            path: `lines[${i}].quantity`,
            rule: 'ledger.postExceedsReserved',
            message: `only ${total.toString()} remains reserved`,
          },
        ],
      );
    }
    for (const l of candidates) {
      if (need.isZero()) break;
      const take = D.min(need, left.get(l.lineNo)!);
      if (take.isZero()) continue;
      left.set(l.lineNo, left.get(l.lineNo)!.minus(take));
      posted.set(l.lineNo, (posted.get(l.lineNo) ?? new D(0)).plus(take));
      need = need.minus(take);
    }
  });
  const byLine = new Map(current.lines.map((l) => [l.lineNo, l]));
  const specs: MoveSpec[] = [...posted.entries()].map(([lineNo, q]) => ({
    bookId: book.id,
    itemId: byLine.get(lineNo)!.itemId,
    from: 'stock',
    to: input.to,
    quantity: q,
    fromReserved: q,
    lineNo,
    path: `lines[${lineNo}].quantity`,
  }));
  for (const s of specs) if (!stock.has(s.itemId)) stock.set(s.itemId, emptyStock());
  const moves = planMoves(stock, specs, now.getTime());
  const reservedDelta = new Map<string, Dec>();
  const released = new Map<number, Dec>();
  if (input.releaseRest) {
    for (const [lineNo, q] of left) {
      if (q.gt(0)) {
        released.set(lineNo, q);
        const itemId = byLine.get(lineNo)!.itemId;
        reservedDelta.set(itemId, (reservedDelta.get(itemId) ?? new D(0)).minus(q));
        const s = stock.get(itemId);
        if (s) stock.set(itemId, { ...s, reserved: s.reserved.minus(q) });
      }
    }
  }
  const lines = current.lines.map((l) => ({
    ...l,
    posted: new D(l.posted).plus(posted.get(l.lineNo) ?? 0).toString(),
    released: new D(l.released).plus(released.get(l.lineNo) ?? 0).toString(),
  }));
  const finished = lines.every((l) => remaining(l).isZero());
  const row: ReservationRow = { ...r, status: finished ? 'POSTED' : 'OPEN', closedAt: finished ? now : null };
  return {
    input,
    book,
    wanted,
    moves,
    reservedDelta,
    row,
    lines,
    reservation: view(row, [...lines]),
    stored: { id: input.postingId, contentHash: hash, movementIds: moves.map((m) => m.id) },
  };
}

/**
 * Every planned posting's document, posting row, movements, balances and reservation lines: one
 * statement, deferred to the batch's flush (each posting's movements carry its entry's seq).
 */
function deferPostings(
  tx: Executor,
  batch: WriteBatch,
  planned: readonly Planned[],
  audit: readonly AuditRef[],
  today: string,
  now: Date,
): void {
  const at = now.toISOString();
  const documents = planned.map((p) => ({
    id: p.input.postingId,
    book_id: p.book.id,
    content_hash: p.stored.contentHash,
    reference: `${p.input.document.type}:${p.input.document.id}`,
    body: {
      reservationId: p.row.id,
      to: p.input.to,
      document: p.input.document,
      releaseRest: p.input.releaseRest,
      lines: p.wanted,
    },
    created_by: actorLabel(p.input.actor),
  }));
  const postings = planned.map((p) => ({
    id: p.input.postingId,
    reservation_id: p.row.id,
    content_hash: p.stored.contentHash,
    to_kind: p.input.to,
    document_type: p.input.document.type,
    document_id: p.input.document.id,
    release_rest: p.input.releaseRest,
    lines: p.wanted,
    movement_ids: p.stored.movementIds,
    created_by: actorLabel(p.input.actor),
  }));
  // A reservation posted twice in one call is written once, with its final state.
  const finalRows = [...new Map(planned.map((p) => [p.row.id, p])).values()];
  const reservations = finalRows.map((p) => ({
    id: p.row.id,
    status: p.row.status,
    closed_at: p.row.closedAt ? p.row.closedAt.toISOString() : null,
  }));
  const lines = finalRows.flatMap((p) =>
    p.lines.map((l) => ({
      reservation_id: l.reservationId,
      line_no: l.lineNo,
      posted: l.posted,
      released: l.released,
    })),
  );
  const reservedDelta = new Map<string, Dec>();
  for (const p of planned)
    for (const [itemId, q] of p.reservedDelta)
      reservedDelta.set(itemId, (reservedDelta.get(itemId) ?? new D(0)).plus(q));
  const prelude: SQL[] = [
    sql`insert into ${ledgerDocuments} (id, book_id, type, status, content_hash, reference, business_date, body,
        created_by, created_at)
        select id, book_id, 'RESERVATION_POSTING', 'POSTED', content_hash, reference, ${today}::date, body,
        created_by, ${at}::timestamptz
        from ${recordset(
          documents,
          'id uuid, book_id uuid, content_hash text, reference text, body jsonb, ' + 'created_by text',
        )}`,
    sql`insert into ${ledgerPostings} (id, reservation_id, content_hash, to_kind, document_type, document_id,
        release_rest, lines, movement_ids, created_by, created_at)
        select id, reservation_id, content_hash, to_kind, document_type, document_id, release_rest, lines,
        movement_ids, created_by, ${at}::timestamptz
        from ${recordset(
          postings,
          'id uuid, reservation_id uuid, content_hash text, to_kind text, document_type ' +
            'text, document_id text, release_rest boolean, lines jsonb, movement_ids jsonb, created_by text',
        )}`,
    sql`update ${ledgerReservations} r set status = v.status, closed_at = v.closed_at from
        ${recordset(reservations, 'id uuid, status text, closed_at timestamptz')} where r.id = v.id`,
    sql`update ${ledgerReservationLines} l set posted = v.posted, released = v.released from
        ${recordset(lines, 'reservation_id uuid, line_no int, posted numeric, released numeric')} where
        l.reservation_id = v.reservation_id and l.line_no = v.line_no`,
  ];
  deferMoveGroups(
    tx,
    batch,
    today,
    planned.map((p, k) => ({
      w: {
        documentId: p.input.postingId,
        documentType: 'RESERVATION_POSTING',
        postingId: p.input.postingId,
        audit: audit[k]!,
        businessDate: today,
        now,
      },
      moves: p.moves,
    })),
    reservedDelta,
    prelude,
  );
}

/**
 * Posts a reservation: moves the posted quantities from stock to `to` (cost at moving average) and,
 * with releaseRest, releases what remains. Cannot fail on balance: the quantity was reserved.
 */
export async function postReservation(
  tx: Tx,
  ctx: AppContext,
  input: PostInput,
  batch: WriteBatch,
): Promise<PostResult> {
  const errors = postInputErrors(input);
  if (errors.length) throw problems.validation(errors);
  const session = await openPostingSession(tx, ctx, [input.reservationId]);
  return (await session.post([input], batch))[0]!;
}

async function saveLines(tx: Executor, row: ReservationRow, lines: LineRow[]): Promise<void> {
  await tx
    .update(ledgerReservations)
    .set({ status: row.status, closedAt: row.closedAt, voidReason: row.voidReason })
    .where(eq(ledgerReservations.id, row.id));
  for (const l of lines) {
    await tx
      .update(ledgerReservationLines)
      .set({ posted: l.posted, released: l.released })
      .where(and(eq(ledgerReservationLines.reservationId, row.id), eq(ledgerReservationLines.lineNo, l.lineNo)));
  }
}

/** Releases what remains and closes the reservation as VOID or EXPIRED. */
async function close(
  tx: Tx,
  ctx: AppContext,
  r: { row: ReservationRow; lines: LineRow[] },
  book: BookRow,
  status: 'VOID' | 'EXPIRED',
  reason: string,
  actor: Actor,
  batch: WriteBatch,
): Promise<Reservation> {
  const now = ctx.clock.now();
  const delta = new Map<string, Dec>();
  const newLines = r.lines.map((l) => {
    const rest = remaining(l);
    if (rest.gt(0)) delta.set(l.itemId, (delta.get(l.itemId) ?? new D(0)).minus(rest));
    return { ...l, released: new D(l.released).plus(rest).toString() };
  });
  const newRow: ReservationRow = { ...r.row, status, closedAt: now, voidReason: reason };
  // Written at once: a later step of the command may read the book (its entry and event wait for the end).
  await writeReserved(tx, shanghaiDate(now), delta);
  await saveLines(tx, newRow, newLines);
  const res = view(newRow, newLines);
  const action = status === 'VOID' ? 'ledger.voidReservation' : 'ledger.expireReservation';
  const audited = batch.audit({
    actor: actorLabel(actor),
    action,
    subject: `ledger-reservation:${r.row.id}`,
    change: {
      reservationId: r.row.id,
      status,
      reason,
      released: [...delta].map(([itemId, q]) => ({ itemId, quantity: q.neg().toString() })),
    },
    at: now,
    partitionKey: auditPartition(book.id),
  });
  batch.event(
    typedEvent(LEDGER_EVENTS, status === 'VOID' ? 'ReservationVoided' : 'ReservationExpired', {
      aggregateType: 'ledger',
      aggregateId: book.id,
      payload: { ...eventPayload(res, book), reason },
      occurredAt: now,
    }),
    audited,
  );
  return res;
}

/**
 * Voids a reservation, releasing what remains; idempotent when already void, a no-op on an expired one; a posted
 * one is `ledger.reservationNotOpen`.
 */
export async function voidReservation(
  tx: Tx,
  ctx: AppContext,
  input: { reservationId: string; reason: string; actor: Actor },
  batch: WriteBatch,
): Promise<Reservation> {
  const first = await load(tx, input.reservationId);
  if (!first)
    throw problems.field(
      'reservationId',
      'ledger.reservationUnknown',
      `Reservation ${input.reservationId} does not exist.`,
    );
  const book = (await lockBooks(tx, [first.row.bookId])).get(first.row.bookId)!;
  const r = (await load(tx, input.reservationId))!;
  // Already void, or expired (which released everything already): nothing left to void, so a
  // cancelled declaration's clean-up never fails on a reservation that ran out meanwhile.
  if (r.row.status === 'VOID' || r.row.status === 'EXPIRED') return view(r.row, r.lines);
  if (r.row.status !== 'OPEN') {
    throw problems.rule(
      'ledger-reservation-not-open',
      'Reservation not open',
      `Reservation ${r.row.id} is ${r.row.status}.`,
      [{ path: 'reservationId', rule: 'ledger.reservationNotOpen', message: `the reservation is ${r.row.status}` }],
    );
  }
  return close(tx, ctx, r, book, 'VOID', input.reason || 'voided', input.actor, batch);
}

/** Expires one reservation if it is still open and past its time; returns whether it did. */
export async function expireReservationTx(
  tx: Tx,
  ctx: AppContext,
  reservationId: string,
  batch: WriteBatch,
): Promise<boolean> {
  const first = await load(tx, reservationId);
  if (!first) return false;
  const book = (await lockBooks(tx, [first.row.bookId])).get(first.row.bookId)!;
  const r = (await load(tx, reservationId))!;
  if (r.row.status !== 'OPEN' || r.row.expiresAt > ctx.clock.now()) return false;
  await close(
    tx,
    ctx,
    r,
    book,
    'EXPIRED',
    `not posted by ${r.row.expiresAt.toISOString()}`,
    systemActor('ledger-expiry'),
    batch,
  );
  return true;
}

/** The expiry sweep: every open reservation past its time, each in its own command. */
export async function expireReservations(
  ctx: AppContext,
  opts: { limit?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ expired: number }> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .select({ id: ledgerReservations.id })
    .from(ledgerReservations)
    .where(and(eq(ledgerReservations.status, 'OPEN'), lte(ledgerReservations.expiresAt, now)))
    .orderBy(asc(ledgerReservations.expiresAt))
    .limit(opts.limit ?? 100_000);
  let expired = 0;
  for (const [i, d] of due.entries()) {
    if (await runCommand(ctx, 'ledger.expireReservation', (tx, batch) => expireReservationTx(tx, ctx, d.id, batch)))
      expired++;
    opts.onProgress?.(i + 1, due.length);
  }
  return { expired };
}

/** Reservations of a book, newest first (for the portal). */
export async function listReservations(ex: Executor, bookId: string, status?: string) {
  const rows = await ex
    .select()
    .from(ledgerReservations)
    .where(
      status
        ? and(eq(ledgerReservations.bookId, bookId), eq(ledgerReservations.status, status))
        : eq(ledgerReservations.bookId, bookId),
    )
    .orderBy(sql`${ledgerReservations.createdAt} desc`)
    .limit(200);
  const out: Reservation[] = [];
  for (const r of rows) out.push((await getReservation(ex, r.id))!);
  return out;
}
