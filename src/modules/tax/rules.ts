/**
 * Import taxes and the processing value-added ratio (mission.md §5). Pure and exact: decimal.js,
 * parameters passed in, no clock.
 *
 * Customs computes per line and rounds each amount half-up to 0.01 CNY before it feeds the next:
 * dutiable value → duty → consumption tax → VAT. The composite base for consumption tax is
 * (dutiable value + duty + specific consumption tax) ÷ (1 − ad valorem rate) (组成计税价格).
 */
import { Decimal } from 'decimal.js';

const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
type Dec = InstanceType<typeof D>;

export const cny = (v: Decimal.Value): Dec => new D(v).toDecimalPlaces(2, D.ROUND_HALF_UP);
const ZERO = new D(0);

export interface TaxParameters {
  /** tax.dutyCollectionThresholdCny: duty below this per declaration is not collected. */
  dutyCollectionThresholdCny: string;
  /** tax.vatRates: the import VAT rates in force. */
  vatRates: readonly string[];
}

export interface TaxLineInput {
  hsCode: string;
  customsValue: string;
  dutyRate: string;
  consumptionTaxRate?: string;
  vatRate: string;
  quantity?: string;
  specificDutyPerUnit?: string;
  specificConsumptionTaxPerUnit?: string;
}

export interface TaxLineResult {
  dutiableValue: Dec;
  duty: Dec;
  consumptionTax: Dec;
  vat: Dec;
  total: Dec;
  formulas: { duty: string; consumptionTax: string; vat: string };
}

export interface RuleViolation {
  path: string;
  rule: string;
  message: string;
}

function lineViolations(line: TaxLineInput, i: number, params: TaxParameters): RuleViolation[] {
  const v: RuleViolation[] = [];
  const at = (f: string) => `lines[${i}].${f}`;
  if (!params.vatRates.some((r) => new D(r).eq(line.vatRate))) {
    v.push({ path: at('vatRate'), rule: 'tax.vatRate', message: `Import VAT rate must be one of ${params.vatRates.join(', ')}.` });
  }
  const needsQuantity = line.specificDutyPerUnit !== undefined || line.specificConsumptionTaxPerUnit !== undefined;
  if (needsQuantity && line.quantity === undefined) {
    v.push({ path: at('quantity'), rule: 'tax.specificNeedsQuantity', message: 'A specific (per-unit) duty or tax needs the quantity in the legal unit.' });
  }
  return v;
}

/** One line: duty (ad valorem + specific), consumption tax (composite base), VAT. `dutyWaived` zeroes the duty. */
export function taxLine(line: TaxLineInput, dutyWaived = false): TaxLineResult {
  const value = cny(line.customsValue);
  const qty = new D(line.quantity ?? 0);
  const adValoremDuty = value.times(line.dutyRate);
  const specificDuty = line.specificDutyPerUnit !== undefined ? qty.times(line.specificDutyPerUnit) : ZERO;
  const duty = dutyWaived ? ZERO : cny(adValoremDuty.plus(specificDuty));
  const ctRate = new D(line.consumptionTaxRate ?? 0);
  const specificCt = line.specificConsumptionTaxPerUnit !== undefined ? qty.times(line.specificConsumptionTaxPerUnit) : ZERO;
  const ctBase = value.plus(duty).plus(specificCt).div(new D(1).minus(ctRate));
  const consumptionTax = cny(ctBase.times(ctRate).plus(specificCt));
  const vat = cny(value.plus(duty).plus(consumptionTax).times(line.vatRate));
  const dutyFormula = dutyWaived
    ? 'duty waived (declaration total below the collection threshold)'
    : `${value} × ${line.dutyRate}${specificDuty.isZero() ? '' : ` + ${qty} × ${line.specificDutyPerUnit}`} = ${duty}`;
  const ctFormula = ctRate.isZero() && specificCt.isZero()
    ? 'no consumption tax'
    : `(${value} + ${duty}${specificCt.isZero() ? '' : ` + ${specificCt}`}) ÷ (1 − ${ctRate}) × ${ctRate}${specificCt.isZero() ? '' : ` + ${specificCt}`} = ${consumptionTax}`;
  return {
    dutiableValue: value,
    duty,
    consumptionTax,
    vat,
    total: duty.plus(consumptionTax).plus(vat),
    formulas: { duty: dutyFormula, consumptionTax: ctFormula, vat: `(${value} + ${duty} + ${consumptionTax}) × ${line.vatRate} = ${vat}` },
  };
}

export interface DeclarationTax {
  lines: TaxLineResult[];
  duty: Dec;
  consumptionTax: Dec;
  vat: Dec;
  total: Dec;
  dutyWaived: boolean;
}

/**
 * A whole declaration. Duty under the threshold (关税起征点, 50 CNY) for the whole declaration is
 * not collected; the consumption tax and VAT bases then hold no duty either.
 */
export function declarationTax(lines: readonly TaxLineInput[], params: TaxParameters): { ok: true; value: DeclarationTax } | { ok: false; violations: RuleViolation[] } {
  const violations = lines.flatMap((l, i) => lineViolations(l, i, params));
  if (violations.length) return { ok: false, violations };
  let results = lines.map((l) => taxLine(l));
  const dutyTotal = results.reduce((s, r) => s.plus(r.duty), ZERO);
  const dutyWaived = dutyTotal.gt(0) && dutyTotal.lt(params.dutyCollectionThresholdCny);
  if (dutyWaived) results = lines.map((l) => taxLine(l, true));
  const sum = (pick: (r: TaxLineResult) => Dec) => results.reduce((s, r) => s.plus(pick(r)), ZERO);
  return { ok: true, value: { lines: results, duty: sum((r) => r.duty), consumptionTax: sum((r) => r.consumptionTax), vat: sum((r) => r.vat), total: sum((r) => r.total), dutyWaived } };
}

export interface ValueAddedInput {
  salePrice: string;
  importedMaterials: readonly string[];
  domesticMaterials: readonly string[];
  hainanMadeInputs?: readonly string[];
}

/**
 * 加工增值 ratio = (mainland sale price − Σ imported − Σ domestic) ÷ (Σ imported + Σ domestic).
 * Recognised Hainan-made inputs are neither subtracted nor in the denominator: they count as value added.
 */
export function valueAddedRatio(input: ValueAddedInput): { ok: true; ratio: Dec } | { ok: false; violation: RuleViolation } {
  const imported = input.importedMaterials.reduce((s, x) => s.plus(x), ZERO);
  const domestic = input.domesticMaterials.reduce((s, x) => s.plus(x), ZERO);
  const materials = imported.plus(domestic);
  if (materials.isZero()) {
    return { ok: false, violation: { path: 'importedMaterials', rule: 'valueAdded.noMaterials', message: 'The ratio needs imported or domestic materials: their sum is the denominator.' } };
  }
  return { ok: true, ratio: new D(input.salePrice).minus(materials).div(materials) };
}

/** The ratio as the contract shows it: 4 decimal places, half-up. */
export function ratioString(ratio: Dec): string {
  return ratio.toDecimalPlaces(4, D.ROUND_HALF_UP).toFixed(4);
}

export function meetsValueAddedThreshold(ratio: Dec, threshold: string): boolean {
  return ratio.gte(threshold);
}

/** The third Wednesday of the month before `date` (YYYY-MM-DD): the day whose exchange rate applies. */
export function thirdWednesdayOfPreviousMonth(date: string): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const prevYear = m === 1 ? y - 1 : y;
  const prevMonth = m === 1 ? 12 : m - 1;
  const firstDow = new Date(Date.UTC(prevYear, prevMonth - 1, 1)).getUTCDay(); // 0 = Sunday
  const firstWednesday = 1 + ((3 - firstDow + 7) % 7);
  const day = firstWednesday + 14;
  return `${prevYear}-${String(prevMonth).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export interface ExchangeRate {
  currency: string;
  date: string;
  /** CNY per `unit` units of the currency */
  cnyPerUnit: string;
  unit?: number;
}

export function convertToCny(amount: string, currency: string, rates: readonly ExchangeRate[], declarationDate: string, path = 'currency'): { ok: true; cny: Dec; rateDate: string | null } | { ok: false; violation: RuleViolation } {
  if (currency === 'CNY') return { ok: true, cny: cny(amount), rateDate: null };
  const day = thirdWednesdayOfPreviousMonth(declarationDate);
  const rate = rates.find((r) => r.currency === currency && r.date === day);
  if (!rate) {
    return { ok: false, violation: { path, rule: 'tax.exchangeRateMissing', message: `No ${currency} exchange rate for ${day} (third Wednesday of the previous month); an administrator must load it.` } };
  }
  return { ok: true, cny: cny(new D(amount).times(rate.cnyPerUnit).div(rate.unit ?? 1)), rateDate: day };
}

export const DEFAULT_TAX_PARAMETERS: TaxParameters = { dutyCollectionThresholdCny: '50', vatRates: ['0.13', '0.09'] };
