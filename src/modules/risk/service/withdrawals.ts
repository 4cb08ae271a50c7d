import { sql } from 'drizzle-orm';
import { shanghaiDate } from '../../../kernel/clock.ts';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/client.ts';
import { riskTraderProfiles } from '../schema.ts';

/**
 * `CANCELLED`: the trader cancelled a declaration. `SELECTED_NOT_INSPECTED`: a selected declaration's
 * goods went back to the book before the inspection ended.
 */
export type Withdrawal = 'CANCELLED' | 'SELECTED_NOT_INSPECTED';

/**
 * A declaration withdrawn before its goods left is a fact about its trader for the next ones
 * (`trader.cancellations`, `trader.selectedNotInspected`). Called by the declarations module inside
 * the transaction that withdraws it, after its own locks (the profile row is risk's, taken last).
 */
export async function recordWithdrawal(tx: Executor, ctx: AppContext, w: { enterpriseId: string; kind: Withdrawal }) {
  const asOf = shanghaiDate(ctx.clock.now());
  const cancelled = w.kind === 'CANCELLED' ? 1 : 0;
  const empty = { declarations: 0, firstOn: asOf, lastOn: asOf, logValueN: 0, logValueSum: 0, logValueSumSq: 0 };
  const seen = { chapters: {}, origins: {}, ports: {}, recentActivity: 0 };
  const outcomes = { inspected: 0, violations: 0, seizures: 0, lastViolationOn: null };
  const counts = { cancellations: cancelled, selectedNotInspected: 1 - cancelled };
  await tx
    .insert(riskTraderProfiles)
    .values({ enterpriseId: w.enterpriseId, ...empty, ...seen, ...outcomes, ...counts })
    .onConflictDoUpdate({
      target: riskTraderProfiles.enterpriseId,
      set: {
        cancellations: sql`${riskTraderProfiles.cancellations} + ${cancelled}`,
        selectedNotInspected: sql`${riskTraderProfiles.selectedNotInspected} + ${1 - cancelled}`,
      },
    });
}
