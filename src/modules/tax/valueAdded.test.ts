import { describe, expect, it } from 'vitest';
import { carriedRecord, chainValueAdded, ratioString, valueAddedRatio, type CumulativeRecord } from './valueAdded.ts';
import {
  confirmationDecision,
  cumulativeNumberDecision,
  formatValueAddedNumber,
  parseValueAddedNumber,
} from './valueAddedNumbers.ts';

function chain(input: Parameters<typeof chainValueAdded>[0], threshold = '0.30') {
  const r = chainValueAdded(input, threshold);
  if (!r.ok) throw new Error(JSON.stringify(r.violations));
  return r.value;
}

describe('the ratio', () => {
  it('the GACC example: (500000 − 356000) ÷ 356000 = 0.40449… → 0.4045, meets 0.30', () => {
    const r = chain({ salePrice: '500000', importedMaterials: ['356000'], domesticMaterials: [] });
    expect(ratioString(r.result.ratio)).toBe('0.4045');
    expect(r.meetsThreshold).toBe(true);
    expect(r.result.formula).toBe('(500000.00 − 356000.00 − 0.00) ÷ (356000.00 + 0.00) = 0.4045');
  });

  it('Hainan-made inputs are value added: neither subtracted nor in the denominator', () => {
    // (500000 − 300000 − 100000) ÷ 400000 = 0.25 with or without the 50000 of Hainan inputs
    const without = chain({ salePrice: '500000', importedMaterials: ['300000'], domesticMaterials: ['100000'] });
    const withHainan = chain({
      salePrice: '500000',
      importedMaterials: ['300000'],
      domesticMaterials: ['100000'],
      hainanMadeInputs: ['50000'],
    });
    expect(ratioString(withHainan.result.ratio)).toBe('0.2500');
    expect(withHainan.result.ratio.eq(without.result.ratio)).toBe(true);
    // The same 50000 bought as ordinary domestic material lowers the ratio: (500000 − 450000) ÷ 450000 = 0.1111
    expect(
      ratioString(
        chain({ salePrice: '500000', importedMaterials: ['300000'], domesticMaterials: ['100000', '50000'] }).result
          .ratio,
      ),
    ).toBe('0.1111');
  });

  it('exactly 30% meets the threshold; 29.996% shows as 0.3000 and does not', () => {
    expect(chain({ salePrice: '130', importedMaterials: ['100'], domesticMaterials: [] }).meetsThreshold).toBe(true);
    const just = chain({ salePrice: '129.996', importedMaterials: ['100'], domesticMaterials: [] });
    expect(ratioString(just.result.ratio)).toBe('0.3000');
    expect(just.meetsThreshold).toBe(false);
  });

  it('the threshold is a parameter', () => {
    expect(
      chain({ salePrice: '500000', importedMaterials: ['356000'], domesticMaterials: [] }, '0.45').meetsThreshold,
    ).toBe(false);
  });

  it('no materials is a clear error', () => {
    expect(valueAddedRatio({ salePrice: '1', importedMaterials: [], domesticMaterials: [] })).toMatchObject({
      ok: false,
      violation: { rule: 'valueAdded.noMaterials' },
    });
    expect(
      chainValueAdded({ salePrice: '1', importedMaterials: [], domesticMaterials: [], hainanMadeInputs: ['5'] }, '0.30')
        .ok,
    ).toBe(false);
  });
});

describe('cumulation along a chain (累计编号)', () => {
  // Upstream A imported 100,000 of materials and sold 1,000 units of an intermediate to B for 120,000.
  const a: CumulativeRecord = {
    number: 'LJ202664010000000125',
    salePrice: '120000',
    quantity: '1000',
    importedMaterials: '100000',
    domesticMaterials: '0',
    hainanMadeInputs: '0',
  };

  it('B on its own is at 15.38%; with A’s number the chain is at 36.36% and meets 30%', () => {
    // own: the intermediate is untaxed imported content at its price: (150000 − 120000 − 10000) ÷ 130000 = 0.1538
    // chain: A's imported materials instead, A's value added counts: (150000 − 100000 − 10000) ÷ 110000 = 0.3636
    const r = chain({
      salePrice: '150000',
      importedMaterials: [],
      domesticMaterials: ['10000'],
      upstream: [{ record: a, quantityUsed: '1000' }],
    });
    expect(ratioString(r.own.ratio)).toBe('0.1538');
    expect(ratioString(r.chain!.ratio)).toBe('0.3636');
    expect(r.cumulationApplied).toBe(true);
    expect(r.meetsThreshold).toBe(true);
  });

  it('takes the share of the record for the quantity used', () => {
    // 600 of 1000 units: price share 72000, imported share 60000.
    // own (100000 − 72000 − 6000) ÷ 78000 = 0.2821; chain (100000 − 60000 − 6000) ÷ 66000 = 0.5152
    const r = chain({
      salePrice: '100000',
      importedMaterials: [],
      domesticMaterials: ['6000'],
      upstream: [{ record: a, quantityUsed: '600' }],
    });
    expect(r.own.imported.toFixed(2)).toBe('72000.00');
    expect(r.chain!.imported.toFixed(2)).toBe('60000.00');
    expect([ratioString(r.own.ratio), ratioString(r.chain!.ratio)]).toEqual(['0.2821', '0.5152']);
  });

  it('is not needed when the enterprise meets the threshold on its own', () => {
    const r = chain({
      salePrice: '200000',
      importedMaterials: [],
      domesticMaterials: ['10000'],
      upstream: [{ record: a, quantityUsed: '1000' }],
    });
    // own (200000 − 130000) ÷ 130000 = 0.5385 ≥ 0.30
    expect(r.cumulationApplied).toBe(false);
    expect(ratioString(r.result.ratio)).toBe('0.5385');
  });

  it('is not applied when the upstream sold at a loss (it would lower the ratio)', () => {
    const loss: CumulativeRecord = { ...a, salePrice: '90000' };
    const r = chain({
      salePrice: '110000',
      importedMaterials: [],
      domesticMaterials: ['10000'],
      upstream: [{ record: loss, quantityUsed: '1000' }],
    });
    // own (110000 − 100000) ÷ 100000 = 0.10; chain (110000 − 110000) ÷ 110000 = 0
    expect(r.chain!.ratio.lt(r.own.ratio)).toBe(true);
    expect(r.cumulationApplied).toBe(false);
  });

  it('adds up over three links: A → B → C', () => {
    const recordA: CumulativeRecord = {
      number: 'LJ202664010000000125',
      salePrice: '115000',
      quantity: '1000',
      importedMaterials: '100000',
      domesticMaterials: '0',
      hainanMadeInputs: '0',
    };
    // B uses all of A's goods, adds 5000 domestic and 3000 Hainan-made, and passes 500 units to C for 135000.
    const b = carriedRecord('LJ202664080000004244', {
      salePrice: '135000',
      quantity: '500',
      importedMaterials: [],
      domesticMaterials: ['5000'],
      hainanMadeInputs: ['3000'],
      upstream: [{ record: recordA, quantityUsed: '1000' }],
    });
    if (!b.ok) throw new Error('carried record');
    expect(b.value).toEqual({
      number: 'LJ202664080000004244',
      salePrice: '135000.00',
      quantity: '500',
      importedMaterials: '100000.00',
      domesticMaterials: '5000.00',
      hainanMadeInputs: '3000.00',
    });
    // C uses half of B's goods (share: price 67500, imported 50000, domestic 2500), adds 4000 domestic, sells for
    // 80000.
    // own (80000 − 67500 − 4000) ÷ 71500 = 0.1189; chain (80000 − 50000 − 6500) ÷ 56500 = 0.4159
    const c = chain({
      salePrice: '80000',
      importedMaterials: [],
      domesticMaterials: ['4000'],
      upstream: [{ record: b.value, quantityUsed: '250' }],
    });
    expect([ratioString(c.own.ratio), ratioString(c.chain!.ratio)]).toEqual(['0.1189', '0.4159']);
    expect(c.chain!.hainanMade.toFixed(2)).toBe('1500.00');
    expect(c.meetsThreshold).toBe(true);
  });

  it('refuses a quantity beyond the record and a number listed twice', () => {
    const r = chainValueAdded(
      {
        salePrice: '1',
        importedMaterials: ['1'],
        domesticMaterials: [],
        upstream: [
          { record: a, quantityUsed: '1001' },
          { record: a, quantityUsed: '1' },
        ],
      },
      '0.30',
    );
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.violations.map((v) => [v.path, v.rule])).toEqual([
        ['upstream[0].quantityUsed', 'valueAdded.quantityWithinRecord'],
        ['upstream[1].record.number', 'valueAdded.numberOnce'],
      ]);
  });
});

describe('confirmation and cumulative numbers', () => {
  it('format with ISO 7064 MOD 97-10 check digits (hand-checked)', () => {
    expect(formatValueAddedNumber({ kind: 'CONFIRMATION', year: 2026, customsCode: '6401', serial: 1 })).toBe(
      'QR202664010000000115',
    );
    expect(formatValueAddedNumber({ kind: 'CUMULATIVE', year: 2026, customsCode: '6408', serial: 42 })).toBe(
      'LJ202664080000004244',
    );
  });

  it('parse back, and catch a mistyped digit, a wrong kind and a bad shape', () => {
    expect(parseValueAddedNumber('QR202664010000000115')).toEqual({
      ok: true,
      value: { kind: 'CONFIRMATION', year: 2026, customsCode: '6401', serial: 1 },
    });
    expect(parseValueAddedNumber('QR202664010000000215')).toMatchObject({
      ok: false,
      rule: 'valueAdded.numberCheckDigits',
    });
    expect(parseValueAddedNumber('QR202664010000000115', 'CUMULATIVE')).toMatchObject({
      ok: false,
      rule: 'valueAdded.numberKind',
    });
    expect(parseValueAddedNumber('QR2026-6401-1')).toMatchObject({ ok: false, rule: 'valueAdded.numberFormat' });
    expect(() => formatValueAddedNumber({ kind: 'CONFIRMATION', year: 2026, customsCode: '64A1', serial: 1 })).toThrow(
      RangeError,
    );
  });

  it('a confirmation number is issued for the GACC jerky sold to the mainland by a filing enterprise', () => {
    const va = chain({ salePrice: '500000', importedMaterials: ['356000'], domesticMaterials: [] });
    const yes = confirmationDecision({ processingQualification: true, destination: 'MAINLAND', valueAdded: va });
    expect(yes.issue).toBe(true);
    expect(yes.conditions.map((c) => c.rule)).toEqual([
      'valueAdded.processingQualification',
      'valueAdded.saleToMainland',
      'valueAdded.threshold',
    ]);
    const noFiling = confirmationDecision({ processingQualification: false, destination: 'MAINLAND', valueAdded: va });
    expect(noFiling.issue).toBe(false);
    expect(noFiling.conditions.filter((c) => !c.met).map((c) => c.rule)).toEqual([
      'valueAdded.processingQualification',
    ]);
    const below = confirmationDecision({
      processingQualification: true,
      destination: 'MAINLAND',
      valueAdded: chain({ salePrice: '400000', importedMaterials: ['356000'], domesticMaterials: [] }),
    });
    expect(below.issue).toBe(false);
    expect(below.conditions[2]!.text).toContain('0.1236 < 0.3');
  });

  it('a confirmation reached only through cumulation says so', () => {
    const a: CumulativeRecord = {
      number: 'LJ202664010000000125',
      salePrice: '120000',
      quantity: '1000',
      importedMaterials: '100000',
      domesticMaterials: '0',
      hainanMadeInputs: '0',
    };
    const va = chain({
      salePrice: '150000',
      importedMaterials: [],
      domesticMaterials: ['10000'],
      upstream: [{ record: a, quantityUsed: '1000' }],
    });
    expect(
      confirmationDecision({ processingQualification: true, destination: 'MAINLAND', valueAdded: va }).conditions[2]!
        .rule,
    ).toBe('valueAdded.thresholdWithCumulation');
  });

  it('a cumulative number passes between filing enterprises on the island only', () => {
    expect(
      cumulativeNumberDecision({
        upstreamProcessingQualification: true,
        downstreamProcessingQualification: true,
        destination: 'ISLAND',
        salePrice: '120000',
      }).issue,
    ).toBe(true);
    const toOrdinary = cumulativeNumberDecision({
      upstreamProcessingQualification: true,
      downstreamProcessingQualification: false,
      destination: 'ISLAND',
      salePrice: '120000',
    });
    expect(toOrdinary.conditions.filter((c) => !c.met).map((c) => c.rule)).toEqual([
      'valueAdded.downstreamProcessingQualification',
    ]);
    expect(
      cumulativeNumberDecision({
        upstreamProcessingQualification: true,
        downstreamProcessingQualification: true,
        destination: 'MAINLAND',
        salePrice: '1',
      }).issue,
    ).toBe(false);
  });
});
