import { describe, expect, it } from 'vitest';
import {
  ageBucketOf,
  bucketBounds,
  bucketPercentile,
  clearanceBucket,
  hourBuckets,
  lastDays,
  PORT_LOCATIONS,
  portsForMap,
  shanghaiDayStart,
  windowOf,
} from './rules.ts';

describe('command centre windows', () => {
  it('today is the Shanghai calendar day, whatever the UTC date', () => {
    // 02:00 UTC is 10:00 in Shanghai; 17:30 UTC is 01:30 of the next Shanghai day.
    expect(shanghaiDayStart(new Date('2026-11-23T02:00:00Z')).toISOString()).toBe('2026-11-22T16:00:00.000Z');
    expect(shanghaiDayStart(new Date('2026-11-22T17:30:00Z')).toISOString()).toBe('2026-11-22T16:00:00.000Z');
    expect(shanghaiDayStart(new Date('2026-11-22T15:59:59Z')).toISOString()).toBe('2026-11-21T16:00:00.000Z');
    const w = windowOf('today', new Date('2026-11-23T02:00:00Z'));
    expect(w.to.getTime() - w.from.getTime()).toBe(86_400_000);
    expect(
      hourBuckets(w)
        .map((h) => h.label)
        .slice(0, 2),
    ).toEqual(['00:00', '01:00']);
  });

  it('24h ends with the current hour, its buckets labelled in Shanghai hours', () => {
    const w = windowOf('24h', new Date('2026-11-23T02:10:00Z'));
    expect(w.to.toISOString()).toBe('2026-11-23T03:00:00.000Z');
    expect(w.from.toISOString()).toBe('2026-11-22T03:00:00.000Z');
    expect(hourBuckets(w)[0]!.label).toBe('11:00');
    expect(hourBuckets(w)[23]!.label).toBe('10:00');
  });

  it('the last days are Shanghai dates ending today', () => {
    expect(lastDays(new Date('2026-03-01T17:00:00Z'), 3)).toEqual(['2026-02-28', '2026-03-01', '2026-03-02']);
  });
});

describe('backlog ageing', () => {
  it('puts each age in exactly one bucket, bounds to the older one', () => {
    const h = 3_600_000;
    expect(ageBucketOf(0)).toBe('lt1h');
    expect(ageBucketOf(h - 1)).toBe('lt1h');
    expect(ageBucketOf(h)).toBe('1to4h');
    expect(ageBucketOf(4 * h)).toBe('4to24h');
    expect(ageBucketOf(24 * h)).toBe('1to3d');
    expect(ageBucketOf(72 * h)).toBe('gt3d');
    expect(ageBucketOf(400 * h)).toBe('gt3d');
  });
});

describe('the ports on the map', () => {
  it('all ten second-line ports have a place on the island', () => {
    const ports = portsForMap();
    expect(ports).toHaveLength(10);
    expect(Object.keys(PORT_LOCATIONS).sort()).toEqual(ports.map((p) => p.code).sort());
    for (const p of ports) {
      expect(p.location[0]).toBeGreaterThan(108.5);
      expect(p.location[0]).toBeLessThan(111.1);
      expect(p.location[1]).toBeGreaterThan(18.1);
      expect(p.location[1]).toBeLessThan(20.2);
    }
  });
});

describe('clearance-time buckets', () => {
  it('put each time in the bucket whose bounds hold it, four to a doubling', () => {
    for (const s of [0, 0.5, 1, 59, 60, 61, 3599, 3600, 86_400, 2_592_000]) {
      const [from, to] = bucketBounds(clearanceBucket(s));
      expect(s >= from && s < to, `${s} in [${from}, ${to})`).toBe(true);
    }
    expect(clearanceBucket(120) - clearanceBucket(60)).toBe(4);
  });

  it('give quantiles within a bucket or two of the exact order statistic', () => {
    const times = Array.from({ length: 1000 }, (_, i) => 30 + ((i * 7919) % 1000) * 13.7);
    const counts = new Map<number, number>();
    for (const t of times) counts.set(clearanceBucket(t), (counts.get(clearanceBucket(t)) ?? 0) + 1);
    const sorted = [...times].sort((a, b) => a - b);
    for (const p of [0.5, 0.9]) {
      const exact = sorted[Math.floor(p * (sorted.length - 1))]!;
      const estimate = bucketPercentile(counts, p)!;
      expect(estimate / exact).toBeGreaterThan(2 ** -0.5);
      expect(estimate / exact).toBeLessThan(2 ** 0.5);
    }
    expect(bucketPercentile(new Map(), 0.5)).toBeNull();
  });
});
