/** `tidegate command rebuild-rollups`: the command centre's rollups emptied and applied again from the outbox. */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { AppContext } from '../../platform/context.ts';
import { rebuildRollups } from './service.ts';

export function registerCommandCommands(program: Command, open: () => Promise<AppContext>): void {
  const command = program.command('command').description('The command centre (指挥中心)');
  command
    .command('rebuild-rollups')
    .description(
      "Empty the command centre's rollups and apply every outbox event again, in one transaction (the panels " +
        'show the old figures until it commits; a running server carries on after it)',
    )
    .option('--page <n>', 'events read per page', '5000')
    .action(async (opts: { page: string }) => {
      const pageSize = Number(opts.page);
      if (!Number.isInteger(pageSize) || pageSize < 1)
        throw new Error(`--page must be a whole number, got ${opts.page}.`);
      const ctx = await open();
      try {
        const bar = new cliProgress.SingleBar(
          { format: 'rollups [{bar}] {value}/{total} events | {duration_formatted}', hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        let started = false;
        const result = await rebuildRollups(ctx, {
          pageSize,
          onProgress: (done, total) => {
            if (!started) {
              bar.start(Math.max(total, 1), 0);
              started = true;
            }
            bar.update(done);
          },
        });
        if (started) bar.stop();
        console.log(
          `Rebuilt the command centre's rollups from ${result.events} events (up to event ${result.horizon}) ` +
            `in ${result.seconds.toFixed(2)} s.`,
        );
      } finally {
        await ctx.dispatcher.stop();
        await ctx.database.close();
      }
    });
}
