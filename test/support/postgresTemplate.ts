import { createHash } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase } from '../../src/platform/db/client.ts';
import { runMigrations } from '../../src/platform/db/migrate.ts';

/**
 * Test databases are named after the checkout they belong to, so two checkouts (or worktrees)
 * testing against the same server at once never drop each other's databases. TIDEGATE_TEST_TAG
 * overrides the tag when several people test one checkout at once.
 */
export const CHECKOUT_TAG =
  process.env.TIDEGATE_TEST_TAG ?? createHash('sha256').update(process.cwd()).digest('hex').slice(0, 8);
/** Name of the migrated template each PostgreSQL test file clones its own database from. */
export const TEMPLATE_DB = `tidegate_tpl_${CHECKOUT_TAG}`;
/** Prefix of the per-file databases cloned from the template. */
export const TEST_DB_PREFIX = `tidegate_t_${CHECKOUT_TAG}_`;

export function serverUrl(database: string): string {
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `/${database}`;
  return u.toString();
}

async function dropTestDatabases(admin: postgres.Sql, includeTemplate: boolean): Promise<void> {
  const rows = await admin<
    { datname: string }[]
  >`select datname from pg_database where starts_with(datname, ${TEST_DB_PREFIX})`;
  for (const r of rows) await admin.unsafe(`drop database if exists "${r.datname}" with (force)`);
  if (includeTemplate) await admin.unsafe(`drop database if exists "${TEMPLATE_DB}" with (force)`);
}

/** Vitest global setup for the postgres project: migrate a template database once per run. */
export async function setup(): Promise<() => Promise<void>> {
  const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  await dropTestDatabases(admin, true);
  await admin.unsafe(`create database "${TEMPLATE_DB}"`);
  const db = await openDatabase({ databaseUrl: serverUrl(TEMPLATE_DB), poolSize: 1 });
  await runMigrations(db);
  await db.close();
  await admin.end();
  return async () => {
    const again = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    await dropTestDatabases(again, true);
    await again.end();
  };
}
