import { sql, type SQLWrapper } from 'drizzle-orm';
import { queryRows, type Executor } from '../../../platform/db/client.ts';
import { creditInputs, creditWithdrawals } from '../schema.ts';
import type { CreditInput, CreditReason, SubjectKind } from '../rules.ts';
import { forgetAllInCommand } from '../../../platform/commandMemo.ts';
import { CREDIT_MEMO } from './memo.ts';

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

/** Largest id list per query (one text parameter, see anyOf). */
const IDS_PER_QUERY = 20_000;

export function slices<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * `column = any(values)` with the values as ONE text parameter: thousands of ids cost no bind parameters to build,
 * describe and encode.
 */
export function anyOf(column: SQLWrapper, values: readonly string[], type: 'uuid' | 'text') {
  return sql`${column} = any(string_to_array(${values.join(',')}, ',')::${sql.raw(type)}[])`;
}

/** The fields of an input that the rules and the reasons read. */
export type InputFacts = Pick<
  InputRow,
  | 'subjectId'
  | 'id'
  | 'subjectKind'
  | 'type'
  | 'source'
  | 'effectiveDate'
  | 'reference'
  | 'department'
  | 'level'
  | 'isLowestLevel'
  | 'eventKind'
  | 'aeoAction'
>;

export function toRuleInput(row: InputFacts, withdrawal: { date: string; reason: string } | null): CreditInput {
  const base: Record<string, unknown> = {
    id: row.id,
    subjectKind: row.subjectKind,
    source: row.source,
    effectiveDate: row.effectiveDate,
  };
  if (row.reference) base.reference = row.reference;
  if (withdrawal) base.withdrawn = withdrawal;
  if (row.type === 'SECTOR_RATING')
    Object.assign(base, {
      type: 'SECTOR_RATING',
      department: row.department,
      level: row.level,
      isLowestLevel: row.isLowestLevel,
    });
  else if (row.type === 'EVENT') Object.assign(base, { type: 'EVENT', kind: row.eventKind });
  else Object.assign(base, { type: 'AEO', action: row.aeoAction });
  return base as unknown as CreditInput;
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
export function inputSummary(row: InputFacts): InputSummary {
  const s: InputSummary = { id: row.id, type: row.type, source: row.source, effectiveDate: row.effectiveDate };
  if (row.reference) s.reference = row.reference;
  if (row.type === 'SECTOR_RATING')
    Object.assign(s, { department: row.department!, level: row.level!, isLowestLevel: row.isLowestLevel! });
  if (row.type === 'EVENT') s.kind = row.eventKind!;
  if (row.type === 'AEO') s.action = row.aeoAction!;
  return s;
}

export type ReasonView = CreditReason & { inputs: InputSummary[] };

/** Reasons with the inputs they rest on spelled out (which input, which rule, until when). */
export function withEvidence(reasons: readonly CreditReason[], rows: ReadonlyMap<string, InputFacts>): ReasonView[] {
  return reasons.map((r) => ({
    ...r,
    inputs: r.inputIds.flatMap((id) => (rows.has(id) ? [inputSummary(rows.get(id)!)] : [])),
  }));
}

export interface SubjectInputs {
  rows: Map<string, InputFacts>;
  inputs: CreditInput[];
}

interface FactRow {
  subject_id: string;
  id: string;
  subject_kind: string;
  type: string;
  source: string;
  effective_date: string;
  reference: string | null;
  department: string | null;
  level: string | null;
  is_lowest_level: boolean | null;
  event_kind: string | null;
  aeo_action: string | null;
  withdrawn_on: string | null;
  withdrawn_reason: string | null;
}

/** The inputs (with their withdrawals) of many subjects: one query per slice of ids, dates as text on both drivers. */
export async function loadInputsOf(ex: Executor, subjectIds: readonly string[]): Promise<Map<string, SubjectInputs>> {
  const out = new Map<string, SubjectInputs>();
  for (const ids of slices([...new Set(subjectIds)], IDS_PER_QUERY)) {
    const rows = await queryRows<FactRow>(
      ex,
      sql`select i.subject_id, i.id, i.subject_kind, i.type, i.source, i.effective_date::text as effective_date,
                 i.reference, i.department, i.level, i.is_lowest_level,
                 i.event_kind, i.aeo_action, w.date::text as withdrawn_on, w.reason as withdrawn_reason
          from ${creditInputs} i left join ${creditWithdrawals} w on w.input_id = i.id
          where ${anyOf(sql`i.subject_id`, ids, 'uuid')}`,
    );
    for (const r of rows) {
      const facts: InputFacts = {
        subjectId: r.subject_id,
        id: r.id,
        subjectKind: r.subject_kind,
        type: r.type,
        source: r.source,
        effectiveDate: r.effective_date,
        reference: r.reference,
        department: r.department,
        level: r.level,
        isLowestLevel: r.is_lowest_level,
        eventKind: r.event_kind,
        aeoAction: r.aeo_action,
      };
      let entry = out.get(r.subject_id);
      if (!entry) out.set(r.subject_id, (entry = { rows: new Map(), inputs: [] }));
      entry.rows.set(r.id, facts);
      entry.inputs.push(
        toRuleInput(facts, r.withdrawn_on === null ? null : { date: r.withdrawn_on, reason: r.withdrawn_reason ?? '' }),
      );
    }
  }
  return out;
}

export async function loadInputs(ex: Executor, subjectId: string): Promise<SubjectInputs> {
  return (await loadInputsOf(ex, [subjectId])).get(subjectId) ?? { rows: new Map(), inputs: [] };
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
    forgetAllInCommand(tx, CREDIT_MEMO);
    await tx.execute(sql`
      insert into ${creditInputs} (subject_id, id, subject_kind, type, source, effective_date, reference, department,
        level, is_lowest_level, event_kind, aeo_action, recorded_by, recorded_at, audit_seq)
      select subject_id, id, subject_kind, type, source, effective_date, reference, department, level,
        is_lowest_level, event_kind, aeo_action, recorded_by, recorded_at, audit_seq
      from jsonb_to_recordset(${json}::jsonb) as r(subject_id uuid, id uuid, subject_kind text, type text, source
        text, effective_date date, reference text, department text, level text,
        is_lowest_level boolean, event_kind text, aeo_action text, recorded_by text, recorded_at timestamptz,
          audit_seq bigint)`);
  }
}
