/** The joint-control policy parameters: their schemas and first seeds. */
import { z } from 'zod';
import type { ParameterSpecs } from '../../platform/parameters/definition.ts';
import type { ParameterSeed } from '../../platform/parameters/defaults.ts';
import { DECLARATION_KINDS } from '../risk/service.ts';
import type { RecipientPolicy } from './rules.ts';

export const RECIPIENTS = 'jointControl.recipients';

const department = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,39}$/, 'Use the department code a client scope names, e.g. police, market_regulation.');

export const JOINT_CONTROL_PARAMETERS: ParameterSpecs = {
  [RECIPIENTS]: {
    description:
      'Which departments receive which RED joint-control cases (联合监管): each rule names a department ' +
      '(the code in its API clients scope) and optionally limits it to declaration kinds, ports or HS chapters.',
    schema: z
      .object({
        recipients: z
          .array(
            z
              .object({
                department,
                kinds: z.array(z.enum(DECLARATION_KINDS)).min(1).max(DECLARATION_KINDS.length).optional(),
                hsChapters: z
                  .array(z.string().regex(/^\d{2}$/, 'An HS chapter is two digits, e.g. "84".'))
                  .min(1)
                  .max(99)
                  .optional(),
                ports: z.array(z.string().min(2).max(32)).min(1).max(50).optional(),
              })
              .strict(),
          )
          .max(20),
      })
      .strict(),
  },
};

const DEFAULT_POLICY: RecipientPolicy = {
  recipients: [{ department: 'police' }, { department: 'market_regulation' }],
};

export const JOINT_CONTROL_PARAMETER_SEEDS: ParameterSeed[] = [
  {
    name: RECIPIENTS,
    value: DEFAULT_POLICY,
    validFrom: '2025-12-18',
    reason:
      'From the island-wide closure, a RED declaration is controlled jointly with the police (公安) and ' +
      'market regulation (市场监管), whatever its kind, port or goods.',
  },
];
