import { sql } from 'drizzle-orm';
import { Problem } from '../../../kernel/problem.ts';
import type { AppContext } from '../../../platform/context.ts';
import { pgArray, queryRows, type Executor } from '../../../platform/db/client.ts';
import { hasOpenInspectionHold } from '../../gate/service.ts';
import { recordWithdrawal } from '../../risk/service.ts';
import { pendingSelections } from '../schema.ts';
import type { DeclarationRow } from './store.ts';

/**
 * A selection binds the goods until their inspection ends (README, "Cancelling does not dodge an
 * inspection"): a declaration under inspection is neither cancelled nor amended; goods that go back
 * to the book before their inspection ended carry the selection to their next filing; and every
 * withdrawal is a risk fact about the trader.
 */

/** Refuses to cancel or amend a declaration while an inspection of its goods is open (or kept them). */
export async function assertNoOpenInspection(ex: Executor, row: DeclarationRow, what: 'cancelled' | 'amended') {
  if (!(await hasOpenInspectionHold(ex, { documentType: row.kind, documentId: row.id }))) return;
  const message = `The goods of declaration ${row.id} are to be inspected: not ${what} until the inspection has ended.`;
  const errors = [{ path: 'id', rule: 'declarations.inspectionOpen', message }];
  throw new Problem({ status: 409, code: 'inspection-open', title: 'Inspection open', detail: message, errors });
}

function itemsOf(row: DeclarationRow): string[] {
  return [...new Set((row.lines as { itemId?: string }[]).flatMap((l) => l.itemId ?? []))];
}

/**
 * An officer sends the goods of a held declaration back to the book while its inspection is still
 * open: the selection stays with the goods (the enterprise's next filing of any of these items is
 * held in its place), and it counts against the trader.
 */
export async function leaveSelectionOnGoods(tx: Executor, ctx: AppContext, row: DeclarationRow): Promise<boolean> {
  if (!(await hasOpenInspectionHold(tx, { documentType: row.kind, documentId: row.id }))) return false;
  const items = itemsOf(row);
  if (items.length === 0) return false;
  const left = { enterpriseId: row.enterpriseId, declarationId: row.id, itemIds: items, taskId: row.inspectionTaskId };
  await tx
    .insert(pendingSelections)
    .values({ ...left, createdAt: ctx.clock.now() })
    .onConflictDoNothing();
  await recordWithdrawal(tx, ctx, { enterpriseId: row.enterpriseId, kind: 'SELECTED_NOT_INSPECTED' });
  return true;
}

export interface InheritedSelection {
  declarationId: string;
  taskId: string | null;
}

/**
 * The selections a new filing inherits: those left on any of its book items by the enterprise's
 * earlier declarations, claimed by it in one statement (a second filing at the same moment waits
 * for the row and finds it settled). Rolled back with the filing if it fails.
 */
export async function inheritSelections(
  tx: Executor,
  ctx: AppContext,
  d: { id: string; enterpriseId: string; itemIds: readonly string[] },
): Promise<InheritedSelection[]> {
  if (d.itemIds.length === 0) return [];
  const rows = await queryRows<{ declaration_id: string; task_id: string | null }>(
    tx,
    sql`update ${pendingSelections} set settled_by = ${d.id}, settled_at = ${ctx.clock.now().toISOString()}::timestamptz
        where enterprise_id = ${d.enterpriseId} and settled_by is null and item_ids && ${pgArray(d.itemIds)}::uuid[]
        returning declaration_id, task_id`,
  );
  const found = rows.map((r) => ({ declarationId: r.declaration_id, taskId: r.task_id }));
  return found.sort((a, b) => (a.declarationId < b.declarationId ? -1 : 1));
}

/** The reasons an inherited selection gives its inspection task (officers read them; the declarant never does). */
export function inheritedReasons(inherited: readonly InheritedSelection[]) {
  return inherited.map((s) => ({
    code: 'INHERITED_SELECTION',
    detail:
      `The same goods were selected on declaration ${s.declarationId} and went back to the book before ` +
      `inspection task ${s.taskId ?? '—'} ended.`,
  }));
}

/** The declarant cancelled: a fact about the trader for its next declarations. */
export function recordCancellation(tx: Executor, ctx: AppContext, row: DeclarationRow): Promise<void> {
  return recordWithdrawal(tx, ctx, { enterpriseId: row.enterpriseId, kind: 'CANCELLED' });
}
