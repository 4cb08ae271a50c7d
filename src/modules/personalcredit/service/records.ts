/**
 * Behaviour records: written inside the caller's transaction by the modules whose events make them
 * (a ban, a missed departure, a confirmed resale case), or by an officer as a command of its own.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor, Tx } from '../../../platform/db/client.ts';
import { anyOf } from '../../../platform/db/rows.ts';
import { runCommand } from '../../../platform/command.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { getParameter } from '../../../platform/parameters/service.ts';
import { lookupHash } from '../../../platform/crypto.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { uuidv7 } from '../../../kernel/ids.ts';
import { problems } from '../../../kernel/problem.ts';
import {
  isViolation,
  pointsFor,
  recordDateViolation,
  type BehaviourRecord,
  type PointsRule,
  type RecordKind,
} from '../rules.ts';
import { personalCreditRecords } from '../schema.ts';

type Row = typeof personalCreditRecords.$inferSelect;

/** The keyed hash a person is known by: the one of subjects' individuals and duty-free buyers. */
export function personHashOf(ctx: AppContext, idType: string, idNumber: string): string {
  return lookupHash(ctx.keys.lookup, `${idType}:${idNumber}`);
}

/** The audit chain of a person: every record of one person in order. */
export const personAuditKey = (personHash: string) => `person:${personHash}`;

export interface RecordView {
  id: string;
  code: string;
  kind: RecordKind;
  points: number;
  occurredOn: string;
  countsUntil: string | null;
  reason: string;
  source: string;
  parameterVersion: number;
  createdBy: string;
  createdAt: string;
  auditSeq: number;
  withdrawn: { on: string; reason: string; by: string } | null;
}

export function recordView(r: Row): RecordView {
  return {
    id: r.id,
    code: r.code,
    kind: r.kind as RecordKind,
    points: r.points,
    occurredOn: r.occurredOn,
    countsUntil: r.countsUntil,
    reason: r.reason,
    source: r.source,
    parameterVersion: r.parameterVersion,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    auditSeq: r.auditSeq,
    withdrawn: r.withdrawnOn ? { on: r.withdrawnOn, reason: r.withdrawReason!, by: r.withdrawnBy! } : null,
  };
}

export function asRule(r: Row): BehaviourRecord {
  return {
    id: r.id,
    code: r.code,
    kind: r.kind as BehaviourRecord['kind'],
    points: r.points,
    occurredOn: r.occurredOn,
    countsUntil: r.countsUntil,
    reason: r.reason,
    source: r.source,
    ...(r.withdrawnOn ? { withdrawn: { date: r.withdrawnOn, reason: r.withdrawReason! } } : {}),
  };
}

export interface NewRecord {
  personHash: string;
  idType: string;
  code: string;
  occurredOn: string;
  reason: string;
  /** What the record comes from ('ban:<id>', 'case:<id>', 'officer:…'): recording it again changes nothing. */
  sourceRef: string;
  source: string;
  actor: string;
}

async function bySource(ex: Executor, sourceRef: string): Promise<Row | null> {
  const [row] = await ex.select().from(personalCreditRecords).where(eq(personalCreditRecords.sourceRef, sourceRef));
  return row ?? null;
}

/**
 * Records a behaviour inside the caller's transaction, with the points the table in force on the
 * day it happened gives it. The same sourceRef again returns the first record (created false).
 */
export async function recordBehaviour(
  tx: Tx,
  ctx: AppContext,
  r: NewRecord,
): Promise<{ record: RecordView; created: boolean }> {
  const now = ctx.clock.now();
  const dateWrong = recordDateViolation(r.occurredOn, shanghaiDate(now));
  if (dateWrong) throw problems.field('occurredOn', dateWrong.rule, dateWrong.message);
  const before = await bySource(tx, r.sourceRef);
  if (before) return { record: recordView(before), created: false };
  const table = await getParameter<Record<string, PointsRule>>(tx, 'personalCredit.points', r.occurredOn);
  const points = pointsFor(r.code, r.occurredOn, { points: table.value });
  if (isViolation(points)) throw problems.field('code', points.rule, points.message);
  const id = uuidv7(now.getTime());
  const change = {
    id,
    personHash: r.personHash,
    code: r.code,
    ...points,
    occurredOn: r.occurredOn,
    reason: r.reason,
    sourceRef: r.sourceRef,
    parameterVersion: table.version,
  };
  const { seq } = await appendAudit(tx, {
    actor: r.actor,
    action: 'personalCredit.record',
    subject: personAuditKey(r.personHash),
    change,
    at: now,
  });
  const row: Row = {
    id,
    personHash: r.personHash,
    idType: r.idType,
    code: r.code,
    kind: points.kind,
    points: points.points,
    occurredOn: r.occurredOn,
    countsUntil: points.countsUntil,
    reason: r.reason,
    source: r.source,
    sourceRef: r.sourceRef,
    parameterVersion: table.version,
    createdBy: r.actor,
    createdAt: now,
    auditSeq: seq,
    withdrawnOn: null,
    withdrawReason: null,
    withdrawnBy: null,
  };
  await tx.insert(personalCreditRecords).values(row);
  return { record: recordView(row), created: true };
}

export interface OfficerRecordBody {
  requestId: string;
  idType: string;
  idNumber: string;
  code: string;
  occurredOn: string;
  reason: string;
}

/** An officer records a behaviour (a penalty, good conduct); the same requestId is the same record. */
export async function recordByOfficer(ctx: AppContext, actor: Actor, body: OfficerRecordBody) {
  const personHash = personHashOf(ctx, body.idType, body.idNumber);
  const sourceRef = `officer:${actorLabel(actor)}:${body.requestId}`;
  return runCommand(ctx, 'personalCredit.record', async (tx) => {
    const result = await recordBehaviour(tx, ctx, {
      personHash,
      idType: body.idType,
      code: body.code,
      occurredOn: body.occurredOn,
      reason: body.reason,
      sourceRef,
      source: 'officer',
      actor: actorLabel(actor),
    });
    const same =
      result.record.code === body.code &&
      result.record.occurredOn === body.occurredOn &&
      result.record.reason === body.reason;
    if (!result.created && !same) throw problems.conflict(`requestId ${body.requestId} was used for another record.`);
    return result;
  });
}

async function withdrawRow(
  tx: Tx,
  ctx: AppContext,
  row: Row,
  date: string,
  reason: string,
  by: string,
): Promise<RecordView> {
  if (row.withdrawnOn) throw problems.conflict(`Record ${row.id} was withdrawn on ${row.withdrawnOn}.`);
  const now = ctx.clock.now();
  const change = { id: row.id, withdrawnOn: date, reason };
  await appendAudit(tx, {
    actor: by,
    action: 'personalCredit.withdraw',
    subject: personAuditKey(row.personHash),
    change,
    at: now,
  });
  const [updated] = await tx
    .update(personalCreditRecords)
    .set({ withdrawnOn: date, withdrawReason: reason, withdrawnBy: by })
    .where(and(eq(personalCreditRecords.id, row.id), sql`${personalCreditRecords.withdrawnOn} is null`))
    .returning();
  return recordView(updated!);
}

/** An officer withdraws a wrong record from a date (today by default), with a reason. */
export async function withdrawRecord(
  ctx: AppContext,
  actor: Actor,
  id: string,
  body: { date?: string; reason: string },
) {
  return runCommand(ctx, 'personalCredit.withdraw', async (tx) => {
    const today = shanghaiDate(ctx.clock.now());
    const date = body.date ?? today;
    if (date > today)
      throw problems.field('date', 'personalCredit.futureWithdrawal', 'A withdrawal cannot be dated after today.');
    const [row] = await tx.select().from(personalCreditRecords).where(eq(personalCreditRecords.id, id)).for('update');
    if (!row) throw problems.notFound(`Personal credit record ${id}`);
    return withdrawRow(tx, ctx, row, date, body.reason, actorLabel(actor));
  });
}

/** Withdraws the record of a source inside the caller's transaction (a lifted ban); nothing when there is none. */
export async function withdrawBySource(
  tx: Tx,
  ctx: AppContext,
  sourceRef: string,
  date: string,
  reason: string,
  by: string,
) {
  const [row] = await tx
    .select()
    .from(personalCreditRecords)
    .where(eq(personalCreditRecords.sourceRef, sourceRef))
    .for('update');
  if (!row || row.withdrawnOn) return null;
  return withdrawRow(tx, ctx, row, date, reason, by);
}

/** Which of these people have a record of `code` that was not withdrawn (for risk backtests' labels). */
export async function peopleWithRecord(
  ex: Executor,
  personHashes: readonly string[],
  code: string,
): Promise<Set<string>> {
  if (personHashes.length === 0) return new Set();
  const rows = await ex
    .select({ h: personalCreditRecords.personHash })
    .from(personalCreditRecords)
    .where(
      and(
        eq(personalCreditRecords.code, code),
        sql`${personalCreditRecords.personHash} ${anyOf(personHashes, 'text')}`,
        sql`${personalCreditRecords.withdrawnOn} is null`,
      ),
    );
  return new Set(rows.map((r) => r.h));
}

export async function recordsOf(ex: Executor, personHash: string): Promise<Row[]> {
  return ex
    .select()
    .from(personalCreditRecords)
    .where(eq(personalCreditRecords.personHash, personHash))
    .orderBy(asc(personalCreditRecords.occurredOn), asc(personalCreditRecords.id));
}
