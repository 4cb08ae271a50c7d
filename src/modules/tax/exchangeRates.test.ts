import { describe, expect, it } from 'vitest';
import {
  convertAtRate,
  exchangeRateDay,
  nthWeekdayOfMonth,
  type ExchangeRateDayRule,
  type HolidayRange,
} from './exchangeRates.ts';
import { DEFAULT_PARAMETERS } from '../parameters.ts';

const seeded = <T>(name: string) => DEFAULT_PARAMETERS.find((p) => p.name === name)!.value as T;
const RULE = seeded<ExchangeRateDayRule>('tax.exchangeRateDay');
const HOLIDAYS = seeded<HolidayRange[]>('tax.publicHolidays');

const day = (date: string, holidays: HolidayRange[] = HOLIDAYS, rule = RULE) => {
  const r = exchangeRateDay(date, rule, holidays);
  if (!r.ok) throw new Error(r.violation.message);
  return r.value;
};

describe('the rate day: third Wednesday of the previous month', () => {
  it.each([
    ['2026-11-23', '2026-10-21', 'October 2026 starts on a Thursday: the latest a third Wednesday can be'],
    [
      '2025-11-10',
      '2025-10-15',
      'October 2025 starts on a Wednesday: the earliest; 1–8 October is a holiday, the 15th is not',
    ],
    ['2026-01-05', '2025-12-17', 'January looks back to December of the year before'],
    ['2024-03-31', '2024-02-21', 'a leap February'],
    ['2026-12-01', '2026-11-18', 'the first day of a month'],
    ['2026-11-18', '2026-10-21', 'declared on a third Wednesday: still the previous month'],
    ['2026-07-31', '2026-06-17', 'the Dragon Boat holiday (19–21 June) is after the rate day'],
  ])('%s → %s (%s)', (date, expected) => {
    expect(day(date).date).toBe(expected);
  });

  it(
    'the Spring Festival 2026 covers the third Wednesday of February (the 18th): March declarations ' +
      'use the fourth, the 25th',
    () => {
      const r = day('2026-03-10');
      expect(r.date).toBe('2026-02-25');
      expect(r.explanation).toBe(
        'third Wednesday of 2026-02 (2026-02-18) is a public holiday (春节 Spring Festival): fourth Wednesday of 2026-02',
      );
      // Without the holiday calendar the plain rule would have said the 18th.
      expect(day('2026-03-10', []).date).toBe('2026-02-18');
    },
  );

  it('when the fourth Wednesday is a holiday too, the day is undefined and says so', () => {
    const r = exchangeRateDay('2026-03-10', RULE, [{ from: '2026-02-15', to: '2026-02-26' }]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.violation).toMatchObject({ rule: 'tax.exchangeRateDay', path: 'declarationDate' });
  });

  it('the rule is a parameter: another month offset, weekday or ordinal moves the day', () => {
    expect(day('2026-11-23', [], { monthsBack: 0, weekday: 3, ordinal: 3, holidayOrdinal: 4 }).date).toBe('2026-11-18');
    expect(day('2026-11-23', [], { monthsBack: 1, weekday: 1, ordinal: 1, holidayOrdinal: 2 }).date).toBe('2026-10-05');
  });

  it('a month has no fifth occurrence when it is too short', () => {
    expect(nthWeekdayOfMonth(2026, 2, 3, 4)).toBe('2026-02-25');
    expect(nthWeekdayOfMonth(2026, 2, 3, 5)).toBeNull();
  });
});

describe('conversion at the rate, rounded once to the fen', () => {
  it.each([
    // 1000 × 7.1234 = 7123.40
    [
      { currency: 'USD', rateDate: '2026-10-21', rate: '7.1234', unit: 1, quote: 'CNY_PER_UNIT' as const },
      '1000',
      '7123.40',
      '1000 USD × 7.1234 = 7123.40 CNY (rate of 2026-10-21)',
    ],
    // 250000 × 4.6512 ÷ 100 = 11628.00
    [
      { currency: 'JPY', rateDate: '2026-10-21', rate: '4.6512', unit: 100, quote: 'CNY_PER_UNIT' as const },
      '250000',
      '11628.00',
      '250000 JPY × 4.6512 ÷ 100 = 11628.00 CNY (rate of 2026-10-21)',
    ],
    // PBoC quotes KRW per CNY: 1000000 ÷ 195.31 = 5120.0655… → 5120.07
    [
      { currency: 'KRW', rateDate: '2026-10-21', rate: '195.31', unit: 1, quote: 'UNIT_PER_CNY' as const },
      '1000000',
      '5120.07',
      '1000000 KRW ÷ 195.31 = 5120.07 CNY (rate of 2026-10-21)',
    ],
    // 1.5 × 8.23 = 12.345 exactly → 12.35 (half-up; a float gives 12.344999…)
    [
      { currency: 'EUR', rateDate: '2026-10-21', rate: '8.23', unit: 1, quote: 'CNY_PER_UNIT' as const },
      '1.5',
      '12.35',
      '1.5 EUR × 8.23 = 12.35 CNY (rate of 2026-10-21)',
    ],
  ])('%o: %s → %s', (rate, amount, expected, formula) => {
    const c = convertAtRate(amount, rate);
    expect(c.cny.toFixed(2)).toBe(expected);
    expect(c.formula).toBe(formula);
  });
});
