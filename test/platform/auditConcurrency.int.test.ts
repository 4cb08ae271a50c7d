import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { testDbKind } from '../support/db.ts';
import { deferred, sleep } from '../support/async.ts';
import { appendAudit, partitionCount, verifyChain, type AuditInput } from '../../src/platform/audit/service.ts';
import { partitionOf } from '../../src/platform/audit/chain.ts';
import { runCommand } from '../../src/platform/command.ts';
import { anchorAudit } from '../../src/platform/audit/anchor.ts';

/** Appends to different partitions run side by side; one partition stays gap-free and linear. PostgreSQL only: PGlite has one connection. */
const at = new Date('2026-11-23T03:00:00Z');
const input = (subject: string, change: unknown = { subject }): AuditInput => ({
  actor: 'user:test',
  action: 'thing.do',
  subject,
  change,
  at,
});

describe.skipIf(testDbKind() !== 'postgres')('audit partitions under concurrency (PostgreSQL)', () => {
  let t: TestApp;
  let partitions: number;
  /** Subjects, grouped by the partition they land in. */
  const byPartition = new Map<number, string[]>();

  beforeAll(async () => {
    t = await startTestApp();
    partitions = (await partitionCount(t.ctx.db))!;
    for (let i = 0; i < 5000; i++) {
      const s = `thing:${i}`;
      const p = partitionOf(s, partitions);
      byPartition.set(p, [...(byPartition.get(p) ?? []), s]);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an append does not wait for an open append to another partition, and does wait on its own', async () => {
    const [p, q] = [...byPartition.keys()];
    const [a, c] = byPartition.get(p!)!;
    const b = byPartition.get(q!)![0]!;
    const appended = deferred();
    const release = deferred();
    const first = t.ctx.db.transaction(async (tx) => {
      const r = await appendAudit(tx, input(a!));
      appended.resolve();
      await release.promise;
      return r;
    });
    await appended.promise;

    // Blocked, it would wait for `release` for ever: a minute tells the two apart on any load.
    const other = await Promise.race([
      t.ctx.db.transaction((tx) => appendAudit(tx, input(b))),
      sleep(60_000).then(() => 'waited' as const),
    ]);
    expect(other).not.toBe('waited');

    let sameDone = false;
    const same = t.ctx.db.transaction((tx) => appendAudit(tx, input(c!))).then((r) => ((sameDone = true), r));
    await sleep(400);
    expect(sameDone).toBe(false);
    release.resolve();
    const [ra, rc] = await Promise.all([first, same]);
    expect(rc.partition).toBe(ra.partition);
    expect(rc.pseq).toBe(ra.pseq + 1);
    expect(rc.seq).toBeGreaterThan(ra.seq);
  });

  it('many concurrent appends with slow commits and rollbacks leave every partition gap-free, linear and verifiable, also while it is being anchored and verified', async () => {
    const before = (await verifyChain(t.ctx.db)).checked;
    // Few partitions, many writers: every partition is contended.
    const subjects = [...byPartition.values()].slice(0, 3).flatMap((list) => list.slice(0, 4));
    let committed = 0;
    let next = 0;
    class RolledBack extends Error {}
    // Anchoring and verifying while the writers write: never a false alarm.
    let writing = true;
    const verdicts: boolean[] = [];
    const auditor = (async () => {
      while (writing) {
        await anchorAudit(t.ctx.db, new Date());
        const r = await verifyChain(t.ctx.db);
        expect(r.breaks).toEqual([]);
        verdicts.push(r.ok);
      }
    })();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = next++; i < 240; i = next++) {
          try {
            await t.ctx.db.transaction(async (tx) => {
              await appendAudit(tx, input(subjects[i % subjects.length]!, { i }));
              if (i % 3 === 0) await sleep(Math.random() * 20);
              if (i % 10 === 7) throw new RolledBack();
            });
            committed++;
          } catch (err) {
            if (!(err instanceof RolledBack)) throw err;
          }
        }
      }),
    );
    writing = false;
    await auditor;
    expect(verdicts.length).toBeGreaterThan(0);
    expect(committed).toBe(240 - 24);
    const result = await verifyChain(t.ctx.db);
    expect(result.breaks).toEqual([]);
    expect(result.checked).toBe(before + committed);
  });

  it('two commands that take two partitions in opposite order both commit: the deadlock victim runs again', async () => {
    const [p, q] = [...byPartition.keys()].slice(2, 4);
    const x = byPartition.get(p!)![0]!;
    const y = byPartition.get(q!)![0]!;
    const arrived = [deferred(), deferred()];
    const attempts = [0, 0];
    const command = (me: 0 | 1, first: string, second: string) =>
      runCommand(t.ctx, 'test.crossPartitions', async (tx) => {
        attempts[me]!++;
        await appendAudit(tx, input(first));
        if (attempts[me] === 1) {
          arrived[me]!.resolve();
          await arrived[1 - me]!.promise;
        }
        return appendAudit(tx, input(second));
      });
    const [r0, r1] = await Promise.all([command(0, x, y), command(1, y, x)]);
    expect(attempts[0]! + attempts[1]!).toBe(3);
    expect(new Set([r0.partition, r1.partition])).toEqual(new Set([p, q]));
    expect((await verifyChain(t.ctx.db)).ok).toBe(true);
  });
});
