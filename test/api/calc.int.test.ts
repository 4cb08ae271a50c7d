import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('public calculators (contract of mission.md)', () => {
  it('POST /api/v1/calc/tax without login', async () => {
    const res = await t.request({ method: 'POST', url: '/api/v1/calc/tax', body: { lines: [{ hsCode: '3304990000', customsValue: '10000', dutyRate: '0.05', consumptionTaxRate: '0.15', vatRate: '0.13' }] } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ lines: [{ duty: '500.00', consumptionTax: '1852.94', vat: '1605.88', total: '3958.82' }], duty: '500.00', consumptionTax: '1852.94', vat: '1605.88', total: '3958.82' });
  });

  it('POST /api/v1/calc/value-added: the GACC jerky example', async () => {
    const res = await t.request({ method: 'POST', url: '/api/v1/calc/value-added', body: { salePrice: '500000', importedMaterials: ['356000'], domesticMaterials: [] } });
    expect(res.json()).toMatchObject({ ratio: '0.4045', meetsThreshold: true, threshold: '0.30' });
  });

  it('bad lines are problems naming the field', async () => {
    const res = await t.request({ method: 'POST', url: '/api/v1/calc/tax', body: { lines: [{ hsCode: '12', customsValue: '-5', dutyRate: '1.5', vatRate: '0.13' }] } });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['lines[0].hsCode', 'lines[0].customsValue', 'lines[0].dutyRate']));
    const vat = await t.request({ method: 'POST', url: '/api/v1/calc/tax', body: { lines: [{ hsCode: '851713', customsValue: '5', dutyRate: '0.1', vatRate: '0.17' }] } });
    expect(vat.json().errors[0]).toMatchObject({ path: 'lines[0].vatRate', rule: 'tax.vatRate' });
  });
});
