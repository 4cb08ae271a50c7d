import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/client.ts';
import { runCommand } from '../../../platform/command.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { problems } from '../../../kernel/problem.ts';
import { admissionErrors, ADMISSION_RULES, atIndex } from '../admission.ts';
import { buildInputRow, callerDepartment, recordedInputs, sameInput, type RecordInputRequest } from './inputs.ts';
import { recomputeSubjects } from './recompute.ts';
import { insertInputRows, lockCreditWrites, slices, type InputRow } from './store.ts';
import { resolveSubjects, subjectKey, unknownSubjectError, type Subject } from './subjects.ts';
import { inputsDigest } from './trace.ts';
import { forgetAllInCommand } from '../../../platform/commandMemo.ts';
import { CREDIT_MEMO } from './memo.ts';
import { creditPending } from '../schema.ts';

export interface LineRecord {
  /** Line number in a file, or index in a request's list. */
  line: number;
  record: RecordInputRequest;
}

export interface LineError {
  line: number;
  path: string;
  rule: string;
  message: string;
}

export interface AcceptedRecord extends LineRecord {
  subject: Subject;
}

export interface CheckedRecords {
  accepted: AcceptedRecord[];
  /** Lines whose inputId was recorded before with the same content: retries, skipped. */
  alreadyRecorded: number[];
  errors: LineError[];
}

/**
 * The database half of admission for a list of records: subject registered, the pure admission
 * rules, client ids neither reused for other content nor repeated in the list.
 */
export async function checkRecords(
  ex: Executor,
  records: readonly LineRecord[],
  actor: Actor,
  today: string,
  subjects?: ReadonlyMap<string, Subject>,
  /** Client ids seen so far, across the calls that check one file. */
  seen: Set<string> = new Set(),
): Promise<CheckedRecords> {
  const known =
    subjects ??
    (await resolveSubjects(
      ex,
      records.map((r) => ({ kind: r.record.subjectKind, code: r.record.subject })),
    ));
  const department = callerDepartment(actor);
  const clientIds = records.flatMap((r) => (r.record.inputId ? [r.record.inputId] : []));
  const before = clientIds.length ? await recordedInputs(ex, clientIds) : new Map<string, InputRow>();
  const out: CheckedRecords = { accepted: [], alreadyRecorded: [], errors: [] };
  for (const { line, record } of records) {
    const subject = known.get(subjectKey(record.subjectKind, record.subject));
    const errors = admissionErrors(record, today, department);
    if (!subject) errors.unshift(unknownSubjectError(record.subjectKind, record.subject, 'subject'));
    const id = record.inputId;
    if (id && seen.has(id))
      errors.push({
        path: 'inputId',
        rule: ADMISSION_RULES.inputIdReused,
        message: 'This inputId appears twice in the import.',
      });
    if (id) seen.add(id);
    if (errors.length) {
      out.errors.push(
        ...errors.map((e) => ({ line, path: e.path, rule: e.rule ?? 'credit.admission', message: e.message })),
      );
      continue;
    }
    const prior = id ? before.get(id) : undefined;
    if (prior) {
      if (sameInput(prior, buildInputRow(subject!, record, '', new Date(0), null))) out.alreadyRecorded.push(line);
      else
        out.errors.push({
          line,
          path: 'inputId',
          rule: ADMISSION_RULES.inputIdReused,
          message: `Input ${id} was recorded before with other content.`,
        });
      continue;
    }
    out.accepted.push({ line, record, subject: subject! });
  }
  return out;
}

/**
 * Inserts checked records under ONE audit entry that holds the digest of their rows (ordered by
 * id); each row keeps the entry's seq, so every input stays traceable to it.
 */
export async function insertBatch(
  tx: Executor,
  accepted: readonly AcceptedRecord[],
  actor: Actor,
  now: Date,
  label: Record<string, unknown>,
): Promise<{ auditSeq: number | null; rows: InputRow[] }> {
  if (accepted.length === 0) return { auditSeq: null, rows: [] };
  const rows = accepted
    .map((a) => buildInputRow(a.subject, a.record, actorLabel(actor), now, null))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const { seq } = await appendAudit(tx, {
    actor: actorLabel(actor),
    action: 'credit.importInputs',
    subject: 'credit:inputs',
    change: {
      ...label,
      count: rows.length,
      digest: inputsDigest(rows),
      digestOf: 'credit_inputs with this audit_seq, by id',
    },
    at: now,
  });
  const stored = rows.map((r) => ({ ...r, auditSeq: seq }));
  await insertInputRows(tx, stored);
  return { auditSeq: seq, rows: stored };
}

/** Marks subjects for recomputation by the next sweep pass (the import's last phase, or the daily one). */
export async function queueRecompute(
  tx: Executor,
  subjects: Iterable<Subject>,
  cause: string,
  now: Date,
): Promise<void> {
  const unique = [...new Map([...subjects].map((s) => [s.id, s])).values()];
  forgetAllInCommand(tx, CREDIT_MEMO); // a pending subject's class is computed afresh (read.ts)
  for (const slice of slices(unique, 5000)) {
    const json = JSON.stringify(slice.map((s) => ({ subject_id: s.id, subject_kind: s.kind, subject_code: s.code })));
    await tx.execute(sql`
      insert into ${creditPending} (subject_id, subject_kind, subject_code, cause, queued_at)
      select subject_id, subject_kind, subject_code, ${cause}, ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${json}::jsonb) as r(subject_id uuid, subject_kind text, subject_code text)
      on conflict (subject_id) do nothing`);
  }
}

export interface BulkResult {
  imported: number;
  alreadyRecorded: number;
  subjectsRecomputed: number;
  classChanges: number;
  auditSeq: number | null;
}

/** Largest list the bulk endpoint takes in one request (and one transaction). */
export const BULK_LIMIT = 1000;

/**
 * The bulk endpoint: up to BULK_LIMIT records, all or nothing. Any bad record refuses the request
 * with every error named (records[i].field and the rule); otherwise one audit entry for the inputs
 * and each touched subject recomputed once, in the same transaction.
 */
export async function importInputs(
  ctx: AppContext,
  actor: Actor,
  records: readonly RecordInputRequest[],
): Promise<BulkResult> {
  return runCommand(ctx, 'credit.importInputs', async (tx) => {
    await lockCreditWrites(tx);
    const now = ctx.clock.now();
    const today = shanghaiDate(now);
    const checked = await checkRecords(
      tx,
      records.map((record, line) => ({ line, record })),
      actor,
      today,
    );
    if (checked.errors.length) {
      const errors = checked.errors.flatMap(({ line, path, rule, message }) =>
        atIndex(`records[${line}]`, [{ path, rule, message }]),
      );
      throw problems.rule(
        'credit-records-refused',
        'Records refused',
        `${new Set(checked.errors.map((e) => e.line)).size} of ${records.length} records are ` +
          `refused; nothing was recorded.`,
        errors,
      );
    }
    const { auditSeq } = await insertBatch(tx, checked.accepted, actor, now, { via: 'api' });
    const touched = [...new Map(checked.accepted.map((a) => [a.subject.id, a.subject])).values()];
    const result = await recomputeSubjects(tx, touched, {
      today,
      cause: auditSeq ? `bulk inputs (audit #${auditSeq})` : 'bulk inputs',
      actor: actorLabel(actor),
      now,
    });
    return {
      imported: checked.accepted.length,
      alreadyRecorded: checked.alreadyRecorded.length,
      subjectsRecomputed: touched.length,
      classChanges: result.changes,
      auditSeq,
    };
  });
}
