import type { Command } from 'commander';
import type { AppContext } from '../../platform/context.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { checkCentralizedDeadlines } from './service.ts';

/** `tidegate declarations …`: the centralized-declaration deadline check from the command line. */
export function registerDeclarationsCommands(program: Command, open: () => Promise<AppContext>): void {
  const declarations = program
    .command('declarations')
    .description(
      'Second-line declarations (二线出岛申报), batch exit and centralized declaration (分批出岛、集中申报)',
    );
  declarations
    .command('check')
    .description(
      'Raise an alert and suspend batch exit for every month whose centralized declaration is ' +
        'overdue (also runs daily at 00:10 Asia/Shanghai)',
    )
    .option('--date <YYYY-MM-DD>', 'check as of this date (default: today in Asia/Shanghai)')
    .action(async (opts: { date?: string }) => {
      const ctx = await open();
      try {
        const result = await checkCentralizedDeadlines(ctx, opts.date ?? shanghaiDate(new Date()));
        console.log(
          `Checked the centralized declarations due by ${result.date}: ${result.alerts} new overdue ` +
            `alert(s), facility suspended for each.`,
        );
      } finally {
        await ctx.database.close();
      }
    });
}
