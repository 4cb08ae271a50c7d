import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { AppContext } from '../../platform/context.ts';
import { systemActor } from '../../platform/auth/roles.ts';
import { parseRateCsv } from './rateFile.ts';
import { importExchangeRates, listExchangeRates } from './service.ts';

/** `tidegate tax …`: the exchange-rate table from the command line. */
export function registerTaxCommands(program: Command, open: () => Promise<AppContext>): void {
  const tax = program.command('tax').description('Duty, consumption tax, import VAT and exchange rates');
  const rates = tax
    .command('rates')
    .description('Exchange rates for the tax computation (计征汇率: third Wednesday of the previous month)');

  rates
    .command('import <file>')
    .description(
      'Load rates from CSV with the header currency,rateDate,rate[,unit][,quote][,source] (quote ' +
        'CNY_PER_UNIT or UNIT_PER_CNY); all or nothing: any bad row is reported by line and nothing is loaded',
    )
    .option('--source <text>', 'source for rows that name none, e.g. "PBoC central parity"', 'CSV import')
    .action(async (file: string, opts: { source: string }) => {
      const parsed = parseRateCsv(await readFile(file, 'utf8'), opts.source);
      if (parsed.errors.length) {
        console.error(`${parsed.errors.length} row error(s) in ${file}; nothing was loaded:`);
        for (const e of parsed.errors.slice(0, 50))
          console.error(`  line ${e.line}: ${e.path}: ${e.message} [${e.rule}]`);
        if (parsed.errors.length > 50) console.error(`  … and ${parsed.errors.length - 50} more`);
        process.exitCode = 2;
        return;
      }
      const ctx = await open();
      try {
        const bar = new cliProgress.SingleBar(
          { format: 'loading exchange rates [{bar}] {value}/{total} new versions', hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        let started = false;
        const result = await importExchangeRates(
          ctx,
          systemActor('cli-import'),
          parsed.rows.map((r) => r.row),
          {
            defaultSource: opts.source,
            onProgress: (done, total) => {
              if (!started) bar.start(total, 0), (started = true);
              bar.update(done);
            },
          },
        );
        if (started) bar.stop();
        console.log(
          `${result.rows} rows read: ${result.imported} new versions, ${result.unchanged} unchanged; ` +
            `currencies ${result.currencies.join(', ')}; ${result.from} to ${result.to}; batch ${result.batchId}.`,
        );
      } finally {
        await ctx.database.close();
      }
    });

  rates
    .command('list')
    .description('Print the rates in force (newest version of each currency and day) as CSV')
    .option('--currency <code>', 'one currency, e.g. USD')
    .option('--from <YYYY-MM-DD>')
    .option('--to <YYYY-MM-DD>')
    .action(async (opts: { currency?: string; from?: string; to?: string }) => {
      const ctx = await open();
      try {
        const items = await listExchangeRates(ctx.db, { ...opts, limit: 100_000 });
        console.log('currency,rateDate,rate,unit,quote,source,version');
        for (const r of items)
          console.log([r.currency, r.rateDate, r.rate, r.unit, r.quote, JSON.stringify(r.source), r.version].join(','));
      } finally {
        await ctx.database.close();
      }
    });
}
