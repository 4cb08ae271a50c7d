import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  convertToCny,
  declarationTax,
  DEFAULT_TAX_PARAMETERS,
  meetsValueAddedThreshold,
  ratioString,
  taxLine,
  thirdWednesdayOfPreviousMonth,
  valueAddedRatio,
  type TaxLineInput,
} from './rules.ts';

const P = DEFAULT_TAX_PARAMETERS;
const fix = (r: ReturnType<typeof taxLine>) => ({
  duty: r.duty.toFixed(2),
  ct: r.consumptionTax.toFixed(2),
  vat: r.vat.toFixed(2),
  total: r.total.toFixed(2),
});

describe('one line', () => {
  it.each<[string, TaxLineInput, { duty: string; ct: string; vat: string; total: string }]>([
    // 10000 × 0.12 = 1200; VAT (10000 + 1200) × 0.13 = 1456
    [
      'ad valorem duty, VAT 13%',
      { hsCode: '851712', customsValue: '10000', dutyRate: '0.12', vatRate: '0.13' },
      { duty: '1200.00', ct: '0.00', vat: '1456.00', total: '2656.00' },
    ],
    // duty 10000 × 0.05 = 500; VAT (10500) × 0.09 = 945
    [
      'VAT 9%',
      { hsCode: '100630', customsValue: '10000', dutyRate: '0.05', vatRate: '0.09' },
      { duty: '500.00', ct: '0.00', vat: '945.00', total: '1445.00' },
    ],
    // cosmetics: duty 10000 × 0.05 = 500; CT (10500) ÷ 0.85 × 0.15 = 1852.941… → 1852.94; VAT (10000 + 500 + 1852.94) ×
    // 0.13 = 1605.8822 → 1605.88
    [
      'consumption tax ad valorem (composite base)',
      { hsCode: '330499', customsValue: '10000', dutyRate: '0.05', consumptionTaxRate: '0.15', vatRate: '0.13' },
      { duty: '500.00', ct: '1852.94', vat: '1605.88', total: '3958.82' },
    ],
    // specific duty: 200 kg × 1.5 = 300; VAT (1000 + 300) × 0.13 = 169
    [
      'specific duty',
      {
        hsCode: '020130',
        customsValue: '1000',
        dutyRate: '0',
        quantity: '200',
        specificDutyPerUnit: '1.5',
        vatRate: '0.13',
      },
      { duty: '300.00', ct: '0.00', vat: '169.00', total: '469.00' },
    ],
    // compound: 5000 × 0.03 + 10 × 20 = 350; VAT (5350) × 0.13 = 695.5
    [
      'compound duty',
      {
        hsCode: '852872',
        customsValue: '5000',
        dutyRate: '0.03',
        quantity: '10',
        specificDutyPerUnit: '20',
        vatRate: '0.13',
      },
      { duty: '350.00', ct: '0.00', vat: '695.50', total: '1045.50' },
    ],
    // beer-like compound CT: specific CT 100 × 0.25 = 25; base (1000 + 0 + 25) ÷ 0.9 = 1138.888…; ad valorem part
    // 113.888…; CT = 138.888… → 138.89; VAT (1000 + 0 + 138.89) × 0.13 = 148.0557 → 148.06
    [
      'compound consumption tax',
      {
        hsCode: '220300',
        customsValue: '1000',
        dutyRate: '0',
        consumptionTaxRate: '0.1',
        quantity: '100',
        specificConsumptionTaxPerUnit: '0.25',
        vatRate: '0.13',
      },
      { duty: '0.00', ct: '138.89', vat: '148.06', total: '286.95' },
    ],
    // rounding at the half cent: 0.05 × 0.10 = 0.005 → 0.01 (half-up); VAT (0.05 + 0.01) × 0.13 = 0.0078 → 0.01
    [
      'half a cent rounds up',
      { hsCode: '851712', customsValue: '0.05', dutyRate: '0.1', vatRate: '0.13' },
      { duty: '0.01', ct: '0.00', vat: '0.01', total: '0.02' },
    ],
    // 0.15 × 0.10 = 0.015 → 0.02
    [
      'another half cent',
      { hsCode: '851712', customsValue: '0.15', dutyRate: '0.1', vatRate: '0.09' },
      { duty: '0.02', ct: '0.00', vat: '0.02', total: '0.04' },
    ],
  ])('%s', (_name, line, expected) => {
    expect(fix(taxLine(line))).toEqual(expected);
  });
});

describe('a declaration and the 50 CNY duty threshold', () => {
  const line = (value: string): TaxLineInput => ({
    hsCode: '851712',
    customsValue: value,
    dutyRate: '0.1',
    vatRate: '0.13',
  });
  it('duty of 49.99 over several lines is waived, and VAT is computed without it', () => {
    // 249.95 × 0.1 = 25.00 (24.995 → 25.00) and 249.90 × 0.1 = 24.99: 49.99 < 50
    const r = declarationTax([line('249.95'), line('249.90')], P);
    if (!r.ok) throw new Error('unexpected');
    expect(r.value.dutyWaived).toBe(true);
    expect(r.value.duty.toFixed(2)).toBe('0.00');
    // VAT 249.95 × 0.13 = 32.4935 → 32.49; 249.90 × 0.13 = 32.487 → 32.49
    expect(r.value.vat.toFixed(2)).toBe('64.98');
  });
  it('duty of exactly 50.00 is not collected (50 元以下 includes 50); 50.01 is', () => {
    const r = declarationTax([line('250'), line('250')], P);
    if (!r.ok) throw new Error('unexpected');
    expect([r.value.dutyWaived, r.value.duty.toFixed(2)]).toEqual([true, '0.00']);
    const over = declarationTax([line('250'), line('250.10')], P);
    if (!over.ok) throw new Error('unexpected');
    expect([over.value.dutyWaived, over.value.duty.toFixed(2)]).toEqual([false, '50.01']);
  });
  it('a VAT rate outside the parameter is refused with its path', () => {
    const r = declarationTax([line('100'), { ...line('100'), vatRate: '0.17' }], P);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.violations[0]).toMatchObject({ path: 'lines[1].vatRate', rule: 'tax.vatRate' });
  });
});

describe('value added (加工增值)', () => {
  it('the GACC example: beef 356,000, jerky 500,000 → 0.4045, duty exempt', () => {
    const r = valueAddedRatio({ salePrice: '500000', importedMaterials: ['356000'], domesticMaterials: [] });
    if (!r.ok) throw new Error('unexpected');
    expect(ratioString(r.ratio)).toBe('0.4045');
    expect(meetsValueAddedThreshold(r.ratio, '0.30')).toBe(true);
  });
  it('Hainan-made inputs count as value added', () => {
    // (500000 − 300000 − 100000) ÷ 400000 = 0.25 without; the 50000 Hainan input is left out of both sides
    const r = valueAddedRatio({
      salePrice: '500000',
      importedMaterials: ['300000'],
      domesticMaterials: ['100000'],
      hainanMadeInputs: ['50000'],
    });
    if (!r.ok) throw new Error('unexpected');
    expect(ratioString(r.ratio)).toBe('0.2500');
    expect(meetsValueAddedThreshold(r.ratio, '0.30')).toBe(false);
  });
  it('exactly 30% meets the threshold; no materials is a clear error', () => {
    const r = valueAddedRatio({ salePrice: '130', importedMaterials: ['100'], domesticMaterials: [] });
    if (r.ok) expect(meetsValueAddedThreshold(r.ratio, '0.30')).toBe(true);
    expect(valueAddedRatio({ salePrice: '1', importedMaterials: [], domesticMaterials: [] }).ok).toBe(false);
  });
});

describe('exchange rates: the third Wednesday of the previous month', () => {
  it.each([
    ['2026-11-23', '2026-10-21'], // October 2026 starts on a Thursday
    ['2026-01-05', '2025-12-17'], // January → December of the year before
    ['2025-11-10', '2025-10-15'], // October 2025 starts on a Wednesday
    ['2024-03-31', '2024-02-21'],
  ])('%s → %s', (date, expected) => {
    expect(thirdWednesdayOfPreviousMonth(date)).toBe(expected);
  });
  it('converts at that rate, and a missing rate is an error, never a guess', () => {
    const rates = [{ currency: 'USD', date: '2026-10-21', cnyPerUnit: '7.1234' }];
    const ok = convertToCny('1000', 'USD', rates, '2026-11-23');
    expect(ok.ok && ok.cny.toFixed(2)).toBe('7123.40');
    const missing = convertToCny('1000', 'EUR', rates, '2026-11-23');
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.violation.rule).toBe('tax.exchangeRateMissing');
  });
});

describe('properties', () => {
  const amount = fc.integer({ min: 0, max: 10_000_000_00 }).map((c) => (c / 100).toFixed(2));
  const rate = fc.integer({ min: 0, max: 9999 }).map((r) => `0.${String(r).padStart(4, '0')}`);
  it('taxes are never negative, total is the exact sum, and a higher value never lowers a tax', () => {
    fc.assert(
      fc.property(amount, amount, rate, rate, fc.constantFrom('0.13', '0.09'), (a, b, dutyRate, ctRate, vatRate) => {
        const lo = a < b ? a : b;
        const hi = a < b ? b : a;
        const x = taxLine({ hsCode: '851712', customsValue: lo, dutyRate, consumptionTaxRate: ctRate, vatRate });
        const y = taxLine({ hsCode: '851712', customsValue: hi, dutyRate, consumptionTaxRate: ctRate, vatRate });
        for (const r of [x, y]) {
          expect(r.duty.isNeg() || r.vat.isNeg() || r.consumptionTax.isNeg()).toBe(false);
          expect(r.total.eq(r.duty.plus(r.consumptionTax).plus(r.vat))).toBe(true);
        }
        if (Number(hi) >= Number(lo)) {
          expect(y.duty.gte(x.duty) && y.consumptionTax.gte(x.consumptionTax) && y.vat.gte(x.vat)).toBe(true);
        }
      }),
    );
  });
  it('the ratio string always has 4 decimal places', () => {
    fc.assert(
      fc.property(
        amount,
        fc.integer({ min: 1, max: 1_000_000_00 }).map((c) => (c / 100).toFixed(2)),
        (sale, mat) => {
          const r = valueAddedRatio({ salePrice: sale, importedMaterials: [mat], domesticMaterials: [] });
          expect(r.ok && /^-?\d+\.\d{4}$/.test(ratioString(r.ratio))).toBe(true);
        },
      ),
    );
  });
});
