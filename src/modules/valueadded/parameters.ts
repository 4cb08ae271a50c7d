/** The schemas of the value-added policy parameters, and their first seeds. */
import { rate, type ParameterSpecs } from '../../platform/parameters/definition.ts';
import type { ParameterSeed } from '../../platform/parameters/defaults.ts';

export const VALUE_ADDED_PARAMETERS: ParameterSpecs = {
  'valueAdded.reviewBandUpper': {
    description:
      'Upper bound (exclusive) of the review band: a value-added ratio from the threshold (tax.valueAddedThreshold) ' +
      "up to this goes to an officer's review instead of passing silently (0.35 = 35%).",
    schema: rate('a ratio'),
  },
};

export const VALUE_ADDED_PARAMETER_SEEDS: ParameterSeed[] = [
  {
    name: 'valueAdded.reviewBandUpper',
    value: '0.35',
    validFrom: '2025-12-18',
    reason: 'Ratios from 30% up to 35% are just above the threshold: an officer reviews them.',
  },
];
