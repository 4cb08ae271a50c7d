/** An officer closes the review of a sale opened for a person's credit level: normal, or suspect. */
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../../platform/context.ts';
import { queryRows } from '../../../../platform/db/client.ts';
import { runCommand } from '../../../../platform/command.ts';
import { appendAudit } from '../../../../platform/audit/service.ts';
import { actorLabel, type Actor } from '../../../../platform/auth/roles.ts';
import { problems } from '../../../../kernel/problem.ts';
import { dutyfreeSaleReviews } from '../schema.ts';

export async function reviewSale(
  ctx: AppContext,
  actor: Actor,
  reservationId: string,
  body: { outcome: 'NORMAL' | 'SUSPECT'; note: string },
) {
  return runCommand(ctx, 'dutyfree.saleReviewed', async (tx) => {
    const now = ctx.clock.now();
    const by = actorLabel(actor);
    const [row] = await queryRows<{ status: string; buyer_id: string }>(
      tx,
      sql`select status, buyer_id from ${dutyfreeSaleReviews} where reservation_id = ${reservationId} for update`,
    );
    if (!row) throw problems.notFound(`Review of sale ${reservationId}`);
    if (row.status !== 'OPEN') throw problems.conflict(`The review of sale ${reservationId} is closed.`);
    await tx.execute(sql`update ${dutyfreeSaleReviews}
      set status = 'DONE', reviewed_by = ${by}, reviewed_at = ${now.toISOString()},
      outcome = ${body.outcome}, note = ${body.note} where reservation_id = ${reservationId}`);
    const change = { reservationId, buyerId: row.buyer_id, outcome: body.outcome, note: body.note };
    await appendAudit(tx, {
      actor: by,
      action: 'dutyfree.saleReviewed',
      subject: `dutyfree-reservation:${reservationId}`,
      change,
      at: now,
    });
    return { reservationId, status: 'DONE' as const, outcome: body.outcome };
  });
}
