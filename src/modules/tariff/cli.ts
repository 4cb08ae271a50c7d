import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { AppContext } from '../../platform/context.ts';
import { systemActor } from '../../platform/auth/roles.ts';
import { parseTariffCsv } from './tariffFile.ts';
import { importTariff } from './service.ts';

/** `tidegate tariff …`: the tariff table (税则) from the command line. */
export function registerTariffCommands(program: Command, open: () => Promise<AppContext>): void {
  const tariff = program
    .command('tariff')
    .description('The tariff table (税则): duty, consumption tax and VAT rates by 10-digit code');

  tariff
    .command('import <file>')
    .description(
      'Load tariff-line versions from CSV (columns: see the tariff module README); all or nothing: ' +
        'any bad row is reported by line and nothing is loaded',
    )
    .option('--source <text>', 'where the rates come from, e.g. "2026 tariff schedule"', 'CSV import')
    .action(async (file: string, opts: { source: string }) => {
      const parsed = parseTariffCsv(await readFile(file, 'utf8'));
      if (parsed.errors.length) {
        console.error(`${parsed.errors.length} row error(s) in ${file}; nothing was loaded:`);
        for (const e of parsed.errors.slice(0, 50)) {
          console.error(`  line ${e.line}: ${e.path}: ${e.message} [${e.rule}]`);
        }
        if (parsed.errors.length > 50) console.error(`  … and ${parsed.errors.length - 50} more`);
        process.exitCode = 2;
        return;
      }
      const ctx = await open();
      try {
        const format = 'loading tariff lines [{bar}] {value}/{total} new versions';
        const bar = new cliProgress.SingleBar({ format, hideCursor: true }, cliProgress.Presets.shades_classic);
        let started = false;
        const result = await importTariff(
          ctx,
          systemActor('cli-import'),
          parsed.rows.map((r) => r.row),
          {
            source: opts.source,
            onProgress: (done, total) => {
              if (!started) bar.start(total, 0), (started = true);
              bar.update(done);
            },
          },
        );
        if (started) bar.stop();
        const { rows, codes, imported, unchanged, batchId } = result;
        const counts = `${imported} new versions, ${unchanged} unchanged`;
        console.log(`${rows} rows read (${codes} codes): ${counts}; batch ${batchId}.`);
      } finally {
        await ctx.database.close();
      }
    });
}
