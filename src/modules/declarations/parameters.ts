/** The schemas of the declarations' policy parameters (seeds: src/platform/parameters/defaults.ts). */
import { wholeNumber, type ParameterSpecs } from '../../platform/parameters/definition.ts';

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
