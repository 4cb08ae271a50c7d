import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { runCommand } from '../../src/platform/command.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import { exitBody } from '../declarations/helpers.ts';

/**
 * The tariff table over HTTP: loaded all or nothing, rates by code, origin and date, the public
 * calculator and the exit declaration taking the rates a line omits from it.
 */
let t: TestApp;
let admin: string;

const HEADER =
  'code,description,unit,validFrom,validTo,mfnRate,generalRate,provisionalRate,provisionalTo,conventional,' +
  'consumptionTaxRate,vatRate';
// Test rows: wine's 2025 figures, a later version, and golf clubs with made-up rates for the exit.
const TABLE = [
  HEADER,
  '2204210000,wine,升,2020-01-01,,0.14,1.8,,,CN-CL:CL=0;CN-NZ:NZ=0,0.1,0.13',
  '2204210000,wine,升,2026-03-01,,0.12,1.8,0.1,2027-01-01,CN-CL:CL=0,0.1,0.13',
  '9506310000,golf clubs,套,2020-01-01,,0.1,0.5,,,,0.1,0.13',
].join('\n');

const post = (url: string, body: unknown, auth?: string) =>
  t.request({ method: 'POST', url, body, ...(auth ? { auth } : {}) });
const count = async (table: string) =>
  Number((await queryRows<{ n: number }>(t.ctx.db, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n);
const pathsAndRules = (res: { json: () => { errors: { path: string; rule: string }[] } }) =>
  res.json().errors.map((e) => [e.path, e.rule]);

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.authFor('admin', { name: 'admin' });
  for (const [name, value] of [
    ['risk.randomFloorRate', '0'],
    ['risk.routineInspectionRate', '0'],
  ] as const) {
    const version = { name, value, validFrom: '2025-12-18', reason: 'test' };
    await runCommand(t.ctx, 'parameter.set', (tx) => setParameter(tx, version, 'system:test', t.clock.now()));
  }
});
afterAll(async () => {
  await t?.close();
});

describe('the tariff table', () => {
  it('one bad row loads nothing and is named by line; the good file loads once', async () => {
    const badRow = '2204220000,wine in bulk,升,2020-01-01,,0.2x,1.8,,,,0.1,0.13';
    const bad = await post('/api/v1/tariff/import', { csv: `${TABLE}\n${badRow}` }, admin);
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(pathsAndRules(bad)).toEqual([['csv[5].mfnRate', 'tariff.file.format']]);
    expect(await count('tariff_lines')).toBe(0);

    const ok = await post('/api/v1/tariff/import', { csv: TABLE, source: 'test schedule' }, admin);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ rows: 3, imported: 3, unchanged: 0, codes: 2 });
    const again = await post('/api/v1/tariff/import', { csv: TABLE }, admin);
    expect(again.json()).toMatchObject({ imported: 0, unchanged: 3 });
    const inspector = await t.authFor('inspector');
    expect((await post('/api/v1/tariff/import', { csv: TABLE }, inspector)).statusCode).toBe(403);
  });

  it('the sample file loads', async () => {
    const csv = readFileSync('src/modules/tariff/sample/tariff-2025.csv', 'utf8');
    const res = await post('/api/v1/tariff/import', { csv, source: 'sample' }, admin);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().imported).toBeGreaterThanOrEqual(9);
  });

  it.each([
    ['US', '2025-06-01', 'MFN', '0.14'],
    ['CL', '2025-06-01', 'CONVENTIONAL', '0'],
    ['NZ', '2026-06-01', 'PROVISIONAL', '0.1'],
    ['US', '2027-02-01', 'MFN', '0.12'],
  ])('wine of %s declared on %s: %s %s', async (origin, date, kind, rate) => {
    const url = `/api/v1/calc/tariff-rates?code=2204210000&origin=${origin}&date=${date}`;
    const res = await t.request({ method: 'GET', url });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().duty).toMatchObject({ kind, rate });
    expect(res.json()).toMatchObject({ vatRate: '0.13', consumptionTax: { rate: '0.1' } });
  });

  it('a code without a line in force is refused, naming the rule', async () => {
    const res = await t.request({ method: 'GET', url: '/api/v1/calc/tariff-rates?code=2204210000&date=2019-12-31' });
    expect([res.statusCode, res.json().errors[0].rule]).toEqual([422, 'tariff.lineMissing']);
  });
});

describe('POST /calc/tax with and without rates', () => {
  it('a line without rates is taxed from the table by code, origin and date; one with rates as given', async () => {
    const res = await post('/api/v1/calc/tax', {
      declarationDate: '2025-06-01',
      lines: [
        { hsCode: '2204210000', customsValue: '10000', originCountry: 'US' },
        { hsCode: '2204210000', customsValue: '10000', dutyRate: '0.2', vatRate: '0.13' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const [fromTable, given] = res.json().lines;
    // 10,000 × 14% = 1,400.00; (11,400) ÷ 0.9 × 0.1 = 1,266.67; (12,666.67) × 13% = 1,646.67
    expect(fromTable).toMatchObject({ duty: '1400.00', consumptionTax: '1266.67', vat: '1646.67', total: '4313.34' });
    expect(fromTable.tariff).toMatchObject({ code: '2204210000', duty: { kind: 'MFN', rule: 'tariff.rate.mfn' } });
    // The contract's line: its own duty, no consumption tax.
    expect(given).toMatchObject({ duty: '2000.00', consumptionTax: '0.00', vat: '1560.00' });
    expect(given.tariff).toBeUndefined();
    expect(Object.keys(res.json().parameterVersions)).toContain('tariff:2204210000');
  });

  it('a line without rates whose code the table lacks is refused at its field', async () => {
    const rated = { hsCode: '2204210000', customsValue: '1', dutyRate: '0', vatRate: '0.13' };
    const lines = [rated, { hsCode: '2204291000', customsValue: '1' }];
    const res = await post('/api/v1/calc/tax', { lines });
    expect(res.statusCode).toBe(422);
    expect(pathsAndRules(res)).toEqual([['lines[1].dutyRate', 'tariff.lineMissing']]);
  });
});

describe('the exit declaration without rates', () => {
  it('is taxed from the table; a line neither it nor the table rates is refused and nothing is written', async () => {
    const usGoods = { originCountry: 'US', quantity: '500' };
    const z = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        { ...usGoods, hsCode: '9506310000', name: 'golf clubs', unit: 'SET', importedCny: '80000' },
        { ...usGoods, hsCode: '9506320000', name: 'golf balls', unit: 'PCS', importedCny: '1000' },
      ],
    });
    const auth = await t.authFor('enterprise_user', { enterpriseId: z.enterpriseId });
    const line = { itemId: z.itemIds[0]!, quantity: '500', valueCny: '100000', netWeightKg: '500' };
    const unrated = (l: object) => ({ ...exitBody(z.bookId, []), lines: [l] });

    const before = await count('decl_declarations');
    const balls = unrated({ ...line, itemId: z.itemIds[1]!, valueCny: '2000' });
    const refused = await post('/api/v1/declarations/exits', balls, auth);
    expect(refused.statusCode).toBe(422);
    expect(pathsAndRules(refused)).toEqual([['lines[0].dutyRate', 'tariff.lineMissing']]);
    expect(await count('decl_declarations')).toBe(before);

    const res = await post('/api/v1/declarations/exits', unrated(line), auth);
    expect(res.statusCode, res.body).toBe(201);
    // On the imported content 80,000: duty 8,000.00; (88,000) ÷ 0.9 × 0.1 = 9,777.78; (97,777.78) × 13% = 12,711.11
    const taxes = { duty: '8000.00', consumptionTax: '9777.78', vat: '12711.11', total: '30488.89' };
    expect(res.json().taxes).toMatchObject(taxes);
    const tariff = { code: '9506310000', duty: { kind: 'MFN' } };
    expect(res.json().lines[0]).toMatchObject({ dutyRate: '0.1', vatRate: '0.13', tariff });
  });
});
