import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { sleep } from '../support/async.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { deliverWebhooks } from '../../src/modules/sharing/service.ts';
import { expectProblem, item, newBuyer, saleBody, shopKey } from '../dutyfree/support.ts';

/**
 * A RED risk decision on a duty-free sale (the till's sale refused by a SALE feature at RED) opens a
 * joint-control case as a RED declaration does: once, shared with police and market regulation by feed
 * and signed webhook, the buyer never in clear — kept masked, masked again for a department — and the
 * buyer's keyed hash never sent.
 */
let t: TestApp;
let till: string;
let police: string;
let officer: string;
const receivers: Server[] = [];
// The receiver listens on loopback, which webhooks may call only when allowed (department networks).
const allowBefore = process.env.TIDEGATE_WEBHOOK_ALLOW;
process.env.TIDEGATE_WEBHOOK_ALLOW = '127.0.0.1/32';
const post = (url: string, auth: string, body?: unknown) =>
  t.request({ method: 'POST', url, auth, ...(body !== undefined ? { body } : {}) });
const get = (url: string, auth: string) => t.request({ method: 'GET', url, auth });
const phones = (n: number) =>
  item({ sku: 'MP-X1', name: '手机', category: 'MOBILE_PHONE', unitPrice: '9000.00', quantity: n });

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-10-12T03:00:00Z') });
  till = await shopKey(t, 'SANYA-HAITANG');
  const author = await t.authFor('risk_analyst', { name: 'analyst-jc-a' });
  const approver = await t.authFor('risk_analyst', { name: 'analyst-jc-b' });
  officer = await t.authFor('inspector', { name: 'inspector-jc' });
  police = await t.authFor('department', { name: 'police-jc', scope: { department: 'police' } });
  const code = 'DF_BIG_PHONE_SALE';
  const body = {
    code,
    name: code,
    description: 'Two or more phones of 9,000 CNY and more in one sale.',
    category: 'PRICE',
    scope: 'SALE',
    expression: 'sale.amountCny >= 18000',
    weight: '10',
    forceLevel: 'RED',
  };
  expect((await post('/api/v1/risk/features', author, body)).statusCode).toBe(201);
  expect((await post(`/api/v1/risk/features/${code}/versions/1/backtest`, author, {})).statusCode).toBe(200);
  expect((await post(`/api/v1/risk/features/${code}/versions/1/approve`, approver)).statusCode).toBe(200);
  await sleep(2_100); // the library version a process keeps (2 s) has passed
}, 600_000);

afterAll(async () => {
  if (allowBefore === undefined) delete process.env.TIDEGATE_WEBHOOK_ALLOW;
  else process.env.TIDEGATE_WEBHOOK_ALLOW = allowBefore;
  for (const s of receivers) {
    s.closeAllConnections();
    s.close();
  }
  await t?.close();
});

describe('a RED duty-free sale opens a joint-control case', () => {
  let buyer: ReturnType<typeof newBuyer>;
  let caseId: string;

  it('the refused sale opens one case, whatever the till retries', async () => {
    buyer = newBuyer();
    const attempt = { ...saleBody(t, buyer, [phones(2)]), requestId: randomUUID() };
    expectProblem(await post('/api/v1/dutyfree/reservations', till, attempt), 422, 'risk.DF_BIG_PHONE_SALE', 'buyer');
    expectProblem(await post('/api/v1/dutyfree/reservations', till, attempt), 422, 'risk.DF_BIG_PHONE_SALE', 'buyer');
    await t.ctx.dispatcher.drain();
    const rows = await queryRows<{ id: string; sale_id: string; subject_kind: string; buyer_id_masked: string }>(
      t.ctx.db,
      sql`select id, sale_id, subject_kind, buyer_id_masked from joint_control_cases where subject_kind = 'DUTYFREE_SALE'`,
    );
    expect(rows).toHaveLength(1);
    caseId = rows[0]!.id;
    expect(rows[0]!.buyer_id_masked).toMatch(/\*/);
    expect(rows[0]!.buyer_id_masked).not.toBe(buyer.idNumber);
    // A redelivered event opens nothing.
    await t.ctx.dispatcher.drain();
    const [again] = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from joint_control_cases where subject_kind = 'DUTYFREE_SALE'`,
    );
    expect(Number(again!.n)).toBe(1);
    // A YELLOW-or-lower sale opens none.
    const fine = await post('/api/v1/dutyfree/reservations', till, saleBody(t, newBuyer(), [phones(1)]));
    expect(fine.statusCode, fine.body).toBe(201);
    await t.ctx.dispatcher.drain();
    const [still] = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from joint_control_cases where subject_kind = 'DUTYFREE_SALE'`,
    );
    expect(Number(still!.n)).toBe(1);
  });

  it('an officer reads the sale, the buyer as kept (masked) and the grounds; never the hash', async () => {
    const res = await get(`/api/v1/jointcontrol/cases/${caseId}`, officer);
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json();
    expect(c).toMatchObject({
      subject: 'DUTYFREE_SALE',
      enterprise: null,
      declaration: null,
      state: 'OPEN',
      totalValue: '18000.00',
      grounds: [{ code: 'risk.DF_BIG_PHONE_SALE' }],
      sale: { shop: 'SANYA-HAITANG', businessDate: '2026-10-12', buyer: { idType: buyer.idType } },
    });
    expect(c.sale.buyer.idNumber).toMatch(/\*/);
    expect(c.sale.buyer.name).toMatch(/\*/);
    const text = JSON.stringify(c);
    expect(text).not.toContain(buyer.idNumber);
    expect(text).not.toContain(buyer.name);
    expect(c.shares.map((s: { department: string }) => s.department).sort()).toEqual(['market_regulation', 'police']);
    const [row] = await queryRows<{ buyer_hash: string }>(
      t.ctx.db,
      sql`select buyer_hash from joint_control_cases where id = ${caseId}`,
    );
    expect(text).not.toContain(row!.buyer_hash);
  });

  it('a department reads it desensitised field by field, in its feed and by signed webhook', async () => {
    const feed = (await get('/api/v1/jointcontrol/feed', police)).json();
    const entry = feed.items.find((i: { case: { id: string } }) => i.case.id === caseId);
    expect(entry).toMatchObject({ type: 'CASE_OPENED' });
    const c = entry.case;
    const officerView = (await get(`/api/v1/jointcontrol/cases/${caseId}`, officer)).json();
    // General in clear; the buyer's masked ID and name masked again (first character kept); amounts banded;
    // grounds, other shares and the hash left out.
    expect(c.subject).toBe('DUTYFREE_SALE');
    expect(c.sale.id).toBe(officerView.sale.id);
    expect(c.sale.shop).toBe('SANYA-HAITANG');
    expect(c.sale.buyer.idType).toBe(buyer.idType);
    const maskAgain = (s: string) => [...s][0] + '*'.repeat([...s].length - 1);
    expect(c.sale.buyer.idNumber).toBe(maskAgain(officerView.sale.buyer.idNumber));
    expect(c.sale.buyer.name).toBe(maskAgain(officerView.sale.buyer.name));
    expect(c.totalValue).toBe('10000-100000');
    expect(c.goods[0].valueCny).toBe('10000-100000');
    expect(c.grounds).toBeUndefined();
    expect(c.shares).toBeUndefined();
    expect(c.share).toMatchObject({ department: 'police', state: 'OPEN' });
    const [row] = await queryRows<{ buyer_hash: string }>(
      t.ctx.db,
      sql`select buyer_hash from joint_control_cases where id = ${caseId}`,
    );
    const text = JSON.stringify(entry);
    for (const secret of [buyer.idNumber, buyer.name, row!.buyer_hash, officerView.sale.buyer.idNumber, 'risk.DF'])
      expect(text).not.toContain(secret);

    const got: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        got.push(body);
        res.statusCode = 204;
        res.end();
      });
    });
    receivers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/jc`;
    const reg = await post('/api/v1/webhooks', police, { url, feed: 'jointControl.cases', fromStart: true });
    expect(reg.statusCode, reg.body).toBe(201);
    await deliverWebhooks(t.ctx);
    const hook = got.map((b) => JSON.parse(b)).find((p) => p.change.case.id === caseId);
    expect(hook.change).toEqual(entry);
    for (const secret of [buyer.idNumber, buyer.name, row!.buyer_hash, officerView.sale.buyer.idNumber])
      expect(JSON.stringify(hook)).not.toContain(secret);
  });

  it('the department acknowledges it as any case', async () => {
    const ack = await post(`/api/v1/jointcontrol/cases/${caseId}/acknowledge`, police, { note: 'duty desk' });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json().share).toMatchObject({ state: 'ACKNOWLEDGED' });
  });
});
