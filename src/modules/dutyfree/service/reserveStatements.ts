/**
 * The statements of a reservation, one for all the reservations of a group (gathered.ts): what the
 * rules read (the parameters once per purchase date, the buyers upserted and locked in the order of
 * their keyed hashes, bans, trips, trip usage, earlier requestIds and quota rows of all the group's
 * buyers, one statement each, in one round trip), then what a reservation writes (the quota rows
 * raised where the sale fits and the reservations, then the lines: one statement each). The rules
 * themselves stay per request, in reserve.ts.
 *
 * A group never holds two reservations of one buyer (group.ts), so every statement meets a buyer's
 * rows once: the upsert and the quota rows never touch one row twice.
 */
import { getTableColumns, sql } from 'drizzle-orm';
import { queryRows, recordset, together, type Tx } from '../../../platform/db/client.ts';
import type { CategoryUsage } from '../rules.ts';
import type { ReserveBody } from '../wire.ts';
import {
  dutyfreeBans,
  dutyfreeBuyers,
  dutyfreeQuotas,
  dutyfreeReservationItems,
  dutyfreeReservations,
  dutyfreeTrips,
} from '../schema.ts';
import { gathered } from './gathered.ts';
import {
  buyerRows,
  itemRows,
  parametersOn,
  reservationRows,
  type BuyerRow,
  type DutyfreeParameters,
  type ItemRow,
  type ReservationRow,
} from './store.ts';

export interface ReadNeed {
  buyer: BuyerRow;
  shop: string;
  requestId: string | undefined;
  purchaseDate: string;
  year: number;
  now: Date;
  departure: ReserveBody['departure'];
  /** The id of the buyer's trip if this departure is new to them. */
  newTripId: string;
}

export interface Ban {
  validFrom: string;
  validTo: string;
  reason: string;
}

export interface QuotaRead {
  quota: string;
  used: string;
  reserved: string;
}

export interface ReadSlice {
  params: DutyfreeParameters;
  buyer: BuyerRow;
  bans: Ban[];
  trip: { id: string; destination: string };
  /** What the trip's other sales count per category: confirmed and not returned, or held and not expired. */
  usage: Map<string, CategoryUsage>;
  /** The reservation made earlier under this shop's requestId, if any. */
  prior: ReservationRow | null;
  quota: QuotaRead | null;
}

const NEED_COLUMNS =
  'hash text, shop text, request_id text, purchase_date date, year int, now timestamptz, mode text, ' +
  'number text, departure_date date, destination text, trip_id uuid';

async function readAll(tx: Tx, needs: ReadNeed[]): Promise<ReadSlice[]> {
  const v = recordset(
    needs.map((n) => ({
      hash: n.buyer.idNumberHash,
      shop: n.shop,
      request_id: n.requestId ?? null,
      purchase_date: n.purchaseDate,
      year: n.year,
      now: n.now.toISOString(),
      mode: n.departure.mode,
      number: n.departure.number,
      departure_date: n.departure.date,
      destination: n.departure.destination,
      trip_id: n.newTripId,
    })),
    NEED_COLUMNS,
  );
  const dates = [...new Set(needs.map((n) => n.purchaseDate))];
  const requests = needs.filter((n) => n.requestId);
  // One round trip, run in this order: the upsert first (it inserts new buyers and locks every
  // buyer's row, in key order), then the reads, which find the buyers by their keyed hashes.
  const [params, buyers, bans, trips, usage, prior, quotas] = await together([
    Promise.all(dates.map((d) => parametersOn(tx, d))),
    buyerRows.select(
      tx,
      sql`insert into ${dutyfreeBuyers} (${buyerRows.columns})
          select ${buyerRows.columns} from ${buyerRows.values(needs.map((n) => n.buyer))} order by v.id_number_hash
          on conflict (id_number_hash) do update set id_type = ${dutyfreeBuyers}.id_type
          returning ${buyerRows.columns}`,
    ),
    queryRows<Ban & { hash: string }>(
      tx,
      sql`select v.hash, x.valid_from::text as "validFrom", x.valid_to::text as "validTo", x.reason
          from ${v} join ${dutyfreeBuyers} b on b.id_number_hash = v.hash
          join ${dutyfreeBans} x on x.buyer_id = b.id
          where x.lifted_at is null and x.valid_from <= v.purchase_date and x.valid_to > v.purchase_date`,
    ),
    // The buyer's trip for this departure, created on first use (the buyer's lock is held, so no race):
    // the rows inserted, and those that were there (the statement's snapshot does not see its inserts).
    queryRows<{ hash: string; id: string; destination: string }>(
      tx,
      sql`with ins as (
            insert into ${dutyfreeTrips} (id, buyer_id, mode, number, departure_date, destination, created_at)
            select v.trip_id, b.id, v.mode, v.number, v.departure_date, v.destination, v.now
            from ${v} join ${dutyfreeBuyers} b on b.id_number_hash = v.hash
            on conflict (buyer_id, mode, number, departure_date) do nothing
            returning id, buyer_id, destination)
          select b.id_number_hash as hash, ins.id, ins.destination
          from ins join ${dutyfreeBuyers} b on b.id = ins.buyer_id
          union all
          select v.hash, t.id, t.destination
          from ${v} join ${dutyfreeBuyers} b on b.id_number_hash = v.hash
          join ${dutyfreeTrips} t on t.buyer_id = b.id and t.mode = v.mode and t.number = v.number
            and t.departure_date = v.departure_date`,
    ),
    queryRows<{ hash: string; category: string; pieces: number | string; millilitres: number | string }>(
      tx,
      sql`select v.hash, i.category,
            sum((i.quantity - i.returned_quantity) * i.pieces_per_unit)::int as pieces,
            sum((i.quantity - i.returned_quantity) * coalesce(i.volume_ml, 0))::int as millilitres
          from ${v} join ${dutyfreeBuyers} b on b.id_number_hash = v.hash
          join ${dutyfreeTrips} t on t.buyer_id = b.id and t.mode = v.mode and t.number = v.number
            and t.departure_date = v.departure_date
          join ${dutyfreeReservations} r on r.trip_id = t.id
          join ${dutyfreeReservationItems} i on i.reservation_id = r.id
          where r.status = 'CONFIRMED' or (r.status = 'RESERVED' and r.expires_at > v.now)
          group by v.hash, i.category`,
    ),
    requests.length
      ? reservationRows.select(
          tx,
          sql`select ${reservationRows.columns} from ${dutyfreeReservations}
              where (shop_code, request_id) in (select v.shop, v.request_id from ${v})`,
        )
      : Promise.resolve([] as ReservationRow[]),
    queryRows<QuotaRead & { hash: string }>(
      tx,
      sql`select v.hash, q.quota::text as quota, q.used::text as used, q.reserved::text as reserved
          from ${v} join ${dutyfreeBuyers} b on b.id_number_hash = v.hash
          join ${dutyfreeQuotas} q on q.buyer_id = b.id and q.year = v.year`,
    ),
  ] as const);
  const paramsOn = new Map(dates.map((d, k) => [d, params[k]!]));
  const buyerOf = new Map(buyers.map((b) => [b.idNumberHash, b]));
  const tripOf = new Map(trips.map((t) => [t.hash, { id: t.id, destination: t.destination }]));
  const quotaOf = new Map(quotas.map((q) => [q.hash, { quota: q.quota, used: q.used, reserved: q.reserved }]));
  const priorOf = new Map(prior.map((r) => [`${r.shopCode}\u0000${r.requestId}`, r]));
  return needs.map((n) => {
    const hash = n.buyer.idNumberHash;
    return {
      params: paramsOn.get(n.purchaseDate)!,
      buyer: buyerOf.get(hash)!,
      bans: bans
        .filter((b) => b.hash === hash)
        .map(({ validFrom, validTo, reason }) => ({ validFrom, validTo, reason })),
      trip: tripOf.get(hash)!,
      usage: new Map(
        usage
          .filter((u) => u.hash === hash)
          .map((u) => [u.category, { pieces: Number(u.pieces), millilitres: Number(u.millilitres) }]),
      ),
      prior: n.requestId ? (priorOf.get(`${n.shop}\u0000${n.requestId}`) ?? null) : null,
      quota: quotaOf.get(hash) ?? null,
    };
  });
}

/** What the rules of a reservation read, for all the reservations of the group that reach it together. */
export const readForReservation = gathered(readAll);

export interface WriteNeed {
  /** The reservation; its `quotaLeft` is what the quota row has left once raised. */
  row: ReservationRow;
  /** The yearly quota the sale was checked against. */
  annualQuota: string;
  items: ItemRow[];
}

/** The reservation's columns as inserted, `quota_left` from the quota row just raised. */
const RESERVATION_SELECT = sql.raw(
  Object.values(getTableColumns(dutyfreeReservations))
    .map((c) => (c.name === 'quota_left' ? 'q.left_after' : `v."${c.name}"`))
    .join(', '),
);

const QUOTA_COLUMNS = 'buyer_id uuid, year int, quota numeric, amount numeric, at timestamptz';

async function writeAll(tx: Tx, needs: WriteNeed[]): Promise<(ReservationRow | null)[]> {
  // Each quota row is raised only where the sale fits (`used + reserved + amount <= quota`; its CHECK
  // refuses anything else); the reservation is written only with its raised row. Rows in buyer order.
  const quota = recordset(
    needs.map((n) => ({
      buyer_id: n.row.buyerId,
      year: n.row.quotaYear,
      quota: n.annualQuota,
      amount: n.row.amount,
      at: n.row.createdAt.toISOString(),
    })),
    QUOTA_COLUMNS,
  );
  const [written] = await together([
    reservationRows.select(
      tx,
      sql`with q as (
            insert into ${dutyfreeQuotas} as q (buyer_id, year, quota, used, reserved, updated_at)
            select v.buyer_id, v.year, v.quota, 0, v.amount, v.at from ${quota} order by v.buyer_id, v.year
            on conflict (buyer_id, year) do update
              set reserved = q.reserved + excluded.reserved, quota = excluded.quota, updated_at = excluded.updated_at
              where q.used + q.reserved + excluded.reserved <= excluded.quota
            returning q.buyer_id, q.year, q.quota - q.used - q.reserved as left_after)
          insert into ${dutyfreeReservations} (${reservationRows.columns})
          select ${RESERVATION_SELECT} from ${reservationRows.values(needs.map((n) => n.row))}
          join q on q.buyer_id = v.buyer_id and q.year = v.quota_year
          returning ${reservationRows.columns}`,
    ),
    itemRows.insert(
      tx,
      needs.flatMap((n) => n.items),
    ),
  ] as const);
  const byId = new Map(written.map((r) => [r.id, r]));
  return needs.map((n) => byId.get(n.row.id) ?? null);
}

/** Raises the quota rows and writes the reservations with their lines; null where the quota would be exceeded. */
export const writeReservation = gathered(writeAll);
