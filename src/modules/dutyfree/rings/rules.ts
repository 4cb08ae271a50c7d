/**
 * Resale rings (套代购): what makes a buyer and a group of linked buyers suspect. Pure integer
 * arithmetic on facts already counted (detector.ts counts them): no I/O, no clock, no floats.
 *
 * A buyer's facts (../shared/spec/mission.md §8: "repeated purchases of the same goods, many buyers using the same
 * payer, address or phone, frequent short trips"):
 * - REPEAT_CATEGORY: a category bought again on another trip within `repeatWindowDays` of the last
 *   purchase of it — the yellow-list warning: tourists leave once, carriers come back for more;
 * - NEAR_MAX_EVERY_TRIP: at least `nearMax.minTrips` trips and on `nearMax.tripsPercent` of them some
 *   category bought up to `nearMax.limitPercent` of its per-trip limit;
 * - FREQUENT_TRIPS: `frequentTrips.count` departures within `frequentTrips.windowDays`;
 * - QUOTA_EXHAUSTED: `quotaUsedPercent` of a year's quota used;
 * - MARKET_CODE: a traceability code of the buyer's goods found on the market.
 *
 * A ring is a connected group of buyers who share a payer, payment account, phone, mail address or
 * device. Its score adds how its members behave (the mean of their scores, weighted) and how tightly
 * they are bound (each shared identifier's weight times the other buyers it binds, capped, and never
 * more than the behaviour part): a family sharing a card and an address is bound but shops like
 * tourists; a ring is bound and behaves like carriers.
 */
import type { Violation } from '../../../kernel/violation.ts';

/** PAYER: who paid (an identity); ACCOUNT: the payment account or card; ADDRESS: a mail-to address. */
export const LINK_KINDS = ['PAYER', 'ACCOUNT', 'PHONE', 'ADDRESS', 'DEVICE'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export const MEMBER_FACTS = [
  'REPEAT_CATEGORY',
  'NEAR_MAX_EVERY_TRIP',
  'FREQUENT_TRIPS',
  'QUOTA_EXHAUSTED',
  'MARKET_CODE',
] as const;
export type MemberFactCode = (typeof MEMBER_FACTS)[number];

export interface RingParameters {
  /** How many days of sales one detection run looks at, ending on the run's day. */
  lookbackDays: number;
  repeatWindowDays: number;
  nearMax: { limitPercent: number; tripsPercent: number; minTrips: number };
  frequentTrips: { count: number; windowDays: number };
  quotaUsedPercent: number;
  /** Points per fact; REPEAT_CATEGORY and MARKET_CODE per occurrence, up to their caps. */
  points: Record<MemberFactCode, number>;
  caps: { REPEAT_CATEGORY: number; MARKET_CODE: number };
  /** A buyer scoring at least this is put on the yellow list for an officer to review. */
  yellowThreshold: number;
  /** Weight of a shared identifier by kind; kinds under minLinkWeight link nobody. */
  linkWeights: Record<LinkKind, number>;
  minLinkWeight: number;
  /** An identifier used by more buyers is a public one (a shop's terminal, a hotel), not a link. */
  maxSharedBuyers: number;
  ring: {
    minSize: number;
    /** Percent of the members' mean score the ring score takes. */
    behaviourPercent: number;
    /** Most points the links may add. */
    structureCap: number;
    /** The operating threshold: a ring scoring this or more goes to the yellow-list queue as a ring. */
    threshold: number;
  };
}

/** What one buyer did over the period looked at. */
export interface MemberFacts {
  repeatCategory: number;
  trips: number;
  nearMaxTrips: number;
  frequentTripRuns: number;
  maxQuotaPercent: number;
  marketCodes: number;
}

export interface ScorePart {
  code: string;
  points: number;
  /** The counted value behind the points (occurrences, trips, percent). */
  value: number;
}

export interface MemberScore {
  score: number;
  parts: ScorePart[];
}

/** True when the facts show a trip pattern near the per-trip limits every time. */
function nearMaxEveryTrip(f: MemberFacts, p: RingParameters): boolean {
  return f.trips >= p.nearMax.minTrips && f.nearMaxTrips * 100 >= p.nearMax.tripsPercent * f.trips;
}

export function memberScore(f: MemberFacts, p: RingParameters): MemberScore {
  const parts: ScorePart[] = [];
  const add = (code: MemberFactCode, points: number, value: number) => {
    if (points > 0) parts.push({ code, points, value });
  };
  const repeats = Math.min(p.caps.REPEAT_CATEGORY, f.repeatCategory * p.points.REPEAT_CATEGORY);
  add('REPEAT_CATEGORY', repeats, f.repeatCategory);
  if (nearMaxEveryTrip(f, p)) add('NEAR_MAX_EVERY_TRIP', p.points.NEAR_MAX_EVERY_TRIP, f.nearMaxTrips);
  if (f.frequentTripRuns > 0) add('FREQUENT_TRIPS', p.points.FREQUENT_TRIPS, f.frequentTripRuns);
  if (f.maxQuotaPercent >= p.quotaUsedPercent) add('QUOTA_EXHAUSTED', p.points.QUOTA_EXHAUSTED, f.maxQuotaPercent);
  add('MARKET_CODE', Math.min(p.caps.MARKET_CODE, f.marketCodes * p.points.MARKET_CODE), f.marketCodes);
  const score = Math.min(
    100,
    parts.reduce((s, x) => s + x.points, 0),
  );
  return { score, parts };
}

export interface LinkSummary {
  kind: LinkKind;
  /** Buyers of the ring that share this identifier (at least 2). */
  sharers: number;
}

export interface RingScore {
  score: number;
  behaviour: number;
  structure: number;
  parts: ScorePart[];
  flagged: boolean;
}

/**
 * The ring's score: behaviour (the members' mean score × behaviourPercent ÷ 100, rounded down) plus
 * structure (Σ link weight × (sharers − 1), capped, and never more than the behaviour part: links
 * make carriers' conduct weigh more, they never make a ring of people who shop like tourists — a
 * family or a tour group whose guide's phone is on every sale scores nothing however large), at
 * most 100.
 */
export function ringScore(
  memberScores: readonly number[],
  links: readonly LinkSummary[],
  p: RingParameters,
): RingScore {
  const size = memberScores.length;
  const total = memberScores.reduce((s, x) => s + x, 0);
  const behaviour = size === 0 ? 0 : Math.floor((total * p.ring.behaviourPercent) / (100 * size));
  const byKind = new Map<LinkKind, { points: number; links: number }>();
  for (const l of links) {
    const k = byKind.get(l.kind) ?? { points: 0, links: 0 };
    k.points += p.linkWeights[l.kind] * (l.sharers - 1);
    k.links += 1;
    byKind.set(l.kind, k);
  }
  const rawStructure = [...byKind.values()].reduce((s, k) => s + k.points, 0);
  const limit = Math.min(p.ring.structureCap, behaviour);
  const structure = Math.min(limit, rawStructure);
  const mean = size === 0 ? 0 : Math.floor(total / size);
  const parts: ScorePart[] = [{ code: 'MEMBERS_BEHAVIOUR', points: behaviour, value: mean }];
  for (const kind of LINK_KINDS) {
    const k = byKind.get(kind);
    if (k) parts.push({ code: `SHARED_${kind}`, points: k.points, value: k.links });
  }
  if (rawStructure > structure) {
    const code = limit === behaviour && behaviour < p.ring.structureCap ? 'STRUCTURE_UP_TO_BEHAVIOUR' : 'STRUCTURE_CAP';
    parts.push({ code, points: structure - rawStructure, value: limit });
  }
  const score = Math.min(100, behaviour + structure);
  return { score, behaviour, structure, parts, flagged: size >= p.ring.minSize && score >= p.ring.threshold };
}

/** A kind links buyers only when its weight reaches the minimum. */
export function linksBuyers(kind: LinkKind, p: RingParameters): boolean {
  return p.linkWeights[kind] >= p.minLinkWeight;
}

const isInt = (x: unknown, lo: number, hi: number) => Number.isInteger(x) && (x as number) >= lo && (x as number) <= hi;

/** What is wrong with a ring parameter set (empty when usable). */
export function ringParameterViolations(value: unknown, rule = 'dutyfree.parameters.rings'): Violation[] {
  const v = (value ?? {}) as Partial<RingParameters>;
  const out: Violation[] = [];
  const need = (ok: boolean, path: string, message: string) => {
    if (!ok) out.push({ rule: `${rule}.${path}`, message: `${path}: ${message}` });
  };
  need(isInt(v.lookbackDays, 7, 731), 'lookbackDays', 'whole days from 7 to 731.');
  need(isInt(v.repeatWindowDays, 1, 366), 'repeatWindowDays', 'whole days from 1 to 366.');
  need(isInt(v.nearMax?.limitPercent, 1, 100), 'nearMax.limitPercent', 'a whole percent from 1 to 100.');
  need(isInt(v.nearMax?.tripsPercent, 1, 100), 'nearMax.tripsPercent', 'a whole percent from 1 to 100.');
  need(isInt(v.nearMax?.minTrips, 1, 100), 'nearMax.minTrips', 'whole trips from 1 to 100.');
  need(isInt(v.frequentTrips?.count, 2, 20), 'frequentTrips.count', 'whole departures from 2 to 20.');
  need(isInt(v.frequentTrips?.windowDays, 1, 366), 'frequentTrips.windowDays', 'whole days from 1 to 366.');
  need(isInt(v.quotaUsedPercent, 1, 100), 'quotaUsedPercent', 'a whole percent from 1 to 100.');
  for (const f of MEMBER_FACTS) need(isInt(v.points?.[f], 0, 100), `points.${f}`, 'whole points from 0 to 100.');
  need(isInt(v.caps?.REPEAT_CATEGORY, 0, 100), 'caps.REPEAT_CATEGORY', 'whole points from 0 to 100.');
  need(isInt(v.caps?.MARKET_CODE, 0, 100), 'caps.MARKET_CODE', 'whole points from 0 to 100.');
  need(isInt(v.yellowThreshold, 1, 100), 'yellowThreshold', 'whole points from 1 to 100.');
  for (const k of LINK_KINDS) {
    need(isInt(v.linkWeights?.[k], 0, 100), `linkWeights.${k}`, 'a whole weight from 0 to 100.');
  }
  need(isInt(v.minLinkWeight, 1, 100), 'minLinkWeight', 'a whole weight from 1 to 100.');
  need(isInt(v.maxSharedBuyers, 2, 10_000), 'maxSharedBuyers', 'whole buyers from 2 to 10000.');
  need(isInt(v.ring?.minSize, 2, 1000), 'ring.minSize', 'whole buyers from 2 to 1000.');
  need(isInt(v.ring?.behaviourPercent, 0, 100), 'ring.behaviourPercent', 'a whole percent from 0 to 100.');
  need(isInt(v.ring?.structureCap, 0, 100), 'ring.structureCap', 'whole points from 0 to 100.');
  need(isInt(v.ring?.threshold, 1, 100), 'ring.threshold', 'whole points from 1 to 100.');
  return out;
}
