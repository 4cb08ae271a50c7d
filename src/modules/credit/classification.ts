/** The data class of every column of the credit tables and every field of its feed (docs/data-classification.md). */
import { classify, type TableClasses } from '../../platform/db/classify.ts';
import { desensitise, type FieldRules, type ReaderRole } from '../../kernel/dataClass.ts';
import {
  creditClassChanges,
  creditClasses,
  creditImports,
  creditInputs,
  creditPending,
  creditWithdrawals,
} from './schema.ts';

export const CLASSIFICATION: readonly TableClasses[] = [
  classify(
    creditClassChanges,
    {
      general: [
        'seq',
        'subjectId',
        'subjectKind',
        'subjectCode',
        'effectiveDate',
        'fromClass',
        'toClass',
        'reasons',
        'cause',
        'recordedAt',
        'auditSeq',
      ],
    },
    'Class changes are published to departments with their reasons.',
  ),
  classify(
    creditClasses,
    {
      general: [
        'subjectId',
        'subjectKind',
        'class',
        'reasons',
        'asOf',
        'validUntil',
        'nextChange',
        'nextReview',
        'parameterVersions',
        'computedAt',
      ],
    },
    'A subject sees its class and reasons; departments receive them.',
  ),
  classify(
    creditImports,
    {
      general: [
        'id',
        'fileDigest',
        'fileName',
        'totalLines',
        'linesDone',
        'inputsImported',
        'linesSkipped',
        'status',
        'startedBy',
        'startedAt',
        'finishedAt',
      ],
    },
    'Progress of backfills.',
  ),
  classify(
    creditInputs,
    {
      important: ['reference'],
      general: [
        'subjectId',
        'id',
        'subjectKind',
        'type',
        'source',
        'effectiveDate',
        'department',
        'level',
        'isLowestLevel',
        'eventKind',
        'aeoAction',
        'recordedBy',
        'recordedAt',
        'auditSeq',
      ],
    },
    'The reference is a penalty or listing decision number.',
  ),
  classify(
    creditPending,
    { general: ['subjectId', 'subjectKind', 'subjectCode', 'cause', 'queuedAt'] },
    'Subjects waiting for recomputation.',
  ),
  classify(
    creditWithdrawals,
    { important: ['reason'], general: ['inputId', 'subjectId', 'date', 'recordedBy', 'recordedAt', 'auditSeq'] },
    'Why an input was withdrawn.',
  ),
];

const G = { class: 'GENERAL', redact: 'omit' } as const;
const HIDE = { class: 'IMPORTANT', redact: 'omit' } as const;
const INPUT = 'reasons[].inputs[]';

/**
 * The class of every field of the class-change feed (`GET /api/v1/credit/changes` and the webhook feed
 * `credit.classChanges`). Classes and reasons are what departments subscribe for: general. The number
 * of a penalty or listing decision behind a reason, and why an input was withdrawn, are important:
 * left out for departments.
 */
export const CREDIT_CHANGE_FIELD_RULES: FieldRules = {
  seq: G,
  subjectKind: G,
  subject: G,
  effectiveDate: G,
  from: G,
  to: G,
  reasons: G,
  'reasons[].rule': G,
  'reasons[].source': G,
  'reasons[].inputIds': G,
  'reasons[].since': G,
  'reasons[].until': G,
  'reasons[].inputs': G,
  [`${INPUT}.id`]: G,
  [`${INPUT}.type`]: G,
  [`${INPUT}.source`]: G,
  [`${INPUT}.effectiveDate`]: G,
  [`${INPUT}.reference`]: HIDE,
  [`${INPUT}.department`]: G,
  [`${INPUT}.level`]: G,
  [`${INPUT}.isLowestLevel`]: G,
  [`${INPUT}.kind`]: G,
  [`${INPUT}.action`]: G,
  [`${INPUT}.withdrawn`]: HIDE,
  cause: G,
  recordedAt: G,
  auditSeq: G,
};

/** A page of class changes as a reader of `role` may see it. */
export function changesFor<T extends { items: unknown[] }>(role: ReaderRole, page: T): T {
  return { ...page, items: desensitise(page.items, CREDIT_CHANGE_FIELD_RULES, role) };
}
