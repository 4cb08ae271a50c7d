import { problems } from '../../../kernel/problem.ts';
import type { AppContext } from '../../../platform/context.ts';
import { runCommand } from '../../../platform/command.ts';
import type { Executor } from '../../../platform/db/client.ts';
import type { Actor } from '../../../platform/auth/roles.ts';
import { findEnterpriseById } from '../../subjects/service.ts';
import { hasOpenInspectionHold, cancelReleaseOrdersFor } from '../../gate/service.ts';
import { voidReservation } from '../../ledger/service.ts';
import { closeExitReviews } from '../../valueadded/service.ts';
import { declarationView, lockDeclaration, partitionOf, transition } from './store.ts';
import { acceptAndRelease, retireVersion } from './submit.ts';
import { assertNoOpenInspection, leaveSelectionOnGoods, recordCancellation } from './selection.ts';

async function usccOf(ex: Executor, enterpriseId: string) {
  return (await findEnterpriseById(ex, enterpriseId))?.uscc ?? '';
}

/**
 * The declarant (or an administrator) withdraws a declaration whose goods have not left: reservation
 * voided, release orders cancelled. Not while its goods are to be inspected; the cancellation counts
 * against the trader in risk.
 */
export async function cancelDeclaration(ctx: AppContext, actor: Actor, id: string, reason: string) {
  return runCommand(ctx, 'declarations.cancel', async (tx, batch) => {
    const row = await lockDeclaration(tx, id);
    if (actor.role === 'enterprise_user' && actor.enterpriseId !== row.enterpriseId)
      throw problems.notFound(`Declaration ${id}`);
    await assertNoOpenInspection(tx, row, 'cancelled');
    const d = await retireVersion(tx, ctx, row, await usccOf(tx, row.enterpriseId), actor, null, batch, reason);
    // Risk's row last, after the declaration's, the book's and the audit chains' locks.
    await recordCancellation(tx, ctx, row);
    return declarationView(d);
  });
}

/**
 * An officer acts on a HELD declaration: accept (release order) once no inspection hold is open, or
 * reject (goods released back to the book). Rejected before its inspection ended, the selection stays
 * with the goods for the enterprise's next filing of them.
 */
export async function decideHeld(
  ctx: AppContext,
  actor: Actor,
  id: string,
  decision: 'ACCEPT' | 'REJECT',
  reason: string,
) {
  return runCommand(ctx, `declarations.${decision.toLowerCase()}`, async (tx, batch) => {
    const row = await lockDeclaration(tx, id);
    if (row.state !== 'HELD')
      throw problems.conflict(`Declaration ${id} is ${row.state}: officers act on HELD declarations.`, {
        rule: 'declarations.notHeld',
      });
    const uscc = await usccOf(tx, row.enterpriseId);
    if (decision === 'ACCEPT') {
      if (await hasOpenInspectionHold(tx, { documentType: row.kind, documentId: row.id })) {
        throw problems.conflict('The inspection task of this declaration is still open: complete it first.', {
          rule: 'declarations.inspectionOpen',
        });
      }
      return declarationView(
        await acceptAndRelease(tx, ctx, row, uscc, actor, {
          text: `Accepted by officer: ${reason}`,
          rule: 'declarations.acceptedByOfficer',
        }),
      );
    }
    await cancelReleaseOrdersFor(
      tx,
      ctx,
      {
        documentType: row.kind as 'SECOND_LINE_EXIT',
        documentId: row.id,
        reason,
        actor,
      },
      batch,
    );
    if (row.reservationId)
      await voidReservation(tx, ctx, { reservationId: row.reservationId, reason: `Rejected: ${reason}`, actor }, batch);
    // The goods do not leave: no value-added review waits for them any more.
    const reviews = {
      declarationId: row.id,
      reason: `Declaration rejected: ${reason}`,
      partitionKey: partitionOf(uscc),
    };
    await closeExitReviews(tx, ctx, actor, reviews);
    const rejected = await transition(tx, ctx, row, uscc, actor, {
      to: 'REJECTED',
      reason: `Rejected by officer: ${reason}`,
      rule: 'declarations.rejectedByOfficer',
    });
    await leaveSelectionOnGoods(tx, ctx, row);
    return declarationView(rejected);
  });
}
