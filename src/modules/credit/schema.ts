import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * Inputs from departments (sector ratings, legal events, AEO actions): immutable once recorded.
 * A correction is a withdrawal row, never an edit. `subject_id` is the enterprise or individual id.
 * `audit_seq` is the audit entry that recorded the input: its own entry, or the entry of the import
 * batch whose digest covers it (see service/import-batch.ts).
 */
export const creditInputs = pgTable(
  'credit_inputs',
  {
    subjectId: uuid('subject_id').notNull(),
    id: uuid('id').notNull(),
    subjectKind: text('subject_kind').notNull(),
    type: text('type').notNull(),
    source: text('source').notNull(),
    effectiveDate: date('effective_date').notNull(),
    reference: text('reference'),
    // SECTOR_RATING
    department: text('department'),
    level: text('level'),
    isLowestLevel: boolean('is_lowest_level'),
    // EVENT
    eventKind: text('event_kind'),
    // AEO
    aeoAction: text('aeo_action'),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
    auditSeq: bigint('audit_seq', { mode: 'number' }),
  },
  (t) => [
    primaryKey({ columns: [t.subjectId, t.id] }),
    index('credit_inputs_id_idx').on(t.id),
    index('credit_inputs_audit_seq_idx').on(t.auditSeq),
    check('credit_inputs_subject_kind', sql`${t.subjectKind} in ('ENTERPRISE', 'INDIVIDUAL')`),
    // Each type carries exactly its own fields, so a row can always be read back as a rule input.
    check(
      'credit_inputs_shape',
      sql`(${t.type} = 'SECTOR_RATING' and ${t.department} is not null and ${t.level} is not null and ${
        t.isLowestLevel
      } is not null and ${t.eventKind} is null and ${t.aeoAction} is null)
       or (${t.type} = 'EVENT' and ${t.eventKind} in ('SMUGGLING_PENALTY', 'SERIOUS_DISHONESTY_LISTING',
         'OTHER_LEGAL_LISTING') and ${t.department} is null and ${t.aeoAction} is null)
       or (${t.type} = 'AEO' and ${t.subjectKind} = 'ENTERPRISE' and ${t.aeoAction} in ('GRANTED', 'REVOKED',
         'SUSPENDED') and ${t.department} is null and ${t.eventKind} is null)`,
    ),
  ],
);

export const creditWithdrawals = pgTable('credit_withdrawals', {
  inputId: uuid('input_id').primaryKey(),
  subjectId: uuid('subject_id').notNull(),
  date: date('date').notNull(),
  reason: text('reason').notNull(),
  recordedBy: text('recorded_by').notNull(),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  auditSeq: bigint('audit_seq', { mode: 'number' }),
});

/** The current class of every classified subject, materialised for fast reads and the daily sweep. */
export const creditClasses = pgTable(
  'credit_classes',
  {
    subjectId: uuid('subject_id').primaryKey(),
    subjectKind: text('subject_kind').notNull(),
    class: text('class').notNull(),
    reasons: jsonb('reasons').notNull(),
    asOf: date('as_of').notNull(),
    validUntil: date('valid_until'),
    // The next day the class changes by itself (automatic removal), shown to users.
    nextChange: date('next_change'),
    // The next day the classification may read differently (class, reasons or their end): the stored
    // row is served only before it, and the daily sweep recomputes the rows whose day has come.
    nextReview: date('next_review'),
    parameterVersions: jsonb('parameter_versions').notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('credit_classes_next_review_idx').on(t.nextReview),
    index('credit_classes_class_idx').on(t.class),
    check(
      'credit_classes_class',
      sql`${t.class} in ('FOCUS', 'WHITELIST', 'ADVANCED_CERTIFIED') and (${
        t.subjectKind
      } = 'ENTERPRISE' or ${t.class} <> 'ADVANCED_CERTIFIED')`,
    ),
  ],
);

/** Every class change, in the order it was recorded: the departments' cursor feed. */
export const creditClassChanges = pgTable(
  'credit_class_changes',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    subjectId: uuid('subject_id').notNull(),
    subjectKind: text('subject_kind').notNull(),
    subjectCode: text('subject_code').notNull(),
    effectiveDate: date('effective_date').notNull(),
    fromClass: text('from_class'),
    toClass: text('to_class').notNull(),
    reasons: jsonb('reasons').notNull(),
    cause: text('cause').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
    auditSeq: bigint('audit_seq', { mode: 'number' }),
  },
  (t) => [
    index('credit_class_changes_subject_idx').on(t.subjectId, t.seq),
    index('credit_class_changes_audit_seq_idx').on(t.auditSeq),
  ],
);

/**
 * Subjects whose inputs changed but whose class is not recomputed yet (a bulk import recomputes each
 * subject once, after its inputs are in). While a subject is here its stored class is not served:
 * reads derive it from the inputs. The sweep empties this table, also after a crash.
 */
export const creditPending = pgTable('credit_pending', {
  subjectId: uuid('subject_id').primaryKey(),
  subjectKind: text('subject_kind').notNull(),
  subjectCode: text('subject_code').notNull(),
  // Shown in the change feed when the recomputation changes the class, e.g. "bulk import <id>".
  cause: text('cause').notNull(),
  queuedAt: timestamp('queued_at', { withTimezone: true }).notNull(),
});

/**
 * One row per imported file (identified by the SHA-256 of its bytes). `lines_done` moves in the same
 * transaction as each batch of inputs, so an interrupted import resumes after its last committed
 * batch and never records an input twice.
 */
export const creditImports = pgTable(
  'credit_imports',
  {
    id: uuid('id').primaryKey(),
    fileDigest: text('file_digest').notNull(),
    fileName: text('file_name').notNull(),
    totalLines: integer('total_lines').notNull(),
    linesDone: integer('lines_done').notNull(),
    inputsImported: integer('inputs_imported').notNull(),
    linesSkipped: integer('lines_skipped').notNull(),
    status: text('status').notNull(),
    startedBy: text('started_by').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('credit_imports_digest_idx').on(t.fileDigest),
    check('credit_imports_status', sql`${t.status} in ('RUNNING', 'DONE')`),
  ],
);
