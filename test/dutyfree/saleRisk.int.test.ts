import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/app.ts';
import { sleep } from '../support/async.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { expectProblem, footprint, item, newBuyer, saleBody, shopKey } from './support.ts';

let t: TestApp;
let till: string;
let author: string;
let approver: string;
let inspector: string;

const post = (url: string, auth: string, body?: unknown) =>
  t.request({ method: 'POST', url, auth, ...(body !== undefined ? { body } : {}) });
const cosmetics = (n: number) =>
  item({ sku: 'CS-LIP', name: '口红', category: 'COSMETICS', unitPrice: '300.00', quantity: n });
const card = '6222 0200 7777 8888';

async function feature(code: string, expression: string, forceLevel: 'RED' | 'YELLOW', category: string) {
  const body = {
    code,
    name: code,
    description: 'Duty-free carriers paid from one card, at the limit.',
    category,
    scope: 'SALE',
    expression,
    weight: '10',
    forceLevel,
  };
  const draft = await post('/api/v1/risk/features', author, body);
  expect(draft.statusCode, draft.body).toBe(201);
  const bt = await post(`/api/v1/risk/features/${code}/versions/1/backtest`, author, {});
  expect(bt.statusCode, bt.body).toBe(200);
  const live = await post(`/api/v1/risk/features/${code}/versions/1/approve`, approver);
  expect(live.statusCode, live.body).toBe(200);
}

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-10-12T03:00:00Z') });
  till = await shopKey(t, 'SANYA-HAITANG');
  author = await t.authFor('risk_analyst', { name: 'analyst-a' });
  approver = await t.authFor('risk_analyst', { name: 'analyst-b' });
  inspector = await t.authFor('inspector');
});
afterAll(async () => {
  await t?.close();
});

describe('duty-free sales scored by SALE features of the risk library', () => {
  it('an analyst writes SALE features over the sale catalogue; a declaration field is refused there', async () => {
    const bad = await post('/api/v1/risk/features/validate', author, {
      scope: 'SALE',
      expression: 'decl.totalValueCny > 1000',
    });
    expect(bad.json()).toMatchObject({ ok: false, errors: [{ rule: 'risk.expression.unknownField' }] });
    await feature('DF_SHARED_CARD_AT_LIMIT', 'link.accountBuyers >= 2 and sale.maxLimitShare >= 0.8', 'RED', 'NETWORK');
    await feature('DF_SAME_CATEGORY_AGAIN', 'buyer.sameCategoryLast30Days >= 1', 'YELLOW', 'HISTORY');
  });

  it('refuses the third buyer paying from one card at the limit, telling the till only the rule', async () => {
    for (const b of [newBuyer(), newBuyer()]) {
      const r = await post('/api/v1/dutyfree/reservations', till, {
        ...saleBody(t, b, [cosmetics(30)]),
        paymentAccount: card,
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    await sleep(2_100); // the library version a process keeps (2 s) has passed: the live features apply
    const before = await footprint(t);
    const attempt = { ...saleBody(t, newBuyer(), [cosmetics(30)]), paymentAccount: card, requestId: randomUUID() };
    const third = await post('/api/v1/dutyfree/reservations', till, attempt);
    const problem = expectProblem(third, 422, 'risk.DF_SHARED_CARD_AT_LIMIT', 'buyer');
    expect(JSON.stringify(problem)).not.toMatch(/score|points|weight/i);
    // Nothing of the sale is written and no quota held; the refusal is kept, with its audit entry, once
    // however often the till sends it again.
    const again = await post('/api/v1/dutyfree/reservations', till, attempt);
    expectProblem(again, 422, 'risk.DF_SHARED_CARD_AT_LIMIT', 'buyer');
    // Its audit entry and event are written once (checked below by kind: a RED refusal's event opens a
    // joint-control case, whose own entries the dispatcher may be writing meanwhile).
    const after = await footprint(t);
    expect({ ...after, audit_entries: 0, outbox_events: 0 }).toEqual({ ...before, audit_entries: 0, outbox_events: 0 });
    const refusedEvents = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from outbox_events where event_type = 'DutyFreeSaleRiskRefused'`,
    );
    expect(Number(refusedEvents[0]!.n)).toBe(1);
    const entries = await queryRows<{ change: string }>(
      t.ctx.db,
      sql`select change::text as change from audit_entries where action = 'dutyfree.riskRefused'`,
    );
    expect(entries).toHaveLength(1);
    const change = JSON.parse(entries[0]!.change) as { rule: string; amount: string; buyer: { idNumber: string } };
    expect(change).toMatchObject({ rule: 'risk.DF_SHARED_CARD_AT_LIMIT', amount: '9000.00' });
    expect(change.buyer.idNumber).not.toBe(attempt.buyer.idNumber);
    const day = new Date(t.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const seen = await t.request({ method: 'GET', url: `/api/v1/dutyfree/risk-refusals?date=${day}`, auth: inspector });
    expect(seen.statusCode, seen.body).toBe(200);
    expect(seen.json().items).toHaveLength(1);
    expect(seen.json().items[0]).toMatchObject({
      shop: 'SANYA-HAITANG',
      rule: 'risk.DF_SHARED_CARD_AT_LIMIT',
      level: 'RED',
      amount: '9000.00',
      facts: { 'link.accountBuyers': 2 },
      buyer: { idType: 'RESIDENT_ID', idNumber: expect.stringMatching(/\*/) },
    });
    expect(
      (await t.request({ method: 'GET', url: `/api/v1/dutyfree/risk-refusals?date=${day}`, auth: till })).statusCode,
    ).toBe(403);
    // A buyer of the same card under the limit is allowed, and the decision is kept for backtests.
    const fine = await post('/api/v1/dutyfree/reservations', till, {
      ...saleBody(t, newBuyer(), [cosmetics(5)]),
      paymentAccount: card,
    });
    expect(fine.statusCode, fine.body).toBe(201);
    const [d] = await queryRows<{ verdict: string; facts: { 'link.accountBuyers': number } }>(
      t.ctx.db,
      sql`select verdict, facts from risk_sale_decisions where sale_id = ${fine.json().reservationId}`,
    );
    // The refused one wrote nothing: two others paid from the card before.
    expect(d).toMatchObject({ verdict: 'ALLOW', facts: { 'link.accountBuyers': 2 } });
  });

  it('a YELLOW feature lets the sale through and puts it in the review queue with its rule', async () => {
    const b = newBuyer();
    const first = await post('/api/v1/dutyfree/reservations', till, saleBody(t, b, [cosmetics(2)]));
    await post(`/api/v1/dutyfree/reservations/${first.json().reservationId}/confirm`, till);
    const later = saleBody(t, b, [cosmetics(1)]);
    const again = await post('/api/v1/dutyfree/reservations', till, {
      ...later,
      requestId: randomUUID(),
      departure: { ...later.departure, number: 'CZ6720', date: '2026-10-20' },
    });
    expect(again.statusCode, again.body).toBe(201);
    const id = again.json().reservationId;
    await post(`/api/v1/dutyfree/reservations/${id}/confirm`, till);
    let review: { reason: string } | undefined;
    // Polled until the consumers have opened it, for as long as a loaded machine may need.
    for (const deadline = Date.now() + 120_000; !review && Date.now() < deadline; ) {
      t.ctx.dispatcher.kick();
      await sleep(100);
      const items = (await t.request({ method: 'GET', url: '/api/v1/dutyfree/sale-reviews', auth: inspector })).json()
        .items;
      review = items.find((r: { reservationId: string }) => r.reservationId === id);
    }
    expect(review).toMatchObject({ reason: 'risk.DF_SAME_CATEGORY_AGAIN', level: 'B' });
  });

  it('a SALE feature is backtested over the stored sale decisions', async () => {
    const bt = await post('/api/v1/risk/features/DF_SAME_CATEGORY_AGAIN/versions/1/backtest', author, {});
    expect(bt.statusCode, bt.body).toBe(200);
    expect(bt.json().metrics).toMatchObject({ scope: 'SALE', hits: 1, wouldReview: 1, wouldRefuse: 0 });
    expect(bt.json().metrics.sales).toBeGreaterThanOrEqual(4);
  });
});
