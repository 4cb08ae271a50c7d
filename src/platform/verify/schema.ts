import { bigint, boolean, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Where the last successful verification of a chain or ledger ended, so the next one can go on from
 * there (`tidegate audit verify`, `tidegate ledger verify`; a full run ignores and rewrites them).
 * `verifier` names the walk ('audit' per partition, 'audit-anchors', 'ledger'), `key` the chain
 * within it; `position`, `hash` and `seq` are where it ended.
 */
export const verifyCheckpoints = pgTable(
  'verify_checkpoints',
  {
    verifier: text('verifier').notNull(),
    key: text('key').notNull(),
    position: bigint('position', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    /** For an audit partition: whether a partitioned (format 2) entry was seen up to here. */
    flag: boolean('flag').notNull().default(false),
    verifiedAt: timestamp('verified_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.verifier, t.key] })],
);
