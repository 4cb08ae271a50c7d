import { sql } from 'drizzle-orm';
import { bigserial, check, date, index, jsonb, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { ConventionalRate } from './rules.ts';

const rate = (name: string) => numeric(name, { precision: 12, scale: 6 });
const perUnit = (name: string) => numeric(name, { precision: 18, scale: 6 });

/**
 * The tariff table (税则): versions of tariff lines by 10-digit code, as administrators load them.
 * Append-only (trigger in migration tariff_lines_append_only): a correction is a new row for the
 * same code and validFrom, the newest wins, and its id is the version a computation records.
 * Reference data, copied to every node on a distributed cluster.
 */
export const tariffLines = pgTable(
  'tariff_lines',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    code: text('code').notNull(),
    description: text('description').notNull(),
    unit: text('unit').notNull(),
    validFrom: date('valid_from').notNull(),
    validTo: date('valid_to'),
    mfnRate: rate('mfn_rate').notNull(),
    mfnPerUnit: perUnit('mfn_per_unit'),
    generalRate: rate('general_rate').notNull(),
    generalPerUnit: perUnit('general_per_unit'),
    provisionalRate: rate('provisional_rate'),
    provisionalPerUnit: perUnit('provisional_per_unit'),
    provisionalTo: date('provisional_to'),
    /** [{ agreement, origins, rate, perUnit? }]: read whole with the line, never queried inside. */
    conventional: jsonb('conventional').$type<ConventionalRate[]>().notNull(),
    consumptionTaxRate: rate('consumption_tax_rate'),
    consumptionTaxPerUnit: perUnit('consumption_tax_per_unit'),
    vatRate: rate('vat_rate').notNull(),
    source: text('source').notNull(),
    batchId: uuid('batch_id').notNull(),
    loadedBy: text('loaded_by').notNull(),
    loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('tariff_lines_code_idx').on(t.code, t.validFrom, t.id),
    check('tariff_lines_code_ck', sql`${t.code} ~ '^[0-9]{10}$'`),
    check('tariff_lines_valid_to_ck', sql`${t.validTo} is null or ${t.validTo} > ${t.validFrom}`),
    check(
      'tariff_lines_rates_ck',
      sql`${t.mfnRate} >= 0 and ${t.generalRate} >= 0 and ${t.vatRate} >= 0 and ${t.vatRate} < 1`,
    ),
  ],
);
