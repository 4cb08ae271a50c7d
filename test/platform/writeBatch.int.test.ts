import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { runCommand } from '../../src/platform/command.ts';
import { eager } from '../../src/platform/db/client.ts';
import { auditEntries } from '../../src/platform/audit/schema.ts';
import { outboxEvents } from '../../src/platform/outbox/schema.ts';
import { verifyChain } from '../../src/platform/audit/service.ts';
import { enterprises } from '../../src/modules/subjects/schema.ts';
import { randomUscc } from '../support/ledgerFixtures.ts';

/**
 * The command's write batch (platform/writeBatch.ts): what a command collects is written at its end
 * in one audit append, a deferred write records the seq its entry got, the events carry theirs, the
 * chain verifies; a command that fails after collecting writes nothing of it.
 */
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const enterpriseRow = (uscc: string, name: string) => ({
  id: randomUUID(),
  uscc,
  name,
  registeredInHainan: true,
  legalForm: 'INDEPENDENT_LEGAL_PERSON',
  encouragedIndustry: false,
  createdAt: t.ctx.clock.now(),
});

describe('write batch', () => {
  it('writes the entries, the deferred writes with their seqs and the events in one append at the end', async () => {
    const ctx = t.ctx;
    const [a, b] = [randomUscc(), randomUscc()];
    const seen: { before: number; refs: number[] } = { before: -1, refs: [] };
    await runCommand(ctx, 'test.batch', async (tx, batch) => {
      const first = batch.audit({
        actor: 'test',
        action: 'test.first',
        subject: `test:${a}`,
        change: { uscc: a },
        at: ctx.clock.now(),
        partitionKey: `enterprise:${a}`,
      });
      const second = batch.audit({
        actor: 'test',
        action: 'test.second',
        subject: `test:${b}`,
        change: { uscc: b },
        at: ctx.clock.now(),
        partitionKey: `enterprise:${b}`,
      });
      // The deferred writes record the seqs (here, in the enterprises' names) once the append drew them.
      batch.defer((seqOf) => eager(tx.insert(enterprises).values(enterpriseRow(a, `seq ${seqOf(first)}`))));
      batch.defer((seqOf) => eager(tx.insert(enterprises).values(enterpriseRow(b, `seq ${seqOf(second)}`))));
      batch.event(
        {
          aggregateType: 'test',
          aggregateId: a,
          eventType: 'TestBatched',
          payload: { a },
          occurredAt: ctx.clock.now(),
        },
        second,
      );
      // Nothing is written before the command's end.
      const written = await tx
        .select()
        .from(enterprises)
        .where(inArray(enterprises.uscc, [a, b]));
      seen.before = written.length;
      seen.refs = [first.index, second.index];
    });
    expect(seen.before).toBe(0);
    expect(seen.refs).toEqual([0, 1]);
    const entries = await ctx.db
      .select()
      .from(auditEntries)
      .where(inArray(auditEntries.subject, [`test:${a}`, `test:${b}`]));
    const seqOf = (subject: string) => entries.find((e) => e.subject === subject)!.seq;
    expect(entries.map((e) => e.action).sort()).toEqual(['test.first', 'test.second']);
    const rows = await ctx.db
      .select()
      .from(enterprises)
      .where(inArray(enterprises.uscc, [a, b]));
    expect(rows.find((r) => r.uscc === a)!.name).toBe(`seq ${seqOf(`test:${a}`)}`);
    expect(rows.find((r) => r.uscc === b)!.name).toBe(`seq ${seqOf(`test:${b}`)}`);
    const [event] = await ctx.db.select().from(outboxEvents).where(eq(outboxEvents.aggregateId, a));
    expect(event!.auditSeq).toBe(seqOf(`test:${b}`));
    expect((await verifyChain(ctx.db)).ok).toBe(true);
  });

  it('a command that fails after collecting writes nothing, and a flushed batch takes nothing more', async () => {
    const ctx = t.ctx;
    const uscc = randomUscc();
    await expect(
      runCommand(ctx, 'test.batch', async (tx, batch) => {
        batch.audit({ actor: 'test', action: 'test.failed', subject: `test:${uscc}`, change: {}, at: ctx.clock.now() });
        batch.defer(() => eager(tx.insert(enterprises).values(enterpriseRow(uscc, 'never'))));
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(
      await ctx.db
        .select()
        .from(auditEntries)
        .where(eq(auditEntries.subject, `test:${uscc}`)),
    ).toEqual([]);
    expect(await ctx.db.select().from(enterprises).where(eq(enterprises.uscc, uscc))).toEqual([]);
    await expect(
      runCommand(ctx, 'test.batch', async (tx, batch) => {
        await batch.flush(tx);
        batch.audit({ actor: 'test', action: 'test.late', subject: `test:${uscc}`, change: {}, at: ctx.clock.now() });
      }),
    ).rejects.toThrow('already flushed');
  });
});
