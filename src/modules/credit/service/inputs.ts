import type { Executor } from '../../../platform/db/client.ts';
import type { Actor } from '../../../platform/auth/roles.ts';
import { uuidv7Ordered } from '../../../kernel/ids.ts';
import { creditInputs } from '../schema.ts';
import type { CreditInputBody } from '../wire.ts';
import { anyOf, slices, type InputRow } from './store.ts';
import type { Subject } from './subjects.ts';

export type RecordInputRequest = CreditInputBody;
export type NewCreditInput = CreditInputBody['input'];

/** The department an API client speaks for, when its scope names one. */
export function callerDepartment(actor: Actor): string | null {
  const d = actor.kind === 'client' ? actor.scope?.department : undefined;
  return typeof d === 'string' ? d : null;
}

/** The stored form of an input. Ids come in arrival order, which orders inputs of the same day. */
export function buildInputRow(
  subject: Subject,
  req: RecordInputRequest,
  recordedBy: string,
  now: Date,
  auditSeq: number | null,
): InputRow {
  const i = req.input;
  return {
    subjectId: subject.id,
    id: req.inputId ?? uuidv7Ordered(now.getTime()),
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
    auditSeq,
  };
}

/** Same input as one recorded before: everything but who recorded it and when. */
export function sameInput(a: InputRow, b: InputRow): boolean {
  const keys = [
    'subjectId',
    'id',
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
  ] as const;
  return keys.every((k) => a[k] === b[k]);
}

/** Inputs already recorded under these ids (client ids make department retries idempotent). */
export async function recordedInputs(ex: Executor, ids: readonly string[]): Promise<Map<string, InputRow>> {
  const found = new Map<string, InputRow>();
  for (const slice of slices([...new Set(ids)], 5000)) {
    for (const row of await ex
      .select()
      .from(creditInputs)
      .where(anyOf(creditInputs.id, slice, 'uuid')))
      found.set(row.id, row);
  }
  return found;
}
