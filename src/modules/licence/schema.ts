import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const qty = (name: string) => numeric(name, { precision: 20, scale: 6 });

/**
 * The prohibited and restricted goods list (禁止/限制进出境货物目录), as administrators load it. Append-only
 * (trigger in migration licence_append_only): the newest row of an entry key is the entry's content.
 * Reference data, copied to every node on a distributed cluster.
 */
export const restrictedGoods = pgTable(
  'restricted_goods',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entryKey: text('entry_key').notNull(),
    hsPrefix: text('hs_prefix'),
    keywords: jsonb('keywords').$type<string[]>().notNull(),
    measure: text('measure').notNull(),
    licenceType: text('licence_type'),
    direction: text('direction').notNull(),
    validFrom: date('valid_from').notNull(),
    validTo: date('valid_to'),
    description: text('description').notNull(),
    legalBasis: text('legal_basis'),
    source: text('source').notNull(),
    batchId: uuid('batch_id').notNull(),
    loadedBy: text('loaded_by').notNull(),
    loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('restricted_goods_key_idx').on(t.entryKey, t.id),
    check('restricted_goods_measure_ck', sql`${t.measure} in ('PROHIBITED', 'RESTRICTED')`),
    check('restricted_goods_direction_ck', sql`${t.direction} in ('IMPORT', 'EXPORT', 'BOTH')`),
    check('restricted_goods_prefix_ck', sql`${t.hsPrefix} is null or ${t.hsPrefix} ~ '^[0-9]{2,10}$'`),
  ],
);

/**
 * Licences (许可证件) pushed by the departments that issue them: the quantity granted and what customs
 * wrote off. `used` never leaves [0, quantity] (CHECKs): the database refuses an overdraw even if the
 * code did not. Enterprise-owned: holder_enterprise_id is the distribution key.
 */
export const licences = pgTable(
  'licences',
  {
    id: uuid('id').primaryKey(),
    number: text('number').notNull(),
    licenceType: text('licence_type').notNull(),
    holderEnterpriseId: uuid('holder_enterprise_id').notNull(),
    goods: text('goods').notNull(),
    hsPrefixes: jsonb('hs_prefixes').$type<string[]>().notNull(),
    unit: text('unit').notNull(),
    quantity: qty('quantity').notNull(),
    used: qty('used').notNull().default('0'),
    validFrom: date('valid_from').notNull(),
    validUntil: date('valid_until').notNull(),
    status: text('status').notNull(),
    issuer: text('issuer').notNull(),
    version: integer('version').notNull(),
    contentHash: text('content_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('licences_number_uq').on(t.number),
    index('licences_holder_idx').on(t.holderEnterpriseId),
    check('licences_used_ck', sql`${t.used} >= 0 and ${t.used} <= ${t.quantity}`),
    check('licences_quantity_ck', sql`${t.quantity} > 0`),
    check('licences_validity_ck', sql`${t.validUntil} >= ${t.validFrom}`),
    check('licences_status_ck', sql`${t.status} in ('ACTIVE', 'REVOKED')`),
  ],
);

/** Each write-off of a licence (核销), idempotent by its id; append-only. */
export const licenceUses = pgTable(
  'licence_uses',
  {
    id: uuid('id').primaryKey(),
    licenceId: uuid('licence_id').notNull(),
    enterpriseId: uuid('enterprise_id').notNull(),
    hsCode: text('hs_code').notNull(),
    quantity: qty('quantity').notNull(),
    usedOn: date('used_on').notNull(),
    reference: text('reference'),
    contentHash: text('content_hash').notNull(),
    auditSeq: bigint('audit_seq', { mode: 'number' }).notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('licence_uses_licence_idx').on(t.licenceId, t.createdAt),
    check('licence_uses_quantity_ck', sql`${t.quantity} > 0`),
  ],
);

/**
 * A write-off given back (退还): the document it was used for was refused or withdrawn, so the quantity
 * returns to the licence. One row per use at most (the use is the key), so a give-back replayed or
 * raced writes nothing the second time and never returns more than was written off; append-only.
 */
export const licenceReturns = pgTable(
  'licence_returns',
  {
    useId: uuid('use_id').primaryKey(),
    licenceId: uuid('licence_id').notNull(),
    quantity: qty('quantity').notNull(),
    reason: text('reason').notNull(),
    reference: text('reference'),
    auditSeq: bigint('audit_seq', { mode: 'number' }).notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('licence_returns_licence_idx').on(t.licenceId, t.createdAt),
    check('licence_returns_quantity_ck', sql`${t.quantity} > 0`),
  ],
);
