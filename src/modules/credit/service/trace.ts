import { createHash } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../../../platform/db/client.ts';
import { getAuditEntry } from '../../../platform/audit/service.ts';
import { sha256Hex } from '../../../platform/crypto.ts';
import { canonicalJson } from '../../../kernel/canonicalJson.ts';
import { creditClassChanges, creditInputs } from '../schema.ts';
import type { InputRow } from './store.ts';

/**
 * Batches (an import chunk, the changes of one recomputation) get one audit entry each, holding the
 * SHA-256 of the canonical JSON of what they recorded. Every row keeps the entry's seq, so anyone can
 * re-derive the digest from the rows and check it against the hash-chained entry.
 */
export function digestOf(items: readonly unknown[]): string {
  return sha256Hex(canonicalJson(items));
}

/**
 * The digest of a batch of inputs, ordered by id: SHA-256 over one JSON array per row, the fields in
 * the fixed order of INPUT_FIELDS, each followed by a newline. Cheaper than canonical JSON of
 * objects for the hundreds of thousands of rows of a backfill, and just as reproducible.
 */
export const INPUT_FIELDS = [
  'id',
  'subjectId',
  'subjectKind',
  'type',
  'source',
  'effectiveDate',
  'reference',
  'department',
  'level',
  'isLowestLevel',
  'eventKind',
  'aeoAction',
  'recordedBy',
  'recordedAt',
] as const;

export function inputsDigest(rows: readonly InputRow[]): string {
  const hash = createHash('sha256');
  for (const r of rows)
    hash.update(
      JSON.stringify(INPUT_FIELDS.map((f) => (f === 'recordedAt' ? r.recordedAt.toISOString() : r[f]))) + '\n',
    );
  return hash.digest('hex');
}

/** The fields of an input that its audit entry vouches for. */
export function inputMaterial(row: InputRow) {
  return {
    id: row.id,
    subjectId: row.subjectId,
    subjectKind: row.subjectKind,
    type: row.type,
    source: row.source,
    effectiveDate: row.effectiveDate,
    reference: row.reference,
    department: row.department,
    level: row.level,
    isLowestLevel: row.isLowestLevel,
    eventKind: row.eventKind,
    aeoAction: row.aeoAction,
    recordedBy: row.recordedBy,
    recordedAt: row.recordedAt.toISOString(),
  };
}

export interface ChangeMaterial {
  subjectKind: string;
  subject: string;
  effectiveDate: string;
  from: string;
  to: string;
  reasons: unknown;
  cause: string;
}

type ChangeRow = typeof creditClassChanges.$inferSelect;

export function changeMaterial(
  r: Pick<ChangeRow, 'subjectKind' | 'subjectCode' | 'effectiveDate' | 'fromClass' | 'toClass' | 'reasons' | 'cause'>,
): ChangeMaterial {
  return {
    subjectKind: r.subjectKind,
    subject: r.subjectCode,
    effectiveDate: r.effectiveDate,
    from: r.fromClass ?? 'WHITELIST',
    to: r.toClass,
    reasons: r.reasons,
    cause: r.cause,
  };
}

export interface BatchCheck {
  auditSeq: number;
  action: string;
  rows: number;
  recordedCount: number | null;
  digestMatches: boolean;
}

/**
 * Re-derives the digest of the inputs and class changes an audit entry vouches for. Inputs recorded
 * one at a time carry their whole row in the entry instead; both are checked.
 */
export async function checkAuditedBatch(ex: Executor, auditSeq: number): Promise<BatchCheck | null> {
  const entry = await getAuditEntry(ex, auditSeq);
  if (!entry) return null;
  const change = JSON.parse(entry.change) as { digest?: string; count?: number; id?: string };
  if (entry.action === 'credit.classChanges') {
    const rows = await ex
      .select()
      .from(creditClassChanges)
      .where(eq(creditClassChanges.auditSeq, auditSeq))
      .orderBy(asc(creditClassChanges.seq));
    return {
      auditSeq,
      action: entry.action,
      rows: rows.length,
      recordedCount: change.count ?? null,
      digestMatches: digestOf(rows.map(changeMaterial)) === change.digest,
    };
  }
  const rows = await ex
    .select()
    .from(creditInputs)
    .where(eq(creditInputs.auditSeq, auditSeq))
    .orderBy(asc(creditInputs.id));
  if (entry.action === 'credit.recordInput') {
    return {
      auditSeq,
      action: entry.action,
      rows: rows.length,
      recordedCount: 1,
      digestMatches: rows.length === 1 && canonicalJson(inputMaterial(rows[0]!)) === canonicalJson(change),
    };
  }
  return {
    auditSeq,
    action: entry.action,
    rows: rows.length,
    recordedCount: change.count ?? null,
    digestMatches: inputsDigest(rows) === change.digest,
  };
}
