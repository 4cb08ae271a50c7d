import { describe, expect, it } from 'vitest';
import {
  amountDue,
  amountViolation,
  applyNotice,
  lateSurcharge,
  dueDate,
  initialState,
  isPastDue,
  settlementBeforeRelease,
  sweepTransition,
  type PaymentState,
} from './rules.ts';

describe('due date: issue date + the due period (Customs Law art. 60: 15 days)', () => {
  it.each([
    ['2026-11-23', 15, '2026-12-08'],
    ['2026-12-20', 15, '2027-01-04'],
    ['2028-02-20', 15, '2028-03-06'],
    ['2026-11-30', 1, '2026-12-01'],
  ])('%s + %i days → %s', (issued, days, due) => expect(dueDate(issued, days)).toBe(due));

  const holidays = [
    { name: '元旦 New Year', from: '2027-01-01', to: '2027-01-01' },
    { name: '春节 Spring Festival', from: '2027-02-06', to: '2027-02-13' },
    { name: '国庆节 National Day', from: '2026-10-01', to: '2026-10-07' },
  ];
  it.each([
    ['a weekday: unchanged', '2026-11-23', 15, '2026-12-08'],
    ['a Saturday: the Monday after', '2026-11-13', 15, '2026-11-30'],
    ['a Sunday: the Monday after', '2026-11-14', 15, '2026-11-30'],
    ['New Year (Friday): the Monday after the weekend', '2026-12-17', 15, '2027-01-04'],
    ['inside the Spring Festival: the first working day after it', '2027-01-25', 15, '2027-02-15'],
    ['the last day of National Day: the next day', '2026-09-22', 15, '2026-10-08'],
  ])('%s: %s + %i days → %s', (_what, issued, days, due) => expect(dueDate(issued, days, holidays)).toBe(due));

  it('the due day itself is on time, the next day is late', () => {
    expect(isPastDue('2026-12-08', '2026-12-08')).toBe(false);
    expect(isPastDue('2026-12-08', '2026-12-09')).toBe(true);
  });

  it('refuses a period that is not a whole number of days', () => {
    expect(() => dueDate('2026-11-23', 0)).toThrow();
    expect(() => dueDate('2026-11-23', 1.5)).toThrow();
  });
});

describe('initial state', () => {
  it.each([
    ['0.00', 'PAID'],
    ['0', 'PAID'],
    ['0.01', 'UNPAID'],
    ['52800.00', 'UNPAID'],
  ])('a bill of %s starts %s', (total, state) => expect(initialState(total)).toBe(state));
});

describe('the overdue sweep', () => {
  const table: [PaymentState, string, PaymentState | null][] = [
    ['UNPAID', '2026-12-08', null],
    ['UNPAID', '2026-12-09', 'OVERDUE'],
    ['GUARANTEED', '2026-12-09', 'OVERDUE'],
    ['GUARANTEED', '2026-12-08', null],
    ['PAID', '2026-12-31', null],
    ['OVERDUE', '2026-12-31', null],
  ];
  it.each(table)('%s on %s → %s', (state, today, to) => expect(sweepTransition(state, '2026-12-08', today)).toBe(to));
});

describe('notices', () => {
  const bill = (state: PaymentState, total = '1234.56') => ({ state, total, due: '2026-12-08' });
  const pay = (amount: string) => ({ kind: 'PAYMENT' as const, amount });
  const guarantee = (amount: string, validUntil?: string) => ({ kind: 'GUARANTEE' as const, amount, validUntil });
  const cases: [string, ReturnType<typeof bill>, Parameters<typeof applyNotice>[1], string, string][] = [
    ['exact payment', bill('UNPAID'), pay('1234.56'), '2026-11-30', 'PAID'],
    ['exact payment, trailing zero', bill('UNPAID'), pay('1234.560'), '2026-11-30', 'PAID'],
    ['one fen short', bill('UNPAID'), pay('1234.55'), '2026-11-30', 'bill.amountMismatch'],
    ['one fen over', bill('UNPAID'), pay('1234.57'), '2026-11-30', 'bill.amountMismatch'],
    ['a fraction of a fen', bill('UNPAID'), pay('1234.555'), '2026-11-30', 'bill.amountPrecision'],
    ['zero', bill('UNPAID'), pay('0'), '2026-11-30', 'bill.amountPrecision'],
    ['not a number', bill('UNPAID'), pay('12,34'), '2026-11-30', 'bill.amountPrecision'],
    ['paid twice', bill('PAID'), pay('1234.56'), '2026-11-30', 'bill.alreadyPaid'],
    ['late payment of an overdue bill', bill('OVERDUE'), pay('1234.56'), '2026-12-20', 'PAID'],
    ['payment of a guaranteed bill', bill('GUARANTEED'), pay('1234.56'), '2026-12-01', 'PAID'],
    ['a bill of 0.00', bill('PAID', '0.00'), pay('1.00'), '2026-11-30', 'bill.nothingDue'],
    ['guarantee covering, valid past due', bill('UNPAID'), guarantee('2000', '2026-12-31'), '2026-11-30', 'GUARANTEED'],
    ['guarantee valid to the due day', bill('UNPAID'), guarantee('1234.56', '2026-12-08'), '2026-11-30', 'GUARANTEED'],
    ['guarantee short', bill('UNPAID'), guarantee('1000', '2026-12-31'), '2026-11-30', 'bill.guaranteeInsufficient'],
    ['guarantee expiring early', bill('UNPAID'), guarantee('2000', '2026-12-07'), '2026-11-30', 'bill.guaranteeExpiry'],
    ['guarantee without expiry', bill('UNPAID'), guarantee('2000'), '2026-11-30', 'bill.guaranteeExpiry'],
    ['guarantee twice', bill('GUARANTEED'), guarantee('2000', '2026-12-31'), '2026-11-30', 'bill.alreadyGuaranteed'],
    ['guarantee when overdue', bill('OVERDUE'), guarantee('2000', '2026-12-31'), '2026-12-20', 'bill.overdueGuarantee'],
    ['guarantee past due', bill('UNPAID'), guarantee('2000', '2026-12-31'), '2026-12-09', 'bill.overdueGuarantee'],
    ['guarantee of a paid bill', bill('PAID'), guarantee('2000', '2026-12-31'), '2026-11-30', 'bill.alreadyPaid'],
  ];
  it.each(cases)('%s', (_name, b, notice, today, expected) => {
    const r = applyNotice(b, notice, today);
    expect(r.ok ? r.to : r.refusal.rule).toBe(expected);
  });

  it('a refusal of the amount names the amount field', () => {
    const r = applyNotice(bill('UNPAID'), pay('1.00'), '2026-11-30');
    expect(r).toMatchObject({ ok: false, status: 422, refusal: { path: 'amount', rule: 'bill.amountMismatch' } });
  });

  it('amounts', () => {
    expect(amountViolation('0.01')).toBeNull();
    expect(amountViolation('-1')?.rule).toBe('bill.amountPrecision');
  });
});

describe('release before payment', () => {
  const payLater = ['ADVANCED_CERTIFIED', 'WHITELIST'];
  const cases: [string, string, number, boolean][] = [
    ['WHITELIST', '100.00', 0, false],
    ['ADVANCED_CERTIFIED', '100.00', 0, false],
    ['FOCUS', '100.00', 0, true],
    ['FOCUS', '0.00', 0, false],
    ['WHITELIST', '100.00', 1, true],
    ['WHITELIST', '0.00', 3, false],
  ];
  it.each(cases)(
    '%s owing %s with %i overdue bills: wait for payment %s',
    (creditClass, total, overdueBills, required) =>
      expect(settlementBeforeRelease({ total, creditClass, payLaterClasses: payLater, overdueBills }).required).toBe(
        required,
      ),
  );

  it('the classes that may pay later are a parameter', () => {
    expect(
      settlementBeforeRelease({ total: '1', creditClass: 'WHITELIST', payLaterClasses: [], overdueBills: 0 }).required,
    ).toBe(true);
  });
});

describe('lateSurcharge (滞纳金)', () => {
  const rates = [{ from: '2024-12-01', rate: '0.0005', version: 7 }];
  const base = { unpaid: '100000.00', due: '2026-12-08', rates, minimum: '50.00' };

  it('is nothing on the due day, and counts from the day after it up to the day of payment', () => {
    expect(lateSurcharge({ ...base, asOf: '2026-12-08' })).toMatchObject({ days: 0, amount: '0.00', periods: [] });
    // 100,000 × 0.0005 × 1 = 50.00: exactly the minimum, collected.
    expect(lateSurcharge({ ...base, asOf: '2026-12-09' })).toMatchObject({
      days: 1,
      amount: '50.00',
      collected: true,
      periods: [{ from: '2026-12-09', to: '2026-12-09', days: 1, rate: '0.0005', version: 7 }],
    });
    // Across a month end: 2026-12-09 .. 2027-01-07 is 30 days → 1,500.00.
    expect(lateSurcharge({ ...base, asOf: '2027-01-07' })).toMatchObject({ days: 30, amount: '1500.00' });
  });

  it('under the minimum is not collected', () => {
    const s = lateSurcharge({ ...base, unpaid: '99980.00', asOf: '2026-12-09' });
    expect(s).toMatchObject({ days: 1, amount: '0.00', collected: false, exact: '49.99' });
    // The minimum is judged on the amount to the fen: 49.99999 rounds to 50.00 and is collected.
    expect(lateSurcharge({ ...base, unpaid: '99999.98', asOf: '2026-12-09' })).toMatchObject({
      amount: '50.00',
      collected: true,
    });
  });

  it('rounds the exact sum once, half-up to the fen (never day by day)', () => {
    // 123,456.79 × 0.0005 = 61.728395 a day; 3 days = 185.185185 → 185.19 (day by day 61.73 × 3 = 185.19 too),
    // 7 days = 432.098765 → 432.10, where rounding each day would give 61.73 × 7 = 432.11.
    expect(lateSurcharge({ ...base, unpaid: '123456.79', asOf: '2026-12-11' }).amount).toBe('185.19');
    expect(lateSurcharge({ ...base, unpaid: '123456.79', asOf: '2026-12-15' })).toMatchObject({
      days: 7,
      amount: '432.10',
      exact: '432.098765',
    });
    // Half-up at the boundary: 10,001 × 0.0005 × 10 = 50.005 → 50.01.
    expect(lateSurcharge({ ...base, unpaid: '10001.00', asOf: '2026-12-18' }).amount).toBe('50.01');
  });

  it('each day takes the rate in force that day (a dated parameter)', () => {
    const changed = [...rates, { from: '2026-12-11', rate: '0.001', version: 8 }];
    // 2 days at 0.0005 (100) + 3 days at 0.001 (300) = 400.00.
    expect(lateSurcharge({ ...base, rates: changed, asOf: '2026-12-13' })).toMatchObject({
      days: 5,
      amount: '400.00',
      periods: [
        { from: '2026-12-09', to: '2026-12-10', days: 2, rate: '0.0005', version: 7 },
        { from: '2026-12-11', to: '2026-12-13', days: 3, rate: '0.001', version: 8 },
      ],
    });
  });

  it('a payment must cover the tax and the surcharge of its day, to the fen', () => {
    const bill = { state: 'OVERDUE' as const, total: '100000.00', due: '2026-12-08', surcharge: '50.00' };
    expect(applyNotice(bill, { kind: 'PAYMENT', amount: '100000.00' }, '2026-12-09')).toMatchObject({
      ok: false,
      refusal: { rule: 'bill.amountMismatch', path: 'amount' },
    });
    expect(applyNotice(bill, { kind: 'PAYMENT', amount: '100050.00' }, '2026-12-09')).toEqual({ ok: true, to: 'PAID' });
    expect(amountDue('100000.00', { amount: '50.00' })).toBe('100050.00');
  });
});
