import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  pgSequence,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * Global entry numbers: increasing, not gap-free (a rolled-back command burns one). The chains are gap-free per
 * partition.
 */
export const auditSeq = pgSequence('audit_entries_seq');

/**
 * The audit log (区块链存证 without a blockchain): N hash chains, one per partition, append-only.
 * Each entry hashes its predecessor in the same partition, so editing, deleting or reordering any
 * row breaks the chain after it; anchors (below) pin every partition's head under one root hash.
 * Entries from before partitioning (format 1) stay in partition 0 with their original hashes.
 * The unique (partition, pseq) index and the partition checks are in the custom migration, after the backfill.
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
  // The defaults only place the entries written before partitioning; appends always set all three.
  partition: integer('partition').notNull().default(0),
  pseq: bigint('pseq', { mode: 'number' }).notNull().default(0),
  format: smallint('format').notNull().default(1),
});

/** How many partitions this database has: chosen once (first start), then fixed (the row refuses changes). */
export const auditPartitioning = pgTable(
  'audit_partitioning',
  {
    id: boolean('id').primaryKey().default(true),
    partitions: integer('partitions').notNull(),
    chosenAt: timestamp('chosen_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check('audit_partitioning_one_row', sql`${t.id}`),
    check('audit_partitioning_range', sql`${t.partitions} between 1 and 1024`),
  ],
);

/**
 * The current head of each partition. An append locks its partition's row until commit, which is
 * what keeps a partition gap-free and linear while other partitions append in parallel.
 */
export const auditHeads = pgTable(
  'audit_heads',
  {
    partition: integer('partition').primaryKey(),
    pseq: bigint('pseq', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
    seq: bigint('seq', { mode: 'number' }),
  },
  (t) => [check('audit_heads_pseq', sql`${t.pseq} >= 0`)],
);

/** The root chain: each anchor commits the heads of all partitions (Merkle root) and the anchor before it. */
export const auditAnchors = pgTable('audit_anchors', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
  partitionCount: integer('partition_count').notNull(),
  root: text('root').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

/**
 * The heads an anchor committed to, stored only where they moved since the anchor before (the rest carry over).
 * `hashes` records the hash of every entry the anchor covered in the partition, from the one after
 * the previous anchored head up to this head, 32 bytes each in chain order: when a partition was
 * rewritten and re-hashed up to its end, verification compares the stored entries with these to
 * name the first one altered (the anchor alone only shows that something before its head was).
 * Null on anchors made before it was recorded.
 */
export const auditAnchorHeads = pgTable(
  'audit_anchor_heads',
  {
    anchorSeq: bigint('anchor_seq', { mode: 'number' }).notNull(),
    partition: integer('partition').notNull(),
    pseq: bigint('pseq', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
    hashes: bytea('hashes'),
  },
  (t) => [
    primaryKey({ columns: [t.partition, t.anchorSeq] }),
    index('audit_anchor_heads_covering_idx').on(t.partition, t.pseq),
  ],
);
