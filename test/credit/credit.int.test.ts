import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, ADMIN_PASSWORD, type TestApp } from '../support/app.ts';
import { demoUscc } from '../../src/seed/demo.ts';
import { shanghaiDate } from '../../src/kernel/clock.ts';

let t: TestApp;
let admin: string;
let tax: string;
let customs: string;

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-03-01T04:00:00Z') });
  admin = await t.authFor('admin', { name: 'admin' });
  tax = await t.authFor('department', { name: 'tax-bureau' });
  customs = await t.authFor('department', { name: 'haikou-customs' });
});
afterAll(async () => {
  await t?.close();
});

async function enterprise(org: string): Promise<string> {
  const uscc = demoUscc(`91460100${org}`);
  const res = await t.request({ method: 'POST', url: '/api/v1/enterprises', auth: admin, body: { uscc, name: `信用测试 ${org}`, registeredInHainan: true } });
  expect(res.statusCode).toBe(201);
  return uscc;
}

const input = (auth: string, subject: string, effectiveDate: string, body: object, source = 'customs') =>
  t.request({ method: 'POST', url: '/api/v1/credit/inputs', auth, body: { subjectKind: 'ENTERPRISE', subject, source, effectiveDate, input: body } });

const credit = async (uscc: string, asOf?: string) => (await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${uscc}${asOf ? `?asOf=${asOf}` : ''}`, auth: admin })).json();

describe('credit classification over the API', () => {
  it('a new enterprise is WHITELIST automatically, with a reason', async () => {
    const uscc = await enterprise('MA5TCRED1');
    const c = await credit(uscc);
    expect(c).toMatchObject({ class: 'WHITELIST', reasons: [expect.objectContaining({ rule: expect.any(String) })] });
  });

  it('a smuggling penalty puts it on FOCUS until three years have passed; the sweep removes it automatically', async () => {
    const uscc = await enterprise('MA5TCRED2');
    const res = await input(customs, uscc, '2026-02-10', { type: 'EVENT', kind: 'SMUGGLING_PENALTY' });
    expect(res.json()).toMatchObject({ class: 'FOCUS', classChanged: true });
    const c = await credit(uscc);
    expect(c.class).toBe('FOCUS');
    expect(c.reasons[0]).toMatchObject({ since: '2026-02-10', until: '2029-02-10' });
    expect((await credit(uscc, '2029-02-09')).class).toBe('FOCUS');
    expect((await credit(uscc, '2029-02-10')).class).toBe('WHITELIST');
    expect((await credit(uscc, '2026-02-09')).class).toBe('WHITELIST');

    t.clock.set(new Date('2029-02-09T16:05:00Z')); // 00:05 on 2029-02-10 in Asia/Shanghai
    expect(shanghaiDate(t.clock.now())).toBe('2029-02-10');
    // Tokens last one shift: log in again in 2029.
    const later = `Bearer ${(await t.request({ method: 'POST', url: '/api/v1/auth/login', body: { username: 'admin', password: ADMIN_PASSWORD } })).json().token}`;
    const swept = (await t.request({ method: 'POST', url: '/api/v1/credit/sweep', auth: later })).json();
    expect(swept.changed).toBeGreaterThanOrEqual(1);
    expect((await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${uscc}`, auth: later })).json()).toMatchObject({ class: 'WHITELIST', asOf: '2029-02-10' });
    const history = (await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${uscc}/history`, auth: later })).json();
    expect(history.items.map((h: { to: string; effectiveDate: string }) => `${h.effectiveDate} ${h.to}`)).toEqual(['2026-03-01 FOCUS', '2029-02-10 WHITELIST']);
    t.clock.set(new Date('2026-03-01T04:00:00Z'));
  });

  it('a lowest sector rating is FOCUS until that department raises it; AEO counts only without FOCUS', async () => {
    const uscc = await enterprise('MA5TCRED3');
    expect((await input(customs, uscc, '2026-01-05', { type: 'AEO', action: 'GRANTED' })).json().class).toBe('ADVANCED_CERTIFIED');
    expect((await input(tax, uscc, '2026-02-01', { type: 'SECTOR_RATING', department: 'tax', level: 'D', isLowestLevel: true }, 'tax')).json().class).toBe('FOCUS');
    expect((await input(tax, uscc, '2026-02-20', { type: 'SECTOR_RATING', department: 'tax', level: 'B', isLowestLevel: false }, 'tax')).json().class).toBe('ADVANCED_CERTIFIED');
  });

  it('a withdrawn input stops counting from its withdrawal date; history before stays reproducible', async () => {
    const uscc = await enterprise('MA5TCRED4');
    const { inputId } = (await input(customs, uscc, '2026-02-15', { type: 'EVENT', kind: 'SERIOUS_DISHONESTY_LISTING' })).json();
    const w = await t.request({ method: 'POST', url: `/api/v1/credit/inputs/${inputId}/withdraw`, auth: admin, body: { reason: '名单认定有误 listed in error' } });
    expect(w.json()).toMatchObject({ class: 'WHITELIST', classChanged: true });
    expect((await credit(uscc, '2026-02-20')).class).toBe('FOCUS');
    expect((await credit(uscc)).class).toBe('WHITELIST');
    const again = await t.request({ method: 'POST', url: `/api/v1/credit/inputs/${inputId}/withdraw`, auth: admin, body: { reason: 'twice' } });
    expect(again.statusCode).toBe(409);
  });

  it('departments follow changes through the cursor feed; enterprise users see only their own class', async () => {
    const feed = (await t.request({ method: 'GET', url: '/api/v1/credit/changes?after=0&limit=1000', auth: tax })).json();
    expect(feed.items.length).toBeGreaterThanOrEqual(4);
    const seqs = feed.items.map((i: { seq: number }) => i.seq);
    expect([...seqs].sort((a: number, b: number) => a - b)).toEqual(seqs);
    const next = (await t.request({ method: 'GET', url: `/api/v1/credit/changes?after=${feed.next}`, auth: tax })).json();
    expect(next.items).toEqual([]);

    const own = await enterprise('MA5TCRED5');
    const ent = (await t.request({ method: 'GET', url: `/api/v1/enterprises/${own}`, auth: admin })).json();
    const user = await t.authFor('enterprise_user', { enterpriseId: ent.id });
    expect((await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${own}`, auth: user })).statusCode).toBe(200);
    const other = feed.items[0].subject;
    expect((await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${other}`, auth: user })).statusCode).toBe(404);
  });

  it('rejects bad input naming the field, and writes nothing', async () => {
    const uscc = await enterprise('MA5TCRED6');
    const bad = await input(customs, uscc, '2026-13-01', { type: 'EVENT', kind: 'SMUGGLING_PENALTY' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('effectiveDate');
    const wrongKind = await input(customs, uscc, '2026-01-01', { type: 'EVENT', kind: 'JAYWALKING' });
    expect(wrongKind.json().errors[0].path).toBe('input.kind');
    expect((await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${uscc}/inputs`, auth: admin })).json().items).toEqual([]);
  });

  it('measures follow the class', async () => {
    const uscc = await enterprise('MA5TCRED7');
    await input(customs, uscc, '2026-02-01', { type: 'EVENT', kind: 'SMUGGLING_PENALTY' });
    const m = (await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${uscc}/measures`, auth: admin })).json();
    expect(m).toMatchObject({ class: 'FOCUS', inspectionRate: { kind: 'FLOOR', minimumRate: '0.8' }, batchExitAllowed: false });
  });
});

describe('bulk import', () => {
  it('imports a chunk, recomputes each subject once, and reports unknown subjects by index', async () => {
    const a = await enterprise('MA5TBULK1');
    const b = await enterprise('MA5TBULK2');
    const records = [
      { subjectKind: 'ENTERPRISE', subject: a, source: 'tax', effectiveDate: '2026-01-10', input: { type: 'SECTOR_RATING', department: 'tax', level: 'D', isLowestLevel: true } },
      { subjectKind: 'ENTERPRISE', subject: a, source: 'tax', effectiveDate: '2026-02-10', input: { type: 'SECTOR_RATING', department: 'tax', level: 'C', isLowestLevel: false } },
      { subjectKind: 'ENTERPRISE', subject: b, source: 'customs', effectiveDate: '2026-01-15', input: { type: 'AEO', action: 'GRANTED' } },
      { subjectKind: 'ENTERPRISE', subject: demoUscc('91460100MA5TNNNE1'), source: 'customs', effectiveDate: '2026-01-15', input: { type: 'AEO', action: 'GRANTED' } },
    ];
    const res = await t.request({ method: 'POST', url: '/api/v1/credit/inputs/bulk', auth: tax, body: { records } });
    expect(res.json()).toMatchObject({ imported: 3, rejected: 1, subjectsRecomputed: 2, errors: [{ line: 3, path: 'subject' }] });
    expect((await credit(a)).class).toBe('WHITELIST');
    expect((await credit(a, '2026-01-20')).class).toBe('FOCUS');
    expect((await credit(b)).class).toBe('ADVANCED_CERTIFIED');
  });
});
