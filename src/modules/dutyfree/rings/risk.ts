/**
 * The till's sale scored by the risk engine's duty-free features (scope SALE): the hook the
 * reservation calls once the rules and the quota pass, inside its transaction. When no SALE feature
 * is live or in shadow it costs one read of the library state and nothing else. The till hears only
 * allow, or a refusal naming the feature's rule (`risk.<code>`); the score stays with the decision.
 */
import { Decimal } from 'decimal.js';
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { pgArray, queryRows, together, type Tx } from '../../../platform/db/client.ts';
import type { Value } from '../../risk/rules.ts';
import { assessSale, saleLibrary } from '../../risk/service.ts';
import { levelsOf } from '../../personalcredit/service.ts';
import { addDays, daysBetween } from '../../../kernel/dates.ts';
import { ageOn, type CategoryTable, type CategoryUsage, type Refusal, type SaleLine } from '../rules.ts';
import { dutyfreeBuyerFacts, dutyfreeReservationItems, dutyfreeReservations } from '../schema.ts';
import { dutyfreeRingMembers, dutyfreeRings, dutyfreeYellowList } from './schema.ts';

export interface TillSale {
  saleId: string;
  shop: string;
  now: Date;
  purchaseDate: string;
  buyer: { id: string; idType: string; idNumberHash: string; birthDate: string; islandResident: boolean };
  tripId: string;
  departure: { date: string; destination: string };
  collection: string;
  lines: readonly SaleLine[];
  amount: string;
  quota: { quota: string; used: string; reserved: string };
  /** What the trip had used of each category before this sale. */
  usage: ReadonlyMap<string, CategoryUsage>;
  categories: CategoryTable;
  links: { payer: string; account: string | null; phone: string | null; address: string | null; device: string | null };
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** The highest share of a per-trip limit the trip reaches with this sale (0 when nothing is limited). */
export function maxLimitShare(
  lines: readonly SaleLine[],
  usage: ReadonlyMap<string, CategoryUsage>,
  categories: CategoryTable,
): number {
  let max = 0;
  for (const code of new Set(lines.map((l) => l.category))) {
    const entry = categories[code];
    const before = usage.get(code) ?? { pieces: 0, millilitres: 0 };
    const mine = lines.filter((l) => l.category === code);
    if (entry?.pieces) {
      const pieces = before.pieces + mine.reduce((s, l) => s + l.quantity * l.piecesPerUnit, 0);
      max = Math.max(max, pieces / entry.pieces);
    } else if (entry?.millilitres) {
      const ml = before.millilitres + mine.reduce((s, l) => s + l.quantity * (l.volumeMl ?? 0), 0);
      max = Math.max(max, ml / entry.millilitres);
    }
  }
  return round4(max);
}

/** What the buyer and the sale's identifiers did before: history, links, lists, credit. */
async function history(tx: Tx, s: TillSale) {
  const since30 = addDays(s.purchaseDate, -30);
  const since90 = addDays(s.purchaseDate, -90);
  const categories = [...new Set(s.lines.map((l) => l.category))];
  const linkCount = (column: string, value: string | null) =>
    value === null
      ? Promise.resolve([{ n: 0 }])
      : queryRows<{ n: number }>(
          tx,
          sql`select count(distinct buyer_id)::int as n from ${dutyfreeReservations}
              where ${sql.raw(column)} = ${value} and buyer_id <> ${s.buyer.id}
                and status in ('RESERVED', 'CONFIRMED') and purchase_date >= ${since90}`,
        );
  return together([
    queryRows<{ sales: number; trips: number; repeated: number }>(
      tx,
      sql`select count(distinct r.id)::int as sales, count(distinct r.trip_id)::int as trips,
                 count(distinct i.category) filter (where r.trip_id <> ${s.tripId}
                   and i.category = any(${pgArray(categories)}::text[]))::int as repeated
          from ${dutyfreeReservations} r join ${dutyfreeReservationItems} i on i.reservation_id = r.id
          where r.buyer_id = ${s.buyer.id} and r.status = 'CONFIRMED' and r.purchase_date >= ${since30}`,
    ),
    queryRows<{ codes: number; yellow: boolean; ring: number | null }>(
      tx,
      sql`select (select count(*)::int from ${dutyfreeBuyerFacts} f
                  where f.buyer_id = ${s.buyer.id} and f.kind = 'CODE_FOUND_ON_MARKET') as codes,
                 exists (select 1 from ${dutyfreeYellowList} y
                         where y.buyer_id = ${s.buyer.id} and y.status in ('OPEN', 'PROPOSED')) as yellow,
                 (select r.score from ${dutyfreeRingMembers} m join ${dutyfreeRings} r on r.id = m.ring_id
                   where m.buyer_id = ${s.buyer.id} order by r.created_at desc limit 1) as ring`,
    ),
    linkCount('payer_hash', s.links.payer === s.buyer.idNumberHash ? null : s.links.payer),
    linkCount('account_hash', s.links.account),
    linkCount('phone_hash', s.links.phone),
    linkCount('address_hash', s.links.address),
    linkCount('device_hash', s.links.device),
  ] as const);
}

/** The facts of the SALE catalogue (risk/fields.ts) for a sale at the till. */
export async function saleRiskFacts(tx: Tx, s: TillSale): Promise<Record<string, Value>> {
  const [[h], [other], [payer], [account], [phone], [address], [device]] = await history(tx, s);
  const [levels] = await Promise.all([levelsOf(tx, [s.buyer.idNumberHash], s.purchaseDate)]);
  const credit = levels.get(s.buyer.idNumberHash)!;
  const quota = new Decimal(s.quota.quota);
  const held = new Decimal(s.quota.used).plus(s.quota.reserved);
  const hour = (s.now.getUTCHours() + 8) % 24;
  return {
    // Risk expressions compare numbers, as the declarations' facts do: a fact for thresholds, never money
    // that is computed or stored (the quota check above stays decimal); the largest price is picked exactly.
    'sale.amountCny': new Decimal(s.amount).toNumber(),
    'sale.units': s.lines.reduce((n, l) => n + l.quantity, 0),
    'sale.lineCount': s.lines.length,
    'sale.maxUnitPriceCny': Decimal.max(...s.lines.map((l) => l.unitPrice)).toNumber(),
    'sale.collection': s.collection,
    'sale.destination': s.departure.destination,
    'sale.daysToDeparture': daysBetween(s.purchaseDate, s.departure.date),
    'sale.shop': s.shop,
    'sale.hourShanghai': hour,
    'sale.maxLimitShare': maxLimitShare(s.lines, s.usage, s.categories),
    'buyer.age': ageOn(s.buyer.birthDate, s.purchaseDate),
    'buyer.islandResident': s.buyer.islandResident,
    'buyer.idType': s.buyer.idType,
    'buyer.quotaUsedShare': quota.isZero() ? null : round4(held.div(quota).toNumber()),
    'buyer.salesLast30Days': Number(h?.sales ?? 0),
    'buyer.tripsLast30Days': Number(h?.trips ?? 0),
    'buyer.sameCategoryLast30Days': Number(h?.repeated ?? 0),
    'buyer.marketCodes': Number(other?.codes ?? 0),
    'buyer.onYellowList': Boolean(other?.yellow),
    'buyer.ringScore': Number(other?.ring ?? 0),
    'person.creditScore': credit.score,
    'person.creditLevel': credit.level,
    'link.payerIsBuyer': s.links.payer === s.buyer.idNumberHash,
    'link.payerBuyers': Number(payer?.n ?? 0),
    'link.accountBuyers': Number(account?.n ?? 0),
    'link.phoneBuyers': Number(phone?.n ?? 0),
    'link.addressBuyers': Number(address?.n ?? 0),
    'link.deviceBuyers': Number(device?.n ?? 0),
  };
}

interface ReservationLike {
  id: string;
  shopCode: string;
  createdAt: Date;
  purchaseDate: string;
  collection: string;
  amount: string;
  payerHash: string;
  accountHash: string | null;
  phoneHash: string | null;
  addressHash: string | null;
  deviceHash: string | null;
}

/** The hook's view of a reservation about to be written (the arguments the reservation has at hand). */
export function tillSaleOf(
  row: ReservationLike,
  buyer: TillSale['buyer'],
  tripId: string,
  body: { departure: { date: string; destination: string } },
  lines: readonly SaleLine[],
  quota: TillSale['quota'],
  usage: ReadonlyMap<string, CategoryUsage>,
  categories: CategoryTable,
): TillSale {
  return {
    saleId: row.id,
    shop: row.shopCode,
    now: row.createdAt,
    purchaseDate: row.purchaseDate,
    buyer,
    tripId,
    departure: body.departure,
    collection: row.collection,
    lines,
    amount: row.amount,
    quota,
    usage,
    categories,
    links: {
      payer: row.payerHash,
      account: row.accountHash,
      phone: row.phoneHash,
      address: row.addressHash,
      device: row.deviceHash,
    },
  };
}

/** A refusal by the risk engine: what the till is told, and the decision kept for officers and backtests. */
export interface RiskRefusal {
  refusal: Refusal;
  decision: {
    rule: string;
    level: string;
    score: number;
    facts: Record<string, Value>;
    fired: unknown[];
    featureSetVersion: number;
  };
}

/**
 * The hook of the reservation (service/reserve.ts): null to go on, or the refusal to answer the till
 * with. A REVIEW verdict lets the sale through; its decision opens a sale review when it is confirmed.
 */
export async function dutyfreeSaleRisk(tx: Tx, ctx: AppContext, s: TillSale): Promise<RiskRefusal | null> {
  const library = await saleLibrary(ctx, tx);
  if (library.features.length === 0) return null;
  const facts = await saleRiskFacts(tx, s);
  const v = await assessSale(tx, ctx, {
    saleId: s.saleId,
    shop: s.shop,
    personHash: s.buyer.idNumberHash,
    businessDate: s.purchaseDate,
    facts,
  });
  if (v.verdict !== 'REFUSE') return null;
  const rule = v.rule ?? 'risk.score';
  return {
    refusal: { path: 'buyer', rule, message: 'The sale is refused by a risk rule; an officer can tell the buyer why.' },
    decision: { rule, level: v.level, score: v.score, facts, fired: v.fired, featureSetVersion: library.version },
  };
}
