import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { randomUscc } from '../support/ledgerFixtures.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { createEnterprise } from '../../src/modules/subjects/service.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { runCommand } from '../../src/platform/command.ts';
import { returnLicenceUseTx } from '../../src/modules/licence/service.ts';

/**
 * Prohibited and restricted goods and licences over HTTP: the list loaded all or nothing, screening,
 * licences pushed by a department, written off per use, refused when exhausted or expired, and
 * 200 parallel uses of a 100-unit licence writing off exactly 100, and a write-off given back once however
 * often it is asked.
 */
let t: TestApp;
let admin: string;
let officer: string;
let dept: string;
let holder: { id: string; uscc: string };
let other: { id: string; uscc: string };

const HEADER = 'hsPrefix,keywords,measure,licenceType,direction,validFrom,validTo,description,legalBasis';
const LIST = [
  HEADER,
  '0507,象牙|ivory,PROHIBITED,,BOTH,2025-01-01,,象牙及其制品 ivory,CITES; 国务院办公厅 2017',
  '8525,,RESTRICTED,RADIO_TYPE_APPROVAL,IMPORT,2025-01-01,,无线电发射设备 radio transmitters,无线电管理条例',
].join('\n');

const post = (url: string, body: unknown, auth?: string) =>
  t.request({ method: 'POST', url, body, ...(auth ? { auth } : {}) });
const get = (url: string, auth: string) => t.request({ method: 'GET', url, auth });
const count = async (table: string) =>
  Number((await queryRows<{ n: number }>(t.ctx.db, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n);
const rules = (res: { json: () => { errors: { path: string; rule: string }[] } }) =>
  res.json().errors.map((e) => [e.path, e.rule]);

async function enterprise() {
  const uscc = randomUscc();
  const e = await createEnterprise(t.ctx, systemActor('test'), {
    uscc,
    name: `持证企业 Licence holder ${uscc.slice(-6)}`,
    registeredInHainan: true,
    legalForm: 'INDEPENDENT_LEGAL_PERSON',
    industry: 'test',
    encouragedIndustry: false,
  });
  return { id: e.id, uscc };
}

const licence = (number: string, o: Record<string, unknown> = {}) => ({
  number,
  licenceType: 'RADIO_TYPE_APPROVAL',
  holderUscc: holder.uscc,
  goods: '无线电发射设备 radio transmitters',
  hsPrefixes: ['8525'],
  unit: 'SET',
  quantity: '100',
  validFrom: '2026-01-01',
  validUntil: '2026-12-31',
  ...o,
});
const use = (o: Record<string, unknown> = {}) => ({ useId: uuidv7(), hsCode: '8525600000', quantity: '1', ...o });

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-11-23T02:00:00Z') });
  admin = await t.authFor('admin', { name: 'admin' });
  officer = await t.authFor('inspector');
  dept = await t.authFor('department', { scope: { department: 'commerce' } });
  holder = await enterprise();
  other = await enterprise();
});
afterAll(async () => {
  await t?.close();
});

describe('the prohibited and restricted goods list', () => {
  it('one bad row loads nothing and is named by line; the good file loads once', async () => {
    const bad = await post(
      '/api/v1/restricted-goods/import',
      { csv: `${LIST}\n99x,,PROHIBITED,,IMPORT,2025-01-01,,x,` },
      admin,
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(rules(bad)).toEqual([['csv[4].hsPrefix', 'restricted.file.hsPrefix']]);
    expect(await count('restricted_goods')).toBe(0);
    const ok = await post('/api/v1/restricted-goods/import', { csv: LIST, source: 'test list' }, admin);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ rows: 2, imported: 2, unchanged: 0 });
    expect((await post('/api/v1/restricted-goods/import', { csv: LIST }, admin)).json()).toMatchObject({
      imported: 0,
      unchanged: 2,
    });
    expect((await post('/api/v1/restricted-goods/import', { csv: LIST }, officer)).statusCode).toBe(403);
  });

  it.each([
    ['9601100000', 'carved ivory', 'PROHIBITED'],
    ['8525600000', 'radio', 'RESTRICTED'],
    ['8471300000', 'laptop', 'FREE'],
  ])('%s %s is %s', async (hsCode, description, verdict) => {
    const res = await get(
      `/api/v1/restricted-goods/check?hsCode=${hsCode}&description=${encodeURIComponent(description)}`,
      officer,
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().verdict).toBe(verdict);
  });
});

describe('licences', () => {
  it('a department pushes a licence; the same push again changes nothing; an amendment is a new version', async () => {
    const first = await post('/api/v1/licences', licence('RT-2026-0001'), dept);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      version: 1,
      quantity: '100',
      used: '0',
      remaining: '100',
      issuer: 'commerce',
    });
    expect((await post('/api/v1/licences', licence('RT-2026-0001'), dept)).json().version).toBe(1);
    const amended = await post('/api/v1/licences', licence('RT-2026-0001', { quantity: '120' }), dept);
    expect(amended.json()).toMatchObject({ version: 2, quantity: '120' });
    const malformed = await post('/api/v1/licences', licence('RT-2026-0002', { quantity: 5 }), dept);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0].path).toBe('quantity');
    const ent = await t.authFor('enterprise_user', { enterpriseId: holder.id });
    expect((await post('/api/v1/licences', licence('RT-2026-0003'), ent)).statusCode).toBe(403);
  });

  it('written off per use; refused when exhausted, expired, out of scope or held by another, writing nothing', async () => {
    await post('/api/v1/licences', licence('RT-2026-0010', { quantity: '5' }), dept);
    const url = '/api/v1/licences/RT-2026-0010/uses';
    const first = await post(url, use({ quantity: '3', date: '2026-11-20', reference: 'FL-1' }), officer);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().licence).toMatchObject({ used: '3', remaining: '2' });
    const again = await post(
      url,
      { ...use({ quantity: '3', date: '2026-11-20', reference: 'FL-1' }), useId: first.json().useId },
      officer,
    );
    expect([again.statusCode, again.json().licence.used]).toEqual([201, '3']);

    const before = await count('licence_uses');
    const cases: [Record<string, unknown>, number, string][] = [
      [use({ quantity: '2.5' }), 422, 'licence.exhausted'],
      [use({ date: '2027-01-01' }), 422, 'licence.expired'],
      [use({ hsCode: '8471300000' }), 422, 'licence.scope'],
    ];
    for (const [body, status, rule] of cases) {
      const res = await post(url, body, officer);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors[0].rule).toBe(rule);
    }
    expect(await count('licence_uses')).toBe(before);
    const view = (await get('/api/v1/licences/RT-2026-0010', officer)).json();
    expect(view.licence).toMatchObject({ used: '3', remaining: '2' });
    expect(view.items).toHaveLength(1);

    // The holder reads its own licences; another enterprise sees none of them.
    const mine = await t.authFor('enterprise_user', { enterpriseId: holder.id });
    expect((await get('/api/v1/licences', mine)).json().items.length).toBeGreaterThanOrEqual(2);
    const stranger = await t.authFor('enterprise_user', { enterpriseId: other.id });
    expect((await get('/api/v1/licences', stranger)).json().items).toEqual([]);
    expect((await get('/api/v1/licences/RT-2026-0010', stranger)).statusCode).toBe(404);
  });

  it('a department cannot cut a licence below what was written off', async () => {
    const res = await post('/api/v1/licences', licence('RT-2026-0010', { quantity: '2' }), dept);
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].rule).toBe('licence.belowUsed');
  });

  it('a write-off given back 20 times at once returns its quantity once; an unknown use is refused', async () => {
    await post('/api/v1/licences', licence('RT-2026-0200', { quantity: '10' }), dept);
    const first = use({ quantity: '7', date: '2026-11-23' });
    expect((await post('/api/v1/licences/RT-2026-0200/uses', first, officer)).statusCode).toBe(201);
    const giveBack = () =>
      runCommand(t.ctx, 'licence.return', (tx) =>
        returnLicenceUseTx(tx, t.ctx, systemActor('test'), { useId: first.useId, reason: 'document refused' }),
      );
    const results = await Promise.all(Array.from({ length: 20 }, giveBack));
    expect(results.filter((r) => r.returned)).toHaveLength(1);
    expect(results.every((r) => r.quantity === '7')).toBe(true);
    const view = (await get('/api/v1/licences/RT-2026-0200', officer)).json();
    expect(view.licence).toMatchObject({ used: '0', remaining: '10' });
    const [n] = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from licence_returns r join licences l on l.id = r.licence_id
          where l.number = 'RT-2026-0200'`,
    );
    expect(n!.n).toBe(1);
    expect(await giveBack()).toMatchObject({ returned: false, licence: { used: '0' } });
    const stranger = await runCommand(t.ctx, 'licence.return', (tx) =>
      returnLicenceUseTx(tx, t.ctx, systemActor('test'), { useId: uuidv7(), reason: 'no such use' }),
    ).then(
      () => null,
      (e: { errors?: { rule: string }[] }) => e.errors?.[0]?.rule,
    );
    expect(stranger).toBe('licence.useUnknown');
  });

  it('200 parallel uses of a licence for 100 units write off exactly 100', async () => {
    await post('/api/v1/licences', licence('RT-2026-0100'), dept);
    const url = '/api/v1/licences/RT-2026-0100/uses';
    const results = await Promise.all(
      Array.from({ length: 200 }, () => post(url, use({ date: '2026-11-23' }), officer)),
    );
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(100);
    expect(statuses.filter((s) => s === 422)).toHaveLength(100);
    for (const r of results.filter((x) => x.statusCode === 422))
      expect(r.json().errors[0].rule).toBe('licence.exhausted');
    const view = (await get('/api/v1/licences/RT-2026-0100', officer)).json();
    expect(view.licence).toMatchObject({ used: '100', remaining: '0' });
    expect(view.items).toHaveLength(100);
    const [sum] = await queryRows<{ s: string }>(
      t.ctx.db,
      sql`select sum(u.quantity)::text as s from licence_uses u join licences l on l.id = u.licence_id where l.number = 'RT-2026-0100'`,
    );
    expect(Number(sum!.s)).toBe(100);
  });
});
