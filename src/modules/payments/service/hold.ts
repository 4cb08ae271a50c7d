import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../../platform/db/client.ts';
import { getParameter } from '../../../platform/parameters/service.ts';
import { creditClassOf } from '../../credit/service.ts';
import { PAY_LATER_CLASSES } from '../parameters.ts';
import { settlementBeforeRelease } from '../rules.ts';
import { billPaymentStates } from '../schema.ts';

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
  const [overdue] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(billPaymentStates)
    .where(and(eq(billPaymentStates.enterpriseId, q.enterpriseId), eq(billPaymentStates.state, 'OVERDUE')));
  const decision = settlementBeforeRelease({
    total: q.total,
    creditClass: credit.class,
    payLaterClasses: payLater,
    overdueBills: overdue?.n ?? 0,
  });
  return { ...decision, creditClass: credit.class, parameterVersion };
}
