/**
 * The tax law of ../shared/spec/mission.md §5, pure and exact (decimal.js, parameters passed in, no clock). This
 * file is the module's rule surface that other modules import; the rules themselves live in:
 * - lineTax.ts: duty, consumption tax, VAT of one line, each step with formula and rule id;
 * - declaration.ts: a declaration's lines and the collection threshold (each tax of 50 CNY or less);
 * - taxableBase.ts: what a line is taxed on, for every route (the imported content of goods leaving);
 * - treatment.ts: which taxes each route (first line, island transfer, second line) makes due;
 * - exchangeRates.ts: the rate day (third Wednesday of the previous month) and conversion;
 * - valueAdded.ts, valueAddedNumbers.ts: the 30% rule, cumulation, confirmation and cumulative numbers.
 */
import { computeDeclaration, type TaxParameters } from './declaration.ts';
import { computeLine, type LineComputation, type RuleViolation, type TaxLineInput } from './lineTax.ts';
import type { Dec } from './money.ts';
import { TAX_PARAMETER_SEEDS } from './parameters.ts';

export { cny, D, fen, type Dec } from './money.ts';
export {
  computeLine,
  lineViolations,
  type LineComputation,
  type LineTreatment,
  type Relief,
  type RuleViolation,
  type TaxLineInput,
  type TaxStatus,
  type TaxStep,
} from './lineTax.ts';
export { computeDeclaration, notCollected, THRESHOLD_TAXES } from './declaration.ts';
export type { DeclarationComputation, DeclarationLine, PerTax, TaxParameters, ThresholdTax } from './declaration.ts';
export { taxableBase, BASE_ROUTES } from './taxableBase.ts';
export type { BaseGoods, BaseRoute, BookCostBasis, TaxableBase, TaxableBaseInput } from './taxableBase.ts';
export { computeRoute, routeNotes, secondLineLine, EXIT_GOODS, ROUTE_KINDS } from './treatment.ts';
export type { Route, RouteLine, RouteNote, SecondLineFacts, ValueAddedFact } from './treatment.ts';
export {
  convertAtRate,
  convertToCny,
  exchangeRateDay,
  missingRate,
  nthWeekdayOfMonth,
  thirdWednesdayOfPreviousMonth,
  type Conversion,
  type ExchangeRate,
  type ExchangeRateDayRule,
  type HolidayRange,
  type Rate,
  type RateDay,
  type RateQuote,
} from './exchangeRates.ts';
export {
  carriedAtPrice,
  carriedRecord,
  chainValueAdded,
  meetsValueAddedThreshold,
  ratioString,
  valueAddedRatio,
  type ChainInput,
  type ChainResult,
  type CumulativeRecord,
  type RatioBreakdown,
  type UpstreamUse,
  type ValueAddedInput,
} from './valueAdded.ts';
export {
  confirmationDecision,
  cumulativeNumberDecision,
  formatValueAddedNumber,
  parseValueAddedNumber,
  type Condition,
  type IssueDecision,
  type ValueAddedNumberKind,
  type ValueAddedNumberParts,
} from './valueAddedNumbers.ts';

export interface TaxLineResult {
  dutiableValue: Dec;
  duty: Dec;
  consumptionTax: Dec;
  vat: Dec;
  total: Dec;
  formulas: { duty: string; consumptionTax: string; vat: string };
  /** Each step with its status, formula and rule id. */
  steps: LineComputation;
}

/** One text per tax: the formula when it is due, otherwise why it is not. */
export function formulasOf(c: LineComputation): TaxLineResult['formulas'] {
  const text = (s: LineComputation['duty']) => (s.status === 'DUE' ? s.formula : (s.reason ?? s.formula));
  return { duty: text(c.duty), consumptionTax: text(c.consumptionTax), vat: text(c.vat) };
}

function lineResult(c: LineComputation): TaxLineResult {
  return {
    dutiableValue: c.dutiableValue.amount,
    duty: c.duty.amount,
    consumptionTax: c.consumptionTax.amount,
    vat: c.vat.amount,
    total: c.total,
    formulas: formulasOf(c),
    steps: c,
  };
}

/** One line with every tax due; `dutyWaived` zeroes the duty (the declaration's is at or under the threshold). */
export function taxLine(line: TaxLineInput, dutyWaived = false): TaxLineResult {
  const reason = "duty not collected (the declaration's is at or under the threshold)";
  const waiver = { rule: 'tax.notCollected.duty', reason };
  return lineResult(computeLine(line, {}, dutyWaived ? { duty: waiver } : {}));
}

export interface DeclarationTax {
  lines: TaxLineResult[];
  duty: Dec;
  consumptionTax: Dec;
  vat: Dec;
  total: Dec;
  dutyWaived: boolean;
}

/** A whole ordinary import declaration, every tax due, with the duty collection threshold. */
export function declarationTax(
  lines: readonly TaxLineInput[],
  params: TaxParameters,
): { ok: true; value: DeclarationTax } | { ok: false; violations: RuleViolation[] } {
  const r = computeDeclaration(
    lines.map((input) => ({ input })),
    params,
  );
  if (!r.ok) return r;
  const v = r.value;
  return {
    ok: true,
    value: {
      lines: v.lines.map(lineResult),
      duty: v.duty,
      consumptionTax: v.consumptionTax,
      vat: v.vat,
      total: v.total,
      dutyWaived: v.dutyWaived,
    },
  };
}

/**
 * The figures as first seeded (TAX_PARAMETER_SEEDS), for tests and examples only:
 * services read the parameters in force from the database and record their versions.
 */
export const DEFAULT_TAX_PARAMETERS: TaxParameters = {
  notCollectedAtOrBelowCny: seededValue<string>('tax.notCollectedAtOrBelowCny'),
  vatRates: seededValue<string[]>('tax.vatRates'),
};

function seededValue<T>(name: string): T {
  const seeds = TAX_PARAMETER_SEEDS.filter((p) => p.name === name);
  if (!seeds.length) throw new Error(`no seed for parameter ${name}`);
  return seeds[seeds.length - 1]!.value as T;
}
