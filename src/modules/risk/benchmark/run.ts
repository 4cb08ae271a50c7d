/**
 * The public KCS benchmark (issue 6): train on the train split with the platform's learner, stop early
 * on the validation split, report the field's metrics on validation and, when given, on a test split.
 * Pure: parsed declarations in, metrics out (the CLI reads the files and draws the progress bars).
 */
import { evaluate, trainModel, type Metrics, type TrainOptions, type TrainReport } from '../model/index.ts';
import { KCS_FEATURE_SPEC, KcsProfiles, kcsRows, type KcsDeclaration } from './kcs.ts';

export const BENCHMARK_METRICS = [
  'precision@1%',
  'precision@2%',
  'precision@5%',
  'precision@10%',
  'recall@5%',
  'recall@10%',
  'auc',
] as const;
export type BenchmarkMetrics = Record<(typeof BENCHMARK_METRICS)[number], number>;

export interface BenchmarkResult {
  valid: BenchmarkMetrics;
  test?: BenchmarkMetrics;
}

export interface BenchmarkRun {
  result: BenchmarkResult;
  /** The model chosen on validation (trained on train). */
  report: TrainReport;
  /** The model that scored the test split when it was refitted on train + valid. */
  refitReport?: TrainReport;
}

export type BenchmarkPhase = 'train' | 'refit';

export interface BenchmarkOptions {
  seed?: number;
  /**
   * Score the test split with a model refitted on train + valid for the number of rounds chosen on
   * valid (default true): the most recent quarter carries the traders' latest behaviour.
   */
  refit?: boolean;
  train?: Partial<TrainOptions>;
  onProgress?: (phase: BenchmarkPhase, round: number, rounds: number) => void;
}

export function pickBenchmarkMetrics(m: Metrics): BenchmarkMetrics {
  return Object.fromEntries(BENCHMARK_METRICS.map((k) => [k, m[k]])) as BenchmarkMetrics;
}

export function runKcsBenchmark(
  train: KcsDeclaration[],
  valid: KcsDeclaration[],
  test?: KcsDeclaration[],
  opts: BenchmarkOptions = {},
): BenchmarkRun {
  const seed = opts.seed ?? 1;
  const profiles = KcsProfiles.fit(train);
  const validRows = kcsRows(valid, profiles);
  const { model, report } = trainModel(
    KCS_FEATURE_SPEC,
    kcsRows(train, profiles),
    { ...opts.train, seed, onProgress: (r, n) => opts.onProgress?.('train', r, n) },
    validRows,
  );
  const result: BenchmarkResult = { valid: pickBenchmarkMetrics(report.valid!) };
  if (!test) return { result, report };

  if (opts.refit === false) {
    const testRows = kcsRows(test, profiles);
    result.test = pickBenchmarkMetrics(
      evaluate(
        testRows.map((r) => model.predict(r.features)),
        testRows.map((r) => r.label),
      ),
    );
    return { result, report };
  }
  const history = [...train, ...valid];
  const refitProfiles = KcsProfiles.fit(history);
  const rounds = Math.max(1, Math.round(report.rounds * (history.length / train.length)));
  const refit = trainModel(KCS_FEATURE_SPEC, kcsRows(history, refitProfiles), {
    ...opts.train,
    seed,
    rounds,
    earlyStoppingRounds: 0,
    onProgress: (r, n) => opts.onProgress?.('refit', r, n),
  });
  const testRows = kcsRows(test, refitProfiles);
  result.test = pickBenchmarkMetrics(
    evaluate(
      testRows.map((r) => refit.model.predict(r.features)),
      testRows.map((r) => r.label),
    ),
  );
  return { result, report, refitReport: refit.report };
}
