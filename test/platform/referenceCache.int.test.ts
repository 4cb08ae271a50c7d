import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.ts';
import { openTestDatabase, testDbKind } from '../support/db.ts';
import { freePort, waitReady } from '../support/process.ts';
import { getParameter, getParameters, listParameters, setParameter } from '../../src/platform/parameters/service.ts';
import { runCommand } from '../../src/platform/command.ts';
import { referenceCacheOf } from '../../src/platform/reference/cache.ts';
import { shanghaiDate } from '../../src/kernel/clock.ts';
import type { Database, Db } from '../../src/platform/db/client.ts';

// Parameters (and tariff lines, exchange rates) are held in each process by the version of their
// table (decision 0009): a committed change must apply to the very next request, in every process.

const NAME = 'tax.notCollectedAtOrBelowCny';
const TAX_BODY = {
  lines: [{ hsCode: '3304990000', customsValue: '300', dutyRate: '0.05', consumptionTaxRate: '0.15', vatRate: '0.13' }],
};

describe('reference data cached by version, in one process', () => {
  let t: TestApp;
  let admin: string;
  let today: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.authFor('admin');
    today = shanghaiDate(t.ctx.clock.now());
  });
  afterAll(async () => t?.close());

  const calc = async () => {
    const res = await t.request({ method: 'POST', url: '/api/v1/calc/tax', body: TAX_BODY });
    expect(res.statusCode).toBe(200);
    return res.json() as { total: string; notCollected: string[]; parameterVersions: Record<string, number> };
  };

  const setThreshold = async (value: string) => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/parameters',
      auth: admin,
      body: { name: NAME, value, validFrom: '2020-01-01', reason: 'threshold changed for the cache test' },
    });
    expect(res.statusCode).toBe(201);
    return (res.json() as { id: number }).id;
  };

  it('answers from memory while the table is unchanged, and the next request after a change sees it', async () => {
    const cache = referenceCacheOf(t.ctx.db)!;
    expect(cache).not.toBeNull();
    const first = await calc();
    const loads = cache.stats.loads;
    const second = await calc();
    expect(second).toEqual(first);
    expect(cache.stats.loads).toBe(loads); // served from memory
    for (const value of ['1000', '0', '2000', '50']) {
      const version = await setThreshold(value);
      const next = await calc();
      expect(next.parameterVersions[NAME]).toBe(version);
      // 300 CNY of cosmetics: about 153 CNY of taxes, not collected under a threshold of 1,000 or 2,000.
      expect(next.total === '0.00').toBe(value === '1000' || value === '2000');
      expect((await getParameter(t.ctx.db, NAME, today)).version).toBe(version);
    }
  });

  it('sees a change written around the API, and nothing of a change rolled back', async () => {
    const before = await getParameter<string>(t.ctx.db, NAME, today);
    await t.ctx.db
      .transaction(async (tx) => {
        await tx.execute(
          sql`insert into policy_parameters (name, value, valid_from, set_by, reason, created_at)
              values (${NAME}, '"777"', '2020-01-01', 'test', 'rolled back', now())`,
        );
        throw new Error('roll back');
      })
      .catch((e: Error) => expect(e.message).toBe('roll back'));
    expect((await getParameter(t.ctx.db, NAME, today)).version).toBe(before.version);
    await t.ctx.db.execute(
      sql`insert into policy_parameters (name, value, valid_from, set_by, reason, created_at)
          values (${NAME}, '"888"', '2020-01-01', 'test', 'written around the API', now())`,
    );
    const after = await getParameter<string>(t.ctx.db, NAME, today);
    expect(after.value).toBe('888');
    expect(after.version).toBeGreaterThan(before.version);
  });

  it('answers what the queries answer: in force by date, the newest version, missing names refused', async () => {
    const cached = await listParameters(t.ctx.db, '2025-10-31');
    let direct: Awaited<ReturnType<typeof listParameters>> = [];
    await t.ctx.db.transaction(async (tx) => {
      direct = await listParameters(tx, '2025-10-31'); // a transaction reads the table
    });
    expect(cached).toEqual(direct);
    const names = ['dutyfree.minimumAge', NAME];
    const viaCache = await getParameters(t.ctx.db, names, '2025-11-01');
    expect(viaCache.get('dutyfree.minimumAge')!.value).toBe(18);
    expect((await getParameter(t.ctx.db, 'dutyfree.minimumAge', '2025-10-31')).value).toBe(16);
    await expect(getParameter(t.ctx.db, 'no.such.parameter', today)).rejects.toMatchObject({
      status: 422,
    });
    // Values are shared by every request of a version: changing one in place fails loudly.
    const holidays = (await getParameter<unknown[]>(t.ctx.db, 'tax.publicHolidays', today)).value;
    expect(() => (holidays as unknown[]).push('x')).toThrow(TypeError);
  });

  it('inside a command: the process entry of the counter it reads, its own change seen, a rollback kept out', async () => {
    const before = await getParameter<string>(t.ctx.db, NAME, today); // the process holds the table now
    const cache = referenceCacheOf(t.ctx.db)!;
    const hits = cache.stats.hits;
    const change = (value: string) => ({ name: NAME, value, validFrom: '2020-01-01', reason: 'changed in a command' });
    const seen = await runCommand(t.ctx, 'test.parameters', async (tx) => {
      const [one, many] = await Promise.all([getParameter<string>(tx, NAME, today), getParameters(tx, [NAME], today)]);
      await setParameter(tx, change('4321'), 'test', t.ctx.clock.now());
      return { one, many: many.get(NAME)!, own: await getParameter<string>(tx, NAME, today) };
    });
    expect(seen.one).toEqual(before);
    expect(seen.many).toEqual(before);
    expect(cache.stats.hits).toBe(hits + 1); // both reads from the entry the process held, found once
    expect(seen.own.value).toBe('4321'); // its own change, read through the transaction
    expect(seen.own.version).toBeGreaterThan(before.version);

    const rolledBack = runCommand(t.ctx, 'test.parameters', async (tx) => {
      await getParameter(tx, NAME, today);
      await setParameter(tx, change('9999'), 'test', t.ctx.clock.now());
      expect((await getParameter<string>(tx, NAME, today)).value).toBe('9999');
      throw new Error('roll back');
    });
    await expect(rolledBack).rejects.toThrow('roll back');
    expect((await getParameter<string>(t.ctx.db, NAME, today)).value).toBe('4321');
    const next = await runCommand(t.ctx, 'test.parameters', (tx) => getParameter<string>(tx, NAME, today));
    expect(next).toEqual(seen.own);
  });

  it('commands inside a command read the table it holds; their change is seen once committed', async () => {
    const change = (value: string) => ({
      name: NAME,
      value,
      validFrom: '2020-01-01',
      reason: 'changed in a savepoint',
    });
    await runCommand(t.ctx, 'test.outer', async (outer) => {
      // Commands run with this context are savepoints of the outer command's transaction (as in the demo seed).
      const ctx = { ...t.ctx, db: outer as unknown as Db };
      const read = () => runCommand(ctx, 'test.inner', (tx) => getParameter<string>(tx, NAME, today));
      const held = await getParameter<string>(outer, NAME, today);
      expect(await read()).toBe(held); // the very value the outer command holds: no read of its own
      await runCommand(ctx, 'test.inner', async (tx) => {
        await setParameter(tx, change('7777'), 'test', t.ctx.clock.now());
        expect((await getParameter<string>(tx, NAME, today)).value).toBe('7777');
      });
      expect((await getParameter<string>(outer, NAME, today)).value).toBe('7777');
      expect((await read()).value).toBe('7777');
      const rolledBack = runCommand(ctx, 'test.inner', async (tx) => {
        await setParameter(tx, change('8888'), 'test', t.ctx.clock.now());
        expect((await getParameter<string>(tx, NAME, today)).value).toBe('8888');
        throw new Error('roll back');
      });
      await expect(rolledBack).rejects.toThrow('roll back');
      expect((await getParameter<string>(outer, NAME, today)).value).toBe('7777');
      expect((await read()).value).toBe('7777');
    });
    expect((await getParameter<string>(t.ctx.db, NAME, today)).value).toBe('7777');
  });

  it.skipIf(testDbKind() !== 'postgres')(
    'a command keeps the version it read first; the next command sees a change',
    async () => {
      const first = await getParameter<string>(t.ctx.db, NAME, today);
      let committedMeanwhile = 0;
      const during = await runCommand(t.ctx, 'test.parameters', async (tx) => {
        const a = await getParameter<string>(tx, NAME, today);
        committedMeanwhile = await setThreshold('6543'); // another connection of the pool commits it
        return { a, b: await getParameter<string>(tx, NAME, today) };
      });
      expect(during.a).toEqual(first);
      expect(during.b).toEqual(first); // one version of the parameters for the whole command
      const after = await runCommand(t.ctx, 'test.parameters', (tx) => getParameter<string>(tx, NAME, today));
      expect(after.version).toBe(committedMeanwhile);
      expect(after.value).toBe('6543');
    },
  );
});

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

// Two server processes on one PostgreSQL database: a change made through A applies to B's next request.
describe.skipIf(testDbKind() !== 'postgres')('reference data cached by version, two server processes', () => {
  let database: Database;
  const children: ChildProcess[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    database = await openTestDatabase();
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const child = spawn(process.execPath, ['bin/tidegate.mjs', 'serve', '--no-demo'], {
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          DATABASE_URL: database.url!,
          TIDEGATE_SECRET: 'test-secret-0123456789abcdef0123456789abcdef',
          TIDEGATE_ADMIN_PASSWORD: ADMIN_PASSWORD,
          TIDEGATE_RATE_LIMITS: 'off',
          NATS_URL: '',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      await waitReady(url, child, 280_000);
      urls.push(url);
    }
  }, 600_000); // two process starts, each minutes on a loaded machine

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    await database?.close();
  });

  it('B answers with the version A has just committed, every time', async () => {
    const [a, b] = urls as [string, string];
    const token = await login(a);
    const calcAt = async (url: string) => {
      const res = await fetch(`${url}/api/v1/calc/tax`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(TAX_BODY),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { total: string; parameterVersions: Record<string, number> };
    };
    for (let i = 0; i < 30; i++) {
      // B holds the current version in memory (and keeps answering from it under load)...
      const warm = await Promise.all(Array.from({ length: 8 }, () => calcAt(b)));
      const value = i % 2 === 0 ? '1000' : '0';
      // ...A commits a new one...
      const set = await fetch(`${a}/api/v1/parameters`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ name: NAME, value, validFrom: '2020-01-01', reason: `two processes, change ${i}` }),
      });
      expect(set.status).toBe(201);
      const version = ((await set.json()) as { id: number }).id;
      expect(warm[0]!.parameterVersions[NAME]).toBeLessThan(version);
      // ...and B's very next answer uses it.
      const next = await calcAt(b);
      expect(next.parameterVersions[NAME]).toBe(version);
      expect(next.total === '0.00').toBe(value === '1000');
    }
  });
});
