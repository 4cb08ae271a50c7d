/**
 * The schemas of the credit policy parameters (seeds: src/platform/parameters/defaults.ts): the
 * module's own value check (measures.ts), which the rules rely on, is the schema.
 */
import { checkedValue, type ParameterSpecs } from '../../platform/parameters/definition.ts';
import { creditParameterValueViolations } from './measures.ts';
import type { ParameterSeed } from '../../platform/parameters/defaults.ts';

function credit(name: string, description: string): ParameterSpecs {
  return { [name]: { description, schema: checkedValue(name, creditParameterValueViolations) } };
}

const RATE = 'a decimal string from 0 to 1';

export const CREDIT_PARAMETERS: ParameterSpecs = {
  ...credit(
    'credit.focusPeriodYears',
    'Years an enterprise stays on the focus list after its latest penalty or listing: a whole number from 1 to 50.',
  ),
  ...credit(
    'credit.individualFocusPeriodYears',
    'Years an individual stays on the focus list after such an event: a whole number from 1 to 50.',
  ),
  ...credit(
    'credit.inspectionRateMultiplier.ADVANCED_CERTIFIED',
    `Share of the routine inspection rate for AEO enterprises: ${RATE}.`,
  ),
  ...credit('credit.inspectionRateMultiplier.WHITELIST', `Share of the routine rate for white-list traders: ${RATE}.`),
  ...credit('credit.inspectionRateFloor.FOCUS', `Least inspection rate for focus-list subjects: ${RATE}.`),
  ...credit(
    'credit.batchExitClasses',
    'Credit classes that may use batch exit with centralized declaration: ADVANCED_CERTIFIED and/or WHITELIST.',
  ),
  ...credit(
    'credit.whitelistIndividualsInspectedWithoutRiskAlert',
    'Whether white-list individuals are inspected without a risk alert: true or false.',
  ),
  ...credit('credit.auditFrequency', 'Audit (稽核查) frequency per credit class: REDUCED, ROUTINE or INTENSIFIED.'),
};

/** The first seeds of these parameters (policy_parameters on first start); rules never read them. */
const CLOSURE = '2025-12-18'; // 全岛封关运作

export const CREDIT_PARAMETER_SEEDS: ParameterSeed[] = [
  {
    name: 'credit.focusPeriodYears',
    value: 3,
    validFrom: '2020-01-01',
    reason: 'Enterprises leave the focus list 3 years after the latest penalty or listing.',
  },
  {
    name: 'credit.individualFocusPeriodYears',
    value: 3,
    validFrom: '2020-01-01',
    reason: 'Individuals are on the focus list for 3 years after such an event.',
  },
  {
    name: 'credit.inspectionRateMultiplier.ADVANCED_CERTIFIED',
    value: '0.2',
    validFrom: CLOSURE,
    reason: 'AEO enterprises: below 20% of the routine inspection rate (observed 0.57% vs 2.44%).',
  },
  {
    name: 'credit.inspectionRateMultiplier.WHITELIST',
    value: '0.8',
    validFrom: CLOSURE,
    reason: 'White-list enterprises: reduced inspection rate.',
  },
  {
    name: 'credit.inspectionRateFloor.FOCUS',
    value: '0.8',
    validFrom: CLOSURE,
    reason: 'Dishonest enterprises: inspection rate at least 80%.',
  },
  {
    name: 'credit.batchExitClasses',
    value: ['ADVANCED_CERTIFIED', 'WHITELIST'],
    validFrom: CLOSURE,
    reason: 'Only AEO and white-list enterprises may use batch exit with centralized declaration.',
  },
  {
    name: 'credit.whitelistIndividualsInspectedWithoutRiskAlert',
    value: false,
    validFrom: CLOSURE,
    reason: 'White-list individuals are not inspected without a risk alert.',
  },
  {
    name: 'credit.auditFrequency',
    value: { ADVANCED_CERTIFIED: 'REDUCED', WHITELIST: 'ROUTINE', FOCUS: 'INTENSIFIED' },
    validFrom: CLOSURE,
    reason: 'Audit (稽核查) frequency by credit class.',
  },
];
