import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { uuidv7 } from '../../../kernel/ids.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import type { AppContext } from '../../../platform/context.ts';
import { runCommand } from '../../../platform/command.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { systemActor } from '../../../platform/auth/roles.ts';
import { findEnterpriseById } from '../../subjects/service.ts';
import { recordInput } from '../../credit/service.ts';
import { PAYMENT_EVENTS } from '../events.ts';
import { sweepTransition, type PaymentState } from '../rules.ts';
import { billPaymentStates, paymentAlerts } from '../schema.ts';
import { auditSubjectOf } from './notices.ts';
import { billById, dueDates, unsettledBills } from './store.ts';
import { forgetOverdueBills } from './hold.ts';

const SWEEPER = 'system:payments-sweep';
/** The department code under which overdue bills count in credit (a sector rating, mission.md §2). */
export const CREDIT_DEPARTMENT = 'customs_tax';

export interface SweepResult {
  date: string;
  overdue: number;
  creditFed: number;
}

/**
 * The daily sweep (and POST /api/v1/tax-bills/overdue-sweep): every bill not paid past its due date
 * becomes OVERDUE, raises one alert and counts in the enterprise's credit (a customs_tax rating at its
 * lowest level, raised again when the enterprise has no overdue bill left). Re-runnable: a bill is
 * marked once and fed to credit once.
 */
export async function sweepOverdue(ctx: AppContext, today: string): Promise<SweepResult> {
  // Candidates: bills owing something, never settled, issued at least a day ago.
  const candidates = await unsettledBills(ctx.db, today, 5000);
  const dues = dueDates(ctx.db);
  let overdue = 0;
  for (const c of candidates) {
    const { due } = await dues(c.businessDate);
    if (!sweepTransition('UNPAID', due, today)) continue;
    if (await markOverdue(ctx, c.id, today)) overdue++;
  }
  return { date: today, overdue, creditFed: await feedCredit(ctx) };
}

async function markOverdue(ctx: AppContext, billId: string, today: string): Promise<boolean> {
  return runCommand(ctx, 'payments.overdue', async (tx) => {
    const now = ctx.clock.now();
    const bill = await billById(tx, billId);
    if (!bill) return false;
    const due = await dueDates(tx)(bill.businessDate);
    forgetOverdueBills(tx);
    await tx
      .insert(billPaymentStates)
      .values({
        billId,
        enterpriseId: bill.enterpriseId,
        declarationId: bill.declarationId,
        state: 'UNPAID',
        total: bill.total,
        dueDate: due.due,
        dueParameterVersion: due.version,
        updatedAt: now,
        auditSeq: bill.auditSeq,
      })
      .onConflictDoNothing();
    const [row] = await tx.select().from(billPaymentStates).where(eq(billPaymentStates.billId, billId)).for('update');
    const from = row!.state as PaymentState;
    const to = sweepTransition(from, row!.dueDate, today);
    if (!to) return false;
    const detail =
      `Tax bill ${bill.billNo} of ${bill.total} CNY was due on ${row!.dueDate} and is not paid` +
      (from === 'GUARANTEED' ? ' (it was guaranteed: the guarantee is called).' : '.');
    const { seq } = await appendAudit(tx, {
      actor: SWEEPER,
      action: 'payments.stateChanged',
      subject: auditSubjectOf(billId),
      change: { billNo: bill.billNo, from, to, dueDate: row!.dueDate, today },
      at: now,
    });
    forgetOverdueBills(tx);
    await tx
      .update(billPaymentStates)
      .set({ state: to, overdueAt: now, updatedAt: now, auditSeq: seq, creditInputId: uuidv7(now.getTime()) })
      .where(eq(billPaymentStates.billId, billId));
    await tx
      .insert(paymentAlerts)
      .values({
        billId,
        enterpriseId: bill.enterpriseId,
        kind: 'BILL_OVERDUE',
        dueDate: row!.dueDate,
        detail,
        raisedAt: now,
        auditSeq: seq,
      })
      .onConflictDoNothing();
    const ref = { billId, billNo: bill.billNo, declarationId: bill.declarationId, enterpriseId: bill.enterpriseId };
    await enqueueEvents(tx, [
      {
        ...typedEvent(PAYMENT_EVENTS, 'TaxBillPaymentChanged', {
          aggregateType: 'taxBill',
          aggregateId: billId,
          payload: { ...ref, from, to, total: bill.total, dueDate: row!.dueDate, noticeId: null },
          occurredAt: now,
        }),
        auditSeq: seq,
      },
      {
        ...typedEvent(PAYMENT_EVENTS, 'TaxBillOverdue', {
          aggregateType: 'taxBill',
          aggregateId: billId,
          payload: { ...ref, total: bill.total, dueDate: row!.dueDate },
          occurredAt: now,
        }),
        auditSeq: seq,
      },
    ]);
    return true;
  });
}

/** Records each overdue bill not yet fed in the enterprise's credit (idempotent by the stored input id). */
async function feedCredit(ctx: AppContext): Promise<number> {
  const pending = await ctx.db
    .select()
    .from(billPaymentStates)
    .where(and(isNotNull(billPaymentStates.creditInputId), isNull(billPaymentStates.creditFedAt)))
    .orderBy(sql`${billPaymentStates.overdueAt} asc`)
    .limit(1000);
  let fed = 0;
  for (const p of pending) {
    const enterprise = await findEnterpriseById(ctx.db, p.enterpriseId);
    if (!enterprise) continue;
    const bill = await billById(ctx.db, p.billId);
    await recordInput(ctx, systemActor('payments-sweep'), {
      inputId: p.creditInputId!,
      subjectKind: 'ENTERPRISE',
      subject: enterprise.uscc,
      source: 'customs',
      effectiveDate: shanghaiDate(p.overdueAt ?? ctx.clock.now()),
      reference: `tax bill ${bill?.billNo ?? p.billId} overdue since ${p.dueDate}`.slice(0, 120),
      input: { type: 'SECTOR_RATING', department: CREDIT_DEPARTMENT, level: 'OVERDUE', isLowestLevel: true },
    });
    await ctx.db
      .update(billPaymentStates)
      .set({ creditFedAt: ctx.clock.now() })
      .where(eq(billPaymentStates.billId, p.billId));
    fed++;
  }
  return fed;
}

/**
 * After a payment of an overdue bill: when the enterprise has no overdue bill left and one was fed to
 * credit, the customs_tax rating is raised again (the enterprise leaves FOCUS on that ground at once).
 */
export async function creditAfterPayment(ctx: AppContext, enterpriseId: string): Promise<boolean> {
  const [left] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(billPaymentStates)
    .where(and(eq(billPaymentStates.enterpriseId, enterpriseId), eq(billPaymentStates.state, 'OVERDUE')));
  if ((left?.n ?? 0) > 0) return false;
  const [fed] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(billPaymentStates)
    .where(and(eq(billPaymentStates.enterpriseId, enterpriseId), isNotNull(billPaymentStates.creditFedAt)));
  if ((fed?.n ?? 0) === 0) return false;
  const enterprise = await findEnterpriseById(ctx.db, enterpriseId);
  if (!enterprise) return false;
  await recordInput(ctx, systemActor('payments'), {
    subjectKind: 'ENTERPRISE',
    subject: enterprise.uscc,
    source: 'customs',
    effectiveDate: shanghaiDate(ctx.clock.now()),
    reference: 'overdue tax bills paid',
    input: { type: 'SECTOR_RATING', department: CREDIT_DEPARTMENT, level: 'SETTLED', isLowestLevel: false },
  });
  return true;
}
