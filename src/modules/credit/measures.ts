/**
 * Measures by credit class (../shared/spec/mission.md §2): what a class means for inspection, batch exit and audit.
 * Pure: the rates are policy parameters and come in; decimals are strings, as in policy_parameters.
 */
import { Decimal } from 'decimal.js';
import type { Violation } from '../../kernel/violation.ts';
import { CREDIT_CLASSES, type CreditClass, type CreditClassificationParameters, type SubjectKind } from './rules.ts';

export const AUDIT_FREQUENCIES = ['NOT_APPLICABLE', 'REDUCED', 'ROUTINE', 'INTENSIFIED'] as const;
export type AuditFrequency = (typeof AUDIT_FREQUENCIES)[number];

export interface CreditMeasureParameters {
  /** credit.inspectionRateMultiplier.<class>: share of the routine inspection rate. */
  inspectionRateMultiplier: { ADVANCED_CERTIFIED: string; WHITELIST: string };
  /** credit.inspectionRateFloor.FOCUS: the inspection rate is at least this (0.8 = 80%). */
  inspectionRateFloor: { FOCUS: string };
  /** credit.batchExitClasses: enterprise classes that may use batch exit with centralized declaration. */
  batchExitClasses: readonly CreditClass[];
  /** credit.whitelistIndividualsInspectedWithoutRiskAlert: false = only a risk alert selects them. */
  whitelistIndividualsInspectedWithoutRiskAlert: boolean;
  /** credit.auditFrequency.<class>: how often enterprises of the class are audited (稽核查). */
  auditFrequency: Record<CreditClass, Exclude<AuditFrequency, 'NOT_APPLICABLE'>>;
}

export type CreditParameters = CreditClassificationParameters & CreditMeasureParameters;

const defaults: CreditParameters = {
  focusPeriodYears: 3,
  individualFocusPeriodYears: 3,
  inspectionRateMultiplier: { ADVANCED_CERTIFIED: '0.2', WHITELIST: '0.8' },
  inspectionRateFloor: { FOCUS: '0.8' },
  batchExitClasses: ['ADVANCED_CERTIFIED', 'WHITELIST'],
  whitelistIndividualsInspectedWithoutRiskAlert: false,
  auditFrequency: { ADVANCED_CERTIFIED: 'REDUCED', WHITELIST: 'ROUTINE', FOCUS: 'INTENSIFIED' },
};

/**
 * Defaults for tests and the seed only; at run time the values come from policy_parameters. They
 * match src/platform/parameters/defaults.ts where it has the parameter:
 * - focus periods 3 years (enterprises and individuals);
 * - AEO 0.2 of the routine rate (national rule: below 20%; observed 0.57% vs 2.44%);
 * - WHITELIST 0.8 of the routine rate (reduced);
 * - FOCUS at least 80% of declarations inspected (national rule for dishonest enterprises);
 * - batch exit: ADVANCED_CERTIFIED and WHITELIST enterprises only;
 * - white-list individuals: no inspection without a risk alert;
 * - audit: REDUCED for AEO, ROUTINE for WHITELIST, INTENSIFIED for FOCUS.
 */
export const DEFAULT_CREDIT_PARAMETERS: Readonly<CreditParameters> = Object.freeze(defaults);

export type InspectionRateRule =
  /** Routine rate x multiplier. */
  | { kind: 'MULTIPLIER'; multiplier: string }
  /** At least this rate, whatever the routine rate. */
  | { kind: 'FLOOR'; minimumRate: string };

export interface CreditMeasures {
  class: CreditClass;
  subjectKind: SubjectKind;
  inspectionRate: InspectionRateRule;
  batchExitAllowed: boolean;
  /** False: routine random selection skips the subject; only a risk alert leads to inspection. */
  inspectWithoutRiskAlert: boolean;
  auditFrequency: AuditFrequency;
}

export function measuresFor(
  creditClass: CreditClass,
  subjectKind: SubjectKind,
  params: CreditMeasureParameters,
): CreditMeasures {
  if (subjectKind === 'INDIVIDUAL' && creditClass === 'ADVANCED_CERTIFIED') {
    throw new RangeError('Individuals are never ADVANCED_CERTIFIED.');
  }
  const inspectionRate: InspectionRateRule =
    creditClass === 'FOCUS'
      ? { kind: 'FLOOR', minimumRate: params.inspectionRateFloor.FOCUS }
      : { kind: 'MULTIPLIER', multiplier: params.inspectionRateMultiplier[creditClass] };
  const enterprise = subjectKind === 'ENTERPRISE';
  return {
    class: creditClass,
    subjectKind,
    inspectionRate,
    // Batch exit with centralized declaration (分批出岛、集中申报) is an enterprise procedure.
    batchExitAllowed: enterprise && params.batchExitClasses.includes(creditClass),
    inspectWithoutRiskAlert:
      enterprise || creditClass !== 'WHITELIST' || params.whitelistIndividualsInspectedWithoutRiskAlert,
    auditFrequency: enterprise ? params.auditFrequency[creditClass] : 'NOT_APPLICABLE',
  };
}

/** The inspection rate (a decimal string in [0, 1]) for a subject, given the routine rate. */
export function inspectionRate(measures: Pick<CreditMeasures, 'inspectionRate'>, routineRate: string): string {
  const routine = new Decimal(routineRate);
  const rule = measures.inspectionRate;
  const rate = rule.kind === 'MULTIPLIER' ? routine.times(rule.multiplier) : Decimal.max(routine, rule.minimumRate);
  return Decimal.min(rate, 1).toString();
}

const DECIMAL = /^\d+(\.\d+)?$/;
const YEARS = ['credit.focusPeriodYears', 'credit.individualFocusPeriodYears'];
const RATES = [
  'credit.inspectionRateMultiplier.ADVANCED_CERTIFIED',
  'credit.inspectionRateMultiplier.WHITELIST',
  'credit.inspectionRateFloor.FOCUS',
];

/**
 * What is wrong with a value an administrator sets for one credit parameter (empty when valid), or
 * null when the name is not a credit parameter. Checked before a version is stored, so the rules
 * never meet a value they cannot use.
 */
export function creditParameterValueViolations(name: string, value: unknown): Violation[] | null {
  const rule = name.replace(/^credit\./, 'credit.parameters.');
  const bad = (message: string) => [{ rule, message }];
  if (YEARS.includes(name))
    return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 50
      ? []
      : bad(`${name} must be a whole number of years from 1 to 50.`);
  if (RATES.includes(name))
    return typeof value === 'string' && DECIMAL.test(value) && !new Decimal(value).greaterThan(1)
      ? []
      : bad(`${name} must be a decimal string between 0 and 1, e.g. "0.2".`);
  if (name === 'credit.batchExitClasses') {
    const ok = Array.isArray(value) && value.every((c) => CREDIT_CLASSES.includes(c as CreditClass) && c !== 'FOCUS');
    return ok
      ? []
      : bad('Only ADVANCED_CERTIFIED and WHITELIST enterprises may use batch exit with centralized declaration.');
  }
  if (name === 'credit.whitelistIndividualsInspectedWithoutRiskAlert')
    return typeof value === 'boolean' ? [] : bad(`${name} must be true or false.`);
  if (name === 'credit.auditFrequency') {
    const v = (value ?? {}) as Record<string, unknown>;
    const wrong =
      typeof value !== 'object' || Array.isArray(value)
        ? [...CREDIT_CLASSES]
        : CREDIT_CLASSES.filter((c) => !['REDUCED', 'ROUTINE', 'INTENSIFIED'].includes(v[c] as string));
    return wrong.map((c) => ({
      rule: `${rule}.${c}`,
      message: `auditFrequency.${c} must be REDUCED, ROUTINE or INTENSIFIED.`,
    }));
  }
  return null;
}

/** What an administrator must fix before a parameter set can be used. Empty when valid. */
export function creditParameterViolations(params: CreditParameters): Violation[] {
  const values: [string, unknown][] = [
    ['credit.focusPeriodYears', params.focusPeriodYears],
    ['credit.individualFocusPeriodYears', params.individualFocusPeriodYears],
    ['credit.inspectionRateMultiplier.ADVANCED_CERTIFIED', params.inspectionRateMultiplier.ADVANCED_CERTIFIED],
    ['credit.inspectionRateMultiplier.WHITELIST', params.inspectionRateMultiplier.WHITELIST],
    ['credit.inspectionRateFloor.FOCUS', params.inspectionRateFloor.FOCUS],
    ['credit.batchExitClasses', params.batchExitClasses],
    ['credit.whitelistIndividualsInspectedWithoutRiskAlert', params.whitelistIndividualsInspectedWithoutRiskAlert],
    ['credit.auditFrequency', params.auditFrequency],
  ];
  return values.flatMap(([name, value]) => creditParameterValueViolations(name, value) ?? []);
}
