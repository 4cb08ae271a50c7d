/**
 * The schemas of the credit policy parameters (seeds: src/platform/parameters/defaults.ts): the
 * module's own value check (measures.ts), which the rules rely on, is the schema.
 */
import { checkedValue, type ParameterSpecs } from '../../platform/parameters/definition.ts';
import { creditParameterValueViolations } from './measures.ts';

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
