import { bigint, bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { xid8 } from '../db/columns.ts';

/** Domain events written in the same transaction as the change they describe (transactional outbox). */
export const outboxEvents = pgTable(
  'outbox_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    aggregateType: text('aggregate_type').notNull(),
    aggregateId: text('aggregate_id').notNull(),
    eventType: text('event_type').notNull(),
    payload: jsonb('payload').notNull(),
    auditSeq: bigint('audit_seq', { mode: 'number' }),
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
    // The writing transaction, taken before the id is drawn (see outbox/horizon.ts); null on events from before.
    txId: xid8('tx_id'),
  },
  (t) => [index('outbox_events_aggregate_idx').on(t.aggregateType, t.aggregateId, t.id)],
);

/** Each consumer (an in-process subscriber, NATS) advances its own cursor, so one slow consumer delays no other. */
export const outboxCursors = pgTable('outbox_cursors', {
  consumer: text('consumer').primaryKey(),
  position: bigint('position', { mode: 'number' }).notNull(),
  lastError: text('last_error'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});
