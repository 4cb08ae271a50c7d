/**
 * The statements of a confirmation, one for all the confirmations of a group (gathered.ts): the
 * reservations locked (in id order) with their lines, then the writes (the reservations' status, the
 * quota rows, the traceability codes: one statement each). What is decided stays per request, in
 * settle.ts.
 *
 * A group never holds two confirmations of one reservation (group.ts), but it may hold two sales of
 * one buyer: their amounts are summed per quota row, so the row is moved once by their total.
 */
import { sql } from 'drizzle-orm';
import { recordset, together, type Tx } from '../../../platform/db/client.ts';
import { anyOf } from '../../../platform/db/rows.ts';
import { dutyfreeCodes, dutyfreeQuotas, dutyfreeReservationItems, dutyfreeReservations } from '../schema.ts';
import { gathered } from './gathered.ts';
import { itemRows, reservationRows, type ItemRow, type ReservationRow } from './store.ts';

async function lockAll(tx: Tx, ids: string[]): Promise<{ r: ReservationRow | null; items: ItemRow[] }[]> {
  const [rows, items] = await together([
    reservationRows.select(
      tx,
      sql`select ${reservationRows.columns} from ${dutyfreeReservations} where id ${anyOf(ids, 'uuid')}
          order by id for update`,
    ),
    itemRows.select(
      tx,
      sql`select ${itemRows.columns} from ${dutyfreeReservationItems} where reservation_id ${anyOf(ids, 'uuid')}
          order by reservation_id, line_no`,
    ),
  ] as const);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => ({ r: byId.get(id) ?? null, items: items.filter((i) => i.reservationId === id) }));
}

/** The reservation locked (`for update`) with its lines; null when there is none. */
export const lockReservation = gathered(lockAll);

export type CodeRow = {
  code: string;
  reservation_id: string;
  line_no: number;
  unit_no: number;
  buyer_id: string;
  shop_code: string;
  trip_id: string;
  collection: string;
  category: string;
  sold_at: string;
};

export interface ConfirmWrite {
  r: ReservationRow;
  now: Date;
  codes: CodeRow[];
}

const CODE_COLUMNS =
  'code text, reservation_id uuid, line_no int, unit_no int, buyer_id uuid, shop_code text, trip_id uuid, ' +
  'collection text, category text, sold_at timestamptz';

async function confirmAll(tx: Tx, writes: ConfirmWrite[]): Promise<null[]> {
  const sales = recordset(
    writes.map((w) => ({
      id: w.r.id,
      buyer_id: w.r.buyerId,
      year: w.r.quotaYear,
      amount: w.r.amount,
      at: w.now.toISOString(),
    })),
    'id uuid, buyer_id uuid, year int, amount numeric, at timestamptz',
  );
  await together([
    tx.execute(
      sql`update ${dutyfreeReservations} r set status = 'CONFIRMED', confirmed_at = v.at
          from ${sales} where r.id = v.id`,
    ),
    // Held quota becomes used: one move per quota row, by the total of the group's sales on it.
    tx.execute(
      sql`update ${dutyfreeQuotas} q set reserved = q.reserved - t.total, used = q.used + t.total, updated_at = t.at
          from (select v.buyer_id, v.year, sum(v.amount) as total, max(v.at) as at from ${sales}
                group by v.buyer_id, v.year) t
          where q.buyer_id = t.buyer_id and q.year = t.year`,
    ),
    tx.execute(sql`insert into ${dutyfreeCodes} (code, reservation_id, line_no, unit_no, buyer_id, shop_code, trip_id,
        collection, category, sold_at, status)
      select code, reservation_id, line_no, unit_no, buyer_id, shop_code, trip_id, collection, category, sold_at, 'SOLD'
      from ${recordset(
        writes.flatMap((w) => w.codes),
        CODE_COLUMNS,
      )}`),
  ] as const);
  return writes.map(() => null);
}

/** Confirms the sale: its status, the quota row (held → used) and its traceability codes. */
export const writeConfirmation = gathered(confirmAll);
