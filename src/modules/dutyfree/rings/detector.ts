/**
 * Streaming resale-ring detection. Sales arrive one by one in time order (from the database through a
 * cursor, or from the simulator) and are folded into fixed-size per-buyer counters; nothing per sale
 * is kept. At the end the counters give each buyer's facts and score (rules.ts) and the link graph
 * (graph.ts) gives the rings. A buyer costs about 65 bytes here and each identifier about 20 in the
 * graph: a year of Hainan's sales (7 M buyers, 35 M items) fits in about 1.5 GB.
 *
 * Categories bought are kept as a bitmask per trip (up to 64 categories); a trip's categories are
 * compared with those of the buyer's two previous trips, which is where a carrier's repeat shows (a
 * carrier comes back within weeks; three trips inside the window are all compared with each other).
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
  /** 1 for each buyer seen in the stream (a sale or a code found). */
  activeBuyers: Uint8Array;
  stats: GraphStats & { buyers: number; sales: number; components: number; flaggedRings: number };
}

const NO_TRIP = -2_147_483_648;

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}
const U16 = 65_535;

export class RingDetector {
  private readonly n: number;
  private readonly c: number;
  private readonly p: RingParameters;
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
  // Per buyer: units of each limited category this trip; categories bought this trip and on the
  // two trips before (bitmasks of W words) with those trips' last purchase days.
  private readonly limited: Int8Array;
  private readonly limitOf: Int32Array;
  private readonly l: number;
  private readonly w: number;
  private readonly tripUnits: Uint16Array;
  private readonly tripMask: Uint32Array;
  private readonly pastMask: Uint32Array;
  private readonly pastEnd: Uint16Array;
  private readonly pastPos: Uint8Array;
  private readonly k: number;
  private readonly scratch: Uint32Array;

  constructor(o: DetectorOptions) {
    this.n = o.buyers;
    this.c = o.limits.length;
    if (this.c > 64) throw new RangeError('At most 64 categories.');
    this.p = o.params;
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
    this.limited = new Int8Array(this.c).fill(-1);
    const limitOf: number[] = [];
    o.limits.forEach((limit, c) => {
      if (limit > 0) this.limited[c] = limitOf.push(limit) - 1;
    });
    this.limitOf = Int32Array.from(limitOf);
    this.l = limitOf.length;
    this.w = Math.max(1, Math.ceil(this.c / 32));
    this.tripUnits = new Uint16Array(n * this.l);
    this.tripMask = new Uint32Array(n * this.w);
    this.pastMask = new Uint32Array(n * 2 * this.w);
    this.pastEnd = new Uint16Array(n * 2);
    this.pastPos = new Uint8Array(n);
    this.scratch = new Uint32Array(this.w);
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
    for (const l of s.lines) {
      const c = l.category;
      if (!(c >= 0 && c < this.c)) throw new RangeError(`Category ${c} is outside 0..${this.c - 1}.`);
      this.tripMask[b * this.w + (c >>> 5)]! |= 1 << (c & 31);
      const slot = this.limited[c]!;
      if (slot < 0) continue;
      const i = b * this.l + slot;
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
    let near = false;
    for (let j = 0; j < this.l; j++) {
      const i = b * this.l + j;
      if (this.tripUnits[i]! * 100 >= this.p.nearMax.limitPercent * this.limitOf[j]!) near = true;
      this.tripUnits[i] = 0;
    }
    if (near) this.nearMaxTrips[b] = Math.min(U16, this.nearMaxTrips[b]! + 1);
    this.countRepeats(b);
    this.countDeparture(b, this.tripDeparture[b]!);
  }

  /** Categories of this trip also bought on one of the two trips before, within the window. */
  private countRepeats(b: number): void {
    const w = this.w;
    const recent = this.scratch.fill(0);
    for (let t = 0; t < 2; t++) {
      const end = this.pastEnd[b * 2 + t]!;
      if (end === 0 || this.tripStart[b]! - end > this.p.repeatWindowDays) continue;
      for (let x = 0; x < w; x++) recent[x]! |= this.pastMask[(b * 2 + t) * w + x]!;
    }
    let repeated = 0;
    for (let x = 0; x < w; x++) repeated += popcount(this.tripMask[b * w + x]! & recent[x]!);
    if (repeated) this.repeats[b] = Math.min(U16, this.repeats[b]! + repeated);
    // This trip becomes the older of the two remembered.
    const t = this.pastPos[b]!;
    for (let x = 0; x < w; x++) {
      this.pastMask[(b * 2 + t) * w + x] = this.tripMask[b * w + x]!;
      this.tripMask[b * w + x] = 0;
    }
    this.pastEnd[b * 2 + t] = this.tripEnd[b]!;
    this.pastPos[b] = t ^ 1;
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
    return { rings, yellow, ringScoreOf, activeBuyers: this.seen, stats: { ...stats, ...counts } };
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
