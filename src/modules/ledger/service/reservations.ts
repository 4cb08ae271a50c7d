/**
 * Two-phase reservations (预核扣 -> 已核扣), like a ledger's pending transfers: the balance is checked
 * when the reservation is made, so posting it at the gate can never fail on balance; a partial post
 * may release the rest; void and expiry release what is still reserved.
 */
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor, Tx } from '../../../platform/db/client.ts';
import { runCommand } from '../../../platform/command.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { getParameter } from '../../../platform/parameters/service.ts';
import { actorLabel, systemActor, type Actor } from '../../../platform/auth/roles.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { problems, type FieldError } from '../../../kernel/problem.ts';
import { ledgerDocuments, ledgerPostings, ledgerReservationLines, ledgerReservations } from '../schema.ts';
import { D, POST_DESTINATIONS, quantityViolation, type Dec, type PostDestination } from '../rules.ts';
import { assertBookActive, auditPartition, contentHash, idempotencyConflict, itemsOfBook, loadItems, loadStock, lockBooks, planMoves, plainQty, writeMoves, type BookRow, type MoveSpec } from './core.ts';

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
    lines: lines.sort((a, b) => a.lineNo - b.lineNo).map((l) => ({ itemId: l.itemId, reserved: plainQty(l.reserved), posted: plainQty(l.posted), released: plainQty(l.released) })),
  };
}

const remaining = (l: LineRow): Dec => new D(l.reserved).minus(l.posted).minus(l.released);

async function load(ex: Executor, id: string): Promise<{ row: ReservationRow; lines: LineRow[] } | null> {
  if (!UUID.test(id)) return null;
  const [row] = await ex.select().from(ledgerReservations).where(eq(ledgerReservations.id, id)).limit(1);
  if (!row) return null;
  const lines = await ex.select().from(ledgerReservationLines).where(eq(ledgerReservationLines.reservationId, id)).orderBy(asc(ledgerReservationLines.lineNo));
  return { row, lines };
}

export async function getReservation(ex: Executor, reservationId: string): Promise<Reservation | null> {
  const r = await load(ex, reservationId);
  return r ? view(r.row, r.lines) : null;
}

function eventPayload(res: Reservation, book: BookRow) {
  return { reservationId: res.id, bookId: res.bookId, enterpriseId: book.enterpriseId, purpose: res.purpose, lines: res.lines };
}

function lineErrors(lines: readonly GoodsLine[]): FieldError[] {
  const errors: FieldError[] = [];
  if (!Array.isArray(lines) || lines.length === 0) errors.push({ path: 'lines', rule: 'ledger.linesRequired', message: 'at least one line is required' });
  (lines ?? []).forEach((l, i) => {
    if (!UUID.test(l.itemId ?? '')) errors.push({ path: `lines[${i}].itemId`, rule: 'ledger.itemUnknown', message: 'itemId must be a ledger item UUID' });
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

/** Reserves quantity on a book; the first line short of available stock fails the whole reservation. */
export async function reserveGoods(tx: Tx, ctx: AppContext, input: ReserveInput): Promise<Reservation> {
  const errors: FieldError[] = [];
  if (!UUID.test(input.reservationId ?? '')) errors.push({ path: 'reservationId', rule: 'ledger.id', message: 'reservationId must be a UUID' });
  if (!input.purpose?.documentType || !input.purpose?.documentId) errors.push({ path: 'purpose', rule: 'ledger.purposeRequired', message: 'purpose needs documentType and documentId' });
  errors.push(...lineErrors(input.lines));
  if (errors.length) throw problems.validation(errors);
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const hash = contentHash({ bookId: input.bookId, lines: input.lines.map((l) => ({ itemId: l.itemId.toLowerCase(), quantity: new D(l.quantity).toString() })), purpose: input.purpose, expiresAt: input.expiresAt?.toISOString() ?? null });
  const book = (await lockBooks(tx, [input.bookId])).get(input.bookId)!;
  const existing = await load(tx, input.reservationId);
  if (existing) {
    if (existing.row.contentHash !== hash) throw idempotencyConflict('reservationId', `Reservation ${input.reservationId}`);
    return view(existing.row, existing.lines);
  }
  assertBookActive(book);
  let expiresAt = input.expiresAt;
  const versions: Record<string, number> = {};
  if (!expiresAt) {
    const ttl = await getParameter<number>(tx, 'ledger.reservationTtlHours', today);
    versions['ledger.reservationTtlHours'] = ttl.version;
    expiresAt = new Date(now.getTime() + Number(ttl.value) * 3600_000);
  } else if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime()) || expiresAt <= now) {
    throw problems.field('expiresAt', 'ledger.expiresAtFuture', 'expiresAt must lie in the future');
  }
  const maxLines = await getParameter<number>(tx, 'ledger.maxLinesPerDocument', today);
  if (input.lines.length > Number(maxLines.value)) throw problems.field('lines', 'ledger.tooManyLines', `at most ${maxLines.value} lines`);
  const items = await loadItems(tx, input.lines.map((l) => l.itemId));
  itemsOfBook(items, book.id, input.lines, (i) => `lines[${i}].itemId`);
  const [{ n }] = (await tx.select({ n: sql<number>`count(*)::int` }).from(ledgerReservations).where(and(eq(ledgerReservations.bookId, book.id), eq(ledgerReservations.status, 'OPEN')))) as [{ n: number }];
  const maxOpen = await getParameter<number>(tx, 'ledger.maxOpenReservationsPerBook', today);
  if (Number(n) >= Number(maxOpen.value)) throw problems.field('bookId', 'ledger.tooManyOpenReservations', `The book already has ${n} open reservations (limit ${maxOpen.value}).`);
  const stock = await loadStock(tx, input.lines.map((l) => l.itemId));
  const delta = new Map<string, Dec>();
  input.lines.forEach((l, i) => {
    const s = stock.get(l.itemId)!;
    const q = new D(l.quantity);
    const available = s.onHand.minus(s.reserved);
    if (q.gt(available)) throw problems.field(`lines[${i}].quantity`, 'ledger.insufficientAvailable', `Only ${available.toString()} available, ${q.toString()} asked.`);
    stock.set(l.itemId, { ...s, reserved: s.reserved.plus(q) });
    delta.set(l.itemId, (delta.get(l.itemId) ?? new D(0)).plus(q));
  });
  const row: ReservationRow = { id: input.reservationId, bookId: book.id, status: 'OPEN', expiresAt, purposeType: input.purpose.documentType, purposeId: input.purpose.documentId, contentHash: hash, createdBy: actorLabel(input.actor), createdAt: now, closedAt: null, voidReason: null };
  const lines: LineRow[] = input.lines.map((l, i) => ({ reservationId: row.id, lineNo: i, itemId: l.itemId, reserved: new D(l.quantity).toString(), posted: '0', released: '0' }));
  await tx.insert(ledgerReservations).values(row);
  await tx.insert(ledgerReservationLines).values(lines);
  await writeMoves(tx, { documentId: row.id, documentType: 'RESERVATION', auditSeq: 0, businessDate: today, now }, [], delta);
  const res = view(row, lines);
  const { seq } = await appendAudit(tx, { actor: actorLabel(input.actor), action: 'ledger.reserve', subject: `ledger-reservation:${row.id}`, change: { ...res, parameterVersions: versions }, at: now, partitionKey: auditPartition(book.id) });
  await enqueueEvents(tx, [{ aggregateType: 'ledger', aggregateId: book.id, eventType: 'GoodsReserved', payload: eventPayload(res, book), occurredAt: now, auditSeq: seq }]);
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

/**
 * Posts a reservation: moves the posted quantities from stock to `to` (cost at moving average) and,
 * with releaseRest, releases what remains. Cannot fail on balance: the quantity was reserved.
 */
export async function postReservation(tx: Tx, ctx: AppContext, input: PostInput): Promise<{ postingId: string; reservation: Reservation; movementIds: string[] }> {
  const errors: FieldError[] = [];
  if (!UUID.test(input.postingId ?? '')) errors.push({ path: 'postingId', rule: 'ledger.id', message: 'postingId must be a UUID' });
  if (!UUID.test(input.reservationId ?? '')) errors.push({ path: 'reservationId', rule: 'ledger.id', message: 'reservationId must be a UUID' });
  if (!POST_DESTINATIONS.includes(input.to)) errors.push({ path: 'to', rule: 'ledger.postDestination', message: `to must be one of ${POST_DESTINATIONS.join(', ')}` });
  if (!input.document?.type || !input.document?.id) errors.push({ path: 'document', rule: 'ledger.documentRequired', message: 'document needs type and id' });
  if (input.lines !== undefined) errors.push(...lineErrors(input.lines));
  if (errors.length) throw problems.validation(errors);
  const first = await load(tx, input.reservationId);
  if (!first) throw problems.field('reservationId', 'ledger.reservationUnknown', `Reservation ${input.reservationId} does not exist.`);
  const book = (await lockBooks(tx, [first.row.bookId])).get(first.row.bookId)!;
  const hash = contentHash({ reservationId: input.reservationId, lines: input.lines?.map((l) => ({ itemId: l.itemId.toLowerCase(), quantity: new D(l.quantity).toString() })) ?? null, to: input.to, document: input.document, releaseRest: input.releaseRest });
  const [done] = await tx.select().from(ledgerPostings).where(eq(ledgerPostings.id, input.postingId)).limit(1);
  const current = (await load(tx, input.reservationId))!;
  if (done) {
    if (done.contentHash !== hash) throw idempotencyConflict('postingId', `Posting ${input.postingId}`);
    return { postingId: done.id, reservation: view(current.row, current.lines), movementIds: done.movementIds as string[] };
  }
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const r = current.row;
  const open = r.status === 'OPEN' && r.expiresAt > now && current.lines.some((l) => remaining(l).gt(0));
  if (!open) {
    const why = r.status !== 'OPEN' ? `is ${r.status}` : r.expiresAt <= now ? `expired at ${r.expiresAt.toISOString()}` : 'is fully posted';
    throw problems.rule('ledger-reservation-not-open', 'Reservation not open', `Reservation ${r.id} ${why}.`, [{ path: 'reservationId', rule: 'ledger.reservationNotOpen', message: `the reservation ${why}` }]);
  }
  // What to post from which reservation line: the lines given, allocated over the reservation's lines of that item.
  const left = new Map(current.lines.map((l) => [l.lineNo, remaining(l)]));
  const posted = new Map<number, Dec>();
  const wanted = input.lines ?? current.lines.filter((l) => remaining(l).gt(0)).map((l) => ({ itemId: l.itemId, quantity: remaining(l).toString() }));
  wanted.forEach((w, i) => {
    let need = new D(w.quantity);
    const candidates = current.lines.filter((l) => l.itemId.toLowerCase() === w.itemId.toLowerCase());
    const total = candidates.reduce((s, l) => s.plus(left.get(l.lineNo)!), new D(0));
    if (need.gt(total)) {
      throw problems.rule('ledger-post-exceeds-reserved', 'Posting exceeds the reservation', `Line ${i} posts ${need.toString()} but only ${total.toString()} remains reserved.`, [
        { path: `lines[${i}].quantity`, rule: 'ledger.postExceedsReserved', message: `only ${total.toString()} remains reserved` },
      ]);
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
  const specs: MoveSpec[] = [...posted.entries()].map(([lineNo, q]) => ({ bookId: book.id, itemId: byLine.get(lineNo)!.itemId, from: 'stock', to: input.to, quantity: q, fromReserved: q, lineNo, path: `lines[${lineNo}].quantity` }));
  const stock = await loadStock(tx, specs.map((s) => s.itemId));
  const moves = planMoves(stock, specs, now.getTime());
  const released = new Map<number, Dec>();
  const reservedDelta = new Map<string, Dec>();
  if (input.releaseRest) {
    for (const [lineNo, q] of left) {
      if (q.gt(0)) {
        released.set(lineNo, q);
        const itemId = byLine.get(lineNo)!.itemId;
        reservedDelta.set(itemId, (reservedDelta.get(itemId) ?? new D(0)).minus(q));
      }
    }
  }
  const newLines = current.lines.map((l) => ({ ...l, posted: new D(l.posted).plus(posted.get(l.lineNo) ?? 0).toString(), released: new D(l.released).plus(released.get(l.lineNo) ?? 0).toString() }));
  const finished = newLines.every((l) => remaining(l).isZero());
  const newRow: ReservationRow = { ...r, status: finished ? 'POSTED' : 'OPEN', closedAt: finished ? now : null };
  const res = view(newRow, newLines);
  const movementIds = moves.map((m) => m.id);
  const { seq } = await appendAudit(tx, {
    actor: actorLabel(input.actor),
    action: 'ledger.postReservation',
    subject: `ledger-reservation:${r.id}`,
    change: { postingId: input.postingId, reservationId: r.id, to: input.to, document: input.document, releaseRest: input.releaseRest, movements: moves.map((m) => ({ id: m.id, itemId: m.itemId, quantity: m.quantity.toString(), to: m.to })), status: newRow.status },
    at: now,
    partitionKey: auditPartition(book.id),
  });
  await tx.insert(ledgerDocuments).values({
    id: input.postingId,
    bookId: book.id,
    type: 'RESERVATION_POSTING',
    status: 'POSTED',
    contentHash: hash,
    reference: `${input.document.type}:${input.document.id}`,
    businessDate: today,
    body: { reservationId: r.id, to: input.to, document: input.document, releaseRest: input.releaseRest, lines: wanted },
    createdBy: actorLabel(input.actor),
    createdAt: now,
  });
  await writeMoves(tx, { documentId: input.postingId, documentType: 'RESERVATION_POSTING', postingId: input.postingId, auditSeq: seq, businessDate: today, now }, moves, reservedDelta);
  await tx.insert(ledgerPostings).values({ id: input.postingId, reservationId: r.id, contentHash: hash, toKind: input.to, documentType: input.document.type, documentId: input.document.id, releaseRest: input.releaseRest, lines: wanted, movementIds, createdBy: actorLabel(input.actor), createdAt: now });
  await saveLines(tx, newRow, newLines);
  await enqueueEvents(tx, [{ aggregateType: 'ledger', aggregateId: book.id, eventType: 'ReservationPosted', payload: { ...eventPayload(res, book), postingId: input.postingId, to: input.to, document: input.document, posted: moves.map((m) => ({ itemId: m.itemId, quantity: m.quantity.toString() })) }, occurredAt: now, auditSeq: seq }]);
  return { postingId: input.postingId, reservation: res, movementIds };
}

async function saveLines(tx: Executor, row: ReservationRow, lines: LineRow[]): Promise<void> {
  await tx.update(ledgerReservations).set({ status: row.status, closedAt: row.closedAt, voidReason: row.voidReason }).where(eq(ledgerReservations.id, row.id));
  for (const l of lines) {
    await tx.update(ledgerReservationLines).set({ posted: l.posted, released: l.released }).where(and(eq(ledgerReservationLines.reservationId, row.id), eq(ledgerReservationLines.lineNo, l.lineNo)));
  }
}

/** Releases what remains and closes the reservation as VOID or EXPIRED. */
async function close(tx: Tx, ctx: AppContext, r: { row: ReservationRow; lines: LineRow[] }, book: BookRow, status: 'VOID' | 'EXPIRED', reason: string, actor: Actor): Promise<Reservation> {
  const now = ctx.clock.now();
  const delta = new Map<string, Dec>();
  const newLines = r.lines.map((l) => {
    const rest = remaining(l);
    if (rest.gt(0)) delta.set(l.itemId, (delta.get(l.itemId) ?? new D(0)).minus(rest));
    return { ...l, released: new D(l.released).plus(rest).toString() };
  });
  const newRow: ReservationRow = { ...r.row, status, closedAt: now, voidReason: reason };
  await writeMoves(tx, { documentId: r.row.id, documentType: 'RESERVATION', auditSeq: 0, businessDate: shanghaiDate(now), now }, [], delta);
  await saveLines(tx, newRow, newLines);
  const res = view(newRow, newLines);
  const action = status === 'VOID' ? 'ledger.voidReservation' : 'ledger.expireReservation';
  const { seq } = await appendAudit(tx, { actor: actorLabel(actor), action, subject: `ledger-reservation:${r.row.id}`, change: { reservationId: r.row.id, status, reason, released: [...delta].map(([itemId, q]) => ({ itemId, quantity: q.neg().toString() })) }, at: now, partitionKey: auditPartition(book.id) });
  await enqueueEvents(tx, [{ aggregateType: 'ledger', aggregateId: book.id, eventType: status === 'VOID' ? 'ReservationVoided' : 'ReservationExpired', payload: { ...eventPayload(res, book), reason }, occurredAt: now, auditSeq: seq }]);
  return res;
}

/** Voids a reservation, releasing what remains; idempotent when already void, a no-op on an expired one; a posted one is `ledger.reservationNotOpen`. */
export async function voidReservation(tx: Tx, ctx: AppContext, input: { reservationId: string; reason: string; actor: Actor }): Promise<Reservation> {
  const first = await load(tx, input.reservationId);
  if (!first) throw problems.field('reservationId', 'ledger.reservationUnknown', `Reservation ${input.reservationId} does not exist.`);
  const book = (await lockBooks(tx, [first.row.bookId])).get(first.row.bookId)!;
  const r = (await load(tx, input.reservationId))!;
  // Already void, or expired (which released everything already): nothing left to void, so a
  // cancelled declaration's clean-up never fails on a reservation that ran out meanwhile.
  if (r.row.status === 'VOID' || r.row.status === 'EXPIRED') return view(r.row, r.lines);
  if (r.row.status !== 'OPEN') {
    throw problems.rule('ledger-reservation-not-open', 'Reservation not open', `Reservation ${r.row.id} is ${r.row.status}.`, [{ path: 'reservationId', rule: 'ledger.reservationNotOpen', message: `the reservation is ${r.row.status}` }]);
  }
  return close(tx, ctx, r, book, 'VOID', input.reason || 'voided', input.actor);
}

/** Expires one reservation if it is still open and past its time; returns whether it did. */
export async function expireReservationTx(tx: Tx, ctx: AppContext, reservationId: string): Promise<boolean> {
  const first = await load(tx, reservationId);
  if (!first) return false;
  const book = (await lockBooks(tx, [first.row.bookId])).get(first.row.bookId)!;
  const r = (await load(tx, reservationId))!;
  if (r.row.status !== 'OPEN' || r.row.expiresAt > ctx.clock.now()) return false;
  await close(tx, ctx, r, book, 'EXPIRED', `not posted by ${r.row.expiresAt.toISOString()}`, systemActor('ledger-expiry'));
  return true;
}

/** The expiry sweep: every open reservation past its time, each in its own command. */
export async function expireReservations(ctx: AppContext, opts: { limit?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<{ expired: number }> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .select({ id: ledgerReservations.id })
    .from(ledgerReservations)
    .where(and(eq(ledgerReservations.status, 'OPEN'), lte(ledgerReservations.expiresAt, now)))
    .orderBy(asc(ledgerReservations.expiresAt))
    .limit(opts.limit ?? 100_000);
  let expired = 0;
  for (const [i, d] of due.entries()) {
    if (await runCommand(ctx, 'ledger.expireReservation', (tx) => expireReservationTx(tx, ctx, d.id))) expired++;
    opts.onProgress?.(i + 1, due.length);
  }
  return { expired };
}

/** Reservations of a book, newest first (for the portal). */
export async function listReservations(ex: Executor, bookId: string, status?: string) {
  const rows = await ex
    .select()
    .from(ledgerReservations)
    .where(status ? and(eq(ledgerReservations.bookId, bookId), eq(ledgerReservations.status, status)) : eq(ledgerReservations.bookId, bookId))
    .orderBy(sql`${ledgerReservations.createdAt} desc`)
    .limit(200);
  const out: Reservation[] = [];
  for (const r of rows) out.push((await getReservation(ex, r.id))!);
  return out;
}
