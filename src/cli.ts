import cluster from 'node:cluster';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { createContext, startTidegate } from './main.ts';
import { reportReady, servePrimary } from './cluster.ts';
import { loadConfig } from './platform/config.ts';
import { openDatabase, redactUrl } from './platform/db/client.ts';
import { runMigrations } from './platform/db/migrate.ts';
import { choosePartitioning, countAuditEntries, verifyChain } from './platform/audit/service.ts';
import { anchorAudit, countAnchors } from './platform/audit/anchor.ts';
import { createApiClient, createUser, setPassword } from './platform/auth/service.ts';
import { CLIENT_ROLES, systemActor, USER_ROLES, type ClientRole, type UserRole } from './platform/auth/roles.ts';
import { runCommand } from './platform/command.ts';
import { bootstrap } from './platform/bootstrap.ts';
import { seedDemo, DEMO_USERS } from './seed/demo.ts';
import { findUserByName } from './platform/auth/service.ts';
import { Problem } from './kernel/problem.ts';
import { MODULES } from './modules/index.ts';
import { partitionedTables } from './platform/module.ts';
import { Timings } from './platform/timings.ts';
import pino from 'pino';
import { withSafeErrors } from './platform/db/errors.ts';

const program = new Command();
program
  .name('tidegate')
  .description('Tidegate — smart customs supervision for the free trade port (海关智慧监管平台)')
  .showHelpAfterError();

const quietLogger = () => withSafeErrors(pino({ level: process.env.LOG_LEVEL ?? 'warn' }));

function describeDatabase(): string {
  const c = loadConfig();
  return c.databaseUrl ? `PostgreSQL at ${redactUrl(c.databaseUrl)}` : `embedded PGlite in ${c.dataDir}`;
}

program
  .command('serve')
  .description('Run the API and the web app (applies migrations; seeds demo data on first start unless --no-demo)')
  .option('--no-demo', 'do not seed demo data on first start')
  .option('--timings', 'print how long each phase of the start took (load, database, migrations, bootstrap, demo…)')
  .addOption(new Option('-p, --port <port>', 'port to listen on (env PORT)').argParser((v) => Number.parseInt(v, 10)))
  .addOption(
    new Option('-w, --workers <n>', 'API processes sharing the port (PostgreSQL only; default 1)').argParser((v) =>
      Number.parseInt(v, 10),
    ),
  )
  .action(async (opts: { demo: boolean; port?: number; timings?: boolean; workers?: number }) => {
    const workers = opts.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
      console.error('--workers must be a whole number from 1 to 64');
      process.exitCode = 2;
      return;
    }
    if (workers > 1 && cluster.isPrimary) return servePrimary(workers, { demo: opts.demo });
    const started = Date.now();
    const timings = opts.timings ? new Timings() : undefined;
    // A worker's primary already migrated, bootstrapped and seeded the database.
    const tg = await startTidegate({ seedDemo: opts.demo && cluster.isPrimary, port: opts.port, timings });
    if (timings) console.log(timings.line());
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      if (cluster.isPrimary) console.log(`${signal} received: closing the server and the database…`);
      await tg.close();
      process.exit(0);
    };
    let stopping = false;
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    if (cluster.isWorker) return reportReady(tg.url);
    const lines = [
      '',
      `Tidegate is ready at ${tg.url} (database: ${
        tg.ctx.database.kind === 'pglite' ? `embedded PGlite in ${tg.ctx.database.location}` : tg.ctx.database.location
      }; ready in ${Date.now() - started} ms)`,
      `  API docs: ${tg.url}/docs   OpenAPI: ${tg.url}/openapi.json   health: ${tg.url}/readyz`,
    ];
    if (tg.boot.generatedAdminPassword) {
      lines.push(
        `  admin password (generated, shown once — set TIDEGATE_ADMIN_PASSWORD to choose it): admin / ` +
          `${tg.boot.generatedAdminPassword}`,
      );
    } else {
      lines.push(
        `  admin login: admin / ${tg.ctx.config.adminPassword ? '(TIDEGATE_ADMIN_PASSWORD)' : '(set at first start)'}`,
      );
    }
    const demoPresent = tg.demoSeeded || (await findUserByName(tg.ctx.db, 'demo-ent')) !== null;
    if (demoPresent) {
      lines.push('  demo logins:');
      for (const u of DEMO_USERS) lines.push(`    ${u.username.padEnd(9)} / ${u.password.padEnd(20)} ${u.role}`);
    }
    if (tg.ctx.config.secretSource === 'file')
      lines.push(
        `  keys: generated secret kept in ${tg.ctx.config.dataDir}/secret.key (set TIDEGATE_SECRET in production)`,
      );
    console.log(lines.join('\n') + '\n');
  });

program
  .command('migrate')
  .description('Apply the committed SQL migrations to the configured database')
  .action(async () => {
    const config = loadConfig();
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    await runMigrations(database);
    const partitions = await choosePartitioning(database.db, config.auditPartitions, quietLogger());
    await database.close();
    console.log(`Migrations applied to ${describeDatabase()}; the audit log has ${partitions} partitions.`);
  });

program
  .command('seed')
  .description('Seed policy parameters, the admin user and (with --demo) the demo data')
  .option('--demo', 'also seed demo enterprises, users and individuals')
  .action(async (opts: { demo?: boolean }) => {
    const ctx = await createContext({ logger: quietLogger() });
    const boot = await bootstrap(ctx, ctx.config.adminPassword);
    console.log(`Parameters added: ${boot.parametersSeeded}.`);
    if (boot.generatedAdminPassword) console.log(`admin password (shown once): ${boot.generatedAdminPassword}`);
    if (opts.demo) {
      if (await findUserByName(ctx.db, 'demo-ent')) console.log('Demo data is already there.');
      else {
        await seedDemo(ctx);
        console.log('Demo data seeded.');
      }
    }
    await ctx.database.close();
  });

const audit = program
  .command('audit')
  .description('The tamper-evident audit log: partitioned hash chains pinned by anchors');
audit
  .command('verify')
  .description(
    'Re-walk every audit partition and the anchors; name the first broken entry of each (exit code 1 if any)',
  )
  .option('--incremental', 'walk only what was appended since the last successful verification (its checkpoint)')
  .action(async (opts: { incremental?: boolean }) => {
    const ctx = await createContext({ logger: quietLogger() });
    const { auditVerifyTotal } = await import('./platform/verify/progress.ts');
    const total = opts.incremental
      ? await auditVerifyTotal(ctx.db)
      : (await countAuditEntries(ctx.db)) + (await countAnchors(ctx.db));
    const bar = new cliProgress.SingleBar(
      {
        format: 'verifying audit log [{bar}] {value}/{total} entries {speed}/s eta {eta_formatted}',
        hideCursor: true,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    const started = performance.now();
    const cpu = process.cpuUsage();
    const speed = (n: number) => Math.round(n / Math.max((performance.now() - started) / 1000, 0.001));
    bar.start(Math.max(total, 1), 0, { speed: 0 });
    const result = await verifyChain(ctx.db, (n) => bar.update(n, { speed: speed(n) }), 20000, {
      incremental: Boolean(opts.incremental),
      saveCheckpoint: true,
    });
    bar.update(result.ok ? Math.max(total, 1) : result.checked, { speed: speed(result.checked) });
    bar.stop();
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    await ctx.database.close();
    console.log(
      `${opts.incremental ? 'Incremental' : 'Full'} verification: ${result.checked} entries and ` +
        `${result.anchors} anchors ` +
        `in ${seconds.toFixed(2)} s (${speed(result.checked)} entries/s; ` +
        `${Math.round(result.checked / Math.max(cpuSeconds, 0.001))} entries per CPU-second of this process).`,
    );
    const anchor = result.latestAnchor
      ? `latest anchor #${result.latestAnchor.seq} root ${result.latestAnchor.root} hash ${result.latestAnchor.hash}`
      : 'no anchor yet';
    if (result.ok) {
      console.log(
        `Audit log intact: ${result.checked} entries in ${result.partitions} partitions, ${result.anchors} ` +
          `anchors; ${anchor}`,
      );
      return;
    }
    console.error(`Audit log BROKEN in ${result.breaks.length} place(s):`);
    for (const b of result.breaks) {
      const where =
        b.anchor !== null
          ? `anchor #${b.anchor}`
          : `partition ${b.partition}, entry ${b.partition}#${b.pseq}${b.seq !== null ? ` (seq ${b.seq})` : ''}`;
      console.error(`  ${where}: ${b.reason}`);
    }
    console.error(
      'Entries before each break are intact. Restore the broken entries from a backup and report the incident.',
    );
    process.exitCode = 1;
  });
audit
  .command('anchor')
  .description(
    'Anchor the audit log now: one root hash over the heads of all partitions (also done every ' +
      'TIDEGATE_AUDIT_ANCHOR_SECONDS by the server)',
  )
  .action(async () => {
    const ctx = await createContext({ logger: quietLogger() });
    try {
      const r = await anchorAudit(ctx.db, ctx.clock.now());
      if (!r) console.log('The audit log is empty: nothing to anchor.');
      else
        console.log(
          `${r.created ? 'New anchor' : 'Nothing moved since anchor'} #${r.anchor.seq} at ` +
            `${r.anchor.at.toISOString()}: root ${r.anchor.root}, hash ${r.anchor.hash}`,
        );
    } finally {
      await ctx.database.close();
    }
  });

const user = program.command('user').description('Users who log in with a password');
user
  .command('create')
  .description('Create a user')
  .requiredOption('-u, --username <name>')
  .requiredOption('-r, --role <role>', `one of ${USER_ROLES.join(', ')}`)
  .requiredOption('-p, --password <password>', 'at least 10 characters')
  .option('-e, --enterprise <uscc>', 'for enterprise_user: the enterprise (USCC)')
  .action(async (opts: { username: string; role: string; password: string; enterprise?: string }) => {
    if (!USER_ROLES.includes(opts.role as UserRole))
      throw new Problem({
        status: 400,
        code: 'validation',
        title: 'Invalid role',
        detail: `--role must be one of ${USER_ROLES.join(', ')}`,
      });
    const ctx = await createContext({ logger: quietLogger() });
    try {
      const { findEnterpriseByUscc } = await import('./modules/subjects/service.ts');
      const enterprise = opts.enterprise ? await findEnterpriseByUscc(ctx.db, opts.enterprise) : null;
      if (opts.enterprise && !enterprise)
        throw new Error(`No enterprise with USCC ${opts.enterprise}; create it first.`);
      const row = await runCommand(ctx, 'user.create', (tx) =>
        createUser(
          tx,
          {
            username: opts.username,
            password: opts.password,
            role: opts.role as UserRole,
            enterpriseId: enterprise?.id ?? null,
          },
          systemActor('cli'),
          ctx.clock.now(),
        ),
      );
      console.log(`User ${row.username} (${row.role}) created.`);
    } finally {
      await ctx.database.close();
    }
  });
user
  .command('password')
  .description("Set a user's password")
  .requiredOption('-u, --username <name>')
  .requiredOption('-p, --password <password>')
  .action(async (opts: { username: string; password: string }) => {
    const ctx = await createContext({ logger: quietLogger() });
    try {
      await runCommand(ctx, 'user.setPassword', (tx) =>
        setPassword(tx, opts.username, opts.password, systemActor('cli'), ctx.clock.now()),
      );
      console.log(`Password of ${opts.username} changed.`);
    } finally {
      await ctx.database.close();
    }
  });

program
  .command('apikey')
  .description('Machine clients')
  .command('create')
  .description('Create an API client; prints its key once')
  .requiredOption('-n, --name <name>')
  .requiredOption('-r, --role <role>', `one of ${CLIENT_ROLES.join(', ')}`)
  .option('-s, --scope <json>', 'scope as JSON, e.g. {"port":"HK-XINHAI","lane":"L1"}', '{}')
  .action(async (opts: { name: string; role: string; scope: string }) => {
    if (!CLIENT_ROLES.includes(opts.role as ClientRole))
      throw new Error(`--role must be one of ${CLIENT_ROLES.join(', ')}`);
    const scope = JSON.parse(opts.scope) as Record<string, unknown>;
    const ctx = await createContext({ logger: quietLogger() });
    try {
      const { client, key } = await runCommand(ctx, 'apiClient.create', (tx) =>
        createApiClient(
          tx,
          { name: opts.name, role: opts.role as ClientRole, scope },
          systemActor('cli'),
          ctx.clock.now(),
        ),
      );
      console.log(`API client ${client.name} (${client.role}) created. Its key, shown this once:\n${key}`);
    } finally {
      await ctx.database.close();
    }
  });

program
  .command('archive')
  .description(
    'Archive whole old months of a partitioned table (ledger_movements): each written to <dir>/<partition>.jsonl, ' +
      'its SHA-256 in the archive register and the audit log, then dropped; or bring one back with --restore',
  )
  .requiredOption(
    '--table <table>',
    `the partitioned table (${partitionedTables(MODULES)
      .map((t) => t.table)
      .join(', ')})`,
  )
  .option('--before <month>', 'archive every month before this one (YYYY-MM)')
  .option('--dir <dir>', 'where the archive files go', '.')
  .option('--restore <month>', 'restore this archived month (YYYY-MM) from its file')
  .option('--file <file>', 'with --restore: the archive file, if it moved since')
  .option('--list', 'list the months now partitioned and the archive register')
  .action(
    async (opts: { table: string; before?: string; dir: string; restore?: string; file?: string; list?: boolean }) => {
      const spec = partitionedTables(MODULES).find((t) => t.table === opts.table);
      if (!spec || [opts.before, opts.restore, opts.list].filter(Boolean).length !== 1) {
        console.error(
          spec
            ? 'Give one of --before <YYYY-MM>, --restore <YYYY-MM> or --list.'
            : `${opts.table} is not partitioned by month; these are: ` +
                partitionedTables(MODULES)
                  .map((t) => t.table)
                  .join(', '),
        );
        process.exitCode = 2;
        return;
      }
      const ctx = await createContext({ logger: quietLogger() });
      const actor = 'system:archive';
      const bar = new cliProgress.SingleBar(
        { format: '{partition} [{bar}] {value}/{total} rows', hideCursor: true, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      );
      try {
        const p = await import('./platform/partitions/service.ts');
        if (opts.list) {
          for (const m of await p.listMonthPartitions(ctx.db, spec.table)) console.log(`${m.name}  ${m.rows} rows`);
          for (const r of await p.listArchived(ctx.db, spec.table))
            console.log(
              `archived ${r.partitionName}  ${r.rows} rows  sha256 ${r.sha256}  ${r.fileName}` +
                `${r.restoredAt ? `  (restored ${r.restoredAt.toISOString()})` : ''}`,
            );
          return;
        }
        if (opts.restore) {
          bar.start(1, 0, { partition: `${spec.table} ${opts.restore}` });
          const r = await p.restorePartition(ctx.db, spec, opts.restore, {
            file: opts.file,
            actor,
            now: ctx.clock.now(),
            onProgress: (done, total) => bar.update(done, { total }),
          });
          bar.stop();
          console.log(`Restored ${r.partition}: ${r.rows} rows from a file with SHA-256 ${r.sha256}.`);
          return;
        }
        let current = '';
        const done = await p.archivePartitions(ctx.db, spec, opts.before!, {
          dir: opts.dir,
          actor,
          now: ctx.clock.now(),
          onProgress: (partition, n, total) => {
            if (partition !== current) {
              if (current) bar.stop();
              current = partition;
              bar.start(Math.max(total, 1), 0, { partition });
            }
            bar.update(n);
          },
        });
        if (current) bar.stop();
        if (!done.length) console.log(`No month of ${spec.table} before ${opts.before} is partitioned: nothing to do.`);
        for (const r of done)
          console.log(`Archived ${r.partition}: ${r.rows} rows, ${r.bytes} bytes to ${r.file}, SHA-256 ${r.sha256}.`);
      } catch (err) {
        bar.stop();
        console.error((err as Error).message);
        process.exitCode = 1;
      } finally {
        await ctx.database.close();
      }
    },
  );

// Each module's commands (tidegate credit …, declarations …, tax …), in the order of the module list.
for (const m of MODULES) m.cli?.(program, () => createContext({ logger: quietLogger() }));

program
  .command('backup <file>')
  .description(
    'Back up the configured database: pg_dump (custom format) for PostgreSQL, the data folder (gzipped) for PGlite',
  )
  .action(async (file: string) => {
    const { backupDatabase } = await import('./platform/backup/backup.ts');
    const config = loadConfig();
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
    try {
      const r = await backupDatabase(database, file);
      console.log(
        `Backed up ${describeDatabase()} to ${r.file} (${r.kind}, ${(r.bytes / 1048576).toFixed(1)} MiB) in ` +
          `${r.seconds.toFixed(1)} s.`,
      );
    } finally {
      await database.close();
    }
  });

program
  .command('restore <file>')
  .description(
    'Restore a backup into an empty database: DATABASE_URL (a pg_dump backup, or a PGlite backup, which moves the ' +
      'embedded database to PostgreSQL), else a new TIDEGATE_DATA_DIR folder (a PGlite backup)',
  )
  .action(async (file: string) => {
    const { restoreDatabase } = await import('./platform/backup/backup.ts');
    const config = loadConfig();
    const r = await restoreDatabase(
      file,
      config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir },
    );
    console.log(
      `Restored ${file} (${r.from}) into ${describeDatabase()}: ${r.tables} tables` +
        `${r.rows >= 0 ? `, ${r.rows} rows` : ''} in ${r.seconds.toFixed(1)} s. Run \`tidegate ledger verify\` and ` +
        '`tidegate audit verify` on it.',
    );
  });

program
  .command('simulate')
  .description(
    'Write a seeded year of second-line traffic in bulk (COPY): enterprises, books, items, first-line imports, ' +
      'exit declarations, release orders and gate passes at the 10 ports, with their audit entries; ' +
      'ledger verify and audit verify pass on the result',
  )
  .option('--year <year>', 'the simulated year', '2026')
  .option('--scale <scale>', '1.0 is 10 M exit declarations and about 100 M movements a year', '0.001')
  .option('--seed <seed>', 'the same seed writes the same traffic', '1')
  .action(async (opts: { year: string; scale: string; seed: string }) => {
    const { simulate } = await import('../sim/scale/simulate.ts');
    const config = loadConfig();
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      await runMigrations(database);
      const bar = new cliProgress.SingleBar(
        { format: 'simulating [{bar}] day {value}/{total} {rows} rows eta {eta_formatted}', hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(365, 0, { rows: 0 });
      const r = await simulate(database, {
        year: Number(opts.year),
        scale: Number(opts.scale),
        seed: Number(opts.seed),
        onDay: (done, total, rows) => {
          bar.setTotal(total);
          bar.update(done, { rows });
        },
      });
      bar.stop();
      console.log(
        `Simulated ${opts.year} at scale ${opts.scale} (seed ${opts.seed}) into ${describeDatabase()}: ` +
          `${r.enterprises} enterprises, ${r.items} items, ${r.imports} first-line imports, ${r.exits} exit ` +
          `declarations, ` +
          `${r.movements} movements, ${r.auditEntries} audit entries; ${r.rows} rows in ${r.seconds.toFixed(1)} s ` +
          `(${Math.round(r.rows / r.seconds)} rows/s; peak RSS ` +
          `${Math.round(process.resourceUsage().maxRSS / 1024)} MiB).`,
      );
    } finally {
      await database.close();
    }
  });

program
  .command('bench')
  .description('Run the benchmarks (see docs/benchmarks.md)')
  .option('--quick', 'shorter runs')
  .option('--only <module>', "run one module's benchmark alone (ledger, declarations, gate, dutyfree)")
  .action(async (opts: { quick?: boolean; only?: string }) => {
    const { runBenchmarks } = await import('../bench/run.ts');
    await runBenchmarks({ quick: Boolean(opts.quick), ...(opts.only ? { only: opts.only } : {}) });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  const message =
    err instanceof Problem ? `${err.title}: ${err.message}` : err instanceof Error ? err.message : String(err);
  console.error(`tidegate: ${message}`);
  process.exit(1);
});
