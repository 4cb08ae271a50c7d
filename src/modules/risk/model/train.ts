import { fitEncoder } from './encoding.ts';
import { ForestModel } from './forest.ts';
import { trainGbdt, type GbdtParams } from './gbdt.ts';
import { fitLogistic, LogisticModel } from './logistic.ts';
import { evaluate } from './metrics.ts';
import { seededRandom } from './random.ts';
import type { FeatureSpec, SerializedModel, TrainedModel, TrainingRow, TrainOptions, TrainReport } from './types.ts';

type Resolved = Omit<Required<TrainOptions>, 'onProgress'>;

/** Defaults chosen on the KCS validation split (docs/decisions/0004-risk-model.md). */
export const DEFAULT_TRAIN_OPTIONS: Omit<Resolved, 'seed'> = {
  algorithm: 'gbdt',
  rounds: 2000,
  learningRate: 0.1,
  numLeaves: 63,
  maxDepth: 0,
  minDataInLeaf: 20,
  minSumHessianInLeaf: 1e-3,
  lambdaL2: 1,
  minGainToSplit: 0,
  baggingFraction: 0.8,
  featureFraction: 0.5,
  maxBins: 255,
  earlyStoppingRounds: 100,
  earlyStoppingMetric: 'logloss',
  targetEncoding: 'kfold',
  targetFolds: 5,
  targetSmoothing: 20,
  logisticL2: 1,
};

/** One tree, grown as deep as the data allows: the single-tree baseline. */
const TREE_PRESET: Partial<Resolved> = {
  rounds: 1,
  learningRate: 1,
  numLeaves: 64,
  baggingFraction: 1,
  featureFraction: 1,
  minDataInLeaf: 50,
  earlyStoppingRounds: 0,
};

/** Rounds when there is no validation set to stop on. */
export const ROUNDS_WITHOUT_VALIDATION = 300;

export function resolveOptions(opts: TrainOptions, hasValidation: boolean): Resolved {
  const { onProgress: _ignored, ...given } = opts;
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<Resolved>;
  const preset =
    defined.algorithm === 'tree' ? TREE_PRESET : hasValidation ? {} : { rounds: ROUNDS_WITHOUT_VALIDATION };
  const o: Resolved = { ...DEFAULT_TRAIN_OPTIONS, ...preset, ...defined, seed: opts.seed };
  const fail = (what: string) => {
    throw new RangeError(`TrainOptions.${what}`);
  };
  if (!Number.isInteger(o.seed)) fail('seed must be an integer');
  if (!(o.rounds >= 1)) fail('rounds must be at least 1');
  if (!(o.learningRate > 0)) fail('learningRate must be above 0');
  if (!(o.numLeaves >= 2)) fail('numLeaves must be at least 2');
  if (!(o.baggingFraction > 0 && o.baggingFraction <= 1)) fail('baggingFraction must be in (0, 1]');
  if (!(o.featureFraction > 0 && o.featureFraction <= 1)) fail('featureFraction must be in (0, 1]');
  if (!(o.maxBins >= 2 && o.maxBins <= 255)) fail('maxBins must be in [2, 255]');
  if (!(o.minDataInLeaf >= 1)) fail('minDataInLeaf must be at least 1');
  if (!(o.targetFolds >= 2 && o.targetFolds <= 255)) fail('targetFolds must be in [2, 255]');
  if (!(o.targetSmoothing >= 0)) fail('targetSmoothing must be at least 0');
  if (!(o.lambdaL2 >= 0) || !(o.logisticL2 >= 0)) fail('lambdaL2 and logisticL2 must be at least 0');
  return o;
}

export function trainModel(
  spec: FeatureSpec[],
  train: TrainingRow[],
  opts: TrainOptions,
  valid?: TrainingRow[],
): { model: TrainedModel; report: TrainReport } {
  const started = performance.now();
  const o = resolveOptions(opts, Boolean(valid?.length));
  checkSpec(spec);
  if (train.length === 0) throw new RangeError('trainModel needs at least one training row');
  const random = seededRandom(o.seed);
  const { encoder, matrix } = fitEncoder(spec, train, o, random);
  const labels = Uint8Array.from(train, (r) => r.label);
  const validSet = valid?.length
    ? { columns: encoder.encodeRows(valid), labels: Uint8Array.from(valid, (r) => r.label) }
    : null;

  let json: SerializedModel;
  let roundsRun = 1;
  const gainPerFeature = new Float64Array(spec.length);
  if (o.algorithm === 'logistic') {
    json = fitLogistic(encoder, matrix, labels, o.logisticL2, opts.onProgress);
    json.weights.forEach((w, c) => (gainPerFeature[encoder.columnFeature[c]!]! += Math.abs(w)));
  } else {
    const params: GbdtParams = o;
    const result = trainGbdt({ columns: matrix, labels }, validSet, params, random, opts.onProgress);
    roundsRun = result.roundsRun;
    result.gain.forEach((g, c) => (gainPerFeature[encoder.columnFeature[c]!]! += g));
    json = {
      format: 'tidegate-risk-model',
      kind: o.algorithm === 'tree' ? 'tree-v1' : 'gbdt-v1',
      spec: spec.map((f) => ({ name: f.name, kind: f.kind })),
      encoder: encoder.toJSON(),
      columns: encoder.columns,
      initScore: result.initScore,
      trees: result.trees,
    };
  }
  const model = loadModel(json);
  const report: TrainReport = {
    kind: model.kind,
    algorithm: o.algorithm,
    seed: o.seed,
    trainRows: train.length,
    validRows: valid?.length ?? 0,
    columns: encoder.columns.length,
    rounds: json.kind === 'logistic-v1' ? 1 : json.trees.length,
    roundsRun,
    trainMs: 0,
    importance: spec.map((f, i) => ({ feature: f.name, gain: gainPerFeature[i]! })).sort((a, b) => b.gain - a.gain),
    options: o,
  };
  if (valid?.length) {
    report.valid = evaluate(
      valid.map((r) => model.predict(r.features)),
      valid.map((r) => r.label),
      valid.every((r) => r.revenue !== undefined) ? valid.map((r) => r.revenue!) : undefined,
    );
  }
  report.trainMs = performance.now() - started;
  return { model, report };
}

export function loadModel(json: SerializedModel): TrainedModel {
  if (!json || json.format !== 'tidegate-risk-model') throw new Error('not a Tidegate risk model');
  checkSpec(json.spec);
  switch (json.kind) {
    case 'gbdt-v1':
    case 'tree-v1':
      return new ForestModel(json);
    case 'logistic-v1':
      return new LogisticModel(json);
    default:
      throw new Error(`unknown risk model kind ${(json as { kind: string }).kind}`);
  }
}

function checkSpec(spec: FeatureSpec[]): void {
  const seen = new Set<string>();
  for (const f of spec) {
    if (!f.name || seen.has(f.name)) throw new RangeError(`feature names must be non-empty and unique (${f.name})`);
    if (f.kind !== 'numeric' && f.kind !== 'categorical')
      throw new RangeError(`feature ${f.name}: kind must be numeric or categorical`);
    seen.add(f.name);
  }
}
