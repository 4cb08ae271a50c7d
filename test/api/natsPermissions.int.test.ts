import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AckPolicy, connect, DeliverPolicy, JSONCodec, type NatsConnection } from 'nats';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { DEFAULT_LAYOUT, NatsPublisher } from '../../src/platform/outbox/nats.ts';
import { instanceId } from '../../src/platform/bootstrap.ts';
import { freePort } from '../support/process.ts';

/**
 * The NATS permissions of docs/nats/permissions.conf, on a real nats-server started with that file:
 * Tidegate publishes both streams; a department pulls the shared events from the consumers made for
 * it and can neither read the internal stream (no consumer, no message get, no subscription), nor
 * make itself a consumer with a filter of its choosing, nor read another department's, nor publish.
 */
const NATS_SERVER = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find(
  (p) => spawnSync(p, ['--version']).status === 0,
);
const CONF = fileURLToPath(new URL('../../docs/nats/permissions.conf', import.meta.url));
const PASSWORDS = {
  TIDEGATE_NATS_PASSWORD: 'tidegate-secret-1',
  DEPT_TAX_NATS_PASSWORD: 'tax-secret-1',
  DEPT_MARKET_NATS_PASSWORD: 'market-secret-1',
  DEPT_POLICE_NATS_PASSWORD: 'police-secret-1',
};
/** The consumers the operator makes once for the departments (docs/operations.md). */
const DEPARTMENT_CONSUMERS = [
  { name: 'tax-credit', filter: 'tidegate.shared.credit.>' },
  { name: 'tax-rates', filter: 'tidegate.shared.exchange-rates.>' },
  { name: 'market-credit', filter: 'tidegate.shared.credit.>' },
  { name: 'market-enterprise', filter: 'tidegate.shared.enterprise.>' },
  { name: 'police-credit', filter: 'tidegate.shared.credit.>' },
];

/** Stop the test's nats-server and wait until it has exited (SIGKILL after 10 s), so its files are closed. */
async function stopServer(server: ChildProcess | undefined) {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Whether a request the server must refuse is refused (a permissions violation, or no answer at all).
 * A request that must be answered waits longer (`timeoutMs`): on a loaded machine a late answer
 * would otherwise read as a refusal.
 */
async function refused(nc: NatsConnection, subject: string, body = '', timeoutMs = 1500): Promise<boolean> {
  try {
    const reply = await nc.request(subject, new TextEncoder().encode(body), { timeout: timeoutMs });
    const text = new TextDecoder().decode(reply.data);
    return /"error"/.test(text);
  } catch {
    return true;
  }
}

describe.skipIf(!NATS_SERVER)('NATS permissions per department (docs/nats/permissions.conf)', () => {
  let server: ChildProcess;
  let store: string;
  let url: string;
  let t: TestApp;
  let publisher: NatsPublisher;
  const conns: NatsConnection[] = [];
  // Connecting waits as long as a loaded machine needs (the client's default is 20 s).
  const as = async (user: string, password: string) => {
    const nc = await connect({ servers: url, user, pass: password, timeout: 120_000 });
    conns.push(nc);
    return nc;
  };

  beforeAll(async () => {
    store = mkdtempSync(join(tmpdir(), 'tidegate-nats-'));
    const port = await freePort();
    url = `nats://127.0.0.1:${port}`;
    server = spawn(NATS_SERVER!, ['-c', CONF, '-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], {
      env: { ...process.env, ...PASSWORDS },
      stdio: 'ignore',
    });
    // Until the server takes connections: a minute and more, however loaded the machine.
    for (let i = 0; i < 600; i++) {
      try {
        (await connect({ servers: url, user: 'tidegate', pass: PASSWORDS.TIDEGATE_NATS_PASSWORD })).close();
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    t = await startTestApp();
    // The publisher gives a connection 5 s, which a loaded machine (load 35–40) has outlasted: tried
    // again, for up to two minutes.
    const source = await instanceId(t.ctx);
    for (const deadline = Date.now() + 120_000; ; ) {
      try {
        publisher = await NatsPublisher.connect(
          `nats://tidegate:${PASSWORDS.TIDEGATE_NATS_PASSWORD}@127.0.0.1:${port}`,
          source,
        );
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
    }
    t.ctx.dispatcher.subscribe('nats', (e) => publisher.publish(e));
    const jsm = await (await as('tidegate', PASSWORDS.TIDEGATE_NATS_PASSWORD)).jetstreamManager();
    for (const c of DEPARTMENT_CONSUMERS) {
      await jsm.consumers.add(DEFAULT_LAYOUT.sharedStream, {
        durable_name: c.name,
        filter_subject: c.filter,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
      });
    }
    // An enterprise registered (shared) opens a book and imports goods (internal only).
    await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        {
          hsCode: '8471300000',
          name: '笔记本电脑 laptop',
          unit: 'SET',
          originCountry: 'JP',
          quantity: '5',
          importedCny: '25000',
        },
      ],
    });
    await t.ctx.dispatcher.drain();
  });

  afterAll(async () => {
    for (const nc of conns) await nc.close().catch(() => undefined);
    await publisher?.close();
    await t?.close();
    await stopServer(server);
    // The server's last flush may still be landing as it exits: retry a directory that is not yet empty.
    if (store) rmSync(store, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  it('Tidegate wrote both streams: every event inside, the registration and qualification shared', async () => {
    const jsm = await (await as('tidegate', PASSWORDS.TIDEGATE_NATS_PASSWORD)).jetstreamManager();
    expect((await jsm.streams.info(DEFAULT_LAYOUT.internalStream)).state.messages).toBeGreaterThan(
      (await jsm.streams.info(DEFAULT_LAYOUT.sharedStream)).state.messages,
    );
    expect((await jsm.streams.info(DEFAULT_LAYOUT.sharedStream)).state.messages).toBeGreaterThan(0);
  });

  it('market regulation pulls the shared registrations from its own consumer', async () => {
    const nc = await as('dept-market', PASSWORDS.DEPT_MARKET_NATS_PASSWORD);
    const consumer = await nc.jetstream().consumers.get(DEFAULT_LAYOUT.sharedStream, 'market-enterprise');
    // The message is there (the dispatcher drained): the pull answers at once; the wait bounds a loaded machine.
    const msg = await consumer.next({ expires: 30_000 });
    expect(msg?.subject).toBe('tidegate.shared.enterprise.EnterpriseRegistered');
    expect(JSONCodec<{ eventType: string }>().decode(msg!.data).eventType).toBe('EnterpriseRegistered');
    msg!.ack();
  });

  it('a department reads nothing of the internal stream, makes itself no consumer, reads no other department, publishes nothing', async () => {
    const nc = await as('dept-market', PASSWORDS.DEPT_MARKET_NATS_PASSWORD);
    const internal = DEFAULT_LAYOUT.internalStream;
    const shared = DEFAULT_LAYOUT.sharedStream;
    const checks: Record<string, boolean> = {
      'get an internal message': await refused(
        nc,
        `$JS.API.STREAM.MSG.GET.${internal}`,
        JSON.stringify({ last_by_subj: 'tidegate.internal.declaration.RiskAssessed' }),
      ),
      'direct-get an internal message': await refused(
        nc,
        `$JS.API.DIRECT.GET.${internal}`,
        JSON.stringify({ last_by_subj: 'tidegate.internal.declaration.RiskAssessed' }),
      ),
      'internal stream info': await refused(nc, `$JS.API.STREAM.INFO.${internal}`),
      'a consumer on the internal stream': await refused(
        nc,
        `$JS.API.CONSUMER.CREATE.${internal}`,
        JSON.stringify({ stream_name: internal, config: { ack_policy: 'none', deliver_policy: 'all' } }),
      ),
      'a consumer of its own on the shared stream': await refused(
        nc,
        `$JS.API.CONSUMER.CREATE.${shared}`,
        JSON.stringify({ stream_name: shared, config: { ack_policy: 'none', deliver_policy: 'all' } }),
      ),
      "another department's consumer": await refused(
        nc,
        `$JS.API.CONSUMER.MSG.NEXT.${shared}.police-credit`,
        JSON.stringify({ batch: 1, expires: 1_000_000_000 }),
      ),
      'the stream list': await refused(nc, '$JS.API.STREAM.NAMES'),
    };
    expect(
      Object.entries(checks)
        .filter(([, ok]) => !ok)
        .map(([what]) => what),
    ).toEqual([]);
    // The same requests from Tidegate's own user are answered (the refusals are permissions, not typos).
    const own = await as('tidegate', PASSWORDS.TIDEGATE_NATS_PASSWORD);
    expect(
      await refused(
        own,
        `$JS.API.STREAM.MSG.GET.${internal}`,
        JSON.stringify({ last_by_subj: 'tidegate.internal.enterprise.EnterpriseRegistered' }),
        30_000,
      ),
    ).toBe(false);

    // A subscription to the internal subjects is refused by the server, which closes it.
    const sub = nc.subscribe('tidegate.internal.>');
    const closed = await Promise.race([
      sub.closed.then((e) => e ?? 'closed'),
      new Promise((r) => setTimeout(() => r('open'), 60_000)),
    ]);
    expect(String(closed)).toMatch(/Permissions Violation|closed/i);
    // A forged event on a shared subject is refused.
    const forged = await as('dept-market', PASSWORDS.DEPT_MARKET_NATS_PASSWORD);
    const errors: string[] = [];
    void (async () => {
      for await (const s of forged.status())
        if (s.type === 'error' || String(s.data).includes('Permissions')) errors.push(String(s.data));
    })();
    forged.publish('tidegate.shared.credit.CreditClassChanged', new TextEncoder().encode('{}'));
    await forged.flush();
    // The server's refusal comes back on the status stream: waited for, not a fixed time.
    for (const deadline = Date.now() + 60_000; errors.length === 0 && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 20));
    expect(errors.join(' ')).toMatch(/PERMISSIONS_VIOLATION|Permissions Violation for Publish/);
  });
});
