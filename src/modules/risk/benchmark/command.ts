/**
 * `tidegate risk benchmark`: the public KCS benchmark from the command line. Progress and a summary go
 * to stderr; stdout carries exactly one JSON object, so the output can be piped into other tools.
 */
import { readFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { parseKcs } from './kcs.ts';
import { runKcsBenchmark, type BenchmarkPhase } from './run.ts';

interface BenchmarkFlags {
  train: string;
  valid: string;
  test?: string;
  seed: string;
  refit: boolean;
}

export function registerRiskBenchmarkCommand(risk: Command): void {
  risk
    .command('benchmark')
    .description(
      "Train the risk model on the KCS synthetic customs declarations and print the field's metrics as one JSON object",
    )
    .requiredOption('--train <file>', 'KCS train CSV (e.g. df_syn_train_eng.csv)')
    .requiredOption('--valid <file>', 'KCS validation CSV: early stopping and the "valid" metrics')
    .option('--test <file>', 'KCS test CSV (same columns, incl. Fraud): the "test" metrics')
    .option('--seed <n>', 'random seed', '1')
    .option('--no-refit', 'score --test with the model trained on train only, instead of one refitted on train + valid')
    .action(async (flags: BenchmarkFlags) => {
      const started = performance.now();
      const read = async (file: string) => parseKcs(await readFile(file, 'utf8'), file);
      const [train, valid, test] = await Promise.all([
        read(flags.train),
        read(flags.valid),
        flags.test ? read(flags.test) : undefined,
      ]);
      const seed = Number.parseInt(flags.seed, 10);
      if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');
      process.stderr.write(
        `KCS benchmark: ${train.length} train, ${valid.length} valid${test ? `, ${test.length} test` : ''} ` +
          `declarations; seed ${seed}\n`,
      );

      const bar = new cliProgress.SingleBar(
        {
          format: '{phase} [{bar}] {value}/{total} rounds | {duration_formatted}',
          hideCursor: true,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      );
      let current: BenchmarkPhase | null = null;
      const onProgress = (phase: BenchmarkPhase, round: number, rounds: number) => {
        if (phase !== current) {
          if (current) bar.stop();
          bar.start(rounds, 0, {
            phase: phase === 'train' ? 'training on train, early stopping on valid' : 'refitting on train + valid',
          });
          current = phase;
        }
        if (round % 10 === 0 || round === rounds) bar.update(round);
      };
      const run = runKcsBenchmark(train, valid, test, { seed, refit: flags.refit, onProgress });
      if (current) bar.stop();

      const r = run.report;
      process.stderr.write(
        `model ${r.kind}: ${r.rounds} rounds kept of ${r.roundsRun} run, ${r.columns} encoded ` +
          `columns, trained in ${(r.trainMs / 1000).toFixed(1)} s\n`,
      );
      if (run.refitReport)
        process.stderr.write(
          `test scored by the model refitted on train + valid (${run.refitReport.rounds} rounds, ` +
            `${(run.refitReport.trainMs / 1000).toFixed(1)} s)\n`,
        );
      process.stderr.write(
        `top features: ${r.importance
          .slice(0, 8)
          .map((i) => i.feature)
          .join(', ')}\n`,
      );
      process.stderr.write(`done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      process.stdout.write(`${JSON.stringify(run.result)}\n`);
    });
}
