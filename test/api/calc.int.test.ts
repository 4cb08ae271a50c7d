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
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/calc/tax',
      body: {
        lines: [
          {
            hsCode: '3304990000',
            customsValue: '10000',
            dutyRate: '0.05',
            consumptionTaxRate: '0.15',
            vatRate: '0.13',
          },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      lines: [{ duty: '500.00', consumptionTax: '1852.94', vat: '1605.88', total: '3958.82' }],
      duty: '500.00',
      consumptionTax: '1852.94',
      vat: '1605.88',
      total: '3958.82',
    });
  });

  it('POST /api/v1/calc/value-added: the GACC jerky example', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/calc/value-added',
      body: { salePrice: '500000', importedMaterials: ['356000'], domesticMaterials: [] },
    });
    expect(res.json()).toMatchObject({ ratio: '0.4045', meetsThreshold: true, threshold: '0.30' });
  });

  it('bad lines are problems naming the field', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/calc/tax',
      body: { lines: [{ hsCode: '12', customsValue: '-5', dutyRate: '1.5', vatRate: '0.13' }] },
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['lines[0].hsCode', 'lines[0].customsValue', 'lines[0].dutyRate']));
    const vat = await t.request({
      method: 'POST',
      url: '/api/v1/calc/tax',
      body: { lines: [{ hsCode: '851713', customsValue: '5', dutyRate: '0.1', vatRate: '0.17' }] },
    });
    expect(vat.json().errors[0]).toMatchObject({ path: 'lines[0].vatRate', rule: 'tax.vatRate' });
    const specific = await t.request({
      method: 'POST',
      url: '/api/v1/calc/tax',
      body: {
        lines: [
          { hsCode: '0201300000', customsValue: '5', dutyRate: '0', specificDutyPerUnit: '1.5', vatRate: '0.13' },
        ],
      },
    });
    expect(specific.json().errors[0]).toMatchObject({ path: 'lines[0].quantity', rule: 'tax.specificNeedsQuantity' });
    const unknown = await t.request({
      method: 'POST',
      url: '/api/v1/calc/tax',
      body: { lines: [{ hsCode: '0201300000', customsValue: '5', dutyRate: '0', vatRate: '0.13', discount: '1' }] },
    });
    expect(unknown.json().errors[0]).toMatchObject({ path: 'lines[0].discount', rule: 'schema.unrecognizedKey' });
    const empty = await t.request({ method: 'POST', url: '/api/v1/calc/tax', body: { lines: [] } });
    expect(empty.json().errors[0].path).toBe('lines');
  });

  it('specific and compound duties, and the 50 CNY threshold, through the contract', async () => {
    // compound: 8000 × 0.1 + 50 × 2 = 900; specific only: 200 × 1.5 = 300
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/calc/tax',
      body: {
        lines: [
          {
            hsCode: '8528720000',
            customsValue: '8000',
            dutyRate: '0.1',
            quantity: '50',
            specificDutyPerUnit: '2',
            vatRate: '0.13',
          },
          {
            hsCode: '0201300000',
            customsValue: '1000',
            dutyRate: '0',
            quantity: '200',
            specificDutyPerUnit: '1.5',
            vatRate: '0.09',
          },
        ],
      },
    });
    expect(res.json()).toMatchObject({
      lines: [{ duty: '900.00' }, { duty: '300.00' }],
      duty: '1200.00',
      dutyWaived: false,
    });
    expect(res.json().lines[0].steps.duty).toMatchObject({
      rule: 'tax.duty.compound',
      formula: '8000.00 × 0.1 + 50 × 2 = 900.00',
    });
    // 499.90 × 0.1 = 49.99 ≤ 50: not collected; VAT 499.90 × 0.13 = 64.987 → 64.99
    const small = await t.request({
      method: 'POST',
      url: '/api/v1/calc/tax',
      body: { lines: [{ hsCode: '8517130000', customsValue: '499.90', dutyRate: '0.1', vatRate: '0.13' }] },
    });
    expect(small.json()).toMatchObject({
      duty: '0.00',
      vat: '64.99',
      total: '64.99',
      dutyWaived: true,
      lines: [{ steps: { duty: { status: 'WAIVED', rule: 'tax.notCollected.duty' } } }],
    });
    expect(Object.keys(small.json().parameterVersions).sort()).toEqual([
      'tax.notCollectedAtOrBelowCny',
      'tax.vatRates',
    ]);
  });

  it("50 元以下 includes 50: a declaration's duty, or its VAT, of exactly 50.00 is not collected, each tax on its own", async () => {
    const calc = async (customsValue: string, dutyRate: string) =>
      (
        await t.request({
          method: 'POST',
          url: '/api/v1/calc/tax',
          body: { lines: [{ hsCode: '8517130000', customsValue, dutyRate, vatRate: '0.13' }] },
        })
      ).json();
    // duty 500 × 0.1 = 50.00: not collected; VAT 500 × 0.13 = 65.00: collected
    const duty50 = await calc('500', '0.1');
    expect(duty50).toMatchObject({
      duty: '0.00',
      vat: '65.00',
      total: '65.00',
      notCollected: { duty: true, consumptionTax: false, vat: false },
    });
    expect(duty50.lines[0].steps.duty).toMatchObject({ status: 'WAIVED', rule: 'tax.notCollected.duty' });
    expect(duty50.lines[0].steps.duty.reason).toContain('50.00 CNY, is at or below the collection threshold of 50 CNY');
    // duty 500.10 × 0.1 = 50.01: collected
    expect(await calc('500.10', '0.1')).toMatchObject({ duty: '50.01', notCollected: { duty: false } });
    // no duty; VAT 384.62 × 0.13 = 50.0006 → 50.00: not collected; 384.70 × 0.13 = 50.011 → 50.01: collected
    const vat50 = await calc('384.62', '0');
    expect(vat50).toMatchObject({
      vat: '0.00',
      total: '0.00',
      notCollected: { duty: false, consumptionTax: false, vat: true },
    });
    expect(vat50.lines[0].steps.vat).toMatchObject({ amount: '0.00', status: 'WAIVED', rule: 'tax.notCollected.vat' });
    expect(await calc('384.70', '0')).toMatchObject({ vat: '50.01', total: '50.01', notCollected: { vat: false } });
  });

  it('value-added bad input names the field and the rule', async () => {
    const none = await t.request({
      method: 'POST',
      url: '/api/v1/calc/value-added',
      body: { salePrice: '100', importedMaterials: [], domesticMaterials: [], hainanMadeInputs: ['50'] },
    });
    expect(none.statusCode).toBe(400);
    expect(none.json().errors[0]).toMatchObject({ path: 'importedMaterials', rule: 'valueAdded.noMaterials' });
    const bad = await t.request({
      method: 'POST',
      url: '/api/v1/calc/value-added',
      body: { salePrice: '1e5', importedMaterials: ['-3'], domesticMaterials: 'none' },
    });
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['salePrice', 'importedMaterials[0]', 'domesticMaterials']),
    );
    const ok = await t.request({
      method: 'POST',
      url: '/api/v1/calc/value-added',
      body: {
        salePrice: '500000',
        importedMaterials: ['300000'],
        domesticMaterials: ['100000'],
        hainanMadeInputs: ['50000'],
      },
    });
    expect(ok.json()).toMatchObject({
      ratio: '0.2500',
      meetsThreshold: false,
      threshold: '0.30',
      formula: '(500000.00 − 300000.00 − 100000.00) ÷ (300000.00 + 100000.00) = 0.2500',
    });
  });
});
