import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../../platform/db/client.ts';
import { getParameter } from '../../../platform/parameters/service.ts';
import { creditClassOf } from '../../credit/service.ts';
import { PAY_LATER_CLASSES } from '../parameters.ts';
import { settlementBeforeRelease } from '../rules.ts';
import { billPaymentStates } from '../schema.ts';
import { forgetAllInCommand, memoInCommand } from '../../../platform/commandMemo.ts';

const OVERDUE_MEMO = 'payments.overdue:';

/**
 * The enterprise's overdue bills, once per command (platform/commandMemo.ts): an exit asks for it with
 * its goods, in their round trip, and decides on it after pricing. Writers of payment states forget it.
 */
export function overdueBills(tx: Executor, enterpriseId: string): Promise<number> {
  return memoInCommand(tx, OVERDUE_MEMO + enterpriseId, async () => {
    const [overdue] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(billPaymentStates)
      .where(and(eq(billPaymentStates.enterpriseId, enterpriseId), eq(billPaymentStates.state, 'OVERDUE')));
    return overdue?.n ?? 0;
  });
}

/** Before writing payment states: what the command held of overdue counts is dropped. */
export const forgetOverdueBills = (tx: Executor): void => forgetAllInCommand(tx, OVERDUE_MEMO);

/**
 * Whether an accepted declaration's goods wait for its bill to be paid or guaranteed before the
 * release order is issued (rules.ts `settlementBeforeRelease`), read inside the caller's transaction.
 */
export async function mustSettleBeforeRelease(
  tx: Executor,
  q: { enterpriseId: string; total: string; day: string },
): Promise<{ required: boolean; reason: string; creditClass: string; parameterVersion: number | null }> {
  const credit = await creditClassOf(tx, { enterpriseId: q.enterpriseId }, q.day);
  let payLater: string[] = ['ADVANCED_CERTIFIED', 'WHITELIST'];
  let parameterVersion: number | null = null;
  try {
    const p = await getParameter<string[]>(tx, PAY_LATER_CLASSES, q.day);
    payLater = p.value;
    parameterVersion = p.version ?? null;
  } catch {
    // not seeded on this database: the seed's classes
  }
  const decision = settlementBeforeRelease({
    total: q.total,
    creditClass: credit.class,
    payLaterClasses: payLater,
    overdueBills: await overdueBills(tx, q.enterpriseId),
  });
  return { ...decision, creditClass: credit.class, parameterVersion };
}
