import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { AppContext } from '../../platform/context.ts';
import { systemActor } from '../../platform/auth/roles.ts';
import { Problem } from '../../kernel/problem.ts';
import { importCatalogue, verifyLedger } from './service.ts';
import { ledgerSweep } from './scheduler.ts';

/** `tidegate ledger …`: the verifier, the sweep and the taxed catalogue from the command line. */
export function registerLedgerCommands(program: Command, open: () => Promise<AppContext>): void {
  const ledger = program.command('ledger').description('Electronic account books (一企一账)');

  ledger
    .command('verify')
    .description(
      'Recompute every balance from the movements and every reservation total, compare with the stored balances, ' +
        'check the invariants; names the first mismatch, exit code 1 if any',
    )
    .option('--json', 'print the result as JSON')
    .option('--incremental', 'only the books that moved since the last successful verification (its checkpoint)')
    .action(async (opts: { json?: boolean; incremental?: boolean }) => {
      const ctx = await open();
      try {
        const bar = new cliProgress.SingleBar(
          {
            format: 'verifying account books [{bar}] {value}/{total} books eta {eta_formatted}',
            hideCursor: true,
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        );
        let started = false;
        const t0 = performance.now();
        const r = await verifyLedger(ctx.db, {
          incremental: Boolean(opts.incremental),
          saveCheckpoint: true,
          onProgress: (done, total) => {
            if (!started) bar.start(total, 0), (started = true);
            bar.setTotal(total);
            bar.update(done);
          },
        });
        if (started) bar.stop();
        const seconds = (performance.now() - t0) / 1000;
        if (!opts.json)
          console.log(
            `${opts.incremental ? 'Incremental' : 'Full'} verification of ${r.books} books, ${r.movements} movements ` +
              `in ${seconds.toFixed(2)} s (${Math.round(r.movements / Math.max(seconds, 0.001))} movements/s).`,
          );
        if (opts.json) console.log(JSON.stringify(r, null, 2));
        else if (r.ok)
          console.log(
            `OK: ${r.books} books, ${r.accounts} accounts, ${r.movements} movements; every balance matches its ` +
              `movements and every invariant holds.`,
          );
        else {
          console.error(`MISMATCH: ${r.firstProblem}`);
          console.error(
            `${r.mismatches.length} mismatched balances, ${r.invariantViolations.length} invariant violations ` +
              `(first 100 of each kept).`,
          );
        }
        if (!r.ok) process.exitCode = 1;
      } finally {
        await ctx.database.close();
      }
    });

  ledger
    .command('sweep')
    .description(
      'Expire reservations past their time and raise alerts for direct releases not entered by their due day ' +
        '(also every 5 minutes in every server process)',
    )
    .action(async () => {
      const ctx = await open();
      try {
        const r = await ledgerSweep(ctx);
        console.log(`${r.expired} reservations expired, ${r.alerted} overdue direct-release alerts raised.`);
      } finally {
        await ctx.database.close();
      }
    });

  ledger
    .command('catalogue')
    .description('The taxed catalogue (进口征税商品目录)')
    .command('import <file>')
    .description(
      'Load catalogue versions from CSV with the header hsPrefix,description,validFrom[,validTo]; all or ' +
        'nothing, bad rows named by line',
    )
    .option('--source <text>', 'where the list comes from', 'CSV import')
    .action(async (file: string, opts: { source: string }) => {
      const ctx = await open();
      try {
        const r = await importCatalogue(ctx, systemActor('cli-import'), await readFile(file, 'utf8'), opts.source);
        console.log(`${r.imported} catalogue rows loaded (batch ${r.batchId}).`);
      } catch (err) {
        if (!(err instanceof Problem)) throw err;
        console.error(err.message);
        for (const e of err.errors ?? []) console.error(`  ${e.path}: ${e.message} [${e.rule}]`);
        process.exitCode = 2;
      } finally {
        await ctx.database.close();
      }
    });
}
