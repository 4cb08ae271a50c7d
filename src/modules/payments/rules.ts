/**
 * The payment of tax bills (税款缴纳), pure: the due date, the state a notice or the clock moves a bill
 * to, and whether goods wait for payment before release. Time and parameters are passed in.
 * Law: ../shared/spec/mission.md §5 (bills) and §2 (measures by class); the 15-day period is the
 * Customs Law's (《海关法》第六十条: pay within 15 days of the issue of the tax payment notice).
 */
import { Decimal } from 'decimal.js';
import { addDays, daysBetween } from '../../kernel/dates.ts';

export const PAYMENT_STATES = ['UNPAID', 'GUARANTEED', 'PAID', 'OVERDUE'] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];

export const NOTICE_KINDS = ['PAYMENT', 'GUARANTEE'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** The rules a refusal names (errors[].rule). */
export const PAYMENT_RULES = {
  amountMismatch: 'bill.amountMismatch',
  amountPrecision: 'bill.amountPrecision',
  guaranteeInsufficient: 'bill.guaranteeInsufficient',
  guaranteeExpiry: 'bill.guaranteeExpiry',
  alreadyPaid: 'bill.alreadyPaid',
  alreadyGuaranteed: 'bill.alreadyGuaranteed',
  overdueGuarantee: 'bill.overdueGuarantee',
  nothingDue: 'bill.nothingDue',
  noticeConflict: 'bill.noticeConflict',
  notTreasury: 'bill.notTreasury',
} as const;

export interface Refusal {
  rule: string;
  path: string;
  message: string;
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;

/** A run of public holidays, both ends included (parameter tax.publicHolidays). */
export interface HolidayRange {
  from: string;
  to: string;
  name?: string | undefined;
}

/**
 * The day a bill issued on `issueDate` must be paid by (inclusive): issue date + the due period in days,
 * moved to the next working day when it falls on a Saturday, a Sunday or a public holiday (a period
 * ending on a rest day ends on the next working day, as the Customs Law's periods are counted).
 * Working weekends (调休) are not in the calendar: a due date is never moved onto a Saturday or Sunday.
 */
export function dueDate(issueDate: string, dueDays: number, holidays: readonly HolidayRange[] = []): string {
  if (!ISO.test(issueDate)) throw new Error(`not a date: ${issueDate}`);
  if (!Number.isInteger(dueDays) || dueDays < 1) throw new Error(`not a due period: ${dueDays}`);
  const d = new Date(`${issueDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + dueDays);
  const restDay = (day: string, dow: number) =>
    dow === 0 || dow === 6 || holidays.some((h) => h.from <= day && day <= h.to);
  // Bounded: a calendar of runs of holidays cannot keep a date off work for a year.
  for (let i = 0; i < 366 && restDay(d.toISOString().slice(0, 10), d.getUTCDay()); i++)
    d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** A bill of 0.00 owes nothing: it is PAID from its issue. Any other bill starts UNPAID. */
export function initialState(total: string): PaymentState {
  return new Decimal(total).isZero() ? 'PAID' : 'UNPAID';
}

/** Past its due date (the due day itself still counts as on time), a bill not paid is overdue. */
export function isPastDue(due: string, today: string): boolean {
  return today > due;
}

/** What the daily sweep does with a bill on `today`: mark it OVERDUE or leave it. */
export function sweepTransition(state: PaymentState, due: string, today: string): PaymentState | null {
  if ((state === 'UNPAID' || state === 'GUARANTEED') && isPastDue(due, today)) return 'OVERDUE';
  return null;
}

/** An amount in CNY with at most two decimals (fen), positive; null when it is one. */
export function amountViolation(amount: string, path = 'amount'): Refusal | null {
  let d: Decimal;
  try {
    d = new Decimal(amount);
  } catch {
    return { rule: PAYMENT_RULES.amountPrecision, path, message: 'Give the amount as a decimal string in CNY.' };
  }
  if (!d.isFinite() || d.decimalPlaces() > 2 || d.lte(0))
    return {
      rule: PAYMENT_RULES.amountPrecision,
      path,
      message: 'An amount is a positive number of CNY with at most two decimals (fen).',
    };
  return null;
}

/** The surcharge rate in force from a day on (a version of payments.surchargeRate). */
export interface SurchargeRate {
  from: string;
  rate: string;
  version: number | null;
}

export interface SurchargePeriod {
  from: string;
  to: string;
  days: number;
  rate: string;
  version: number | null;
}

export interface Surcharge {
  /** The day it is computed for (the day of payment). */
  asOf: string;
  /** Days overdue: from the day after the due date up to and including asOf (0 when on time). */
  days: number;
  /** What is due, to the fen: 0.00 on time or under the minimum. */
  amount: string;
  /** The exact sum before rounding, for the record. */
  exact: string;
  /** Below payments.surchargeMinimum it is not collected. */
  collected: boolean;
  minimum: string;
  periods: SurchargePeriod[];
}

const ZERO_SURCHARGE = (asOf: string, minimum: string): Surcharge => ({
  asOf,
  days: 0,
  amount: '0.00',
  exact: '0',
  collected: false,
  minimum,
  periods: [],
});

/**
 * The late-payment surcharge (滞纳金) on a bill not paid by its due date: the unpaid tax × the daily rate
 * (payments.surchargeRate, 0.05% = 万分之五) × the days overdue, counted from the day after the due date
 * up to and including the day of payment, `asOf` (《海关法》第六十条: 逾期缴纳的由海关征收滞纳金;
 * 《关税法》第五十条: 自缴纳期限届满之日起至实际缴纳税款之日止，按日加收滞纳税款万分之五的滞纳金).
 * Each day takes the rate in force on that day (`rates`: versions by the day they start, any order).
 * Rounding: the exact sum over the periods is rounded once, half-up, to the fen (0.01 CNY) — never day
 * by day, so no fen is made or lost across days. A surcharge under `minimum` (payments.surchargeMinimum,
 * 50 CNY: 滞纳金起征额) is not collected: 0.00.
 */
export function lateSurcharge(q: {
  unpaid: string;
  due: string;
  asOf: string;
  rates: readonly SurchargeRate[];
  minimum: string;
}): Surcharge {
  if (!ISO.test(q.due) || !ISO.test(q.asOf)) throw new Error(`not a date: ${q.due} / ${q.asOf}`);
  if (!isPastDue(q.due, q.asOf)) return ZERO_SURCHARGE(q.asOf, q.minimum);
  const first = addDays(q.due, 1);
  const sorted = [...q.rates].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const starts = sorted.filter((r) => r.from > first && r.from <= q.asOf);
  const opening = sorted.filter((r) => r.from <= first).at(-1);
  if (!opening) throw new Error(`no surcharge rate in force on ${first}`);
  const periods: SurchargePeriod[] = [];
  const segments = [{ ...opening, from: first }, ...starts];
  let exact = new Decimal(0);
  const unpaid = new Decimal(q.unpaid);
  segments.forEach((seg, i) => {
    const next = segments[i + 1];
    const to = next ? addDays(next.from, -1) : q.asOf;
    const days = daysBetween(seg.from, to) + 1;
    if (days <= 0) return;
    exact = exact.plus(unpaid.times(seg.rate).times(days));
    periods.push({ from: seg.from, to, days, rate: seg.rate, version: seg.version });
  });
  const rounded = exact.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  const collected = rounded.gte(q.minimum);
  return {
    asOf: q.asOf,
    days: daysBetween(q.due, q.asOf),
    amount: collected ? rounded.toFixed(2) : '0.00',
    exact: exact.toString(),
    collected,
    minimum: q.minimum,
    periods,
  };
}

/** What settles a bill on a day: its tax and the surcharge due that day. */
export function amountDue(total: string, surcharge: Pick<Surcharge, 'amount'> | null): string {
  return new Decimal(total).plus(surcharge?.amount ?? '0').toFixed(2);
}

export interface NoticeInput {
  kind: NoticeKind;
  amount: string;
  /** A guarantee's last day of validity. */
  validUntil?: string | undefined;
}

export type NoticeOutcome = { ok: true; to: PaymentState } | { ok: false; refusal: Refusal; status: 409 | 422 };

/**
 * A treasury notice applied to a bill in `state` owing `total`, due on `due`, on `today`:
 * a payment must equal the bill to the fen and settles any bill not yet paid (also an overdue one);
 * a guarantee must cover the bill and be valid at least until the due date, and only secures an
 * unpaid bill that is not yet overdue.
 */
export function applyNotice(
  bill: { state: PaymentState; total: string; due: string; surcharge?: string },
  notice: NoticeInput,
  today: string,
): NoticeOutcome {
  const bad = amountViolation(notice.amount);
  if (bad) return { ok: false, refusal: bad, status: 422 };
  const total = new Decimal(bill.total);
  if (total.isZero())
    return {
      ok: false,
      status: 409,
      refusal: { rule: PAYMENT_RULES.nothingDue, path: 'billId', message: 'The bill is 0.00 CNY: nothing is due.' },
    };
  if (bill.state === 'PAID')
    return {
      ok: false,
      status: 409,
      refusal: { rule: PAYMENT_RULES.alreadyPaid, path: 'billId', message: 'The bill is already paid.' },
    };
  const amount = new Decimal(notice.amount);
  if (notice.kind === 'PAYMENT') {
    // A payment covers the tax and the late-payment surcharge due on the day it is made, to the fen.
    const surcharge = new Decimal(bill.surcharge ?? '0');
    const due = total.plus(surcharge);
    if (!amount.eq(due)) {
      const late = surcharge.isZero() ? '' : ` plus a late-payment surcharge of ${surcharge.toFixed(2)} CNY`;
      return {
        ok: false,
        status: 422,
        refusal: {
          rule: PAYMENT_RULES.amountMismatch,
          path: 'amount',
          message:
            `The bill is ${total.toFixed(2)} CNY${late} (${due.toFixed(2)} CNY on ${today}); a payment of ` +
            `${amount.toFixed(2)} CNY does not settle it.`,
        },
      };
    }
    return { ok: true, to: 'PAID' };
  }
  if (bill.state === 'GUARANTEED')
    return {
      ok: false,
      status: 409,
      refusal: { rule: PAYMENT_RULES.alreadyGuaranteed, path: 'billId', message: 'The bill is already guaranteed.' },
    };
  if (bill.state === 'OVERDUE' || isPastDue(bill.due, today))
    return {
      ok: false,
      status: 409,
      refusal: {
        rule: PAYMENT_RULES.overdueGuarantee,
        path: 'billId',
        message: `The bill was due on ${bill.due}: only payment settles it now.`,
      },
    };
  if (amount.lt(total))
    return {
      ok: false,
      status: 422,
      refusal: {
        rule: PAYMENT_RULES.guaranteeInsufficient,
        path: 'amount',
        message: `The guarantee of ${amount.toFixed(2)} CNY does not cover the bill of ${total.toFixed(2)} CNY.`,
      },
    };
  if (!notice.validUntil || !ISO.test(notice.validUntil) || notice.validUntil < bill.due)
    return {
      ok: false,
      status: 422,
      refusal: {
        rule: PAYMENT_RULES.guaranteeExpiry,
        path: 'validUntil',
        message: `A guarantee must be valid at least until the bill's due date ${bill.due}.`,
      },
    };
  return { ok: true, to: 'GUARANTEED' };
}

/**
 * Whether the goods of a bill wait for its payment or a guarantee before their release order is
 * issued (先税后放): whenever something is due, unless the enterprise's class may pay after release
 * (汇总征税-style, parameter payments.payLaterClasses) and it has no overdue bill.
 */
export function settlementBeforeRelease(q: {
  total: string;
  creditClass: string;
  payLaterClasses: readonly string[];
  overdueBills: number;
}): { required: boolean; reason: string } {
  if (new Decimal(q.total).isZero()) return { required: false, reason: 'nothing is due' };
  if (q.overdueBills > 0)
    return { required: true, reason: `the enterprise has ${q.overdueBills} overdue bill(s): pay before release` };
  if (!q.payLaterClasses.includes(q.creditClass))
    return { required: true, reason: `a ${q.creditClass} enterprise pays or gives a guarantee before release` };
  return { required: false, reason: `a ${q.creditClass} enterprise may pay by the due date after release` };
}

/** Whether a settled bill (PAID or GUARANTEED) lets its goods go. */
export const isSettled = (s: PaymentState) => s === 'PAID' || s === 'GUARANTEED';
