import { eq } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { runCommand } from '../../../platform/command.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { problems } from '../../../kernel/problem.ts';
import { creditClasses } from '../schema.ts';
import { admissionErrors, ADMISSION_RULES } from '../admission.ts';
import type { CreditClass } from '../rules.ts';
import { buildInputRow, callerDepartment, recordedInputs, sameInput, type RecordInputRequest } from './inputs.ts';
import { recomputeSubjects } from './recompute.ts';
import { insertInputRows, lockCreditWrites } from './store.ts';
import { subjectOfRecord } from './subjects.ts';
import { inputMaterial } from './trace.ts';

export interface RecordInputResult {
  inputId: string;
  class: CreditClass;
  classChanged: boolean;
  /** True when this inputId was recorded before with the same content (a retry). */
  alreadyRecorded: boolean;
}

/** Records one input and recomputes the subject's class at once, in one transaction. */
export async function recordInput(ctx: AppContext, actor: Actor, req: RecordInputRequest): Promise<RecordInputResult> {
  return runCommand(ctx, 'credit.recordInput', async (tx) => {
    await lockCreditWrites(tx);
    const now = ctx.clock.now();
    const today = shanghaiDate(now);
    const subject = await subjectOfRecord(tx, req.subjectKind, req.subject);
    const errors = admissionErrors(req, today, callerDepartment(actor));
    if (errors.length) throw problems.validation(errors);
    const row = buildInputRow(subject, req, actorLabel(actor), now, null);
    if (req.inputId) {
      const before = (await recordedInputs(tx, [req.inputId])).get(req.inputId);
      if (before && !sameInput(before, row)) {
        throw problems.rule(
          'input-id-reused',
          'Input id already used',
          `Input ${req.inputId} was recorded on ${before.recordedAt.toISOString()} with other ` +
            `content; a correction is a withdrawal and a new input.`,
          [
            {
              path: 'inputId',
              rule: ADMISSION_RULES.inputIdReused,
              message: 'This inputId was already used for another input.',
            },
          ],
        );
      }
      if (before) {
        const [stored] = await tx
          .select({ class: creditClasses.class })
          .from(creditClasses)
          .where(eq(creditClasses.subjectId, subject.id));
        return {
          inputId: before.id,
          class: (stored?.class ?? 'WHITELIST') as CreditClass,
          classChanged: false,
          alreadyRecorded: true,
        };
      }
    }
    const { seq } = await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'credit.recordInput',
      subject: `${subject.kind.toLowerCase()}:${subject.code}`,
      change: inputMaterial(row),
      at: now,
    });
    await insertInputRows(tx, [{ ...row, auditSeq: seq }]);
    const result = await recomputeSubjects(tx, [subject], {
      today,
      cause: `input ${row.id}`,
      actor: actorLabel(actor),
      now,
    });
    return {
      inputId: row.id,
      class: result.classes.get(subject.id)!,
      classChanged: result.changes > 0,
      alreadyRecorded: false,
    };
  });
}
