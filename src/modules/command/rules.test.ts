import { describe, expect, it } from 'vitest';
import {
  ageBucketOf,
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
