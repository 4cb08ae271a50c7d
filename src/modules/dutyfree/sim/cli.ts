/**
 * `tidegate dutyfree simulate` and `tidegate dutyfree rings detect`: simulated sales through the
 * service, and a ring detection run now. Long work shows a progress bar.
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { AppContext } from '../../../platform/context.ts';
import { runCommand } from '../../../platform/command.ts';
import { seedDefaultParameters } from '../../../platform/parameters/service.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { addDays } from '../../../kernel/dates.ts';
import { detectRings } from '../rings/service/detect.ts';

/** Opens a context on the configured database: given by the composition root (src/cli.ts). */
let open: () => Promise<AppContext> = () => Promise.reject(new Error('The commands are not registered.'));

async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await open();
  // A new database has no policy parameters yet (serve and seed put them there): the rules need them.
  await runCommand(ctx, 'parameters.seed', (tx) => seedDefaultParameters(tx, ctx.clock.now()));
  try {
    return await fn(ctx);
  } finally {
    await ctx.dispatcher.stop();
    await ctx.database.close();
  }
}

const whole = (name: string, v: string, min: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number of at least ${min}, got ${v}.`);
  return n;
};

export function registerDutyfreeCommands(dutyfree: Command, openContext: () => Promise<AppContext>): void {
  open = openContext;
  dutyfree
    .command('simulate')
    .description(
      "Simulated shoppers, trips and sales of the 12 shops at Hainan's volumes (36,000 shoppers, 222,000 items a day " +
        'at the peak) with resale rings planted, through the reservation service; deterministic for a seed',
    )
    .option('--days <n>', 'days of sales', '7')
    .option('--seed <n>', 'random seed (the same seed gives the same sales)', '42')
    .option('--scale <x>', "share of Hainan's volume (1 = real; 0.01 = a hundredth)", '1')
    .option('--start <date>', 'first business day (default: --days days ago, so the last is yesterday)')
    .option('--concurrency <n>', 'sales sent at once (PostgreSQL takes 8-16; PGlite serialises)', '8')
    .option('--detect', 'run resale-ring detection when done')
    .action(
      async (o: {
        days: string;
        seed: string;
        scale: string;
        start?: string;
        concurrency: string;
        detect?: boolean;
      }) => {
        const days = whole('--days', o.days, 1);
        const scale = Number(o.scale);
        if (!(scale > 0 && scale <= 2)) throw new Error(`--scale must be above 0 and at most 2, got ${o.scale}.`);
        await withContext(async (ctx) => {
          const { runServiceSimulation } = await import('./run.ts');
          const start = o.start ?? addDays(shanghaiDate(ctx.clock.now()), -days);
          const bar = new cliProgress.SingleBar(
            {
              format: 'simulating [{bar}] {value}/{total} days | {sales} sales | {duration_formatted}',
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(days, 0, { sales: 0 });
          const totals = await runServiceSimulation(ctx, {
            seed: whole('--seed', o.seed, 0),
            startDate: start,
            days,
            scale,
            concurrency: whole('--concurrency', o.concurrency, 1),
            onSale: (n) => bar.update({ sales: n }),
            onDay: (d) => bar.update(d),
          });
          bar.stop();
          const out: Record<string, unknown> = { start, ...totals };
          if (o.detect) out.detection = await detectRings(ctx, { actor: 'system:dutyfree-simulator' });
          console.log(JSON.stringify(out, null, 2));
        });
      },
    );

  dutyfree
    .command('rings')
    .description('Resale rings (套代购)')
    .command('detect')
    .description('Run ring detection now over the lookback window ending today (it also runs nightly at 01:30)')
    .option('--to <date>', 'last day of the window (YYYY-MM-DD)')
    .action(async (o: { to?: string }) =>
      withContext(async (ctx) => {
        const bar = new cliProgress.SingleBar(
          { format: 'reading [{bar}] {value}/{total} buyers', hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(1, 0);
        const summary = await detectRings(ctx, {
          to: o.to,
          actor: 'system:cli',
          onProgress: (done, total) => {
            bar.setTotal(Math.max(1, total));
            bar.update(done);
          },
        });
        bar.stop();
        console.log(JSON.stringify(summary, null, 2));
      }),
    );
}
