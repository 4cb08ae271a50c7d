/** The schemas of the risk policy parameters (seeds: src/platform/parameters/defaults.ts). */
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { decimalString, rate, wholeNumber, type ParameterSpecs } from '../../platform/parameters/definition.ts';
import type { ParameterSeed } from '../../platform/parameters/defaults.ts';

const points = decimalString('0', '1000', 'points');
const probability = rate('a probability');
const inspections = wholeNumber(0, 100_000, 'inspections');
const portCode = z.string().regex(/^[A-Z]{5}-[A-Z0-9]{2,20}$/, 'Use a port code such as CNHAK-XINHAI.');
const isDecimal = (s: string) => /^\d/.test(s);

export const RISK_PARAMETERS: ParameterSpecs = {
  'risk.levelThresholds': {
    description: 'Risk score (points) at or above which a declaration is RED, and YELLOW; below yellow it is BLUE.',
    schema: z
      .object({ red: points, yellow: points })
      .strict()
      .refine((t) => !isDecimal(t.red) || !isDecimal(t.yellow) || new Decimal(t.yellow).lt(t.red), {
        message: 'yellow must be below red.',
        path: ['yellow'],
      }),
  },
  'risk.modelWeight': {
    description: 'Points the learned model adds to the risk score at probability 1.',
    schema: decimalString('0', '100', 'points'),
  },
  'risk.routineInspectionRate': {
    description: 'Routine random inspection rate the credit-class multipliers apply to.',
    schema: rate(),
  },
  'risk.randomFloorRate': {
    description: 'Share of all declarations always inspected at random, whatever the capacity.',
    schema: rate(),
  },
  'risk.yellowTargetedProbability': {
    description: 'Model probability at or above which a YELLOW declaration gets a targeted physical inspection.',
    schema: probability,
  },
  'risk.inspectionCapacityPerPortDay': {
    description: 'Physical inspections a port can carry out per day: a default, and per port code.',
    schema: z.object({ default: inspections, ports: z.record(portCode, inspections) }).strict(),
  },
  'risk.referenceMinSamples': {
    description: 'Declarations needed before a reference price or weight is used.',
    schema: wholeNumber(1, 1_000_000, 'declarations'),
  },
  'risk.defaultTaxBurden': {
    description: 'Tax share of value assumed for revenue at stake when a line carries no rate.',
    schema: rate('a share'),
  },
  'risk.noModelProbability': {
    description: 'Prior probability of a discrepancy by level, while no model is live.',
    schema: z.object({ RED: probability, YELLOW: probability, BLUE: probability }).strict(),
  },
  'risk.retrain': {
    description: 'Scheduled retraining: days between runs, labelled declarations needed, share kept for validation.',
    schema: z
      .object({
        intervalDays: wholeNumber(1, 365, 'days'),
        minLabelled: wholeNumber(1, 10_000_000, 'declarations'),
        validationShare: decimalString('0.01', '0.9', 'a share'),
      })
      .strict(),
  },
};

/** The first seeds of these parameters (policy_parameters on first start); rules never read them. */
const CLOSURE = '2025-12-18'; // 全岛封关运作

export const RISK_PARAMETER_SEEDS: ParameterSeed[] = [
  {
    name: 'risk.levelThresholds',
    value: { red: '60', yellow: '30' },
    validFrom: CLOSURE,
    reason:
      'Risk score at or above red is RED (inspect; joint control), at or above yellow is YELLOW ' +
      '(document check or targeted inspection), below is BLUE.',
  },
  {
    name: 'risk.modelWeight',
    value: '60',
    validFrom: CLOSURE,
    reason: 'Points the learned model adds to the risk score at probability 1.',
  },
  {
    name: 'risk.routineInspectionRate',
    value: '0.0244',
    validFrom: CLOSURE,
    reason:
      'Routine random inspection rate the credit-class multipliers apply to (observed 2.44% for routine enterprises).',
  },
  {
    name: 'risk.randomFloorRate',
    value: '0.003',
    validFrom: CLOSURE,
    reason:
      'Share of all declarations always inspected at random, whatever the capacity, so the models ' +
      'keep learning from an unbiased sample.',
  },
  {
    name: 'risk.yellowTargetedProbability',
    value: '0.5',
    validFrom: CLOSURE,
    reason:
      'A YELLOW declaration at least this likely to be wrong (model) gets a targeted physical ' +
      'inspection while capacity lasts.',
  },
  {
    name: 'risk.inspectionCapacityPerPortDay',
    value: { default: 120, ports: { 'CNHAK-XINHAI': 300, 'CNHAK-PORT': 200, 'CNYPG-PORT': 160, 'CNHAK-NANGANG': 160 } },
    validFrom: CLOSURE,
    reason: 'Physical inspections a port can carry out per day (Haikou ports clear about 2,500 trucks a day).',
  },
  {
    name: 'risk.referenceMinSamples',
    value: 20,
    validFrom: CLOSURE,
    reason: 'Declarations needed before a reference price or weight is used.',
  },
  {
    name: 'risk.defaultTaxBurden',
    value: '0.13',
    validFrom: CLOSURE,
    reason: 'Tax share of value assumed for revenue at stake when a line carries no duty or VAT rate.',
  },
  {
    name: 'risk.noModelProbability',
    value: { RED: '0.5', YELLOW: '0.2', BLUE: '0.02' },
    validFrom: CLOSURE,
    reason: 'Prior probability of a discrepancy by level, used for expected revenue while no model is live.',
  },
  {
    name: 'risk.retrain',
    value: { intervalDays: 7, minLabelled: 150, validationShare: '0.2' },
    validFrom: CLOSURE,
    reason:
      'Scheduled retraining: how often, the labelled declarations it needs, and the newest share kept for validation.',
  },
];
