/**
 * First-line bills with their payment state (税款缴纳, the payments module): the same states, treasury
 * notices, overdue sweep and credit feed as every tax bill, read through payments' public service.
 * No release waits for the payment: a first-line declaration is released (or its book posted) in the
 * filing's transaction and the bill is issued with that release, so the Customs Law's 15 days to pay
 * run from then (《海关法》第六十条); an overdue first-line bill holds the enterprise's second-line exits
 * like any overdue bill (payments `settlementBeforeRelease`).
 */
import type { AppContext } from '../../platform/context.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { paymentStatesOf } from '../payments/service.ts';
import { getFirstLineBill, listFirstLineBills } from './service.ts';

type Bill = Awaited<ReturnType<typeof getFirstLineBill>>;

async function withPayment(ctx: AppContext, bills: Bill[]) {
  const states = await paymentStatesOf(
    ctx.db,
    bills.map((b) => ({ id: b.id, total: b.total, businessDate: b.issuedOn })),
    shanghaiDate(ctx.clock.now()),
  );
  return bills.map((b) => ({ ...b, payment: states.get(b.id)! }));
}

export async function listBillsWithPayment(ctx: AppContext, actor: Actor) {
  const { items } = await listFirstLineBills(ctx, actor);
  return { items: await withPayment(ctx, items) };
}

export async function billWithPayment(ctx: AppContext, actor: Actor, id: string) {
  const [bill] = await withPayment(ctx, [await getFirstLineBill(ctx, actor, id)]);
  return bill!;
}
