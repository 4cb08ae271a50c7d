import { integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Responses remembered per (caller, Idempotency-Key): a retry gets the first answer. */
export const idempotencyRecords = pgTable(
  'idempotency_records',
  {
    actor: text('actor').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    requestHash: text('request_hash').notNull(),
    // null while the first request is still running
    status: integer('status'),
    body: jsonb('body'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.actor, t.key] })],
);
