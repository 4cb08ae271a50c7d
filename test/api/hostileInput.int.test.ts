import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { startTestApp, type TestApp } from '../support/app.ts';
import { testDbKind } from '../support/db.ts';
import { DEMO_ENTERPRISES } from '../../src/seed/demo.ts';
import { findUserByName } from '../../src/platform/auth/service.ts';

/**
 * Each input below answered 500 once: NUL bytes and unpaired surrogates in text, dates of year 0000
 * or not dates at all, and tokens the database or the verifier could not take. The kernel's wire
 * types refuse them, so each is a 400 problem naming the field (or a 401 for the tokens).
 */
let t: TestApp;
const jerky = DEMO_ENTERPRISES.find((e) => e.key === 'jerky')!;

beforeAll(async () => {
  t = await startTestApp({ seedDemo: true });
});
afterAll(async () => {
  await t?.close();
});

function expectFieldProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, path: string, rule?: string) {
  expect(res.statusCode, JSON.stringify(res.json())).toBe(400);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const errors = (res.json() as { errors?: { path: string; rule?: string }[] }).errors ?? [];
  expect(errors.map((e) => e.path)).toContain(path);
  if (rule) expect(errors.find((e) => e.path === path)?.rule).toBe(rule);
}

describe(`hostile input on ${testDbKind()}`, () => {
  it('NUL bytes in text are refused, naming the field', async () => {
    const login = await t.request({ method: 'POST', url: '/api/v1/auth/login', body: { username: 'ad\u0000min', password: 'whatever-123' } });
    expectFieldProblem(login, 'username', 'text.nul');

    const admin = await t.authFor('admin', { name: 'admin' });
    const search = await t.request({ method: 'GET', url: '/api/v1/enterprises?q=%00', auth: admin });
    expectFieldProblem(search, 'q', 'text.nul');

    const create = await t.request({ method: 'POST', url: '/api/v1/enterprises', auth: admin, body: { uscc: jerky.uscc, name: 'A\u0000B Co.', registeredInHainan: true } });
    expectFieldProblem(create, 'name', 'text.nul');

    const tasks = await t.request({ method: 'GET', url: '/api/v1/inspection/tasks?portCode=%00', auth: admin });
    expectFieldProblem(tasks, 'portCode', 'text.nul');
  });

  it('unpaired surrogates in ids and codes are refused, naming the field', async () => {
    const gate = await t.authFor('gate_device', { name: 'xinhai-l01', scope: { portCode: 'CNHAK-XINHAI', laneCode: 'CNHAK-XINHAI-L01' } });
    const event = await t.request({
      method: 'POST',
      url: '/api/v1/gate/events',
      auth: gate,
      body: { eventId: 'evt-\ud800', portCode: 'CNHAK-XINHAI', laneCode: 'CNHAK-XINHAI-L01', direction: 'OUT', plate: '琼A12345', containers: [], weightKg: '25000', sealState: 'INTACT', at: '2026-11-23T02:00:00Z' },
    });
    expectFieldProblem(event, 'eventId', 'text.surrogate');

    const inspector = await t.authFor('inspector');
    const task = await t.request({
      method: 'POST',
      url: '/api/v1/inspection/tasks',
      auth: inspector,
      body: { documentType: 'GATE_EVENT', documentId: 'evt-1', portCode: 'CNHAK-XINHAI', reasons: [{ code: 'X\ud800', detail: 'looks wrong' }] },
    });
    expectFieldProblem(task, 'reasons[0].code', 'text.surrogate');
  });

  it('dates of year 0000 and text that is not a date are refused, naming the field', async () => {
    const admin = await t.authFor('admin', { name: 'admin' });
    const analyst = await t.authFor('risk_analyst');
    const catalogue = await t.request({ method: 'GET', url: '/api/v1/ledger/catalogue?asOf=abc', auth: admin });
    expectFieldProblem(catalogue, 'asOf');
    const rate = await t.request({ method: 'GET', url: '/api/v1/calc/exchange-rate?currency=USD&declarationDate=0000-01-01' });
    expectFieldProblem(rate, 'declarationDate', 'date.range');
    const credit = await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${jerky.uscc}?asOf=0000-01-01`, auth: admin });
    expectFieldProblem(credit, 'asOf', 'date.range');
    const train = await t.request({ method: 'POST', url: '/api/v1/risk/models/train', auth: analyst, body: { to: '0000-01-01' } });
    expectFieldProblem(train, 'to', 'date.range');
    const check = await t.request({ method: 'POST', url: '/api/v1/declarations/centralized/check', auth: admin, body: { date: '0000-01-01' } });
    expectFieldProblem(check, 'date', 'date.range');
    const parameter = await t.request({
      method: 'POST',
      url: '/api/v1/parameters',
      auth: admin,
      body: { name: 'ledger.reservationTtlHours', value: 72, validFrom: '0000-01-01', reason: 'year zero does not exist' },
    });
    expectFieldProblem(parameter, 'validFrom', 'date.range');
  });

  it('a correctly signed token whose subject is not a user id is a 401, and a token without expiry is refused', async () => {
    const key = t.ctx.keys.jwt;
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const notUuid = await new SignJWT({ role: 'admin', ent: null, name: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('not-a-uuid')
      .setIssuer('tidegate')
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(key);
    const res = await t.request({ method: 'GET', url: '/api/v1/me', auth: `Bearer ${notUuid}` });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');

    const admin = (await findUserByName(t.ctx.db, 'admin'))!;
    const forever = await new SignJWT({ role: 'admin', ent: null, name: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(admin.id)
      .setIssuer('tidegate')
      .setIssuedAt(now)
      .sign(key);
    const noExp = await t.request({ method: 'GET', url: '/api/v1/me', auth: `Bearer ${forever}` });
    expect(noExp.statusCode).toBe(401);

    // The same token with an expiry is accepted: the refusal above is for the missing claim.
    const good = await new SignJWT({ role: 'admin', ent: null, name: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(admin.id)
      .setIssuer('tidegate')
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(key);
    expect((await t.request({ method: 'GET', url: '/api/v1/me', auth: `Bearer ${good}` })).statusCode).toBe(200);
  });
});
