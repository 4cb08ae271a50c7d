import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { AppContext } from '../../platform/context.ts';
import { systemActor, type Actor } from '../../platform/auth/roles.ts';
import { findUserByName, userActor } from '../../platform/auth/service.ts';
import { shanghaiDate } from '../../kernel/clock.ts';

/**
 * `tidegate risk …`: install the baseline library, simulate traffic, train, backtest, retrain,
 * replay. Long work shows a progress bar.
 */
/** Opens a context on the configured database: given by the composition root (src/cli.ts). */
let open: () => Promise<AppContext> = () => Promise.reject(new Error('The commands are not registered.'));

async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await open();
  try {
    return await fn(ctx);
  } finally {
    await ctx.database.close();
  }
}

async function actorFor(ctx: AppContext, username: string | undefined, fallback: string): Promise<Actor> {
  if (!username) return systemActor(fallback);
  const user = await findUserByName(ctx.db, username);
  if (!user || user.role !== 'risk_analyst')
    throw new Error(`--as needs the user name of a risk analyst; ${username} is not one.`);
  return userActor(user);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function registerRiskCommands(risk: Command, openContext: () => Promise<AppContext>): void {
  open = openContext;
  const library = risk.command('library').description('The risk feature library (风险特征库)');
  library
    .command('install')
    .description(
      'Install the baseline library as drafts (existing codes are left alone); analysts backtest and approve them',
    )
    .action(async () =>
      withContext(async (ctx) => {
        const { installBaselineLibrary } = await import('./service.ts');
        console.log(`${await installBaselineLibrary(ctx)} baseline features installed as drafts.`);
      }),
    );

  risk
    .command('simulate')
    .description(
      'File simulated declarations with planted fraud through the risk engine, and report what ' +
        'simulated inspections find',
    )
    .option('--seed <n>', 'random seed (the same seed gives the same traffic)', '42')
    .option('--days <n>', 'days of traffic', '30')
    .option('--traders <n>', 'traders in the population', '120')
    .option('--start <date>', 'first business day (default: --days days ago)')
    .option('--audit-rate <share>', 'share of released declarations audited after clearance', '0.05')
    .action(async (o: { seed: string; days: string; traders: string; start?: string; auditRate: string }) =>
      withContext(async (ctx) => {
        const { runRiskSimulation } = await import('./sim/run.ts');
        const days = Number.parseInt(o.days, 10);
        const start = o.start ?? addDays(shanghaiDate(new Date()), -days);
        const bar = new cliProgress.SingleBar(
          { format: 'simulating [{bar}] {value} declarations | day {day} | {duration_formatted}', hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(0, 0, { day: start });
        const result = await runRiskSimulation(ctx, {
          seed: Number.parseInt(o.seed, 10),
          startDate: start,
          days,
          traders: Number.parseInt(o.traders, 10),
          auditRate: Number(o.auditRate),
          onDeclaration: (n) => {
            bar.setTotal(n);
            bar.update(n);
          },
          onDay: async (_d, date) => bar.update({ day: date }),
        });
        bar.stop();
        console.log(JSON.stringify(result, null, 2));
      }),
    );

  risk
    .command('train')
    .description('Train a model on the labelled declarations; it is stored as a draft with its validation metrics')
    .option('--seed <n>', 'random seed', '1')
    .option('--from <date>', 'first business day of the training window')
    .option('--to <date>', 'last business day of the training window')
    .option('--algorithm <name>', 'gbdt (default) or logistic', 'gbdt')
    .option('--as <username>', 'the analyst who trains (defaults to the platform)')
    .action(async (o: { seed: string; from?: string; to?: string; algorithm: string; as?: string }) =>
      withContext(async (ctx) => {
        const { trainRiskModel } = await import('./service.ts');
        const bar = new cliProgress.SingleBar(
          { format: 'training [{bar}] {value}/{total} rounds', hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        let started = false;
        const model = await trainRiskModel(ctx, await actorFor(ctx, o.as, 'risk-cli'), {
          seed: Number.parseInt(o.seed, 10),
          ...(o.from ? { from: o.from } : {}),
          ...(o.to ? { to: o.to } : {}),
          algorithm: o.algorithm === 'logistic' ? 'logistic' : 'gbdt',
          onProgress: (round, rounds) => {
            if (!started) (started = true), bar.start(rounds, 0);
            if (round % 10 === 0 || round === rounds) bar.update(round);
          },
        });
        if (started) bar.stop();
        console.log(
          `Model ${model.version} (${model.algorithm}) stored as a draft; validation ` +
            `${JSON.stringify((model.metrics as { valid: unknown }).valid)}`,
        );
        console.log('Backtest it and have a second analyst approve it in the web app (or the API) to make it live.');
      }),
    );

  risk
    .command('retrain')
    .description('The scheduled retrain, now: train when due and run the new model in shadow mode')
    .action(async () =>
      withContext(async (ctx) => {
        const { retrainIfDue } = await import('./scheduler.ts');
        const r = await retrainIfDue(ctx);
        console.log(
          r.trained !== null ? `Model ${r.trained} trained and running in shadow mode.` : `No retrain: ${r.reason}.`,
        );
      }),
    );

  risk
    .command('backtest')
    .description(
      'Backtest a feature version (--feature CODE@VERSION) or a model version (--model N) over past declarations',
    )
    .option('--feature <code@version>')
    .option('--model <version>')
    .option('--from <date>')
    .option('--to <date>')
    .option('--as <username>', 'the analyst who runs it (defaults to the platform)')
    .action(async (o: { feature?: string; model?: string; from?: string; to?: string; as?: string }) =>
      withContext(async (ctx) => {
        const service = await import('./service.ts');
        const actor = await actorFor(ctx, o.as, 'risk-cli');
        const window = { ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}) };
        if (o.feature) {
          const [code, version] = o.feature.split('@');
          console.log(
            JSON.stringify(await service.backtestFeature(ctx, actor, code!, Number(version ?? 1), window), null, 2),
          );
        } else if (o.model)
          console.log(JSON.stringify(await service.backtestModel(ctx, actor, Number(o.model), window), null, 2));
        else throw new Error('Give --feature CODE@VERSION or --model VERSION.');
      }),
    );

  risk
    .command('replay <declarationId>')
    .description('Recompute a stored decision from its facts and versions and compare')
    .action(async (id: string) =>
      withContext(async (ctx) => {
        const { replayDecision } = await import('./service.ts');
        const r = await replayDecision(ctx, id);
        console.log(JSON.stringify(r, null, 2));
        if (!r.identical) process.exitCode = 1;
      }),
    );
}
