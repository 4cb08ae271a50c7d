/**
 * The taxes of a whole declaration (一票货物): its lines under their treatments, and the collection
 * threshold: a declaration's duty, consumption tax or import VAT of 50 CNY or less (parameter
 * tax.notCollectedAtOrBelowCny; 以下 includes the number in Chinese legal texts) is not collected.
 * Each tax is judged on its own, in the order the law computes them: duty, then consumption tax,
 * then VAT. A tax not collected is left out of the bases after it, as an exempt one is, so the
 * duty's fate is settled before the consumption tax is judged, and both before the VAT.
 */
import { fen, sum, ZERO, type Dec } from './money.ts';
import { computeLine, lineViolations } from './lineTax.ts';
import type { LineComputation, LineTreatment, Relief, RuleViolation, TaxLineInput, Waivers } from './lineTax.ts';

export interface TaxParameters {
  /** tax.notCollectedAtOrBelowCny: each tax of a declaration at or below this is not collected. */
  notCollectedAtOrBelowCny: string;
  /** tax.vatRates: the import VAT rates in force. */
  vatRates: readonly string[];
  /** The versions of these parameters (service/parameters.ts), echoed in the result for its record. */
  versions?: Record<string, number>;
}

export interface DeclarationLine {
  input: TaxLineInput;
  treatment?: LineTreatment;
}

export const THRESHOLD_TAXES = ['duty', 'consumptionTax', 'vat'] as const;
export type ThresholdTax = (typeof THRESHOLD_TAXES)[number];
export type PerTax<T> = Record<ThresholdTax, T>;

export interface DeclarationComputation {
  lines: LineComputation[];
  duty: Dec;
  consumptionTax: Dec;
  vat: Dec;
  total: Dec;
  /** Each tax of the whole declaration before the threshold: what the threshold was compared with. */
  beforeThreshold: PerTax<Dec>;
  /** Which taxes the threshold left uncollected. */
  waived: PerTax<boolean>;
  /** beforeThreshold.duty and waived.duty, as the first version of this result named them. */
  dutyBeforeThreshold: Dec;
  dutyWaived: boolean;
  parameterVersions: Record<string, number>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; violations: RuleViolation[] };

const TAX_NAME: PerTax<string> = { duty: 'duty', consumptionTax: 'consumption tax', vat: 'import VAT' };

/** Whether a declaration's total of one tax goes uncollected: above zero, at most the threshold (以下 includes it). */
export function notCollected(total: Dec, thresholdCny: string): boolean {
  return total.gt(0) && total.lte(thresholdCny);
}

function waiverOf(tax: ThresholdTax, total: Dec, threshold: string): Relief {
  const what = `The ${TAX_NAME[tax]} of the whole declaration, ${fen(total)} CNY,`;
  return {
    rule: `tax.notCollected.${tax}`,
    reason: `${what} is at or below the collection threshold of ${threshold} CNY (以下 includes it): not collected.`,
  };
}

export function computeDeclaration(
  lines: readonly DeclarationLine[],
  params: TaxParameters,
  pathOf: (i: number, field: string) => string = (i, f) => `lines[${i}].${f}`,
): Result<DeclarationComputation> {
  const violations = lines.flatMap((l, i) => lineViolations(l.input, (f) => pathOf(i, f), params.vatRates));
  if (violations.length) return { ok: false, violations };
  const threshold = params.notCollectedAtOrBelowCny;
  // The waiver of a tax goes on the lines that owed some of it; each tax is judged on the figures
  // left after the taxes before it were judged.
  const waivers: Waivers[] = lines.map(() => ({}));
  const beforeThreshold = { duty: ZERO, consumptionTax: ZERO, vat: ZERO };
  const waived = { duty: false, consumptionTax: false, vat: false };
  let results = lines.map((l) => computeLine(l.input, l.treatment));
  for (const tax of THRESHOLD_TAXES) {
    const total = sum(results.map((r) => r[tax].amount));
    beforeThreshold[tax] = total;
    if (!notCollected(total, threshold)) continue;
    const waiver = waiverOf(tax, total, threshold);
    results.forEach((r, i) => r[tax].amount.gt(0) && (waivers[i]![tax] = waiver));
    waived[tax] = true;
    results = lines.map((l, i) => computeLine(l.input, l.treatment, waivers[i]));
  }
  const total = (pick: (r: LineComputation) => Dec) => results.reduce((s, r) => s.plus(pick(r)), ZERO);
  return {
    ok: true,
    value: {
      lines: results,
      duty: total((r) => r.duty.amount),
      consumptionTax: total((r) => r.consumptionTax.amount),
      vat: total((r) => r.vat.amount),
      total: total((r) => r.total),
      beforeThreshold,
      waived,
      dutyBeforeThreshold: beforeThreshold.duty,
      dutyWaived: waived.duty,
      parameterVersions: { ...params.versions },
    },
  };
}
