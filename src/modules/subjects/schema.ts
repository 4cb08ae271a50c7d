import { boolean, date, index, pgTable, text, timestamp, uuid, primaryKey } from 'drizzle-orm/pg-core';

export const enterprises = pgTable(
  'enterprises',
  {
    id: uuid('id').primaryKey(),
    // 统一社会信用代码 (GB 32100-2015)
    uscc: text('uscc').notNull().unique(),
    name: text('name').notNull(),
    registeredInHainan: boolean('registered_in_hainan').notNull(),
    legalForm: text('legal_form').notNull(),
    industry: text('industry'),
    encouragedIndustry: boolean('encouraged_industry').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('enterprises_name_idx').on(t.name)],
);

/** Qualifications an enterprise holds, each for a period. Enterprise-owned: keyed by enterprise first. */
export const qualifications = pgTable(
  'qualifications',
  {
    enterpriseId: uuid('enterprise_id').notNull(),
    id: uuid('id').notNull(),
    kind: text('kind').notNull(),
    // For ZERO_TARIFF_BENEFICIARY: which kind of zero-tariff goods; '' where not applicable.
    goodsCategory: text('goods_category').notNull().default(''),
    validFrom: date('valid_from').notNull(),
    validTo: date('valid_to'),
    // The day treatment was given up (放弃享惠); re-application is barred for a period after it.
    relinquishedOn: date('relinquished_on'),
    relinquishReason: text('relinquish_reason'),
    grantedBy: text('granted_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.enterpriseId, t.id] })],
);

/** Individuals (travellers, buyers): ID number and name are encrypted; a keyed hash finds them. */
export const individuals = pgTable('individuals', {
  id: uuid('id').primaryKey(),
  idType: text('id_type').notNull(),
  idNumberHash: text('id_number_hash').notNull().unique(),
  idNumberEncrypted: text('id_number_encrypted').notNull(),
  nameEncrypted: text('name_encrypted').notNull(),
  // Masked forms are kept in clear so lists need no decryption.
  idNumberMasked: text('id_number_masked').notNull(),
  nameMasked: text('name_masked').notNull(),
  birthDate: date('birth_date'),
  nationality: text('nationality').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});
