/**
 * A count, a year or an age read from the database or a parameter (an integer column may arrive as a
 * string): parsed as a whole number and refused otherwise. Such values are exact in a JS number;
 * money, rates and quotas are never read through this (they stay decimal strings and decimal.js).
 */
export function wholeNumber(value: unknown, what: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? +value : NaN;
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be a whole number, not ${String(value)}.`);
  return n;
}
