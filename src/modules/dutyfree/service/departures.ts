/**
 * Leaving the island: departures reported by carriers (airlines, railway, shipping lines, as
 * department clients) and the pick-up scan at a port counter (离岛提货 / 离岛核验), which both hands
 * over the goods and shows the buyer is leaving. A departure is what clears a buyer who took goods
 * at once (guarantee- or buy-and-collect) from the deadline.
 */
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { runCommand } from '../../../platform/command.ts';
import { queryRows, recordset, together, type Tx } from '../../../platform/db/client.ts';
import { appendAuditMany, type AuditInput } from '../../../platform/audit/service.ts';
import { enqueueEvents, type NewEvent } from '../../../platform/outbox/service.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { DUTYFREE_EVENTS } from '../events.ts';
import { anyOf } from '../../../platform/db/rows.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { SECOND_LINE_PORTS } from '../../../kernel/ports.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { uuidv7 } from '../../../kernel/ids.ts';
import { Problem, problems, type FieldError } from '../../../kernel/problem.ts';
import { RULES, type DepartureMode, type IdType } from '../rules.ts';
import { normaliseTraceCode } from '../traceCode.ts';
import { actingShop, AGGREGATE, buyerAuditKey, personHash } from './store.ts';
import { dutyfreeBuyers, dutyfreeCodes, dutyfreeDepartures, dutyfreeTrips } from '../schema.ts';

/** Where goods are picked up when leaving: the airports and seaports, and the two stations trains leave from. */
export const PICKUP_POINTS: readonly string[] = [
  ...SECOND_LINE_PORTS.map((p) => p.code),
  'CNHAK-RAILWAY',
  'CNSYX-RAILWAY',
];

const DEPARTURE_COLUMNS =
  'id uuid, buyer_id uuid, mode text, number text, departure_date date, departed_at timestamptz, source text';

interface NewDeparture {
  buyerId: string;
  mode: string;
  number: string;
  date: string;
  departedAt: string;
  source: 'CARRIER' | 'PICKUP_SCAN';
}

/** Inserts the departures not recorded yet; returns those that were new. */
async function insertDepartures(tx: Tx, rows: NewDeparture[], reportedBy: string, now: Date): Promise<NewDeparture[]> {
  if (rows.length === 0) return [];
  const values = rows.map((d) => ({
    id: uuidv7(now.getTime()),
    buyer_id: d.buyerId,
    mode: d.mode,
    number: d.number,
    departure_date: d.date,
    departed_at: d.departedAt,
    source: d.source,
  }));
  const inserted = await queryRows<{ buyer_id: string; mode: string; number: string; departure_date: string }>(
    tx,
    sql`insert into ${dutyfreeDepartures} (id, buyer_id, mode, number, departure_date, departed_at, source, reported_by,
        created_at)
        select id, buyer_id, mode, number, departure_date, departed_at, source, ${reportedBy}, ${now.toISOString()}
        from ${recordset(values, DEPARTURE_COLUMNS)}
        on conflict (buyer_id, mode, number, departure_date) do nothing
        returning buyer_id, mode, number, departure_date::text as departure_date`,
  );
  const key = (b: string, m: string, n: string, d: string) => `${b}|${m}|${n}|${d}`;
  const fresh = new Set(inserted.map((i) => key(i.buyer_id, i.mode, i.number, i.departure_date)));
  return rows.filter((d) => fresh.has(key(d.buyerId, d.mode, d.number, d.date)));
}

function departureAudit(
  actor: Actor,
  d: NewDeparture,
  now: Date,
): { audit: AuditInput; event: Omit<NewEvent, 'auditSeq'> } {
  const change = {
    buyerId: d.buyerId,
    mode: d.mode,
    number: d.number,
    date: d.date,
    departedAt: d.departedAt,
    source: d.source,
  };
  return {
    audit: {
      actor: actorLabel(actor),
      action: 'dutyfree.departure',
      subject: `dutyfree-buyer:${d.buyerId}`,
      change,
      at: now,
      partitionKey: buyerAuditKey(d.buyerId),
    },
    event: typedEvent(DUTYFREE_EVENTS, 'DutyFreeDeparted', {
      aggregateType: AGGREGATE,
      aggregateId: d.buyerId,
      payload: change,
      occurredAt: now,
    }),
  };
}

async function auditAndPublish(
  tx: Tx,
  items: { audit: AuditInput; event: Omit<NewEvent, 'auditSeq'> }[],
): Promise<void> {
  if (items.length === 0) return;
  await appendAuditMany(
    tx,
    items.map((i) => i.audit),
    (entries) =>
      enqueueEvents(
        tx,
        items.map((i, k) => ({ ...i.event, auditSeq: entries[k]!.seq })),
      ),
  );
}

export interface CarrierDeparture {
  idType: IdType;
  idNumber: string;
  mode: DepartureMode;
  number: string;
  date: string;
  departedAt: string;
}

/**
 * Departures a carrier reports (its passengers who left). Travellers who never bought duty-free
 * goods are not recorded, only counted: the module keeps no register of all travellers.
 */
export async function recordDepartures(ctx: AppContext, actor: Actor, list: CarrierDeparture[]) {
  const hashes = list.map((d) => personHash(ctx, d.idType, d.idNumber));
  return runCommand(ctx, 'dutyfree.departures', async (tx) => {
    const now = ctx.clock.now();
    const buyers = await queryRows<{ id: string; id_number_hash: string }>(
      tx,
      sql`select id, id_number_hash from ${dutyfreeBuyers} where id_number_hash ${anyOf(hashes, 'text')}`,
    );
    const byHash = new Map(buyers.map((b) => [b.id_number_hash, b.id]));
    const rows: NewDeparture[] = [];
    list.forEach((d, i) => {
      const buyerId = byHash.get(hashes[i]!);
      if (buyerId)
        rows.push({
          buyerId,
          mode: d.mode,
          number: d.number,
          date: d.date,
          departedAt: new Date(d.departedAt).toISOString(),
          source: 'CARRIER',
        });
    });
    const unique = [...new Map(rows.map((r) => [`${r.buyerId}|${r.mode}|${r.number}|${r.date}`, r])).values()];
    const fresh = await insertDepartures(tx, unique, actorLabel(actor), now);
    await auditAndPublish(
      tx,
      fresh.map((d) => departureAudit(actor, d, now)),
    );
    return {
      recorded: fresh.length,
      alreadyRecorded: rows.length - fresh.length,
      unknownTravellers: list.length - rows.length,
    };
  });
}

interface ScannedCode {
  code: string;
  shop_code: string;
  status: string;
  collection: string;
  picked_up_at: string | null;
  buyer_id: string;
  mode: string;
  number: string;
}

function scanErrors(
  given: string[],
  found: Map<string, ScannedCode>,
  shop: string,
): { bad: FieldError[]; refused: FieldError[] } {
  const bad: FieldError[] = [];
  const refused: FieldError[] = [];
  given.forEach((code, i) => {
    const c = found.get(code);
    const path = `codes[${i}]`;
    // Another shop's code answers as unknown: a shop learns nothing about other shops' sales.
    if (!c || c.shop_code !== shop)
      bad.push({ path, rule: 'dutyfree.codeUnknown', message: `${code} is not a unit this shop sold.` });
    else if (c.status !== 'SOLD')
      refused.push({
        path,
        rule: 'dutyfree.alreadyReturned',
        message: `${code} was returned; it cannot be picked up.`,
      });
    else if (c.collection === 'MAIL' || c.collection === 'RETURN_PICKUP')
      refused.push({
        path,
        rule: RULES.collection,
        message: `${code} was sold for ${c.collection}, not for collection at departure.`,
      });
  });
  return { bad, refused };
}

/**
 * The pick-up scan at a port counter: the units are handed over (or, for goods taken at once,
 * checked out), and each buyer's departure on the scanned flight, train or sailing is recorded.
 */
export async function recordPickup(ctx: AppContext, actor: Actor, input: { point: string; codes: string[] }) {
  const shop = await actingShop(ctx, actor);
  if (!shop) throw problems.forbidden('Only a duty-free shop client records pick-ups.');
  if (!PICKUP_POINTS.includes(input.point))
    throw problems.field('point', 'dutyfree.pickupPoint', `Use a pick-up point: ${PICKUP_POINTS.join(', ')}.`);
  const given = [...new Set(input.codes.map(normaliseTraceCode))];
  return runCommand(ctx, 'dutyfree.pickup', async (tx) => {
    const now = ctx.clock.now();
    const rows = await queryRows<ScannedCode>(
      tx,
      sql`select c.code, c.shop_code, c.status, c.collection, c.picked_up_at::text as picked_up_at, c.buyer_id, t.mode,
          t.number
          from ${dutyfreeCodes} c join ${dutyfreeTrips} t on t.id = c.trip_id
          where c.code ${anyOf(given, 'text')} for update of c`,
    );
    const found = new Map(rows.map((r) => [r.code, r]));
    const { bad, refused } = scanErrors(given, found, shop);
    if (bad.length) throw problems.validation(bad);
    if (refused.length)
      throw new Problem({
        status: 422,
        code: 'dutyfree-refused',
        title: 'Refused by a duty-free rule',
        detail: refused.map((e) => e.message).join(' '),
        errors: refused,
      });
    const fresh = given.filter((c) => found.get(c)!.picked_up_at === null);
    const today = shanghaiDate(now);
    const trips = [
      ...new Map(given.map((c) => found.get(c)!).map((c) => [`${c.buyer_id}|${c.mode}|${c.number}`, c])).values(),
    ];
    const departures = trips.map((c) => ({
      buyerId: c.buyer_id,
      mode: c.mode,
      number: c.number,
      date: today,
      departedAt: now.toISOString(),
      source: 'PICKUP_SCAN' as const,
    }));
    const [, newDepartures] = await together([
      fresh.length
        ? tx.execute(
            sql`update ${dutyfreeCodes} set picked_up_at = ${now.toISOString()}, pickup_point = ${input.point}
                where code ${anyOf(fresh, 'text')}`,
          )
        : Promise.resolve(),
      insertDepartures(tx, departures, actorLabel(actor), now),
    ] as const);
    const pickedByBuyer = new Map<string, string[]>();
    for (const code of fresh)
      pickedByBuyer.set(found.get(code)!.buyer_id, [...(pickedByBuyer.get(found.get(code)!.buyer_id) ?? []), code]);
    const items = [
      ...[...pickedByBuyer].map(([buyerId, codes]) => {
        const change = { buyerId, shop, point: input.point, codes };
        return {
          audit: {
            actor: actorLabel(actor),
            action: 'dutyfree.pickup',
            subject: `dutyfree-buyer:${buyerId}`,
            change,
            at: now,
            partitionKey: buyerAuditKey(buyerId),
          },
          event: typedEvent(DUTYFREE_EVENTS, 'DutyFreePickedUp', {
            aggregateType: AGGREGATE,
            aggregateId: buyerId,
            payload: change,
            occurredAt: now,
          }),
        };
      }),
      ...newDepartures.map((d) => departureAudit(actor, d, now)),
    ];
    await auditAndPublish(tx, items);
    return { pickedUp: fresh.length, alreadyPickedUp: given.length - fresh.length, departures: newDepartures.length };
  });
}
