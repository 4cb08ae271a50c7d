/**
 * Buyers who took goods at once (guarantee- or buy-and-collect) must leave the island within
 * `dutyfree.departureDeadlineDays` of the purchase (the purchase day counts as day 0, the last
 * allowed departure is the purchase date + N days). A sale whose buyer recorded no departure in that
 * window is a missed departure: a fact against the buyer, and a ban from the day after the deadline
 * for `dutyfree.banYears` (三年内不得购买离岛免税品), unless a ban is already in force then. The
 * deadline and the ban length are those in force on the purchase date and on the first banned day.
 * Returned sales (nothing kept) are left alone. Run daily; each sale is judged once.
 */
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { runCommand } from '../../../platform/command.ts';
import { queryRows, type Tx } from '../../../platform/db/client.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { DUTYFREE_EVENTS } from '../events.ts';
import { getParameter } from '../../../platform/parameters/service.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { uuidv7 } from '../../../kernel/ids.ts';
import { problems } from '../../../kernel/problem.ts';
import { addDays, addYears, money } from '../rules.ts';
import { AGGREGATE, buyerAuditKey } from './store.ts';
import { factView, factColumns, type FactView } from './codes.ts';
import {
  dutyfreeBans,
  dutyfreeBuyerFacts,
  dutyfreeBuyers,
  dutyfreeDepartures,
  dutyfreeReservations,
} from '../schema.ts';

/** How far back the check looks for sales not yet judged (it runs daily; this covers long outages). */
export const LOOKBACK_DAYS = 400;

interface Overdue {
  reservation_id: string;
  buyer_id: string;
  shop_code: string;
  purchase_date: string;
  amount: string;
  collection: string;
}

/** Sales of one purchase date whose buyer recorded no departure by the deadline and that were not judged yet. */
async function overdueSales(ctx: AppContext, purchaseDate: string, deadline: string): Promise<Overdue[]> {
  return queryRows<Overdue>(
    ctx.db,
    sql`select r.id as reservation_id, r.buyer_id, r.shop_code, r.purchase_date::text as purchase_date,
        r.amount::text as amount, r.collection
        from ${dutyfreeReservations} r
        where r.status = 'CONFIRMED' and r.collection in ('GUARANTEE_AND_COLLECT', 'BUY_AND_COLLECT')
          and r.purchase_date = ${purchaseDate} and r.returned_amount < r.amount
          and not exists (select 1 from ${dutyfreeDepartures} d
                          where d.buyer_id = r.buyer_id and d.departure_date >= r.purchase_date
                            and d.departure_date <= ${deadline})
          and not exists (select 1 from ${dutyfreeBuyerFacts} f where f.kind = 'MISSED_DEPARTURE'
            and f.reservation_id = r.id)
        order by r.buyer_id, r.id`,
  );
}

/** Purchase dates with sales still to judge. */
async function pendingDates(ctx: AppContext, today: string): Promise<string[]> {
  const rows = await queryRows<{ d: string }>(
    ctx.db,
    sql`select distinct r.purchase_date::text as d from ${dutyfreeReservations} r
        where r.status = 'CONFIRMED' and r.collection in ('GUARANTEE_AND_COLLECT', 'BUY_AND_COLLECT')
          and r.purchase_date >= ${addDays(today, -LOOKBACK_DAYS)} and r.purchase_date < ${today}
          and r.returned_amount < r.amount
          and not exists (select 1 from ${dutyfreeBuyerFacts} f where f.kind = 'MISSED_DEPARTURE'
            and f.reservation_id = r.id)
        order by 1`,
  );
  return rows.map((r) => r.d);
}

async function insertFact(
  tx: Tx,
  f: {
    id: string;
    buyerId: string;
    kind: string;
    occurredOn: string;
    reservationId: string | null;
    shop: string | null;
    detail: unknown;
    source: string;
    auditSeq: number;
    now: Date;
  },
): Promise<FactView> {
  const [row] = await queryRows<Parameters<typeof factView>[0]>(
    tx,
    sql`insert into ${dutyfreeBuyerFacts} (id, buyer_id, kind, occurred_on, reservation_id, code, shop_code, detail,
        source, request_key, audit_seq, created_at)
        values (${f.id}, ${f.buyerId}, ${f.kind}, ${f.occurredOn}, ${f.reservationId}, null, ${f.shop},
          ${JSON.stringify(f.detail)}::jsonb, ${f.source}, null, ${f.auditSeq}, ${f.now.toISOString()})
        returning ${factColumns}`,
  );
  return factView(row!);
}

/** One buyer's missed departures, in one transaction under the buyer's lock: facts, then a ban if none is in force. */
async function judgeBuyer(
  tx: Tx,
  buyerId: string,
  sales: (Overdue & { deadline: string })[],
  now: Date,
): Promise<{ facts: number; banned: boolean }> {
  await tx.execute(sql`select id from ${dutyfreeBuyers} where id = ${buyerId} for update`);
  const actor = 'system:dutyfree-departure-check';
  let facts = 0;
  for (const s of sales) {
    const already = await queryRows(
      tx,
      sql`select 1 from ${dutyfreeBuyerFacts} where kind = 'MISSED_DEPARTURE' and reservation_id = ${s.reservation_id}`,
    );
    if (already.length) continue;
    const id = uuidv7(now.getTime());
    const detail = {
      purchaseDate: s.purchase_date,
      deadline: s.deadline,
      collection: s.collection,
      amount: money(s.amount),
    };
    const { seq } = await appendAudit(tx, {
      actor,
      action: 'dutyfree.missedDeparture',
      subject: `dutyfree-buyer:${buyerId}`,
      change: { factId: id, reservationId: s.reservation_id, ...detail },
      at: now,
      partitionKey: buyerAuditKey(buyerId),
    });
    await insertFact(tx, {
      id,
      buyerId,
      kind: 'MISSED_DEPARTURE',
      occurredOn: addDays(s.deadline, 1),
      reservationId: s.reservation_id,
      shop: s.shop_code,
      detail,
      source: actor,
      auditSeq: seq,
      now,
    });
    await enqueueEvents(tx, [
      typedEvent(DUTYFREE_EVENTS, 'DutyFreeDepartureMissed', {
        aggregateType: AGGREGATE,
        aggregateId: buyerId,
        payload: { buyerId, factId: id, reservationId: s.reservation_id, ...detail },
        occurredAt: now,
        auditSeq: seq,
      }),
    ]);
    facts++;
  }
  if (facts === 0) return { facts, banned: false };
  const first = sales.map((s) => addDays(s.deadline, 1)).sort()[0]!;
  const inForce = await queryRows(
    tx,
    sql`select 1 from ${dutyfreeBans} where buyer_id = ${buyerId} and lifted_at is null and valid_from <= ${first}
        and valid_to > ${first}`,
  );
  if (inForce.length) return { facts, banned: false };
  const years = await getParameter<number>(tx, 'dutyfree.banYears', first);
  await ban(tx, {
    buyerId,
    reason: 'MISSED_DEPARTURE',
    validFrom: first,
    validTo: addYears(first, Number(years.value)),
    actor,
    now,
    basis: { reservations: sales.map((s) => s.reservation_id), parameterVersion: years.version },
  });
  return { facts, banned: true };
}

/** Writes a ban and its BANNED fact; the caller holds the buyer's lock. */
export async function ban(
  tx: Tx,
  b: {
    buyerId: string;
    reason: 'MISSED_DEPARTURE' | 'RESALE';
    validFrom: string;
    validTo: string;
    actor: string;
    now: Date;
    basis: unknown;
  },
): Promise<{ banId: string }> {
  const banId = uuidv7(b.now.getTime());
  const factId = uuidv7(b.now.getTime());
  const [who] = await queryRows<{ id_type: string; id_number_hash: string }>(
    tx,
    sql`select id_type, id_number_hash from ${dutyfreeBuyers} where id = ${b.buyerId}`,
  );
  const detail = { banId, reason: b.reason, validFrom: b.validFrom, validTo: b.validTo, basis: b.basis };
  const { seq } = await appendAudit(tx, {
    actor: b.actor,
    action: 'dutyfree.ban',
    subject: `dutyfree-buyer:${b.buyerId}`,
    change: { factId, buyerId: b.buyerId, ...detail },
    at: b.now,
    partitionKey: buyerAuditKey(b.buyerId),
  });
  await tx.execute(sql`insert into ${dutyfreeBans} (id, buyer_id, reason, valid_from, valid_to, fact_id, created_by,
      created_at)
    values (${banId}, ${b.buyerId}, ${b.reason}, ${b.validFrom}, ${b.validTo}, ${factId}, ${b.actor},
      ${b.now.toISOString()})`);
  await insertFact(tx, {
    id: factId,
    buyerId: b.buyerId,
    kind: 'BANNED',
    occurredOn: b.validFrom,
    reservationId: null,
    shop: null,
    detail,
    source: b.actor,
    auditSeq: seq,
    now: b.now,
  });
  // The individual's credit (个人信用) takes this as an input: the keyed hash is how it finds the person.
  const payload = { buyerId: b.buyerId, idType: who!.id_type, idNumberHash: who!.id_number_hash, factId, ...detail };
  await enqueueEvents(tx, [
    typedEvent(DUTYFREE_EVENTS, 'DutyFreeBuyerBanned', {
      aggregateType: AGGREGATE,
      aggregateId: b.buyerId,
      payload,
      occurredAt: b.now,
      auditSeq: seq,
    }),
  ]);
  return { banId };
}

/**
 * The daily check. `today` defaults to the Asia/Shanghai date; a sale bought on D with an N-day
 * deadline is judged from D + N + 1 on. Returns what it found and did.
 */
export async function checkMissedDepartures(
  ctx: AppContext,
  opts: { today?: string } = {},
): Promise<{ date: string; sales: number; buyers: number; bans: number }> {
  const today = opts.today ?? shanghaiDate(ctx.clock.now());
  const due: (Overdue & { deadline: string })[] = [];
  for (const date of await pendingDates(ctx, today)) {
    const days = await getParameter<number>(ctx.db, 'dutyfree.departureDeadlineDays', date).catch(() => null);
    if (!days) continue;
    const deadline = addDays(date, Number(days.value));
    if (deadline >= today) continue;
    for (const s of await overdueSales(ctx, date, deadline)) due.push({ ...s, deadline });
  }
  const byBuyer = new Map<string, (Overdue & { deadline: string })[]>();
  for (const s of due) byBuyer.set(s.buyer_id, [...(byBuyer.get(s.buyer_id) ?? []), s]);
  let sales = 0;
  let bans = 0;
  for (const [buyerId, list] of byBuyer) {
    const r = await runCommand(ctx, 'dutyfree.missedDeparture', (tx) => judgeBuyer(tx, buyerId, list, ctx.clock.now()));
    sales += r.facts;
    if (r.banned) bans++;
  }
  return { date: today, sales, buyers: byBuyer.size, bans };
}

/** An officer lifts a ban with a reason (a justified late departure, a mistaken case); the ban stays on record. */
export async function liftBan(ctx: AppContext, actor: Actor, banId: string, reason: string) {
  return runCommand(ctx, 'dutyfree.liftBan', async (tx) => {
    const now = ctx.clock.now();
    const [row] = await queryRows<{
      buyer_id: string;
      lifted_at: string | null;
      reason: string;
      valid_from: string;
      valid_to: string;
    }>(
      tx,
      sql`select buyer_id, lifted_at, reason, valid_from::text as valid_from, valid_to::text as valid_to
          from ${dutyfreeBans} where id = ${banId}`,
    );
    if (!row) throw problems.notFound(`Ban ${banId}`);
    await tx.execute(sql`select id from ${dutyfreeBuyers} where id = ${row.buyer_id} for update`);
    if (row.lifted_at) throw problems.conflict(`Ban ${banId} was already lifted.`, { rule: 'dutyfree.banLifted' });
    const factId = uuidv7(now.getTime());
    const detail = { banId, reason: row.reason, validFrom: row.valid_from, validTo: row.valid_to, liftReason: reason };
    const { seq } = await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'dutyfree.liftBan',
      subject: `dutyfree-buyer:${row.buyer_id}`,
      change: { factId, ...detail },
      at: now,
      partitionKey: buyerAuditKey(row.buyer_id),
    });
    await tx.execute(
      sql`update ${dutyfreeBans} set lifted_at = ${now.toISOString()}, lifted_by = ${actorLabel(actor)},
          lift_reason = ${reason} where id = ${banId}`,
    );
    await insertFact(tx, {
      id: factId,
      buyerId: row.buyer_id,
      kind: 'BAN_LIFTED',
      occurredOn: shanghaiDate(now),
      reservationId: null,
      shop: null,
      detail,
      source: actorLabel(actor),
      auditSeq: seq,
      now,
    });
    await enqueueEvents(tx, [
      typedEvent(DUTYFREE_EVENTS, 'DutyFreeBanLifted', {
        aggregateType: AGGREGATE,
        aggregateId: row.buyer_id,
        payload: { buyerId: row.buyer_id, factId, ...detail },
        occurredAt: now,
        auditSeq: seq,
      }),
    ]);
    return {
      banId,
      buyerId: row.buyer_id,
      reason: row.reason,
      validFrom: row.valid_from,
      validTo: row.valid_to,
      liftedAt: now.toISOString(),
      liftReason: reason,
    };
  });
}
