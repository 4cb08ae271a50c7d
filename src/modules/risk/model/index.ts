/**
 * The learned risk model (issue 6): train on labelled declarations, score the probability of a
 * discrepancy, explain a score, serialise to plain JSON. Pure: no I/O, no clock, deterministic for a
 * seed. The risk engine uses only what this file exports.
 */
export type {
  Algorithm,
  CategoryTable,
  Contribution,
  EarlyStoppingMetric,
  Explanation,
  FeatureSpec,
  FeatureValue,
  Metrics,
  SerializedModel,
  TargetEncoding,
  TrainedModel,
  TrainingRow,
  TrainOptions,
  TrainReport,
} from './types.ts';
export { trainModel, loadModel, DEFAULT_TRAIN_OPTIONS } from './train.ts';
export { evaluate, auc } from './metrics.ts';
