import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/client.ts';
import { queryRows } from '../../../platform/db/client.ts';
import { runCommand } from '../../../platform/command.ts';
import type { SubjectKind } from '../rules.ts';
import { classificationParameters } from './parameters.ts';
import { RECOMPUTE_CHUNK, recomputeSubjects } from './recompute.ts';
import { lockCreditWrites } from './store.ts';
import { subjectsByIds, type Subject } from './subjects.ts';
import { creditClasses, creditPending } from '../schema.ts';

export const SWEEP_ACTOR = 'system:credit-sweep';
const SWEEP_CAUSE = 'automatic (daily sweep)';

interface DueRow {
  subject_id: string;
  subject_kind: string;
  pending_code: string | null;
  pending_cause: string | null;
}

/**
 * What is due on `today`: subjects queued by an import, stored classes whose review day has come
 * (a focus period ending, an input or withdrawal dated for today) and classes computed under
 * classification parameters no longer in force. Keyset-paged by subject id.
 */
async function dueAfter(
  ex: Executor,
  today: string,
  versions: Record<string, number>,
  after: string,
  limit: number,
): Promise<DueRow[]> {
  return queryRows<DueRow>(
    ex,
    sql`select d.subject_id, d.subject_kind, p.subject_code as pending_code, p.cause as pending_cause
        from (select subject_id, subject_kind from ${creditPending}
              union
              select subject_id, subject_kind from ${creditClasses}
              where next_review <= ${today} or parameter_versions <> ${JSON.stringify(versions)}::jsonb) d
        left join ${creditPending} p on p.subject_id = d.subject_id
        where d.subject_id > ${after}::uuid
        order by d.subject_id
        limit ${limit}`,
  );
}

export async function countDue(ex: Executor, today: string): Promise<number> {
  const { versions } = await classificationParameters(ex, today);
  const [row] = await queryRows<{ n: number }>(
    ex,
    sql`select count(*)::int as n from (select subject_id from ${creditPending} union
        select subject_id from ${creditClasses} where next_review <= ${today} or parameter_versions <>
          ${JSON.stringify(versions)}::jsonb) d`,
  );
  return Number(row?.n ?? 0);
}

export interface SweepResult {
  checked: number;
  changed: number;
}

/**
 * Recomputes everything due on `today`, RECOMPUTE_CHUNK subjects per transaction. Safe to run from
 * several processes at once: each chunk re-reads what is due under the credit write lock, so a
 * subject one process has just swept is no longer due for the other.
 */
export async function sweep(
  ctx: AppContext,
  today: string,
  onProgress?: (done: number, total: number) => void,
): Promise<SweepResult> {
  const total = await countDue(ctx.db, today);
  const result: SweepResult = { checked: 0, changed: 0 };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const step = await runCommand(ctx, 'credit.sweep', async (tx) => {
      await lockCreditWrites(tx);
      const { versions } = await classificationParameters(tx, today);
      const due = await dueAfter(tx, today, versions, after, RECOMPUTE_CHUNK);
      if (due.length === 0) return null;
      const queued = due.filter((d) => d.pending_code !== null);
      const stored = await subjectsByIds(
        tx,
        due
          .filter((d) => d.pending_code === null)
          .map((d) => ({ subjectId: d.subject_id, subjectKind: d.subject_kind })),
      );
      const now = ctx.clock.now();
      let changed = 0;
      // One recomputation per cause, so each change in the feed says why it happened.
      const groups = new Map<string, Subject[]>();
      for (const d of queued) {
        const group = groups.get(d.pending_cause!) ?? [];
        group.push({ kind: d.subject_kind as SubjectKind, id: d.subject_id, code: d.pending_code! });
        groups.set(d.pending_cause!, group);
      }
      if (stored.length) groups.set(SWEEP_CAUSE, stored);
      for (const [cause, subjects] of groups)
        changed += (await recomputeSubjects(tx, subjects, { today, cause, actor: SWEEP_ACTOR, now })).changes;
      return { last: due[due.length - 1]!.subject_id, checked: due.length, changed };
    });
    if (!step) break;
    after = step.last;
    result.checked += step.checked;
    result.changed += step.changed;
    onProgress?.(result.checked, Math.max(total, result.checked));
  }
  return result;
}
