/**
 * Incremental statistics behind the derived facts. Each is a handful of sums that a declaration
 * adds to and a correction takes back out, so a fact is never recomputed from history on a request.
 * These are statistics (double precision), never money.
 */

/** Count, sum and sum of squares of log values: a log-normal reference that supports removal. */
export interface Moments {
  n: number;
  sum: number;
  sumSq: number;
}

export const EMPTY_MOMENTS: Moments = Object.freeze({ n: 0, sum: 0, sumSq: 0 });

export function momentsMean(m: Moments): number | null {
  return m.n > 0 ? m.sum / m.n : null;
}

/** Sample standard deviation, floored so a reference of identical prices does not make every deviation infinite. */
export function momentsSd(m: Moments, floor = 0.05): number | null {
  if (m.n < 2) return null;
  const variance = (m.sumSq - (m.sum * m.sum) / m.n) / (m.n - 1);
  return Math.max(floor, Math.sqrt(Math.max(0, variance)));
}

/** A smoothed rate (Beta prior of `priorHits` in `priorTrials`), so three inspections do not make a 100% route. */
export function smoothedRate(hits: number, trials: number, priorHits = 1, priorTrials = 5): number {
  return (hits + priorHits) / (trials + priorTrials);
}

/** Days of the decay constant of recent activity: a decayed count approximates "in the last week". */
export const ACTIVITY_DECAY_DAYS = 7;

export function decayed(count: number, days: number): number {
  return days <= 0 ? count : count * Math.exp(-days / ACTIVITY_DECAY_DAYS);
}

const dayNumbers = new Map<string, number>();

/** Days since 1970-01-01 of a calendar date, remembered: the same few dates recur on every declaration. */
function dayNumber(date: string): number {
  let d = dayNumbers.get(date);
  if (d === undefined) {
    if (dayNumbers.size > 50_000) dayNumbers.clear();
    dayNumbers.set(date, (d = Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000)));
  }
  return d;
}

/** Whole days from `from` to `to` (YYYY-MM-DD, calendar days, negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

export const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/** A business date moved by whole days (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
