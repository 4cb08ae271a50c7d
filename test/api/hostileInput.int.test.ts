import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { testDbKind } from '../support/db.ts';
import { DEMO_ENTERPRISES } from '../../src/seed/demo.ts';
import { findUserByName } from '../../src/platform/auth/service.ts';
import { queryRows } from '../../src/platform/db/client.ts';

/**
 * Each input below answered 500 once: NUL bytes and unpaired surrogates in text, dates of year 0000
 * or not dates at all, and tokens the database or the verifier could not take. The kernel's wire
 * types refuse them, so each is a 400 problem naming the field (or a 401 for the tokens).
 */
let t: TestApp;
let admin: string;
const jerky = DEMO_ENTERPRISES.find((e) => e.key === 'jerky')!;
const NO_TASK = '01900000-0000-7000-8000-000000000000';

beforeAll(async () => {
  t = await startTestApp({ seedDemo: true });
  admin = await t.authFor('admin', { name: 'admin' });
});
afterAll(async () => {
  await t?.close();
});

type Answer = { statusCode: number; headers: Record<string, unknown>; json(): unknown };

function expectFieldProblem(res: Answer, path: string, rule?: string) {
  expect(res.statusCode, JSON.stringify(res.json())).toBe(400);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const errors = (res.json() as { errors?: { path: string; rule?: string }[] }).errors ?? [];
  expect(errors.map((e) => e.path)).toContain(path);
  if (rule) expect(errors.find((e) => e.path === path)?.rule).toBe(rule);
}

const get = (url: string, auth?: string) => t.request({ method: 'GET', url, ...(auth ? { auth } : {}) });
const post = (url: string, auth: string | undefined, body: unknown) =>
  t.request({ method: 'POST', url, body, ...(auth ? { auth } : {}) });

async function firstRow<T>(query: ReturnType<typeof sql>): Promise<T> {
  return (await queryRows<T>(t.ctx.db, query))[0]!;
}

async function signed(sub: string, withExpiry: boolean): Promise<string> {
  const now = Math.floor(t.clock.now().getTime() / 1000);
  const jwt = new SignJWT({ role: 'admin', ent: null, name: 'admin' }).setProtectedHeader({ alg: 'HS256' });
  jwt.setSubject(sub).setIssuer('tidegate').setIssuedAt(now);
  if (withExpiry) jwt.setExpirationTime(now + 3600);
  return `Bearer ${await jwt.sign(t.ctx.keys.jwt)}`;
}

describe(`hostile input on ${testDbKind()}`, () => {
  it('NUL bytes in text are refused, naming the field', async () => {
    const login = await post('/api/v1/auth/login', undefined, { username: 'ad\u0000min', password: 'whatever-123' });
    expectFieldProblem(login, 'username', 'text.nul');
    expectFieldProblem(await get('/api/v1/enterprises?q=%00', admin), 'q', 'text.nul');
    const enterprise = { uscc: jerky.uscc, name: 'A\u0000B Co.', registeredInHainan: true };
    expectFieldProblem(await post('/api/v1/enterprises', admin, enterprise), 'name', 'text.nul');
    expectFieldProblem(await get('/api/v1/inspection/tasks?portCode=%00', admin), 'portCode', 'text.nul');

    const book = await firstRow<{ id: string }>(sql`select id from ledger_books limit 1`);
    const item = { itemNo: 'X-1', hsCode: '0202300090', name: 'beef\u0000', unit: 'KG', originCountry: 'AU' };
    const items = await post(`/api/v1/ledger/books/${book.id}/items`, admin, { items: [item] });
    expectFieldProblem(items, 'items[0].name', 'text.nul');
    const movements = await get(`/api/v1/ledger/books/${book.id}/movements?documentType=%00`, admin);
    expectFieldProblem(movements, 'documentType', 'text.nul');
    expectFieldProblem(await get(`/api/v1/ledger/books/${book.id}/documents?status=A%00`, admin), 'status', 'text.nul');

    const ent = await firstRow<{ id: string }>(sql`select id from enterprises where uscc = ${jerky.uscc}`);
    const declarant = await t.authFor('enterprise_user', { enterpriseId: ent.id });
    const transport = { mode: 'ROAD', plate: '琼A\u00001234', expectedGrossWeightKg: '1000' };
    const exit = await post('/api/v1/declarations/exits', declarant, { transport });
    expectFieldProblem(exit, 'transport.plate', 'text.nul');

    const inspector = await t.authFor('inspector');
    const evidence = { fileName: 'photo\u0000.jpg', contentType: 'image/jpeg', contentBase64: 'AAAA' };
    const upload = await post(`/api/v1/inspection/tasks/${NO_TASK}/evidence`, inspector, evidence);
    expectFieldProblem(upload, 'fileName', 'text.nul');
  });

  it('unpaired surrogates in ids and codes are refused, naming the field', async () => {
    const scope = { portCode: 'CNHAK-XINHAI', laneCode: 'CNHAK-XINHAI-L01' };
    const gate = await t.authFor('gate_device', { name: 'xinhai-l01', scope });
    const event = {
      eventId: 'evt-\ud800',
      ...scope,
      direction: 'OUT',
      plate: '琼A12345',
      containers: [],
      weightKg: '25000',
      sealState: 'INTACT',
      at: '2026-11-23T02:00:00Z',
    };
    expectFieldProblem(await post('/api/v1/gate/events', gate, event), 'eventId', 'text.surrogate');

    const inspector = await t.authFor('inspector');
    const reasons = [{ code: 'X\ud800', detail: 'looks wrong' }];
    const task = { documentType: 'GATE_EVENT', documentId: 'evt-1', portCode: 'CNHAK-XINHAI', reasons };
    expectFieldProblem(await post('/api/v1/inspection/tasks', inspector, task), 'reasons[0].code', 'text.surrogate');
  });

  it('dates of year 0000 and text that is not a date are refused, naming the field', async () => {
    const analyst = await t.authFor('risk_analyst');
    expectFieldProblem(await get('/api/v1/ledger/catalogue?asOf=abc', admin), 'asOf');
    const rate = await get('/api/v1/calc/exchange-rate?currency=USD&declarationDate=0000-01-01');
    expectFieldProblem(rate, 'declarationDate', 'date.range');
    const credit = await get(`/api/v1/credit/enterprise/${jerky.uscc}?asOf=0000-01-01`, admin);
    expectFieldProblem(credit, 'asOf', 'date.range');
    expectFieldProblem(await post('/api/v1/risk/models/train', analyst, { to: '0000-01-01' }), 'to', 'date.range');
    const check = await post('/api/v1/declarations/centralized/check', admin, { date: '0000-01-01' });
    expectFieldProblem(check, 'date', 'date.range');
    const version = { name: 'ledger.reservationTtlHours', value: 72, validFrom: '0000-01-01', reason: 'no year zero' };
    expectFieldProblem(await post('/api/v1/parameters', admin, version), 'validFrom', 'date.range');
  });

  it('a decimal in a query string is checked before it is read (salePrice=__proto__ was a 500)', async () => {
    const item = await firstRow<{ bookId: string; id: string }>(sql`select book_id as "bookId", id from ledger_items`);
    for (const salePrice of ['__proto__', 'abc', '1e5']) {
      const url = `/api/v1/ledger/books/${item.bookId}/items/${item.id}/value-added?quantity=1&salePrice=${salePrice}`;
      expectFieldProblem(await get(url, admin), 'salePrice');
    }
  });

  it('an empty or dashed book id is a field error, not a value cast to uuid', async () => {
    const document = {
      type: 'SCRAP',
      documentId: '01a20621-ad00-7d70-81bd-fbd4fcd18af3',
      reason: 'a reason long enough',
    };
    const lines = [{ itemId: '01a20621-ad00-7b93-a9c8-cfaf8b76ad60', quantity: '1' }];
    for (const bookId of ['', '-'.repeat(36)]) {
      const res = await post('/api/v1/ledger/documents', admin, { ...document, bookId, lines });
      expectFieldProblem(res, 'bookId', 'ledger.bookUnknown');
    }
  });

  it('URLs the router refuses (bad percent-encoding, an over-long segment) are problems too', async () => {
    const cases = [
      ['/api/v1/enterprises/%zz', 400],
      ['/api/v1/ledger/books/%ED%A0%80', 400],
      [`/api/v1/enterprises/${'A'.repeat(3000)}`, 414],
    ] as const;
    for (const [url, status] of cases) {
      const res = await get(url, admin);
      expect(res.statusCode, url.slice(0, 40)).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status, type: expect.stringMatching(/^urn:tidegate:error:/) });
    }
  });

  it('a signed token whose subject is not a user id is a 401, and a token without expiry is refused', async () => {
    const notUuid = await get('/api/v1/me', await signed('not-a-uuid', true));
    expect(notUuid.statusCode).toBe(401);
    expect(notUuid.headers['content-type']).toContain('application/problem+json');

    const adminId = (await findUserByName(t.ctx.db, 'admin'))!.id;
    expect((await get('/api/v1/me', await signed(adminId, false))).statusCode).toBe(401);
    // The same token with an expiry is accepted: the refusal above is for the missing claim.
    expect((await get('/api/v1/me', await signed(adminId, true))).statusCode).toBe(200);
  });
});
