import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  adjustmentViolation,
  correctedItem,
  costOf,
  D,
  directReleaseDueOn,
  inCatalogue,
  invariantViolations,
  isCalendarDate,
  itemViolations,
  quantityViolation,
  splitCost,
  takeCost,
  totalCost,
} from './rules.ts';

const cost = (i: string, d = '0', h = '0') => costOf({ importedCny: i, domesticCny: d, hainanMadeCny: h });

describe('cost basis travels with quantity', () => {
  it('takes pro rata, half-up to the fen; taking all takes all', () => {
    const c = takeCost(new D(3), cost('100.00', '10.00'), new D(1));
    expect([c.importedCny.toFixed(2), c.domesticCny.toFixed(2)]).toEqual(['33.33', '3.33']);
    const all = takeCost(new D(3), cost('100.00', '10.00'), new D(3));
    expect(all.importedCny.toFixed(2)).toBe('100.00');
  });

  it('taking the stock in any number of parts never leaves or creates a fen', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
        (fen, parts) => {
          let onHand = new D(parts.reduce((s, p) => s + p, 0));
          let stock = cost(new D(fen).dividedBy(100).toFixed(2));
          let taken = new D(0);
          for (const p of parts) {
            const c = takeCost(onHand, stock, new D(p));
            expect(c.importedCny.lte(stock.importedCny)).toBe(true);
            taken = taken.plus(c.importedCny);
            stock = { ...stock, importedCny: stock.importedCny.minus(c.importedCny) };
            onHand = onHand.minus(p);
          }
          expect(taken.toFixed(2)).toBe(new D(fen).dividedBy(100).toFixed(2));
          expect(stock.importedCny.isZero()).toBe(true);
        },
      ),
    );
  });

  it('splits a cost over shares exactly', () => {
    const parts = splitCost(cost('100.00', '0.01'), [new D(1), new D(1), new D(1)]);
    expect(parts.map((p) => p.importedCny.toFixed(2))).toEqual(['33.33', '33.33', '33.34']);
    expect(parts.reduce((s, p) => s.plus(totalCost(p)), new D(0)).toFixed(2)).toBe('100.01');
  });
});

describe('invariants', () => {
  const acct = (kind: string, onHand: string, reserved = '0', importedCny = '0') => ({
    itemId: 'i',
    kind,
    onHand,
    reserved,
    importedCny,
    domesticCny: '0',
    hainanMadeCny: '0',
  });
  it('a balanced ledger passes; negative stock, over-reservation and imbalance are named', () => {
    expect(invariantViolations([acct('stock', '5', '2', '10'), acct('abroad', '-5', '0', '-10')])).toEqual([]);
    expect(invariantViolations([acct('stock', '-1'), acct('abroad', '1')]).map((v) => v.rule)).toEqual([
      'ledger.invariant.onHandNonNegative',
      'ledger.invariant.reservedWithinOnHand',
    ]);
    expect(invariantViolations([acct('stock', '1', '2'), acct('abroad', '-1')]).map((v) => v.rule)).toEqual([
      'ledger.invariant.reservedWithinOnHand',
    ]);
    expect(invariantViolations([acct('stock', '1'), acct('abroad', '0')]).map((v) => v.rule)).toEqual([
      'ledger.invariant.balanced',
    ]);
    expect(
      invariantViolations([acct('stock', '1', '0', '1'), acct('abroad', '-1', '0', '0')]).map((v) => v.rule),
    ).toEqual(['ledger.invariant.balanced']);
  });
});

describe('small rules', () => {
  it('quantities, adjustments, dates, the catalogue and the direct-release deadline', () => {
    expect(quantityViolation('1.123456')).toBeNull();
    expect(quantityViolation('1.1234567')).not.toBeNull();
    expect(quantityViolation('0')).not.toBeNull();
    expect(quantityViolation('1e3')).not.toBeNull();
    expect(adjustmentViolation('-2.5')).toBeNull();
    expect(adjustmentViolation('--2')).not.toBeNull();
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(inCatalogue('8703236990', ['8703'])).toBe(true);
    expect(inCatalogue('8704236990', ['8703'])).toBe(false);
    expect(directReleaseDueOn('2026-12-25', 14)).toBe('2027-01-08');
  });
});

describe("items are checked with the declarations' rules", () => {
  const item = {
    itemNo: 'EXC-1',
    hsCode: '8429520000',
    name: '挖掘机',
    specification: '',
    unit: '台',
    originCountry: 'DE',
  };
  const rules = (over: Partial<typeof item>) =>
    itemViolations({ ...item, ...over }, (f) => f).map((v) => `${v.path}:${v.rule}`);

  it.each([
    [{}, []],
    [{ originCountry: 'DEU' }, ['originCountry:ISO3166.format']],
    [{ originCountry: 'XX' }, ['originCountry:ISO3166.unknown']],
    [{ hsCode: '84295200' }, ['hsCode:HS.length']],
    [{ hsCode: '0101990000' }, ['hsCode:HS.unknownSubheading']],
    [{ name: '  ' }, ['name:ledger.item.name']],
    [{ name: 'x'.repeat(201) }, ['name:ledger.item.name']],
    [{ unit: '' }, ['unit:ledger.item.unit']],
  ])('%j → %j', (over, expected) => {
    expect(rules(over)).toEqual(expected);
  });

  it('a correction changes only what differs, and checks the whole corrected item', () => {
    const legacy = { ...item, originCountry: 'DEU' };
    expect(correctedItem(legacy, { name: '履带式挖掘机' }, 'why').errors.map((e) => e.rule)).toEqual([
      'ISO3166.format',
    ]);
    const fixed = correctedItem(legacy, { originCountry: 'DE', name: '挖掘机' }, 'why');
    expect(fixed).toMatchObject({
      errors: [],
      changed: ['originCountry'],
      before: { originCountry: 'DEU' },
      values: { originCountry: 'DE' },
    });
    expect(correctedItem(item, {}, ' ').errors.map((e) => e.rule)).toEqual([
      'ledger.item.correctionReason',
      'ledger.item.correctionEmpty',
    ]);
  });
});
