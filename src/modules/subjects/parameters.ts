/** The schemas of the subjects' policy parameters (seeds: src/platform/parameters/defaults.ts). */
import { wholeNumber, type ParameterSpecs } from '../../platform/parameters/definition.ts';
import type { ParameterSeed } from '../../platform/parameters/defaults.ts';

export const SUBJECTS_PARAMETERS: ParameterSpecs = {
  'subjects.reapplicationBarMonths': {
    description: 'Months a beneficiary that gave up zero-tariff treatment for a kind of goods waits to re-apply.',
    schema: wholeNumber(0, 120, 'months'),
  },
};

/** The first seeds of these parameters (policy_parameters on first start); rules never read them. */
export const SUBJECTS_PARAMETER_SEEDS: ParameterSeed[] = [
  {
    name: 'subjects.reapplicationBarMonths',
    value: 12,
    validFrom: '2020-06-01',
    reason: 'A beneficiary that gives up zero-tariff treatment for a kind of goods cannot re-apply for 12 months.',
  },
];
