/** The schemas of the gates' policy parameters (seeds: src/platform/parameters/defaults.ts). */
import { decimalString, rate, type ParameterSpecs } from '../../platform/parameters/definition.ts';
import type { ParameterSeed } from '../../platform/parameters/defaults.ts';

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

/** The first seeds of these parameters (policy_parameters on first start); rules never read them. */
const CLOSURE = '2025-12-18'; // 全岛封关运作

export const GATE_PARAMETER_SEEDS: ParameterSeed[] = [
  {
    name: 'gate.weightToleranceMinKg',
    value: '300',
    validFrom: CLOSURE,
    reason: 'The weighbridge tolerance is never less than 300 kg (weighbridge resolution, fuel, driver).',
  },
  {
    name: 'gate.weightToleranceRatio',
    value: '0.03',
    validFrom: CLOSURE,
    reason: 'Weighbridge tolerance against the expected gross weight.',
  },
];
