import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/platform/db/client.ts';
import { runMigrations } from '../../src/platform/db/migrate.ts';
import { serverUrl, TEMPLATE_DB, TEST_DB_PREFIX } from './postgresTemplate.ts';

export type TestDbKind = 'pglite' | 'postgres';

export function testDbKind(): TestDbKind {
  return process.env.TIDEGATE_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
}

/**
 * A fresh, migrated database for one test file: in-memory PGlite, or on the PostgreSQL server a new
 * database cloned from the migrated template. `close()` also drops the server database.
 */
export async function openTestDatabase(): Promise<Database> {
  if (testDbKind() === 'pglite') {
    const db = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(db);
    return db;
  }
  const name = `${TEST_DB_PREFIX}${randomBytes(6).toString('hex')}`;
  const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}" template "${TEMPLATE_DB}"`);
  const db = await openDatabase({ databaseUrl: serverUrl(name), poolSize: 20 });
  return {
    ...db,
    close: async () => {
      await db.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}
