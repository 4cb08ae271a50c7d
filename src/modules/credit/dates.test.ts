import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { shanghaiDate as kernelShanghaiDate } from '../../kernel/clock.ts';
import {
  addDays,
  addYears,
  compareDates,
  daysBetween,
  daysInMonth,
  fromDayNumber,
  isBusinessDate,
  isLeapYear,
  maxDate,
  minDate,
  parseDate,
  shanghaiDate,
  toDayNumber,
} from './dates.ts';

const dayNumberArb = fc.integer({ min: toDayNumber('1900-01-01'), max: toDayNumber('2200-12-31') });

describe('business dates', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['1900-02-29', false],
    ['2000-02-29', true],
    ['2025-04-31', false],
    ['2025-13-01', false],
    ['2025-00-10', false],
    ['2025-1-10', false],
    ['2025-01-10T00:00', false],
    ['', false],
  ])('isBusinessDate(%s) = %s', (value, valid) => {
    expect(isBusinessDate(value)).toBe(valid);
    if (!valid) expect(() => parseDate(value)).toThrow(RangeError);
  });

  it('knows leap years and month lengths', () => {
    expect([1900, 2000, 2023, 2024, 2100].map(isLeapYear)).toEqual([false, true, false, true, false]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2025, 2)).toBe(28);
    expect(daysInMonth(2025, 4)).toBe(30);
    expect(daysInMonth(2025, 12)).toBe(31);
  });

  it.each([
    ['2025-12-31', 1, '2026-01-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2026-03-10', -1, '2026-03-09'],
    ['2023-03-10', 1096, '2026-03-10'],
  ])('addDays(%s, %i) = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it.each([
    ['2023-03-10', 3, '2026-03-10'],
    ['2024-02-29', 3, '2027-03-01'], // no 29 February in 2027: the anniversary is 1 March
    ['2024-02-29', 4, '2028-02-29'],
    ['2024-02-29', 1, '2025-03-01'],
    ['2024-02-29', -1, '2023-03-01'],
    ['2023-12-31', 1, '2024-12-31'],
    ['2025-02-28', -1, '2024-02-28'],
  ])('addYears(%s, %i) = %s', (date, years, expected) => {
    expect(addYears(date, years)).toBe(expected);
  });

  it('compares dates and counts days between them', () => {
    expect(compareDates('2026-03-09', '2026-03-10')).toBe(-1);
    expect(compareDates('2026-03-10', '2026-03-10')).toBe(0);
    expect(compareDates('2027-01-01', '2026-12-31')).toBe(1);
    expect(() => compareDates('2026-3-1', '2026-03-01')).toThrow(RangeError);
    expect(daysBetween('2024-02-29', '2027-03-01')).toBe(1096);
    expect(daysBetween('2024-02-29', '2027-02-28')).toBe(1095);
    expect(maxDate('2024-01-02', '2025-01-01', '2023-05-05')).toBe('2025-01-01');
    expect(minDate('2024-01-02', '2025-01-01', '2023-05-05')).toBe('2023-05-05');
  });

  it('rejects fractional offsets and years outside 0000-9999', () => {
    expect(() => addDays('2025-01-01', 0.5)).toThrow(RangeError);
    expect(() => addYears('2025-01-01', 1.5)).toThrow(RangeError);
    expect(() => addYears('9999-01-01', 1)).toThrow(RangeError);
    expect(() => addDays('0000-01-01', -1)).toThrow(RangeError);
  });

  it('day numbers agree with the UTC calendar and round-trip', () => {
    fc.assert(
      fc.property(dayNumberArb, (n) => {
        const date = fromDayNumber(n);
        expect(date).toBe(new Date(n * 86_400_000).toISOString().slice(0, 10));
        expect(toDayNumber(date)).toBe(n);
      }),
    );
    expect(toDayNumber('1970-01-01')).toBe(0);
    expect(fromDayNumber(-1)).toBe('1969-12-31');
  });

  it('addDays and addYears are consistent with day numbers', () => {
    fc.assert(
      fc.property(
        dayNumberArb,
        fc.integer({ min: -5000, max: 5000 }),
        fc.integer({ min: -50, max: 50 }),
        (n, days, years) => {
          const date = fromDayNumber(n);
          expect(addDays(addDays(date, days), -days)).toBe(date);
          expect(daysBetween(date, addDays(date, days))).toBe(days);
          const shifted = addYears(date, years);
          const { month, day } = parseDate(date);
          const after = parseDate(shifted);
          if (month === 2 && day === 29 && !isLeapYear(after.year)) expect([after.month, after.day]).toEqual([3, 1]);
          else expect([after.year, after.month, after.day]).toEqual([parseDate(date).year + years, month, day]);
        },
      ),
    );
  });
});

describe('shanghaiDate', () => {
  it.each([
    ['2025-12-17T15:59:59.999Z', '2025-12-17'],
    ['2025-12-17T16:00:00.000Z', '2025-12-18'], // 00:00 in Shanghai on closure day
    ['2024-02-28T16:00:00Z', '2024-02-29'],
    ['2026-12-31T23:00:00Z', '2027-01-01'],
    ['1969-12-31T20:00:00Z', '1970-01-01'],
  ])('%s is %s in Shanghai', (iso, expected) => {
    expect(shanghaiDate(new Date(iso))).toBe(expected);
  });

  it('rejects an invalid Date', () => {
    expect(() => shanghaiDate(new Date('nope'))).toThrow(RangeError);
  });

  it('agrees with the kernel clock for any instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }), (ms) => {
        expect(shanghaiDate(new Date(ms))).toBe(kernelShanghaiDate(new Date(ms)));
      }),
    );
  });
});
