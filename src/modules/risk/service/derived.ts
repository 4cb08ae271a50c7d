import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { createHmac } from 'node:crypto';
import type { Executor } from '../../../platform/db/client.ts';
import { priceKey, routeKey, weightKey, type OutcomeCounts, type PartyStats, type TraderProfile } from '../facts.ts';
import type { AssessmentInput, AssessmentLine } from '../input.ts';
import { decayed, daysBetween, type Moments } from '../stats.ts';
import { riskOutcomeStats, riskPartyTraders, riskReferenceStats, riskTraderProfiles } from '../schema.ts';

/**
 * The derived facts (参考价格分布、企业历史、航线与关联方统计), kept up to date incrementally: a
 * declaration adds itself when it is scored, an outcome adds what the inspection found. Rows are
 * always locked in the same order (trader, parties, references) so concurrent declarations queue
 * instead of deadlocking.
 */

type ProfileRow = typeof riskTraderProfiles.$inferSelect;

function toProfile(r: ProfileRow): TraderProfile {
  return {
    declarations: r.declarations,
    firstOn: r.firstOn,
    lastOn: r.lastOn,
    logValue: { n: r.logValueN, sum: r.logValueSum, sumSq: r.logValueSumSq },
    chapters: r.chapters as Record<string, number>,
    origins: r.origins as Record<string, number>,
    ports: r.ports as Record<string, number>,
    recentActivity: r.recentActivity,
    inspected: r.inspected,
    violations: r.violations,
    seizures: r.seizures,
    lastViolationOn: r.lastViolationOn,
  };
}

/** Locks (creating it empty if needed) and returns a trader's profile: one writer per trader at a time. */
export async function lockTraderProfile(tx: Executor, enterpriseId: string, asOf: string): Promise<TraderProfile> {
  // The no-op update takes the row lock and returns the row in one statement, new or not.
  const [row] = await tx
    .insert(riskTraderProfiles)
    .values({ enterpriseId, declarations: 0, firstOn: asOf, lastOn: asOf, logValueN: 0, logValueSum: 0, logValueSumSq: 0, chapters: {}, origins: {}, ports: {}, recentActivity: 0, inspected: 0, violations: 0, seizures: 0, lastViolationOn: null })
    .onConflictDoUpdate({ target: riskTraderProfiles.enterpriseId, set: { enterpriseId: sql`excluded.enterprise_id` } })
    .returning();
  return toProfile(row!);
}

/** The trader's profile after one more declaration (pure). */
export function profileAfterDeclaration(p: TraderProfile, input: AssessmentInput, asOf: string, totalValue: number): TraderProfile {
  const bump = (m: Record<string, number>, keys: string[]) => {
    const out = { ...m };
    for (const k of new Set(keys)) out[k] = (out[k] ?? 0) + 1;
    return out;
  };
  const first = p.declarations === 0;
  const log = totalValue > 0 ? Math.log(totalValue) : null;
  return {
    ...p,
    declarations: p.declarations + 1,
    firstOn: first ? asOf : p.firstOn < asOf ? p.firstOn : asOf,
    lastOn: first || asOf > p.lastOn ? asOf : p.lastOn,
    logValue: log === null ? p.logValue : { n: p.logValue.n + 1, sum: p.logValue.sum + log, sumSq: p.logValue.sumSq + log * log },
    chapters: bump(p.chapters, input.lines.map((l) => l.hsCode.slice(0, 2))),
    origins: bump(p.origins, input.lines.map((l) => l.originCountry)),
    ports: bump(p.ports, [input.port]),
    recentActivity: (first ? 0 : decayed(p.recentActivity, Math.max(0, daysBetween(p.lastOn, asOf)))) + 1,
  };
}

export async function saveTraderProfile(tx: Executor, enterpriseId: string, p: TraderProfile): Promise<void> {
  await tx
    .update(riskTraderProfiles)
    .set({
      declarations: p.declarations,
      firstOn: p.firstOn,
      lastOn: p.lastOn,
      logValueN: p.logValue.n,
      logValueSum: p.logValue.sum,
      logValueSumSq: p.logValue.sumSq,
      chapters: p.chapters,
      origins: p.origins,
      ports: p.ports,
      recentActivity: p.recentActivity,
      inspected: p.inspected,
      violations: p.violations,
      seizures: p.seizures,
      lastViolationOn: p.lastViolationOn,
    })
    .where(eq(riskTraderProfiles.enterpriseId, enterpriseId));
}

/** Reference rows for the subheadings of a declaration: price by origin and over all origins, weight. */
export async function loadReferences(ex: Executor, lines: readonly AssessmentLine[]): Promise<{ prices: Map<string, Moments>; weights: Map<string, Moments> }> {
  const hs6 = [...new Set(lines.map((l) => l.hsCode.slice(0, 6)))];
  const rows = await ex.select().from(riskReferenceStats).where(inArray(riskReferenceStats.hs6, hs6));
  const prices = new Map<string, Moments>();
  const weights = new Map<string, Moments>();
  for (const r of rows) {
    const m = { n: r.n, sum: r.sum, sumSq: r.sumSq };
    if (r.kind === 'PRICE') prices.set(priceKey(r.hs6, r.origin, r.unit), m);
    else weights.set(weightKey(r.hs6, r.unit), m);
  }
  return { prices, weights };
}

export interface ReferenceDelta {
  kind: 'PRICE' | 'WEIGHT';
  hs6: string;
  origin: string;
  unit: string;
  n: number;
  sum: number;
  sumSq: number;
}

/** What one line adds to (sign 1) or takes from (sign -1) the references. */
export function lineReferenceDeltas(line: { hsCode: string; originCountry: string; unit: string; quantity: string; valueCny: string; netWeightKg: string }, sign: 1 | -1): ReferenceDelta[] {
  const hs6 = line.hsCode.slice(0, 6);
  const qty = Number(line.quantity);
  const out: ReferenceDelta[] = [];
  const price = Number(line.valueCny) / qty;
  if (price > 0) {
    const l = Math.log(price);
    for (const origin of [line.originCountry, '*']) out.push({ kind: 'PRICE', hs6, origin, unit: line.unit, n: sign, sum: sign * l, sumSq: sign * l * l });
  }
  const w = Number(line.netWeightKg) / qty;
  if (w > 0) {
    const l = Math.log(w);
    out.push({ kind: 'WEIGHT', hs6, origin: '-', unit: line.unit, n: sign, sum: sign * l, sumSq: sign * l * l });
  }
  return out;
}

/** Folds deltas into the reference rows: one upsert, keys merged and sorted (a stable lock order). */
export async function applyReferenceDeltas(tx: Executor, deltas: ReferenceDelta[]): Promise<void> {
  const merged = new Map<string, ReferenceDelta>();
  for (const d of deltas) {
    const k = `${d.kind}|${d.hs6}|${d.origin}|${d.unit}`;
    const m = merged.get(k);
    if (m) (m.n += d.n), (m.sum += d.sum), (m.sumSq += d.sumSq);
    else merged.set(k, { ...d });
  }
  const rows = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, d]) => d).filter((d) => d.n !== 0);
  if (rows.length === 0) return;
  const after = await tx
    .insert(riskReferenceStats)
    .values(rows)
    .onConflictDoUpdate({
      target: [riskReferenceStats.kind, riskReferenceStats.hs6, riskReferenceStats.origin, riskReferenceStats.unit],
      set: {
        n: sql`${riskReferenceStats.n} + excluded.n`,
        sum: sql`${riskReferenceStats.sum} + excluded.sum`,
        sumSq: sql`${riskReferenceStats.sumSq} + excluded.sum_sq`,
      },
    })
    .returning({ kind: riskReferenceStats.kind, hs6: riskReferenceStats.hs6, origin: riskReferenceStats.origin, n: riskReferenceStats.n });
  // A correction only ever takes back what a declaration added: a negative count is a bug, and rolls back.
  const broken = after.find((r) => r.n < 0);
  if (broken) throw new Error(`Reference ${broken.kind} ${broken.hs6}/${broken.origin} would count ${broken.n} samples.`);
}

/** A party's name reduced to a keyed hash: links traders without keeping a second copy of names. */
export function partyKey(key: Uint8Array, name: string): string {
  return createHmac('sha256', key).update(name.normalize('NFKC').trim().replace(/\s+/g, ' ').toUpperCase()).digest('base64url').slice(0, 32);
}

export interface OutcomeContext {
  origins: Map<string, OutcomeCounts>;
  route: OutcomeCounts | null;
  seller: PartyStats | null;
  buyer: PartyStats | null;
}

export interface PartyKeys {
  seller: string | null;
  buyer: string | null;
}

export async function loadOutcomeContext(ex: Executor, input: AssessmentInput, parties: PartyKeys): Promise<OutcomeContext> {
  const origins = [...new Set(input.lines.map((l) => l.originCountry))];
  const rk = routeKey(input.port, input.route?.origin ?? '');
  const wanted: [string, string][] = [...origins.map((o): [string, string] => ['ORIGIN', o]), ['ROUTE', rk]];
  if (parties.seller) wanted.push(['SELLER', parties.seller]);
  if (parties.buyer) wanted.push(['BUYER', parties.buyer]);
  const rows = await ex
    .select()
    .from(riskOutcomeStats)
    .where(or(...wanted.map(([kind, key]) => and(eq(riskOutcomeStats.kind, kind), eq(riskOutcomeStats.key, key)))));
  const by = new Map(rows.map((r) => [`${r.kind}|${r.key}`, r]));
  const party = (k: string | null): PartyStats | null => {
    if (!k) return null;
    const r = by.get(k);
    return r ? { inspected: r.inspected, hits: r.hits, traders: r.traders, violationTraders: r.violationTraders } : { inspected: 0, hits: 0, traders: 0, violationTraders: 0 };
  };
  return {
    origins: new Map(origins.map((o) => [o, by.get(`ORIGIN|${o}`) ?? { inspected: 0, hits: 0 }])),
    route: by.get(`ROUTE|${rk}`) ?? null,
    seller: party(parties.seller ? `SELLER|${parties.seller}` : null),
    buyer: party(parties.buyer ? `BUYER|${parties.buyer}` : null),
  };
}

interface StatDelta {
  kind: string;
  key: string;
  inspected: number;
  hits: number;
  traders: number;
  violationTraders: number;
}

export async function applyOutcomeStatDeltas(tx: Executor, deltas: StatDelta[]): Promise<void> {
  const rows = deltas.filter((d) => d.inspected || d.hits || d.traders || d.violationTraders).sort((a, b) => (`${a.kind}|${a.key}` < `${b.kind}|${b.key}` ? -1 : 1));
  if (rows.length === 0) return;
  await tx
    .insert(riskOutcomeStats)
    .values(rows)
    .onConflictDoUpdate({
      target: [riskOutcomeStats.kind, riskOutcomeStats.key],
      set: {
        inspected: sql`${riskOutcomeStats.inspected} + excluded.inspected`,
        hits: sql`${riskOutcomeStats.hits} + excluded.hits`,
        traders: sql`${riskOutcomeStats.traders} + excluded.traders`,
        violationTraders: sql`${riskOutcomeStats.violationTraders} + excluded.violation_traders`,
      },
    });
}

/** Links the trader to its parties; a first link adds one trader to the party's count. */
export async function linkParties(tx: Executor, enterpriseId: string, parties: PartyKeys): Promise<void> {
  const deltas: StatDelta[] = [];
  for (const [kind, key] of [['SELLER', parties.seller], ['BUYER', parties.buyer]] as const) {
    if (!key) continue;
    const [row] = await tx
      .insert(riskPartyTraders)
      .values({ kind, partyKey: key, enterpriseId, declarations: 1, violated: false })
      .onConflictDoUpdate({ target: [riskPartyTraders.kind, riskPartyTraders.partyKey, riskPartyTraders.enterpriseId], set: { declarations: sql`${riskPartyTraders.declarations} + 1` } })
      .returning({ declarations: riskPartyTraders.declarations });
    if (row?.declarations === 1) deltas.push({ kind, key, inspected: 0, hits: 0, traders: 1, violationTraders: 0 });
  }
  await applyOutcomeStatDeltas(tx, deltas);
}

/** Marks the trader as found in breach with its parties; the first time counts one more violating trader. */
export async function markPartyViolations(tx: Executor, enterpriseId: string, parties: PartyKeys, hit: boolean): Promise<StatDelta[]> {
  const deltas: StatDelta[] = [];
  for (const [kind, key] of [['SELLER', parties.seller], ['BUYER', parties.buyer]] as const) {
    if (!key) continue;
    let newlyViolated = 0;
    if (hit) {
      const changed = await tx
        .update(riskPartyTraders)
        .set({ violated: true })
        .where(and(eq(riskPartyTraders.kind, kind), eq(riskPartyTraders.partyKey, key), eq(riskPartyTraders.enterpriseId, enterpriseId), eq(riskPartyTraders.violated, false)))
        .returning({ kind: riskPartyTraders.kind });
      newlyViolated = changed.length;
    }
    deltas.push({ kind, key, inspected: 1, hits: hit ? 1 : 0, traders: 0, violationTraders: newlyViolated });
  }
  return deltas;
}

export function outcomeStatDeltas(input: AssessmentInput, hit: boolean): StatDelta[] {
  const origins = [...new Set(input.lines.map((l) => l.originCountry))];
  return [
    ...origins.map((o) => ({ kind: 'ORIGIN', key: o, inspected: 1, hits: hit ? 1 : 0, traders: 0, violationTraders: 0 })),
    { kind: 'ROUTE', key: routeKey(input.port, input.route?.origin ?? ''), inspected: 1, hits: hit ? 1 : 0, traders: 0, violationTraders: 0 },
  ];
}
