import { describe, expect, it } from 'vitest';
import { DEFAULT_RING_PARAMETERS as P, RING_PARAMETERS, ringParameterCheck } from './parameters.ts';
import { memberScore, ringScore, type MemberFacts } from './rules.ts';

const none: MemberFacts = {
  repeatCategory: 0,
  trips: 1,
  nearMaxTrips: 0,
  frequentTripRuns: 0,
  maxQuotaPercent: 5,
  marketCodes: 0,
};
const f = (over: Partial<MemberFacts>): MemberFacts => ({ ...none, ...over });

describe('memberScore', () => {
  const table: [string, Partial<MemberFacts>, number, string[]][] = [
    ['a tourist: nothing', {}, 0, []],
    ['one category bought again: the yellow-list warning', { repeatCategory: 1 }, 15, ['REPEAT_CATEGORY']],
    ['repeats are capped', { repeatCategory: 7 }, 45, ['REPEAT_CATEGORY']],
    ['near the limit on the only trip is no pattern', { trips: 1, nearMaxTrips: 1 }, 0, []],
    ['near the limit on 2 of 2 trips', { trips: 2, nearMaxTrips: 2 }, 30, ['NEAR_MAX_EVERY_TRIP']],
    ['near the limit on 3 of 4 trips (75%)', { trips: 4, nearMaxTrips: 3 }, 30, ['NEAR_MAX_EVERY_TRIP']],
    ['near the limit on 2 of 4 trips', { trips: 4, nearMaxTrips: 2 }, 0, []],
    ['three departures within 30 days', { trips: 3, frequentTripRuns: 1 }, 25, ['FREQUENT_TRIPS']],
    ['89% of the quota used', { maxQuotaPercent: 89 }, 0, []],
    ['90% of the quota used', { maxQuotaPercent: 90 }, 10, ['QUOTA_EXHAUSTED']],
    ['a code found on the market', { marketCodes: 1 }, 40, ['MARKET_CODE']],
    ['codes found on the market are capped', { marketCodes: 5 }, 80, ['MARKET_CODE']],
    [
      'everything: capped at 100',
      { repeatCategory: 3, trips: 5, nearMaxTrips: 5, frequentTripRuns: 2, maxQuotaPercent: 100, marketCodes: 2 },
      100,
      ['REPEAT_CATEGORY', 'NEAR_MAX_EVERY_TRIP', 'FREQUENT_TRIPS', 'QUOTA_EXHAUSTED', 'MARKET_CODE'],
    ],
  ];
  it.each(table)('%s', (_name, facts, score, codes) => {
    const m = memberScore(f(facts), P);
    expect(m.score).toBe(score);
    expect(m.parts.map((p) => p.code)).toEqual(codes);
  });
});

describe('ringScore', () => {
  it('a family sharing a card, a phone and an address but shopping like tourists stays under the threshold', () => {
    const links = [
      { kind: 'PAYER', sharers: 3 },
      { kind: 'PHONE', sharers: 2 },
      { kind: 'ADDRESS', sharers: 3 },
    ] as const;
    const r = ringScore([0, 15, 0], links, P);
    // behaviour floor(15 × 70 / 300) = 3; links 3×2 + 3×1 + 2×2 = 13, counted up to the behaviour: 3
    expect(r).toMatchObject({ behaviour: 3, structure: 3, score: 6, flagged: false });
    expect(r.parts.at(-1)).toEqual({ code: 'STRUCTURE_UP_TO_BEHAVIOUR', points: -10, value: 3 });
  });
  it('carriers paid by one organiser are flagged', () => {
    const r = ringScore([55, 45, 70, 30, 55, 55], [{ kind: 'PAYER', sharers: 6 }], P);
    // behaviour floor(310 × 70 / 600) = 36; structure 3 × 5 = 15
    expect(r).toMatchObject({ behaviour: 36, structure: 15, score: 51, flagged: true });
    expect(r.parts.map((p) => p.code)).toEqual(['MEMBERS_BEHAVIOUR', 'SHARED_PAYER']);
  });
  it('caps the structure and says so', () => {
    const r = ringScore(Array(20).fill(60), [{ kind: 'DEVICE', sharers: 20 }], P);
    expect(r).toMatchObject({ behaviour: 42, structure: 30, score: 72 });
    expect(r.parts.at(-1)).toEqual({ code: 'STRUCTURE_CAP', points: -8, value: 30 });
  });
  it('a tour group whose guide’s phone is on every sale scores nothing, however large', () => {
    const r = ringScore(Array(40).fill(0), [{ kind: 'PHONE', sharers: 40 }], P);
    expect(r).toMatchObject({ behaviour: 0, structure: 0, score: 0 });
  });
  it('is flagged exactly at the threshold, never under the minimum size', () => {
    const at = ringScore([50, 50], [{ kind: 'PHONE', sharers: 2 }], { ...P, ring: { ...P.ring, threshold: 38 } });
    expect(at).toMatchObject({ score: 38, flagged: true });
    const three = { ...P, ring: { ...P.ring, threshold: 38, minSize: 3 } };
    const small = ringScore([50, 50], [{ kind: 'PHONE', sharers: 2 }], three);
    expect(small.flagged).toBe(false);
  });
});

describe('parameter check', () => {
  it('accepts the seed', () => {
    expect(ringParameterCheck(RING_PARAMETERS[0]!.name, RING_PARAMETERS[0]!.value)).toEqual([]);
  });
  it('names every bad field', () => {
    const ring = { ...P.ring, threshold: 0 };
    const bad = { ...P, repeatWindowDays: 0, ring, linkWeights: { ...P.linkWeights, PAYER: -1 } };
    expect(ringParameterCheck('dutyfree.rings', bad)!.map((v) => v.rule)).toEqual([
      'dutyfree.parameters.rings.repeatWindowDays',
      'dutyfree.parameters.rings.linkWeights.PAYER',
      'dutyfree.parameters.rings.ring.threshold',
    ]);
    expect(ringParameterCheck('dutyfree.rings', 'x')!.length).toBeGreaterThan(10);
  });
  it('is silent on other names', () => {
    expect(ringParameterCheck('dutyfree.annualQuotaCny', '100000')).toBeNull();
  });
});
