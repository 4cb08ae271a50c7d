import { date, index, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { jsonText } from '../db/columns.ts';

/**
 * Policy parameters (政策参数): effective-dated, append-only versions. For a date, the version that
 * covers it and was set last wins, so a correction is a new version, never an edit.
 */
export const policyParameters = pgTable(
  'policy_parameters',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    // Decimals are stored as strings inside the JSON value.
    value: jsonText('value').notNull(),
    validFrom: date('valid_from').notNull(),
    validTo: date('valid_to'),
    setBy: text('set_by').notNull(),
    reason: text('reason').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('policy_parameters_name_idx').on(t.name, t.validFrom)],
);
