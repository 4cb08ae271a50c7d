/**
 * Which exchange rate converts a foreign value, and the conversion itself.
 *
 * 计征汇率: the PBoC rate of the third Wednesday of the month before the declaration; when that
 * Wednesday is a public holiday, the fourth Wednesday (《海关审定进出口货物完税价格办法》). The
 * month offset, the weekday, the ordinals and the holiday calendar are parameters
 * (tax.exchangeRateDay, tax.publicHolidays), so a change of rule is data, not code.
 */
import { cny, D, fen, plain, type Dec } from './money.ts';
import type { RuleViolation } from './lineTax.ts';

export interface ExchangeRateDayRule {
  /** How many months before the declaration's month (1 = the previous month). */
  monthsBack: number;
  /** 0 = Sunday … 3 = Wednesday … 6 = Saturday. */
  weekday: number;
  /** Which occurrence of the weekday in that month (3 = the third). */
  ordinal: number;
  /** The occurrence used instead when the first one is a public holiday (4 = the fourth). */
  holidayOrdinal: number;
}

export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const ORDINALS = ['', 'first', 'second', 'third', 'fourth', 'fifth'];

/** A run of public holidays, both ends included (tax.publicHolidays). */
export interface HolidayRange {
  from: string;
  to: string;
  name?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const holidayOn = (date: string, holidays: readonly HolidayRange[]) =>
  holidays.find((h) => h.from <= date && date <= h.to);

/** The n-th given weekday of a month, or null when the month has no such day (a fifth Wednesday). */
export function nthWeekdayOfMonth(year: number, month: number, weekday: number, n: number): string | null {
  const firstDow = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  const day = 1 + ((weekday - firstDow + 7) % 7) + 7 * (n - 1);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth ? `${year}-${pad(month)}-${pad(day)}` : null;
}

function monthsBefore(date: string, months: number): { year: number; month: number } {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) - months;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

export interface RateDay {
  date: string;
  /** The rule as applied, in words: "third Wednesday of 2026-02 (2026-02-18) is a public holiday: fourth Wednesday". */
  explanation: string;
}

/** The day whose rate applies to a declaration made on `declarationDate` (YYYY-MM-DD). */
export function exchangeRateDay(
  declarationDate: string,
  rule: ExchangeRateDayRule,
  holidays: readonly HolidayRange[],
): { ok: true; value: RateDay } | { ok: false; violation: RuleViolation } {
  const { year, month } = monthsBefore(declarationDate, rule.monthsBack);
  const ym = `${year}-${pad(month)}`;
  const name = `${ORDINALS[rule.ordinal] ?? `#${rule.ordinal}`} ${WEEKDAY_NAMES[rule.weekday]}`;
  const first = nthWeekdayOfMonth(year, month, rule.weekday, rule.ordinal);
  const holiday = first ? holidayOn(first, holidays) : undefined;
  if (first && !holiday) return { ok: true, value: { date: first, explanation: `${name} of ${ym}` } };
  const fallbackName = `${ORDINALS[rule.holidayOrdinal] ?? `#${rule.holidayOrdinal}`} ${WEEKDAY_NAMES[rule.weekday]}`;
  const fallback = nthWeekdayOfMonth(year, month, rule.weekday, rule.holidayOrdinal);
  if (first && fallback && !holidayOn(fallback, holidays)) {
    return {
      ok: true,
      value: {
        date: fallback,
        explanation:
          `${name} of ${ym} (${first}) is a public ` +
          `holiday${holiday?.name ? ` (${holiday.name})` : ''}: ${fallbackName} of ${ym}`,
      },
    };
  }
  return {
    ok: false,
    violation: {
      path: 'declarationDate',
      rule: 'tax.exchangeRateDay',
      message:
        `Neither the ${name} nor the ${fallbackName} of ${ym} is a working day; the rate day ` +
        `for ${declarationDate} is undefined until an administrator corrects tax.publicHolidays or ` +
        `tax.exchangeRateDay.`,
    },
  };
}

/**
 * The rule as ../shared/spec/mission.md states it, without a holiday calendar: the third Wednesday of the previous
 * month.
 */
export function thirdWednesdayOfPreviousMonth(date: string): string {
  const { year, month } = monthsBefore(date, 1);
  return nthWeekdayOfMonth(year, month, 3, 3)!;
}

/** How a rate is quoted: CNY per `unit` foreign units (USD, 100 JPY), or foreign units per `unit` CNY (KRW, RUB). */
export type RateQuote = 'CNY_PER_UNIT' | 'UNIT_PER_CNY';

export interface Rate {
  currency: string;
  rateDate: string;
  rate: string;
  unit: number;
  quote: RateQuote;
}

export interface Conversion {
  /** Rounded half-up to 0.01: this is the dutiable value the taxes are computed on. */
  cny: Dec;
  formula: string;
}

export function convertAtRate(amount: string, r: Rate): Conversion {
  const a = new D(amount);
  const exact = r.quote === 'CNY_PER_UNIT' ? a.times(r.rate).div(r.unit) : a.times(r.unit).div(r.rate);
  const value = cny(exact);
  const unitText = r.unit === 1 ? '' : r.quote === 'CNY_PER_UNIT' ? ` ÷ ${r.unit}` : ` × ${r.unit}`;
  const op =
    r.quote === 'CNY_PER_UNIT'
      ? `× ${plain(r.rate)}${unitText}`
      : `${unitText ? `${unitText.trim()} ` : ''}÷ ${plain(r.rate)}`;
  return { cny: value, formula: `${plain(amount)} ${r.currency} ${op} = ${fen(value)} CNY (rate of ${r.rateDate})` };
}

export interface ExchangeRate {
  currency: string;
  date: string;
  /** CNY per `unit` units of the currency */
  cnyPerUnit: string;
  unit?: number;
}

/**
 * Converts with the rate of the third Wednesday of the previous month (or of `rateDay` when the
 * caller resolved it with the holiday calendar). A missing rate is an error, never a guess.
 */
export function convertToCny(
  amount: string,
  currency: string,
  rates: readonly ExchangeRate[],
  declarationDate: string,
  path = 'currency',
  rateDay?: string,
): { ok: true; cny: Dec; rateDate: string | null } | { ok: false; violation: RuleViolation } {
  if (currency === 'CNY') return { ok: true, cny: cny(amount), rateDate: null };
  const day = rateDay ?? thirdWednesdayOfPreviousMonth(declarationDate);
  const rate = rates.find((r) => r.currency === currency && r.date === day);
  if (!rate) return { ok: false, violation: missingRate(currency, day, declarationDate, path) };
  return {
    ok: true,
    cny: convertAtRate(amount, {
      currency,
      rateDate: day,
      rate: rate.cnyPerUnit,
      unit: rate.unit ?? 1,
      quote: 'CNY_PER_UNIT',
    }).cny,
    rateDate: day,
  };
}

export function missingRate(currency: string, rateDate: string, declarationDate: string, path: string): RuleViolation {
  return {
    path,
    rule: 'tax.exchangeRateMissing',
    message:
      `No ${currency} exchange rate for ${rateDate}, the rate day of a declaration on ` +
      `${declarationDate}; an administrator must load it.`,
  };
}
