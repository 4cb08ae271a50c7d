/**
 * An exit whose duty exemption waited for an officer's review of its value-added ratio (the
 * value-added module's queue, in the review band) goes on once the review is decided: approved, the
 * exemption stands and its confirmation number is issued; rejected, the line is taxed as goods below
 * the threshold (duty on the imported content, ../shared/spec/mission.md §5). When no line waits any
 * more and the declaration is ACCEPTED, its bill is issued and it is released (or waits for the bill's
 * payment where the rules say so); while it is HELD for inspection, only its lines and taxes change.
 * Idempotent: a decision already applied, or for a declaration that is gone, changes nothing.
 */
import { eq } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/client.ts';
import { runCommand } from '../../../platform/command.ts';
import { appendAudit, lockAuditPartitions } from '../../../platform/audit/service.ts';
import { actorLabel, systemActor } from '../../../platform/auth/roles.ts';
import type { OutboxEvent } from '../../../platform/outbox/service.ts';
import { payloadOf, type EventPayload } from '../../../platform/outbox/contract.ts';
import { loadTaxParameters } from '../../tax/service.ts';
import { findEnterpriseById } from '../../subjects/service.ts';
import { VALUE_ADDED_EVENTS } from '../../valueadded/events.ts';
import { reviewedLine } from '../../valueadded/rules.ts';
import { billFigures, exitTaxes, supplementaryFigures, type ExitTaxLine, type Regime } from '../rules.ts';
import type { TaxBillFigures } from '../rules.ts';
import { D } from '../../tax/rules.ts';
import { issueBill } from './bills.ts';

const pick = (f: TaxBillFigures) => ({ duty: f.duty, consumptionTax: f.consumptionTax, vat: f.vat, total: f.total });
import { declarations } from '../schema.ts';
import { declarationView, lockDeclaration, partitionOf, type DeclarationRow } from './store.ts';
import { billAndRelease, pendingReviewLines, ratesOf, settleFirst } from './submit.ts';
import { newConfirmationNumber } from './valueAdded.ts';

const reviewActor = systemActor('declarations-value-added-review');
type Decided = EventPayload<typeof VALUE_ADDED_EVENTS, 'ValueAddedReviewDecided'>;

export async function onValueAddedReviewDecided(ctx: AppContext, event: OutboxEvent) {
  const p = payloadOf(VALUE_ADDED_EVENTS, 'ValueAddedReviewDecided', event);
  if (p.declarationId && p.lineIndex !== null) await afterValueAddedReview(ctx, p);
}

export async function afterValueAddedReview(ctx: AppContext, p: Decided) {
  return runCommand(ctx, 'declarations.valueAddedReviewed', async (tx) => {
    const row = await lockDeclaration(tx, p.declarationId!);
    const lines = [...(row.lines as ExitTaxLine[])];
    const line = lines[p.lineIndex!];
    const va = line?.valueAdded;
    if (!line || !va || va.review !== 'PENDING' || va.reviewId !== p.reviewId) return null;
    // Released or gone already: a correction after release asked for the review, the bills follow it.
    if (!['ACCEPTED', 'HELD', 'SUBMITTED', 'RELEASED', 'EXITED'].includes(row.state)) return null;
    const enterprise = await findEnterpriseById(tx, row.enterpriseId);
    const uscc = enterprise?.uscc ?? row.enterpriseId;
    await lockAuditPartitions(tx, [partitionOf(uscc)]);
    const now = ctx.clock.now();
    const reviewed = reviewedLine(va, p.decision);
    // A batch's number, and its taxes, come with the month's centralized declaration.
    const batch = row.kind === 'BATCH_EXIT';
    const confirmationNumber =
      p.decision === 'APPROVED' && reviewed.meetsThreshold && !batch
        ? await newConfirmationNumber(tx, row.businessDate)
        : null;
    lines[p.lineIndex!] = { ...line, valueAdded: { ...reviewed, confirmationNumber } };
    if (batch) return goOnWithBatch(tx, ctx, row, { lines, uscc, p });
    // Taxed again on the law of the filing day: a rejection owes the duty the exemption spared.
    const params = await loadTaxParameters(tx, row.businessDate);
    const computed = exitTaxes(row.regime as Regime, lines, params.tax);
    if (!computed.ok) throw new Error(`re-tax after review: ${JSON.stringify(computed.violations)}`);
    const before = row.taxes as { total?: string } | null;
    const taxes = billFigures(
      computed.value,
      lines.map(ratesOf),
      lines.map((l) => l.hsCode),
    );
    const previous = (before as { parameterVersions?: Record<string, number> } | null)?.parameterVersions ?? {};
    taxes.parameterVersions = { ...previous, ...taxes.parameterVersions, ...params.versionsOf('valueAddedThreshold') };
    await auditReviewDecision(tx, row.id, uscc, p, now, {
      confirmationNumber,
      totalBefore: before?.total ?? null,
      totalAfter: taxes.total,
    });
    const [updated] = await tx
      .update(declarations)
      .set({ lines, taxes, updatedAt: now })
      .where(eq(declarations.id, row.id))
      .returning();
    const d = updated!;
    if (d.state === 'RELEASED' || d.state === 'EXITED') {
      // Billed already: a rejection owes the duty the exemption spared, on a supplementary bill (补税).
      const extra = supplementaryFigures(before as TaxBillFigures, taxes);
      if (new D(extra.total).gt(0)) {
        const cause = `Value-added review ${p.reviewId} rejected the ratio ${p.ratio}: duty on the imported content`;
        const figures = { ...taxes, supplementOf: pick(before as TaxBillFigures) };
        await issueBill(tx, ctx, d, uscc, reviewActor, { kind: 'SUPPLEMENTARY', cause, amounts: extra, figures });
      }
      return declarationView(d);
    }
    if (d.state !== 'ACCEPTED' || pendingReviewLines(d).length) return declarationView(d);
    const hold = await settleFirst(tx, ctx, d);
    if (hold?.required) {
      const reason = `Reviewed. Release waits for the payment or a guarantee of the tax bill: ${hold.reason}.`;
      await tx.update(declarations).set({ stateReason: reason }).where(eq(declarations.id, d.id));
      d.stateReason = reason;
    }
    return declarationView(await billAndRelease(tx, ctx, d, uscc, reviewActor, { hold }));
  });
}

/** The declaration's audit entry of a review decision (an exit's adds its confirmation number and totals). */
function auditReviewDecision(
  tx: Tx,
  declarationId: string,
  uscc: string,
  p: Decided,
  at: Date,
  more: Record<string, unknown>,
) {
  return appendAudit(tx, {
    actor: actorLabel(reviewActor),
    action: `declarations.valueAddedReview.${p.decision.toLowerCase()}`,
    subject: `declaration:${declarationId}`,
    change: {
      declarationId,
      line: p.lineIndex,
      reviewId: p.reviewId,
      decision: p.decision,
      decidedBy: p.decidedBy,
      ...more,
    },
    at,
    partitionKey: partitionOf(uscc),
  });
}

/**
 * A batch whose review is decided: its lines keep the outcome (approved, exempt; rejected, taxed with
 * the month's centralized declaration as goods below the threshold) and, once no line waits, it goes
 * out on its release list.
 */
async function goOnWithBatch(
  tx: Tx,
  ctx: AppContext,
  row: DeclarationRow,
  o: { lines: ExitTaxLine[]; uscc: string; p: Decided },
) {
  const { lines, uscc, p } = o;
  await auditReviewDecision(tx, row.id, uscc, p, ctx.clock.now(), {});
  const [updated] = await tx
    .update(declarations)
    .set({ lines, updatedAt: ctx.clock.now() })
    .where(eq(declarations.id, row.id))
    .returning();
  const d = updated!;
  if (d.state !== 'ACCEPTED' || pendingReviewLines(d).length) return declarationView(d);
  return declarationView(await billAndRelease(tx, ctx, d, uscc, reviewActor, { hold: null }));
}
