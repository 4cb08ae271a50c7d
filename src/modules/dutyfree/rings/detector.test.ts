import { describe, expect, it } from 'vitest';
import { toDayNumber } from '../../credit/dates.ts';
import { RingDetector, type SaleObservation } from './detector.ts';
import { DEFAULT_RING_PARAMETERS as P } from './parameters.ts';
import type { LinkKind } from './rules.ts';

// Categories of this test: 0 cosmetics (30 pieces a trip), 1 phones (4), 2 alcohol (1,500 ml), 3 bags (none).
const LIMITS = [30, 4, 1500, 0];
const QUOTA_FEN = 100_000 * 100;
const D = (date: string) => toDayNumber(date);

function detector(buyers = 10) {
  const firstDay = D('2026-01-01');
  return new RingDetector({ buyers, limits: LIMITS, quotaFen: QUOTA_FEN, firstDay, params: P, identifierCapacity: 16 });
}

interface Sale {
  buyer: number;
  on: string;
  leaves?: string;
  lines: [number, number][];
  yuan?: number;
  links?: [LinkKind, string][];
}

function sale(s: Sale): SaleObservation {
  const departureDay = D(s.leaves ?? s.on);
  return {
    buyer: s.buyer,
    day: D(s.on),
    trip: departureDay,
    departureDay,
    year: Number(s.on.slice(0, 4)),
    amountFen: (s.yuan ?? 1000) * 100,
    lines: s.lines.map(([category, units]) => ({ category, units })),
    links: (s.links ?? []).map(([kind, key]) => ({ kind, key })),
  };
}

describe('RingDetector: a buyer’s facts', () => {
  it('counts a category bought again on another trip within the window, not on the same trip', () => {
    const d = detector();
    d.observe(sale({ buyer: 0, on: '2026-03-01', lines: [[0, 5]] }));
    d.observe(sale({ buyer: 0, on: '2026-03-01', lines: [[0, 5]] })); // same trip
    d.observe(
      sale({
        buyer: 0,
        on: '2026-03-31',
        lines: [
          [0, 5],
          [3, 1],
        ],
      }),
    ); // 30 days after: a repeat
    d.observe(sale({ buyer: 1, on: '2026-03-01', lines: [[0, 5]] }));
    d.observe(sale({ buyer: 1, on: '2026-04-01', lines: [[0, 5]] })); // 31 days after: none
    const r = d.finish();
    expect(d.factsOf(0)).toMatchObject({ repeatCategory: 1, trips: 2 });
    expect(d.factsOf(1)).toMatchObject({ repeatCategory: 0, trips: 2 });
    expect(r.yellow.map((y) => [y.buyer, y.score])).toEqual([[0, 15]]);
  });

  it('sums a trip’s sales per category before comparing with the limit (80%)', () => {
    const d = detector();
    // Buyer 0: 14 + 10 = 24 of 30 cosmetics on trip 1, 4 of 4 phones on trip 2: near the limit on both.
    d.observe(sale({ buyer: 0, on: '2026-05-01', lines: [[0, 14]] }));
    d.observe(sale({ buyer: 0, on: '2026-05-02', leaves: '2026-05-01', lines: [[0, 10]] }));
    d.observe(sale({ buyer: 0, on: '2026-07-01', lines: [[1, 4]] }));
    // Buyer 1: 23 of 30 and 1,100 of 1,500 ml: under 80% both times.
    d.observe(sale({ buyer: 1, on: '2026-05-01', lines: [[0, 23]] }));
    d.observe(sale({ buyer: 1, on: '2026-07-01', lines: [[2, 1100]] }));
    d.finish();
    expect(d.factsOf(0)).toMatchObject({ trips: 2, nearMaxTrips: 2 });
    expect(d.factsOf(1)).toMatchObject({ trips: 2, nearMaxTrips: 0 });
  });

  it('counts three departures within 30 days', () => {
    const d = detector();
    for (const on of ['2026-06-01', '2026-06-12', '2026-06-30']) d.observe(sale({ buyer: 0, on, lines: [[3, 1]] }));
    for (const on of ['2026-06-01', '2026-06-12', '2026-07-01']) d.observe(sale({ buyer: 1, on, lines: [[3, 1]] }));
    d.finish();
    expect(d.factsOf(0).frequentTripRuns).toBe(1);
    expect(d.factsOf(1).frequentTripRuns).toBe(0);
  });

  it('measures the quota per calendar year', () => {
    const d = detector();
    d.observe(sale({ buyer: 0, on: '2026-12-30', lines: [[3, 1]], yuan: 60_000 }));
    d.observe(sale({ buyer: 0, on: '2027-01-02', lines: [[3, 1]], yuan: 60_000 }));
    d.observe(sale({ buyer: 1, on: '2026-02-01', lines: [[3, 1]], yuan: 60_000 }));
    d.observe(sale({ buyer: 1, on: '2026-03-01', lines: [[3, 1]], yuan: 30_000.5 }));
    d.finish();
    expect(d.factsOf(0).maxQuotaPercent).toBe(60);
    expect(d.factsOf(1).maxQuotaPercent).toBe(90);
  });

  it('counts codes found on the market and refuses buyers and days out of range', () => {
    const d = detector(2);
    d.observeMarketCode(1);
    d.observeMarketCode(1);
    expect(() => d.observeMarketCode(2)).toThrow(RangeError);
    expect(() => d.observe(sale({ buyer: 0, on: '2025-12-31', lines: [] }))).toThrow(RangeError);
    const r = d.finish();
    expect(r.yellow).toEqual([{ buyer: 1, score: 80, parts: [{ code: 'MARKET_CODE', points: 80, value: 2 }] }]);
  });
});

describe('RingDetector: rings', () => {
  it('flags carriers paid by one card and leaves a family alone', () => {
    const d = detector(12);
    // A family (buyers 0-2) shares a card and an address and shops once.
    for (const b of [0, 1, 2]) {
      const links: [LinkKind, string][] = [
        ['PAYER', 'family-card'],
        ['ADDRESS', 'home'],
      ];
      d.observe(sale({ buyer: b, on: '2026-02-10', lines: [[0, 6]], links }));
    }
    // Five carriers (buyers 5-9), one organiser's card, cosmetics at the limit twice a month.
    for (const b of [5, 6, 7, 8, 9]) {
      for (const on of ['2026-03-01', '2026-03-15', '2026-03-29']) {
        d.observe(
          sale({
            buyer: b,
            on,
            lines: [[0, 30]],
            links: [
              ['PAYER', 'organiser'],
              ['PHONE', `own-${b}`],
            ],
          }),
        );
      }
    }
    const r = d.finish({ reportFloor: 0 });
    expect(r.rings.map((x) => [x.members, x.flagged])).toEqual([
      [[5, 6, 7, 8, 9], true],
      [[0, 1, 2], false],
    ]);
    const ring = r.rings[0]!;
    // Each carrier: repeats 2 × 15 = 30, near the limit 3 of 3 trips = 30, three departures in 29 days = 25.
    expect(ring.memberScores.map((m) => m.score)).toEqual([85, 85, 85, 85, 85]);
    expect(ring).toMatchObject({ behaviour: 59, structure: 12, score: 71 });
    expect(ring.links).toEqual([expect.objectContaining({ kind: 'PAYER', buyers: [5, 6, 7, 8, 9] })]);
    expect(Array.from(r.ringScoreOf)).toEqual([0, 0, 0, -1, -1, 71, 71, 71, 71, 71, -1, -1]);
    expect(r.stats).toMatchObject({ sales: 18, components: 2, flaggedRings: 1, shared: 3 });
  });
});
