/**
 * Business dates ('YYYY-MM-DD', Asia/Shanghai calendar) for credit periods. Pure string and integer
 * arithmetic on the proleptic Gregorian calendar: no Date objects, so no time zone can shift a day.
 * Years 0000-9999 only, so that string order is date order.
 */

/** A calendar date written 'YYYY-MM-DD'. */
export type BusinessDate = string;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000; // UTC+8, no daylight saving since 1991

export interface DateParts {
  year: number;
  month: number;
  day: number;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function partsOrNull(value: unknown): DateParts | null {
  if (typeof value !== 'string') return null;
  const m = DATE_PATTERN.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function isBusinessDate(value: unknown): value is BusinessDate {
  return partsOrNull(value) !== null;
}

/** Throws a RangeError naming `what` when the value is not a real 'YYYY-MM-DD' date. */
export function parseDate(value: string, what = 'date'): DateParts {
  const parts = partsOrNull(value);
  if (!parts) throw new RangeError(`${what} must be a calendar date written YYYY-MM-DD, got ${JSON.stringify(value)}.`);
  return parts;
}

export function formatDate({ year, month, day }: DateParts): BusinessDate {
  if (!Number.isInteger(year) || year < 0 || year > 9999) throw new RangeError(`Year ${year} is outside 0000-9999.`);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Days since 1970-01-01 (negative before). Howard Hinnant's days_from_civil. */
export function toDayNumber(date: BusinessDate): number {
  const { year, month, day } = parseDate(date);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The inverse of toDayNumber (Hinnant's civil_from_days). */
export function fromDayNumber(dayNumber: number): BusinessDate {
  if (!Number.isSafeInteger(dayNumber)) throw new RangeError(`Day number ${dayNumber} is not an integer.`);
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return formatDate({ year, month, day });
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  if (!Number.isInteger(days)) throw new RangeError(`days must be an integer, got ${days}.`);
  return fromDayNumber(toDayNumber(date) + days);
}

/**
 * The same month and day `years` later (or earlier when negative). 29 February in a year without
 * one becomes 1 March: a period of N years that starts on 2024-02-29 then ends with 2027-02-28 as
 * its last day, the month's last day (民法典 art. 202: with no corresponding day, the month end is the
 * period's last day), and never runs shorter than N full years.
 */
export function addYears(date: BusinessDate, years: number): BusinessDate {
  if (!Number.isInteger(years)) throw new RangeError(`years must be an integer, got ${years}.`);
  const { year, month, day } = parseDate(date);
  const target = year + years;
  if (month === 2 && day === 29 && !isLeapYear(target)) return formatDate({ year: target, month: 3, day: 1 });
  return formatDate({ year: target, month, day });
}

/** -1, 0 or 1. Valid dates compare as strings; parsing first rejects malformed ones. */
export function compareDates(a: BusinessDate, b: BusinessDate): -1 | 0 | 1 {
  parseDate(a);
  parseDate(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

export function maxDate(first: BusinessDate, ...rest: BusinessDate[]): BusinessDate {
  return rest.reduce((a, b) => (compareDates(a, b) >= 0 ? a : b), first);
}

export function minDate(first: BusinessDate, ...rest: BusinessDate[]): BusinessDate {
  return rest.reduce((a, b) => (compareDates(a, b) <= 0 ? a : b), first);
}

/** The Asia/Shanghai calendar date (UTC+8, no daylight saving) of an instant. */
export function shanghaiDate(instant: Date): BusinessDate {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('shanghaiDate needs a valid Date.');
  return fromDayNumber(Math.floor((ms + SHANGHAI_OFFSET_MS) / MS_PER_DAY));
}
