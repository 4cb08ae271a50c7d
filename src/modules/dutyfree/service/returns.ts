/**
 * Returns (退货) of confirmed sales, whole or in part, unit by unit through their traceability
 * codes: the units' retail value goes back to the buyer's quota of the sale's year, and no longer
 * counts towards the trip's category limits. A returned code stays on record, marked RETURNED.
 */
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { runCommand } from '../../../platform/command.ts';
import { queryRows, recordset, together, type Tx } from '../../../platform/db/client.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { DUTYFREE_EVENTS } from '../events.ts';
import { anyOf } from '../../../platform/db/rows.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { Problem, problems, type FieldError } from '../../../kernel/problem.ts';
import { D, money } from '../rules.ts';
import { normaliseTraceCode } from '../traceCode.ts';
import { actingShop, AGGREGATE, assertShopVisible, buyerAuditKey, loadItems, loadReservation } from './store.ts';
import { dutyfreeCodes, dutyfreeQuotas, dutyfreeReservationItems, dutyfreeReservations } from '../schema.ts';

export interface ReturnAnswer {
  reservationId: string;
  returnedUnits: number;
  amountReturned: string;
  amountKept: string;
  quotaYear: number;
}

function codeErrors(
  given: string[],
  found: Map<string, { lineNo: number; status: string }>,
): { bad: FieldError[]; returned: FieldError[] } {
  const bad: FieldError[] = [];
  const returned: FieldError[] = [];
  const seen = new Set<string>();
  given.forEach((code, i) => {
    const path = `codes[${i}]`;
    if (seen.has(code)) bad.push({ path, rule: 'dutyfree.duplicateCode', message: `${code} is given twice.` });
    seen.add(code);
    const c = found.get(code);
    if (!c) bad.push({ path, rule: 'dutyfree.codeNotInSale', message: `${code} is not a unit of this sale.` });
    else if (c.status === 'RETURNED')
      returned.push({ path, rule: 'dutyfree.alreadyReturned', message: `${code} was already returned.` });
  });
  return { bad, returned };
}

async function returnIn(
  tx: Tx,
  actor: Actor,
  id: string,
  shop: string | null,
  given: string[],
  now: Date,
): Promise<ReturnAnswer> {
  const [r, items] = await together([loadReservation(tx, id, true), loadItems(tx, id)] as const);
  if (!r) throw problems.notFound(`Reservation ${id}`);
  assertShopVisible(shop, r);
  if (r.status !== 'CONFIRMED')
    throw problems.conflict(`Reservation ${id} is ${r.status}: only a confirmed sale has units to return.`, {
      rule: 'dutyfree.notSold',
    });
  const rows = await queryRows<{ code: string; line_no: number; status: string }>(
    tx,
    sql`select code, line_no, status from ${dutyfreeCodes} where reservation_id = ${r.id}
        and code ${anyOf(given, 'text')} for update`,
  );
  const found = new Map(rows.map((c) => [c.code, { lineNo: Number(c.line_no), status: c.status }]));
  const { bad, returned } = codeErrors(given, found);
  if (bad.length) throw problems.validation(bad);
  if (returned.length)
    throw new Problem({
      status: 409,
      code: 'conflict',
      title: 'Conflict',
      detail: returned.map((e) => e.message).join(' '),
      errors: returned,
    });
  const perLine = new Map<number, number>();
  for (const code of given) perLine.set(found.get(code)!.lineNo, (perLine.get(found.get(code)!.lineNo) ?? 0) + 1);
  const amount = [...perLine].reduce(
    (sum, [lineNo, n]) => sum.plus(new D(items.find((i) => i.lineNo === lineNo)!.unitPrice).times(n)),
    new D(0),
  );
  const lines = [...perLine].map(([line_no, n]) => ({ line_no, n }));
  const at = now.toISOString();
  await together([
    tx.execute(
      sql`update ${dutyfreeCodes} set status = 'RETURNED', returned_at = ${at} where reservation_id = ${r.id}
          and code ${anyOf(given, 'text')}`,
    ),
    tx.execute(
      sql`update ${dutyfreeReservationItems} i set returned_quantity = i.returned_quantity + v.n
          from ${recordset(lines, 'line_no int, n int')} where i.reservation_id = ${r.id} and i.line_no = v.line_no`,
    ),
    tx.execute(
      sql`update ${dutyfreeReservations} set returned_amount = returned_amount + ${money(amount)} where id = ${r.id}`,
    ),
    tx.execute(
      sql`update ${dutyfreeQuotas} set used = used - ${money(amount)}, updated_at = ${at} where buyer_id = ${r.buyerId}
          and year = ${r.quotaYear}`,
    ),
  ] as const);
  const kept = money(new D(r.amount).minus(r.returnedAmount).minus(amount));
  const change = {
    reservationId: r.id,
    buyerId: r.buyerId,
    shop: r.shopCode,
    quotaYear: r.quotaYear,
    codes: given,
    amountReturned: money(amount),
    amountKept: kept,
  };
  const { seq } = await appendAudit(tx, {
    actor: actorLabel(actor),
    action: 'dutyfree.return',
    subject: `dutyfree-reservation:${r.id}`,
    change,
    at: now,
    partitionKey: buyerAuditKey(r.buyerId),
  });
  await enqueueEvents(tx, [
    typedEvent(DUTYFREE_EVENTS, 'DutyFreeReturned', {
      aggregateType: AGGREGATE,
      aggregateId: r.buyerId,
      payload: change,
      occurredAt: now,
      auditSeq: seq,
    }),
  ]);
  return {
    reservationId: r.id,
    returnedUnits: given.length,
    amountReturned: money(amount),
    amountKept: kept,
    quotaYear: r.quotaYear,
  };
}

/** Returns units of a confirmed sale by their codes; the quota of the sale's year is given back. */
export async function returnUnits(ctx: AppContext, actor: Actor, id: string, codes: string[]): Promise<ReturnAnswer> {
  const shop = await actingShop(ctx, actor);
  const given = codes.map(normaliseTraceCode);
  return runCommand(ctx, 'dutyfree.return', (tx) => returnIn(tx, actor, id, shop, given, ctx.clock.now()));
}
