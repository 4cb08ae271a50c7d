/**
 * The risk module's public service (风险管理). Other modules call only what this file exports:
 * - `assessDeclaration(tx, ctx, input)` at submission, inside the declaration's transaction
 *   (`prefetchAssessment(tx)` first lets its input-free reads share the caller's round trip);
 * - `recordOutcome(tx, ctx, outcome)` when an inspection finishes, inside the inspection's.
 * - `recordWithdrawal(tx, ctx, w)` when a declaration is cancelled, or its selected goods go back uninspected.
 * The rest serves the API, the CLI and the web app. See README.md for the input shape.
 */
export {
  assessDeclaration,
  assessDeclarations,
  createAssessMemo,
  prefetchAssessment,
  MAX_BATCH,
  type AssessOptions,
  type AssessMemo,
} from './service/assess.ts';
export {
  recordOutcome,
  recordOutcomes,
  outcomeInput,
  OUTCOMES,
  type Outcome,
  type OutcomeInput,
  type OutcomeView,
} from './service/outcome.ts';
export { recordWithdrawal, type Withdrawal } from './service/withdrawals.ts';
export type { RiskDecision } from './service/decisionView.ts';
export type { AssessmentInput, AssessmentLine, DeclarationKind } from './input.ts';
export { assessmentInput, DECLARATION_KINDS } from './input.ts';
export {
  createFeatureDraft,
  shadowFeature,
  approveFeatures,
  retireFeature,
  installBaselineLibrary,
  listFeatures,
  getFeature,
  featureStats,
  expressionProblem,
} from './service/features.ts';
export { backtestFeature, backtestFeatures, listBacktests } from './service/backtest.ts';
export { assessSale, saleLibrary, saleVerdicts } from './service/sale.ts';
export type { SaleAssessmentInput, SaleVerdict, SaleVerdictKind } from './service/sale.ts';
export { SALE_FIELD_CATALOGUE } from './fields.ts';
export { listAlerts, getDecision, replayDecision, riskOverview } from './service/decisions.ts';
export {
  trainRiskModel,
  shadowModel,
  approveModel,
  retireModel,
  backtestModel,
  listModels,
  modelPerformance,
} from './service/models.ts';

/**
 * Tables read by the command centre's credit panel and drill-downs: its SQL names them
 * from these objects, never as text. Read-only there; only this module writes them.
 */
export { riskDailyTotals, riskDecisions, riskOutcomes } from './schema.ts';
