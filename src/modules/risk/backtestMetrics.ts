import { Decimal } from 'decimal.js';
import type { Level, LevelParameters } from './rules.ts';

/**
 * What a draft feature would have done over past declarations (回测): how often it fires, how the
 * levels and the inspection rate would move, and — on declarations with a known outcome — its
 * precision, recall and the revenue it would have caught. Outcomes exist mostly where someone chose
 * to inspect, so the same figures are also given on the random (unbiased) sample alone.
 */

export interface BacktestObservation {
  fires: boolean;
  storedLevel: Level;
  storedScore: number;
  /** Points the live version of the same feature added to this decision (0 when none). */
  storedContribution: number;
  /** A level some other feature forced on this decision, if any. */
  otherForcedLevel: 'RED' | 'YELLOW' | null;
  /** Selected for a reason other than the RED level (random, targeted). */
  selectedOtherwise: boolean;
  selected: boolean;
  outcome: 'MATCH' | 'DISCREPANCY' | 'SEIZURE' | null;
  unbiasedSample: boolean;
  revenueRecovered: string;
  revenueAtStake: string;
  month: string;
}

interface Confusion {
  labelled: number;
  positives: number;
  hitsLabelled: number;
  hitsPositive: number;
}

const rate = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);

function confusionView(c: Confusion) {
  return {
    ...c,
    precision: rate(c.hitsPositive, c.hitsLabelled),
    recall: rate(c.hitsPositive, c.positives),
    baseRate: rate(c.positives, c.labelled),
  };
}

const RANK: Record<Level, number> = { BLUE: 0, YELLOW: 1, RED: 2 };

export class BacktestAccumulator {
  private n = 0;
  private hits = 0;
  private selected = 0;
  private wouldInspect = 0;
  private levelChanges: Record<string, number> = {};
  private all: Confusion = { labelled: 0, positives: 0, hitsLabelled: 0, hitsPositive: 0 };
  private unbiased: Confusion = { labelled: 0, positives: 0, hitsLabelled: 0, hitsPositive: 0 };
  private revenueCaught = new Decimal(0);
  private revenueTotal = new Decimal(0);
  private stakeOfHits = new Decimal(0);
  private months = new Map<string, { declarations: number; hits: number }>();

  constructor(
    private readonly points: number,
    private readonly forceLevel: 'RED' | 'YELLOW' | null,
    private readonly thresholds: LevelParameters,
  ) {}

  add(o: BacktestObservation): void {
    this.n++;
    const m = this.months.get(o.month) ?? { declarations: 0, hits: 0 };
    m.declarations++;
    if (o.fires) m.hits++;
    this.months.set(o.month, m);
    if (o.fires) {
      this.hits++;
      this.stakeOfHits = this.stakeOfHits.plus(o.revenueAtStake);
    }
    if (o.selected) this.selected++;
    const score = o.storedScore - o.storedContribution + (o.fires ? this.points : 0);
    let level: Level = score >= this.thresholds.red ? 'RED' : score >= this.thresholds.yellow ? 'YELLOW' : 'BLUE';
    for (const forced of [o.otherForcedLevel, o.fires ? this.forceLevel : null])
      if (forced && RANK[forced] > RANK[level]) level = forced;
    if (level !== o.storedLevel)
      this.levelChanges[`${o.storedLevel}->${level}`] = (this.levelChanges[`${o.storedLevel}->${level}`] ?? 0) + 1;
    if (level === 'RED' || o.selectedOtherwise) this.wouldInspect++;
    if (o.outcome === null) return;
    const positive = o.outcome !== 'MATCH';
    this.revenueTotal = this.revenueTotal.plus(o.revenueRecovered);
    if (positive && o.fires) this.revenueCaught = this.revenueCaught.plus(o.revenueRecovered);
    for (const c of o.unbiasedSample ? [this.all, this.unbiased] : [this.all]) {
      c.labelled++;
      if (positive) c.positives++;
      if (o.fires) {
        c.hitsLabelled++;
        if (positive) c.hitsPositive++;
      }
    }
  }

  result() {
    const all = confusionView(this.all);
    return {
      declarations: this.n,
      hits: this.hits,
      hitRate: rate(this.hits, this.n),
      inspectionRate: rate(this.selected, this.n),
      wouldBeInspectionRate: rate(this.wouldInspect, this.n),
      levelChanges: this.levelChanges,
      known: all,
      lift: all.precision !== null && all.baseRate ? Math.round((all.precision / all.baseRate) * 100) / 100 : null,
      unbiasedSample: confusionView(this.unbiased),
      revenueRecoveredCaught: this.revenueCaught.toFixed(2),
      revenueRecoveredTotal: this.revenueTotal.toFixed(2),
      revenueShare: this.revenueTotal.isZero() ? null : Number(this.revenueCaught.div(this.revenueTotal).toFixed(4)),
      revenueAtStakeOfHits: this.stakeOfHits.toFixed(2),
      byMonth: [...this.months.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([month, v]) => ({ month, ...v })),
    };
  }
}
