/**
 * The command centre's rollups (指挥中心汇总): kept by its outbox consumers (service/rollups.ts), one
 * per event stream, so a panel reads a few hundred rows however much traffic the island has. Each
 * consumer writes its rollups and its processed-event mark (the highest event id it applied) in
 * one transaction: an event delivered again is at or below the mark and changes nothing.
 * `tidegate command rebuild-rollups` empties them and applies the outbox from its start.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  date,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

const hour = () => timestamp('hour', { withTimezone: true }).notNull();
const count = (name: string) => integer(name).notNull().default(0);
const money = (name: string) => numeric(name, { precision: 18, scale: 2 }).notNull().default('0');

/** The processed-event key of each rollup consumer: the last outbox event id it applied. */
export const commandRollupMarks = pgTable('cmd_rollup_marks', {
  consumer: text('consumer').primaryKey(),
  lastEventId: bigint('last_event_id', { mode: 'number' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/** Trucks decided at each port per hour (the gate's time of the event), by decision. */
export const commandGateHourly = pgTable(
  'cmd_gate_hourly',
  { portCode: text('port_code').notNull(), hour: hour(), passed: count('passed'), diverted: count('diverted') },
  (t) => [primaryKey({ columns: [t.hour, t.portCode] })],
);

/** Declarations by the hour they were created in and the state they are in now. */
export const commandDeclarationHourly = pgTable(
  'cmd_declaration_hourly',
  { hour: hour(), state: text('state').notNull(), n: count('n') },
  (t) => [primaryKey({ columns: [t.hour, t.state] })],
);

/** Declarations held now, since when (few at a time: the overdue count reads them all). */
export const commandHeld = pgTable(
  'cmd_held',
  { declarationId: uuid('declaration_id').primaryKey(), since: timestamp('since', { withTimezone: true }).notNull() },
  (t) => [index('cmd_held_since_idx').on(t.since)],
);

/** RED and YELLOW risk decisions per hour. */
export const commandAlertHourly = pgTable(
  'cmd_alert_hourly',
  { hour: hour(), level: text('level').notNull(), n: count('n') },
  (t) => [primaryKey({ columns: [t.hour, t.level] })],
);

/** Tax bills issued per hour and what they charge (decimal sums, never floats). */
export const commandTaxHourly = pgTable('cmd_tax_hourly', {
  hour: timestamp('hour', { withTimezone: true }).primaryKey(),
  bills: count('bills'),
  supplementary: count('supplementary'),
  duty: money('duty'),
  consumptionTax: money('consumption_tax'),
  vat: money('vat'),
  total: money('total'),
});

/**
 * Clearance times as fixed log buckets (rules.ts `clearanceBucket`: four a doubling, about 19 %
 * wide) per port and hour of exit, for submission → release and submission → exit: p50 and p90
 * come from the cumulative counts, like a t-digest with fixed centroids.
 */
export const commandClearanceBuckets = pgTable(
  'cmd_clearance_buckets',
  {
    portCode: text('port_code').notNull(),
    hour: hour(),
    measure: text('measure').notNull(),
    bucket: smallint('bucket').notNull(),
    n: count('n'),
  },
  (t) => [
    primaryKey({ columns: [t.hour, t.portCode, t.measure, t.bucket] }),
    check('cmd_clearance_measure_ck', sql`${t.measure} in ('RELEASE', 'EXIT')`),
  ],
);

/**
 * Duty-free sales per Shanghai day, shop and category: the row with category '*' is the shop's
 * total (sales, amount, returned); a category row counts the sales that hold that category.
 */
export const commandDutyfreeDaily = pgTable(
  'cmd_dutyfree_daily',
  {
    day: date('day').notNull(),
    shop: text('shop').notNull(),
    category: text('category').notNull(),
    sales: count('sales'),
    units: count('units'),
    amount: money('amount'),
    returned: money('returned'),
  },
  (t) => [primaryKey({ columns: [t.day, t.shop, t.category] })],
);
