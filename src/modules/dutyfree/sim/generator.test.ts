import { describe, expect, it } from 'vitest';
import { validateResidentId } from '../../../kernel/residentId.ts';
import { fromDayNumber, toDayNumber } from '../../credit/dates.ts';
import { ageOn } from '../rules.ts';
import { DEFAULT_RING_PARAMETERS } from '../rings/parameters.ts';
import { detectOnSimulation, metricsAt } from './evaluate.ts';
import { DutyfreeSimulation, RING_SHAPES, shoppersOn, type SimSale } from './generator.ts';
import { person } from './population.ts';

const collect = (sim: DutyfreeSimulation) => [...sim.events()].flatMap((d) => d.events);

describe('the simulated volumes', () => {
  it('match Hainan: about 36,000 shoppers a day at the Spring Festival, 7 million a year', () => {
    const festival = [];
    for (let d = toDayNumber('2026-02-15'); d <= toDayNumber('2026-02-23'); d++) festival.push(shoppersOn(1, d));
    const mean = festival.reduce((a, b) => a + b, 0) / festival.length;
    expect(mean).toBeGreaterThan(34_000);
    expect(mean).toBeLessThan(38_000);
    let year = 0;
    for (let d = toDayNumber('2026-01-01'); d <= toDayNumber('2026-12-31'); d++) year += shoppersOn(1, d);
    expect(year).toBeGreaterThan(6_500_000);
    expect(year).toBeLessThan(7_500_000);
  });
});

describe('DutyfreeSimulation', () => {
  const options = { seed: 42, startDate: '2026-02-10', days: 12, scale: 0.02 };
  const sim = new DutyfreeSimulation(options);
  const events = collect(sim);
  const sales = events.filter((e): e is SimSale => e.kind === 'sale');

  it('is deterministic for a seed, and another seed gives other sales', () => {
    expect(collect(new DutyfreeSimulation(options))).toEqual(events);
    const other = collect(new DutyfreeSimulation({ ...options, seed: 43 }));
    expect(other.slice(0, 50)).not.toEqual(events.slice(0, 50));
  });

  it('gives each day its share of shoppers, in time order', () => {
    const days = new Map<number, Set<number>>();
    for (const s of sales) (days.get(s.day) ?? days.set(s.day, new Set()).get(s.day)!).add(s.person);
    for (const [day, people] of days) {
      const expected = shoppersOn(42, day) * 0.02;
      expect(people.size).toBeGreaterThan(expected * 0.9);
      expect(people.size).toBeLessThan(expected * 1.4);
    }
    for (let i = 1; i < events.length; i++) expect(events[i]!.at).toBeGreaterThanOrEqual(events[i - 1]!.at);
  });

  it('gives every person a valid, distinct identity, of age on the day', () => {
    const ids = new Set<string>();
    const people = new Set(sales.map((s) => s.person));
    for (const index of people) {
      const p = person(42, index);
      ids.add(`${p.idType}:${p.idNumber}`);
      if (p.idType === 'RESIDENT_ID') expect(validateResidentId(p.idNumber, new Date('2026-03-01'))).toBeNull();
      expect(ageOn(p.birthDate, '2026-02-10')).toBeGreaterThanOrEqual(18);
    }
    expect(ids.size).toBe(people.size);
  });

  it('makes sales a till would accept: per-trip limits, collection rules', () => {
    const perTrip = new Map<string, Map<string, number>>();
    for (const s of sales) {
      const key = `${s.person}|${s.trip.mode}|${s.trip.number}|${s.trip.departureDay}`;
      const used = perTrip.get(key) ?? perTrip.set(key, new Map()).get(key)!;
      for (const i of s.items) {
        const units = i.product.volumeMl ? i.product.volumeMl * i.quantity : i.quantity;
        used.set(i.product.category, (used.get(i.product.category) ?? 0) + units);
      }
      expect(s.trip.departureDay).toBeGreaterThanOrEqual(s.day);
      const top = Math.max(...s.items.map((i) => i.product.priceFen));
      if (s.collection === 'MAIL') expect([s.payer, s.address !== null]).toEqual([s.person, true]);
      const bottom = Math.min(...s.items.map((i) => i.product.priceFen));
      if (s.collection === 'GUARANTEE_AND_COLLECT') expect(bottom).toBeGreaterThanOrEqual(5_000_000);
      if (s.collection === 'BUY_AND_COLLECT') expect(top).toBeLessThan(2_000_000);
      if (s.collection === 'RETURN_PICKUP') expect(person(42, s.person).islandResident).toBe(true);
      expect(s.amountFen).toBe(s.items.reduce((t, i) => t + i.product.priceFen * i.quantity, 0));
    }
    for (const used of perTrip.values()) {
      expect(used.get('COSMETICS') ?? 0).toBeLessThanOrEqual(30);
      expect(used.get('MOBILE_PHONE') ?? 0).toBeLessThanOrEqual(4);
      expect(used.get('ALCOHOL') ?? 0).toBeLessThanOrEqual(1500);
    }
    const collections = new Set(sales.map((s) => s.collection));
    const all = ['BUY_AND_COLLECT', 'DEPARTURE_PICKUP', 'GUARANTEE_AND_COLLECT', 'MAIL', 'RETURN_PICKUP'];
    expect([...collections].sort()).toEqual(all);
  });

  it('plants rings of every shape whose members buy', () => {
    expect(new Set(sim.rings.map((r) => r.shape))).toEqual(new Set(RING_SHAPES));
    const carriers = new Set(sales.filter((s) => s.ring >= 0).map((s) => s.ring));
    expect(carriers.size).toBeGreaterThanOrEqual(4);
    expect(sales.filter((s) => s.ring >= 0).every((s) => sim.ringOf().get(s.person) === s.ring)).toBe(true);
    expect(fromDayNumber(sales[0]!.day)).toBe('2026-02-10');
  });
});

describe('detection on simulated sales', () => {
  it('finds the planted carriers at the operating threshold', () => {
    const sim = new DutyfreeSimulation({ seed: 5, startDate: '2026-03-01', days: 75, scale: 0.03 });
    const { result } = detectOnSimulation(sim, DEFAULT_RING_PARAMETERS);
    const m = metricsAt(sim, result!, DEFAULT_RING_PARAMETERS.ring.threshold);
    expect(m.precision).toBeGreaterThan(0.85);
    expect(m.recall).toBeGreaterThan(0.75);
    expect(m.byShape.PAYER_HUB.recall).toBeGreaterThan(0.9);
  });
});
