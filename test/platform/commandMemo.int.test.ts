import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { runCommand } from '../../src/platform/command.ts';
import { forgetAllInCommand, forgetInCommand, memoInCommand } from '../../src/platform/commandMemo.ts';
import { queryRows, type Executor } from '../../src/platform/db/client.ts';

// Reads a command repeats are made once per command (src/platform/commandMemo.ts); outside a
// command, and after a writer forgets, they go to the database again.

describe('reads kept for the rest of a command', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  /** A read whose answer changes each time it reaches the database. */
  const counting = () => {
    let calls = 0;
    const read = (ex: Executor) => async () => {
      calls++;
      const [row] = await queryRows<{ n: number }>(ex, sql`select ${calls}::int as n`);
      return { n: row!.n };
    };
    return { read, calls: () => calls };
  };

  it('inside a command: one read per key, shared (and frozen), until a writer forgets it', async () => {
    const c = counting();
    const seen = await runCommand(t.ctx, 'test.memo', async (tx) => {
      const [a, b] = await Promise.all([memoInCommand(tx, 'k:1', c.read(tx)), memoInCommand(tx, 'k:1', c.read(tx))]);
      const other = await memoInCommand(tx, 'k:2', c.read(tx));
      expect(() => {
        (a as { n: number }).n = 99;
      }).toThrow(TypeError);
      forgetInCommand(tx, 'k:1');
      const afterForget = await memoInCommand(tx, 'k:1', c.read(tx));
      forgetAllInCommand(tx, 'k:');
      const afterForgetAll = [await memoInCommand(tx, 'k:1', c.read(tx)), await memoInCommand(tx, 'k:2', c.read(tx))];
      return { a, b, other, afterForget, afterForgetAll };
    });
    expect(seen.a).toBe(seen.b);
    expect(seen.a).toEqual({ n: 1 });
    expect(seen.other).toEqual({ n: 2 });
    expect(seen.afterForget).toEqual({ n: 3 });
    expect(seen.afterForgetAll).toEqual([{ n: 4 }, { n: 5 }]);
    expect(c.calls()).toBe(5);
  });

  it('nothing is kept outside a command, nor from one command to the next, nor a failed read', async () => {
    const c = counting();
    await memoInCommand(t.ctx.db, 'k:1', c.read(t.ctx.db));
    await memoInCommand(t.ctx.db, 'k:1', c.read(t.ctx.db));
    expect(c.calls()).toBe(2);
    await t.ctx.db.transaction(async (tx) => {
      await memoInCommand(tx, 'k:1', c.read(tx));
      await memoInCommand(tx, 'k:1', c.read(tx)); // a transaction runCommand did not open
    });
    expect(c.calls()).toBe(4);
    for (let i = 0; i < 2; i++) await runCommand(t.ctx, 'test.memo', (tx) => memoInCommand(tx, 'k:1', c.read(tx)));
    expect(c.calls()).toBe(6);
    const again = await runCommand(t.ctx, 'test.memo', async (tx) => {
      await expect(memoInCommand(tx, 'k:1', () => Promise.reject(new Error('lost')))).rejects.toThrow('lost');
      return memoInCommand(tx, 'k:1', c.read(tx));
    });
    expect(again).toEqual({ n: 7 });
  });
});
