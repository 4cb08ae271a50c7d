import { asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/client.ts';
import type { Actor } from '../../../platform/auth/roles.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { problems } from '../../../kernel/problem.ts';
import { creditClassChanges, creditClasses, creditInputs, creditPending, creditWithdrawals } from '../schema.ts';
import { assess, classChanges, type CreditClass, type SubjectKind } from '../rules.ts';
import { measuresFor, type CreditMeasures } from '../measures.ts';
import { addDays } from '../dates.ts';
import { classificationParameters, measureParameters, sameVersions } from './parameters.ts';
import { inputSummary, loadInputs, withEvidence, type ReasonView } from './store.ts';
import { resolveSubject, type Subject } from './subjects.ts';
import { findEnterpriseById } from '../../subjects/service.ts';
import { memoInCommand } from '../../../platform/commandMemo.ts';
import { CREDIT_MEMO } from './memo.ts';

export interface CreditView {
  subjectKind: SubjectKind;
  subject: string;
  asOf: string;
  class: CreditClass;
  reasons: ReasonView[];
  validUntil: string | null;
  nextChange: string | null;
  parameterVersions: Record<string, number>;
}

type ClassRow = typeof creditClasses.$inferSelect;

/**
 * The stored class answers for `date` when nothing can read differently since it was computed: the
 * subject is not waiting for a recomputation, `date` lies between the day it was computed and its
 * review day, and the same parameter versions are in force. A white list "since" the computation day
 * itself depends on the day asked, so that one is derived afresh.
 */
function servable(row: ClassRow, pending: boolean, date: string, versions: Record<string, number>): boolean {
  if (pending || row.asOf > date || (row.nextReview !== null && date >= row.nextReview)) return false;
  if (!sameVersions(row.parameterVersions as Record<string, number>, versions)) return false;
  const reasons = row.reasons as ReasonView[];
  return !(row.class === 'WHITELIST' && reasons[0]?.since === row.asOf);
}

/**
 * The class of a subject on any date, with reasons. Served from the stored class when it is valid
 * for that date, otherwise derived from the inputs; both give the same answer.
 */
export async function classificationOn(ex: Executor, subject: Subject, date: string): Promise<CreditView> {
  return classify(ex, subject.id, Promise.resolve(subject), date);
}

/**
 * The parameters, the stored class and (for a caller that knows only the id) the subject are read side by
 * side: one round trip's wait where there were three. The inputs are read only when the stored class
 * cannot answer (a date before it was computed or from its review day on, or a recomputation pending).
 */
async function classify(ex: Executor, subjectId: string, named: Promise<Subject>, date: string): Promise<CreditView> {
  const [subject, { params, versions }, [hit]] = await Promise.all([
    named,
    classificationParameters(ex, date),
    ex
      .select({ row: creditClasses, pending: creditPending.subjectId })
      .from(creditClasses)
      .leftJoin(creditPending, eq(creditPending.subjectId, creditClasses.subjectId))
      .where(eq(creditClasses.subjectId, subjectId)),
  ]);
  const base = { subjectKind: subject.kind, subject: subject.code, asOf: date, parameterVersions: versions };
  if (hit && servable(hit.row, hit.pending !== null, date, versions)) {
    return {
      ...base,
      class: hit.row.class as CreditClass,
      reasons: hit.row.reasons as ReasonView[],
      validUntil: hit.row.validUntil,
      nextChange: hit.row.nextChange,
    };
  }
  const { inputs, rows } = await loadInputs(ex, subject.id);
  const { classification: c, nextChange } = assess(subject.kind, inputs, date, params);
  return {
    ...base,
    class: c.class,
    reasons: withEvidence(c.reasons, rows),
    validUntil: c.validUntil ?? null,
    nextChange,
  };
}

/** GET /credit/{kind}/{id}: today in Asia/Shanghai unless `asOf` is given. */
export async function getCredit(
  ctx: AppContext,
  actor: Actor,
  kind: SubjectKind,
  code: string,
  asOf?: string,
): Promise<CreditView> {
  const subject = await resolveSubject(ctx.db, actor, kind, code);
  return classificationOn(ctx.db, subject, asOf ?? shanghaiDate(ctx.clock.now()));
}

/** How other modules name a subject: by its code (USCC or individual id), or by enterprise id. */
export type SubjectRef = { kind: SubjectKind; code: string } | { enterpriseId: string };

async function subjectOf(tx: Executor, ref: SubjectRef): Promise<Subject> {
  if ('code' in ref) return resolveSubject(tx, null, ref.kind, ref.code);
  // The enterprise as the command already read it (subjects memoises it per command).
  const e = await findEnterpriseById(tx, ref.enterpriseId);
  if (!e) throw problems.notFound(`Enterprise ${ref.enterpriseId}`);
  return { kind: 'ENTERPRISE', id: e.id, code: e.uscc };
}

/**
 * For other modules (risk, inspection, declarations), inside their own transaction: the class of a
 * subject on a date, with its reasons.
 */
export async function creditClassOf(tx: Executor, ref: SubjectRef, asOf: string): Promise<CreditView> {
  // Once per command (platform/commandMemo.ts): an exit's selection and its payment check both ask.
  const subject = 'code' in ref ? `${ref.kind}:${ref.code}` : `ENTERPRISE_ID:${ref.enterpriseId}`;
  const key = `${CREDIT_MEMO}${subject}:${asOf}`;
  return memoInCommand(tx, key, async () =>
    'code' in ref
      ? classificationOn(tx, await subjectOf(tx, ref), asOf)
      : classify(tx, ref.enterpriseId, subjectOf(tx, ref), asOf),
  );
}

export type MeasuresView = CreditMeasures & { parameterVersions: Record<string, number> };

/**
 * Measures by class (inspection rate rule, batch exit, audit frequency) for a subject on a date:
 * what risk, inspection and declarations ask, inside their own transaction.
 */
export async function creditMeasuresOf(tx: Executor, ref: SubjectRef, asOf: string): Promise<MeasuresView> {
  const credit = await creditClassOf(tx, ref, asOf);
  const { params, versions } = await measureParameters(tx, asOf);
  return {
    ...measuresFor(credit.class, credit.subjectKind, params),
    parameterVersions: { ...credit.parameterVersions, ...versions },
  };
}

export async function getMeasures(
  ctx: AppContext,
  actor: Actor,
  kind: SubjectKind,
  code: string,
  asOf?: string,
): Promise<MeasuresView> {
  await resolveSubject(ctx.db, actor, kind, code);
  return creditMeasuresOf(ctx.db, { kind, code }, asOf ?? shanghaiDate(ctx.clock.now()));
}

function changeView(r: typeof creditClassChanges.$inferSelect) {
  return {
    seq: r.seq,
    subjectKind: r.subjectKind,
    subject: r.subjectCode,
    effectiveDate: r.effectiveDate,
    from: r.fromClass,
    to: r.toClass,
    reasons: r.reasons as ReasonView[],
    cause: r.cause,
    recordedAt: r.recordedAt.toISOString(),
    auditSeq: r.auditSeq,
  };
}

/**
 * A subject's history: `items`, the class changes as they were published (the feed), and
 * `timeline`, the changes as the rules derive them today from all inputs, by effective date.
 */
export async function classHistory(ctx: AppContext, actor: Actor, kind: SubjectKind, code: string) {
  const subject = await resolveSubject(ctx.db, actor, kind, code);
  const rows = await ctx.db
    .select()
    .from(creditClassChanges)
    .where(eq(creditClassChanges.subjectId, subject.id))
    .orderBy(asc(creditClassChanges.seq));
  const today = shanghaiDate(ctx.clock.now());
  const { params } = await classificationParameters(ctx.db, today);
  const { inputs } = await loadInputs(ctx.db, subject.id);
  const first = inputs.map((i) => i.effectiveDate).reduce<string | null>((a, b) => (a === null || b < a ? b : a), null);
  const timeline =
    first === null || first > today ? [] : classChanges(subject.kind, inputs, addDays(first, -1), today, params);
  return { items: rows.map(changeView), timeline };
}

/** The departments' cursor feed: changes after `after`, oldest first. */
export async function changesAfter(ex: Executor, after: number, limit: number) {
  const rows = await ex
    .select()
    .from(creditClassChanges)
    .where(gt(creditClassChanges.seq, after))
    .orderBy(asc(creditClassChanges.seq))
    .limit(limit);
  const items = rows.map(changeView);
  return { items, next: items.length ? items[items.length - 1]!.seq : after };
}

/** The newest change in the feed (0 when none): where a new subscriber starts by default. */
export async function latestChangeSeq(ex: Executor): Promise<number> {
  const [row] = await ex
    .select({ seq: sql<number>`coalesce(max(${creditClassChanges.seq}), 0)::bigint` })
    .from(creditClassChanges);
  return Number(row?.seq ?? 0);
}

/** Every input of a subject, withdrawn ones included, with the audit entry that recorded it. */
export async function listInputs(ctx: AppContext, actor: Actor, kind: SubjectKind, code: string) {
  const subject = await resolveSubject(ctx.db, actor, kind, code);
  const rows = await ctx.db
    .select()
    .from(creditInputs)
    .where(eq(creditInputs.subjectId, subject.id))
    .orderBy(asc(creditInputs.effectiveDate), asc(creditInputs.id));
  const withdrawals = rows.length
    ? await ctx.db
        .select()
        .from(creditWithdrawals)
        .where(
          inArray(
            creditWithdrawals.inputId,
            rows.map((r) => r.id),
          ),
        )
    : [];
  const byId = new Map(withdrawals.map((w) => [w.inputId, w]));
  return rows.map((r) => {
    const w = byId.get(r.id);
    return {
      ...inputSummary(r),
      withdrawn: w ? { date: w.date, reason: w.reason } : null,
      recordedBy: r.recordedBy,
      recordedAt: r.recordedAt.toISOString(),
      auditSeq: r.auditSeq,
    };
  });
}

/**
 * Stored classes by subject kind and class (the command centre). Subjects never classified are WHITELIST and not
 * counted here.
 */
export async function countsByClass(ctx: AppContext) {
  const rows = await ctx.db
    .select({ subjectKind: creditClasses.subjectKind, class: creditClasses.class, n: sql<number>`count(*)::int` })
    .from(creditClasses)
    .groupBy(creditClasses.subjectKind, creditClasses.class);
  return rows.map((r) => ({ subjectKind: r.subjectKind, class: r.class, count: Number(r.n) }));
}
