import { sql } from 'drizzle-orm';
import type { Executor } from '../../../platform/db/client.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { CREDIT_EVENTS } from '../events.ts';
import { creditClasses, creditPending, creditClassChanges } from '../schema.ts';
import { assess, type CreditClass } from '../rules.ts';
import { classificationParameters } from './parameters.ts';
import { anyOf, loadInputsOf, slices, withEvidence, type ReasonView } from './store.ts';
import { changeMaterial, digestOf } from './trace.ts';
import type { Subject } from './subjects.ts';
import { forgetAllInCommand } from '../../../platform/commandMemo.ts';
import { CREDIT_MEMO } from './memo.ts';

export interface RecomputeContext {
  /** The business day (Asia/Shanghai) the classes are computed for. */
  today: string;
  /** Why, as shown in the change feed: "input <id>", "bulk import", "automatic (daily sweep)"… */
  cause: string;
  actor: string;
  now: Date;
}

export interface RecomputeResult {
  classes: Map<string, CreditClass>;
  changes: number;
  /** The audit entry of the changes, when there were any. */
  auditSeq: number | null;
}

/**
 * Subjects recomputed per transaction by the sweep and the import. Large, because a backfill's inputs
 * lie in the table in arrival order, not by subject: reading the inputs of any few thousand subjects
 * touches most of the table's pages, so ten chunks of 10,000 read it ten times where fifty chunks of
 * 2,000 read it fifty times. A daily sweep with few subjects due reads them by index.
 */
export const RECOMPUTE_CHUNK = 10_000;

/**
 * Recomputes and stores the class of many subjects for `today`, set-based: one query for the
 * inputs, one multi-row upsert, and for the subjects whose class changed one audit entry (the digest
 * of the changes), the feed rows and one event each. Runs in the caller's transaction, which must
 * hold the credit write lock.
 */
export async function recomputeSubjects(
  tx: Executor,
  subjects: readonly Subject[],
  rc: RecomputeContext,
): Promise<RecomputeResult> {
  const result: RecomputeResult = { classes: new Map(), changes: 0, auditSeq: null };
  if (subjects.length === 0) return result;
  const ids = subjects.map((s) => s.id);
  const { params, versions } = await classificationParameters(tx, rc.today);
  const loaded = await loadInputsOf(tx, ids);
  const stored = await tx
    .select({ subjectId: creditClasses.subjectId, class: creditClasses.class })
    .from(creditClasses)
    .where(anyOf(creditClasses.subjectId, ids, 'uuid'));
  const previous = new Map(stored.map((r) => [r.subjectId, r.class]));

  const computed: Record<string, unknown>[] = [];
  const changed: { subject: Subject; from: CreditClass; to: CreditClass; reasons: ReasonView[] }[] = [];
  for (const subject of subjects) {
    const { inputs, rows } = loaded.get(subject.id) ?? { inputs: [], rows: new Map() };
    const { classification: c, nextChange, nextReview } = assess(subject.kind, inputs, rc.today, params);
    const reasons = withEvidence(c.reasons, rows);
    computed.push({
      subject_id: subject.id,
      subject_kind: subject.kind,
      class: c.class,
      reasons,
      as_of: rc.today,
      valid_until: c.validUntil ?? null,
      next_change: nextChange,
      next_review: nextReview,
      parameter_versions: versions,
      computed_at: rc.now.toISOString(),
    });
    result.classes.set(subject.id, c.class);
    const before = (previous.get(subject.id) as CreditClass | undefined) ?? null;
    // A subject first seen as WHITELIST is what it always was (the default): only real changes are news.
    if (before === null ? c.class !== 'WHITELIST' : before !== c.class)
      changed.push({ subject, from: before ?? 'WHITELIST', to: c.class, reasons });
  }
  await upsertClasses(tx, computed);
  await tx.delete(creditPending).where(anyOf(creditPending.subjectId, ids, 'uuid'));
  if (changed.length === 0) return result;

  const rows = changed.map((ch) => ({
    subjectId: ch.subject.id,
    subjectKind: ch.subject.kind,
    subjectCode: ch.subject.code,
    effectiveDate: rc.today,
    fromClass: ch.from,
    toClass: ch.to,
    reasons: ch.reasons,
    cause: rc.cause,
    recordedAt: rc.now,
  }));
  const single = changed.length === 1 ? changed[0]!.subject : null;
  const { seq } = await appendAudit(tx, {
    actor: rc.actor,
    action: 'credit.classChanges',
    subject: single ? `${single.kind.toLowerCase()}:${single.code}` : 'credit:batch',
    change: {
      cause: rc.cause,
      effectiveDate: rc.today,
      count: rows.length,
      digest: digestOf(rows.map(changeMaterial)),
      parameterVersions: versions,
    },
    at: rc.now,
  });
  await insertChangeRows(tx, rows, seq);
  // Events go out in slices: each is a multi-row insert, and the wire protocol caps bind parameters.
  for (const slice of slices(rows, 2000)) {
    await enqueueEvents(
      tx,
      slice.map((r) =>
        typedEvent(CREDIT_EVENTS, 'CreditClassChanged', {
          aggregateType: 'credit',
          aggregateId: r.subjectId,
          // changeMaterial's fields (the audit digest's), as typed here.
          payload: {
            subjectKind: r.subjectKind,
            subject: r.subjectCode,
            effectiveDate: r.effectiveDate,
            from: r.fromClass,
            to: r.toClass,
            reasons: r.reasons,
            cause: r.cause,
            parameterVersions: versions,
          },
          occurredAt: rc.now,
          auditSeq: seq,
        }),
      ),
    );
  }
  result.changes = rows.length;
  result.auditSeq = seq;
  return result;
}

async function upsertClasses(tx: Executor, rows: readonly Record<string, unknown>[]): Promise<void> {
  forgetAllInCommand(tx, CREDIT_MEMO);
  for (const slice of slices(rows, 5000)) {
    await tx.execute(sql`
      insert into ${creditClasses} (subject_id, subject_kind, class, reasons, as_of, valid_until, next_change,
        next_review, parameter_versions, computed_at)
      select subject_id, subject_kind, class, reasons, as_of, valid_until, next_change, next_review,
        parameter_versions, computed_at
      from jsonb_to_recordset(${JSON.stringify(slice)}::jsonb) as r(subject_id uuid, subject_kind text, class text,
        reasons jsonb, as_of date, valid_until date,
        next_change date, next_review date, parameter_versions jsonb, computed_at timestamptz)
      on conflict (subject_id) do update set subject_kind = excluded.subject_kind, class = excluded.class, reasons =
        excluded.reasons, as_of = excluded.as_of,
        valid_until = excluded.valid_until, next_change = excluded.next_change, next_review = excluded.next_review,
        parameter_versions = excluded.parameter_versions, computed_at = excluded.computed_at`);
  }
}

/** Feed rows in the order of `rows`, so their seqs follow the order the audit digest covers. */
async function insertChangeRows(
  tx: Executor,
  rows: readonly {
    subjectId: string;
    subjectKind: string;
    subjectCode: string;
    effectiveDate: string;
    fromClass: string;
    toClass: string;
    reasons: unknown;
    cause: string;
    recordedAt: Date;
  }[],
  auditSeq: number,
): Promise<void> {
  for (const slice of slices(rows, 5000)) {
    const json = JSON.stringify(
      slice.map((r, i) => ({
        n: i,
        subject_id: r.subjectId,
        subject_kind: r.subjectKind,
        subject_code: r.subjectCode,
        effective_date: r.effectiveDate,
        from_class: r.fromClass,
        to_class: r.toClass,
        reasons: r.reasons,
        cause: r.cause,
        recorded_at: r.recordedAt.toISOString(),
      })),
    );
    await tx.execute(sql`
      insert into ${creditClassChanges} (subject_id, subject_kind, subject_code, effective_date, from_class, to_class,
        reasons, cause, recorded_at, audit_seq)
      select subject_id, subject_kind, subject_code, effective_date, from_class, to_class, reasons, cause,
        recorded_at, ${auditSeq}
      from jsonb_to_recordset(${json}::jsonb) as r(n int, subject_id uuid, subject_kind text, subject_code text,
        effective_date date, from_class text, to_class text, reasons jsonb, cause text, recorded_at timestamptz)
      order by n`);
  }
}
