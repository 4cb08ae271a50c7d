import { eq } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { runCommand } from '../../../platform/command.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { problems } from '../../../kernel/problem.ts';
import { creditInputs, creditWithdrawals } from '../schema.ts';
import { ADMISSION_RULES } from '../admission.ts';
import type { CreditClass } from '../rules.ts';
import { callerDepartment } from './inputs.ts';
import { recomputeSubjects } from './recompute.ts';
import { lockCreditWrites } from './store.ts';
import { subjectsByIds } from './subjects.ts';
import { forgetAllInCommand } from '../../../platform/commandMemo.ts';
import { CREDIT_MEMO } from './memo.ts';

export interface WithdrawResult {
  inputId: string;
  withdrawnOn: string;
  class: CreditClass;
  classChanged: boolean;
}

/**
 * Withdraws an input that was wrong: a correction, never an edit. It stops counting from `date`
 * (today by default, or a past day), so what was published before stays reproducible.
 */
export async function withdrawInput(
  ctx: AppContext,
  actor: Actor,
  inputId: string,
  body: { date?: string; reason: string },
): Promise<WithdrawResult> {
  return runCommand(ctx, 'credit.withdrawInput', async (tx) => {
    await lockCreditWrites(tx);
    const [input] = await tx.select().from(creditInputs).where(eq(creditInputs.id, inputId));
    if (!input) throw problems.notFound(`Credit input ${inputId}`);
    // A department bound to its code corrects only what it pushed.
    const department = callerDepartment(actor);
    if (department !== null && input.source !== department)
      throw problems.forbidden(
        `Input ${inputId} was pushed by ${input.source}; only that department or an officer can withdraw it.`,
      );
    const [already] = await tx.select().from(creditWithdrawals).where(eq(creditWithdrawals.inputId, inputId));
    if (already) throw problems.conflict(`Credit input ${inputId} was already withdrawn on ${already.date}.`);
    const now = ctx.clock.now();
    const today = shanghaiDate(now);
    const date = body.date ?? today;
    if (date > today)
      throw problems.field(
        'date',
        ADMISSION_RULES.withdrawalNotInFuture,
        `A withdrawal takes effect today (${today}) or on a past date.`,
      );
    const [subject] = await subjectsByIds(tx, [{ subjectId: input.subjectId, subjectKind: input.subjectKind }]);
    if (!subject) throw problems.notFound(`The subject of credit input ${inputId}`);
    const { seq } = await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'credit.withdrawInput',
      subject: `${subject.kind.toLowerCase()}:${subject.code}`,
      change: { inputId, date, reason: body.reason },
      at: now,
    });
    forgetAllInCommand(tx, CREDIT_MEMO);
    await tx.insert(creditWithdrawals).values({
      inputId,
      subjectId: input.subjectId,
      date,
      reason: body.reason,
      recordedBy: actorLabel(actor),
      recordedAt: now,
      auditSeq: seq,
    });
    const result = await recomputeSubjects(tx, [subject], {
      today,
      cause: `withdrawal of ${inputId}`,
      actor: actorLabel(actor),
      now,
    });
    return { inputId, withdrawnOn: date, class: result.classes.get(subject.id)!, classChanged: result.changes > 0 };
  });
}
