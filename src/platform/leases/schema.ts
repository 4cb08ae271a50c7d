import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Who runs each scheduled job (a sweep, anchoring, webhook delivery) when several API processes share
 * the database: one holder per job, for as long as it renews its lease (leases/elector.ts).
 */
export const jobLeases = pgTable('job_leases', {
  job: text('job').primaryKey(),
  /** The process that holds it: host, pid and a random suffix. */
  holder: text('holder').notNull(),
  /** Another process takes the job over once this has passed without a renewal (database time). */
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  /** When this holder took it. */
  acquiredAt: timestamp('acquired_at', { withTimezone: true }).notNull(),
});
