import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServer, type Server } from 'node:http';
import { startTestApp, type TestApp } from '../support/app.ts';
import { demoUscc } from '../../src/seed/demo.ts';
import { sql } from 'drizzle-orm';
import { deliverWebhooks, startWebhookDelivery } from '../../src/modules/sharing/service.ts';
import { verifySignature } from '../../src/modules/sharing/rules.ts';
import { postWebhook, webhookUrlViolation } from '../../src/modules/sharing/outbound.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { deferred } from '../support/async.ts';

interface Receiver {
  url: string;
  received: { seq: number; to: string; signatureOk: boolean }[];
  failing: boolean;
  /** Answer every delivery with this status and a body that must never reach lastError. */
  answer?: { status: number; location?: string };
  /** Answer after this many milliseconds (the cost of an answer). */
  delayMs: number;
  /** Answer only once this settles (a slow department: held until the test lets it answer). */
  hold?: Promise<void>;
  server: Server;
  secret?: string;
}

async function receiver(): Promise<Receiver> {
  const r: Receiver = { url: '', received: [], failing: false, delayMs: 0, server: createServer() };
  r.server.on('request', (req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', async () => {
      if (r.delayMs) await new Promise((done) => setTimeout(done, r.delayMs));
      if (r.hold) await r.hold;
      if (r.failing) {
        res.statusCode = 503;
        return res.end('down for maintenance');
      }
      if (r.answer) {
        r.received.push({ seq: -1, to: 'answered', signatureOk: false });
        res.statusCode = r.answer.status;
        if (r.answer.location) res.setHeader('location', r.answer.location);
        return res.end('internal: db-primary.corp.example:5432 password=hunter2');
      }
      const payload = JSON.parse(body);
      const signatureOk = verifySignature(
        r.secret!,
        String(req.headers['tidegate-signature']),
        body,
        Math.floor(Date.parse('2026-03-01T04:00:00Z') / 1000),
        10 ** 9,
      );
      r.received.push({ seq: payload.change.seq, to: payload.change.to, signatureOk });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(r.server.address() as { port: number }).port}/hook`;
  return r;
}

let t: TestApp;
let admin: string;
let healthy: Receiver;
let flaky: Receiver;

// The receivers listen on loopback: this test allows it as an operator allows a department network.
const allowBefore = process.env.TIDEGATE_WEBHOOK_ALLOW;
process.env.TIDEGATE_WEBHOOK_ALLOW = '127.0.0.1/32';

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-03-01T04:00:00Z') });
  admin = await t.authFor('admin', { name: 'admin' });
});
afterAll(async () => {
  if (allowBefore === undefined) delete process.env.TIDEGATE_WEBHOOK_ALLOW;
  else process.env.TIDEGATE_WEBHOOK_ALLOW = allowBefore;
  for (const r of receivers) {
    r.server.closeAllConnections();
    r.server.close();
  }
  await t?.close();
});

const receivers: Receiver[] = [];
async function subscribed(name: string): Promise<Receiver> {
  const r = await receiver();
  receivers.push(r);
  const dept = await t.authFor('department', { name });
  const reg = await t.request({ method: 'POST', url: '/api/v1/webhooks', auth: dept, body: { url: r.url } });
  expect(reg.statusCode).toBe(201);
  r.secret = reg.json().secret;
  return r;
}

async function penalise(org: string) {
  const uscc = demoUscc(`91460100${org}`);
  await t.request({
    method: 'POST',
    url: '/api/v1/enterprises',
    auth: admin,
    body: { uscc, name: `Webhook ${org}`, registeredInHainan: true },
  });
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/credit/inputs',
    auth: admin,
    body: {
      subjectKind: 'ENTERPRISE',
      subject: uscc,
      source: 'customs',
      effectiveDate: '2026-02-01',
      input: { type: 'EVENT', kind: 'SMUGGLING_PENALTY' },
    },
  });
  expect(res.json().classChanged).toBe(true);
}

describe('signed webhooks for credit class changes', () => {
  it('delivers every change to each department, in order; a failing one catches up after it recovers and never delays the other', async () => {
    healthy = await subscribed('tax-bureau');
    flaky = await subscribed('market-regulator');
    flaky.failing = true;
    await penalise('MA5THK001');
    await penalise('MA5THK002');
    await deliverWebhooks(t.ctx);
    expect(healthy.received.map((x) => x.to)).toEqual(['FOCUS', 'FOCUS']);
    expect(healthy.received.every((x) => x.signatureOk)).toBe(true);
    expect(flaky.received).toEqual([]);

    // Still down at the next attempt: backs off, nothing lost.
    t.clock.advance(2000);
    await deliverWebhooks(t.ctx);
    expect(flaky.received).toEqual([]);
    const dept = await t.authFor('department', { name: 'market-regulator' });
    const state = (await t.request({ method: 'GET', url: '/api/v1/webhooks', auth: dept })).json().items[0];
    expect(state).toMatchObject({ failures: 2, lastError: 'receiver answered 5xx' });

    await penalise('MA5THK003');
    flaky.failing = false;
    t.clock.advance(60_000);
    await deliverWebhooks(t.ctx);
    expect(flaky.received.map((x) => x.seq)).toEqual(healthy.received.map((x) => x.seq));
    expect(flaky.received).toHaveLength(3);
    const seqs = flaky.received.map((x) => x.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(flaky.received.every((x) => x.signatureOk)).toBe(true);
  });

  it('a slow department never delays another: each subscription is served by its own pass', async () => {
    const slow = await subscribed('slow-bureau');
    const quick = await subscribed('quick-bureau');
    // The slow department answers nothing until both changes have reached the quick one: no fixed
    // delay that a loaded machine could outlast. Its delivery's deadline (5 s) is stretched for the
    // test, so that on a loaded machine the hold, not the timeout, decides when it answers.
    const answer = deferred();
    let asked = 0;
    slow.server.prependListener('request', () => void asked++);
    slow.hold = answer.promise;
    const realTimeout = AbortSignal.timeout.bind(AbortSignal);
    const stretched = vi.spyOn(AbortSignal, 'timeout').mockImplementation((ms) => realTimeout(ms * 24));
    const stop = startWebhookDelivery(t.ctx, 50);
    const waiting = { timeout: 60_000, interval: 20 };
    try {
      await penalise('MA5THK004');
      await vi.waitFor(() => expect(quick.received.map((x) => x.to)).toEqual(['FOCUS']), waiting);
      await penalise('MA5THK005');
      await vi.waitFor(() => expect(quick.received).toHaveLength(2), waiting);
      // The slow department was asked for the first change (once) and is still answering it.
      await vi.waitFor(() => expect(asked).toBeGreaterThan(0), waiting);
      expect(asked).toBe(1);
      expect(slow.received).toEqual([]);
      answer.resolve();
      await vi.waitFor(() => expect(slow.received).toHaveLength(2), waiting);
      expect(slow.received.map((x) => x.seq)).toEqual(quick.received.map((x) => x.seq));
    } finally {
      answer.resolve();
      await stop();
      stretched.mockRestore();
      slow.hold = undefined;
    }
  });

  it('two delivery passes at once (two API processes) deliver each change once', async () => {
    const counted = await subscribed('counting-bureau');
    counted.delayMs = 20;
    await penalise('MA5THK006');
    await penalise('MA5THK007');
    await Promise.all([deliverWebhooks(t.ctx), deliverWebhooks(t.ctx), deliverWebhooks(t.ctx)]);
    const seqs = counted.received.map((x) => x.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    const feed = (
      await t.request({ method: 'GET', url: '/api/v1/credit/changes?after=0&limit=1000', auth: admin })
    ).json();
    expect(seqs).toEqual(feed.items.map((i: { seq: number }) => i.seq).slice(-seqs.length));
    expect(seqs.length).toBeGreaterThanOrEqual(2);
  });

  it('only departments and admins register webhooks, with a valid URL', async () => {
    const officer = await t.authFor('inspector');
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/api/v1/webhooks',
          auth: officer,
          body: { url: 'http://127.0.0.1:1/x' },
        })
      ).statusCode,
    ).toBe(403);
    const dept = await t.authFor('department', { name: 'maritime' });
    const bad = await t.request({
      method: 'POST',
      url: '/api/v1/webhooks',
      auth: dept,
      body: { url: 'ftp://example' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('url');
  });

  it('refuses URLs that reach this host or internal networks, in any notation, writing nothing', async () => {
    const dept = await t.authFor('department', { name: 'curious-bureau' });
    const count = async () =>
      Number(
        (await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from webhook_subscriptions`))[0]!.n,
      );
    const before = await count();
    const refused = [
      ['http://169.254.169.254/latest/meta-data/', 'sharing.webhookUrl.address', 'a link-local address'],
      ['http://10.0.0.1/hook', 'sharing.webhookUrl.address', 'a private address'],
      ['http://192.168.1.20:8080/hook', 'sharing.webhookUrl.address', 'a private address'],
      ['http://[fd00::1]/hook', 'sharing.webhookUrl.address', 'a unique-local address'],
      ['http://[::1]:9200/', 'sharing.webhookUrl.address', 'a loopback address'],
      ['http://[::ffff:127.0.0.1]/hook', 'sharing.webhookUrl.address', 'an IPv4-mapped IPv6 address'],
      ['http://[::ffff:a9fe:a9fe]/latest', 'sharing.webhookUrl.address', 'an IPv4-mapped IPv6 address'],
      // Odd IPv4 notations of loopback addresses outside the allowed 127.0.0.1/32.
      ['http://0x7f.2/hook', 'sharing.webhookUrl.address', 'a loopback address'],
      ['http://2130706434/hook', 'sharing.webhookUrl.address', 'a loopback address'],
      ['http://0177.0.0.3/hook', 'sharing.webhookUrl.address', 'a loopback address'],
      ['http://0/hook', 'sharing.webhookUrl.address', 'the unspecified network'],
      ['http://user:secret@127.0.0.1/hook', 'sharing.webhookUrl.credentials', 'no user name or password'],
      ['http://no-such-host.invalid/hook', 'sharing.webhookUrl.unresolvable', 'does not resolve'],
    ] as const;
    for (const [url, rule, reason] of refused) {
      const res = await t.request({ method: 'POST', url: '/api/v1/webhooks', auth: dept, body: { url } });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors[0], url).toMatchObject({ path: 'url', rule, message: expect.stringContaining(reason) });
    }
    expect(await count()).toBe(before);
  });

  it('refuses names that resolve to such addresses, and odd notations of loopback without an allow-list', async () => {
    // With no operator allow-list: localhost resolves to loopback; 0x7f.1 and 2130706433 are 127.0.0.1.
    for (const url of [
      'http://localhost:8080/hook',
      'http://LOCALHOST/hook',
      'http://0x7f.1/hook',
      'http://2130706433/hook',
      'http://127.1/hook',
    ]) {
      const v = await webhookUrlViolation(url, []);
      expect(v, url).toMatchObject({
        path: 'url',
        rule: 'sharing.webhookUrl.address',
        message: expect.stringContaining('a loopback address'),
      });
    }
    expect(await webhookUrlViolation('http://127.0.0.1:8080/hook', ['127.0.0.1/32'])).toBeNull();
  });

  it('checks the address again at each delivery: a receiver no longer allowed gets nothing', async () => {
    const r = await subscribed('rebinding-bureau');
    const allowed = t.ctx.config.webhookAllow;
    t.ctx.config.webhookAllow = [];
    try {
      await penalise('MA5THK008');
      t.clock.advance(600_000);
      await deliverWebhooks(t.ctx);
      expect(r.received).toEqual([]);
      const dept = await t.authFor('department', { name: 'rebinding-bureau' });
      const state = (await t.request({ method: 'GET', url: '/api/v1/webhooks', auth: dept })).json().items[0];
      expect(state).toMatchObject({ failures: 1, lastError: 'refused: the receiver is a loopback address' });
    } finally {
      t.ctx.config.webhookAllow = allowed;
    }
    t.clock.advance(600_000);
    await deliverWebhooks(t.ctx);
    expect(r.received.map((x) => x.to)).toEqual(['FOCUS']);
  });

  it("follows no redirect and reports only the status class, never the receiver's answer", async () => {
    const elsewhere = await subscribed('redirect-target');
    const redirecting = await subscribed('redirecting-bureau');
    const erring = await subscribed('erring-bureau');
    redirecting.answer = { status: 307, location: elsewhere.url };
    erring.answer = { status: 500 };
    const received = elsewhere.received.length;
    await penalise('MA5THK009');
    t.clock.advance(600_000);
    await deliverWebhooks(t.ctx);
    expect(redirecting.received.map((x) => x.to)).toEqual(['answered']);
    // The target got its own delivery only, not the redirected copy.
    expect(elsewhere.received.length).toBe(received + 1);
    const state = async (name: string) =>
      (
        await t.request({ method: 'GET', url: '/api/v1/webhooks', auth: await t.authFor('department', { name }) })
      ).json().items[0];
    expect(await state('redirecting-bureau')).toMatchObject({
      lastError: 'receiver answered 3xx (redirects are not followed)',
    });
    expect(await state('erring-bureau')).toMatchObject({ lastError: 'receiver answered 5xx' });
    expect(JSON.stringify(await state('erring-bureau'))).not.toContain('hunter2');
  });

  it('a name is resolved and checked when the delivery connects: refused unless every address is allowed', async () => {
    const r = await receiver();
    receivers.push(r);
    r.secret = 'unused';
    const port = new URL(r.url).port;
    // Deadlines far above a loopback answer's time, even on a loaded machine: the checks are not timed.
    await expect(postWebhook(`http://localhost:${port}/hook`, {}, '{}', [], 30_000)).rejects.toThrow(
      'refused: the receiver resolves to a loopback address',
    );
    expect(r.received).toEqual([]);
    // Allowed, the connection goes to the address the check resolved.
    r.answer = { status: 204 };
    expect(await postWebhook(`http://localhost:${port}/hook`, {}, '{}', ['127.0.0.1/32', '::1/128'], 30_000)).toBe(204);
    expect(r.received).toHaveLength(1);
  });
});
