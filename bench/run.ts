import { cpus } from 'node:os';
import { benchAuditPartitions } from './platform.ts';
import { runCreditBenchmark } from './credit.ts';
import { riskModelBenchmark } from './riskModel.ts';
import { riskBenchmark } from './risk.ts';

export async function runBenchmarks(opts: { quick: boolean; only?: string }): Promise<void> {
  if (opts.only) {
    const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
    const header = `Tidegate benchmarks (${opts.only} only) — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} — node ${process.version}`;
    if (opts.only === 'declarations') {
      // Exit declarations and the calculators, beside their own pgbench run.
      const { pgbenchTps } = await import('./harness.ts');
      const tps = pgbenchTps(databaseUrl, 16, opts.quick ? 5 : 15);
      const figures = [...(tps ? [`pgbench TPC-B, 16 clients: ${tps.toFixed(0)} tps`] : [])];
      figures.push(
        ...(await (
          await import('./declarations.ts')
        ).benchDeclarations({ quick: opts.quick, databaseUrl, pgbenchTps: tps })),
      );
      figures.push(...(await (await import('./tax.ts')).benchTax({ quick: opts.quick, databaseUrl, pgbenchTps: tps })));
      console.log('\n' + [header, ...figures].join('\n'));
      return;
    }
    if (opts.only === 'gate') {
      const figures = await (await import('./gate.ts')).benchGate({ quick: opts.quick, databaseUrl });
      console.log('\n' + [header, ...figures].join('\n'));
      return;
    }
    if (opts.only === 'dutyfree') {
      // Reserve + confirm at the till and the quota look-up, beside pgbench TPC-B in the same run.
      const figures = await (await import('./dutyfree.ts')).benchDutyfree({ quick: opts.quick, databaseUrl });
      // Resale-ring detection over a simulated year (365 days at scale 1; --quick: 30 days).
      figures.push(...(await (await import('./dutyfreeRings.ts')).benchRingDetection({ quick: opts.quick })));
      console.log('\n' + [header, ...figures].join('\n'));
      return;
    }
    if (opts.only === 'command') {
      // The command centre's panels on a year of rollups, each beside a `select 1` round trip.
      const figures = await (await import('./command.ts')).benchCommand({ quick: opts.quick, databaseUrl });
      console.log('\n' + [header, ...figures].join('\n'));
      return;
    }
    if (opts.only === 'firstline') {
      // One-line first-line declarations, where their time goes, beside pgbench TPC-B in the same run.
      const figures = await (await import('./firstline.ts')).benchFirstLine({ quick: opts.quick, databaseUrl });
      console.log('\n' + [header, ...figures].join('\n'));
      return;
    }
    if (opts.only === 'tax') {
      // The calculators against /healthz of the same server, on PGlite and PostgreSQL.
      const figures = await (await import('./tax.ts')).benchTax({ quick: opts.quick, databaseUrl });
      console.log('\n' + [header, ...figures].join('\n'));
      return;
    }
    if (opts.only === 'risk') {
      // Scoring alone (pure CPU: facts, the live library, the model and its drivers), per core.
      const risk = await import('./risk.ts');
      const figures = await risk.riskScoringBenchmark(opts);
      // And the service with its writes, one declaration per transaction, beside pgbench (1 client).
      figures.push(...(await risk.assessOnPostgres(opts)));
      console.log('\n' + [header, ...figures].join('\n'));
      return;
    }
    if (opts.only === 'scale') {
      if (!databaseUrl) throw new Error('the scale benchmark needs DATABASE_URL (a PostgreSQL server)');
      const figures = await (await import('./scale.ts')).benchScale({ quick: opts.quick, databaseUrl });
      console.log('\n' + [header, ...figures].join('\n'));
      return;
    }
    if (opts.only === 'startup') {
      console.log('\n' + [header, ...(await (await import('./startup.ts')).benchStartup(opts))].join('\n'));
      return;
    }
    if (opts.only !== 'ledger')
      throw new Error(`--only knows: ledger, declarations, gate, dutyfree, firstline, tax, risk, startup, scale`);
    const figures = await (await import('./ledger.ts')).benchLedger({ quick: opts.quick, databaseUrl });
    console.log('\n' + [header, ...figures].join('\n'));
    return;
  }
  const run = Date.now() % 1000;
  const lines: string[] = [
    `Tidegate benchmarks — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} — node ${process.version}`,
  ];

  // 1. npm start to ready on PGlite: cold start on a fresh data dir and a restart, with their phases.
  lines.push(...(await (await import('./startup.ts')).benchStartup(opts)));

  // 2. Enterprise creates over HTTP, one audit chain vs partitioned, PGlite and PostgreSQL, beside pgbench.
  const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const pgbenchTps = await benchAuditPartitions({ quick: opts.quick, run, databaseUrl }, lines);

  // 3. Module benchmarks, as ratios to pgbench.
  lines.push(...(await (await import('./tax.ts')).benchTax({ quick: opts.quick, databaseUrl, pgbenchTps })));
  lines.push(...(await (await import('./ledger.ts')).benchLedger({ quick: opts.quick, databaseUrl, pgbenchTps })));
  lines.push(...(await runCreditBenchmark({ quick: opts.quick, databaseUrl, concurrency: 16 })));
  lines.push(...(await riskModelBenchmark(opts)));
  lines.push(...(await riskBenchmark(opts)));
  lines.push(
    ...(await (await import('./declarations.ts')).benchDeclarations({ quick: opts.quick, databaseUrl, pgbenchTps })),
  );
  lines.push(...(await (await import('./gate.ts')).benchGate({ quick: opts.quick, databaseUrl, pgbenchTps })));
  lines.push(...(await (await import('./dutyfree.ts')).benchDutyfree({ quick: opts.quick, databaseUrl, pgbenchTps })));
  lines.push(...(await (await import('./dutyfreeRings.ts')).benchRingDetection({ quick: opts.quick })));

  console.log('\n' + lines.join('\n'));
}
