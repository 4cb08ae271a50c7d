import { asc, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../../platform/db/client.ts';
import { creditInputs, creditWithdrawals } from '../schema.ts';
import type { CreditInput, CreditReason, SubjectKind } from '../rules.ts';

export type InputRow = typeof creditInputs.$inferSelect;
export type WithdrawalRow = typeof creditWithdrawals.$inferSelect;

/**
 * Credit writes (inputs, withdrawals, recomputations, the sweep) take this lock first, before any
 * audit append. It gives the change feed its order: a change row's seq is assigned and committed
 * while no other credit write runs, so a department reading `seq > cursor` never skips one that
 * commits late. Reads never take it. Imports amortise it over thousands of inputs per transaction.
 */
const CREDIT_WRITE_LOCK_ID = 7355620;

export async function lockCreditWrites(tx: Executor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${CREDIT_WRITE_LOCK_ID})`);
}

/** Largest id list per query: well under the 65,535 bind parameters of the wire protocol. */
const IDS_PER_QUERY = 5000;

export function slices<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function toRuleInput(row: InputRow, withdrawal: WithdrawalRow | undefined): CreditInput {
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

export interface InputSummary {
  id: string;
  type: string;
  source: string;
  effectiveDate: string;
  reference?: string;
  department?: string;
  level?: string;
  isLowestLevel?: boolean;
  kind?: string;
  action?: string;
}

/** What a subject, an officer or a department is shown of an input. */
export function inputSummary(row: InputRow): InputSummary {
  const s: InputSummary = { id: row.id, type: row.type, source: row.source, effectiveDate: row.effectiveDate };
  if (row.reference) s.reference = row.reference;
  if (row.type === 'SECTOR_RATING') Object.assign(s, { department: row.department!, level: row.level!, isLowestLevel: row.isLowestLevel! });
  if (row.type === 'EVENT') s.kind = row.eventKind!;
  if (row.type === 'AEO') s.action = row.aeoAction!;
  return s;
}

export type ReasonView = CreditReason & { inputs: InputSummary[] };

/** Reasons with the inputs they rest on spelled out (which input, which rule, until when). */
export function withEvidence(reasons: readonly CreditReason[], rows: ReadonlyMap<string, InputRow>): ReasonView[] {
  return reasons.map((r) => ({ ...r, inputs: r.inputIds.flatMap((id) => (rows.has(id) ? [inputSummary(rows.get(id)!)] : [])) }));
}

export interface SubjectInputs {
  rows: Map<string, InputRow>;
  withdrawals: Map<string, WithdrawalRow>;
  inputs: CreditInput[];
}

/** The inputs (with their withdrawals) of many subjects, in two queries per slice of ids. */
export async function loadInputsOf(ex: Executor, subjectIds: readonly string[]): Promise<Map<string, SubjectInputs>> {
  const out = new Map<string, SubjectInputs>();
  for (const ids of slices([...new Set(subjectIds)], IDS_PER_QUERY)) {
    const rows = await ex.select().from(creditInputs).where(inArray(creditInputs.subjectId, ids)).orderBy(asc(creditInputs.subjectId), asc(creditInputs.effectiveDate), asc(creditInputs.id));
    const withdrawals = await ex.select().from(creditWithdrawals).where(inArray(creditWithdrawals.subjectId, ids));
    const byInput = new Map(withdrawals.map((w) => [w.inputId, w]));
    for (const row of rows) {
      let entry = out.get(row.subjectId);
      if (!entry) out.set(row.subjectId, (entry = { rows: new Map(), withdrawals: new Map(), inputs: [] }));
      entry.rows.set(row.id, row);
      const w = byInput.get(row.id);
      if (w) entry.withdrawals.set(row.id, w);
      entry.inputs.push(toRuleInput(row, w));
    }
  }
  return out;
}

export async function loadInputs(ex: Executor, subjectId: string): Promise<SubjectInputs> {
  return (await loadInputsOf(ex, [subjectId])).get(subjectId) ?? { rows: new Map(), withdrawals: new Map(), inputs: [] };
}

/** Rows per multi-row statement: one JSON parameter, so any row count fits the protocol. */
const ROWS_PER_STATEMENT = 5000;

/** Multi-row insert of input rows in one statement per slice (the bulk path's hot loop). */
export async function insertInputRows(tx: Executor, rows: readonly InputRow[]): Promise<void> {
  for (const slice of slices(rows, ROWS_PER_STATEMENT)) {
    const json = JSON.stringify(
      slice.map((r) => ({
        subject_id: r.subjectId,
        id: r.id,
        subject_kind: r.subjectKind,
        type: r.type,
        source: r.source,
        effective_date: r.effectiveDate,
        reference: r.reference,
        department: r.department,
        level: r.level,
        is_lowest_level: r.isLowestLevel,
        event_kind: r.eventKind,
        aeo_action: r.aeoAction,
        recorded_by: r.recordedBy,
        recorded_at: r.recordedAt.toISOString(),
        audit_seq: r.auditSeq,
      })),
    );
    await tx.execute(sql`
      insert into credit_inputs (subject_id, id, subject_kind, type, source, effective_date, reference, department, level, is_lowest_level, event_kind, aeo_action, recorded_by, recorded_at, audit_seq)
      select subject_id, id, subject_kind, type, source, effective_date, reference, department, level, is_lowest_level, event_kind, aeo_action, recorded_by, recorded_at, audit_seq
      from jsonb_to_recordset(${json}::jsonb) as r(subject_id uuid, id uuid, subject_kind text, type text, source text, effective_date date, reference text, department text, level text,
        is_lowest_level boolean, event_kind text, aeo_action text, recorded_by text, recorded_at timestamptz, audit_seq bigint)`);
  }
}
