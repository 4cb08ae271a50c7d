import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { verifyChain } from '../../src/platform/audit/service.ts';
import {
  archivePartitions,
  ensureMonthPartitions,
  listArchived,
  listMonthPartitions,
  restorePartition,
} from '../../src/platform/partitions/service.ts';
import { fileDocument, LEDGER_MOVEMENT_PARTITIONS, verifyLedger } from '../../src/modules/ledger/service.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { Problem } from '../../src/kernel/problem.ts';

let t: TestApp;
let dir: string;
let january: { bookId: string; documentId: string };
const spec = LEDGER_MOVEMENT_PARTITIONS;
const goods = (quantity: string) => ({
  regime: 'ZERO_TARIFF' as const,
  items: [{ hsCode: '8429520000', name: '挖掘机', unit: '台', originCountry: 'JP', quantity, importedCny: '100' }],
});

/** Where each movement of the table lives: partition name → rows. */
async function placement(): Promise<Record<string, number>> {
  const rows = await queryRows<{ p: string; n: number }>(
    t.ctx.db,
    sql`select tableoid::regclass::text as p, count(*)::int as n from ledger_movements group by 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.p, r.n]));
}
const total = async () =>
  (await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from ledger_movements`))[0]!.n;

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-01-15T02:00:00Z') });
  dir = mkdtempSync(join(tmpdir(), 'tidegate-archive-'));
});
afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('ledger_movements partitioned by month', () => {
  it('is a partitioned table whose start-up made this month and the next ones', async () => {
    const [kind] = await queryRows<{ relkind: string }>(
      t.ctx.db,
      sql`select relkind::text from pg_class where relname = 'ledger_movements'`,
    );
    expect(kind?.relkind).toBe('p');
    const months = (await listMonthPartitions(t.ctx.db, 'ledger_movements')).map((p) => p.month);
    expect(months).toEqual(expect.arrayContaining(['2026-01', '2026-02', '2026-03']));
  });

  it('puts rows in the month of their creation; a month without a partition waits in the default one', async () => {
    january = await bookWithGoods(t.ctx, goods('5'));
    t.clock.set(new Date('2026-02-10T02:00:00Z'));
    await bookWithGoods(t.ctx, goods('7'));
    t.clock.set(new Date('2026-06-03T02:00:00Z'));
    await bookWithGoods(t.ctx, goods('9'));
    const before = await placement();
    expect(before.ledger_movements_p2026_01).toBeGreaterThan(0);
    expect(before.ledger_movements_p2026_02).toBeGreaterThan(0);
    expect(before.ledger_movements_default).toBeGreaterThan(0);
    // The scheduled job's call: June's partition is made and June's rows move into it.
    const made = await ensureMonthPartitions(t.ctx.db, [spec], t.clock.now());
    expect(made).toContain('ledger_movements_p2026_06');
    const after = await placement();
    expect(after.ledger_movements_default).toBeUndefined();
    expect(after.ledger_movements_p2026_06).toBe(before.ledger_movements_default);
    // Still append-only, partitions included.
    await expect(t.ctx.db.execute(sql`delete from ledger_movements_p2026_06`)).rejects.toThrow();
  });

  it('archives a month only once the ledger was verified past it, and never the current month', async () => {
    await expect(
      archivePartitions(t.ctx.db, spec, '2026-07', { dir, actor: 'system:test', now: t.clock.now() }),
    ).rejects.toThrow(/current month/);
    await expect(
      archivePartitions(t.ctx.db, spec, '2026-02', { dir, actor: 'system:test', now: t.clock.now() }),
    ).rejects.toThrow(/verify the ledger first/);
    expect((await listMonthPartitions(t.ctx.db, 'ledger_movements')).map((p) => p.month)).toContain('2026-01');
  });

  it('archives January to a hashed file, drops it, and both verifiers still pass', async () => {
    expect((await verifyLedger(t.ctx.db, { saveCheckpoint: true })).ok).toBe(true);
    const rows = (await placement()).ledger_movements_p2026_01!;
    const before = await total();
    const [r, ...more] = await archivePartitions(t.ctx.db, spec, '2026-02', {
      dir,
      actor: 'system:test',
      now: t.clock.now(),
    });
    expect(more).toEqual([]);
    expect(r).toMatchObject({ partition: 'ledger_movements_p2026_01', month: '2026-01', rows });
    expect(createHash('sha256').update(readFileSync(r!.file)).digest('hex')).toBe(r!.sha256);
    expect(await total()).toBe(before - rows);
    expect((await listMonthPartitions(t.ctx.db, 'ledger_movements')).map((p) => p.month)).not.toContain('2026-01');
    const [reg] = await listArchived(t.ctx.db, 'ledger_movements');
    expect(reg).toMatchObject({ partitionName: 'ledger_movements_p2026_01', rows, sha256: r!.sha256 });
    const [entry] = await queryRows<{ change: string }>(
      t.ctx.db,
      sql`select change from audit_entries where action = 'partition.archived'`,
    );
    expect(JSON.parse(entry!.change).sha256).toBe(r!.sha256);
    const ledger = await verifyLedger(t.ctx.db);
    expect(ledger.firstProblem).toBeNull();
    expect(ledger.ok).toBe(true);
    expect((await verifyLedger(t.ctx.db, { incremental: true })).ok).toBe(true);
    expect((await verifyChain(t.ctx.db)).ok).toBe(true);
  });

  it('refuses to reverse a document whose movements were archived', async () => {
    const p = await fileDocument(t.ctx, systemActor('test'), {
      type: 'REVERSAL',
      documentId: uuidv7(),
      bookId: january.bookId,
      reversalOf: january.documentId,
      reason: 'entered twice',
    }).catch((err: unknown) => err);
    expect(p).toBeInstanceOf(Problem);
    expect((p as Problem).errors?.[0]).toMatchObject({ rule: 'ledger.reversal.archived' });
  });

  it('refuses a restore from an altered file, and restores the month from the archived one', async () => {
    const [reg] = await listArchived(t.ctx.db, 'ledger_movements');
    const altered = join(dir, 'altered.jsonl');
    writeFileSync(altered, readFileSync(reg!.fileName, 'utf8').replace('"quantity":5', '"quantity":6'));
    await expect(
      restorePartition(t.ctx.db, spec, '2026-01', { file: altered, actor: 'system:test', now: t.clock.now() }),
    ).rejects.toThrow(/SHA-256/);
    const before = await total();
    const r = await restorePartition(t.ctx.db, spec, '2026-01', { actor: 'system:test', now: t.clock.now() });
    expect(r.rows).toBe(reg!.rows);
    expect(await total()).toBe(before + reg!.rows);
    expect((await placement()).ledger_movements_p2026_01).toBe(reg!.rows);
    const [again] = await listArchived(t.ctx.db, 'ledger_movements');
    expect(again?.restoredAt).not.toBeNull();
    expect((await verifyLedger(t.ctx.db)).ok).toBe(true);
    expect((await verifyChain(t.ctx.db)).ok).toBe(true);
  });
});
