import { z } from 'zod';
import { isoDate, text } from '../../kernel/wire.ts';
import { FEATURE_CATEGORIES, LEVELS } from './rules.ts';

export const featureCode = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{2,63}$/, 'A code in capitals, digits and underscores, e.g. PRICE_FAR_BELOW_REFERENCE.');
const weight = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,2})?$/, 'Points as a decimal string, e.g. "25".')
  .refine((s) => Number(s) <= 100, {
    message: 'A weight is at most 100 points.',
    params: { rule: 'risk.feature.weight' },
  });

export const featureBody = z
  .object({
    code: featureCode,
    name: text.trim().min(2).max(200),
    description: text.trim().min(10, 'Say what the feature looks for and why (at least 10 characters).').max(2000),
    category: z.enum(FEATURE_CATEGORIES),
    scope: z.enum(['DECLARATION', 'LINE', 'SALE']),
    expression: text.min(1).max(4000),
    weight,
    forceLevel: z.enum(['RED', 'YELLOW']).nullish(),
    expiresOn: isoDate.nullish(),
    owner: text.trim().min(2).max(100).optional().describe('Who answers for the feature; the author by default'),
  })
  .strict();
export type FeatureBody = z.infer<typeof featureBody>;

export const validateBody = z
  .object({ scope: z.enum(['DECLARATION', 'LINE', 'SALE']), expression: text.max(4000) })
  .strict();

const firedOut = z.object({
  code: z.string(),
  version: z.number(),
  mode: z.enum(['LIVE', 'SHADOW']),
  contribution: z.number(),
  forceLevel: z.enum(['RED', 'YELLOW']).nullable(),
  lines: z.array(z.number()),
  evidence: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  name: z.string().optional(),
});

export const decisionOut = z.object({
  declarationId: z.string(),
  enterpriseId: z.string(),
  uscc: z.string(),
  kind: z.string(),
  port: z.string(),
  businessDate: z.string(),
  decidedAt: z.string(),
  level: z.enum(LEVELS),
  score: z.string(),
  featureScore: z.string(),
  modelScore: z.string(),
  forcedBy: z.string().nullable(),
  features: z.array(firedOut),
  shadowFeatures: z.array(firedOut),
  model: z
    .object({
      version: z.number(),
      probability: z.number(),
      drivers: z.array(
        z.object({ feature: z.string(), value: z.union([z.number(), z.string(), z.null()]), contribution: z.number() }),
      ),
    })
    .nullable(),
  shadowModel: z.object({ version: z.number(), probability: z.number() }).nullable(),
  probability: z.number(),
  probabilitySource: z.enum(['MODEL', 'LEVEL_PRIOR']),
  creditClass: z.string(),
  draw: z.number(),
  classRate: z.string(),
  unbiasedSample: z.boolean(),
  selected: z.boolean(),
  action: z.enum(['INSPECT', 'DOCUMENT_CHECK', 'RELEASE']),
  reasons: z.array(z.string()),
  capacityExhausted: z.boolean(),
  totalValue: z.string(),
  revenueAtStake: z.string(),
  expectedRevenue: z.string(),
  versions: z.object({
    featureSet: z.number(),
    model: z.number().nullable(),
    shadowModel: z.number().nullable(),
    parameters: z.record(z.string(), z.number()),
  }),
});

export const decisionDetailOut = decisionOut.extend({
  enterpriseName: z.string().nullable(),
  input: z.unknown(),
  facts: z.object({ decl: z.record(z.string(), z.unknown()), lines: z.array(z.record(z.string(), z.unknown())) }),
  outcome: z
    .object({
      outcome: z.string(),
      revenueRecovered: z.string(),
      correctedValues: z.unknown(),
      recordedAt: z.string(),
      recordedBy: z.string(),
    })
    .nullable(),
});

export const alertItemOut = z.object({
  declarationId: z.string(),
  decidedAt: z.string(),
  uscc: z.string(),
  enterpriseName: z.string().nullable(),
  kind: z.string(),
  port: z.string(),
  level: z.enum(LEVELS),
  score: z.string(),
  action: z.string(),
  selected: z.boolean(),
  reasons: z.array(z.string()),
  topFeatures: z.array(z.string()),
  expectedRevenue: z.string(),
  outcome: z.string().nullable(),
});

export const alertQuery = z
  .object({
    level: z
      .string()
      .regex(/^(RED|YELLOW|BLUE)(,(RED|YELLOW|BLUE))*$/, 'One or more of RED, YELLOW, BLUE, comma-separated.')
      .optional(),
    port: text.max(32).optional(),
    trader: text.max(18).optional().describe('USCC of the declarant'),
    from: isoDate.optional(),
    to: isoDate.optional(),
    selected: z.enum(['true', 'false']).optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(20),
  })
  .strict();

/** Who wrote, approved and retired a feature or model version, and when (four eyes). */
const governanceStampOut = {
  createdBy: z.string(),
  createdAt: z.string(),
  approvedBy: z.string().nullable(),
  approvedAt: z.string().nullable(),
  retiredBy: z.string().nullable(),
  retiredAt: z.string().nullable(),
};

/** The latest backtest of a feature or model version, as lists show it. */
export const backtestRefOut = z.object({
  id: z.string(),
  runAt: z.string(),
  runBy: z.string(),
  metrics: z.record(z.string(), z.unknown()),
});

export const featureVersionOut = z.object({
  code: z.string(),
  version: z.number(),
  status: z.string(),
  name: z.string(),
  description: z.string(),
  category: z.string(),
  scope: z.string(),
  expression: z.string(),
  weight: z.string(),
  forceLevel: z.string().nullable(),
  expiresOn: z.string().nullable(),
  owner: z.string(),
  ...governanceStampOut,
  retireReason: z.string().nullable(),
  liveFromSet: z.number().nullable(),
  liveToSet: z.number().nullable(),
  expired: z.boolean(),
  latestBacktest: backtestRefOut.nullable(),
});

export const featureSummaryOut = featureVersionOut.extend({
  liveVersion: z.number().nullable(),
  stats: z.object({
    fired: z.number(),
    inspected: z.number(),
    hits: z.number(),
    hitRate: z.number().nullable(),
    revenueRecovered: z.string(),
  }),
});

export const backtestWindow = z.object({ from: isoDate.optional(), to: isoDate.optional() }).strict();

export const backtestOut = z.object({
  id: z.string(),
  targetKind: z.string(),
  code: z.string().nullable(),
  version: z.number(),
  fromDate: z.string(),
  toDate: z.string(),
  declarations: z.number(),
  metrics: z.record(z.string(), z.unknown()),
  runBy: z.string(),
  runAt: z.string(),
});

export const statsPointOut = z.object({
  period: z.string(),
  fired: z.number(),
  inspected: z.number(),
  hits: z.number(),
  hitRate: z.number().nullable(),
  revenueRecovered: z.string(),
});

export const modelOut = z.object({
  version: z.number(),
  status: z.string(),
  algorithm: z.string(),
  ...governanceStampOut,
  metrics: z.record(z.string(), z.unknown()),
  training: z.record(z.string(), z.unknown()),
  features: z.number(),
  latestBacktest: backtestRefOut.nullable(),
});

export const trainBody = z
  .object({
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    algorithm: z.enum(['gbdt', 'logistic']).optional(),
  })
  .strict();

export const modelPerformanceOut = z.object({
  week: z.string(),
  labelled: z.number(),
  positives: z.number(),
  versions: z.array(z.number()),
  auc: z.number().nullable(),
  'precision@10%': z.number().nullable(),
  meanProbability: z.number(),
  hitRate: z.number(),
});
