import { and, asc, eq, inArray, isNull, notInArray } from 'drizzle-orm';
import { uuidv7 } from '../../../kernel/ids.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { problems } from '../../../kernel/problem.ts';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor, Tx } from '../../../platform/db/client.ts';
import { runCommand } from '../../../platform/command.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { DECLARATIONS_EVENTS } from '../events.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { getParameter } from '../../../platform/parameters/service.ts';
import { findEnterpriseById, findEnterpriseByUscc } from '../../subjects/service.ts';
import { loadTaxParameters } from '../../tax/service.ts';
import { assessDeclaration } from '../../risk/service.ts';
import { openInspectionTask } from '../../gate/service.ts';
import {
  billFigures,
  centralizedDueDate,
  centralizedViolations,
  exitTaxes,
  isOverdue,
  periodOf,
  type DeclarationState,
  type Regime,
} from '../rules.ts';
import { batchFacilities, declarationAlerts, declarations } from '../schema.ts';
import type { CentralizedBody } from '../wire.ts';
import { declarationView, partitionOf, recordSubmission, transition } from './store.ts';
import { newConfirmationNumber } from './valueAdded.ts';
import type { ExitDeclarationBody } from '../wire.ts';
import {
  acceptAndRelease,
  pendingReviewLines,
  ratesOf,
  requestHash,
  riskInput,
  riskSummary,
  type PreparedLine,
} from './submit.ts';

const DUE_DAY = 'declarations.centralizedDeclarationDueDay';
const DEAD: DeclarationState[] = ['CANCELLED', 'AMENDED', 'REJECTED'];

export async function dueDayOn(ex: Executor, date: string): Promise<{ day: number; version: number }> {
  const p = await getParameter<number>(ex, DUE_DAY, date);
  return { day: Number(p.value), version: p.version };
}

function enterpriseOfActor(actor: Actor): string {
  if (actor.role !== 'enterprise_user' || !actor.enterpriseId)
    throw problems.forbidden('Only the declaring enterprise files its centralized declaration.');
  return actor.enterpriseId;
}

/** The declaration an earlier request with this requestId filed, or a conflict when its body differed. */
async function replayOf(tx: Tx, enterpriseId: string, requestId: string, hash: string) {
  const [existing] = await tx
    .select()
    .from(declarations)
    .where(and(eq(declarations.enterpriseId, enterpriseId), eq(declarations.requestId, requestId)));
  if (!existing) return null;
  if (existing.requestHash !== hash)
    throw problems.conflict(`requestId ${requestId} was already used for another declaration.`, {
      rule: 'declarations.idempotencyConflict',
    });
  return declarationView(existing);
}

/**
 * The month's centralized declaration (集中申报): every batch of the period that left, its taxes
 * computed once over all their lines (the duty threshold applies to the whole), risk-scored, and
 * on acceptance one tax bill. The batches are linked to it and can never be declared again.
 */
export async function fileCentralized(
  ctx: AppContext,
  actor: Actor,
  body: CentralizedBody,
  opts: { enterpriseId?: string } = {},
) {
  return runCommand(ctx, 'declarations.centralized', async (tx) => {
    const enterpriseId = opts.enterpriseId ?? enterpriseOfActor(actor);
    const enterprise = await findEnterpriseById(tx, enterpriseId);
    if (!enterprise) throw problems.notFound(`Enterprise ${enterpriseId}`);
    const hash = requestHash({ kind: 'CENTRALIZED_DECLARATION', body });
    const replayed = await replayOf(tx, enterpriseId, body.requestId, hash);
    if (replayed) return replayed;
    const now = ctx.clock.now();
    const today = shanghaiDate(now);
    const batches = await tx
      .select()
      .from(declarations)
      .where(
        and(
          eq(declarations.enterpriseId, enterpriseId),
          eq(declarations.kind, 'BATCH_EXIT'),
          eq(declarations.period, body.period),
          isNull(declarations.centralizedId),
        ),
      )
      .orderBy(asc(declarations.businessDate), asc(declarations.createdAt))
      .for('update');
    // A twin request that held these locks first has committed by now: answer as it did, not "no batches".
    const replayedAfterLock = await replayOf(tx, enterpriseId, body.requestId, hash);
    if (replayedAfterLock) return replayedAfterLock;
    const v = centralizedViolations(
      body.period,
      today,
      batches.map((b) => ({
        id: b.id,
        businessDate: b.businessDate,
        state: b.state as DeclarationState,
        reviewPending: pendingReviewLines(b).length > 0,
      })),
    );
    if (v.length) throw problems.validation(v);
    const live = batches.filter((b) => !DEAD.includes(b.state as DeclarationState));
    // Taxed on the law of the month's last batch day: the declaration covers goods that already left.
    const taxDate = live[live.length - 1]!.businessDate;
    const params = await loadTaxParameters(tx, taxDate);
    let confirmation: string | null = null;
    const lines: (PreparedLine & { batchId: string })[] = [];
    for (const b of live) {
      for (const [k, l] of (b.lines as PreparedLine[]).entries()) {
        // Batches filed before lines kept their upstream numbers have them on the form only.
        const onForm = () => (b.form as ExitDeclarationBody).lines[k]?.upstream ?? [];
        const upstream = l.upstream ?? (l.valueAdded ? onForm() : undefined);
        let line = { ...l, batchId: b.id, ...(upstream ? { upstream } : {}) };
        if (l.valueAdded?.meetsThreshold) {
          confirmation ??= await newConfirmationNumber(tx, `${body.period}-01`);
          line = { ...line, valueAdded: { ...l.valueAdded, confirmationNumber: confirmation } };
        }
        lines.push(line);
      }
    }
    const regime = (lines[0]?.regime ?? 'ZERO_TARIFF') as Regime;
    const computed = exitTaxes(regime, lines, params.tax);
    if (!computed.ok) throw problems.validation(computed.violations);
    const taxes = billFigures(
      computed.value,
      lines.map(ratesOf),
      lines.map((l) => l.hsCode),
    );
    taxes.parameterVersions = { ...taxes.parameterVersions, ...params.versionsOf('valueAddedThreshold') };
    const ports = new Map<string, number>();
    live.forEach((b) => ports.set(b.portCode, (ports.get(b.portCode) ?? 0) + 1));
    const portCode = body.portCode ?? [...ports.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    const id = uuidv7(now.getTime());
    const [row] = await tx
      .insert(declarations)
      .values({
        id,
        enterpriseId,
        kind: 'CENTRALIZED_DECLARATION',
        requestId: body.requestId,
        requestHash: hash,
        version: 1,
        rootId: id,
        previousId: null,
        state: 'SUBMITTED',
        stateReason: `Centralized declaration of ${live.length} batch exit(s) of ${body.period}.`,
        bookId: null,
        regime,
        portCode,
        businessDate: today,
        period: body.period,
        form: body,
        lines,
        taxes,
        risk: null,
        createdBy: actor.name,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await tx
      .update(declarations)
      .set({ centralizedId: id })
      .where(
        inArray(
          declarations.id,
          batches.map((b) => b.id),
        ),
      );
    let d = row!;
    const due = await dueDayOn(tx, `${body.period}-01`);
    await recordSubmission(tx, ctx, d, enterprise.uscc, actor, d.stateReason, {
      batches: live.map((b) => b.id),
      dueDate: centralizedDueDate(body.period, due.day),
      late: isOverdue(body.period, due.day, today),
      confirmationNumber: confirmation,
    });
    const decision = await assessDeclaration(
      tx,
      ctx,
      riskInput({ id, kind: 'CENTRALIZED_DECLARATION', enterpriseId, uscc: enterprise.uscc, portCode, regime }, lines),
    );
    const risk = riskSummary(decision);
    await tx.update(declarations).set({ risk }).where(eq(declarations.id, id));
    d = { ...d, risk };
    if (decision.selected || decision.action === 'INSPECT') {
      // The goods have left: the check is on the documents and the books (稽核查), opened as a task all the same.
      const task = await openInspectionTask(tx, ctx, {
        source: 'RISK_SELECTION',
        documentType: 'CENTRALIZED_DECLARATION',
        documentId: id,
        portCode,
        reasons: decision.reasons.map((r) => ({ code: r, detail: `Risk ${decision.level}: ${r}` })),
        actor,
      });
      d = await transition(tx, ctx, d, enterprise.uscc, actor, {
        to: 'HELD',
        reason: `Held for checking: task ${task.taskId}.`,
        rule: 'declarations.heldForInspection',
        set: { inspectionTaskId: task.taskId },
        change: { taskId: task.taskId, risk },
      });
      return declarationView(d);
    }
    d = await acceptAndRelease(tx, ctx, d, enterprise.uscc, actor, {
      text: 'Accepted; taxes billed once for the month.',
      rule: 'declarations.centralized.accepted',
    });
    return declarationView(d);
  });
}

/**
 * The scheduled check (and `tidegate declarations check`): every month with batch exits not
 * declared by the due day raises one alert and suspends the enterprise's batch-exit facility
 * until an officer lifts it.
 */
export async function checkCentralizedDeadlines(ctx: AppContext, today: string) {
  const due = await dueDayOn(ctx.db, today);
  const open = await ctx.db
    .selectDistinct({ enterpriseId: declarations.enterpriseId, period: declarations.period })
    .from(declarations)
    .where(
      and(
        eq(declarations.kind, 'BATCH_EXIT'),
        isNull(declarations.centralizedId),
        notInArray(declarations.state, DEAD),
      ),
    );
  let alerts = 0;
  for (const o of open) {
    if (!o.period || !isOverdue(o.period, due.day, today)) continue;
    const raised = await runCommand(ctx, 'declarations.overdue', async (tx) => {
      const [exists] = await tx
        .select()
        .from(declarationAlerts)
        .where(
          and(
            eq(declarationAlerts.enterpriseId, o.enterpriseId),
            eq(declarationAlerts.kind, 'CENTRALIZED_OVERDUE'),
            eq(declarationAlerts.period, o.period!),
          ),
        );
      if (exists) return false;
      const enterprise = await findEnterpriseById(tx, o.enterpriseId);
      const now = ctx.clock.now();
      const dueDate = centralizedDueDate(o.period!, due.day);
      const detail =
        `The centralized declaration of the batch exits of ${o.period} was due by ` +
        `${dueDate} and has not been filed: the batch-exit facility is suspended until an officer lifts it.`;
      const { seq } = await appendAudit(tx, {
        actor: 'system:declarations-check',
        action: 'declarations.centralizedOverdue',
        subject: `enterprise:${o.enterpriseId}`,
        change: { period: o.period, dueDate, parameterVersion: due.version },
        at: now,
        partitionKey: partitionOf(enterprise?.uscc ?? o.enterpriseId),
      });
      await tx.insert(declarationAlerts).values({
        id: uuidv7(now.getTime()),
        enterpriseId: o.enterpriseId,
        kind: 'CENTRALIZED_OVERDUE',
        period: o.period!,
        dueDate,
        detail,
        raisedAt: now,
        auditSeq: seq,
      });
      await tx
        .insert(batchFacilities)
        .values({
          enterpriseId: o.enterpriseId,
          status: 'SUSPENDED',
          reason: detail,
          period: o.period,
          changedAt: now,
          changedBy: 'system:declarations-check',
        })
        .onConflictDoUpdate({
          target: batchFacilities.enterpriseId,
          set: {
            status: 'SUSPENDED',
            reason: detail,
            period: o.period,
            changedAt: now,
            changedBy: 'system:declarations-check',
          },
        });
      await enqueueEvents(tx, [
        typedEvent(DECLARATIONS_EVENTS, 'CentralizedDeclarationOverdue', {
          aggregateType: 'declaration',
          aggregateId: o.enterpriseId,
          payload: { enterpriseId: o.enterpriseId, uscc: enterprise?.uscc, period: o.period, dueDate },
          occurredAt: now,
          auditSeq: seq,
        }),
      ]);
      return true;
    });
    if (raised) alerts++;
  }
  return { date: today, alerts };
}

async function enterpriseByUscc(ctx: AppContext, actor: Actor, uscc: string) {
  const e = await findEnterpriseByUscc(ctx.db, uscc);
  if (!e || (actor.role === 'enterprise_user' && actor.enterpriseId !== e.id))
    throw problems.notFound(`Enterprise ${uscc}`);
  return e;
}

export async function facilityOf(ex: Executor, enterpriseId: string) {
  const [f] = await ex.select().from(batchFacilities).where(eq(batchFacilities.enterpriseId, enterpriseId));
  return f
    ? { status: f.status, reason: f.reason, period: f.period }
    : { status: 'ACTIVE', reason: 'No centralized declaration is overdue.', period: null };
}

/** An officer lifts a suspension (the late declaration filed, or another ground), with a reason. */
export async function liftSuspension(ctx: AppContext, actor: Actor, uscc: string, reason: string) {
  const e = await enterpriseByUscc(ctx, actor, uscc);
  return runCommand(ctx, 'declarations.liftSuspension', async (tx) => {
    const [f] = await tx.select().from(batchFacilities).where(eq(batchFacilities.enterpriseId, e.id)).for('update');
    if (!f || f.status !== 'SUSPENDED')
      throw problems.conflict('The batch-exit facility of this enterprise is not suspended.', {
        rule: 'declarations.batch.notSuspended',
      });
    const now = ctx.clock.now();
    const { seq } = await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'declarations.liftSuspension',
      subject: `enterprise:${e.id}`,
      change: { period: f.period, reason },
      at: now,
      partitionKey: partitionOf(e.uscc),
    });
    await tx
      .update(batchFacilities)
      .set({
        status: 'ACTIVE',
        reason: `Lifted by ${actor.name}: ${reason}`,
        changedAt: now,
        changedBy: actorLabel(actor),
      })
      .where(eq(batchFacilities.enterpriseId, e.id));
    await enqueueEvents(tx, [
      typedEvent(DECLARATIONS_EVENTS, 'BatchFacilityRestored', {
        aggregateType: 'declaration',
        aggregateId: e.id,
        payload: { enterpriseId: e.id, uscc: e.uscc, period: f.period, reason },
        occurredAt: now,
        auditSeq: seq,
      }),
    ]);
    return facilityOf(tx, e.id);
  });
}

/**
 * The month as the enterprise portal shows it: its batches, the centralized declaration (filed or to file), the due
 * date and the facility.
 */
export async function monthOf(ctx: AppContext, actor: Actor, q: { uscc?: string; period?: string }) {
  const enterpriseId =
    actor.role === 'enterprise_user' ? actor.enterpriseId! : (await enterpriseByUscc(ctx, actor, q.uscc ?? '')).id;
  const today = shanghaiDate(ctx.clock.now());
  const period = q.period ?? periodOf(today);
  const due = await dueDayOn(ctx.db, today);
  const batches = await ctx.db
    .select()
    .from(declarations)
    .where(
      and(
        eq(declarations.enterpriseId, enterpriseId),
        eq(declarations.kind, 'BATCH_EXIT'),
        eq(declarations.period, period),
      ),
    )
    .orderBy(asc(declarations.createdAt));
  const [central] = await ctx.db
    .select()
    .from(declarations)
    .where(
      and(
        eq(declarations.enterpriseId, enterpriseId),
        eq(declarations.kind, 'CENTRALIZED_DECLARATION'),
        eq(declarations.period, period),
      ),
    );
  const undeclared = batches.some((b) => !b.centralizedId && !DEAD.includes(b.state as DeclarationState));
  return {
    enterpriseId,
    period,
    dueDate: centralizedDueDate(period, due.day),
    overdue: undeclared && isOverdue(period, due.day, today),
    facility: await facilityOf(ctx.db, enterpriseId),
    batches: batches.map(declarationView),
    centralized: central ? declarationView(central) : null,
  };
}
