/**
 * The risk module's outbox events, as zod schemas of their payloads: what other modules may consume
 * (joint control reads RiskAssessed). Aggregates: `declaration` (id = the declaration's) for a
 * decision and its outcome, `risk-feature` (`code@version`) and `risk-model` (the version) for the
 * library's governance.
 */
import { z } from 'zod';
import { LEVELS } from './rules.ts';

const featureVersion = z.object({
  code: z.string(),
  version: z.number().int(),
  status: z.string(),
  setVersion: z.number().int(),
});
const modelVersion = z.object({ version: z.number().int(), status: z.string() });

/** A trained model's metrics on its validation rows (model/types.ts Metrics). */
const metrics = z.object({
  'precision@1%': z.number(),
  'precision@2%': z.number(),
  'precision@5%': z.number(),
  'precision@10%': z.number(),
  'recall@5%': z.number(),
  'recall@10%': z.number(),
  'revenue@5%': z.number().optional(),
  'revenue@10%': z.number().optional(),
  auc: z.number(),
});

export const RISK_EVENTS = {
  /** A declaration's decision (level, selection), as stored; `features` are `code@version` of those that fired. */
  RiskAssessed: z.object({
    declarationId: z.string(),
    enterpriseId: z.string(),
    uscc: z.string(),
    kind: z.string(),
    port: z.string(),
    level: z.enum(LEVELS),
    score: z.string(),
    features: z.array(z.string()),
    model: z.object({ version: z.number().int(), probability: z.number() }).nullable(),
    selected: z.boolean(),
    action: z.enum(['INSPECT', 'DOCUMENT_CHECK', 'RELEASE']),
    reasons: z.array(z.enum(['RISK_RED', 'RANDOM_FLOOR', 'RANDOM_CLASS_RATE', 'TARGETED_YELLOW'])),
    draw: z.number(),
    expectedRevenue: z.string(),
    versions: z.object({
      featureSet: z.number().int(),
      model: z.number().int().nullable(),
      shadowModel: z.number().int().nullable(),
      parameters: z.record(z.string(), z.number()),
    }),
    inputHash: z.string(),
  }),
  /** The inspection's finding on a decided declaration (what the risk engine learns from). */
  RiskOutcomeRecorded: z.object({
    declarationId: z.string(),
    enterpriseId: z.string(),
    level: z.string(),
    outcome: z.enum(['MATCH', 'DISCREPANCY', 'SEIZURE']),
    revenueRecovered: z.string(),
    /** The indexes of the lines whose values the inspection corrected. */
    corrected: z.array(z.number().int()),
    payloadHash: z.string(),
  }),
  RiskFeatureApproved: featureVersion,
  RiskFeatureShadowed: featureVersion,
  RiskFeatureRetired: featureVersion.extend({ reason: z.string() }),
  /** A model trained (a draft): its metrics on the validation rows, and on their unbiased sample when there is one. */
  RiskModelTrained: z.object({
    version: z.number().int(),
    metrics: z.object({ valid: metrics, validUnbiasedSample: metrics.nullable(), validBaseRate: z.number() }),
  }),
  RiskModelApproved: modelVersion,
  RiskModelShadowed: modelVersion,
  RiskModelRetired: modelVersion,
} as const;

export type RiskEventType = keyof typeof RISK_EVENTS;
export type RiskAssessedPayload = z.output<(typeof RISK_EVENTS)['RiskAssessed']>;
export type RiskOutcomeRecordedPayload = z.output<(typeof RISK_EVENTS)['RiskOutcomeRecorded']>;
