import { and, eq, sql } from 'drizzle-orm';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { canonicalJson } from '../../../kernel/canonicalJson.ts';
import { Problem, problems } from '../../../kernel/problem.ts';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor, Tx } from '../../../platform/db/client.ts';
import { runCommand } from '../../../platform/command.ts';
import { sha256Hex } from '../../../platform/crypto.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { getParameter } from '../../../platform/parameters/service.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { PAYMENT_EVENTS } from '../events.ts';
import { NOTICE_DEPARTMENTS } from '../parameters.ts';
import { applyNotice, PAYMENT_RULES, type NoticeKind, type PaymentState } from '../rules.ts';
import { billPaymentStates, paymentNotices } from '../schema.ts';
import {
  billById,
  dueDates,
  paymentStatesOf,
  surcharges,
  viewOf,
  type BillRow,
  type PaymentView,
  type StateRow,
} from './store.ts';
import { forgetOverdueBills } from './hold.ts';

export interface NoticeBody {
  noticeId: string;
  kind: NoticeKind;
  amount: string;
  reference?: string | undefined;
  validUntil?: string | undefined;
}

export interface NoticeResult {
  billId: string;
  billNo: string;
  noticeId: string;
  kind: NoticeKind;
  from: PaymentState;
  state: PaymentState;
  alreadyApplied: boolean;
  payment: PaymentView;
}

export const auditSubjectOf = (billId: string) => `taxBill:${billId}`;

function refusal(status: 403 | 409 | 422, rule: string, path: string, message: string): Problem {
  return new Problem({
    status,
    code: rule.replace(/\./g, '-').toLowerCase(),
    title: status === 403 ? 'Notice not accepted from this client' : 'Notice refused',
    detail: message,
    errors: [{ path, rule, message }],
  });
}

/** The department a treasury client speaks for, if the policy lets it settle bills; else a 403. */
async function noticeDepartment(ex: Executor, actor: Actor, today: string): Promise<string> {
  const d = actor.kind === 'client' && actor.role === 'department' ? actor.scope?.department : undefined;
  let allowed: string[] = ['treasury'];
  try {
    allowed = (await getParameter<string[]>(ex, NOTICE_DEPARTMENTS, today)).value;
  } catch {
    // not seeded on this database: the treasury alone
  }
  if (typeof d !== 'string' || !allowed.includes(d))
    throw refusal(
      403,
      PAYMENT_RULES.notTreasury,
      'department',
      `Payment notices come from a department client of ${allowed.join(', ')} (scope {"department": "treasury"}).`,
    );
  return d;
}

/** The bill's state row, created (UNPAID) if the bill never had one, and locked for the command. */
async function lockedState(tx: Tx, bill: BillRow, now: Date): Promise<StateRow> {
  const due = await dueDates(tx)(bill.businessDate);
  const initial = viewOf(bill, undefined, due);
  forgetOverdueBills(tx);
  await tx
    .insert(billPaymentStates)
    .values({
      billId: bill.id,
      enterpriseId: bill.enterpriseId,
      declarationId: bill.declarationId,
      state: initial.state,
      total: bill.total,
      dueDate: due.due,
      dueParameterVersion: due.version,
      updatedAt: now,
      auditSeq: bill.auditSeq,
    })
    .onConflictDoNothing();
  const [row] = await tx.select().from(billPaymentStates).where(eq(billPaymentStates.billId, bill.id)).for('update');
  return row!;
}

/**
 * A treasury or bank notice about a bill: a payment (must equal the bill to the fen) or a guarantee.
 * Idempotent by (department, noticeId): the same notice again answers the first result; the same id
 * with other content is a 409. Concurrent notices of one bill queue on its state row, so a bill is
 * paid once. A refused notice writes nothing.
 */
export async function receiveNotice(
  ctx: AppContext,
  actor: Actor,
  billId: string,
  body: NoticeBody,
): Promise<NoticeResult> {
  return runCommand(ctx, 'payments.notice', async (tx) => {
    const now = ctx.clock.now();
    const today = shanghaiDate(now);
    const department = await noticeDepartment(tx, actor, today);
    const bill = await billById(tx, billId);
    if (!bill) throw problems.notFound(`Tax bill ${billId}`);
    const hash = sha256Hex(
      canonicalJson({
        billId,
        kind: body.kind,
        amount: body.amount,
        reference: body.reference ?? null,
        validUntil: body.validUntil ?? null,
      }),
    );
    const state = await lockedState(tx, bill, now);
    const [seen] = await tx
      .select()
      .from(paymentNotices)
      .where(and(eq(paymentNotices.department, department), eq(paymentNotices.noticeId, body.noticeId)));
    if (seen) {
      if (seen.contentHash !== hash)
        throw refusal(
          409,
          PAYMENT_RULES.noticeConflict,
          'noticeId',
          `Notice ${body.noticeId} was received on ${seen.receivedAt.toISOString()} with other content.`,
        );
      return {
        billId,
        billNo: bill.billNo,
        noticeId: body.noticeId,
        kind: seen.kind as NoticeKind,
        from: seen.fromState as PaymentState,
        state: seen.toState as PaymentState,
        alreadyApplied: true,
        payment: (await paymentStatesOf(tx, [bill], today)).get(billId)!,
      };
    }
    const from = state.state as PaymentState;
    // The late-payment surcharge due today (滞纳金): a payment covers it with the tax.
    const surcharge = await surcharges(tx, today)(bill.total, state.dueDate);
    const outcome = applyNotice(
      { state: from, total: bill.total, due: state.dueDate, surcharge: surcharge.amount },
      body,
      today,
    );
    if (!outcome.ok) throw refusal(outcome.status, outcome.refusal.rule, outcome.refusal.path, outcome.refusal.message);
    const to = outcome.to;
    const change = {
      billNo: bill.billNo,
      department,
      noticeId: body.noticeId,
      kind: body.kind,
      amount: body.amount,
      reference: body.reference ?? null,
      validUntil: body.validUntil ?? null,
      from,
      to,
      ...(body.kind === 'PAYMENT'
        ? {
            tax: bill.total,
            surcharge: {
              amount: surcharge.amount,
              days: surcharge.days,
              exact: surcharge.exact,
              periods: surcharge.periods,
            },
          }
        : {}),
    };
    const { seq } = await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'payments.stateChanged',
      subject: auditSubjectOf(billId),
      change,
      at: now,
    });
    forgetOverdueBills(tx);
    await tx
      .update(billPaymentStates)
      .set({
        state: to,
        updatedAt: now,
        auditSeq: seq,
        ...(to === 'PAID' ? { paidAt: now, paymentNoticeId: body.noticeId } : {}),
        ...(to === 'GUARANTEED'
          ? { guaranteeReference: body.reference ?? body.noticeId, guaranteedUntil: body.validUntil }
          : {}),
      })
      .where(eq(billPaymentStates.billId, billId));
    await tx.insert(paymentNotices).values({
      department,
      noticeId: body.noticeId,
      billId,
      kind: body.kind,
      amount: body.amount,
      reference: body.reference ?? null,
      validUntil: body.validUntil ?? null,
      contentHash: hash,
      fromState: from,
      toState: to,
      receivedBy: actorLabel(actor),
      receivedAt: now,
      auditSeq: seq,
    });
    await enqueueEvents(tx, [
      {
        ...typedEvent(PAYMENT_EVENTS, 'TaxBillPaymentChanged', {
          aggregateType: 'taxBill',
          aggregateId: billId,
          payload: {
            billId,
            billNo: bill.billNo,
            declarationId: bill.declarationId,
            enterpriseId: bill.enterpriseId,
            from,
            to,
            total: bill.total,
            dueDate: state.dueDate,
            noticeId: body.noticeId,
          },
          occurredAt: now,
        }),
        auditSeq: seq,
      },
    ]);
    return {
      billId,
      billNo: bill.billNo,
      noticeId: body.noticeId,
      kind: body.kind,
      from,
      state: to,
      alreadyApplied: false,
      payment: (await paymentStatesOf(tx, [bill], today)).get(billId)!,
    };
  });
}

/** The notices a bill received, oldest first. */
export async function noticesOf(ex: Executor, billId: string) {
  const rows = await ex
    .select()
    .from(paymentNotices)
    .where(eq(paymentNotices.billId, billId))
    .orderBy(sql`${paymentNotices.receivedAt} asc, ${paymentNotices.auditSeq} asc`);
  return rows.map((r) => ({
    noticeId: r.noticeId,
    department: r.department,
    kind: r.kind as NoticeKind,
    amount: r.amount,
    reference: r.reference,
    validUntil: r.validUntil,
    from: r.fromState as PaymentState,
    to: r.toState as PaymentState,
    receivedAt: r.receivedAt.toISOString(),
    auditSeq: r.auditSeq,
  }));
}
