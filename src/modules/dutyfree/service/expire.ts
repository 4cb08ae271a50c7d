/**
 * Expiry: quota held by a reservation that was neither confirmed nor cancelled in time goes back to
 * the buyer. A till that crashed between reserve and confirm loses nothing: its reservation is
 * expired here (by the sweep, or by the buyer's next reservation) or confirmed before its time,
 * exactly once, because both take the reservation's row lock and look at its status again.
 */
import { sql } from 'drizzle-orm';
import { wholeNumber } from '../../../kernel/wholeNumber.ts';
import type { AppContext } from '../../../platform/context.ts';
import { runCommand } from '../../../platform/command.ts';
import { queryRows, type Tx } from '../../../platform/db/client.ts';
import { appendAuditMany } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { DUTYFREE_EVENTS } from '../events.ts';
import { money } from '../rules.ts';
import { AGGREGATE, buyerAuditKey } from './store.ts';
import { dutyfreeQuotas, dutyfreeReservations } from '../schema.ts';

/** Reservations expired per transaction by the sweep. */
export const EXPIRY_BATCH = 500;

interface Expired {
  id: string;
  buyerId: string;
  quotaYear: number;
  amount: string;
  shop: string;
  expiresAt: string;
}

/**
 * Expires open reservations past their time (of one buyer, or any), gives their quota back, and
 * appends an audit entry and a `DutyFreeExpired` event for each. Rows another transaction holds
 * (a confirm under way) are skipped: that transaction decides them. Returns how many expired.
 */
export async function expireOverdue(
  tx: Tx,
  ctx: AppContext,
  opts: { now: Date; buyerId?: string; limit?: number },
): Promise<number> {
  const now = opts.now.toISOString();
  const byBuyer = opts.buyerId ? sql`and buyer_id = ${opts.buyerId}` : sql``;
  const expired = await queryRows<Expired>(
    tx,
    sql`with expired as (
          update ${dutyfreeReservations} r set status = 'EXPIRED', closed_at = ${now}
          where r.id in (
              select id from ${dutyfreeReservations}
              where status = 'RESERVED' and expires_at <= ${now} ${byBuyer}
              order by expires_at limit ${opts.limit ?? EXPIRY_BATCH}
              for update skip locked)
            and r.status = 'RESERVED'
          returning r.id, r.buyer_id, r.quota_year, r.amount, r.shop_code, r.expires_at),
        totals as (select buyer_id, quota_year, sum(amount) as total from expired group by buyer_id, quota_year),
        released as (
          update ${dutyfreeQuotas} q set reserved = q.reserved - t.total, updated_at = ${now}
          from totals t where q.buyer_id = t.buyer_id and q.year = t.quota_year
          returning q.buyer_id)
        select e.id, e.buyer_id as "buyerId", e.quota_year as "quotaYear", e.amount::text as amount,
          e.shop_code as shop,
               e.expires_at::text as "expiresAt", (select count(*) from released) as released
        from expired e order by e.id`,
  );
  if (expired.length === 0) return 0;
  const audit = expired.map((e) => ({
    actor: 'system:dutyfree-expiry',
    action: 'dutyfree.expire',
    subject: `dutyfree-reservation:${e.id}`,
    change: {
      reservationId: e.id,
      buyerId: e.buyerId,
      shop: e.shop,
      quotaYear: wholeNumber(e.quotaYear, 'quotaYear'),
      amount: money(e.amount),
      expiresAt: e.expiresAt,
    },
    at: opts.now,
    partitionKey: buyerAuditKey(e.buyerId),
  }));
  await appendAuditMany(tx, audit, (entries) =>
    enqueueEvents(
      tx,
      expired.map((e, i) =>
        typedEvent(DUTYFREE_EVENTS, 'DutyFreeExpired', {
          aggregateType: AGGREGATE,
          aggregateId: e.buyerId,
          payload: {
            reservationId: e.id,
            buyerId: e.buyerId,
            shop: e.shop,
            quotaYear: wholeNumber(e.quotaYear, 'quotaYear'),
            amount: money(e.amount),
            reason: 'not confirmed in time',
          },
          occurredAt: opts.now,
          auditSeq: entries[i]!.seq,
        }),
      ),
    ),
  );
  return expired.length;
}

/** The sweep: every overdue reservation, a batch per transaction, until none is left. */
export async function sweepExpired(ctx: AppContext): Promise<{ expired: number }> {
  let total = 0;
  for (;;) {
    const n = await runCommand(ctx, 'dutyfree.expire', (tx) => expireOverdue(tx, ctx, { now: ctx.clock.now() }));
    total += n;
    if (n < EXPIRY_BATCH) return { expired: total };
  }
}
