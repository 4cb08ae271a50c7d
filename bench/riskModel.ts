/**
 * Risk model figures (docs/benchmarks.md): training time and validation metrics of each method on the
 * KCS synthetic data, and the cost of one prediction and one explanation. CPU-bound and single
 * threaded, so the machine's load average is printed beside them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { percentile } from './harness.ts';
import { KCS_FEATURE_SPEC, KcsProfiles, kcsRows, parseKcs } from '../src/modules/risk/benchmark/kcs.ts';
import type { Algorithm, FeatureValue, TrainedModel } from '../src/modules/risk/model/index.ts';
import { trainModel } from '../src/modules/risk/model/index.ts';

const DATA = process.env.KCS_DATA_DIR ?? resolve(import.meta.dirname, '../../shared/data/kcs-synthetic');

export async function riskModelBenchmark(opts: { quick: boolean }): Promise<string[]> {
  const trainFile = resolve(DATA, 'df_syn_train_eng.csv');
  const validFile = resolve(DATA, 'df_syn_valid_eng.csv');
  if (!existsSync(trainFile) || !existsSync(validFile))
    return [`risk model: KCS data not found in ${DATA} (set KCS_DATA_DIR)`];
  const lines: string[] = [
    `risk model on KCS synthetic (load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}):`,
  ];
  const train = parseKcs(readFileSync(trainFile, 'utf8'));
  const valid = parseKcs(readFileSync(validFile, 'utf8'));
  const profiles = KcsProfiles.fit(train);
  const trainRows = kcsRows(train, profiles);
  const validRows = kcsRows(valid, profiles);

  const methods: Algorithm[] = opts.quick ? ['gbdt'] : ['logistic', 'tree', 'gbdt'];
  let gbdt: TrainedModel | null = null;
  for (const algorithm of methods) {
    const bar = new cliProgress.SingleBar(
      { format: `training ${algorithm.padEnd(8)} [{bar}] {value}/{total}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(1, 0);
    const { model, report } = trainModel(
      KCS_FEATURE_SPEC,
      trainRows,
      { seed: 1, algorithm, onProgress: (r, n) => (bar.setTotal(n), bar.update(r)) },
      validRows,
    );
    bar.stop();
    const v = report.valid!;
    lines.push(
      `  ${algorithm.padEnd(8)} trained in ${(report.trainMs / 1000).toFixed(1)} s (${report.rounds} rounds kept): ` +
        `valid P@1% ${v['precision@1%'].toFixed(3)} P@2% ${v['precision@2%'].toFixed(3)} P@5% ${v['precision@5%'].toFixed(3)} P@10% ${v['precision@10%'].toFixed(3)} ` +
        `R@5% ${v['recall@5%'].toFixed(3)} R@10% ${v['recall@10%'].toFixed(3)} AUC ${v.auc.toFixed(4)}`,
    );
    if (algorithm === 'gbdt') gbdt = model;
  }
  const model = gbdt!;
  const inputs = validRows.map((r) => r.features);
  const predict = timeCalls(inputs, (f) => model.predict(f), opts.quick ? 3 : 10);
  const explain = timeCalls(inputs, (f) => model.explain(f), opts.quick ? 1 : 2);
  const shap = timeCalls(inputs.slice(0, opts.quick ? 500 : 2000), (f) => model.explain(f, { method: 'treeshap' }), 1);
  const size = JSON.stringify(model.toJSON()).length;
  const describe = (what: string, t: ReturnType<typeof timeCalls>) =>
    `  ${what}: ${t.cpuUs.toFixed(1)} µs CPU per row = ${(1e6 / t.cpuUs).toFixed(0)} rows/s per core; wall clock p50 ${t.p50Us.toFixed(1)} µs, p99 ${t.p99Us.toFixed(1)} µs, ${t.perSecond.toFixed(0)} rows/s`;
  lines.push(describe(`predict (gbdt, ${report(model)})`, predict));
  lines.push(describe('explain (gbdt, path contributions)', explain));
  lines.push(describe('explain (gbdt, TreeSHAP)', shap));
  lines.push(`  model JSON ${(size / 1024 / 1024).toFixed(1)} MiB`);
  return lines;
}

function report(model: TrainedModel): string {
  const json = model.toJSON();
  const trees = 'trees' in json ? json.trees : [];
  const nodes = trees.reduce((s, t) => s + t.column.length, 0);
  return `${KCS_FEATURE_SPEC.length} features, ${trees.length} trees, ${nodes} splits`;
}

/**
 * Single-threaded: per-call latencies (hrtime, which on a shared machine include time the process
 * was not running) and the CPU time per call (process.cpuUsage, which does not).
 */
function timeCalls(
  inputs: Record<string, FeatureValue>[],
  call: (f: Record<string, FeatureValue>) => unknown,
  passes: number,
) {
  for (const f of inputs) call(f); // warm-up: JIT
  const latencies = new Float64Array(inputs.length * passes);
  let k = 0;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let p = 0; p < passes; p++) {
    for (const f of inputs) {
      const t0 = process.hrtime.bigint();
      call(f);
      latencies[k++] = Number(process.hrtime.bigint() - t0) / 1000;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  return {
    p50Us: percentile(sorted, 0.5),
    p99Us: percentile(sorted, 0.99),
    perSecond: latencies.length / seconds,
    cpuUs: (used.user + used.system) / latencies.length,
  };
}
