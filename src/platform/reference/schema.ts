import { bigint, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * One counter per kind of dated reference data (policy parameters, tariff lines, exchange rates).
 * A statement-level trigger on each reference table raises its counter in the transaction that
 * changes the table and sends NOTIFY tidegate_reference '<kind>:<version>' (migration
 * reference_versions), so a process holds reference data by the counter it read it under
 * (src/platform/reference/cache.ts; decision 0009).
 */
export const referenceVersions = pgTable('reference_versions', {
  kind: text('kind').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull(),
});
