import { sql } from 'drizzle-orm';
import { check, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { CertificateGoods } from './rules.ts';

/**
 * Certificates of origin (原产地证书), pushed by a department client (原产地证书联网验核) or entered by an
 * officer. Keyed by agreement and number; a department's re-push with other content is a new version
 * of the same certificate (version + 1, audited). Reference data for the declarations that cite them.
 */
export const originCertificates = pgTable(
  'origin_certificates',
  {
    id: uuid('id').primaryKey(),
    agreement: text('agreement').notNull(),
    number: text('number').notNull(),
    originCountry: text('origin_country').notNull(),
    exporter: text('exporter').notNull(),
    /** The importer's enterprise when the certificate names one on the island; null: any importer. */
    importerEnterpriseId: uuid('importer_enterprise_id'),
    goods: jsonb('goods').$type<CertificateGoods[]>().notNull(),
    issuedOn: date('issued_on').notNull(),
    validUntil: date('valid_until').notNull(),
    status: text('status').notNull(),
    source: text('source').notNull(),
    recordedBy: text('recorded_by').notNull(),
    version: integer('version').notNull(),
    contentHash: text('content_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('origin_certificates_number_uq').on(t.agreement, t.number),
    index('origin_certificates_importer_idx').on(t.importerEnterpriseId),
    check('origin_certificates_status_ck', sql`${t.status} in ('VALID', 'REVOKED')`),
    check('origin_certificates_source_ck', sql`${t.source} in ('DEPARTMENT', 'ENTERED')`),
    check('origin_certificates_validity_ck', sql`${t.validUntil} >= ${t.issuedOn}`),
    check('origin_certificates_country_ck', sql`${t.originCountry} ~ '^[A-Z]{2}$'`),
  ],
);
