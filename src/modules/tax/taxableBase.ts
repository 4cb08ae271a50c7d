/**
 * The taxable base (完税价格) of one goods line: the one place that decides what a line's duty,
 * consumption tax and import VAT are computed on, whatever the path (an exit, a batch declared
 * centrally, an island transfer, an inspection's re-tax, the calculators). ../shared/spec/mission.md §5 and
 * decision 0006:
 *
 * - An import (ordinary, or at the first line): the customs value, in CNY.
 * - Goods leaving the zero-tariff regime — to the mainland at the second line, or passed on the
 *   island to a non-beneficiary — pay the import taxes they were spared, and only those: the base
 *   is their imported content, the zero-tariff or bonded materials they hold. From a book that is
 *   the imported part of the quantity's cost basis, never the price: domestic materials, recognised
 *   Hainan-made inputs and the island's value added bore no import tax to recover. Goods that were
 *   not processed are all imported content, and their cost basis already says so.
 * - Without a book (the calculators) the imported content is what the user gives; zero-tariff goods
 *   given none are taken as imported, unprocessed (their value is all imported content); processed
 *   goods must give it.
 */
import { cny, fen, type Dec } from './money.ts';
import type { RuleViolation } from './lineTax.ts';

export const BASE_ROUTES = ['IMPORT', 'FIRST_LINE_IMPORT', 'ISLAND_TRANSFER', 'SECOND_LINE_EXIT'] as const;
export type BaseRoute = (typeof BASE_ROUTES)[number];
export type BaseGoods = 'ZERO_TARIFF' | 'PROCESSED';

/** The account book's cost basis of the quantity taxed, CNY (ledger costBasisOf, or the cost a movement carried). */
export interface BookCostBasis {
  importedCny: string;
  domesticCny: string;
  hainanMadeCny: string;
}

export interface TaxableBaseInput {
  route: BaseRoute;
  /** Island transfer and second line: zero-tariff goods (as imported, or their products) or processed goods. */
  goods?: BaseGoods;
  /** CNY: the customs value (imports), or the price the goods are sold at (island transfer, second line). */
  value: string;
  /** How `value` was obtained (a currency conversion), shown instead of the bare amount. */
  valueFormula?: string;
  /** The book's cost basis: when present it alone says what the imported content is. */
  book?: BookCostBasis;
  /** Without a book: the CNY value of the imported materials the goods hold, as given. */
  importedContent?: string;
  importedContentFormula?: string;
}

export interface TaxableBase {
  amount: Dec;
  formula: string;
  rule: string;
  reason: string;
}

export type BaseResult = { ok: true; value: TaxableBase } | { ok: false; violation: RuleViolation };

type LeavingRoute = 'ISLAND_TRANSFER' | 'SECOND_LINE_EXIT';

const RULE: Record<LeavingRoute, { rule: string; why: string }> = {
  SECOND_LINE_EXIT: {
    rule: 'tax.secondLine.importedContent',
    why: 'Goods entering the mainland pay duty, import VAT and consumption tax on their imported content',
  },
  ISLAND_TRANSFER: {
    rule: 'tax.islandTransfer.toNonBeneficiary',
    why:
      'Zero-tariff goods passed to a non-beneficiary lose the exemption: the import taxes become due on ' +
      'their imported content',
  },
};

const CUSTOMS_VALUE_REASON = 'The customs value of the goods in CNY, rounded half-up to the fen.';
const LEFT_OUT = "domestic materials, Hainan-made inputs and the island's value added bore no import tax.";

function customsValue(input: TaxableBaseInput): TaxableBase {
  const amount = cny(input.value);
  const formula = input.valueFormula ?? `${fen(amount)} CNY`;
  return { amount, formula, rule: 'tax.dutiableValue', reason: CUSTOMS_VALUE_REASON };
}

function fromBook(input: TaxableBaseInput, book: BookCostBasis, route: LeavingRoute): TaxableBase {
  const amount = cny(book.importedCny);
  const domestic = cny(book.domesticCny);
  const hainanMade = cny(book.hainanMadeCny);
  const rest = [
    domestic.gt(0) ? `domestic ${fen(domestic)}` : '',
    hainanMade.gt(0) ? `Hainan-made ${fen(hainanMade)}` : '',
  ];
  const leftOut = rest.filter(Boolean).join(' and ');
  const source = `account book cost basis${leftOut ? `; ${leftOut} left out` : ''}`;
  return {
    amount,
    formula: `imported materials ${fen(amount)} CNY (${source}; price ${fen(cny(input.value))} CNY)`,
    rule: RULE[route].rule,
    reason:
      `${RULE[route].why}: the zero-tariff or bonded materials they hold, as the account book costs them ` +
      `for this quantity, not their price; ${LEFT_OUT}`,
  };
}

function given(input: TaxableBaseInput, content: string, route: LeavingRoute): TaxableBase {
  const amount = cny(content);
  const formula = `imported materials ${fen(amount)} CNY (as given; value ${fen(cny(input.value))} CNY)`;
  return {
    amount,
    formula: input.importedContentFormula ?? formula,
    rule: RULE[route].rule,
    reason: `${RULE[route].why}: the zero-tariff or bonded materials they hold, as given, not their value; ${LEFT_OUT}`,
  };
}

function asImported(input: TaxableBaseInput, route: LeavingRoute): TaxableBase {
  const amount = cny(input.value);
  return {
    amount,
    formula: `${input.valueFormula ?? `${fen(amount)} CNY`} (goods as imported, unprocessed: all imported content)`,
    rule: RULE[route].rule,
    reason:
      `${RULE[route].why}. No imported content was given, so the goods are taken as imported, ` +
      'unprocessed: their whole value is imported content.',
  };
}

/** The taxable base of one line; `at` names a field of the line for a violation. */
export function taxableBase(input: TaxableBaseInput, at: (field: string) => string = (f) => f): BaseResult {
  if (input.route === 'IMPORT' || input.route === 'FIRST_LINE_IMPORT') return { ok: true, value: customsValue(input) };
  if (input.book) return { ok: true, value: fromBook(input, input.book, input.route) };
  if (input.importedContent !== undefined) return { ok: true, value: given(input, input.importedContent, input.route) };
  if (input.goods === 'PROCESSED') {
    const message = 'Processed goods are taxed on the imported materials they hold: give their value.';
    const rule = 'tax.secondLine.importedContentRequired';
    return { ok: false, violation: { path: at('importedContentValue'), rule, message } };
  }
  return { ok: true, value: asImported(input, input.route) };
}
