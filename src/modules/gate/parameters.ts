/** The schemas of the gates' policy parameters (seeds: src/platform/parameters/defaults.ts). */
import { decimalString, rate, type ParameterSpecs } from '../../platform/parameters/definition.ts';

export const GATE_PARAMETERS: ParameterSpecs = {
  'gate.weightToleranceMinKg': {
    description: 'Least weighbridge tolerance, kg, whatever the expected gross weight.',
    schema: decimalString('0', '100000', 'a weight in kg'),
  },
  'gate.weightToleranceRatio': {
    description: 'Weighbridge tolerance as a share of the expected gross weight (0.03 = 3%).',
    schema: rate('a share of the expected gross weight'),
  },
};
