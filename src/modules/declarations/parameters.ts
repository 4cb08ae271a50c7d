/** The schemas of the declarations' policy parameters (seeds: src/platform/parameters/defaults.ts). */
import { wholeNumber, type ParameterSpecs } from '../../platform/parameters/definition.ts';
import type { ParameterSeed } from '../../platform/parameters/defaults.ts';

export const DECLARATIONS_PARAMETERS: ParameterSpecs = {
  'declarations.centralizedDeclarationDueDay': {
    // Up to 28 so that every month has the day.
    description: 'Day of the following month by which the batch exits of a month are declared (集中申报).',
    schema: wholeNumber(1, 28, 'the day of the month'),
  },
  'declarations.releaseOrderValidityHours': {
    description: 'Hours a release order issued on acceptance is valid at the gate; at most 30 days.',
    schema: wholeNumber(1, 720, 'hours'),
  },
};

/** The first seeds of these parameters (policy_parameters on first start); rules never read them. */
const CLOSURE = '2025-12-18'; // 全岛封关运作

export const DECLARATIONS_PARAMETER_SEEDS: ParameterSeed[] = [
  {
    name: 'declarations.centralizedDeclarationDueDay',
    value: 25,
    validFrom: CLOSURE,
    reason: 'Batch exits of one month are declared by the 25th of the following month.',
  },
  {
    name: 'declarations.releaseOrderValidityHours',
    value: 72,
    validFrom: CLOSURE,
    reason: 'A release order issued when a second-line exit is accepted is valid at the gate for this many hours.',
  },
];
