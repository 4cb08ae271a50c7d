/**
 * The learned risk model (issue 6): train on labelled declarations, score the probability of a
 * discrepancy, explain a score, serialise to plain JSON. Pure: no I/O, no clock, deterministic for a
 * seed. The risk engine uses only what this file exports.
 *
 *   const { model, report } = trainModel(spec, trainRows, { seed: 1 }, validRows); // rows in time order
 *   store(model.toJSON(), report.valid);           // plain JSON; report.valid = metrics on validRows
 *   const m = loadModel(json);                     // refuses damaged JSON
 *   m.predict(features);                           // probability, microseconds
 *   m.explain(features);                           // { probability, bias, contributions } in log-odds
 *
 * Give `valid` rows later in time than `train` (e.g. the last month): they stop the boosting and
 * measure the model. Categorical values (IDs, codes) are taken as they are; derived facts (histories,
 * reference prices) belong to the feature library. Method and measurements: docs/decisions/0004-risk-model.md.
 */
export type {
  Algorithm,
  CategoryTable,
  Contribution,
  EarlyStoppingMetric,
  ExplainMethod,
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
