/**
 * The learned risk model's contract (issue 6). The risk engine codes against these names and shapes:
 * they may grow, never change. Scores are probabilities, not money, so plain JS numbers are right here.
 */

/** A raw feature value as the feature library produces it; null means missing. */
export type FeatureValue = number | string | null;

export interface FeatureSpec {
  name: string;
  kind: 'numeric' | 'categorical';
}

export interface TrainingRow {
  features: Record<string, FeatureValue>;
  label: 0 | 1;
  /** CNY at stake, for revenue@n%. */
  revenue?: number;
}

export type Algorithm = 'gbdt' | 'tree' | 'logistic';

/**
 * How target statistics of categorical features are computed for the training rows (the rows of
 * `valid` and every later prediction use statistics over all of `train`):
 * - `kfold`: each row gets the statistics of the other folds (out-of-fold), so a row never sees its
 *   own label;
 * - `ordered`: each row gets the statistics of the rows before it (rows come in time order), as a
 *   trader's history would have looked at the time.
 */
export type TargetEncoding = 'kfold' | 'ordered';

export type EarlyStoppingMetric = 'auc' | 'logloss' | 'precision@5%' | 'precision@10%';

export interface TrainOptions {
  seed: number;
  /** gbdt (default): a histogram gradient-boosted tree ensemble; tree: one tree; logistic: L2 logistic regression. */
  algorithm?: Algorithm;
  /**
   * Boosting rounds at most: 2,000 with a validation set (early stopping ends sooner), 300 without
   * one (what early stopping chose on the KCS data), so training without `valid` cannot overfit by
   * default.
   */
  rounds?: number;
  learningRate?: number;
  /** Leaves per tree (leaf-wise growth, LightGBM style). */
  numLeaves?: number;
  /** 0 = no depth limit. */
  maxDepth?: number;
  minDataInLeaf?: number;
  minSumHessianInLeaf?: number;
  /** L2 regularisation of leaf values. */
  lambdaL2?: number;
  minGainToSplit?: number;
  /** Share of rows drawn (without replacement) for each tree. */
  baggingFraction?: number;
  /** Share of encoded columns each tree may split on. */
  featureFraction?: number;
  /** Histogram bins per numeric column (at most 255). */
  maxBins?: number;
  /** Rounds without improvement on `valid` before stopping; 0 = never stop early. */
  earlyStoppingRounds?: number;
  earlyStoppingMetric?: EarlyStoppingMetric;
  targetEncoding?: TargetEncoding;
  /** Folds for `kfold` target statistics. */
  targetFolds?: number;
  /** Pseudo-count pulling a category's fraud rate towards the overall rate. */
  targetSmoothing?: number;
  /** Logistic regression: L2 penalty. */
  logisticL2?: number;
  /** Called after each boosting round (for progress bars). */
  onProgress?: (round: number, rounds: number) => void;
}

export interface Contribution {
  feature: string;
  /** In log-odds. */
  contribution: number;
}

/**
 * How explain attributes a score: `path` (default) credits each split's change of the expected score
 * to the feature split on (Saabas; cheap); `treeshap` gives each feature its Shapley value over the
 * trees' own distribution of the data (Lundberg et al. 2018; fair to features split deep in the
 * trees, about ten times the cost). Both sum, with the bias, to the raw score.
 */
export type ExplainMethod = 'path' | 'treeshap';

export interface Explanation {
  probability: number;
  bias: number;
  /** One per feature of the spec, largest |contribution| first; with bias they sum to the raw score. */
  contributions: Contribution[];
}

export interface TrainedModel {
  /** e.g. 'gbdt-v1'. */
  readonly kind: string;
  readonly spec: FeatureSpec[];
  /** Probability of a discrepancy. */
  predict(features: Record<string, FeatureValue>): number;
  /** The raw score (log-odds) behind predict. */
  rawScore(features: Record<string, FeatureValue>): number;
  explain(features: Record<string, FeatureValue>, options?: { method?: ExplainMethod }): Explanation;
  /**
   * explain's probability and contributions (the default method) per feature of `spec`, in spec order
   * and unranked: for a caller that wants only the largest few. The array is the model's own and is
   * overwritten by the next call.
   */
  contributions(features: Record<string, FeatureValue>): { probability: number; perFeature: Float64Array };
  toJSON(): SerializedModel;
}

export interface Metrics {
  'precision@1%': number;
  'precision@2%': number;
  'precision@5%': number;
  'precision@10%': number;
  'recall@5%': number;
  'recall@10%': number;
  'revenue@5%'?: number;
  'revenue@10%'?: number;
  auc: number;
}

export interface TrainReport {
  kind: string;
  algorithm: Algorithm;
  seed: number;
  trainRows: number;
  validRows: number;
  /** Encoded columns the learner saw (numeric features, and count + rate per categorical feature). */
  columns: number;
  /** Rounds kept in the model (the best round when early stopping). */
  rounds: number;
  /** Rounds actually run. */
  roundsRun: number;
  trainMs: number;
  /** Metrics of the kept model on `valid`, when given. */
  valid?: Metrics;
  /** Total split gain per feature of the spec, largest first. */
  importance: { feature: string; gain: number }[];
  /** The options in force, with defaults filled in. */
  options: Omit<Required<TrainOptions>, 'onProgress'>;
}

/** Category statistics of one categorical feature: [category, count in training, smoothed fraud rate]. */
export type CategoryTable = [string, number, number][];

export interface SerializedEncoder {
  /** Overall fraud rate of the training rows: the rate of an unseen category. */
  prior: number;
  /** One per categorical feature of the spec, in spec order. */
  categories: { feature: string; table: CategoryTable }[];
}

/** Flat tree: internal nodes 0..n-1; a child < 0 is leaf ~child. */
export interface SerializedTree {
  column: number[];
  threshold: number[];
  /** 1 when missing values go left. */
  missingLeft: number[];
  left: number[];
  right: number[];
  /** Value of each internal node (for path contributions). */
  nodeValue: number[];
  leafValue: number[];
  /** Training rows that reached each internal node and leaf (for TreeSHAP's expectations). */
  nodeCover: number[];
  leafCover: number[];
}

export interface SerializedGbdt {
  format: 'tidegate-risk-model';
  kind: 'gbdt-v1' | 'tree-v1';
  spec: FeatureSpec[];
  encoder: SerializedEncoder;
  /** Name of each encoded column, e.g. `importer#rate`. */
  columns: string[];
  initScore: number;
  trees: SerializedTree[];
}

export interface SerializedLogistic {
  format: 'tidegate-risk-model';
  kind: 'logistic-v1';
  spec: FeatureSpec[];
  encoder: SerializedEncoder;
  columns: string[];
  /** Per column: 1 when the column is taken as sign(x)·log(1+|x|) first (counts, masses, prices). */
  signedLog: number[];
  /**
   * Per column, after the transform: mean and scale of the standardisation (a missing value scores its indicator's
   * weight instead).
   */
  mean: number[];
  scale: number[];
  weights: number[];
  /** Weight of each column's missing indicator. */
  missingWeights: number[];
  intercept: number;
}

export type SerializedModel = SerializedGbdt | SerializedLogistic;
