import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { startTestApp, TEST_SECRET, type TestApp } from '../support/app.ts';
import { startTidegate, type Tidegate } from '../../src/main.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { runCommand } from '../../src/platform/command.ts';
import { createUser } from '../../src/platform/auth/service.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';

/**
 * Login throttling: 10 failures of one user name within 15 minutes lock it (429 with Retry-After),
 * each later failure locks it again twice as long; 30 failures from one address lock the address.
 * Kept in the database (a second API process on it sees the same locks), audited, lifted by an
 * admin, and never turned off by TIDEGATE_RATE_LIMITS=off.
 */
let t: TestApp;
let second: Tidegate;
let admin: string;
const PASSWORD = 'right-password-123';

async function user(username: string) {
  await runCommand(t.ctx, 'user.create', (tx) =>
    createUser(tx, { username, password: PASSWORD, role: 'inspector' }, systemActor('test'), t.clock.now()),
  );
}
function login(app: Tidegate, username: string, password: string, from = '198.51.100.1') {
  return app.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
    remoteAddress: from,
  });
}
async function audited(action: string, subject: string) {
  return queryRows<{ change: string; actor: string }>(
    t.ctx.db,
    sql`select change::text as change, actor from audit_entries where action = ${action} and subject = ${subject} order by seq`,
  );
}

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.authFor('admin', { name: 'admin' });
  // A second API process on the same database, started with the request limits off.
  const before = process.env.TIDEGATE_RATE_LIMITS;
  process.env.TIDEGATE_RATE_LIMITS = 'off';
  try {
    second = await startTidegate({
      database: t.ctx.database,
      clock: t.clock,
      listen: false,
      schedule: false,
      secret: TEST_SECRET,
      dataDir: 'memory://',
      natsUrl: '',
      logger: pino({ level: 'silent' }),
    });
  } finally {
    if (before === undefined) delete process.env.TIDEGATE_RATE_LIMITS;
    else process.env.TIDEGATE_RATE_LIMITS = before;
  }
  expect(second.ctx.config.rateLimits.enabled).toBe(false);
});
afterAll(async () => {
  await second?.close();
  await t?.close();
});

describe('login throttling', () => {
  it('locks a user name on the 10th failure in 15 minutes, across processes, even with the right password; audited', async () => {
    await user('throttled-one');
    for (let i = 1; i <= 9; i++) {
      // Failures alternate between the two processes: the count is in the database.
      const res = await login(i % 2 ? t : second, 'throttled-one', `wrong-password-${i}`, `198.51.100.${i}`);
      expect(res.statusCode, `failure ${i}`).toBe(401);
    }
    const tenth = await login(second, 'throttled-one', 'wrong-password-10', '198.51.100.10');
    expect(tenth.statusCode).toBe(429);
    expect(tenth.headers['content-type']).toContain('application/problem+json');
    expect(tenth.headers['retry-after']).toBe('900');
    expect(tenth.json()).toMatchObject({
      type: 'urn:tidegate:error:login-locked',
      status: 429,
      retryAfterSeconds: 900,
    });

    t.clock.advance(60_000);
    const right = await login(t, 'throttled-one', PASSWORD, '198.51.100.11');
    expect(right.statusCode).toBe(429);
    expect(right.headers['retry-after']).toBe('840');
    expect((await login(second, 'throttled-one', PASSWORD, '198.51.100.12')).statusCode).toBe(429);

    const entries = await audited('auth.loginLocked', 'login:user:throttled-one');
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0]!.change)).toMatchObject({
      kind: 'user',
      key: 'throttled-one',
      lockout: 1,
      maxFailures: 10,
    });

    // After the lock: the next failure locks again at once, for twice as long.
    t.clock.advance(14 * 60_000 + 1000);
    const again = await login(t, 'throttled-one', 'wrong-password-11', '198.51.100.13');
    expect(again.statusCode).toBe(429);
    expect(again.headers['retry-after']).toBe('1800');
    t.clock.advance(30 * 60_000 + 1000);
    const ok = await login(t, 'throttled-one', PASSWORD, '198.51.100.14');
    expect(ok.statusCode).toBe(200);
    // A success forgets the user name's failures: the next failure is the first of ten again.
    expect((await login(t, 'throttled-one', 'wrong-password-12', '198.51.100.15')).statusCode).toBe(401);
  });

  it('300 wrong passwords in a burst: 10 are checked, the rest refused with 429', async () => {
    await user('throttled-burst');
    const answers = [];
    for (let i = 0; i < 300; i++)
      answers.push(
        (await login(i % 2 ? t : second, 'throttled-burst', `burst-${i}`, `198.51.100.${20 + (i % 50)}`)).statusCode,
      );
    expect(answers.filter((s) => s === 401)).toHaveLength(9);
    expect(answers.filter((s) => s === 429)).toHaveLength(291);
  });

  it('locks an address after 30 failures over many user names; other addresses are not affected', async () => {
    await user('throttled-victim');
    const from = '203.0.113.77';
    for (let i = 0; i < 29; i++)
      expect((await login(t, `sprayed-${i}`, 'password-guess-1', from)).statusCode).toBe(401);
    expect((await login(t, 'sprayed-29', 'password-guess-1', from)).statusCode).toBe(429);
    expect((await login(t, 'throttled-victim', PASSWORD, from)).statusCode).toBe(429);
    expect((await login(t, 'throttled-victim', PASSWORD, '203.0.113.78')).statusCode).toBe(200);
    expect(await audited('auth.loginLocked', `login:address:${from}`)).toHaveLength(1);
  });

  it('an admin sees the locks and lifts one (audited); only an admin may', async () => {
    await user('throttled-locked');
    for (let i = 0; i < 10; i++) await login(t, 'throttled-locked', `nope-${i}`, `192.0.2.${i + 1}`);
    expect((await login(t, 'throttled-locked', PASSWORD, '192.0.2.50')).statusCode).toBe(429);
    const list = await t.request({ method: 'GET', url: '/api/v1/auth/lockouts', auth: admin });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toContainEqual(
      expect.objectContaining({ kind: 'user', key: 'throttled-locked', locked: true, lockouts: 1 }),
    );
    const inspector = await t.authFor('inspector');
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/api/v1/auth/lockouts/unlock',
          auth: inspector,
          body: { kind: 'user', key: 'throttled-locked' },
        })
      ).statusCode,
    ).toBe(403);
    const lifted = await t.request({
      method: 'POST',
      url: '/api/v1/auth/lockouts/unlock',
      auth: admin,
      body: { kind: 'user', key: 'throttled-locked' },
    });
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(lifted.json()).toEqual({ kind: 'user', key: 'throttled-locked', unlocked: true, wasLocked: true });
    expect((await login(second, 'throttled-locked', PASSWORD, '192.0.2.51')).statusCode).toBe(200);
    const entries = await audited('auth.loginUnlocked', 'login:user:throttled-locked');
    expect(entries.map((e) => e.actor)).toEqual(['user:admin']);
    const none = await t.request({
      method: 'POST',
      url: '/api/v1/auth/lockouts/unlock',
      auth: admin,
      body: { kind: 'user', key: 'never-failed' },
    });
    expect(none.statusCode).toBe(404);
  });
});
