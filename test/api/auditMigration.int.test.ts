import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { openDatabase, queryRows, type Database } from '../../src/platform/db/client.ts';
import { MIGRATIONS_FOLDER } from '../../src/platform/db/migrate.ts';
import { appendAudit, ensurePartitioning, getAuditEntry, verifyChain } from '../../src/platform/audit/service.ts';
import { anchorAudit } from '../../src/platform/audit/anchor.ts';
import { inclusionProof } from '../../src/platform/audit/proof.ts';
import { checkInclusionProof, GENESIS_HASH, legacyHash, partitionOf } from '../../src/platform/audit/chain.ts';
import { openTestDatabase, testDbKind } from '../support/db.ts';
import pino from 'pino';
import { createContext } from '../../src/main.ts';
import { partitionCount } from '../../src/platform/audit/service.ts';
import { serverUrl, TEST_DB_PREFIX } from '../support/postgresTemplate.ts';

/**
 * A database that already holds a one-chain audit log (written before partitioning) is migrated:
 * its entries keep their hashes and become the start of partition 0, new entries continue that
 * chain or start their own, and the whole log verifies and proves.
 */
let database: Database;
let dropDatabase = async () => {};
const before = mkdtempSync(join(tmpdir(), 'tidegate-migrations-'));

async function migrate(folder: string) {
  if (database.kind === 'pglite')
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder: folder });
  else await migratePostgres(database.db as unknown as PostgresJsDatabase, { migrationsFolder: folder });
}

beforeAll(async () => {
  // The migrations as they were before partitioning: every one up to the first of the audit partitions.
  cpSync(MIGRATIONS_FOLDER, before, { recursive: true });
  const journal = JSON.parse(readFileSync(join(before, 'meta/_journal.json'), 'utf8'));
  journal.entries = journal.entries.slice(
    0,
    journal.entries.findIndex((e: { tag: string }) => e.tag.endsWith('_platform_audit_partitions')),
  );
  writeFileSync(join(before, 'meta/_journal.json'), JSON.stringify(journal));
  if (testDbKind() === 'pglite') database = await openDatabase({ dataDir: 'memory://' });
  else {
    const name = `${TEST_DB_PREFIX}mig_${randomBytes(4).toString('hex')}`;
    const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    database = await openDatabase({ databaseUrl: serverUrl(name), poolSize: 2 });
    dropDatabase = async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    };
  }
  await migrate(before);
});
afterAll(async () => {
  await database?.close();
  await dropDatabase();
  rmSync(before, { recursive: true, force: true });
});

describe('migrating a one-chain audit log to partitions', () => {
  it('keeps the old entries verifiable in partition 0, continues them, and proves across both formats', async () => {
    let prevHash = GENESIS_HASH;
    for (let seq = 1; seq <= 5; seq++) {
      const body = {
        seq,
        at: new Date(Date.UTC(2026, 10, 20, 0, 0, seq)),
        actor: 'user:old',
        action: 'thing.do',
        subject: `thing:old-${seq}`,
        change: `{"n":${seq}}`,
      };
      const hash = legacyHash(body, prevHash);
      await database.db.execute(sql`insert into audit_entries (seq, at, actor, action, subject, change, prev_hash, hash)
        values (${seq}, ${body.at.toISOString()}::timestamptz, ${body.actor}, ${body.action}, ${body.subject}, ${body.change}, ${prevHash}, ${hash})`);
      prevHash = hash;
    }
    await database.db.execute(
      sql`insert into outbox_events (aggregate_type, aggregate_id, event_type, payload, occurred_at) values ('thing', 'old', 'Done', '{}', now())`,
    );

    await migrate(MIGRATIONS_FOLDER);
    expect(await ensurePartitioning(database.db, 4)).toBe(4);
    expect(await verifyChain(database.db)).toMatchObject({ ok: true, checked: 5, partitions: 4 });

    // New entries: one for a subject of partition 0 continues the old chain, others start theirs.
    const subjects = Array.from({ length: 40 }, (_, i) => `thing:new-${i}`);
    const toZero = subjects.find((s) => partitionOf(s, 4) === 0)!;
    const appended = [];
    for (const subject of [toZero, ...subjects.slice(0, 6)]) {
      appended.push(
        await database.db.transaction((tx) =>
          appendAudit(tx, {
            actor: 'user:new',
            action: 'thing.do',
            subject,
            change: { subject },
            at: new Date(Date.UTC(2026, 10, 23)),
          }),
        ),
      );
    }
    expect(appended[0]).toMatchObject({ partition: 0, pseq: 6, seq: 6 });
    expect((await getAuditEntry(database.db, 6))!.prevHash).toBe(prevHash);
    expect(await verifyChain(database.db)).toMatchObject({ ok: true, checked: 5 + appended.length });

    const anchored = await anchorAudit(database.db, new Date(Date.UTC(2026, 10, 23, 1)));
    expect(anchored?.created).toBe(true);
    const old = (await getAuditEntry(database.db, 2))!;
    const proof = (await inclusionProof(database.db, old))!;
    expect(proof.links.map((l) => l.format)).toContain(1);
    expect(proof.links.map((l) => l.format)).toContain(2);
    expect(checkInclusionProof(old, proof)).toBeNull();

    const [{ n }] = (await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from outbox_events where tx_id is null`,
    )) as [{ n: number }];
    expect(Number(n)).toBe(1);
  });
});

describe('the partition count of a database', () => {
  it('is the configured one at first start, then fixed: a different setting later is ignored with a warning', async () => {
    const db = await openTestDatabase();
    try {
      const warnings: string[] = [];
      const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
      await createContext({ database: db, auditPartitions: 8, logger, secret: 'x'.repeat(32) });
      expect(await partitionCount(db.db)).toBe(8);
      await createContext({ database: db, auditPartitions: 16, logger, secret: 'x'.repeat(32) });
      expect(await partitionCount(db.db)).toBe(8);
      expect(warnings.join('')).toContain('TIDEGATE_AUDIT_PARTITIONS is ignored');
    } finally {
      await db.close();
    }
  });
});
