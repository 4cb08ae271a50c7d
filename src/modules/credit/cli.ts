import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { AppContext } from '../../platform/context.ts';
import { systemActor } from '../../platform/auth/roles.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { importCreditFile, sweep } from './service.ts';

/** `tidegate credit …`: the daily sweep and the backfill of credit inputs from the command line. */
export function registerCreditCommands(program: Command, open: () => Promise<AppContext>): void {
  const credit = program.command('credit').description('Second-line credit classification (二线口岸通关信用)');
  credit
    .command('sweep')
    .description('Apply automatic removals whose day has come (also runs daily at 00:05 Asia/Shanghai)')
    .option('--date <YYYY-MM-DD>', 'sweep as of this date (default: today in Asia/Shanghai)')
    .action(async (opts: { date?: string }) => {
      const ctx = await open();
      try {
        const bar = new cliProgress.SingleBar(
          { format: 'credit sweep [{bar}] {value}/{total} subjects due', hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        let started = false;
        const result = await sweep(ctx, opts.date ?? shanghaiDate(new Date()), (done, total) => {
          if (!started) bar.start(total, 0), (started = true);
          bar.update(done);
        });
        if (started) bar.stop();
        console.log(`Checked ${result.checked} subjects due; ${result.changed} changed class.`);
      } finally {
        await ctx.database.close();
      }
    });
  credit
    .command('import <file>')
    .description(
      'Backfill credit inputs from NDJSON (one POST /api/v1/credit/inputs body per line) or a .csv ' +
        'file (header: ' +
        'inputId,subjectKind,subject,source,effectiveDate,reference,type,department,level,isLowestLevel,' +
        'kind,action). ' +
        'Checks every line first and writes nothing if one is bad; an interrupted import of the same ' +
        'file resumes where it stopped.',
    )
    .option('--skip-invalid', 'import the valid lines and list the others (default: one bad line refuses the file)')
    .option('--again', 'import a file that was already imported completely, once more')
    .option('--json', 'print the result as one JSON line (for scripts)')
    .action(async (file: string, opts: { skipInvalid?: boolean; again?: boolean; json?: boolean }) => {
      const ctx = await open();
      const labels = {
        validate: 'checking lines  ',
        insert: 'recording inputs',
        recompute: 'classifying     ',
      } as const;
      const units = { validate: 'bytes', insert: 'lines', recompute: 'subjects' } as const;
      let bar: cliProgress.SingleBar | null = null;
      let phase: keyof typeof labels | null = null;
      try {
        const result = await importCreditFile(ctx, systemActor('cli-import'), file, {
          skipInvalid: Boolean(opts.skipInvalid),
          again: Boolean(opts.again),
          onProgress: (p, done, total) => {
            if (opts.json) return;
            if (p !== phase) {
              bar?.stop();
              phase = p;
              bar = new cliProgress.SingleBar(
                {
                  format: `${labels[p]} [{bar}] {value}/{total} ${units[p]} {percentage}% eta {eta_formatted}`,
                  hideCursor: true,
                },
                cliProgress.Presets.shades_classic,
              );
              bar.start(Math.max(total, 1), 0);
            }
            bar!.setTotal(Math.max(total, 1));
            bar!.update(done);
          },
        });
        (bar as cliProgress.SingleBar | null)?.stop();
        if (opts.json) console.log(JSON.stringify(result));
        else {
          const s = result.seconds;
          if (result.importId === null)
            console.log(
              `Refused: ${result.errorCount} errors in ${result.lines} lines; nothing was recorded. ` +
                `Fix the lines or pass --skip-invalid.`,
            );
          else {
            if (result.resumedAfterLine !== null)
              console.log(`Resumed import ${result.importId} after line ${result.resumedAfterLine}.`);
            console.log(
              `Import ${result.importId}: ${result.imported} inputs recorded, ` +
                `${result.alreadyRecorded} already recorded, ${result.skipped} lines skipped; ` +
                `${result.subjectsRecomputed} subjects classified, ${result.classChanges} class changes.`,
            );
          }
          console.log(
            `Timings: check ${s.validate.toFixed(1)} s, record ${s.insert.toFixed(1)} s, classify ` +
              `${s.recompute.toFixed(1)} s.`,
          );
          for (const e of result.errors.slice(0, 20))
            console.log(`  line ${e.line}: ${e.path ? `${e.path}: ` : ''}${e.message} [${e.rule}]`);
          if (result.errorCount > 20) console.log(`  … and ${result.errorCount - 20} more`);
        }
        if (result.errorCount) process.exitCode = 2;
      } finally {
        (bar as cliProgress.SingleBar | null)?.stop();
        await ctx.database.close();
      }
    });
}
