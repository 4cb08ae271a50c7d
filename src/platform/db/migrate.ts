import { fileURLToPath } from 'node:url';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Database } from './client.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations', import.meta.url));

/** Applies the committed SQL migrations; the same files on PGlite and on PostgreSQL. */
export async function runMigrations(database: Database): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder: MIGRATIONS_FOLDER });
    return;
  }
  // Several API processes may start at once against one server: one migrates, the others wait.
  // The lock lives on its own connection, so the migrating pool may be as small as one.
  const lock = postgres(database.url!, { max: 1, onnotice: () => {} });
  try {
    await lock`select pg_advisory_lock(7355608)`;
    await migratePostgres(database.db as unknown as PostgresJsDatabase, { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await lock`select pg_advisory_unlock(7355608)`.catch(() => {});
    await lock.end();
  }
}
