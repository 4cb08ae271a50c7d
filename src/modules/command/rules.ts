/**
 * The command centre's (指挥中心) windows and buckets: pure functions of the time passed in. Every
 * day and hour is an Asia/Shanghai one (UTC+8 all year, no daylight saving).
 */
import { SECOND_LINE_PORTS } from '../../kernel/ports.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SHANGHAI = 8 * HOUR;

export const WINDOWS = ['today', '24h'] as const;
export type WindowName = (typeof WINDOWS)[number];

export interface Window {
  name: WindowName;
  /** Start of the first hour bucket. */
  from: Date;
  /** The moment the figures are taken at: ages (backlog, holds) are measured to it. */
  until: Date;
  /**
   * End of the last hour bucket, 24 from `from`: counts run from `from` to here, so an event stamped
   * at this very moment (or by a gate clock a little ahead) is in.
   */
  to: Date;
}

/** The start of the Asia/Shanghai day that holds `at`. */
export function shanghaiDayStart(at: Date): Date {
  return new Date(Math.floor((at.getTime() + SHANGHAI) / DAY) * DAY - SHANGHAI);
}

/**
 * `today`: the Shanghai calendar day so far (its 24 hours, the later ones still empty), what a shift
 * reports; `24h`: the 24 hours up to the end of the current hour, what a night shift watches.
 */
export function windowOf(name: WindowName, now: Date): Window {
  if (name === 'today') {
    const from = shanghaiDayStart(now);
    return { name, from, until: now, to: new Date(from.getTime() + DAY) };
  }
  const to = new Date(Math.ceil(now.getTime() / HOUR) * HOUR);
  return { name, from: new Date(to.getTime() - DAY), until: now, to };
}

/** The 24 hour buckets of a window, labelled by their Shanghai start ("08:00"). */
export function hourBuckets(w: Window): { hour: number; start: Date; label: string }[] {
  return Array.from({ length: 24 }, (_, hour) => {
    const start = new Date(w.from.getTime() + hour * HOUR);
    const h = new Date(start.getTime() + SHANGHAI).getUTCHours();
    return { hour, start, label: `${String(h).padStart(2, '0')}:00` };
  });
}

/** How long an open inspection task has waited: the buckets of the backlog panel, in hours. */
export const AGE_BUCKETS = [
  { code: 'lt1h', fromHours: 0, toHours: 1 },
  { code: '1to4h', fromHours: 1, toHours: 4 },
  { code: '4to24h', fromHours: 4, toHours: 24 },
  { code: '1to3d', fromHours: 24, toHours: 72 },
  { code: 'gt3d', fromHours: 72, toHours: null },
] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number]['code'];

export function ageBucketOf(ageMs: number): AgeBucket {
  const hours = ageMs / HOUR;
  return AGE_BUCKETS.find((b) => hours >= b.fromHours && (b.toHours === null || hours < b.toHours))?.code ?? 'lt1h';
}

/** A declaration held longer than this is overdue for an officer's decision. */
export const HELD_OVERDUE_HOURS = 24;
/** Inspection and hit rates by credit class are taken over this many days (today included). */
export const CREDIT_RATE_DAYS = 30;
/** Clearance times: declarations that exited in the window, submitted at most this many days before. */
export const CLEARANCE_LOOKBACK_DAYS = 30;
/** Clearance trend: this many Shanghai days, today included. */
export const TREND_DAYS = 7;

/**
 * Where each second-line port is on the map: the approximate location (WGS-84, about 1 km) of its
 * customs area, for the command centre's map of the island. Reference data, not a boundary.
 */
export const PORT_LOCATIONS: Readonly<Record<string, readonly [number, number]>> = {
  'CNHAK-PORT': [110.283, 20.027],
  'CNHAK-XINHAI': [110.152, 20.054],
  'CNHAK-NANGANG': [110.209, 20.036],
  'CNHAK-MEILAN': [110.459, 19.935],
  'CNYPG-PORT': [109.178, 19.731],
  'CNBSP-PORT': [108.625, 19.103],
  'CNSYX-PORT': [109.497, 18.233],
  'CNSYX-PHOENIX': [109.412, 18.303],
  'CNQLN-PORT': [110.823, 19.557],
  'CNQHI-BOAO': [110.455, 19.139],
};

export function portsForMap() {
  return SECOND_LINE_PORTS.map((p) => ({
    code: p.code,
    nameZh: p.nameZh,
    nameEn: p.nameEn,
    kind: p.kind,
    location: [...PORT_LOCATIONS[p.code]!] as [number, number],
  }));
}

/** The Shanghai dates of the `days` days ending with the one that holds `now`. */
export function lastDays(now: Date, days: number): string[] {
  const start = shanghaiDayStart(now).getTime();
  return Array.from({ length: days }, (_, i) =>
    new Date(start - (days - 1 - i) * DAY + SHANGHAI).toISOString().slice(0, 10),
  );
}

/**
 * Clearance times are kept as counts in fixed log buckets, four to a doubling (each about 19 %
 * wide): bucket 0 holds what took under a second, bucket b ≥ 1 holds [2^((b-1)/4), 2^(b/4)) seconds.
 * 127 buckets reach far beyond any clearance (2^31.5 s).
 */
export const BUCKETS_PER_DOUBLING = 4;
export const LAST_CLEARANCE_BUCKET = 127;

export function clearanceBucket(seconds: number): number {
  if (!(seconds >= 1)) return 0;
  return Math.min(LAST_CLEARANCE_BUCKET, Math.floor(Math.log2(seconds) * BUCKETS_PER_DOUBLING) + 1);
}

/** The seconds a bucket covers: [from, to). */
export function bucketBounds(bucket: number): [number, number] {
  if (bucket <= 0) return [0, 1];
  return [2 ** ((bucket - 1) / BUCKETS_PER_DOUBLING), 2 ** (bucket / BUCKETS_PER_DOUBLING)];
}

/**
 * The p-quantile (0..1) of the times counted in buckets, as percentile_cont would rank it (rank
 * p·(n−1) from 0), placed inside its bucket by linear interpolation; null with no count. It lies in
 * the bucket of the exact value or next to it: within a factor 2^(1/2) of percentile_cont.
 */
export function bucketPercentile(counts: ReadonlyMap<number, number>, p: number): number | null {
  const buckets = [...counts.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  const rank = p * (total - 1);
  let before = 0;
  for (const [bucket, n] of buckets) {
    if (rank < before + n) {
      const [from, to] = bucketBounds(bucket);
      return from + (to - from) * ((rank - before + 0.5) / n);
    }
    before += n;
  }
  const [from, to] = bucketBounds(buckets.at(-1)![0]);
  return (from + to) / 2;
}
