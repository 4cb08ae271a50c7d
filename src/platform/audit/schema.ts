import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The audit chain (区块链存证 without a blockchain): append-only, each entry hashes the previous
 * entry's hash, so editing, deleting or reordering any row breaks every hash after it.
 */
export const auditEntries = pgTable('audit_entries', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  subject: text('subject').notNull(),
  // Canonical JSON text of the change, exactly the bytes that were hashed.
  change: text('change').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});
