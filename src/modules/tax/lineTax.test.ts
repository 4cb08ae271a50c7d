import { describe, expect, it } from 'vitest';
import { computeLine, type TaxLineInput } from './lineTax.ts';
import { computeDeclaration } from './declaration.ts';
import { DEFAULT_TAX_PARAMETERS } from './rules.ts';

const figures = (c: ReturnType<typeof computeLine>) => ({
  duty: c.duty.amount.toFixed(2),
  ct: c.consumptionTax.amount.toFixed(2),
  vat: c.vat.amount.toFixed(2),
  total: c.total.toFixed(2),
});

describe('each kind of duty and consumption tax, hand-computed', () => {
  it.each<
    [string, TaxLineInput, { duty: string; ct: string; vat: string; total: string }, { duty: string; ct: string }]
  >([
    // 10000 × 0.12 = 1200; VAT (10000 + 1200) × 0.13 = 1456
    [
      'ad valorem duty',
      { hsCode: '8517130000', customsValue: '10000', dutyRate: '0.12', vatRate: '0.13' },
      { duty: '1200.00', ct: '0.00', vat: '1456.00', total: '2656.00' },
      { duty: 'tax.duty.adValorem', ct: 'tax.consumptionTax.notApplicable' },
    ],
    // 200 × 1.5 = 300 (no ad valorem part); VAT (1000 + 300) × 0.13 = 169
    [
      'specific duty',
      {
        hsCode: '0201300000',
        customsValue: '1000',
        dutyRate: '0',
        quantity: '200',
        specificDutyPerUnit: '1.5',
        vatRate: '0.13',
      },
      { duty: '300.00', ct: '0.00', vat: '169.00', total: '469.00' },
      { duty: 'tax.duty.specific', ct: 'tax.consumptionTax.notApplicable' },
    ],
    // 8000 × 0.1 + 50 × 2 = 900; CT (8000 + 900) ÷ 0.9 × 0.1 = 988.888… → 988.89; VAT (8000 + 900 + 988.89) × 0.13 =
    // 1285.5557 → 1285.56
    [
      'compound duty and ad valorem consumption tax',
      {
        hsCode: '8528720000',
        customsValue: '8000',
        dutyRate: '0.1',
        quantity: '50',
        specificDutyPerUnit: '2',
        consumptionTaxRate: '0.1',
        vatRate: '0.13',
      },
      { duty: '900.00', ct: '988.89', vat: '1285.56', total: '3174.45' },
      { duty: 'tax.duty.compound', ct: 'tax.consumptionTax.adValorem' },
    ],
    // fuel: duty 5000 × 0.05 = 250; CT 1000 litres × 1.52 = 1520 (specific only); VAT (5000 + 250 + 1520) × 0.13 =
    // 880.10
    [
      'specific consumption tax',
      {
        hsCode: '2710121000',
        customsValue: '5000',
        dutyRate: '0.05',
        quantity: '1000',
        specificConsumptionTaxPerUnit: '1.52',
        vatRate: '0.13',
      },
      { duty: '250.00', ct: '1520.00', vat: '880.10', total: '2650.10' },
      { duty: 'tax.duty.adValorem', ct: 'tax.consumptionTax.specific' },
    ],
    // cigarettes: duty 10000 × 0.25 = 2500; specific CT 10000 sticks × 0.003 = 30;
    // CT (10000 + 2500 + 30) ÷ (1 − 0.56) × 0.56 + 30 = 15977.2727… → 15977.27; VAT (10000 + 2500 + 15977.27) × 0.13 =
    // 3702.0451 → 3702.05
    [
      'compound consumption tax (组成计税价格)',
      {
        hsCode: '2402200000',
        customsValue: '10000',
        dutyRate: '0.25',
        quantity: '10000',
        specificConsumptionTaxPerUnit: '0.003',
        consumptionTaxRate: '0.56',
        vatRate: '0.13',
      },
      { duty: '2500.00', ct: '15977.27', vat: '3702.05', total: '22179.32' },
      { duty: 'tax.duty.adValorem', ct: 'tax.consumptionTax.compound' },
    ],
  ])('%s', (_name, line, expected, rules) => {
    const c = computeLine(line);
    expect(figures(c)).toEqual(expected);
    expect(c.duty.rule).toBe(rules.duty);
    expect(c.consumptionTax.rule).toBe(rules.ct);
    expect(c.vat.rule).toBe('tax.vat');
  });

  it('writes each formula with the figures that produced it', () => {
    const c = computeLine({
      hsCode: '2402200000',
      customsValue: '10000',
      dutyRate: '0.25',
      quantity: '10000',
      specificConsumptionTaxPerUnit: '0.003',
      consumptionTaxRate: '0.56',
      vatRate: '0.13',
    });
    expect(c.dutiableValue.formula).toBe('10000.00 CNY');
    expect(c.duty.formula).toBe('10000.00 × 0.25 = 2500.00');
    expect(c.consumptionTax.formula).toBe(
      '(10000.00 + 2500.00 + 10000 × 0.003) ÷ (1 − 0.56) × 0.56 + 10000 × 0.003 = 15977.27',
    );
    expect(c.vat.formula).toBe('(10000.00 + 2500.00 + 15977.27) × 0.13 = 3702.05');
    const compound = computeLine({
      hsCode: '8528720000',
      customsValue: '8000',
      dutyRate: '0.1',
      quantity: '50',
      specificDutyPerUnit: '2',
      vatRate: '0.13',
    });
    expect(compound.duty.formula).toBe('8000.00 × 0.1 + 50 × 2 = 900.00');
  });
});

describe('rounding half-up to the fen, exactly', () => {
  it.each([
    // 0.05 × 0.1 = 0.005 → 0.01
    ['0.05', '0.1', '0.13', '0.01', '0.01'],
    // 1.50 × 0.13 = 0.195 exactly → 0.20 (binary floating point makes it 0.19499… and rounds down)
    ['1.50', '0', '0.13', '0.00', '0.20'],
    // 0.15 × 0.1 = 0.015 → 0.02; VAT (0.15 + 0.02) × 0.09 = 0.0153 → 0.02
    ['0.15', '0.1', '0.09', '0.02', '0.02'],
    // 24.995 is not a fen amount: the dutiable value itself rounds first, 24.995 → 25.00; duty 25.00 × 0.1 = 2.50
    ['24.995', '0.1', '0.13', '2.50', '3.58'],
  ])('value %s, duty rate %s, VAT %s → duty %s, VAT %s', (customsValue, dutyRate, vatRate, duty, vat) => {
    const c = computeLine({ hsCode: '8517130000', customsValue, dutyRate, vatRate });
    expect([c.duty.amount.toFixed(2), c.vat.amount.toFixed(2)]).toEqual([duty, vat]);
  });
});

describe('reliefs and the declaration threshold', () => {
  it('an exempt tax is zero, says why, and leaves the later bases', () => {
    const c = computeLine(
      { hsCode: '3304990000', customsValue: '10000', dutyRate: '0.05', consumptionTaxRate: '0.15', vatRate: '0.13' },
      { duty: { rule: 'test.dutyRelief', reason: 'because' } },
    );
    expect(c.duty).toMatchObject({ status: 'EXEMPT', rule: 'test.dutyRelief', reason: 'because' });
    // CT 10000 ÷ 0.85 × 0.15 = 1764.705… → 1764.71; VAT (10000 + 0 + 1764.71) × 0.13 = 1529.4123 → 1529.41
    expect(figures(c)).toEqual({ duty: '0.00', ct: '1764.71', vat: '1529.41', total: '3294.12' });
  });

  it('duty of 49.99 for the declaration is waived on every line that had some', () => {
    const line = (v: string) => ({
      input: { hsCode: '8517130000', customsValue: v, dutyRate: '0.1', vatRate: '0.13' },
    });
    const free = { input: { hsCode: '8471300000', customsValue: '1000', dutyRate: '0', vatRate: '0.13' } };
    // 249.95 × 0.1 = 24.995 → 25.00; 249.90 × 0.1 = 24.99; total 49.99 < 50
    const r = computeDeclaration([line('249.95'), line('249.90'), free], DEFAULT_TAX_PARAMETERS);
    if (!r.ok) throw new Error(JSON.stringify(r.violations));
    expect(r.value.dutyWaived).toBe(true);
    expect(r.value.dutyBeforeThreshold.toFixed(2)).toBe('49.99');
    expect(r.value.lines.map((l) => l.duty.status)).toEqual(['WAIVED', 'WAIVED', 'DUE']);
    expect(r.value.lines[0]!.duty.rule).toBe('tax.notCollected.duty');
    // VAT without the waived duty: 32.4935 → 32.49, 32.487 → 32.49, 130.00
    expect(r.value.vat.toFixed(2)).toBe('194.98');
    expect(r.value.total.toFixed(2)).toBe('194.98');
  });

  it('the threshold is a parameter: at 100 CNY a duty of 80 goes uncollected, at the seeded 50 it is collected', () => {
    const line = { input: { hsCode: '8517130000', customsValue: '800', dutyRate: '0.1', vatRate: '0.13' } };
    const r = computeDeclaration([line], { ...DEFAULT_TAX_PARAMETERS, notCollectedAtOrBelowCny: '100' });
    expect(r.ok && [r.value.dutyWaived, r.value.duty.toFixed(2)]).toEqual([true, '0.00']);
    const seeded = computeDeclaration([line], DEFAULT_TAX_PARAMETERS);
    expect(seeded.ok && seeded.value.duty.toFixed(2)).toBe('80.00');
  });

  it('refuses what cannot be computed, naming the field and the rule', () => {
    const r = computeDeclaration(
      [
        { input: { hsCode: '8517130000', customsValue: '100', dutyRate: '0.1', vatRate: '0.17' } },
        {
          input: {
            hsCode: '8517130000',
            customsValue: '100',
            dutyRate: '0',
            specificDutyPerUnit: '2',
            vatRate: '0.13',
          },
        },
        {
          input: { hsCode: '8517130000', customsValue: '-1', dutyRate: '0', consumptionTaxRate: '1', vatRate: '0.13' },
        },
      ],
      DEFAULT_TAX_PARAMETERS,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.violations.map((v) => [v.path, v.rule])).toEqual([
        ['lines[0].vatRate', 'tax.vatRate'],
        ['lines[1].quantity', 'tax.specificNeedsQuantity'],
        ['lines[2].consumptionTaxRate', 'tax.consumptionTaxRateBelowOne'],
        ['lines[2].customsValue', 'tax.nonNegative'],
      ]);
    }
  });
});
