import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { Problem } from '../../src/kernel/problem.ts';
import { toCny, type CnyAmount } from '../../src/modules/tax/service.ts';

let t: TestApp;
let admin: string;

const RATES = [
  'currency,rateDate,rate,unit,quote,source',
  'USD,2026-10-21,7.1062,1,,PBoC central parity',
  'JPY,2026-10-21,4.6512,100,CNY_PER_UNIT,',
  'KRW,2026-10-21,195.31,1,UNIT_PER_CNY,',
  'USD,2026-02-18,7.0950',
  'USD,2026-02-25,7.0990',
].join('\n');

const post = (url: string, body: unknown, auth?: string) =>
  t.request({ method: 'POST', url, body, ...(auth ? { auth } : {}) });
const importCsv = (csv: string) => post('/api/v1/tax/exchange-rates/import', { csv }, admin);
const versions = async (currency: string, rateDate: string) =>
  Number(
    (
      await queryRows<{ n: number }>(
        t.ctx.db,
        sql`select count(*)::int as n from tax_exchange_rates where currency = ${currency} and rate_date = ${rateDate}`,
      )
    )[0]!.n,
  );

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.authFor('admin', { name: 'admin' });
});
afterAll(async () => {
  await t?.close();
});

describe('the exchange-rate table', () => {
  it('an administrator loads a CSV; loading it again adds nothing', async () => {
    const first = await importCsv(RATES);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      rows: 5,
      imported: 5,
      unchanged: 0,
      currencies: ['JPY', 'KRW', 'USD'],
      from: '2026-02-18',
      to: '2026-10-21',
    });
    const again = await importCsv(RATES);
    expect(again.json()).toMatchObject({ rows: 5, imported: 0, unchanged: 5 });
    expect(await versions('USD', '2026-10-21')).toBe(1);
    const audit = await queryRows<{ action: string }>(
      t.ctx.db,
      sql`select action from audit_entries where action = 'tax.importExchangeRates'`,
    );
    expect(audit).toHaveLength(2);
  });

  it('a corrected rate is a new version and the newest wins; the old one stays', async () => {
    const res = await importCsv('currency,rateDate,rate\nUSD,2026-10-21,7.1070');
    expect(res.json()).toMatchObject({ imported: 1, unchanged: 0 });
    expect(await versions('USD', '2026-10-21')).toBe(2);
    const list = await t.request({
      method: 'GET',
      url: '/api/v1/tax/exchange-rates?currency=USD&from=2026-10-01',
      auth: await t.authFor('inspector'),
    });
    expect(list.json().items).toEqual([
      expect.objectContaining({ currency: 'USD', rateDate: '2026-10-21', rate: '7.107', source: 'CSV import' }),
    ]);
    // Back to the first figure: again a new version (a correction of the correction).
    await importCsv('currency,rateDate,rate\nUSD,2026-10-21,7.1062');
    expect(await versions('USD', '2026-10-21')).toBe(3);
  });

  it('bad rows are named by line and field, and nothing of the file is loaded', async () => {
    const res = await importCsv(
      'currency,rateDate,rate\nEUR,2026-10-21,8.2\nusd,2026-10-21,7\nGBP,2026-02-30,9.4\nCNY,2026-10-21,1\nHKD,2026-10-21,0\nEUR,2026-10-21,8.3',
    );
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors.map((e: { path: string; rule: string }) => [e.path, e.rule])).toEqual([
      ['csv[3].currency', 'schema.invalid_format'],
      ['csv[4].rateDate', 'date.calendar'],
      ['csv[5].currency', 'tax.rates.notCny'],
      ['csv[6].rate', 'schema.invalid_format'],
      ['csv[7].rate', 'tax.rates.conflictInFile'],
    ]);
    expect(await versions('EUR', '2026-10-21')).toBe(0);
    const header = await importCsv('code,day,value\nEUR,2026-10-21,8.2');
    expect(header.json().errors[0]).toMatchObject({ path: 'csv[1].header', rule: 'tax.rates.header' });
  });

  it('two administrators loading the same file at once add each rate once', async () => {
    const csv = 'currency,rateDate,rate\nGBP,2026-09-16,9.41\nGBP,2026-10-21,9.45\nAUD,2026-10-21,4.62';
    const [a, b] = await Promise.all([importCsv(csv), importCsv(csv)]);
    expect([a.json().imported, b.json().imported].sort()).toEqual([0, 3]);
    expect(await versions('GBP', '2026-10-21')).toBe(1);
    expect(await versions('AUD', '2026-10-21')).toBe(1);
  });

  it('rates are append-only below the application too', async () => {
    await expect(
      t.ctx.db.execute(sql`update tax_exchange_rates set rate = 1 where currency = 'USD'`),
    ).rejects.toThrow();
    await expect(t.ctx.db.execute(sql`delete from tax_exchange_rates where currency = 'USD'`)).rejects.toThrow();
  });
});

describe('toCny, the conversion other modules call inside their transaction', () => {
  const convert = (req: Parameters<typeof toCny>[1]) =>
    t.ctx.db.transaction((tx) => toCny(tx, req)) as Promise<CnyAmount>;

  it('converts at the rate of the third Wednesday of the previous month and records the versions used', async () => {
    // 1000 USD × 7.1062 (the newest version of 2026-10-21) = 7106.20
    const r = await convert({ currency: 'USD', amount: '1000', declarationDate: '2026-11-23' });
    expect(r).toMatchObject({ cny: '7106.20', formula: '1000 USD × 7.1062 = 7106.20 CNY (rate of 2026-10-21)' });
    expect(r.rate).toMatchObject({ rateDate: '2026-10-21', rateDay: 'third Wednesday of 2026-10' });
    expect(r.parameterVersions).toMatchObject({
      'exchangeRate:USD@2026-10-21': r.rate!.version,
      'tax.exchangeRateDay': expect.any(Number),
      'tax.publicHolidays': expect.any(Number),
    });
    // KRW is quoted per CNY: 50,000,000 ÷ 195.31 = 256003.2768… → 256003.28
    expect((await convert({ currency: 'KRW', amount: '50000000', declarationDate: '2026-11-30' })).cny).toBe(
      '256003.28',
    );
    expect((await convert({ currency: 'CNY', amount: '12.345', declarationDate: '2026-11-30' })).cny).toBe('12.35');
  });

  it('uses the fourth Wednesday when the third is a public holiday (Spring Festival 2026)', async () => {
    // 2026-02-18 is in the Spring Festival holiday: March declarations use 2026-02-25 (7.0990), not 7.0950.
    const r = await convert({ currency: 'USD', amount: '100', declarationDate: '2026-03-10' });
    expect(r.cny).toBe('709.90');
    expect(r.rate!.rateDay).toContain('public holiday');
  });

  it('a missing rate is a problem naming the currency and the day it needed, never a guess', async () => {
    const err = await convert({
      currency: 'EUR',
      amount: '100',
      declarationDate: '2026-11-23',
      path: 'lines[2].value',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Problem);
    const p = (err as Problem).toBody();
    expect(p).toMatchObject({
      type: 'urn:tidegate:error:exchange-rate-missing',
      status: 422,
      missing: [{ currency: 'EUR', rateDate: '2026-10-21', declarationDate: '2026-11-23' }],
    });
    expect(p.errors![0]).toMatchObject({ path: 'lines[2].value', rule: 'tax.exchangeRateMissing' });
    expect(p.detail).toContain('EUR');
    expect(p.detail).toContain('2026-10-21');
    // USD is loaded for October, not for December: a January declaration has no rate either.
    await expect(convert({ currency: 'USD', amount: '1', declarationDate: '2027-01-04' })).rejects.toMatchObject({
      type: 'urn:tidegate:error:exchange-rate-missing',
    });
  });
});

describe('the public calculators on the database', () => {
  it('are described in the OpenAPI document', async () => {
    const spec = (await t.request({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/calc/tax',
        '/api/v1/calc/value-added',
        '/api/v1/calc/scenario',
        '/api/v1/calc/exchange-rate',
        '/api/v1/tax/exchange-rates',
        '/api/v1/tax/exchange-rates/import',
      ]),
    );
    expect(
      spec.paths['/api/v1/calc/scenario'].post.requestBody.content['application/json'].schema.properties.route,
    ).toBeTruthy();
  });

  it('GET /calc/exchange-rate names the rate a declaration converts at, without login', async () => {
    const res = await t.request({
      method: 'GET',
      url: '/api/v1/calc/exchange-rate?currency=JPY&declarationDate=2026-11-02',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      currency: 'JPY',
      rateDate: '2026-10-21',
      rate: '4.6512',
      unit: 100,
      quote: 'CNY_PER_UNIT',
    });
    const missing = await t.request({ method: 'GET', url: '/api/v1/calc/exchange-rate?currency=CHF' });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().detail).toContain('CHF');
    const cny = await t.request({ method: 'GET', url: '/api/v1/calc/exchange-rate?currency=CNY' });
    expect([cny.statusCode, cny.json().errors[0].rule]).toEqual([400, 'tax.rates.notCny']);
  });

  it('first-line import in USD by a non-beneficiary: all taxes on the converted value', async () => {
    const res = await post('/api/v1/calc/scenario', {
      route: { kind: 'FIRST_LINE_IMPORT', importerIsBeneficiary: false },
      currency: 'USD',
      lines: [{ hsCode: '8517130000', value: '1000', dutyRate: '0.12', vatRate: '0.13', inTaxedCatalogue: false }],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // 1000 × 7.1062 = 7106.20; duty 852.744 → 852.74; VAT (7106.20 + 852.74) × 0.13 = 1034.6622 → 1034.66
    expect(body).toMatchObject({
      route: 'FIRST_LINE_IMPORT',
      declarationDate: '2026-11-23',
      duty: '852.74',
      vat: '1034.66',
      total: '1887.40',
    });
    expect(body.lines[0].dutiableValue).toMatchObject({
      amount: '7106.20',
      formula: '1000 USD × 7.1062 = 7106.20 CNY (rate of 2026-10-21)',
      rule: 'tax.firstLine.nonBeneficiary',
    });
    expect(body.lines[0].conversion).toMatchObject({ rate: '7.1062', rateDate: '2026-10-21' });
    expect(Object.keys(body.parameterVersions)).toEqual(
      expect.arrayContaining([
        'tax.notCollectedAtOrBelowCny',
        'tax.vatRates',
        'tax.exchangeRateDay',
        'exchangeRate:USD@2026-10-21',
      ]),
    );
  });

  it('first-line import by a beneficiary of goods outside the taxed catalogue: nothing due, and why', async () => {
    const res = await post('/api/v1/calc/scenario', {
      route: { kind: 'FIRST_LINE_IMPORT', importerIsBeneficiary: true },
      lines: [{ hsCode: '8479899990', value: '2000000', dutyRate: '0.08', vatRate: '0.13', inTaxedCatalogue: false }],
    });
    expect(res.json()).toMatchObject({
      total: '0.00',
      lines: [{ duty: { status: 'EXEMPT', rule: 'tax.firstLine.zeroTariff' }, vat: { status: 'EXEMPT' } }],
    });
  });

  it('second-line exit of zero-tariff cosmetics in JPY with domestic VAT paid: duty and consumption tax on the imported content', async () => {
    const res = await post('/api/v1/calc/scenario', {
      route: { kind: 'SECOND_LINE_EXIT', goods: 'ZERO_TARIFF', domesticVatPaid: true },
      currency: 'JPY',
      lines: [
        {
          hsCode: '3304990000',
          value: '2000000',
          importedContentValue: '1500000',
          dutyRate: '0.05',
          consumptionTaxRate: '0.15',
          vatRate: '0.13',
        },
      ],
    });
    // content 1,500,000 × 4.6512 ÷ 100 = 69768.00; duty 3488.40; CT (69768 + 3488.40) ÷ 0.85 × 0.15 = 12927.60; VAT exempt
    expect(res.json()).toMatchObject({ duty: '3488.40', consumptionTax: '12927.60', vat: '0.00', total: '16416.00' });
    expect(res.json().lines[0].vat).toMatchObject({ status: 'EXEMPT', rule: 'tax.secondLine.domesticVatPaid' });
    expect(res.json().notes.map((n: { rule: string }) => n.rule)).toEqual([
      'tax.secondLine.importedContent',
      'tax.secondLine.domesticVatPaid',
    ]);
  });

  it('second-line exit of the GACC jerky: value added 0.4045 ≥ 0.30, no duty, VAT on the beef', async () => {
    const res = await post('/api/v1/calc/scenario', {
      route: { kind: 'SECOND_LINE_EXIT', goods: 'PROCESSED', domesticVatPaid: false },
      lines: [
        {
          hsCode: '1602500010',
          description: '牛肉干 beef jerky',
          value: '500000',
          importedContentValue: '356000',
          dutyRate: '0.12',
          vatRate: '0.09',
        },
      ],
      valueAdded: { salePrice: '500000', importedMaterials: ['356000'], domesticMaterials: [] },
    });
    expect(res.json()).toMatchObject({
      duty: '0.00',
      vat: '32040.00',
      total: '32040.00',
      valueAdded: { ratio: '0.4045', meetsThreshold: true, threshold: '0.30' },
    });
    expect(res.json().lines[0].duty).toMatchObject({
      status: 'EXEMPT',
      rule: 'tax.secondLine.valueAddedDutyExemption',
    });
    expect(res.json().parameterVersions).toHaveProperty('tax.valueAddedThreshold');
  });

  it('value added with an upstream cumulative number over the public API', async () => {
    const res = await post('/api/v1/calc/value-added', {
      salePrice: '150000',
      importedMaterials: [],
      domesticMaterials: ['10000'],
      upstream: [
        {
          cumulativeNumber: 'LJ202664010000000125',
          salePrice: '120000',
          quantity: '1000',
          importedMaterials: '100000',
          domesticMaterials: '0',
          quantityUsed: '1000',
        },
      ],
    });
    expect(res.json()).toMatchObject({
      ratio: '0.3636',
      meetsThreshold: true,
      cumulationApplied: true,
      own: { ratio: '0.1538' },
    });
    const typo = await post('/api/v1/calc/value-added', {
      salePrice: '1',
      importedMaterials: ['1'],
      domesticMaterials: [],
      upstream: [
        {
          cumulativeNumber: 'LJ202664010000000126',
          salePrice: '1',
          quantity: '1',
          importedMaterials: '1',
          domesticMaterials: '0',
          quantityUsed: '2',
        },
      ],
    });
    expect(typo.statusCode).toBe(400);
    expect(typo.json().errors[0]).toMatchObject({
      path: 'upstream[0].cumulativeNumber',
      rule: 'valueAdded.numberCheckDigits',
    });
  });

  it('bad scenarios are problems that name the field and the rule', async () => {
    const noRate = await post('/api/v1/calc/scenario', {
      route: { kind: 'IMPORT' },
      currency: 'EUR',
      lines: [{ hsCode: '8517130000', value: '1', dutyRate: '0', vatRate: '0.13' }],
    });
    expect(noRate.statusCode).toBe(422);
    expect(noRate.json()).toMatchObject({
      type: 'urn:tidegate:error:exchange-rate-missing',
      errors: [{ path: 'currency', rule: 'tax.exchangeRateMissing' }],
    });
    const cases: [unknown, string, string | undefined][] = [
      [
        {
          route: { kind: 'FIRST_LINE_IMPORT', importerIsBeneficiary: true },
          lines: [{ hsCode: '8517130000', value: '1', dutyRate: '0', vatRate: '0.13' }],
        },
        'lines[0].inTaxedCatalogue',
        'tax.firstLine.catalogueFact',
      ],
      [
        {
          route: { kind: 'SECOND_LINE_EXIT', goods: 'PROCESSED', domesticVatPaid: false },
          lines: [{ hsCode: '8517130000', value: '1', importedContentValue: '1', dutyRate: '0', vatRate: '0.13' }],
        },
        'valueAdded',
        'tax.secondLine.valueAddedRequired',
      ],
      [
        { route: { kind: 'IMPORT' }, lines: [{ hsCode: '8517130000', value: '1', dutyRate: '0', vatRate: '0.17' }] },
        'lines[0].vatRate',
        'tax.vatRate',
      ],
      [{ route: { kind: 'SMUGGLING' }, lines: [] }, 'route.kind', undefined],
      [
        {
          route: { kind: 'IMPORT' },
          currency: 'usd',
          lines: [{ hsCode: '8517130000', value: '1', dutyRate: '0', vatRate: '0.13' }],
        },
        'currency',
        undefined,
      ],
      [
        {
          route: { kind: 'IMPORT' },
          declarationDate: '2026-02-30',
          lines: [{ hsCode: '8517130000', value: '1', dutyRate: '0', vatRate: '0.13' }],
        },
        'declarationDate',
        'date.calendar',
      ],
      [
        {
          route: { kind: 'SECOND_LINE_EXIT', goods: 'PROCESSED', domesticVatPaid: false },
          lines: [{ hsCode: '8517130000', value: '1', importedContentValue: '1', dutyRate: '0', vatRate: '0.13' }],
          valueAdded: { salePrice: '1', importedMaterials: [], domesticMaterials: [] },
        },
        'valueAdded.importedMaterials',
        'valueAdded.noMaterials',
      ],
    ];
    for (const [body, path, rule] of cases) {
      const res = await post('/api/v1/calc/scenario', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(
        res.json().errors.map((e: { path: string }) => e.path),
        JSON.stringify(res.json()),
      ).toContain(path);
      if (rule) expect(res.json().errors.find((e: { path: string }) => e.path === path).rule).toBe(rule);
    }
  });

  it('parameters are effective-dated: a new threshold applies from its date, and the answer names the version', async () => {
    const line = { hsCode: '8517130000', value: '600', dutyRate: '0.1', vatRate: '0.13' };
    const set = await post(
      '/api/v1/parameters',
      {
        name: 'tax.notCollectedAtOrBelowCny',
        value: '100',
        validFrom: '2027-01-01',
        reason: 'Test: the threshold rises to 100 CNY.',
      },
      admin,
    );
    expect(set.statusCode).toBe(201);
    const before = (
      await post('/api/v1/calc/scenario', { route: { kind: 'IMPORT' }, declarationDate: '2026-12-31', lines: [line] })
    ).json();
    const after = (
      await post('/api/v1/calc/scenario', { route: { kind: 'IMPORT' }, declarationDate: '2027-01-01', lines: [line] })
    ).json();
    // Under 50: duty 600 × 0.1 = 60 and VAT (600 + 60) × 0.13 = 85.80 collected. Under 100: the duty of 60 is not
    // collected, then the VAT without it, 600 × 0.13 = 78, is not either (each tax judged on its own).
    expect([before.duty, before.dutyWaived, before.vat]).toEqual(['60.00', false, '85.80']);
    expect([after.duty, after.dutyWaived, after.dutyBeforeThreshold, after.vat]).toEqual([
      '0.00',
      true,
      '60.00',
      '0.00',
    ]);
    expect([after.notCollected, after.beforeThreshold.vat]).toEqual([
      { duty: true, consumptionTax: false, vat: true },
      '78.00',
    ]);
    expect(after.parameterVersions['tax.notCollectedAtOrBelowCny']).toBe(set.json().id);
    expect(before.parameterVersions['tax.notCollectedAtOrBelowCny']).not.toBe(set.json().id);
  });
});
