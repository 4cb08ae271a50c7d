import { Decimal } from 'decimal.js';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../../platform/db/client.ts';
import { getParameter, parameterHistory } from '../../../platform/parameters/service.ts';
import { addDays, shanghaiDate } from '../../../kernel/dates.ts';
import { DUE_DAYS, SURCHARGE_MINIMUM, SURCHARGE_RATE } from '../parameters.ts';
import {
  amountDue,
  dueDate,
  initialState,
  isPastDue,
  lateSurcharge,
  type HolidayRange,
  type PaymentState,
  type Surcharge,
  type SurchargeRate,
} from '../rules.ts';

/** The public holiday calendar (a tax parameter, read by name: this module imports nothing of tax). */
const HOLIDAYS = 'tax.publicHolidays';
import { billPaymentStates, paymentNotices } from '../schema.ts';

/** What this module reads of a tax bill (declarations' decl_tax_bills, read by its columns). */
export interface BillRow {
  id: string;
  billNo: string;
  declarationId: string;
  enterpriseId: string;
  total: string;
  businessDate: string;
  auditSeq: number;
  /** Which module issued it: a declaration's (or transfer's) bill, or a first-line bill. */
  source: 'DECLARATION' | 'FIRST_LINE';
}
export type StateRow = typeof billPaymentStates.$inferSelect;

export interface PaymentView {
  state: PaymentState;
  dueDate: string;
  dueParameterVersion: number | null;
  paidAt: string | null;
  guaranteeReference: string | null;
  guaranteedUntil: string | null;
  overdueAt: string | null;
  /**
   * The late-payment surcharge (滞纳金): for a paid bill, what its payment covered; for an unpaid one past its
   * due date, what is due today. Null where the view was read without a day.
   */
  surcharge: Surcharge | null;
  /** What a payment notice must be today: the tax plus the surcharge (the tax alone where no day was given). */
  amountDue: string;
}

/** The due date of bills issued on a day (payments.dueDays of that day), cached per call. */
export function dueDates(ex: Executor) {
  const cache = new Map<string, Promise<{ due: string; version: number | null }>>();
  return (issueDate: string) => {
    let p = cache.get(issueDate);
    if (!p) {
      // The due date moves off weekends and the public holidays of the calendar (tax.publicHolidays).
      const holidays = getParameter<HolidayRange[]>(ex, HOLIDAYS, issueDate).then(
        (h) => h.value,
        () => [],
      );
      p = holidays.then((h) =>
        getParameter<number>(ex, DUE_DAYS, issueDate).then(
          (v) => ({ due: dueDate(issueDate, Number(v.value), h), version: v.version ?? null }),
          // Bills issued before the parameter existed: the Customs Law's 15 days.
          () => ({ due: dueDate(issueDate, 15, h), version: null }),
        ),
      );
      cache.set(issueDate, p);
    }
    return p;
  };
}

export async function stateRows(ex: Executor, billIds: readonly string[]): Promise<Map<string, StateRow>> {
  if (billIds.length === 0) return new Map();
  const rows = await ex
    .select()
    .from(billPaymentStates)
    .where(inArray(billPaymentStates.billId, [...billIds]));
  return new Map(rows.map((r) => [r.billId, r]));
}

export function viewOf(
  bill: { total: string },
  row: StateRow | undefined,
  due: { due: string; version: number | null },
  surcharge: Surcharge | null = null,
): PaymentView {
  const late = { surcharge, amountDue: amountDue(bill.total, surcharge) };
  if (row)
    return {
      state: row.state as PaymentState,
      dueDate: row.dueDate,
      dueParameterVersion: row.dueParameterVersion ?? null,
      paidAt: row.paidAt?.toISOString() ?? null,
      guaranteeReference: row.guaranteeReference ?? null,
      guaranteedUntil: row.guaranteedUntil ?? null,
      overdueAt: row.overdueAt?.toISOString() ?? null,
      ...late,
    };
  return {
    state: initialState(bill.total),
    dueDate: due.due,
    dueParameterVersion: due.version,
    paidAt: null,
    guaranteeReference: null,
    guaranteedUntil: null,
    overdueAt: null,
    ...late,
  };
}

/**
 * The surcharge rule's inputs on `asOf` for bills due on any day, cached per call: the versions of
 * payments.surchargeRate in force from the first overdue day on (one look-up per day a version starts
 * or ends, not per day), and the minimum in force on `asOf`. Bills of a database where the parameters
 * were never seeded take the law's 0.05% and 50 CNY.
 */
export function surcharges(ex: Executor, asOf: string) {
  let history: Promise<string[]> | undefined;
  let minimum: Promise<string> | undefined;
  const ratesFrom = async (first: string): Promise<SurchargeRate[]> => {
    history ??= parameterHistory(ex, SURCHARGE_RATE).then((rows) =>
      rows.flatMap((r) => [r.validFrom, ...(r.validTo ? [r.validTo] : [])]),
    );
    const points = [first, ...new Set((await history).filter((d) => d > first && d <= asOf))].sort();
    const out: SurchargeRate[] = [];
    for (const day of points) {
      const v = await getParameter<string>(ex, SURCHARGE_RATE, day).catch(() => null);
      out.push({ from: day, rate: v ? String(v.value) : '0.0005', version: v?.version ?? null });
    }
    return out;
  };
  return async (total: string, due: string, on: string = asOf): Promise<Surcharge> => {
    minimum ??= getParameter<string>(ex, SURCHARGE_MINIMUM, asOf).then(
      (v) => String(v.value),
      () => '50.00',
    );
    const first = addDays(due, 1);
    const rates = isPastDue(due, on) ? await ratesFrom(first) : [];
    return lateSurcharge({ unpaid: total, due, asOf: on, rates, minimum: await minimum });
  };
}

/** The payment notice that paid each bill (its amount and day), for the surcharge it covered. */
async function payments(ex: Executor, billIds: readonly string[]) {
  if (billIds.length === 0) return new Map<string, { amount: string; day: string }>();
  const rows = await ex
    .select({ billId: paymentNotices.billId, amount: paymentNotices.amount, at: paymentNotices.receivedAt })
    .from(paymentNotices)
    .where(and(inArray(paymentNotices.billId, [...billIds]), eq(paymentNotices.toState, 'PAID')));
  return new Map(rows.map((r) => [r.billId, { amount: r.amount, day: shanghaiDate(r.at) }]));
}

/**
 * The surcharge shown with a bill on `today`: none while it is on time; for an unpaid or guaranteed
 * bill past due, what is due today; for a paid bill, what its payment covered (the surcharge as of the
 * day it was paid, its amount the part of the payment above the tax).
 */
async function surchargeOf(
  bill: { id: string; total: string },
  view: PaymentView,
  paid: Map<string, { amount: string; day: string }>,
  compute: (total: string, due: string, on?: string) => Promise<Surcharge>,
): Promise<Surcharge> {
  if (view.state !== 'PAID') return compute(bill.total, view.dueDate);
  const p = paid.get(bill.id);
  if (!p) return compute(bill.total, view.dueDate, view.dueDate); // a 0.00 bill, PAID from its issue
  const s = await compute(bill.total, view.dueDate, p.day);
  const covered = new Decimal(p.amount).minus(bill.total);
  return { ...s, amount: covered.toFixed(2), collected: covered.gt(0) };
}

/**
 * The payment state of each bill (by id): its stored row, or UNPAID (PAID when 0.00) due by the parameter;
 * with `today`, the late-payment surcharge and the amount due that day.
 */
export async function paymentStatesOf(
  ex: Executor,
  bills: readonly { id: string; total: string; businessDate: string }[],
  today?: string,
): Promise<Map<string, PaymentView>> {
  const ids = bills.map((b) => b.id);
  const rows = await stateRows(ex, ids);
  const dues = dueDates(ex);
  const paid = today ? await payments(ex, ids) : new Map<string, { amount: string; day: string }>();
  const compute = today ? surcharges(ex, today) : null;
  const out = new Map<string, PaymentView>();
  for (const b of bills) {
    const view = viewOf(b, rows.get(b.id), await dues(b.businessDate));
    if (!compute) {
      out.set(b.id, view);
      continue;
    }
    const s = await surchargeOf(b, view, paid, compute);
    const due = view.state === 'PAID' ? '0.00' : amountDue(b.total, s);
    out.set(b.id, { ...view, surcharge: s, amountDue: due });
  }
  return out;
}

/** Bill views with their payment state added (`payment`); with `today`, the surcharge due that day. */
export async function withPayment<T extends { id: string; total: string; businessDate: string }>(
  ex: Executor,
  bills: readonly T[],
  today?: string,
): Promise<(T & { payment: PaymentView })[]> {
  const states = await paymentStatesOf(ex, bills, today);
  return bills.map((b) => ({ ...b, payment: states.get(b.id)! }));
}

/**
 * Every bill a payment state applies to, read by table name in this one documented query
 * (docs/modules.md): the declarations' decl_tax_bills (exits, centralized declarations, supplementary
 * bills, taxable island transfers) and the first line's firstline_bills (taxed-catalogue imports).
 * A first-line bill keeps no audit sequence of its own: 0 stands for it in a state row until the first
 * state change writes the change's sequence (a notice, the sweep). `union all` keeps each branch on
 * its own primary key and indexes. The two names stay text (allowed in src/sqlTables.test.ts):
 * declarations and the first line import this module's service, so importing their tables back would
 * make the modules import each other.
 */
const BILLS = sql`(
  select id, bill_no, declaration_id, enterprise_id, total, business_date, audit_seq, 'DECLARATION' as source
    from decl_tax_bills
  union all
  select id, number, declaration_id, enterprise_id, total, issued_on, 0::bigint, 'FIRST_LINE'
    from firstline_bills
) b`;

const BILL_COLUMNS = sql`b.id, b.bill_no as "billNo", b.declaration_id as "declarationId",
  b.enterprise_id as "enterpriseId", b.total::text as total, b.business_date::text as "businessDate",
  b.audit_seq::bigint as "auditSeq", b.source`;

function bill(r: BillRow): BillRow {
  return { ...r, auditSeq: Number(r.auditSeq) };
}

export async function billById(ex: Executor, id: string): Promise<BillRow | null> {
  const [row] = await queryRows<BillRow>(ex, sql`select ${BILL_COLUMNS} from ${BILLS} where b.id = ${id}::uuid`);
  return row ? bill(row) : null;
}

/** Bills owing something, issued before `today`, never settled: what the overdue sweep looks at. */
export async function unsettledBills(ex: Executor, today: string, limit: number): Promise<BillRow[]> {
  const rows = await queryRows<BillRow>(
    ex,
    sql`select ${BILL_COLUMNS}
        from ${BILLS} left join ${billPaymentStates} s on s.bill_id = b.id
        where b.total > 0 and b.business_date < ${today}::date
          and (s.state is null or s.state in ('UNPAID', 'GUARANTEED'))
        order by b.business_date, b.id limit ${limit}`,
  );
  return rows.map(bill);
}
