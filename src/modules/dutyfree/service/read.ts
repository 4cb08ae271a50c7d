/** Reads for shops (their own sales) and officers (a buyer's sales, quotas, bans and facts). */
import { eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { queryRows, together, type Executor } from '../../../platform/db/client.ts';
import type { Actor } from '../../../platform/auth/roles.ts';
import { problems } from '../../../kernel/problem.ts';
import { money, type IdType } from '../rules.ts';
import { dutyfreeBans, dutyfreeBuyers, dutyfreeQuotas, dutyfreeReservations, dutyfreeTrips } from '../schema.ts';
import { factsWhere } from './codes.ts';
import { quotaOf } from './quota.ts';
import { actingShop, assertShopVisible, buyerIdentity, findBuyer, loadItems, loadReservation, shops } from './store.ts';
import { wholeNumber } from '../../../kernel/wholeNumber.ts';

export async function getReservation(ctx: AppContext, actor: Actor, id: string) {
  const shop = await actingShop(ctx, actor);
  const [r, items] = await together([loadReservation(ctx.db, id, false), loadItems(ctx.db, id)] as const);
  if (!r) throw problems.notFound(`Reservation ${id}`);
  assertShopVisible(shop, r);
  const [[buyer], [trip]] = await together([
    ctx.db.select().from(dutyfreeBuyers).where(eq(dutyfreeBuyers.id, r.buyerId)).limit(1),
    ctx.db.select().from(dutyfreeTrips).where(eq(dutyfreeTrips.id, r.tripId)).limit(1),
  ] as const);
  return {
    reservationId: r.id,
    shop: r.shopCode,
    status: r.status === 'RESERVED' && r.expiresAt <= ctx.clock.now() ? 'EXPIRED' : r.status,
    buyer: buyerIdentity(ctx, actor, buyer!),
    departure: { mode: trip!.mode, number: trip!.number, date: trip!.departureDate, destination: trip!.destination },
    collection: r.collection,
    quotaYear: r.quotaYear,
    amount: money(r.amount),
    returnedAmount: money(r.returnedAmount),
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    confirmedAt: r.confirmedAt?.toISOString() ?? null,
    closedAt: r.closedAt?.toISOString() ?? null,
    items: items.map((i) => ({
      lineNo: i.lineNo,
      sku: i.sku,
      name: i.name,
      category: i.category,
      unitPrice: money(i.unitPrice),
      quantity: i.quantity,
      returnedQuantity: i.returnedQuantity,
      volumeMl: i.volumeMl,
      piecesPerUnit: i.piecesPerUnit,
    })),
  };
}

/**
 * A buyer's latest 50 reservations, newest first: the amount as sold, or as kept after returns
 * (`kept`), for the officers' dossier and buyer profile.
 */
export async function recentSales(ex: Executor, buyerId: string, amount: 'sold' | 'kept') {
  const rows = await queryRows<{
    id: string;
    shop_code: string;
    status: string;
    amount: string;
    collection: string;
    created_at: Date | string;
  }>(
    ex,
    sql`select id, shop_code, status,
          (${amount === 'kept' ? sql`amount - returned_amount` : sql`amount`})::text as amount,
          collection, created_at
        from ${dutyfreeReservations} where buyer_id = ${buyerId} order by created_at desc limit 50`,
  );
  return rows.map((s) => ({
    reservationId: s.id,
    shop: s.shop_code,
    status: s.status,
    amount: money(s.amount),
    collection: s.collection,
    createdAt: new Date(s.created_at).toISOString(),
  }));
}

/** Everything recorded about a buyer, for an officer: quotas of the years with sales, bans, facts, the latest sales. */
export async function buyerDossier(ctx: AppContext, actor: Actor, idType: IdType, idNumber: string) {
  const b = await findBuyer(ctx.db, ctx, idType, idNumber);
  if (!b) throw problems.notFound('A duty-free buyer with this ID number');
  const [years, bans, facts, sales] = await together([
    queryRows<{ year: number }>(
      ctx.db,
      sql`select year from ${dutyfreeQuotas} where buyer_id = ${b.id} order by year desc limit 5`,
    ),
    queryRows<{
      id: string;
      reason: string;
      valid_from: string;
      valid_to: string;
      lifted_at: Date | string | null;
      lift_reason: string | null;
    }>(
      ctx.db,
      sql`select id, reason, valid_from::text as valid_from, valid_to::text as valid_to, lifted_at, lift_reason
          from ${dutyfreeBans} where buyer_id = ${b.id} order by valid_from`,
    ),
    factsWhere(ctx.db, sql`buyer_id = ${b.id}`),
    recentSales(ctx.db, b.id, 'sold'),
  ] as const);
  const quotas = await Promise.all(
    years.map((y) => quotaOf(ctx, { idType, idNumber, year: wholeNumber(y.year, 'quota year') })),
  );
  return {
    buyerId: b.id,
    ...buyerIdentity(ctx, actor, b),
    birthDate: b.birthDate,
    islandResident: b.islandResident,
    quotas,
    bans: bans.map((x) => ({
      banId: x.id,
      buyerId: b.id,
      reason: x.reason,
      validFrom: x.valid_from,
      validTo: x.valid_to,
      liftedAt: x.lifted_at ? new Date(x.lifted_at).toISOString() : null,
      liftReason: x.lift_reason,
    })),
    facts,
    recentSales: sales,
  };
}

export async function listShops(ctx: AppContext) {
  return [...(await shops(ctx.db)).values()];
}
