import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../../platform/db/client.ts';
import type { FiredFeature } from '../rules.ts';
import { riskCapacityUsage, riskDailyTotals, riskFeatureDaily } from '../schema.ts';

/**
 * Running tallies, updated in the same transaction as the decision or outcome they count: per
 * feature version and day (hit rate and yield over time), per day × port × level × class (rates by
 * class, the model page), and the inspection capacity booked per port and day.
 */

interface DecisionTally {
  day: string;
  port: string;
  level: string;
  creditClass: string;
  selected: boolean;
  unbiasedSample: boolean;
  expectedRevenue: string;
}

const byFeature = (a: { code: string; version: number }, b: { code: string; version: number }) => (a.code < b.code ? -1 : a.code > b.code ? 1 : a.version - b.version);

export async function tallyDecision(tx: Executor, t: DecisionTally, fired: readonly FiredFeature[]): Promise<void> {
  if (fired.length) {
    await tx
      .insert(riskFeatureDaily)
      .values([...fired].sort(byFeature).map((f) => ({ code: f.code, version: f.version, day: t.day, fired: 1, inspected: 0, hits: 0, revenueRecovered: '0' })))
      .onConflictDoUpdate({ target: [riskFeatureDaily.code, riskFeatureDaily.version, riskFeatureDaily.day], set: { fired: sql`${riskFeatureDaily.fired} + 1` } });
  }
  await tx
    .insert(riskDailyTotals)
    .values({ day: t.day, port: t.port, level: t.level, creditClass: t.creditClass, assessed: 1, selected: t.selected ? 1 : 0, unbiasedSample: t.unbiasedSample ? 1 : 0, outcomes: 0, hits: 0, unbiasedOutcomes: 0, unbiasedHits: 0, revenueRecovered: '0', expectedRevenue: t.expectedRevenue })
    .onConflictDoUpdate({
      target: [riskDailyTotals.day, riskDailyTotals.port, riskDailyTotals.level, riskDailyTotals.creditClass],
      set: {
        assessed: sql`${riskDailyTotals.assessed} + 1`,
        selected: sql`${riskDailyTotals.selected} + excluded.selected`,
        unbiasedSample: sql`${riskDailyTotals.unbiasedSample} + excluded.unbiased_sample`,
        expectedRevenue: sql`${riskDailyTotals.expectedRevenue} + excluded.expected_revenue`,
      },
    });
}

interface OutcomeTally {
  day: string;
  port: string;
  level: string;
  creditClass: string;
  unbiasedSample: boolean;
  hit: boolean;
  revenueRecovered: string;
}

export async function tallyOutcome(tx: Executor, t: OutcomeTally, fired: readonly { code: string; version: number }[]): Promise<void> {
  const hit = t.hit ? 1 : 0;
  for (const f of [...fired].sort(byFeature)) {
    await tx
      .update(riskFeatureDaily)
      .set({ inspected: sql`${riskFeatureDaily.inspected} + 1`, hits: sql`${riskFeatureDaily.hits} + ${hit}`, revenueRecovered: sql`${riskFeatureDaily.revenueRecovered} + ${t.revenueRecovered}::numeric` })
      .where(and(eq(riskFeatureDaily.code, f.code), eq(riskFeatureDaily.version, f.version), eq(riskFeatureDaily.day, t.day)));
  }
  await tx
    .update(riskDailyTotals)
    .set({
      outcomes: sql`${riskDailyTotals.outcomes} + 1`,
      hits: sql`${riskDailyTotals.hits} + ${hit}`,
      unbiasedOutcomes: sql`${riskDailyTotals.unbiasedOutcomes} + ${t.unbiasedSample ? 1 : 0}`,
      unbiasedHits: sql`${riskDailyTotals.unbiasedHits} + ${t.unbiasedSample ? hit : 0}`,
      revenueRecovered: sql`${riskDailyTotals.revenueRecovered} + ${t.revenueRecovered}::numeric`,
    })
    .where(and(eq(riskDailyTotals.day, t.day), eq(riskDailyTotals.port, t.port), eq(riskDailyTotals.level, t.level), eq(riskDailyTotals.creditClass, t.creditClass)));
}

/**
 * Books one physical inspection at a port for a day. Mandatory inspections (RED, the random floor)
 * always book; the others only while fewer than `capacity` are booked. One atomic statement, so
 * concurrent declarations never book past the capacity.
 */
export async function bookInspection(tx: Executor, port: string, day: string, capacity: number, mandatory: boolean): Promise<boolean> {
  if (mandatory) {
    await tx
      .insert(riskCapacityUsage)
      .values({ port, day, used: 1 })
      .onConflictDoUpdate({ target: [riskCapacityUsage.port, riskCapacityUsage.day], set: { used: sql`${riskCapacityUsage.used} + 1` } });
    return true;
  }
  if (capacity <= 0) return false;
  const rows = await tx
    .insert(riskCapacityUsage)
    .values({ port, day, used: 1 })
    .onConflictDoUpdate({ target: [riskCapacityUsage.port, riskCapacityUsage.day], set: { used: sql`${riskCapacityUsage.used} + 1` }, setWhere: sql`${riskCapacityUsage.used} < ${capacity}` })
    .returning({ used: riskCapacityUsage.used });
  return rows.length === 1;
}
