/**
 * Streaming resale-ring detection. Sales arrive one by one in time order (from the database through a
 * cursor, or from the simulator) and are folded into fixed-size per-buyer counters; nothing per sale
 * is kept. At the end the counters give each buyer's facts and score (rules.ts) and the link graph
 * (graph.ts) gives the rings. A year of Hainan's sales (7 M buyers, 35 M items) fits in about 1.5 GB.
 *
 * Days are business day numbers (days since 1970-01-01, Asia/Shanghai); money is whole fen (integers,
 * exact far beyond a year's quota); category quantities are in the unit of the category's per-trip
 * limit (pieces or millilitres).
 */
import { LinkGraph, type Component, type GraphStats } from './graph.ts';
import { memberScore, ringScore } from './rules.ts';
import type { LinkKind, MemberFacts, RingParameters, ScorePart } from './rules.ts';

export interface SaleLine {
  /** Index into the category list the detector was built with. */
  category: number;
  /** Quantity in the unit of the category's per-trip limit. */
  units: number;
}

export interface SaleObservation {
  buyer: number;
  day: number;
  /** The buyer's departure (trip) this sale goes with: any integer that differs between a buyer's trips. */
  trip: number;
  departureDay: number;
  /** Calendar year of the sale (the quota year). */
  year: number;
  amountFen: number;
  lines: readonly SaleLine[];
  links: readonly { kind: LinkKind; key: string }[];
}

export interface DetectorOptions {
  /** Buyer numbers run from 0 to buyers - 1. */
  buyers: number;
  /** Per-trip limit of each category in its unit; 0 when the category has none. */
  limits: readonly number[];
  quotaFen: number;
  /** The earliest day a sale may have. */
  firstDay: number;
  params: RingParameters;
  /** Expected distinct identifiers (the table grows when it is too small). */
  identifierCapacity?: number;
}

export interface BuyerFlag {
  buyer: number;
  score: number;
  parts: ScorePart[];
}

export interface RingMember extends BuyerFlag {
  facts: MemberFacts;
}

export interface DetectedRing extends Component {
  score: number;
  behaviour: number;
  structure: number;
  parts: ScorePart[];
  flagged: boolean;
  memberScores: RingMember[];
}

export interface DetectionResult {
  /** Components scoring at least `reportFloor`, highest score first. */
  rings: DetectedRing[];
  /** Buyers at or above the yellow threshold on their own facts, highest first. */
  yellow: BuyerFlag[];
  /** Each buyer's ring score (the component's), -1 when in no component: for threshold sweeps. */
  ringScoreOf: Int16Array;
  stats: GraphStats & { buyers: number; sales: number; components: number; flaggedRings: number };
}

const NO_TRIP = -2_147_483_648;
const U16 = 65_535;

export class RingDetector {
  private readonly n: number;
  private readonly c: number;
  private readonly p: RingParameters;
  private readonly limits: Int32Array;
  private readonly quotaFen: number;
  private readonly day0: number;
  readonly graph: LinkGraph;
  private sales = 0;

  // Per buyer. Days are stored as day - day0 + 1 so that 0 means "none".
  private readonly seen: Uint8Array;
  private readonly trip: Int32Array;
  private readonly tripStart: Uint16Array;
  private readonly tripEnd: Uint16Array;
  private readonly tripDeparture: Uint16Array;
  private readonly trips: Uint16Array;
  private readonly nearMaxTrips: Uint16Array;
  private readonly repeats: Uint16Array;
  private readonly frequentRuns: Uint16Array;
  private readonly recent: Uint16Array;
  private readonly recentPos: Uint8Array;
  private readonly yearUsed: Uint32Array;
  private readonly usedYear: Uint16Array;
  private readonly maxQuotaPercent: Uint8Array;
  private readonly marketCodes: Uint8Array;
  // Per buyer and category.
  private readonly tripUnits: Uint16Array;
  private readonly lastBought: Uint16Array;
  private readonly k: number;

  constructor(o: DetectorOptions) {
    this.n = o.buyers;
    this.c = o.limits.length;
    this.p = o.params;
    this.limits = Int32Array.from(o.limits);
    this.quotaFen = o.quotaFen;
    this.day0 = o.firstDay - 1;
    this.k = o.params.frequentTrips.count - 1;
    this.graph = new LinkGraph(o.identifierCapacity ?? 1 << 16);
    const n = this.n;
    this.seen = new Uint8Array(n);
    this.trip = new Int32Array(n).fill(NO_TRIP);
    this.tripStart = new Uint16Array(n);
    this.tripEnd = new Uint16Array(n);
    this.tripDeparture = new Uint16Array(n);
    this.trips = new Uint16Array(n);
    this.nearMaxTrips = new Uint16Array(n);
    this.repeats = new Uint16Array(n);
    this.frequentRuns = new Uint16Array(n);
    this.recent = new Uint16Array(n * this.k);
    this.recentPos = new Uint8Array(n);
    this.yearUsed = new Uint32Array(n);
    this.usedYear = new Uint16Array(n);
    this.maxQuotaPercent = new Uint8Array(n);
    this.marketCodes = new Uint8Array(n);
    this.tripUnits = new Uint16Array(n * this.c);
    this.lastBought = new Uint16Array(n * this.c);
  }

  private offset(day: number): number {
    const d = day - this.day0;
    if (!(d >= 1 && d <= U16)) throw new RangeError(`Day ${day} is outside the detector's range.`);
    return d;
  }

  private checkBuyer(b: number): void {
    if (!(Number.isInteger(b) && b >= 0 && b < this.n)) throw new RangeError(`Buyer ${b} is outside 0..${this.n - 1}.`);
  }

  observe(s: SaleObservation): void {
    const b = s.buyer;
    this.checkBuyer(b);
    const day = this.offset(s.day);
    this.sales++;
    this.seen[b] = 1;
    if (this.trip[b] !== s.trip) {
      this.closeTrip(b);
      this.trip[b] = s.trip;
      this.tripStart[b] = day;
      this.tripDeparture[b] = this.offset(Math.max(s.departureDay, s.day));
    }
    this.tripEnd[b] = day;
    const row = b * this.c;
    for (const l of s.lines) {
      const i = row + l.category;
      this.tripUnits[i] = Math.min(U16, this.tripUnits[i]! + l.units);
    }
    this.addSpend(b, s.year, s.amountFen);
    for (const l of s.links) this.graph.observe(l.kind, l.key, b);
  }

  /** An officer found a code of this buyer's goods on the market. */
  observeMarketCode(buyer: number): void {
    this.checkBuyer(buyer);
    this.seen[buyer] = 1;
    this.marketCodes[buyer] = Math.min(255, this.marketCodes[buyer]! + 1);
  }

  private addSpend(b: number, year: number, fen: number): void {
    if (this.usedYear[b] !== year) {
      this.usedYear[b] = year;
      this.yearUsed[b] = 0;
    }
    const used = Math.min(0xffff_ffff, this.yearUsed[b]! + fen);
    this.yearUsed[b] = used;
    const percent = Math.min(255, Math.floor((used * 100) / this.quotaFen));
    if (percent > this.maxQuotaPercent[b]!) this.maxQuotaPercent[b] = percent;
  }

  /** Folds the buyer's open trip into the counters: limits reached, categories bought again, departures. */
  private closeTrip(b: number): void {
    if (this.trip[b] === NO_TRIP) return;
    this.trip[b] = NO_TRIP;
    this.trips[b] = Math.min(U16, this.trips[b]! + 1);
    const row = b * this.c;
    const start = this.tripStart[b]!;
    let near = false;
    for (let c = 0; c < this.c; c++) {
      const units = this.tripUnits[row + c]!;
      if (units === 0) continue;
      const limit = this.limits[c]!;
      if (limit > 0 && units * 100 >= this.p.nearMax.limitPercent * limit) near = true;
      const last = this.lastBought[row + c]!;
      if (last !== 0 && start - last <= this.p.repeatWindowDays) this.repeats[b] = Math.min(U16, this.repeats[b]! + 1);
      this.lastBought[row + c] = this.tripEnd[b]!;
      this.tripUnits[row + c] = 0;
    }
    if (near) this.nearMaxTrips[b] = Math.min(U16, this.nearMaxTrips[b]! + 1);
    this.countDeparture(b, this.tripDeparture[b]!);
  }

  /** `frequentTrips.count` departures within the window: the oldest of the last count-1 is recent enough. */
  private countDeparture(b: number, departure: number): void {
    const k = this.k;
    const base = b * k;
    const pos = this.recentPos[b]!;
    const oldest = this.recent[base + pos]!;
    if (oldest !== 0 && departure - oldest < this.p.frequentTrips.windowDays) {
      this.frequentRuns[b] = Math.min(U16, this.frequentRuns[b]! + 1);
    }
    this.recent[base + pos] = departure;
    this.recentPos[b] = (pos + 1) % k;
  }

  factsOf(b: number): MemberFacts {
    return {
      repeatCategory: this.repeats[b]!,
      trips: this.trips[b]!,
      nearMaxTrips: this.nearMaxTrips[b]!,
      frequentTripRuns: this.frequentRuns[b]!,
      maxQuotaPercent: this.maxQuotaPercent[b]!,
      marketCodes: this.marketCodes[b]!,
    };
  }

  private anyFact(b: number): boolean {
    return (
      this.repeats[b]! > 0 ||
      this.nearMaxTrips[b]! > 0 ||
      this.frequentRuns[b]! > 0 ||
      this.marketCodes[b]! > 0 ||
      this.maxQuotaPercent[b]! >= this.p.quotaUsedPercent
    );
  }

  /** Ends the stream: closes open trips, scores buyers, cuts and scores the rings. */
  finish(opts: { reportFloor?: number } = {}): DetectionResult {
    const p = this.p;
    for (let b = 0; b < this.n; b++) this.closeTrip(b);
    const yellow: BuyerFlag[] = [];
    for (let b = 0; b < this.n; b++) {
      if (!this.seen[b] || !this.anyFact(b)) continue;
      const m = memberScore(this.factsOf(b), p);
      if (m.score >= p.yellowThreshold) yellow.push({ buyer: b, score: m.score, parts: m.parts });
    }
    yellow.sort((a, b) => b.score - a.score || a.buyer - b.buyer);
    const { components, stats } = this.graph.components(this.n, p);
    const ringScoreOf = new Int16Array(this.n).fill(-1);
    const floor = opts.reportFloor ?? p.ring.threshold;
    const rings: DetectedRing[] = [];
    let flaggedRings = 0;
    for (const comp of components) {
      const ring = this.scoreComponent(comp);
      for (const b of comp.members) ringScoreOf[b] = ring.score;
      if (ring.flagged) flaggedRings++;
      if (ring.score >= floor) rings.push(ring);
    }
    rings.sort((a, b) => b.score - a.score || a.members[0]! - b.members[0]!);
    const counts = { buyers: this.n, sales: this.sales, components: components.length, flaggedRings };
    return { rings, yellow, ringScoreOf, stats: { ...stats, ...counts } };
  }

  private scoreComponent(comp: Component): DetectedRing {
    const memberScores: RingMember[] = comp.members.map((buyer) => {
      const facts = this.factsOf(buyer);
      return { buyer, facts, ...memberScore(facts, this.p) };
    });
    const links = comp.links.map((l) => ({ kind: l.kind, sharers: l.buyers.length }));
    const r = ringScore(
      memberScores.map((m) => m.score),
      links,
      this.p,
    );
    return { ...comp, ...r, memberScores };
  }
}
