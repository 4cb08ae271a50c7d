import { and, asc, eq, gt, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/client.ts';
import { runCommand } from '../../platform/command.ts';
import { appendAudit, lockChain } from '../../platform/audit/service.ts';
import { enqueueEvents } from '../../platform/outbox/service.ts';
import { getParameter } from '../../platform/parameters/service.ts';
import { actorLabel, type Actor } from '../../platform/auth/roles.ts';
import { assertEnterpriseVisible } from '../../platform/auth/scope.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { problems } from '../../kernel/problem.ts';
import { findEnterpriseById, findEnterpriseByUscc, individualExists } from '../subjects/service.ts';
import { creditClassChanges, creditClasses, creditInputs, creditWithdrawals } from './schema.ts';
import { classChanges, classify, nextChangeDate, type Classification, type CreditClass, type CreditInput, type SubjectKind } from './rules.ts';
import { measuresFor, type CreditParameters, type CreditMeasures, type AuditFrequency } from './measures.ts';

type InputRow = typeof creditInputs.$inferSelect;
type WithdrawalRow = typeof creditWithdrawals.$inferSelect;

export interface Subject {
  kind: SubjectKind;
  id: string;
  /** USCC for an enterprise, the individual's id otherwise: what the outside world calls it. */
  code: string;
  enterpriseId: string | null;
}

export interface LoadedParameters {
  params: CreditParameters;
  versions: Record<string, number>;
}

/** Every credit parameter in force on a date, with the versions used (recorded with each class). */
export async function creditParameters(ex: Executor, asOf: string): Promise<LoadedParameters> {
  const names = {
    focusPeriodYears: 'credit.focusPeriodYears',
    individualFocusPeriodYears: 'credit.individualFocusPeriodYears',
    aeo: 'credit.inspectionRateMultiplier.ADVANCED_CERTIFIED',
    white: 'credit.inspectionRateMultiplier.WHITELIST',
    focusFloor: 'credit.inspectionRateFloor.FOCUS',
    batch: 'credit.batchExitClasses',
    individuals: 'credit.whitelistIndividualsInspectedWithoutRiskAlert',
    audit: 'credit.auditFrequency',
  } as const;
  const versions: Record<string, number> = {};
  const values: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(names)) {
    const p = await getParameter(ex, name, asOf);
    versions[name] = p.version;
    values[key] = p.value;
  }
  return {
    versions,
    params: {
      focusPeriodYears: Number(values.focusPeriodYears),
      individualFocusPeriodYears: Number(values.individualFocusPeriodYears),
      inspectionRateMultiplier: { ADVANCED_CERTIFIED: String(values.aeo), WHITELIST: String(values.white) },
      inspectionRateFloor: { FOCUS: String(values.focusFloor) },
      batchExitClasses: values.batch as CreditClass[],
      whitelistIndividualsInspectedWithoutRiskAlert: Boolean(values.individuals),
      auditFrequency: values.audit as Record<CreditClass, Exclude<AuditFrequency, 'NOT_APPLICABLE'>>,
    },
  };
}

function toRuleInput(row: InputRow, withdrawal: WithdrawalRow | undefined): CreditInput {
  const base = {
    id: row.id,
    subjectKind: row.subjectKind as SubjectKind,
    source: row.source,
    effectiveDate: row.effectiveDate,
    ...(row.reference ? { reference: row.reference } : {}),
    ...(withdrawal ? { withdrawn: { date: withdrawal.date, reason: withdrawal.reason } } : {}),
  };
  if (row.type === 'SECTOR_RATING') return { ...base, type: 'SECTOR_RATING', department: row.department!, level: row.level!, isLowestLevel: row.isLowestLevel! };
  if (row.type === 'EVENT') return { ...base, type: 'EVENT', kind: row.eventKind as never };
  return { ...base, type: 'AEO', action: row.aeoAction as never };
}

export async function loadInputs(ex: Executor, subjectId: string): Promise<CreditInput[]> {
  const rows = await ex.select().from(creditInputs).where(eq(creditInputs.subjectId, subjectId)).orderBy(asc(creditInputs.effectiveDate), asc(creditInputs.id));
  const withdrawals = await ex.select().from(creditWithdrawals).where(eq(creditWithdrawals.subjectId, subjectId));
  const byInput = new Map(withdrawals.map((w) => [w.inputId, w]));
  return rows.map((r) => toRuleInput(r, byInput.get(r.id)));
}

/** Resolves an enterprise by USCC or an individual by id; enterprise users only reach their own. */
export async function resolveSubject(ex: Executor, actor: Actor | null, kind: SubjectKind, code: string): Promise<Subject> {
  if (kind === 'ENTERPRISE') {
    const e = await findEnterpriseByUscc(ex, code);
    if (!e) throw problems.notFound(`Enterprise ${code}`);
    if (actor) assertEnterpriseVisible(actor, e.id, `Enterprise ${code}`);
    return { kind, id: e.id, code: e.uscc, enterpriseId: e.id };
  }
  if (actor?.role === 'enterprise_user') throw problems.notFound(`Individual ${code}`);
  if (!(await individualExists(ex, code))) throw problems.notFound(`Individual ${code}`);
  return { kind, id: code, code, enterpriseId: null };
}

export interface CreditView {
  subjectKind: SubjectKind;
  subject: string;
  asOf: string;
  class: CreditClass;
  reasons: Classification['reasons'];
  validUntil: string | null;
  nextChange: string | null;
  parameterVersions: Record<string, number>;
}

function view(subject: Subject, asOf: string, c: Classification, next: string | null, versions: Record<string, number>): CreditView {
  return { subjectKind: subject.kind, subject: subject.code, asOf, class: c.class, reasons: c.reasons, validUntil: c.validUntil ?? null, nextChange: next, parameterVersions: versions };
}

/** The class on any date, derived from the inputs (the materialised class is only a cache of today's). */
export async function creditOn(ex: Executor, subject: Subject, asOf: string): Promise<CreditView> {
  const { params, versions } = await creditParameters(ex, asOf);
  const inputs = await loadInputs(ex, subject.id);
  return view(subject, asOf, classify(subject.kind, inputs, asOf, params), nextChangeDate(subject.kind, inputs, asOf, params), versions);
}

export async function getCredit(ctx: AppContext, actor: Actor, kind: SubjectKind, code: string, asOf?: string): Promise<CreditView> {
  const subject = await resolveSubject(ctx.db, actor, kind, code);
  const today = shanghaiDate(ctx.clock.now());
  const date = asOf ?? today;
  if (date === today) {
    const [row] = await ctx.db.select().from(creditClasses).where(eq(creditClasses.subjectId, subject.id));
    if (row && row.asOf === today) {
      return { subjectKind: kind, subject: subject.code, asOf: today, class: row.class as CreditClass, reasons: row.reasons as Classification['reasons'], validUntil: row.validUntil, nextChange: row.nextChange, parameterVersions: row.parameterVersions as Record<string, number> };
    }
  }
  return creditOn(ctx.db, subject, date);
}

/** Measures for a subject on a date: what risk, inspection and declarations ask. */
export async function measuresForSubject(ex: Executor, kind: SubjectKind, code: string, asOf: string): Promise<CreditMeasures & { parameterVersions: Record<string, number> }> {
  const subject = await resolveSubject(ex, null, kind, code);
  const credit = await creditOn(ex, subject, asOf);
  const { params } = await creditParameters(ex, asOf);
  return { ...measuresFor(credit.class, kind, params), parameterVersions: credit.parameterVersions };
}

/**
 * Recomputes and stores the class of a subject for `today`. When it changed, records the change
 * (the feed), an audit entry and an event for subscribed departments, all in the caller's transaction.
 */
export async function recompute(tx: Executor, subject: Subject, today: string, cause: string, actor: string, now: Date): Promise<{ changed: boolean; class: CreditClass }> {
  const { params, versions } = await creditParameters(tx, today);
  const inputs = await loadInputs(tx, subject.id);
  const c = classify(subject.kind, inputs, today, params);
  const next = nextChangeDate(subject.kind, inputs, today, params);
  const [current] = await tx.select().from(creditClasses).where(eq(creditClasses.subjectId, subject.id)).for('update');
  const row = { subjectId: subject.id, subjectKind: subject.kind, class: c.class, reasons: c.reasons, asOf: today, validUntil: c.validUntil ?? null, nextChange: next, parameterVersions: versions, computedAt: now };
  await tx.insert(creditClasses).values(row).onConflictDoUpdate({ target: creditClasses.subjectId, set: row });
  const previous = (current?.class as CreditClass | undefined) ?? null;
  // A subject first seen as WHITELIST is what it always was (the default): only real changes are news.
  const changed = previous === null ? c.class !== 'WHITELIST' : previous !== c.class;
  if (!changed) return { changed: false, class: c.class };
  const change = { subjectKind: subject.kind, subject: subject.code, effectiveDate: today, from: previous ?? 'WHITELIST', to: c.class, reasons: c.reasons, cause, parameterVersions: versions };
  const { seq } = await appendAudit(tx, { actor, action: 'credit.classChange', subject: `${subject.kind.toLowerCase()}:${subject.code}`, change, at: now });
  await lockChain(tx);
  await tx.insert(creditClassChanges).values({ subjectId: subject.id, subjectKind: subject.kind, subjectCode: subject.code, effectiveDate: today, fromClass: previous ?? 'WHITELIST', toClass: c.class, reasons: c.reasons, cause, recordedAt: now });
  await enqueueEvents(tx, [{ aggregateType: 'credit', aggregateId: subject.id, eventType: 'CreditClassChanged', payload: change, occurredAt: now, auditSeq: seq }]);
  return { changed: true, class: c.class };
}

export type NewCreditInput =
  | { type: 'SECTOR_RATING'; department: string; level: string; isLowestLevel: boolean }
  | { type: 'EVENT'; kind: 'SMUGGLING_PENALTY' | 'SERIOUS_DISHONESTY_LISTING' | 'OTHER_LEGAL_LISTING' }
  | { type: 'AEO'; action: 'GRANTED' | 'REVOKED' | 'SUSPENDED' };

export interface RecordInputRequest {
  subjectKind: SubjectKind;
  subject: string;
  source: string;
  effectiveDate: string;
  reference?: string;
  input: NewCreditInput;
}

/** Inserts one input (no recompute). */
async function insertInput(tx: Executor, subject: Subject, req: RecordInputRequest, recordedBy: string, now: Date) {
  if (req.input.type === 'AEO' && subject.kind === 'INDIVIDUAL') throw problems.field('input.type', 'credit.aeoEnterpriseOnly', 'AEO certification applies to enterprises only.');
  const row = buildInputRow(subject, req, recordedBy, now);
  await tx.insert(creditInputs).values(row);
  return row;
}

/** The stored form of an input: shared by the API and the bulk import. */
function buildInputRow(subject: Subject, req: RecordInputRequest, recordedBy: string, now: Date): InputRow {
  const i = req.input;
  return {
    subjectId: subject.id,
    id: uuidv7(now.getTime()),
    subjectKind: subject.kind,
    type: i.type,
    source: req.source,
    effectiveDate: req.effectiveDate,
    reference: req.reference ?? null,
    department: i.type === 'SECTOR_RATING' ? i.department : null,
    level: i.type === 'SECTOR_RATING' ? i.level : null,
    isLowestLevel: i.type === 'SECTOR_RATING' ? i.isLowestLevel : null,
    eventKind: i.type === 'EVENT' ? i.kind : null,
    aeoAction: i.type === 'AEO' ? i.action : null,
    recordedBy,
    recordedAt: now,
  };
}

export async function recordInput(ctx: AppContext, actor: Actor, req: RecordInputRequest) {
  return runCommand(ctx, 'credit.recordInput', async (tx) => {
    const subject = await resolveSubject(tx, null, req.subjectKind, req.subject);
    const now = ctx.clock.now();
    const today = shanghaiDate(now);
    const row = await insertInput(tx, subject, req, actorLabel(actor), now);
    await appendAudit(tx, { actor: actorLabel(actor), action: 'credit.recordInput', subject: `${subject.kind.toLowerCase()}:${subject.code}`, change: { ...row, recordedAt: now.toISOString() }, at: now });
    const result = await recompute(tx, subject, today, `input ${row.id}`, actorLabel(actor), now);
    return { inputId: row.id, class: result.class, classChanged: result.changed };
  });
}

export async function withdrawInput(ctx: AppContext, actor: Actor, inputId: string, body: { date?: string; reason: string }) {
  return runCommand(ctx, 'credit.withdrawInput', async (tx) => {
    const [input] = await tx.select().from(creditInputs).where(eq(creditInputs.id, inputId));
    if (!input) throw problems.notFound(`Credit input ${inputId}`);
    const [already] = await tx.select().from(creditWithdrawals).where(eq(creditWithdrawals.inputId, inputId));
    if (already) throw problems.conflict(`Credit input ${inputId} was already withdrawn on ${already.date}.`);
    const now = ctx.clock.now();
    const today = shanghaiDate(now);
    const date = body.date ?? today;
    if (date > today) throw problems.field('date', 'credit.withdrawalNotInFuture', 'A withdrawal takes effect today or on a past date.');
    await tx.insert(creditWithdrawals).values({ inputId, subjectId: input.subjectId, date, reason: body.reason, recordedBy: actorLabel(actor), recordedAt: now });
    const subject = input.subjectKind === 'ENTERPRISE' ? await enterpriseSubject(tx, input.subjectId) : { kind: 'INDIVIDUAL' as const, id: input.subjectId, code: input.subjectId, enterpriseId: null };
    await appendAudit(tx, { actor: actorLabel(actor), action: 'credit.withdrawInput', subject: `${subject.kind.toLowerCase()}:${subject.code}`, change: { inputId, date, reason: body.reason }, at: now });
    const result = await recompute(tx, subject, today, `withdrawal of ${inputId}`, actorLabel(actor), now);
    return { inputId, withdrawnOn: date, class: result.class, classChanged: result.changed };
  });
}

async function enterpriseSubject(ex: Executor, enterpriseId: string): Promise<Subject> {
  const e = await findEnterpriseById(ex, enterpriseId);
  if (!e) throw problems.notFound(`Enterprise ${enterpriseId}`);
  return { kind: 'ENTERPRISE', id: e.id, code: e.uscc, enterpriseId: e.id };
}

/**
 * The daily sweep: applies automatic removals whose day has come (a focus period ending, a
 * withdrawal or a rating dated in advance). Each subject is its own transaction.
 */
export async function sweep(ctx: AppContext, today: string, onProgress?: (done: number, total: number) => void): Promise<{ checked: number; changed: number }> {
  const due = await ctx.db
    .select({ subjectId: creditClasses.subjectId, subjectKind: creditClasses.subjectKind })
    .from(creditClasses)
    .where(and(isNotNull(creditClasses.nextChange), lte(creditClasses.nextChange, today)));
  let changed = 0;
  let done = 0;
  for (const d of due) {
    const result = await runCommand(ctx, 'credit.sweep', async (tx) => {
      const subject = d.subjectKind === 'ENTERPRISE' ? await enterpriseSubject(tx, d.subjectId) : { kind: 'INDIVIDUAL' as const, id: d.subjectId, code: d.subjectId, enterpriseId: null };
      return recompute(tx, subject, today, 'automatic (daily sweep)', 'system:credit-sweep', ctx.clock.now());
    });
    if (result.changed) changed++;
    onProgress?.(++done, due.length);
  }
  return { checked: due.length, changed };
}

export async function classHistory(ctx: AppContext, actor: Actor, kind: SubjectKind, code: string) {
  const subject = await resolveSubject(ctx.db, actor, kind, code);
  const rows = await ctx.db.select().from(creditClassChanges).where(eq(creditClassChanges.subjectId, subject.id)).orderBy(asc(creditClassChanges.seq));
  return rows.map(changeView);
}

function changeView(r: typeof creditClassChanges.$inferSelect) {
  return { seq: r.seq, subjectKind: r.subjectKind, subject: r.subjectCode, effectiveDate: r.effectiveDate, from: r.fromClass, to: r.toClass, reasons: r.reasons, cause: r.cause, recordedAt: r.recordedAt.toISOString() };
}

/** The departments' cursor feed: changes after `after`, oldest first. */
export async function changesAfter(ex: Executor, after: number, limit: number) {
  const rows = await ex.select().from(creditClassChanges).where(gt(creditClassChanges.seq, after)).orderBy(asc(creditClassChanges.seq)).limit(limit);
  const items = rows.map(changeView);
  return { items, next: items.length ? items[items.length - 1]!.seq : after };
}

export async function listInputs(ctx: AppContext, actor: Actor, kind: SubjectKind, code: string) {
  const subject = await resolveSubject(ctx.db, actor, kind, code);
  const rows = await ctx.db.select().from(creditInputs).where(eq(creditInputs.subjectId, subject.id)).orderBy(asc(creditInputs.effectiveDate), asc(creditInputs.id));
  const withdrawals = rows.length ? await ctx.db.select().from(creditWithdrawals).where(inArray(creditWithdrawals.inputId, rows.map((r) => r.id))) : [];
  const byId = new Map(withdrawals.map((w) => [w.inputId, w]));
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    source: r.source,
    effectiveDate: r.effectiveDate,
    reference: r.reference,
    department: r.department,
    level: r.level,
    isLowestLevel: r.isLowestLevel,
    kind: r.eventKind,
    action: r.aeoAction,
    withdrawn: byId.has(r.id) ? { date: byId.get(r.id)!.date, reason: byId.get(r.id)!.reason } : null,
    recordedAt: r.recordedAt.toISOString(),
  }));
}

export async function countsByClass(ctx: AppContext) {
  const rows = await ctx.db.select({ subjectKind: creditClasses.subjectKind, class: creditClasses.class, n: sql<number>`count(*)::int` }).from(creditClasses).groupBy(creditClasses.subjectKind, creditClasses.class);
  return rows.map((r) => ({ subjectKind: r.subjectKind, class: r.class, count: Number(r.n) }));
}

/** Changes between two dates derived from inputs (history of a subject as the rules see it). */
export async function derivedChanges(ex: Executor, subject: Subject, from: string, to: string) {
  const { params } = await creditParameters(ex, to);
  return classChanges(subject.kind, await loadInputs(ex, subject.id), from, to, params);
}

export interface ImportError {
  line: number;
  path: string;
  message: string;
}

export interface ImportResult {
  imported: number;
  rejected: number;
  subjectsRecomputed: number;
  classChanges: number;
  errors: ImportError[];
}

/** Largest chunk committed at once: one transaction, one audit entry, one recompute per subject. */
export const IMPORT_CHUNK = 1000;

/**
 * Bulk import for backfills (hundreds of thousands of records). Records arrive validated; those
 * whose subject is unknown are reported by line and skipped. Each chunk is all-or-nothing.
 */
export async function importInputs(
  ctx: AppContext,
  actor: Actor,
  records: { line: number; record: RecordInputRequest }[],
  onProgress?: (done: number) => void,
): Promise<ImportResult> {
  const result: ImportResult = { imported: 0, rejected: 0, subjectsRecomputed: 0, classChanges: 0, errors: [] };
  const subjects = new Map<string, Subject | null>();
  for (let start = 0; start < records.length; start += IMPORT_CHUNK) {
    const chunk = records.slice(start, start + IMPORT_CHUNK);
    const summary = await runCommand(ctx, 'credit.importInputs', async (tx) => {
      const now = ctx.clock.now();
      const today = shanghaiDate(now);
      const touched = new Map<string, Subject>();
      const errors: ImportError[] = [];
      const rows: InputRow[] = [];
      for (const { line, record } of chunk) {
        const key = `${record.subjectKind}:${record.subject}`;
        if (!subjects.has(key)) subjects.set(key, await resolveSubject(tx, null, record.subjectKind, record.subject).catch(() => null));
        const subject = subjects.get(key)!;
        if (!subject) {
          errors.push({ line, path: 'subject', message: `Unknown ${record.subjectKind.toLowerCase()} ${record.subject}; register it first.` });
          continue;
        }
        if (record.input.type === 'AEO' && subject.kind === 'INDIVIDUAL') {
          errors.push({ line, path: 'input.type', message: 'AEO certification applies to enterprises only.' });
          continue;
        }
        rows.push(buildInputRow(subject, record, actorLabel(actor), now));
        touched.set(subject.id, subject);
      }
      if (rows.length) await tx.insert(creditInputs).values(rows);
      // One audit entry per chunk, holding the digest-sized list of input ids.
      await appendAudit(tx, { actor: actorLabel(actor), action: 'credit.importInputs', subject: 'credit:inputs', change: { count: rows.length, inputIds: rows.map((r) => r.id), rejected: errors.length }, at: now });
      let changes = 0;
      for (const subject of touched.values()) if ((await recompute(tx, subject, today, 'bulk import', actorLabel(actor), now)).changed) changes++;
      return { imported: rows.length, errors, recomputed: touched.size, changes };
    });
    result.imported += summary.imported;
    result.rejected += summary.errors.length;
    result.errors.push(...summary.errors.slice(0, Math.max(0, 1000 - result.errors.length)));
    result.subjectsRecomputed += summary.recomputed;
    result.classChanges += summary.changes;
    onProgress?.(Math.min(records.length, start + chunk.length));
  }
  return result;
}

/** The newest change in the feed (0 when none): where a new subscriber starts by default. */
export async function latestChangeSeq(ex: Executor): Promise<number> {
  const [row] = await ex.select({ seq: sql<number>`coalesce(max(${creditClassChanges.seq}), 0)::bigint` }).from(creditClassChanges);
  return Number(row?.seq ?? 0);
}
