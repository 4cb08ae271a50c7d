import { sql } from 'drizzle-orm';
import { bigserial, check, date, index, integer, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Exchange rates for the tax computation (计征汇率), as administrators load them. Append-only
 * (trigger in migration tax_rates_append_only): a correction is a new row for the same currency and
 * day, and the newest row wins; its id is the version a computation records. Reference data, not
 * owned by an enterprise: on a distributed cluster it is a reference table copied to every node.
 */
export const exchangeRates = pgTable(
  'tax_exchange_rates',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    currency: text('currency').notNull(),
    rateDate: date('rate_date').notNull(),
    rate: numeric('rate', { precision: 24, scale: 10 }).notNull(),
    /** CNY_PER_UNIT: `rate` CNY buy `unit` units (USD 1, JPY 100); UNIT_PER_CNY: `rate` units per `unit` CNY (KRW). */
    unit: integer('unit').notNull(),
    quote: text('quote').notNull(),
    source: text('source').notNull(),
    batchId: uuid('batch_id').notNull(),
    loadedBy: text('loaded_by').notNull(),
    loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('tax_exchange_rates_lookup_idx').on(t.currency, t.rateDate, t.id),
    check('tax_exchange_rates_currency_iso', sql`${t.currency} ~ '^[A-Z]{3}$' and ${t.currency} <> 'CNY'`),
    check('tax_exchange_rates_rate_positive', sql`${t.rate} > 0`),
    check('tax_exchange_rates_unit_positive', sql`${t.unit} > 0`),
    check('tax_exchange_rates_quote_known', sql`${t.quote} in ('CNY_PER_UNIT', 'UNIT_PER_CNY')`),
  ],
);
