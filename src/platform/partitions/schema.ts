import { bigint, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The archive register: every month of a time-partitioned table that was detached, written to a file
 * and dropped (`tidegate archive`), with the file's SHA-256 so a restore (`tidegate archive restore`)
 * can prove it reads back exactly what left. A restored partition keeps its row, with `restoredAt`.
 */
export const archivedPartitions = pgTable(
  'archived_partitions',
  {
    id: uuid('id').primaryKey(),
    tableName: text('table_name').notNull(),
    partitionName: text('partition_name').notNull(),
    /** The month the partition held: `[rangeFrom, rangeTo)` of its time column. */
    rangeFrom: timestamp('range_from', { withTimezone: true }).notNull(),
    rangeTo: timestamp('range_to', { withTimezone: true }).notNull(),
    rows: bigint('rows', { mode: 'number' }).notNull(),
    fileName: text('file_name').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    archivedBy: text('archived_by').notNull(),
    archivedAt: timestamp('archived_at', { withTimezone: true }).notNull(),
    restoredBy: text('restored_by'),
    restoredAt: timestamp('restored_at', { withTimezone: true }),
  },
  (t) => [index('archived_partitions_table_idx').on(t.tableName, t.rangeFrom)],
);
