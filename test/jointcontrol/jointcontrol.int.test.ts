import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { and, eq, sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { forceRed } from '../support/riskFixtures.ts';
import { riskLeaks } from '../support/riskLeaks.ts';
import { exitBody } from '../declarations/helpers.ts';
import { runCommand } from '../../src/platform/command.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import { countAuditEntries } from '../../src/platform/audit/service.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { outboxEvents } from '../../src/platform/outbox/schema.ts';
import { handleRiskAssessed } from '../../src/modules/jointcontrol/service.ts';
import { deliverWebhooks } from '../../src/modules/sharing/service.ts';
import { verifySignature } from '../../src/modules/sharing/rules.ts';
import { CASE_FIELD_RULES } from '../../src/modules/jointcontrol/wire.ts';
import { fieldByField } from '../support/fieldByField.ts';

/**
 * Joint control of RED over HTTP: an exit declaration scored RED opens a case shared with the police
 * and market regulation; each reads it in its feed (desensitised) and by a signed webhook,
 * acknowledges and reports; officers see both; wrong moves are 422 and write nothing.
 */
let app: TestApp;
let enterpriseAuth: string;
let police: string;
let market: string;
let maritime: string;
let officer: string;
let bookId: string;
let enterpriseId: string;
let itemId: string;
const receivers: Server[] = [];

const allowBefore = process.env.TIDEGATE_WEBHOOK_ALLOW;
process.env.TIDEGATE_WEBHOOK_ALLOW = '127.0.0.1/32';

async function setParam(name: string, value: unknown, validFrom = '2025-12-18') {
  await runCommand(app.ctx, 'parameter.set', (tx) =>
    setParameter(tx, { name, value, validFrom, reason: 'test' }, 'system:test', app.clock.now()),
  );
}

async function fileRedExit(quantity = '10') {
  const body = exitBody(bookId, [
    {
      itemId,
      quantity,
      valueCny: String(Number(quantity) * 6000),
      netWeightKg: String(Number(quantity) * 3),
      dutyRate: '0.05',
      vatRate: '0.13',
    },
  ]);
  const res = await app.request({ method: 'POST', url: '/api/v1/declarations/exits', auth: enterpriseAuth, body });
  expect(res.statusCode, res.body).toBe(201);
  expect(res.json().state).toBe('HELD');
  await app.ctx.dispatcher.drain();
  return res.json() as { id: string };
}

const get = async (url: string, auth: string) => app.request({ method: 'GET', url, auth });
const post = async (url: string, auth: string, body: unknown = {}) => app.request({ method: 'POST', url, auth, body });

async function caseCount(): Promise<number> {
  const [r] = await queryRows<{ n: number }>(app.ctx.db, sql`select count(*)::int as n from joint_control_cases`);
  return r!.n;
}

let declarationId: string;
let caseId: string;

beforeAll(async () => {
  app = await startTestApp({ at: new Date('2026-12-02T02:00:00Z') });
  for (const name of ['risk.randomFloorRate', 'risk.routineInspectionRate']) await setParam(name, '0');
  const goods = await bookWithGoods(app.ctx, {
    regime: 'ZERO_TARIFF',
    entryDate: '2026-11-02',
    items: [
      {
        hsCode: '8471300000',
        name: '笔记本电脑 laptop',
        unit: 'SET',
        originCountry: 'JP',
        quantity: '100',
        importedCny: '500000',
      },
    ],
  });
  bookId = goods.bookId;
  itemId = goods.itemIds[0]!;
  enterpriseId = goods.enterpriseId;
  enterpriseAuth = await app.authFor('enterprise_user', { enterpriseId });
  police = await app.authFor('department', { name: 'police-jc', scope: { department: 'police' } });
  market = await app.authFor('department', { name: 'market-jc', scope: { department: 'market_regulation' } });
  maritime = await app.authFor('department', { name: 'maritime-jc', scope: { department: 'maritime' } });
  officer = await app.authFor('inspector');
  await forceRed(app.ctx);
  declarationId = (await fileRedExit()).id;
});

afterAll(async () => {
  if (allowBefore === undefined) delete process.env.TIDEGATE_WEBHOOK_ALLOW;
  else process.env.TIDEGATE_WEBHOOK_ALLOW = allowBefore;
  for (const s of receivers) {
    s.closeAllConnections();
    s.close();
  }
  await app?.close();
});

describe('joint control of RED, end to end over HTTP', () => {
  it('a RED decision opens one case, in the police and market regulation feeds, desensitised', async () => {
    expect(await caseCount()).toBe(1);
    const feed = (await get('/api/v1/jointcontrol/feed', police)).json();
    expect(feed.items).toHaveLength(1);
    const entry = feed.items[0];
    caseId = entry.case.id;
    expect(entry).toMatchObject({ type: 'CASE_OPENED', seq: feed.next });
    expect(entry.case).toMatchObject({
      state: 'OPEN',
      declaration: { id: declarationId, kind: 'SECOND_LINE_EXIT', port: 'CNHAK-XINHAI' },
      share: { department: 'police', state: 'OPEN', acknowledgedAt: null, outcome: null },
    });
    // Field by field, what a department reads of the case: amounts as their order of magnitude, no
    // risk grounds, no other department's share, no officer's words.
    expect(Object.keys(entry.case).sort()).toEqual(
      [
        'auditSeq',
        'closedAt',
        'declaration',
        'enterprise',
        'goods',
        'id',
        'openedAt',
        'policyVersion',
        'sale',
        'share',
        'state',
        'subject',
        'totalValue',
      ].sort(),
    );
    expect(entry.case).toMatchObject({ subject: 'DECLARATION', sale: null });
    expect(entry.case.totalValue).toBe('10000-100000');
    expect(entry.case.goods).toEqual([
      {
        hsCode: '8471300000',
        description: expect.stringContaining('laptop'),
        quantity: '10-100',
        unit: 'SET',
        originCountry: 'JP',
        valueCny: '10000-100000',
      },
    ]);
    expect(riskLeaks(feed)).toEqual([]);
    const marketFeed = (await get('/api/v1/jointcontrol/feed', market)).json();
    expect(marketFeed.items.map((i: { case: { id: string } }) => i.case.id)).toEqual([caseId]);
    expect(marketFeed.items[0].case.share.department).toBe('market_regulation');
    // The cursor: nothing after the last seq.
    expect((await get(`/api/v1/jointcontrol/feed?after=${feed.next}`, police)).json().items).toEqual([]);
  });

  it('officers see the grounds and both departments; the enterprise sees no case at all', async () => {
    const view = (await get(`/api/v1/jointcontrol/cases/${caseId}`, officer)).json();
    expect(view.totalValue).toBe('60000.00');
    expect(view.grounds.length).toBeGreaterThan(0);
    expect(view.shares.map((s: { department: string }) => s.department).sort()).toEqual([
      'market_regulation',
      'police',
    ]);
    for (const url of [
      '/api/v1/jointcontrol/cases',
      `/api/v1/jointcontrol/cases/${caseId}`,
      '/api/v1/jointcontrol/feed',
    ]) {
      const res = await get(url, enterpriseAuth);
      expect(res.statusCode, url).toBe(403);
      expect(Object.keys(res.json()).sort()).toEqual(['detail', 'instance', 'requestId', 'status', 'title', 'type']);
    }
  });

  it('field by field, the department reads the case as the data classes allow (数据分类分级)', async () => {
    const full = (await get(`/api/v1/jointcontrol/cases/${caseId}`, officer)).json();
    const sent = (await get(`/api/v1/jointcontrol/cases/${caseId}`, police)).json();
    // The officer's view has every department's share; the department's has its own instead.
    const { shares, ...rest } = full;
    const own = shares.find((s: { department: string }) => s.department === 'police');
    const { outcomeBy: _by, ...share } = own;
    const { problems, seen } = fieldByField({ ...rest, shares, share }, sent, CASE_FIELD_RULES, 'department');
    expect(problems).toEqual([]);
    expect(seen.CLEAR).toBeGreaterThan(15);
    expect(seen['DESENSITISED:band']).toBe(3);
    expect(seen['DESENSITISED:omit']).toBeGreaterThanOrEqual(4);
  });

  it('a duplicate RiskAssessed event opens no second case', async () => {
    const [event] = await app.ctx.db
      .select()
      .from(outboxEvents)
      .where(and(eq(outboxEvents.aggregateId, declarationId), eq(outboxEvents.eventType, 'RiskAssessed')))
      .limit(1);
    expect(event?.eventType).toBe('RiskAssessed');
    const audit = await countAuditEntries(app.ctx.db);
    await handleRiskAssessed(app.ctx, { ...event!, payload: event!.payload });
    await handleRiskAssessed(app.ctx, { ...event!, payload: event!.payload });
    // And the whole outbox again, as a consumer whose cursor was lost would read it.
    await app.ctx.db.execute(sql`update outbox_cursors set position = 0 where consumer = 'jointcontrol'`);
    await app.ctx.dispatcher.drain();
    expect(await caseCount()).toBe(1);
    expect(await countAuditEntries(app.ctx.db)).toBe(audit);
    expect((await get('/api/v1/jointcontrol/feed', police)).json().items).toHaveLength(1);
  });

  it('a department not in jointControl.recipients sees nothing: empty feed and list, 404 on the case', async () => {
    expect((await get('/api/v1/jointcontrol/feed', maritime)).json()).toEqual({ items: [], next: 0 });
    expect((await get('/api/v1/jointcontrol/cases', maritime)).json()).toMatchObject({ items: [], total: 0 });
    expect((await get(`/api/v1/jointcontrol/cases/${caseId}`, maritime)).statusCode).toBe(404);
    expect((await post(`/api/v1/jointcontrol/cases/${caseId}/acknowledge`, maritime)).statusCode).toBe(404);
  });

  it('wrong moves are 422 (jointControl.transition) and write nothing; the right ones move the case', async () => {
    const snapshot = async () => ({
      audit: await countAuditEntries(app.ctx.db),
      rows: await queryRows(app.ctx.db, sql`select * from joint_control_shares order by department`),
      events: await queryRows(app.ctx.db, sql`select count(*)::int as n from outbox_events`),
    });
    const outcome = { outcome: 'CRIMINAL_CASE_FILED', reference: 'QGJ-2026-0417', summary: 'Smuggling case filed.' };
    const before = await snapshot();
    const early = await post(`/api/v1/jointcontrol/cases/${caseId}/outcome`, police, outcome);
    expect(early.statusCode).toBe(422);
    expect(early.headers['content-type']).toContain('application/problem+json');
    expect(early.json().errors[0]).toMatchObject({ path: 'state', rule: 'jointControl.transition' });
    expect(await snapshot()).toEqual(before);

    const ack = await post(`/api/v1/jointcontrol/cases/${caseId}/acknowledge`, police, { note: '专案组已接收' });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({
      state: 'OPEN',
      share: { state: 'ACKNOWLEDGED', acknowledgeNote: '专案组已接收' },
    });
    const afterAck = await snapshot();
    const again = await post(`/api/v1/jointcontrol/cases/${caseId}/acknowledge`, police);
    expect(again.statusCode).toBe(422);
    expect(again.json().errors[0].rule).toBe('jointControl.transition');
    expect(await snapshot()).toEqual(afterAck);

    expect((await post(`/api/v1/jointcontrol/cases/${caseId}/acknowledge`, market)).json().state).toBe('ACKNOWLEDGED');
    const reported = await post(`/api/v1/jointcontrol/cases/${caseId}/outcome`, police, outcome);
    expect(reported.statusCode, reported.body).toBe(200);
    expect(reported.json()).toMatchObject({
      state: 'ACKNOWLEDGED',
      share: { state: 'OUTCOME_REPORTED', outcome: 'CRIMINAL_CASE_FILED', outcomeReference: 'QGJ-2026-0417' },
    });
    const marketOutcome = { outcome: 'ADMINISTRATIVE_PENALTY', summary: 'Fined for false declaration.' };
    expect((await post(`/api/v1/jointcontrol/cases/${caseId}/outcome`, market, marketOutcome)).json().state).toBe(
      'OUTCOME_REPORTED',
    );

    const view = (await get(`/api/v1/jointcontrol/cases/${caseId}`, officer)).json();
    expect(view.state).toBe('OUTCOME_REPORTED');
    const police$ = view.shares.find((s: { department: string }) => s.department === 'police');
    expect(police$).toMatchObject({
      state: 'OUTCOME_REPORTED',
      acknowledgedBy: 'client:police-jc',
      outcome: 'CRIMINAL_CASE_FILED',
      outcomeSummary: 'Smuggling case filed.',
      outcomeBy: 'client:police-jc',
    });
    const list = (await get('/api/v1/jointcontrol/cases?state=OUTCOME_REPORTED', officer)).json();
    expect(list.items.map((c: { id: string }) => c.id)).toEqual([caseId]);
  });

  it('an officer closes the case; the departments hear of it, and no further move is taken', async () => {
    const closeBy = (auth: string) =>
      post(`/api/v1/jointcontrol/cases/${caseId}/close`, auth, { reason: '处置完毕，结案' });
    expect((await closeBy(police)).statusCode).toBe(403);
    const closed = await closeBy(officer);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ state: 'CLOSED', closeReason: '处置完毕，结案' });
    const again = await closeBy(officer);
    expect(again.statusCode).toBe(422);
    expect(again.json().errors[0].rule).toBe('jointControl.transition');
    const feed = (await get('/api/v1/jointcontrol/feed', market)).json();
    expect(feed.items.map((i: { type: string }) => i.type)).toEqual(['CASE_OPENED', 'CASE_CLOSED']);
    expect(feed.items[1].case.state).toBe('CLOSED');
    expect('closeReason' in feed.items[1].case).toBe(false);
    const late = await post(`/api/v1/jointcontrol/cases/${caseId}/acknowledge`, maritime);
    expect(late.statusCode).toBe(404);
  });

  it('the policy is dated: from the day it names the police alone, a new case goes to the police only', async () => {
    await setParam('jointControl.recipients', { recipients: [{ department: 'police' }] }, '2026-12-03');
    app.clock.set(new Date('2026-12-03T02:00:00Z'));
    // A day later the logins of yesterday have expired.
    enterpriseAuth = await app.authFor('enterprise_user', { enterpriseId, name: 'trader-next-day' });
    officer = await app.authFor('inspector', { name: 'inspector-next-day' });
    const second = await fileRedExit('5');
    expect(await caseCount()).toBe(2);
    const policeFeed = (await get('/api/v1/jointcontrol/feed', police)).json();
    expect(policeFeed.items.at(-1).case.declaration.id).toBe(second.id);
    const marketIds = (await get('/api/v1/jointcontrol/feed', market))
      .json()
      .items.map((i: { case: { declaration: { id: string } } }) => i.case.declaration.id);
    expect(marketIds).not.toContain(second.id);
    const view = (await get('/api/v1/jointcontrol/cases?state=OPEN', officer)).json().items[0];
    expect(view.shares.map((s: { department: string }) => s.department)).toEqual(['police']);
  });

  it('the signed webhook (feed jointControl.cases) delivers the same entries, and the signature verifies', async () => {
    const got: { body: string; signature: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        got.push({ body, signature: String(req.headers['tidegate-signature']) });
        res.statusCode = 204;
        res.end();
      });
    });
    receivers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/jc`;
    const reg = await post('/api/v1/webhooks', police, { url, feed: 'jointControl.cases', fromStart: true });
    expect(reg.statusCode, reg.body).toBe(201);
    const { secret, feed } = reg.json();
    expect(feed).toBe('jointControl.cases');
    // An admin has no department: the feed is refused naming the rule.
    const admin = await app.authFor('admin', { name: 'admin' });
    const refused = await post('/api/v1/webhooks', admin, { url, feed: 'jointControl.cases' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors[0]).toMatchObject({ path: 'feed', rule: 'sharing.feedScope' });

    await deliverWebhooks(app.ctx);
    const pulled = (await get('/api/v1/jointcontrol/feed', police)).json();
    expect(got).toHaveLength(pulled.items.length);
    const now = Math.floor(app.clock.now().getTime() / 1000);
    for (const [i, d] of got.entries()) {
      expect(verifySignature(secret, d.signature, d.body, now)).toBe(true);
      expect(verifySignature(secret, d.signature, d.body.replace('police', 'polize'), now)).toBe(false);
      const payload = JSON.parse(d.body);
      expect(payload).toMatchObject({ feed: 'jointControl.cases', change: pulled.items[i] });
      expect(riskLeaks(payload)).toEqual([]);
    }
  });
});
