import type { Rng } from '../random.ts';
import { SECOND_LINE_PORTS } from '../../src/kernel/ports.ts';

/**
 * The shape of a year of second-line freight: how much moves on a day (weekdays, Sundays, the
 * Spring Festival and National Day, when factories and hauliers stop) and at what hour (gates open
 * 06:00–22:00, peaks mid-morning and mid-afternoon), and how it spreads over the 10 ports.
 */

const DAY_MS = 86_400_000;

/** Spring Festival (春节) and National Day (国庆) holidays, first and last day. */
const HOLIDAYS: Record<number, [string, string][]> = {
  2025: [
    ['2025-01-28', '2025-02-04'],
    ['2025-10-01', '2025-10-08'],
  ],
  2026: [
    ['2026-02-15', '2026-02-23'],
    ['2026-10-01', '2026-10-07'],
  ],
  2027: [
    ['2027-02-05', '2027-02-13'],
    ['2027-10-01', '2027-10-07'],
  ],
};

export const dayNumber = (iso: string): number => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
export const isoDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

export function isHoliday(day: number): boolean {
  const year = new Date(day * DAY_MS).getUTCFullYear();
  return (HOLIDAYS[year] ?? []).some(([a, b]) => day >= dayNumber(a) && day <= dayNumber(b));
}

/** How busy a day is relative to an ordinary weekday (1.0). */
export function dayFactor(day: number): number {
  if (isHoliday(day)) return 0.25;
  const weekday = new Date(day * DAY_MS).getUTCDay();
  return weekday === 0 ? 0.55 : weekday === 6 ? 0.8 : 1.0;
}

/** Weight of each hour of the day (Beijing time) at the gates. */
export const HOUR_WEIGHTS: readonly number[] = [
  0, 0, 0, 0, 0, 0, 2, 4, 7, 10, 11, 9, 6, 7, 9, 10, 9, 7, 5, 4, 3, 2, 0, 0,
];

/** Ports by share of second-line trucks: Haikou's ports carry most. */
export const PORT_WEIGHTS: readonly (readonly [string, number])[] = SECOND_LINE_PORTS.map((p) => [
  p.code,
  p.code === 'CNHAK-XINHAI'
    ? 30
    : p.code === 'CNHAK-NANGANG'
      ? 18
      : p.code === 'CNHAK-PORT'
        ? 14
        : p.code === 'CNYPG-PORT'
          ? 12
          : p.kind === 'AIRPORT'
            ? 3
            : 5,
]);

/** A moment of the day in UTC (the hour drawn by the gates' shape, Beijing time = UTC+8). */
export function momentOf(rng: Rng, day: number): Date {
  const hour = rng.weighted(HOUR_WEIGHTS.map((w, h) => [h, w] as const));
  const ms = day * DAY_MS + (hour - 8) * 3_600_000 + Math.floor(rng.next() * 3_600_000);
  return new Date(ms);
}

/** The days of a year, in order. */
export function daysOf(year: number): number[] {
  const first = dayNumber(`${year}-01-01`);
  const last = dayNumber(`${year}-12-31`);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** Events of a day drawn so that the year adds up to `perYear`: the mean share of the day, Poisson-like. */
export function countOn(rng: Rng, day: number, perYear: number, yearFactorSum: number): number {
  const mean = (perYear * dayFactor(day)) / yearFactorSum;
  if (mean > 50) return Math.max(0, Math.round(rng.normal(mean, Math.sqrt(mean))));
  return rng.poisson(mean);
}

/** A random v4-shaped UUID from the seeded source (the same seed, the same ids). */
export function uuidOf(rng: Rng): string {
  const hex = (n: number) =>
    Math.floor(rng.next() * 16 ** n)
      .toString(16)
      .padStart(n, '0');
  const variant = (8 + Math.floor(rng.next() * 4)).toString(16);
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}
