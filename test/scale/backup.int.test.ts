import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { openTestDatabase, testDbKind } from '../support/db.ts';
import { serverUrl, TEST_DB_PREFIX } from '../support/postgresTemplate.ts';
import { openDatabase, queryRows, type Database } from '../../src/platform/db/client.ts';
import { simulate } from '../../sim/scale/simulate.ts';
import { verifyChain } from '../../src/platform/audit/service.ts';
import { verifyLedger } from '../../src/modules/ledger/service.ts';
import { backupDatabase, backupKindOf, restoreDatabase } from '../../src/platform/backup/backup.ts';

/**
 * Backup and restore on both databases, on simulated traffic: PostgreSQL through pg_dump and
 * pg_restore into a new database; PGlite through its data folder into a new folder; and the move of
 * the embedded database to a PostgreSQL server (when one is configured). After each, both verifiers
 * pass and the rows are all there; a restore into a database that already holds one is refused.
 */
let database: Database;
const folder = mkdtempSync(join(tmpdir(), 'tidegate-backup-'));
const cleanups: (() => Promise<void>)[] = [];

const counts = async (db: Database) =>
  (
    await queryRows<{ m: string; a: string; d: string }>(
      db.db,
      sql`select (select count(*) from ledger_movements)::text as m, (select count(*) from audit_entries)::text as a,
                 (select count(*) from decl_declarations)::text as d`,
    )
  )[0];

async function verifiersPass(db: Database) {
  const ledger = await verifyLedger(db.db);
  expect(ledger.firstProblem).toBeNull();
  const audit = await verifyChain(db.db);
  expect(audit.breaks).toEqual([]);
  expect(audit.anchors).toBe(1);
}

/** A new, empty database on the test server (dropped after the file). */
async function emptyServerDatabase(): Promise<string> {
  const name = `${TEST_DB_PREFIX}${randomBytes(6).toString('hex')}`;
  const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  cleanups.push(async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });
  return serverUrl(name);
}

beforeAll(async () => {
  database = await openTestDatabase();
  await simulate(database, { year: 2026, scale: 0.0001, seed: 5 });
}, 600_000);

afterAll(async () => {
  await database?.close();
  for (const c of cleanups) await c();
  rmSync(folder, { recursive: true, force: true });
});

describe('tidegate backup / restore', () => {
  it.runIf(testDbKind() === 'pglite')(
    'PGlite: the data folder into a new folder; verifiers pass',
    async () => {
      const file = join(folder, 'embedded.tar.gz');
      const b = await backupDatabase(database, file);
      expect(b.kind).toBe('pglite');
      expect(await backupKindOf(file)).toBe('pglite');
      const dataDir = join(folder, 'restored');
      const r = await restoreDatabase(file, { dataDir });
      expect(r.to).toBe('pglite');
      const restored = await openDatabase({ dataDir });
      try {
        expect(await counts(restored)).toEqual(await counts(database));
        await verifiersPass(restored);
      } finally {
        await restored.close();
      }
      await expect(restoreDatabase(file, { dataDir })).rejects.toThrow(/already holds a database/);
    },
    600_000,
  );

  it.runIf(testDbKind() === 'pglite' && Boolean(process.env.DATABASE_URL))(
    'PGlite to PostgreSQL: the embedded database moves to a server; verifiers pass, sequences go on',
    async () => {
      const file = join(folder, 'move.tar.gz');
      await backupDatabase(database, file);
      const url = await emptyServerDatabase();
      const r = await restoreDatabase(file, { databaseUrl: url });
      expect(r.to).toBe('postgres');
      const moved = await openDatabase({ databaseUrl: url, poolSize: 2 });
      try {
        expect(await counts(moved)).toEqual(await counts(database));
        await verifiersPass(moved);
        const seq = async (db: Database) =>
          (await queryRows<{ s: string }>(db.db, sql`select max(seq)::text as s from audit_entries`))[0]!.s;
        const [{ next }] = (await queryRows<{ next: string }>(
          moved.db,
          sql`select nextval('audit_entries_seq')::text as next`,
        )) as [{ next: string }];
        expect(Number(next)).toBeGreaterThan(Number(await seq(database)));
      } finally {
        await moved.close();
      }
      await expect(restoreDatabase(file, { databaseUrl: url })).rejects.toThrow(/already holds tables/);
    },
    600_000,
  );

  it.runIf(testDbKind() === 'postgres')(
    'PostgreSQL: pg_dump into a new database with pg_restore; verifiers pass',
    async () => {
      const file = join(folder, 'server.dump');
      const b = await backupDatabase(database, file);
      expect(b.kind).toBe('pg_dump');
      expect(await backupKindOf(file)).toBe('pg_dump');
      const url = await emptyServerDatabase();
      const r = await restoreDatabase(file, { databaseUrl: url });
      expect(r.from).toBe('pg_dump');
      const restored = await openDatabase({ databaseUrl: url, poolSize: 2 });
      try {
        expect(await counts(restored)).toEqual(await counts(database));
        await verifiersPass(restored);
      } finally {
        await restored.close();
      }
      await expect(restoreDatabase(file, { databaseUrl: url })).rejects.toThrow(/already holds tables/);
    },
    600_000,
  );
});
