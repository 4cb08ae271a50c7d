/**
 * The taxes of a whole declaration (一票货物): its lines under their treatments, and the duty
 * collection threshold (关税起征点): duty below 50 CNY (parameter) for the whole declaration is not
 * collected, and then the consumption tax and VAT bases hold no duty either.
 */
import { fen, sum, ZERO, type Dec } from './money.ts';
import { computeLine, lineViolations, type LineComputation, type LineTreatment, type RuleViolation, type TaxLineInput } from './lineTax.ts';

export interface TaxParameters {
  /** tax.dutyCollectionThresholdCny: duty below this per declaration is not collected. */
  dutyCollectionThresholdCny: string;
  /** tax.vatRates: the import VAT rates in force. */
  vatRates: readonly string[];
  /** The versions of these parameters (service/parameters.ts), echoed in the result for its record. */
  versions?: Record<string, number>;
}

export interface DeclarationLine {
  input: TaxLineInput;
  treatment?: LineTreatment;
}

export interface DeclarationComputation {
  lines: LineComputation[];
  duty: Dec;
  consumptionTax: Dec;
  vat: Dec;
  total: Dec;
  /** The duty the lines would owe before the threshold: what the threshold was compared with. */
  dutyBeforeThreshold: Dec;
  dutyWaived: boolean;
  parameterVersions: Record<string, number>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; violations: RuleViolation[] };

export function computeDeclaration(lines: readonly DeclarationLine[], params: TaxParameters, pathOf: (i: number, field: string) => string = (i, f) => `lines[${i}].${f}`): Result<DeclarationComputation> {
  const violations = lines.flatMap((l, i) => lineViolations(l.input, (f) => pathOf(i, f), params.vatRates));
  if (violations.length) return { ok: false, violations };
  let results = lines.map((l) => computeLine(l.input, l.treatment));
  const dutyBeforeThreshold = sum(results.map((r) => r.duty.amount));
  const dutyWaived = dutyBeforeThreshold.gt(0) && dutyBeforeThreshold.lt(params.dutyCollectionThresholdCny);
  if (dutyWaived) {
    const waiver = {
      rule: 'tax.dutyCollectionThreshold',
      reason: `The duty of the whole declaration, ${fen(dutyBeforeThreshold)} CNY, is below the collection threshold of ${params.dutyCollectionThresholdCny} CNY: it is not collected.`,
    };
    results = lines.map((l, i) => (results[i]!.duty.amount.gt(0) ? computeLine(l.input, l.treatment, waiver) : results[i]!));
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
      dutyBeforeThreshold,
      dutyWaived,
      parameterVersions: { ...params.versions },
    },
  };
}
