/**
 * A detection run over the database: the confirmed sales of the last `lookbackDays` (what was
 * returned left out) stream buyer by buyer into the detector, with the codes officers found on the
 * market; then, in one command, the run, the rings at or above the threshold with their members and
 * links, and the yellow list are written and audited.
 */
import { Decimal } from 'decimal.js';
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../../platform/context.ts';
import { queryRows, type Executor } from '../../../../platform/db/client.ts';
import { anyOf } from '../../../../platform/db/rows.ts';
import { runCommand } from '../../../../platform/command.ts';
import { appendAudit } from '../../../../platform/audit/service.ts';
import { getParameter } from '../../../../platform/parameters/service.ts';
import { shanghaiDate } from '../../../../kernel/clock.ts';
import { uuidv7 } from '../../../../kernel/ids.ts';
import { addDays, toDayNumber } from '../../../../kernel/dates.ts';
import { wholeNumber } from '../../../../kernel/wholeNumber.ts';
import { RingDetector, type DetectionResult, type SaleObservation } from '../detector.ts';
import { RING_PARAMETER } from '../parameters.ts';
import type { LinkKind, RingParameters } from '../rules.ts';
import { dutyfreeRingMembers, dutyfreeRingRuns, dutyfreeRings } from '../schema.ts';
import { refreshYellowList } from './yellow.ts';
import { hasRunFor, lockRuns } from './runs.ts';
import { dutyfreeBuyerFacts, dutyfreeReservationItems, dutyfreeReservations, dutyfreeTrips } from '../../schema.ts';

/** Buyers read per round trip: their sales of the window come in one statement. */
const BUYERS_PER_PAGE = 2_000;

type Limits = Record<string, { pieces?: number; millilitres?: number }>;

interface SaleRow {
  id: string;
  buyer_id: string;
  purchase_date: string;
  quota_year: number;
  kept: string;
  trip_id: string;
  departure_date: string;
  payer_hash: string;
  account_hash: string | null;
  phone_hash: string | null;
  address_hash: string | null;
  device_hash: string | null;
  items: [string, number, number, number | null][] | string;
}

/** The categories as the detector numbers them: the table's codes in order, then one for any other. */
export function categoryPlan(table: Limits) {
  const codes = Object.keys(table).sort();
  if (codes.length > 63) throw new RangeError('The detector handles at most 63 categories.');
  const index = new Map(codes.map((c, i) => [c, i]));
  const limits = [...codes.map((c) => table[c]!.pieces ?? table[c]!.millilitres ?? 0), 0];
  const unit = (code: string, quantity: number, pieces: number, volumeMl: number | null) => {
    const entry = table[code];
    if (entry?.pieces !== undefined) return quantity * pieces;
    if (entry?.millilitres !== undefined) return quantity * (volumeMl ?? 0);
    return quantity;
  };
  return { codes, index, limits, other: codes.length, unit };
}

async function salesOfBuyers(ex: Executor, buyerIds: readonly string[], from: string, to: string): Promise<SaleRow[]> {
  return queryRows<SaleRow>(
    ex,
    sql`select r.id, r.buyer_id, r.purchase_date::text as purchase_date, r.quota_year,
               (r.amount - r.returned_amount)::text as kept,
               r.trip_id, t.departure_date::text as departure_date,
               r.payer_hash, r.account_hash, r.phone_hash, r.address_hash, r.device_hash,
               (select coalesce(json_agg(json_build_array(i.category, i.quantity - i.returned_quantity,
                                                          i.pieces_per_unit, i.volume_ml)
                                         order by i.line_no), '[]'::json)
                  from ${dutyfreeReservationItems} i where i.reservation_id = r.id) as items
        from ${dutyfreeReservations} r join ${dutyfreeTrips} t on t.id = r.trip_id
        where r.buyer_id ${anyOf(buyerIds, 'uuid')} and r.status = 'CONFIRMED'
          and r.purchase_date between ${from} and ${to} and r.returned_amount < r.amount
        order by r.buyer_id, r.purchase_date, r.confirmed_at, r.id`,
  );
}

async function nextBuyers(ex: Executor, after: string | null, from: string, to: string): Promise<string[]> {
  const rows = await queryRows<{ buyer_id: string }>(
    ex,
    sql`select distinct r.buyer_id from ${dutyfreeReservations} r
        where r.status = 'CONFIRMED' and r.purchase_date between ${from} and ${to}
          and (${after}::uuid is null or r.buyer_id > ${after}::uuid)
        order by r.buyer_id limit ${BUYERS_PER_PAGE}`,
  );
  return rows.map((r) => r.buyer_id);
}

async function countBuyers(ex: Executor, from: string, to: string): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(
    ex,
    sql`select count(distinct buyer_id)::int as n from ${dutyfreeReservations}
        where status = 'CONFIRMED' and purchase_date between ${from} and ${to}`,
  );
  return Number(row?.n ?? 0);
}

async function marketCodes(ex: Executor, from: string, to: string): Promise<Map<string, number>> {
  const rows = await queryRows<{ buyer_id: string; n: number | string }>(
    ex,
    sql`select buyer_id, count(*)::int as n from ${dutyfreeBuyerFacts}
        where kind = 'CODE_FOUND_ON_MARKET' and occurred_on between ${from} and ${to} group by buyer_id`,
  );
  return new Map(rows.map((r) => [r.buyer_id, Number(r.n)]));
}

const LINK_COLUMNS: [LinkKind, keyof SaleRow][] = [
  ['PAYER', 'payer_hash'],
  ['ACCOUNT', 'account_hash'],
  ['PHONE', 'phone_hash'],
  ['ADDRESS', 'address_hash'],
  ['DEVICE', 'device_hash'],
];

function observation(row: SaleRow, buyer: number, plan: ReturnType<typeof categoryPlan>): SaleObservation {
  const items =
    typeof row.items === 'string' ? (JSON.parse(row.items) as [string, number, number, number | null][]) : row.items;
  const links: SaleObservation['links'][number][] = [];
  for (const [kind, column] of LINK_COLUMNS) {
    const key = row[column];
    if (typeof key === 'string' && key) links.push({ kind, key });
  }
  return {
    buyer,
    day: toDayNumber(row.purchase_date),
    // The trip's UUID ends in random bits: its last 32 tell a buyer's trips apart.
    trip: Number.parseInt(row.trip_id.slice(-8), 16) | 0,
    departureDay: toDayNumber(row.departure_date),
    year: wholeNumber(row.quota_year, 'quota_year'),
    amountFen: new Decimal(row.kept).times(100).toNumber(),
    lines: items
      .filter(([, quantity]) => quantity > 0)
      .map(([code, quantity, pieces, volumeMl]) => ({
        category: plan.index.get(code) ?? plan.other,
        units: plan.unit(code, quantity, pieces, volumeMl),
      })),
    links,
  };
}

export interface RunInput {
  /** The last day of the window (today by default). */
  to?: string;
  actor: string;
  onProgress?: (buyersDone: number, buyersTotal: number) => void;
}

export interface StreamedRun {
  from: string;
  to: string;
  params: RingParameters;
  parameterVersion: number;
  buyerIds: string[];
  result: DetectionResult;
  startedAt: Date;
}

/** Reads the window and runs the detector; writes nothing. */
export async function streamDetection(ctx: AppContext, input: RunInput): Promise<StreamedRun> {
  const startedAt = ctx.clock.now();
  const to = input.to ?? shanghaiDate(startedAt);
  const ring = await getParameter<RingParameters>(ctx.db, RING_PARAMETER, to);
  const params = ring.value;
  const from = addDays(to, -(params.lookbackDays - 1));
  const [limits, quota, total, codes] = await Promise.all([
    getParameter<Limits>(ctx.db, 'dutyfree.perTripLimits', to),
    getParameter<string>(ctx.db, 'dutyfree.annualQuotaCny', to),
    countBuyers(ctx.db, from, to),
    marketCodes(ctx.db, from, to),
  ]);
  const plan = categoryPlan(limits.value);
  const quotaFen = new Decimal(quota.value).times(100).toNumber();
  // Sales confirmed while the run reads may bring a few buyers the count did not see.
  const capacity = total + 1_000;
  const detector = new RingDetector({
    buyers: capacity,
    limits: plan.limits,
    quotaFen,
    firstDay: toDayNumber(from),
    params,
    identifierCapacity: Math.max(1024, total * 4),
  });
  const buyerIds: string[] = [];
  for (let after: string | null = null; ; ) {
    const page = await nextBuyers(ctx.db, after, from, to);
    if (page.length === 0) break;
    after = page[page.length - 1]!;
    for (const row of await salesOfBuyers(ctx.db, page, from, to)) {
      if (buyerIds[buyerIds.length - 1] !== row.buyer_id) {
        if (buyerIds.length === capacity) break;
        buyerIds.push(row.buyer_id);
        for (let i = 0; i < (codes.get(row.buyer_id) ?? 0); i++) detector.observeMarketCode(buyerIds.length - 1);
      }
      detector.observe(observation(row, buyerIds.length - 1, plan));
    }
    input.onProgress?.(buyerIds.length, total);
    if (buyerIds.length >= capacity) break;
  }
  return { from, to, params, parameterVersion: ring.version, buyerIds, result: detector.finish(), startedAt };
}

export interface RunSummary {
  runId: string;
  windowFrom: string;
  windowTo: string;
  buyers: number;
  sales: number;
  rings: number;
  yellow: { opened: number; refreshed: number; reopened: number };
  parameterVersion: number;
}

/**
 * Writes a streamed run: the run, its rings with members, the yellow list; one command, audited.
 * With `unlessRunFor`, nothing is written (null) when a run of that window's end is already stored.
 */
export async function storeRun(
  ctx: AppContext,
  run: StreamedRun,
  actor: string,
  opts: { unlessRunFor?: string } = {},
): Promise<RunSummary | null> {
  return runCommand(ctx, 'dutyfree.ringsDetect', async (tx) => {
    await lockRuns(tx);
    if (opts.unlessRunFor && (await hasRunFor(tx, opts.unlessRunFor))) return null;
    const now = ctx.clock.now();
    const runId = uuidv7(now.getTime());
    const ids = run.buyerIds;
    const flagged = run.result.rings.filter((r) => r.flagged);
    const ringRows = flagged.map((r) => ({
      id: uuidv7(now.getTime()),
      runId,
      score: r.score,
      behaviour: r.behaviour,
      structure: r.structure,
      size: r.members.length,
      parts: r.parts,
      links: r.links.map((l) => ({ kind: l.kind, hash: l.hash, buyers: l.buyers.map((b) => ids[b]!) })),
      createdAt: now,
    }));
    const memberRows = flagged.flatMap((r, i) =>
      r.memberScores.map((m) => ({
        ringId: ringRows[i]!.id,
        buyerId: ids[m.buyer]!,
        score: m.score,
        parts: m.parts,
        facts: m.facts,
      })),
    );
    const stats = { ...run.result.stats, yellowOwn: run.result.yellow.length };
    await tx.insert(dutyfreeRingRuns).values({
      id: runId,
      windowFrom: run.from,
      windowTo: run.to,
      parameterVersion: run.parameterVersion,
      stats,
      rings: ringRows.length,
      yellow: 0,
      runBy: actor,
      startedAt: run.startedAt,
      finishedAt: now,
    });
    for (let i = 0; i < ringRows.length; i += 500) await tx.insert(dutyfreeRings).values(ringRows.slice(i, i + 500));
    for (let i = 0; i < memberRows.length; i += 1000)
      await tx.insert(dutyfreeRingMembers).values(memberRows.slice(i, i + 1000));
    const yellow = await refreshYellowList(tx, {
      runId,
      now,
      own: run.result.yellow.map((y) => ({ buyerId: ids[y.buyer]!, score: y.score, parts: y.parts })),
      rings: flagged.map((r, i) => ({
        ringId: ringRows[i]!.id,
        score: r.score,
        members: r.memberScores.map((m) => ({ buyerId: ids[m.buyer]!, score: m.score, parts: m.parts })),
      })),
    });
    await tx.execute(
      sql`update ${dutyfreeRingRuns} set yellow = ${yellow.opened + yellow.refreshed + yellow.reopened}
          where id = ${runId}`,
    );
    const summary: RunSummary = {
      runId,
      windowFrom: run.from,
      windowTo: run.to,
      buyers: ids.length,
      sales: run.result.stats.sales,
      rings: ringRows.length,
      yellow,
      parameterVersion: run.parameterVersion,
    };
    await appendAudit(tx, {
      actor,
      action: 'dutyfree.ringsDetect',
      subject: `dutyfree-ring-run:${runId}`,
      change: { ...summary, stats },
      at: now,
    });
    return summary;
  });
}

/** One detection run: read the window, then store what was found. */
export async function detectRings(ctx: AppContext, input: RunInput): Promise<RunSummary> {
  return (await storeRun(ctx, await streamDetection(ctx, input), input.actor))!;
}
