import type { AppContext } from '../../../platform/context.ts';
import { runCommand } from '../../../platform/command.ts';
import { systemActor } from '../../../platform/auth/roles.ts';
import { findEnterpriseById } from '../../subjects/service.ts';
import { isSettled, paymentStatesOf } from '../../payments/service.ts';
import { originalBillOf } from './bills.ts';
import { declarationView, lockDeclaration } from './store.ts';
import { releaseAccepted } from './submit.ts';
import { declarations } from '../schema.ts';
import { eq } from 'drizzle-orm';

const settlementActor = systemActor('declarations-settlement');

/**
 * An exit accepted with its release waiting for its tax bill (先税后放): once the bill is PAID or
 * GUARANTEED, its release order is issued and it is RELEASED. Anything else is left as it is, so a
 * repeated or late call changes nothing. Returns the declaration when it was released.
 */
export async function releaseAfterSettlement(ctx: AppContext, declarationId: string) {
  return runCommand(ctx, 'declarations.releaseAfterSettlement', async (tx) => {
    // A bill that is not a declaration's (a taxable island transfer's, a first-line bill) has nothing to release.
    const [exists] = await tx
      .select({ id: declarations.id })
      .from(declarations)
      .where(eq(declarations.id, declarationId));
    if (!exists) return null;
    const row = await lockDeclaration(tx, declarationId);
    if (row.kind !== 'SECOND_LINE_EXIT' || row.state !== 'ACCEPTED') return null;
    const bill = await originalBillOf(tx, row.id);
    if (!bill) return null;
    const state = (await paymentStatesOf(tx, [bill])).get(bill.id)!;
    if (!isSettled(state.state)) return null;
    const enterprise = await findEnterpriseById(tx, row.enterpriseId);
    const uscc = enterprise?.uscc ?? row.enterpriseId;
    const d = await releaseAccepted(tx, ctx, row, uscc, settlementActor);
    return declarationView(d);
  });
}
