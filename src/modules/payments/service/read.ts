import { desc } from 'drizzle-orm';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { problems } from '../../../kernel/problem.ts';
import type { AppContext } from '../../../platform/context.ts';
import { assertEnterpriseVisible } from '../../../platform/auth/scope.ts';
import type { Actor } from '../../../platform/auth/roles.ts';
import { paymentAlerts } from '../schema.ts';
import { noticesOf } from './notices.ts';
import { billById, paymentStatesOf } from './store.ts';

/** One bill's payment: its state, due date and the notices received. */
export async function billPayment(ctx: AppContext, actor: Actor, billId: string) {
  const bill = await billById(ctx.db, billId);
  if (!bill) throw problems.notFound(`Tax bill ${billId}`);
  if (!(actor.kind === 'client' && actor.role === 'department'))
    assertEnterpriseVisible(actor, bill.enterpriseId, `Tax bill ${billId}`);
  const states = await paymentStatesOf(ctx.db, [bill], shanghaiDate(ctx.clock.now()));
  return {
    billId,
    billNo: bill.billNo,
    declarationId: bill.declarationId,
    total: bill.total,
    ...states.get(billId)!,
    notices: await noticesOf(ctx.db, billId),
  };
}

/** Overdue alerts, newest first (officers). */
export async function listAlerts(ctx: AppContext, q: { page: number; pageSize: number }) {
  const rows = await ctx.db
    .select()
    .from(paymentAlerts)
    .orderBy(desc(paymentAlerts.raisedAt))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  return {
    items: rows.map((r) => ({
      billId: r.billId,
      enterpriseId: r.enterpriseId,
      kind: r.kind,
      dueDate: r.dueDate,
      detail: r.detail,
      raisedAt: r.raisedAt.toISOString(),
      auditSeq: r.auditSeq,
    })),
  };
}
