import type { FiredFeature, Level, SelectionReason, Action } from '../rules.ts';
import type { ModelDriver } from '../decide.ts';
import type { riskDecisions } from '../schema.ts';

export type DecisionRow = typeof riskDecisions.$inferSelect;

/** A stored decision as the declaration module, the API and the web app see it. */
export interface RiskDecision {
  declarationId: string;
  enterpriseId: string;
  uscc: string;
  kind: string;
  port: string;
  businessDate: string;
  decidedAt: string;
  level: Level;
  score: string;
  featureScore: string;
  modelScore: string;
  forcedBy: string | null;
  /** Live features that fired, with the points each added. */
  features: FiredFeature[];
  /** Shadow features that would have fired (recorded, not acted on). */
  shadowFeatures: FiredFeature[];
  model: { version: number; probability: number; drivers: ModelDriver[] } | null;
  shadowModel: { version: number; probability: number } | null;
  probability: number;
  probabilitySource: 'MODEL' | 'LEVEL_PRIOR';
  creditClass: string;
  draw: number;
  classRate: string;
  unbiasedSample: boolean;
  selected: boolean;
  action: Action;
  reasons: SelectionReason[];
  capacityExhausted: boolean;
  totalValue: string;
  revenueAtStake: string;
  expectedRevenue: string;
  versions: {
    featureSet: number;
    model: number | null;
    shadowModel: number | null;
    parameters: Record<string, number>;
  };
}

export function decisionView(r: DecisionRow): RiskDecision {
  const fired = r.fired as FiredFeature[];
  return {
    declarationId: r.declarationId,
    enterpriseId: r.enterpriseId,
    uscc: r.uscc,
    kind: r.kind,
    port: r.port,
    businessDate: r.businessDate,
    decidedAt: r.createdAt.toISOString(),
    level: r.level as Level,
    score: r.score,
    featureScore: r.featureScore,
    modelScore: r.modelScore,
    forcedBy: r.forcedBy,
    features: fired.filter((f) => f.mode === 'LIVE'),
    shadowFeatures: fired.filter((f) => f.mode === 'SHADOW'),
    model:
      r.modelVersion !== null && r.modelProbability !== null
        ? {
            version: r.modelVersion,
            probability: r.modelProbability,
            drivers: (r.modelDrivers as ModelDriver[] | null) ?? [],
          }
        : null,
    shadowModel:
      r.shadowModelVersion !== null && r.shadowModelProbability !== null
        ? { version: r.shadowModelVersion, probability: r.shadowModelProbability }
        : null,
    probability: r.probability,
    probabilitySource: r.probabilitySource as 'MODEL' | 'LEVEL_PRIOR',
    creditClass: r.creditClass,
    draw: r.draw,
    classRate: r.classRate,
    unbiasedSample: r.unbiasedSample,
    selected: r.selected,
    action: r.action as Action,
    reasons: r.reasons as SelectionReason[],
    capacityExhausted: r.capacityRequested && !r.capacityGranted,
    totalValue: r.totalValue,
    revenueAtStake: r.revenueAtStake,
    expectedRevenue: r.expectedRevenue,
    versions: {
      featureSet: r.featureSetVersion,
      model: r.modelVersion,
      shadowModel: r.shadowModelVersion,
      parameters: r.parameterVersions as Record<string, number>,
    },
  };
}
