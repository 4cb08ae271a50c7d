import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: uuid('id').primaryKey(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: text('role').notNull(),
  // Set only for enterprise_user: the one enterprise whose data this user may see.
  enterpriseId: uuid('enterprise_id'),
  disabled: boolean('disabled').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

export const apiClients = pgTable(
  'api_clients',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    // The key is shown once; we keep its public prefix for look-up and a SHA-256 of the whole key.
    keyPrefix: text('key_prefix').notNull().unique(),
    keyHash: text('key_hash').notNull(),
    // Scope of the client: department code, gate port and lane, duty-free shop id…
    scope: jsonb('scope').notNull().default({}),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('api_clients_role_idx').on(t.role)],
);

/**
 * Failed logins per user name and per client address (login throttling, auth/throttle.ts). One row
 * per key, shared by every API process through the database.
 */
export const loginThrottle = pgTable(
  'login_throttle',
  {
    kind: text('kind').notNull(), // 'user' | 'address'
    key: text('key').notNull(),
    failures: integer('failures').notNull(),
    windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    // Lock-outs in a row: each doubles the next one's length (exponential back-off).
    lockouts: integer('lockouts').notNull().default(0),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.key] }), index('login_throttle_last_failure_idx').on(t.lastFailureAt)],
);
