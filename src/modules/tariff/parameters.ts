/** The tariff table's policy parameters: their schemas, and first seeds spread into platform/parameters/defaults.ts. */
import { z } from 'zod';
import { checkedBy } from '../../kernel/wire.ts';
import { validateCountryCode } from '../../kernel/country.ts';
import type { ParameterSpecs } from '../../platform/parameters/definition.ts';
import type { ParameterSeed } from '../../platform/parameters/defaults.ts';

export const TARIFF_PARAMETERS: ParameterSpecs = {
  'tariff.generalRateOrigins': {
    description: 'Origins (ISO 3166-1 alpha-2) whose goods have no MFN treatment and pay the general rate (普通税率).',
    schema: z.array(z.string().superRefine(checkedBy(validateCountryCode))).max(249),
  },
};

export const TARIFF_PARAMETER_SEEDS: ParameterSeed[] = [
  {
    name: 'tariff.generalRateOrigins',
    value: [],
    validFrom: '2025-01-01',
    reason:
      'Every origin declared so far has MFN treatment (WTO membership or a treaty); ' +
      'an administrator lists those that lose it.',
  },
];
