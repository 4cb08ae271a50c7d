/**
 * The second phase of a sale: confirm (the sale itself: held quota becomes used, every unit gets its
 * traceability code) or cancel (the held quota goes back). Each locks the reservation row first,
 * then the quota row, then the audit head (the order of reserve.ts).
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { runCommand } from '../../../platform/command.ts';
import type { WriteBatch } from '../../../platform/writeBatch.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { DUTYFREE_EVENTS } from '../events.ts';
import { queryRows, together, type Tx } from '../../../platform/db/client.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { problems } from '../../../kernel/problem.ts';
import { money } from '../rules.ts';
import { newTraceCode } from '../traceCode.ts';
import { decideInGroup } from './group.ts';
import { lockReservation, writeConfirmation, type CodeRow } from './settleStatements.ts';
import {
  actingShop,
  AGGREGATE,
  assertShopVisible,
  auditWithEvent,
  buyerAuditKey,
  type ItemRow,
  type ReservationRow,
} from './store.ts';
import { dutyfreeCodes, dutyfreeQuotas, dutyfreeReservations } from '../schema.ts';

export interface LineCodes {
  lineNo: number;
  sku: string;
  codes: string[];
}

export interface SettleAnswer {
  reservationId: string;
  status: 'CONFIRMED' | 'CANCELLED';
  codes?: LineCodes[];
}

/** Confirming what is not open, or cancelling what was sold or expired: a 409 saying what to do instead. */
function closedProblem(r: ReservationRow, wanted: 'confirm' | 'cancel') {
  const state =
    r.status === 'RESERVED' || r.status === 'EXPIRED'
      ? `expired at ${r.expiresAt.toISOString()}`
      : `was ${r.status.toLowerCase()}`;
  const then =
    wanted === 'confirm'
      ? 'sell again with a new reservation'
      : r.status === 'CONFIRMED'
        ? 'record a return instead'
        : 'its quota was already released';
  const status = r.status === 'RESERVED' ? 'EXPIRED' : r.status;
  return problems.conflict(`Reservation ${r.id} ${state}; ${then}.`, { rule: 'dutyfree.reservationClosed', status });
}

async function codesOf(tx: Tx, reservationId: string, items: ItemRow[]): Promise<LineCodes[]> {
  const rows = await queryRows<{ line_no: number; code: string }>(
    tx,
    sql`select line_no, code from ${dutyfreeCodes} where reservation_id = ${reservationId} order by line_no, unit_no`,
  );
  return items.map((i) => ({
    lineNo: i.lineNo,
    sku: i.sku,
    codes: rows.filter((r) => Number(r.line_no) === i.lineNo).map((r) => r.code),
  }));
}

async function lockForSettling(tx: Tx, id: string, shop: string | null) {
  // One statement for the group's reservations (locked in id order) and one for their lines.
  const { r, items } = await lockReservation(tx, id);
  if (!r) throw problems.notFound(`Reservation ${id}`);
  assertShopVisible(shop, r);
  return { r, items };
}

async function confirmIn(
  tx: Tx,
  batch: WriteBatch,
  actor: Actor,
  id: string,
  shop: string | null,
  now: Date,
): Promise<SettleAnswer> {
  const { r, items } = await lockForSettling(tx, id, shop);
  if (r.status === 'CONFIRMED')
    return { reservationId: r.id, status: 'CONFIRMED', codes: await codesOf(tx, r.id, items) };
  if (r.status !== 'RESERVED' || r.expiresAt <= now) throw closedProblem(r, 'confirm');
  const units = items.reduce((n, i) => n + i.quantity, 0);
  const random = randomBytes(13 * units);
  let k = 0;
  const codes: LineCodes[] = items.map((i) => ({
    lineNo: i.lineNo,
    sku: i.sku,
    codes: Array.from({ length: i.quantity }, () => newTraceCode(random.subarray(13 * k, 13 * ++k))),
  }));
  const codeRows: CodeRow[] = items.flatMap((i, n) =>
    codes[n]!.codes.map((code, unitNo) => ({
      code,
      reservation_id: r.id,
      line_no: i.lineNo,
      unit_no: unitNo + 1,
      buyer_id: r.buyerId,
      shop_code: r.shopCode,
      trip_id: r.tripId,
      collection: r.collection,
      category: i.category,
      sold_at: now.toISOString(),
    })),
  );
  const change = {
    reservationId: r.id,
    buyerId: r.buyerId,
    shop: r.shopCode,
    amount: money(r.amount),
    quotaYear: r.quotaYear,
    codes,
  };
  const payload = {
    reservationId: r.id,
    buyerId: r.buyerId,
    shop: r.shopCode,
    tripId: r.tripId,
    quotaYear: r.quotaYear,
    purchaseDate: r.purchaseDate,
    collection: r.collection,
    amount: money(r.amount),
    units,
    categories: [...new Set(items.map((i) => i.category))],
  };
  // The writes in one round trip, one statement each for the group's confirmations that reach this step
  // together (settleStatements.ts); the audit entry and the event go to the command's write batch,
  // appended after every write of the transaction (the lock order: the audit heads last), one append
  // for a whole group (group.ts).
  await writeConfirmation(tx, { r, now, codes: codeRows });
  const entry = batch.audit({
    actor: actorLabel(actor),
    action: 'dutyfree.confirm',
    subject: `dutyfree-reservation:${r.id}`,
    change,
    at: now,
    partitionKey: buyerAuditKey(r.buyerId),
  });
  batch.event(
    typedEvent(DUTYFREE_EVENTS, 'DutyFreeConfirmed', {
      aggregateType: AGGREGATE,
      aggregateId: r.buyerId,
      payload,
      occurredAt: now,
    }),
    entry,
  );
  return { reservationId: r.id, status: 'CONFIRMED', codes };
}

async function cancelIn(tx: Tx, actor: Actor, id: string, shop: string | null, now: Date): Promise<SettleAnswer> {
  const { r } = await lockForSettling(tx, id, shop);
  if (r.status === 'CANCELLED') return { reservationId: r.id, status: 'CANCELLED' };
  // An open reservation past its time not yet swept is still the till's to cancel: the quota goes back either way.
  if (r.status !== 'RESERVED') throw closedProblem(r, 'cancel');
  const change = {
    reservationId: r.id,
    buyerId: r.buyerId,
    shop: r.shopCode,
    amount: money(r.amount),
    quotaYear: r.quotaYear,
  };
  await together([
    tx.execute(
      sql`update ${dutyfreeReservations} set status = 'CANCELLED', closed_at = ${now.toISOString()} where id = ${r.id}`,
    ),
    tx.execute(
      sql`update ${dutyfreeQuotas} set reserved = reserved - ${r.amount}, updated_at = ${now.toISOString()}
          where buyer_id = ${r.buyerId} and year = ${r.quotaYear}`,
    ),
    auditWithEvent(
      tx,
      {
        actor: actorLabel(actor),
        action: 'dutyfree.cancel',
        subject: `dutyfree-reservation:${r.id}`,
        change,
        at: now,
        partitionKey: buyerAuditKey(r.buyerId),
      },
      typedEvent(DUTYFREE_EVENTS, 'DutyFreeCancelled', {
        aggregateType: AGGREGATE,
        aggregateId: r.buyerId,
        payload: change,
        occurredAt: now,
      }),
    ),
  ] as const);
  return { reservationId: r.id, status: 'CANCELLED' };
}

interface ConfirmItem {
  actor: Actor;
  id: string;
  shop: string | null;
  now: Date;
}

const decideConfirm = (tx: Tx, batch: WriteBatch, i: ConfirmItem) => confirmIn(tx, batch, i.actor, i.id, i.shop, i.now);

/** Confirms a sale (idempotent: a confirmed one answers again with its codes); cancelled or expired is a 409. */
export async function confirm(ctx: AppContext, actor: Actor, id: string): Promise<SettleAnswer> {
  const shop = await actingShop(ctx, actor);
  // Confirmations of different reservations share a transaction (group.ts).
  const item = { actor, id, shop, now: ctx.clock.now() };
  return decideInGroup(ctx, 'dutyfree.confirm', decideConfirm, item, [`reservation:${id}`], id);
}

/** Cancels an open reservation (idempotent); a confirmed or expired one is a 409. */
export async function cancel(ctx: AppContext, actor: Actor, id: string): Promise<SettleAnswer> {
  const shop = await actingShop(ctx, actor);
  return runCommand(ctx, 'dutyfree.cancel', (tx) => cancelIn(tx, actor, id, shop, ctx.clock.now()));
}
