import postgres from 'postgres';
import pino from 'pino';
import { getTableName, sql } from 'drizzle-orm';
import { createContext } from '../src/main.ts';
import { pgArray, queryRows } from '../src/platform/db/client.ts';
import { systemActor } from '../src/platform/auth/roles.ts';
import { listItemsWithBalances, listMovements } from '../src/modules/ledger/service.ts';
import { listDeclarations } from '../src/modules/declarations/service/read.ts';
import { creditClassOf } from '../src/modules/credit/service/read.ts';
import { simulate } from '../sim/scale/simulate.ts';
import { bootstrap } from '../src/platform/bootstrap.ts';
import { benchDatabaseName, percentile } from './harness.ts';
import { ledgerAccounts, ledgerBooks, ledgerDocuments, ledgerMovements } from '../src/modules/ledger/schema.ts';
import { auditEntries } from '../src/platform/audit/schema.ts';
import { declarations } from '../src/modules/declarations/schema.ts';
import { gateEvents } from '../src/modules/gate/schema.ts';

/** The big tables whose rows and size the report shows (by name: query_to_xml and regclass take text). */
const SIZED = [ledgerMovements, auditEntries, declarations, gateEvents, ledgerDocuments, ledgerAccounts];

/**
 * The read goals of issue 21 at a simulated dataset size (`npm run bench -- --only scale`): a
 * year of traffic at `TIDEGATE_BENCH_SCALE` (default 0.01; 0.001 with --quick) is loaded once into
 * a database of its own on the server of DATABASE_URL (kept for the next run), then each read runs
 * warm, one client at a time, and its p95 is reported with the dataset size and bytes per row.
 * `TIDEGATE_BENCH_SCALE_DATABASE` measures a database of that name instead (loaded at that scale if empty).
 */
export async function benchScale(opts: { quick: boolean; databaseUrl: string }): Promise<string[]> {
  const scale = Number(process.env.TIDEGATE_BENCH_SCALE ?? (opts.quick ? '0.001' : '0.01'));
  // TIDEGATE_BENCH_SCALE_DATABASE names a database already loaded (e.g. by `tidegate simulate`) to measure.
  const name =
    process.env.TIDEGATE_BENCH_SCALE_DATABASE ??
    `${benchDatabaseName('tidegate_bench_scale')}_${String(scale).replace('.', '_')}`;
  const server = new URL(opts.databaseUrl);
  const admin = postgres(opts.databaseUrl, { max: 1, onnotice: () => {} });
  const exists = await admin`select 1 from pg_database where datname = ${name}`;
  if (!exists.length) await admin.unsafe(`create database "${name}"`);
  await admin.end();
  server.pathname = `/${name}`;
  process.env.DATABASE_URL = server.toString();
  const ctx = await createContext({ logger: pino({ level: 'warn' }) });
  const lines: string[] = [];
  try {
    // Policy parameters (the credit class reads its own), as at a first start.
    await bootstrap(ctx, ctx.config.adminPassword);
    const [{ n: books }] = (await queryRows<{ n: string }>(
      ctx.db,
      sql`select count(*)::text as n from ${ledgerBooks} where book_no like 'SIM%'`,
    )) as [{ n: string }];
    if (Number(books) === 0) {
      const r = await simulate(ctx.database, { year: 2026, scale, seed: 1 });
      lines.push(
        `simulate --scale ${scale}: ${r.rows} rows (${r.movements} movements, ${r.exits} exit declarations, ` +
          `${r.auditEntries} audit entries) in ${r.seconds.toFixed(0)} s = ${Math.round(r.rows / r.seconds)} rows/s`,
      );
    } else lines.push(`dataset at scale ${scale} already loaded (${books} books): reused`);
    const sizes = await queryRows<{ t: string; rows: string; bytes: string }>(
      ctx.db,
      sql`select t,
                 (xpath('/row/n/text()',
                   query_to_xml('select count(*) as n from ' || t, false, true, '')))[1]::text as rows,
                 pg_total_relation_size(t::regclass)::text as bytes
          from unnest(${pgArray(SIZED.map((table) => getTableName(table)))}::text[]) t`,
    );
    for (const s of sizes)
      lines.push(
        `${s.t}: ${s.rows} rows, ${(Number(s.bytes) / 1048576).toFixed(1)} MiB with indexes = ` +
          `${Math.round(Number(s.bytes) / Math.max(1, Number(s.rows)))} bytes/row`,
      );
    const [db] = await queryRows<{ bytes: string }>(
      ctx.db,
      sql`select pg_database_size(current_database())::text as bytes`,
    );
    lines.push(`database size ${(Number(db!.bytes) / 1048576).toFixed(0)} MiB`);

    const officer = { ...systemActor('bench'), role: 'admin' as const, kind: 'user' as const };
    const bookRows = await queryRows<{ id: string; enterprise_id: string }>(
      ctx.db,
      sql`select id, enterprise_id from ${ledgerBooks} where book_no like 'SIM%' order by id`,
    );
    const n = opts.quick ? 60 : 300;
    const pick = (i: number) => bookRows[(i * 7919) % bookRows.length]!;
    const measure = async (label: string, goalMs: number, run: (i: number) => Promise<unknown>) => {
      for (let i = 0; i < 10; i++) await run(i);
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await run(i);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      const p95 = percentile(times, 0.95);
      console.error(`${label}: done`);
      lines.push(
        `${label}: p50 ${percentile(times, 0.5).toFixed(2)} ms, p95 ${p95.toFixed(2)} ms ` +
          `(goal < ${goalMs} ms: ${p95 < goalMs ? 'met' : 'NOT met'})`,
      );
    };
    await measure("a book's balances (20 items)", 5, (i) => listItemsWithBalances(ctx.db, officer, pick(i).id));
    await measure('movements page (book, type, month; 50 rows)', 50, (i) =>
      listMovements(ctx.db, officer, pick(i).id, {
        documentType: 'RESERVATION_POSTING',
        from: `2026-${String((i % 12) + 1).padStart(2, '0')}-01`,
        to: `2026-${String((i % 12) + 1).padStart(2, '0')}-28`,
        page: 1,
        pageSize: 50,
      }),
    );
    const ports = ['CNHAK-XINHAI', 'CNHAK-NANGANG', 'CNYPG-PORT', 'CNSYX-PHOENIX'];
    await measure('officer declaration list (port, state; 50 rows)', 100, (i) =>
      listDeclarations(ctx, officer, { port: ports[i % ports.length], state: 'EXITED', page: 1, pageSize: 50 }),
    );
    await measure('credit class as of a date', 10, (i) =>
      creditClassOf(
        ctx.db,
        { enterpriseId: pick(i).enterprise_id },
        `2026-${String((i % 12) + 1).padStart(2, '0')}-15`,
      ),
    );
  } finally {
    await ctx.database.close();
  }
  return lines;
}
