import { describe, expect, it } from 'vitest';
import { computeRoute, routeNotes, type Route, type RouteLine } from './treatment.ts';
import { chainValueAdded } from './valueAdded.ts';
import { DEFAULT_TAX_PARAMETERS } from './rules.ts';

const P = DEFAULT_TAX_PARAMETERS;
const phone: RouteLine = { hsCode: '8517130000', customsValue: '10000', dutyRate: '0.12', vatRate: '0.13' };
const cosmetics: RouteLine = {
  hsCode: '3304990000',
  customsValue: '10000',
  dutyRate: '0.05',
  consumptionTaxRate: '0.15',
  vatRate: '0.13',
};

function run(route: Route, lines: RouteLine[]) {
  const r = computeRoute(route, lines, P);
  if (!r.ok) throw new Error(JSON.stringify(r.violations));
  const l = r.value.lines[0]!;
  return {
    figures: {
      duty: r.value.duty.toFixed(2),
      ct: r.value.consumptionTax.toFixed(2),
      vat: r.value.vat.toFixed(2),
      total: r.value.total.toFixed(2),
    },
    status: { duty: l.duty.status, ct: l.consumptionTax.status, vat: l.vat.status },
    base: l.dutiableValue,
    line: l,
  };
}

function violations(route: Route, lines: RouteLine[]) {
  const r = computeRoute(route, lines, P);
  return r.ok ? [] : r.violations.map((v) => [v.path, v.rule]);
}

// The GACC example: imported beef 356,000 CNY made into jerky sold to the mainland for 500,000 CNY.
const gacc = chainValueAdded({ salePrice: '500000', importedMaterials: ['356000'], domesticMaterials: [] }, '0.30');
if (!gacc.ok) throw new Error('GACC example must compute');
const jerkyVa = { ratio: gacc.value.result.ratio, threshold: '0.30', meetsThreshold: gacc.value.meetsThreshold };
// The beef's duty rate 12%, VAT 9% (agricultural goods); taxed on the beef the jerky holds.
const jerky: RouteLine = {
  hsCode: '1602500010',
  customsValue: '500000',
  importedContentValue: '356000',
  dutyRate: '0.12',
  vatRate: '0.09',
};

describe('first-line import (一线进口)', () => {
  it('a beneficiary importing goods outside the taxed catalogue pays none of the three taxes', () => {
    const r = run({ kind: 'FIRST_LINE_IMPORT', importerIsBeneficiary: true }, [
      { ...cosmetics, inTaxedCatalogue: false },
    ]);
    expect(r.figures).toEqual({ duty: '0.00', ct: '0.00', vat: '0.00', total: '0.00' });
    expect(r.status).toEqual({ duty: 'EXEMPT', ct: 'EXEMPT', vat: 'EXEMPT' });
    expect(r.line.duty.rule).toBe('tax.firstLine.zeroTariff');
  });

  it('goods in the taxed catalogue pay all three, even for a beneficiary', () => {
    // 500; CT 10500 ÷ 0.85 × 0.15 = 1852.94; VAT (12352.94) × 0.13 = 1605.88
    const r = run({ kind: 'FIRST_LINE_IMPORT', importerIsBeneficiary: true }, [
      { ...cosmetics, inTaxedCatalogue: true },
    ]);
    expect(r.figures).toEqual({ duty: '500.00', ct: '1852.94', vat: '1605.88', total: '3958.82' });
    expect(r.base.rule).toBe('tax.firstLine.taxedCatalogue');
  });

  it('an importer that is not a beneficiary pays all three on goods outside the catalogue', () => {
    const r = run({ kind: 'FIRST_LINE_IMPORT', importerIsBeneficiary: false }, [{ ...phone, inTaxedCatalogue: false }]);
    expect(r.figures).toEqual({ duty: '1200.00', ct: '0.00', vat: '1456.00', total: '2656.00' });
    expect(r.base.rule).toBe('tax.firstLine.nonBeneficiary');
  });

  it('the catalogue fact is required', () => {
    expect(violations({ kind: 'FIRST_LINE_IMPORT', importerIsBeneficiary: true }, [phone])).toEqual([
      ['lines[0].inTaxedCatalogue', 'tax.firstLine.catalogueFact'],
    ]);
  });
});

describe('island transfer (岛内流转)', () => {
  it('between beneficiaries nothing is due', () => {
    const r = run({ kind: 'ISLAND_TRANSFER', transfereeIsBeneficiary: true }, [phone]);
    expect(r.figures.total).toBe('0.00');
    expect(r.line.vat.rule).toBe('tax.islandTransfer.betweenBeneficiaries');
  });
  it('to a non-beneficiary the import taxes become due on the value', () => {
    const r = run({ kind: 'ISLAND_TRANSFER', transfereeIsBeneficiary: false }, [phone]);
    expect(r.figures).toEqual({ duty: '1200.00', ct: '0.00', vat: '1456.00', total: '2656.00' });
    expect(r.base.rule).toBe('tax.islandTransfer.toNonBeneficiary');
  });
});

describe('second line to the mainland (二线出岛)', () => {
  it('zero-tariff goods as they are: all three taxes on their whole value', () => {
    const r = run({ kind: 'SECOND_LINE_EXIT', goods: 'ZERO_TARIFF', domesticVatPaid: false }, [cosmetics]);
    expect(r.figures).toEqual({ duty: '500.00', ct: '1852.94', vat: '1605.88', total: '3958.82' });
    expect(r.base).toMatchObject({ rule: 'tax.secondLine.importedContent', amount: expect.anything() });
  });

  it('a product of zero-tariff goods: taxed on its imported content only', () => {
    // value 100,000 holding 60,000 of zero-tariff materials: duty 60000 × 0.08 = 4800; VAT 64800 × 0.13 = 8424
    const r = run({ kind: 'SECOND_LINE_EXIT', goods: 'ZERO_TARIFF', domesticVatPaid: false }, [
      {
        hsCode: '9403600000',
        customsValue: '100000',
        importedContentValue: '60000',
        dutyRate: '0.08',
        vatRate: '0.13',
      },
    ]);
    expect(r.figures).toEqual({ duty: '4800.00', ct: '0.00', vat: '8424.00', total: '13224.00' });
    expect(r.base.amount.toFixed(2)).toBe('60000.00');
  });

  it('domestic VAT already paid on the island: no import VAT, duty and consumption tax still due', () => {
    const r = run({ kind: 'SECOND_LINE_EXIT', goods: 'ZERO_TARIFF', domesticVatPaid: true }, [cosmetics]);
    expect(r.figures).toEqual({ duty: '500.00', ct: '1852.94', vat: '0.00', total: '2352.94' });
    expect(r.line.vat).toMatchObject({ status: 'EXEMPT', rule: 'tax.secondLine.domesticVatPaid' });
  });

  it('the GACC jerky (value added 0.4045 ≥ 0.30): no duty, VAT on the beef it holds', () => {
    // duty exempt (it would be 356000 × 0.12 = 42720); VAT 356000 × 0.09 = 32040
    const r = run({ kind: 'SECOND_LINE_EXIT', goods: 'PROCESSED', domesticVatPaid: false, valueAdded: jerkyVa }, [
      jerky,
    ]);
    expect(r.figures).toEqual({ duty: '0.00', ct: '0.00', vat: '32040.00', total: '32040.00' });
    expect(r.line.duty).toMatchObject({ status: 'EXEMPT', rule: 'tax.secondLine.valueAddedDutyExemption' });
    expect(r.line.duty.reason).toContain('0.4045');
  });

  it('processed goods below the threshold pay duty too', () => {
    // duty 356000 × 0.12 = 42720; VAT (356000 + 42720) × 0.09 = 35884.80
    const below = { ratio: jerkyVa.ratio.minus(0.2), threshold: '0.30', meetsThreshold: false };
    const r = run({ kind: 'SECOND_LINE_EXIT', goods: 'PROCESSED', domesticVatPaid: false, valueAdded: below }, [jerky]);
    expect(r.figures).toEqual({ duty: '42720.00', ct: '0.00', vat: '35884.80', total: '78604.80' });
  });

  it('processed goods meeting the threshold with domestic VAT paid: only consumption tax is left', () => {
    const r = run({ kind: 'SECOND_LINE_EXIT', goods: 'PROCESSED', domesticVatPaid: true, valueAdded: jerkyVa }, [
      { ...cosmetics, importedContentValue: '10000' },
    ]);
    // CT 10000 ÷ 0.85 × 0.15 = 1764.71
    expect(r.figures).toEqual({ duty: '0.00', ct: '1764.71', vat: '0.00', total: '1764.71' });
  });

  it('processed goods need their value added and their imported content', () => {
    expect(violations({ kind: 'SECOND_LINE_EXIT', goods: 'PROCESSED', domesticVatPaid: false }, [jerky])).toEqual([
      ['valueAdded', 'tax.secondLine.valueAddedRequired'],
    ]);
    expect(
      violations({ kind: 'SECOND_LINE_EXIT', goods: 'PROCESSED', domesticVatPaid: false, valueAdded: jerkyVa }, [
        { ...jerky, importedContentValue: undefined },
      ]),
    ).toEqual([['lines[0].importedContentValue', 'tax.secondLine.importedContentRequired']]);
  });

  it('the 50 CNY threshold applies to the exit declaration as well, each tax on its own', () => {
    // imported content 400 × 0.12 = 48 ≤ 50: not collected; VAT 400 × 0.09 = 36 ≤ 50: not collected either
    const r = run({ kind: 'SECOND_LINE_EXIT', goods: 'ZERO_TARIFF', domesticVatPaid: false }, [
      { ...jerky, customsValue: '700', importedContentValue: '400' },
    ]);
    expect(r.figures).toEqual({ duty: '0.00', ct: '0.00', vat: '0.00', total: '0.00' });
    expect([r.status.duty, r.status.vat]).toEqual(['WAIVED', 'WAIVED']);
    // 1,000 of imported content: duty 120 collected; VAT (1,000 + 120) × 0.09 = 100.80 collected
    const exit = { kind: 'SECOND_LINE_EXIT', goods: 'ZERO_TARIFF', domesticVatPaid: false } as const;
    const more = run(exit, [{ ...jerky, customsValue: '1700', importedContentValue: '1000' }]);
    expect(more.figures).toEqual({ duty: '120.00', ct: '0.00', vat: '100.80', total: '220.80' });
  });
});

describe('route notes', () => {
  it('say why, with rule ids', () => {
    expect(
      routeNotes({ kind: 'SECOND_LINE_EXIT', goods: 'PROCESSED', domesticVatPaid: true, valueAdded: jerkyVa }).map(
        (n) => n.rule,
      ),
    ).toEqual([
      'tax.secondLine.importedContent',
      'tax.secondLine.valueAddedDutyExemption',
      'tax.secondLine.domesticVatPaid',
    ]);
    expect(routeNotes({ kind: 'IMPORT' })[0]!.rule).toBe('tax.import');
  });
});
