import { bigint, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * A department's webhook for credit class changes. Each subscription keeps its own cursor into the
 * change feed, so a department that is down loses nothing and delays no one else.
 */
export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: uuid('id').primaryKey(),
  clientId: uuid('client_id').notNull(),
  clientName: text('client_name').notNull(),
  url: text('url').notNull(),
  // HMAC key, encrypted at rest; shown once to the department when it registers.
  secretEncrypted: text('secret_encrypted').notNull(),
  feed: text('feed').notNull(),
  cursor: bigint('cursor', { mode: 'number' }).notNull(),
  failures: integer('failures').notNull().default(0),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
  lastError: text('last_error'),
  lastDeliveredAt: timestamp('last_delivered_at', { withTimezone: true }),
  // A delivery pass owns the subscription until then, so two API processes never deliver it at once.
  leaseUntil: timestamp('lease_until', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
});
