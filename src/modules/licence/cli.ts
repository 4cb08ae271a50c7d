import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { AppContext } from '../../platform/context.ts';
import { systemActor } from '../../platform/auth/roles.ts';
import { parseRestrictedCsv } from './listFile.ts';
import { importRestrictedList } from './service.ts';

/** `tidegate restricted import FILE`: the prohibited and restricted goods list from the command line. */
export function registerLicenceCommands(program: Command, open: () => Promise<AppContext>): void {
  const restricted = program
    .command('restricted')
    .description('The prohibited and restricted goods list (禁止/限制进出境货物目录)');
  restricted
    .command('import <file>')
    .description('Load list entries from CSV (columns: see the licence module README); all or nothing')
    .option('--source <text>', 'the announcement or catalogue the list comes from', 'CSV import')
    .action(async (file: string, opts: { source: string }) => {
      const parsed = parseRestrictedCsv(await readFile(file, 'utf8'));
      if (parsed.errors.length) {
        console.error(`${parsed.errors.length} row error(s) in ${file}; nothing was loaded:`);
        for (const e of parsed.errors.slice(0, 50))
          console.error(`  line ${e.line}: ${e.path}: ${e.message} [${e.rule}]`);
        process.exitCode = 2;
        return;
      }
      const ctx = await open();
      try {
        const r = await importRestrictedList(ctx, systemActor('cli-import'), parsed.rows, { source: opts.source });
        console.log(`${r.rows} rows read: ${r.imported} new entries, ${r.unchanged} unchanged; batch ${r.batchId}.`);
      } finally {
        await ctx.database.close();
      }
    });
}
