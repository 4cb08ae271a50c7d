import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServer, type Server } from 'node:http';
import { startTestApp, type TestApp } from '../support/app.ts';
import { demoUscc } from '../../src/seed/demo.ts';
import { deliverWebhooks, startWebhookDelivery } from '../../src/modules/sharing/service.ts';
import { verifySignature } from '../../src/modules/sharing/rules.ts';

interface Receiver {
  url: string;
  received: { seq: number; to: string; signatureOk: boolean }[];
  failing: boolean;
  /** Answer after this many milliseconds (a slow department). */
  delayMs: number;
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
      if (r.failing) {
        res.statusCode = 503;
        return res.end('down for maintenance');
      }
      const payload = JSON.parse(body);
      const signatureOk = verifySignature(r.secret!, String(req.headers['tidegate-signature']), body, Math.floor(Date.parse('2026-03-01T04:00:00Z') / 1000), 10 ** 9);
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

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-03-01T04:00:00Z') });
  admin = await t.authFor('admin', { name: 'admin' });
});
afterAll(async () => {
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
  await t.request({ method: 'POST', url: '/api/v1/enterprises', auth: admin, body: { uscc, name: `Webhook ${org}`, registeredInHainan: true } });
  const res = await t.request({ method: 'POST', url: '/api/v1/credit/inputs', auth: admin, body: { subjectKind: 'ENTERPRISE', subject: uscc, source: 'customs', effectiveDate: '2026-02-01', input: { type: 'EVENT', kind: 'SMUGGLING_PENALTY' } } });
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
    expect(state).toMatchObject({ failures: 2, lastError: 'receiver answered 503' });

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
    slow.delayMs = 1200;
    const stop = startWebhookDelivery(t.ctx, 50);
    try {
      await penalise('MA5THK004');
      await vi.waitFor(() => expect(quick.received.map((x) => x.to)).toEqual(['FOCUS']), { timeout: 2000, interval: 20 });
      await penalise('MA5THK005');
      await vi.waitFor(() => expect(quick.received).toHaveLength(2), { timeout: 2000, interval: 20 });
      // The slow department is still answering its first delivery.
      expect(slow.received).toEqual([]);
      await vi.waitFor(() => expect(slow.received).toHaveLength(2), { timeout: 8000, interval: 50 });
      expect(slow.received.map((x) => x.seq)).toEqual(quick.received.map((x) => x.seq));
    } finally {
      await stop();
      slow.delayMs = 0;
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
    const feed = (await t.request({ method: 'GET', url: '/api/v1/credit/changes?after=0&limit=1000', auth: admin })).json();
    expect(seqs).toEqual(feed.items.map((i: { seq: number }) => i.seq).slice(-seqs.length));
    expect(seqs.length).toBeGreaterThanOrEqual(2);
  });

  it('only departments and admins register webhooks, with a valid URL', async () => {
    const officer = await t.authFor('inspector');
    expect((await t.request({ method: 'POST', url: '/api/v1/webhooks', auth: officer, body: { url: 'http://127.0.0.1:1/x' } })).statusCode).toBe(403);
    const dept = await t.authFor('department', { name: 'maritime' });
    const bad = await t.request({ method: 'POST', url: '/api/v1/webhooks', auth: dept, body: { url: 'ftp://example' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('url');
  });
});
