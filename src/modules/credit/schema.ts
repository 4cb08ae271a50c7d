import { bigserial, boolean, date, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Inputs from departments (sector ratings, legal events, AEO actions): immutable once recorded.
 * A correction is a withdrawal row, never an edit. `subject_id` is the enterprise or individual id.
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
  },
  (t) => [primaryKey({ columns: [t.subjectId, t.id] }), index('credit_inputs_id_idx').on(t.id)],
);

export const creditWithdrawals = pgTable('credit_withdrawals', {
  inputId: uuid('input_id').primaryKey(),
  subjectId: uuid('subject_id').notNull(),
  date: date('date').notNull(),
  reason: text('reason').notNull(),
  recordedBy: text('recorded_by').notNull(),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
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
    // The next day the class changes by itself (automatic removal); the sweep looks here.
    nextChange: date('next_change'),
    parameterVersions: jsonb('parameter_versions').notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('credit_classes_next_change_idx').on(t.nextChange), index('credit_classes_class_idx').on(t.class)],
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
  },
  (t) => [index('credit_class_changes_subject_idx').on(t.subjectId, t.seq)],
);
