import { describe, expect, it } from 'vitest';
import { taxableBase, type BaseGoods, type TaxableBaseInput } from './taxableBase.ts';
import { computeRoute, type Route, type RouteLine } from './treatment.ts';
import { DEFAULT_TAX_PARAMETERS } from './rules.ts';

// The pellets made into bags of issue 20: imported 10,000 + domestic 2,000 + Hainan-made 3,000, sold at 30,000.
const bagsBook = { importedCny: '10000', domesticCny: '2000', hainanMadeCny: '3000' };
const book = (importedCny: string, domesticCny = '0', hainanMadeCny = '0') => ({
  importedCny,
  domesticCny,
  hainanMadeCny,
});
// The GACC jerky: 356,000 of imported beef.
const jerkyBook = book('356000');

type More = Partial<TaxableBaseInput>;
const exit = (goods: BaseGoods, value: string, more: More = {}): TaxableBaseInput => ({
  route: 'SECOND_LINE_EXIT',
  goods,
  value,
  ...more,
});
const transfer = (value: string, more: More = {}): TaxableBaseInput => ({ route: 'ISLAND_TRANSFER', value, ...more });
const IMPORT = 'tax.dutiableValue';
const SECOND = 'tax.secondLine.importedContent';
const ISLAND = 'tax.islandTransfer.toNonBeneficiary';

/** Every route and source of the imported content: [case, input, base amount, rule it names]. */
const table: [string, TaxableBaseInput, string, string][] = [
  ['ordinary import: the customs value', { route: 'IMPORT', value: '30000' }, '30000.00', IMPORT],
  [
    'first-line import: the customs value, to the fen',
    { route: 'FIRST_LINE_IMPORT', value: '7106.195' },
    '7106.20',
    IMPORT,
  ],
  [
    'first-line import ignores a book: nothing was spared yet',
    { route: 'FIRST_LINE_IMPORT', value: '30000', book: bagsBook },
    '30000.00',
    IMPORT,
  ],
  [
    'exit, products of zero-tariff materials (book): the pellets, not the price',
    exit('ZERO_TARIFF', '30000', { book: bagsBook }),
    '10000.00',
    SECOND,
  ],
  [
    'exit, zero-tariff goods as imported (book): their imported cost, not the price',
    exit('ZERO_TARIFF', '240000', { book: book('225000') }),
    '225000.00',
    SECOND,
  ],
  [
    'exit, processed goods (book): the beef in the jerky',
    exit('PROCESSED', '450000', { book: jerkyBook }),
    '356000.00',
    SECOND,
  ],
  [
    'exit, sold below the imported cost: still the imported content',
    exit('ZERO_TARIFF', '8000', { book: book('10000') }),
    '10000.00',
    SECOND,
  ],
  [
    'exit, no imported content at all: nothing to tax',
    exit('PROCESSED', '5000', { book: book('0', '4000') }),
    '0.00',
    SECOND,
  ],
  [
    'exit, the book wins over a figure given',
    exit('ZERO_TARIFF', '30000', { book: bagsBook, importedContent: '30000' }),
    '10000.00',
    SECOND,
  ],
  [
    'exit, no book, imported content given (calculator)',
    exit('PROCESSED', '500000', { importedContent: '356000' }),
    '356000.00',
    SECOND,
  ],
  [
    'exit, no book, zero-tariff goods, none given: as imported (calculator)',
    exit('ZERO_TARIFF', '12000.005'),
    '12000.01',
    SECOND,
  ],
  [
    'island transfer to a non-beneficiary (book): the imported content',
    transfer('30000', { book: bagsBook }),
    '10000.00',
    ISLAND,
  ],
  [
    'island transfer, no book, imported content given (calculator)',
    transfer('30000', { importedContent: '10000' }),
    '10000.00',
    ISLAND,
  ],
  ['island transfer, no book, none given: as imported (calculator)', transfer('30000'), '30000.00', ISLAND],
];

describe('taxableBase: what a line is taxed on, on every route', () => {
  it.each(table)('%s', (_name, input, amount, rule) => {
    const r = taxableBase(input);
    if (!r.ok) throw new Error(JSON.stringify(r.violation));
    expect([r.value.amount.toFixed(2), r.value.rule]).toEqual([amount, rule]);
    expect(r.value.reason.length).toBeGreaterThan(20);
  });

  it('says what the base is made of: the book cost left out and the price not taxed', () => {
    const r = taxableBase(exit('ZERO_TARIFF', '30000', { book: bagsBook }));
    const formula =
      'imported materials 10000.00 CNY (account book cost basis; domestic 2000.00 and ' +
      'Hainan-made 3000.00 left out; price 30000.00 CNY)';
    expect(r.ok && r.value.formula).toBe(formula);
    const asImported = taxableBase(exit('ZERO_TARIFF', '100', { valueFormula: '1000 JPY × 0.1 = 100.00 CNY' }));
    const converted = '1000 JPY × 0.1 = 100.00 CNY (goods as imported, unprocessed: all imported content)';
    expect(asImported.ok && asImported.value.formula).toBe(converted);
  });

  it('processed goods without a book must give their imported content', () => {
    const r = taxableBase(exit('PROCESSED', '500000'), (f) => `lines[2].${f}`);
    const violation = { path: 'lines[2].importedContentValue', rule: 'tax.secondLine.importedContentRequired' };
    expect(r.ok ? null : r.violation).toMatchObject(violation);
  });
});

describe('the same goods give the same base on every path that taxes them leaving the regime', () => {
  const bags: RouteLine = {
    hsCode: '3923210000',
    customsValue: '30000',
    book: bagsBook,
    dutyRate: '0.065',
    vatRate: '0.13',
  };
  const { book: _book, ...withoutBook } = bags;
  const given: RouteLine = { ...withoutBook, importedContentValue: '10000' };
  const exitRoute: Route = { kind: 'SECOND_LINE_EXIT', goods: 'ZERO_TARIFF', domesticVatPaid: false };
  const transferRoute: Route = { kind: 'ISLAND_TRANSFER', transfereeIsBeneficiary: false };
  const base = (route: Route, line: RouteLine) => {
    const r = computeRoute(route, [line], DEFAULT_TAX_PARAMETERS);
    if (!r.ok) throw new Error(JSON.stringify(r.violations));
    const { duty, vat } = r.value;
    return { base: r.value.lines[0]!.dutiableValue.amount.toFixed(2), duty: duty.toFixed(2), vat: vat.toFixed(2) };
  };

  // The exit itself (declarations exitTaxes, the same secondLineLine) is checked in declarations/rules.test.ts.
  it.each<[string, Route, RouteLine]>([
    ['an exit of zero-tariff goods from the book', exitRoute, bags],
    ['an island transfer to a non-beneficiary from the book', transferRoute, bags],
    ['the scenario calculator given the imported content', exitRoute, given],
  ])('%s: duty 650.00 + VAT 1,384.50 on 10,000', (_name, route, line) => {
    expect(base(route, line)).toEqual({ base: '10000.00', duty: '650.00', vat: '1384.50' });
  });
});
