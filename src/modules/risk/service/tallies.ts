import { sql } from 'drizzle-orm';
import { Decimal } from 'decimal.js';
import { eager, together, type Executor } from '../../../platform/db/client.ts';
import { riskDailyTotals, riskFeatureDaily } from '../schema.ts';

/**
 * Running tallies, counted in the same transaction as the decisions or outcomes they count: per
 * feature version and day (hit rate and yield over time) and per day × port × level × credit class
 * (rates by class, the model page). A batch adds up in memory and writes one upsert per table.
 */

interface FeatureTally {
  fired: number;
  inspected: number;
  hits: number;
  revenueRecovered: Decimal;
}

interface TotalTally {
  assessed: number;
  selected: number;
  unbiasedSample: number;
  outcomes: number;
  hits: number;
  unbiasedOutcomes: number;
  unbiasedHits: number;
  revenueRecovered: Decimal;
  expectedRevenue: Decimal;
}

export interface TallyKey {
  day: string;
  port: string;
  level: string;
  creditClass: string;
}

export class Tallies {
  private readonly features = new Map<string, FeatureTally>();
  private readonly totals = new Map<string, TotalTally>();

  private feature(code: string, version: number, day: string): FeatureTally {
    const k = `${code}|${version}|${day}`;
    let t = this.features.get(k);
    if (!t) this.features.set(k, (t = { fired: 0, inspected: 0, hits: 0, revenueRecovered: new Decimal(0) }));
    return t;
  }

  private total(k: TallyKey): TotalTally {
    const key = `${k.day}|${k.port}|${k.level}|${k.creditClass}`;
    let t = this.totals.get(key);
    if (!t)
      this.totals.set(
        key,
        (t = {
          assessed: 0,
          selected: 0,
          unbiasedSample: 0,
          outcomes: 0,
          hits: 0,
          unbiasedOutcomes: 0,
          unbiasedHits: 0,
          revenueRecovered: new Decimal(0),
          expectedRevenue: new Decimal(0),
        }),
      );
    return t;
  }

  decision(
    k: TallyKey,
    d: { selected: boolean; unbiasedSample: boolean; expectedRevenue: string },
    fired: readonly { code: string; version: number }[],
  ): void {
    for (const f of fired) this.feature(f.code, f.version, k.day).fired++;
    const t = this.total(k);
    t.assessed++;
    if (d.selected) t.selected++;
    if (d.unbiasedSample) t.unbiasedSample++;
    t.expectedRevenue = t.expectedRevenue.plus(d.expectedRevenue);
  }

  outcome(
    k: TallyKey,
    o: { hit: boolean; unbiasedSample: boolean; revenueRecovered: string },
    fired: readonly { code: string; version: number }[],
  ): void {
    for (const f of fired) {
      const t = this.feature(f.code, f.version, k.day);
      t.inspected++;
      if (o.hit) t.hits++;
      t.revenueRecovered = t.revenueRecovered.plus(o.revenueRecovered);
    }
    const t = this.total(k);
    t.outcomes++;
    if (o.hit) t.hits++;
    if (o.unbiasedSample) {
      t.unbiasedOutcomes++;
      if (o.hit) t.unbiasedHits++;
    }
    t.revenueRecovered = t.revenueRecovered.plus(o.revenueRecovered);
  }

  async flush(tx: Executor): Promise<void> {
    const features = [...this.features.keys()].sort().map((k) => {
      const [code, version, day] = k.split('|') as [string, string, string];
      const t = this.features.get(k)!;
      return {
        code,
        version: Number(version),
        day,
        fired: t.fired,
        inspected: t.inspected,
        hits: t.hits,
        revenueRecovered: t.revenueRecovered.toFixed(2),
      };
    });
    // Both upserts in one round trip (pipelined, in this order).
    const writes: Promise<unknown>[] = [];
    if (features.length) {
      writes.push(
        eager(
          tx
            .insert(riskFeatureDaily)
            .values(features)
            .onConflictDoUpdate({
              target: [riskFeatureDaily.code, riskFeatureDaily.version, riskFeatureDaily.day],
              set: {
                fired: sql`${riskFeatureDaily.fired} + excluded.fired`,
                inspected: sql`${riskFeatureDaily.inspected} + excluded.inspected`,
                hits: sql`${riskFeatureDaily.hits} + excluded.hits`,
                revenueRecovered: sql`${riskFeatureDaily.revenueRecovered} + excluded.revenue_recovered`,
              },
            }),
        ),
      );
    }
    const totals = [...this.totals.keys()].sort().map((k) => {
      const [day, port, level, creditClass] = k.split('|') as [string, string, string, string];
      const t = this.totals.get(k)!;
      return {
        day,
        port,
        level,
        creditClass,
        ...t,
        revenueRecovered: t.revenueRecovered.toFixed(2),
        expectedRevenue: t.expectedRevenue.toFixed(2),
      };
    });
    if (totals.length) {
      const add = (c: keyof typeof riskDailyTotals._.columns, name: string) =>
        sql`${riskDailyTotals[c]} + excluded.${sql.raw(name)}`;
      writes.push(
        eager(
          tx
            .insert(riskDailyTotals)
            .values(totals)
            .onConflictDoUpdate({
              target: [riskDailyTotals.day, riskDailyTotals.port, riskDailyTotals.level, riskDailyTotals.creditClass],
              set: {
                assessed: add('assessed', 'assessed'),
                selected: add('selected', 'selected'),
                unbiasedSample: add('unbiasedSample', 'unbiased_sample'),
                outcomes: add('outcomes', 'outcomes'),
                hits: add('hits', 'hits'),
                unbiasedOutcomes: add('unbiasedOutcomes', 'unbiased_outcomes'),
                unbiasedHits: add('unbiasedHits', 'unbiased_hits'),
                revenueRecovered: add('revenueRecovered', 'revenue_recovered'),
                expectedRevenue: add('expectedRevenue', 'expected_revenue'),
              },
            }),
        ),
      );
    }
    await together(writes);
  }
}
