import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chainValueAdded } from '../tax/rules.ts';
import {
  billCsv,
  billFigures,
  billNumber,
  canTransition,
  centralizedDueDate,
  centralizedViolations,
  exitTaxes,
  formViolations,
  isOverdue,
  periodClosed,
  periodOf,
  supplementaryFigures,
  valueAddedInputOf,
  type ExitTaxLine,
} from './rules.ts';
import { confirmationChanges, correctedLines, dutyRateViolations, valueAddedDecision } from './rules.ts';

const params = { notCollectedAtOrBelowCny: '50', vatRates: ['0.13', '0.09'], versions: { 'tax.vatRates': 1 } };
const basis = (importedCny: string, domesticCny = '0', hainanMadeCny = '0') => ({
  importedCny,
  domesticCny,
  hainanMadeCny,
});

describe('exit taxes (二线出岛), hand-computed', () => {
  it(
    'GACC example: beef 356,000 CNY into jerky sold for 500,000 CNY → 0.4045, duty exempt, VAT on ' +
      'the imported content',
    () => {
      const line = { valueCny: '500000', costBasis: basis('356000') };
      const va = chainValueAdded(valueAddedInputOf(line), '0.30');
      expect(va.ok && va.value.result.ratio.toDecimalPlaces(4).toFixed(4)).toBe('0.4045');
      expect(va.ok && va.value.meetsThreshold).toBe(true);
      const r = exitTaxes(
        'PROCESSING_VALUE_ADDED',
        [
          {
            hsCode: '1602500090',
            quantity: '10000',
            dutyRate: '0.12',
            vatRate: '0.09',
            domesticVatPaid: false,
            ...line,
            valueAdded: { ratio: '0.4045', meetsThreshold: true, threshold: '0.30' },
          },
        ],
        params,
      );
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const bill = billFigures(r.value, [{ dutyRate: '0.12', vatRate: '0.09' }], ['1602500090']);
      // duty 0 (exempt); VAT = 356,000.00 × 9% = 32,040.00
      expect(bill).toMatchObject({ duty: '0.00', consumptionTax: '0.00', vat: '32040.00', total: '32040.00' });
      expect(bill.lines[0]!.steps.duty).toMatchObject({
        status: 'EXEMPT',
        rule: 'tax.secondLine.valueAddedDutyExemption',
      });
    },
  );

  it('below 30%: duty on the imported content, then VAT on value + duty', () => {
    // 356,000 × 12% = 42,720.00; VAT (356,000 + 42,720) × 9% = 35,884.80
    const r = exitTaxes(
      'PROCESSING_VALUE_ADDED',
      [
        {
          hsCode: '1602500090',
          quantity: '1',
          valueCny: '420000',
          dutyRate: '0.12',
          vatRate: '0.09',
          domesticVatPaid: false,
          costBasis: basis('356000'),
          valueAdded: { ratio: '0.1798', meetsThreshold: false, threshold: '0.30' },
        },
      ],
      params,
    );
    expect(r.ok && billFigures(r.value, [{ dutyRate: '0.12', vatRate: '0.09' }], ['x'])).toMatchObject({
      duty: '42720.00',
      vat: '35884.80',
      total: '78604.80',
    });
  });

  it('zero-tariff goods to the mainland: all three taxes on their imported content, not on the price', () => {
    // Imported 80,000 sold at 100,000: duty 10% = 8,000.00; CT 15%: (80,000 + 8,000) ÷ 0.85 × 0.15 = 15,529.41;
    // VAT (80,000 + 8,000 + 15,529.41) × 13% = 13,458.82
    const line = {
      hsCode: '3304990099',
      quantity: '1000',
      valueCny: '100000',
      dutyRate: '0.10',
      consumptionTaxRate: '0.15',
      vatRate: '0.13',
      domesticVatPaid: false,
      costBasis: basis('80000'),
    };
    const r = exitTaxes('ZERO_TARIFF', [line], params);
    const rates = [{ dutyRate: '0.10', vatRate: '0.13' }];
    expect(r.ok && billFigures(r.value, rates, ['x'])).toMatchObject({
      duty: '8000.00',
      consumptionTax: '15529.41',
      vat: '13458.82',
      total: '36988.23',
    });
    expect(r.ok && r.value.lines[0]!.dutiableValue).toMatchObject({
      rule: 'tax.secondLine.importedContent',
      formula: 'imported materials 80000.00 CNY (account book cost basis; price 100000.00 CNY)',
    });
  });

  it("products of zero-tariff materials: pellets made into bags pay on the pellets, not on the bags' price", () => {
    // Book cost of the bags: imported pellets 10,000 + domestic 2,000 + Hainan-made 3,000; sold at 30,000.
    // Duty 10,000 × 6.5% = 650.00; VAT (10,000 + 650) × 13% = 1,384.50 (not 1,950.00 + 4,153.50 on the price).
    const bags = {
      hsCode: '3923210000',
      quantity: '1000',
      valueCny: '30000',
      dutyRate: '0.065',
      vatRate: '0.13',
      domesticVatPaid: false,
      costBasis: basis('10000', '2000', '3000'),
    };
    const r = exitTaxes('ZERO_TARIFF', [bags], params);
    expect(r.ok && billFigures(r.value, [{ dutyRate: '0.065', vatRate: '0.13' }], ['x'])).toMatchObject({
      duty: '650.00',
      vat: '1384.50',
      total: '2034.50',
    });
    expect(r.ok && r.value.lines[0]!.dutiableValue.formula).toBe(
      'imported materials 10000.00 CNY (account book cost basis; domestic 2000.00 and Hainan-made ' +
        '3000.00 left out; price 30000.00 CNY)',
    );
  });

  it('domestic VAT paid on the island: no import VAT', () => {
    const r = exitTaxes(
      'ZERO_TARIFF',
      [
        {
          hsCode: '8471300000',
          quantity: '1',
          valueCny: '1000',
          dutyRate: '0.10',
          vatRate: '0.13',
          domesticVatPaid: true,
          costBasis: basis('1000'),
        },
      ],
      params,
    );
    expect(r.ok && billFigures(r.value, [{ dutyRate: '0.10', vatRate: '0.13' }], ['x'])).toMatchObject({
      duty: '100.00',
      vat: '0.00',
      total: '100.00',
    });
  });

  it('the 50 CNY threshold for the whole declaration includes 50, half-up rounding at the half cent', () => {
    // 0.05 × 1,000.10 = 50.005 → 50.01 collected (half-up); 0.05 × 999.90 = 49.995 → 50.00 not collected (以下 includes
    // 50)
    const at = (v: string) =>
      exitTaxes(
        'ZERO_TARIFF',
        [
          {
            hsCode: '8471300000',
            quantity: '1',
            valueCny: v,
            dutyRate: '0.05',
            vatRate: '0.13',
            domesticVatPaid: false,
            costBasis: basis(v),
          },
        ],
        params,
      );
    const a = at('1000.10');
    const b = at('999.90');
    expect(a.ok && a.value.duty.toFixed(2)).toBe('50.01');
    expect(b.ok && [b.value.duty.toFixed(2), b.value.dutyBeforeThreshold.toFixed(2), b.value.dutyWaived]).toEqual([
      '0.00',
      '50.00',
      true,
    ]);
    // VAT is judged on its own: 999.90 × 13% = 129.99, collected.
    expect(b.ok && [b.value.vat.toFixed(2), b.value.waived.vat]).toEqual(['129.99', false]);
  });

  it('compound duty: specific per unit plus ad valorem', () => {
    // 2,000.00 × 0.05 + 100 × 3.5 = 100 + 350 = 450.00; VAT (2,000 + 450) × 13% = 318.50
    const r = exitTaxes(
      'ZERO_TARIFF',
      [
        {
          hsCode: '0201300090',
          quantity: '100',
          valueCny: '2000',
          dutyRate: '0.05',
          specificDutyPerUnit: '3.5',
          vatRate: '0.13',
          domesticVatPaid: false,
          costBasis: basis('2000'),
        },
      ],
      params,
    );
    expect(r.ok && billFigures(r.value, [{ dutyRate: '0.05', vatRate: '0.13' }], ['x'])).toMatchObject({
      duty: '450.00',
      vat: '318.50',
    });
  });

  it('property: taxes never negative, and raising the price of zero-tariff goods never lowers the total', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (cents, extra) => {
        const v = (cents / 100).toFixed(2);
        const w = ((cents + extra) / 100).toFixed(2);
        const run = (x: string) =>
          exitTaxes(
            'ZERO_TARIFF',
            [
              {
                hsCode: '3304990099',
                quantity: '1',
                valueCny: x,
                dutyRate: '0.08',
                consumptionTaxRate: '0.15',
                vatRate: '0.13',
                domesticVatPaid: false,
                costBasis: basis(x),
              },
            ],
            params,
          );
        const a = run(v);
        const b = run(w);
        if (!a.ok || !b.ok) return false;
        return (
          a.value.duty.gte(0) && a.value.vat.gte(0) && a.value.consumptionTax.gte(0) && b.value.total.gte(a.value.total)
        );
      }),
    );
  });
});

describe('states', () => {
  it('follows the life cycle and refuses leaps', () => {
    expect(canTransition('SUBMITTED', 'HELD')).toBe(true);
    expect(canTransition('HELD', 'ACCEPTED')).toBe(true);
    expect(canTransition('ACCEPTED', 'RELEASED')).toBe(true);
    expect(canTransition('RELEASED', 'EXITED')).toBe(true);
    expect(canTransition('SUBMITTED', 'EXITED')).toBe(false);
    expect(canTransition('EXITED', 'CANCELLED')).toBe(false);
    expect(canTransition('REJECTED', 'ACCEPTED')).toBe(false);
  });
});

describe('batch periods and the centralized declaration', () => {
  it('is due by the 25th of the following month, December into January', () => {
    expect(periodOf('2026-11-23')).toBe('2026-11');
    expect(centralizedDueDate('2026-11', 25)).toBe('2026-12-25');
    expect(centralizedDueDate('2026-12', 25)).toBe('2027-01-25');
    expect(centralizedDueDate('2026-01', 31)).toBe('2026-02-28');
    expect(isOverdue('2026-11', 25, '2026-12-25')).toBe(false);
    expect(isOverdue('2026-11', 25, '2026-12-26')).toBe(true);
    expect(periodClosed('2026-11', '2026-11-30')).toBe(false);
    expect(periodClosed('2026-11', '2026-12-01')).toBe(true);
  });

  it('refuses an open month, a batch still on the road, and two years', () => {
    const exited = (id: string, d: string) => ({ id, businessDate: d, state: 'EXITED' as const });
    expect(
      centralizedViolations('2026-11', '2026-12-02', [exited('a', '2026-11-03'), exited('b', '2026-11-20')]),
    ).toEqual([]);
    expect(centralizedViolations('2026-11', '2026-11-30', [exited('a', '2026-11-03')]).map((v) => v.rule)).toEqual([
      'declarations.centralized.periodOpen',
    ]);
    expect(
      centralizedViolations('2026-11', '2026-12-02', [{ id: 'a', businessDate: '2026-11-03', state: 'RELEASED' }]).map(
        (v) => v.rule,
      ),
    ).toEqual(['declarations.centralized.batchNotExited']);
    expect(
      centralizedViolations('2026-12', '2027-01-02', [exited('a', '2026-12-03'), exited('b', '2027-01-01')]).map(
        (v) => v.rule,
      ),
    ).toContain('declarations.centralized.spansYears');
    expect(centralizedViolations('2026-11', '2026-12-02', []).map((v) => v.rule)).toEqual([
      'declarations.centralized.noBatches',
    ]);
  });

  it('refuses a month with a batch whose value-added review is still pending', () => {
    const batches = [{ id: 'a', businessDate: '2026-11-03', state: 'EXITED' as const, reviewPending: true }];
    expect(centralizedViolations('2026-11', '2026-12-02', batches).map((v) => v.rule)).toEqual([
      'declarations.centralized.reviewPending',
    ]);
  });
});

describe('the form against the book', () => {
  const facts = {
    regime: 'ZERO_TARIFF' as const,
    bookStatus: 'OPEN',
    bookEnterpriseId: 'e1',
    declarantEnterpriseId: 'e1',
    destination: 'CN-MAINLAND',
    bookId: 'b1',
    itemBookOf: (id: string) => (id === 'i1' || id === 'i2' ? 'b1' : id === 'x' ? 'b2' : null),
    expectedGrossWeightKg: '120',
  };
  const line = (itemId: string) => ({ itemId, quantity: '1', valueCny: '1', netWeightKg: '50' });
  it('names each broken rule by path', () => {
    expect(formViolations([line('i1'), line('i2')], facts)).toEqual([]);
    expect(formViolations([line('i1')], { ...facts, regime: 'RELAXED_TRADE' }).map((v) => v.rule)).toEqual([
      'declarations.relaxedTradeToMainland',
    ]);
    const v = formViolations([line('i1'), line('x'), line('i1'), line('nope')], facts);
    expect(v.map((x) => `${x.path} ${x.rule}`)).toEqual([
      'lines[1].itemId declarations.itemOfBook',
      'lines[2].itemId declarations.itemOnce',
      'lines[3].itemId declarations.itemUnknown',
      'transport.expectedGrossWeightKg declarations.grossAtLeastNet',
    ]);
    expect(formViolations([line('i1')], { ...facts, bookEnterpriseId: 'e2' }).map((v) => v.rule)).toEqual([
      'declarations.bookOfDeclarant',
    ]);
  });
});

describe('tax bills', () => {
  it('a supplementary bill owes only the increase, and the CSV has a row per line and a total', () => {
    const line: ExitTaxLine = {
      hsCode: '3304990099',
      quantity: '1',
      valueCny: '1000',
      dutyRate: '0.10',
      vatRate: '0.13',
      domesticVatPaid: false,
      costBasis: basis('1000'),
    };
    const a = exitTaxes('ZERO_TARIFF', [line], params);
    const b = exitTaxes('ZERO_TARIFF', [{ ...line, valueCny: '1500', costBasis: basis('1500') }], params);
    if (!a.ok || !b.ok) throw new Error('computable');
    const rates = [{ dutyRate: '0.10', vatRate: '0.13' }];
    const fa = billFigures(a.value, rates, ['3304990099']);
    const fb = billFigures(b.value, rates, ['3304990099']);
    // before 100.00 + 143.00; after 150.00 + 214.50 (the cost basis rose with the correction)
    expect(supplementaryFigures(fa, fb)).toEqual({
      duty: '50.00',
      consumptionTax: '0.00',
      vat: '71.50',
      total: '121.50',
    });
    expect(supplementaryFigures(fb, fa).total).toBe('0.00');
    expect(billNumber('2026-11-23', 7)).toBe('SD2026112300000007');
    const csv = billCsv({
      billNo: 'SD1',
      kind: 'ORIGINAL',
      declarationId: 'd',
      issuedAt: '2026-11-23T02:00:00.000Z',
      figures: fa,
    });
    expect(csv.trim().split('\n')).toHaveLength(3);
    expect(csv).toContain(',TOTAL,');
  });
});

describe('an inspection correction decides again', () => {
  const jerky: ExitTaxLine = {
    hsCode: '1602500090',
    quantity: '800',
    valueCny: '500000',
    dutyRate: '0.12',
    vatRate: '0.09',
    domesticVatPaid: false,
    costBasis: basis('356000'),
    valueAdded: { ratio: '0.4045', meetsThreshold: true, threshold: '0.30', confirmationNumber: 'QR2026640100000001' },
  };
  const facts = { threshold: '0.30', processingQualification: true };

  it('the jerky re-priced from 500,000 to 450,000: 26.40% < 30%, no exemption, duty 42,720.00 + VAT 35,884.80', () => {
    const [corrected] = correctedLines([jerky], [{ lineIndex: 0, valueCny: '450000' }]);
    const d = valueAddedDecision(corrected!, facts);
    if (!d.ok) throw new Error(JSON.stringify(d.violations));
    expect([d.value.chain.result.ratio.toFixed(4), d.value.exempt]).toEqual(['0.2640', false]);
    const va = { ratio: '0.2640', meetsThreshold: false, threshold: '0.30', confirmationNumber: null };
    const r = exitTaxes('PROCESSING_VALUE_ADDED', [{ ...corrected!, valueAdded: va }], params);
    const rates = [{ dutyRate: '0.12', vatRate: '0.09' }];
    const billed = r.ok && billFigures(r.value, rates, ['x']);
    expect(billed).toMatchObject({ duty: '42720.00', vat: '35884.80', total: '78604.80' });
    expect(valueAddedDecision(jerky, facts)).toMatchObject({ ok: true, value: { exempt: true } });
    const unqualified = valueAddedDecision(jerky, { ...facts, processingQualification: false });
    expect(unqualified).toMatchObject({ ok: true, value: { exempt: false } });
  });

  it('a quantity correction scales the cost basis; other lines are left alone', () => {
    const other = { ...jerky, costBasis: basis('100', '20', '3') };
    const out = correctedLines([other, jerky], [{ lineIndex: 0, quantity: '400' }]);
    expect(out[0]!.costBasis).toEqual(basis('50.00', '10.00', '1.50'));
    expect(out[1]).toBe(jerky);
  });

  it('a number no line holds any more is withdrawn; one still held by another line is not', () => {
    const held = (n: string | null) => ({
      valueAdded: { ratio: '0.4', meetsThreshold: n !== null, threshold: '0.30', confirmationNumber: n },
    });
    expect(confirmationChanges([held('QR1')], [held(null)])).toEqual({ withdrawn: ['QR1'], issued: [] });
    const shared = confirmationChanges([held('QR1'), held('QR1')], [held(null), held('QR1')]);
    expect(shared).toEqual({ withdrawn: [], issued: [] });
    expect(confirmationChanges([held(null)], [held('QR2')])).toEqual({ withdrawn: [], issued: ['QR2'] });
  });
});

describe('a duty rate is given for goods that owe duty', () => {
  it('0 is refused on a line that holds imported content; a rate, a specific duty, or no imported content pass', () => {
    const line = (dutyRate: string, importedCny = '1000', specific?: string) => ({
      dutyRate,
      costBasis: basis(importedCny),
      ...(specific ? { specificDutyPerUnit: specific } : {}),
    });
    const lines = [line('0.05'), line('0'), line('0.000000'), line('0', '0'), line('0', '1000', '3.5')];
    lines.push(line('0', '1000', '0'));
    const refused = dutyRateViolations(lines).map((x) => `${x.path} ${x.rule}`);
    expect(refused).toEqual([1, 2, 5].map((i) => `lines[${i}].dutyRate declarations.dutyRateRequired`));
  });
});
