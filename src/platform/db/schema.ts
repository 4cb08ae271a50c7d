import { pgTable, text } from 'drizzle-orm/pg-core';

/** Facts about this database itself, e.g. its instance id (names the source of published events). */
export const platformMeta = pgTable('platform_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
