import { inArray, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../../platform/db/client.ts';
import { getParameter } from '../../../platform/parameters/service.ts';
import { DUE_DAYS } from '../parameters.ts';
import { dueDate, initialState, type PaymentState } from '../rules.ts';
import { billPaymentStates } from '../schema.ts';

/** What this module reads of a tax bill (declarations' decl_tax_bills, read by its columns). */
export interface BillRow {
  id: string;
  billNo: string;
  declarationId: string;
  enterpriseId: string;
  total: string;
  businessDate: string;
  auditSeq: number;
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
}

/** The due date of bills issued on a day (payments.dueDays of that day), cached per call. */
export function dueDates(ex: Executor) {
  const cache = new Map<string, Promise<{ due: string; version: number | null }>>();
  return (issueDate: string) => {
    let p = cache.get(issueDate);
    if (!p) {
      p = getParameter<number>(ex, DUE_DAYS, issueDate).then(
        (v) => ({ due: dueDate(issueDate, Number(v.value)), version: v.version ?? null }),
        // Bills issued before the parameter existed: the Customs Law's 15 days.
        () => ({ due: dueDate(issueDate, 15), version: null }),
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
): PaymentView {
  if (row)
    return {
      state: row.state as PaymentState,
      dueDate: row.dueDate,
      dueParameterVersion: row.dueParameterVersion ?? null,
      paidAt: row.paidAt?.toISOString() ?? null,
      guaranteeReference: row.guaranteeReference ?? null,
      guaranteedUntil: row.guaranteedUntil ?? null,
      overdueAt: row.overdueAt?.toISOString() ?? null,
    };
  return {
    state: initialState(bill.total),
    dueDate: due.due,
    dueParameterVersion: due.version,
    paidAt: null,
    guaranteeReference: null,
    guaranteedUntil: null,
    overdueAt: null,
  };
}

/** The payment state of each bill (by id): its stored row, or UNPAID (PAID when 0.00) due by the parameter. */
export async function paymentStatesOf(
  ex: Executor,
  bills: readonly { id: string; total: string; businessDate: string }[],
): Promise<Map<string, PaymentView>> {
  const rows = await stateRows(
    ex,
    bills.map((b) => b.id),
  );
  const dues = dueDates(ex);
  const out = new Map<string, PaymentView>();
  for (const b of bills) out.set(b.id, viewOf(b, rows.get(b.id), await dues(b.businessDate)));
  return out;
}

/** Bill views with their payment state added (`payment`). */
export async function withPayment<T extends { id: string; total: string; businessDate: string }>(
  ex: Executor,
  bills: readonly T[],
): Promise<(T & { payment: PaymentView })[]> {
  const states = await paymentStatesOf(ex, bills);
  return bills.map((b) => ({ ...b, payment: states.get(b.id)! }));
}

const BILL_COLUMNS = sql`id, bill_no as "billNo", declaration_id as "declarationId",
  enterprise_id as "enterpriseId", total::text as total, business_date::text as "businessDate",
  audit_seq::bigint as "auditSeq"`;

function bill(r: BillRow): BillRow {
  return { ...r, auditSeq: Number(r.auditSeq) };
}

export async function billById(ex: Executor, id: string): Promise<BillRow | null> {
  const [row] = await queryRows<BillRow>(ex, sql`select ${BILL_COLUMNS} from decl_tax_bills where id = ${id}::uuid`);
  return row ? bill(row) : null;
}

/** Bills owing something, issued before `today`, never settled: what the overdue sweep looks at. */
export async function unsettledBills(ex: Executor, today: string, limit: number): Promise<BillRow[]> {
  const rows = await queryRows<BillRow>(
    ex,
    sql`select b.id, b.bill_no as "billNo", b.declaration_id as "declarationId",
          b.enterprise_id as "enterpriseId", b.total::text as total, b.business_date::text as "businessDate",
          b.audit_seq::bigint as "auditSeq"
        from decl_tax_bills b left join pay_bill_states s on s.bill_id = b.id
        where b.total > 0 and b.business_date < ${today}::date
          and (s.state is null or s.state in ('UNPAID', 'GUARANTEED'))
        order by b.business_date, b.id limit ${limit}`,
  );
  return rows.map(bill);
}
