/** The schemas of the subjects' policy parameters (seeds: src/platform/parameters/defaults.ts). */
import { wholeNumber, type ParameterSpecs } from '../../platform/parameters/definition.ts';

export const SUBJECTS_PARAMETERS: ParameterSpecs = {
  'subjects.reapplicationBarMonths': {
    description: 'Months a beneficiary that gave up zero-tariff treatment for a kind of goods waits to re-apply.',
    schema: wholeNumber(0, 120, 'months'),
  },
};
