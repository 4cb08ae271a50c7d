import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

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
    // The request holding the claim ("<process>/<nonce>") and until when its process is presumed
    // alive: the process renews the lease while the request runs, so a claim whose lease ran out
    // belongs to a process that died and may be taken over by a retry.
    owner: text('owner'),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    // Set in the transaction of the request's command: once set, the command has committed and a
    // retry must never run it again.
    committedAt: timestamp('committed_at', { withTimezone: true }),
    // What each committed command of the request returned, in order, for the answer of a retry
    // when the process died between the commit and keeping the response.
    results: jsonb('results'),
  },
  (t) => [primaryKey({ columns: [t.actor, t.key] }), index('idempotency_records_running_idx').on(t.leaseUntil)],
);
