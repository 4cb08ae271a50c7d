import { describe, expect, it } from 'vitest';
import {
  amountViolation,
  applyNotice,
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
