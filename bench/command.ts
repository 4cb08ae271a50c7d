/**
 * The command centre's panels on a year of rollups (`npm run bench -- --only command`): the rollup
 * tables filled as the consumers would leave them after a year at the scale issue's traffic (every
 * port every hour, eight declaration states, alerts, tax, clearance buckets, duty-free sales of 12
 * shops in 8 categories), then each panel read again and again; p50 / p95 per panel beside a
 * `select 1` round trip of the same run (the yardstick). Goal: every panel under 200 ms at p95.
 */
import { sql } from 'drizzle-orm';
import { analyzeDatabase, percentile, withScratchDatabase } from './harness.ts';
import { openDatabase, type Database } from '../src/platform/db/client.ts';
import { runMigrations } from '../src/platform/db/migrate.ts';
import { PANELS } from '../src/modules/command/service/summary.ts';
import { windowOf } from '../src/modules/command/rules.ts';
import {
  commandAlertHourly,
  commandClearanceBuckets,
  commandDeclarationHourly,
  commandDutyfreeDaily,
  commandGateHourly,
  commandHeld,
  commandTaxHourly,
} from '../src/modules/command/schema.ts';
import { riskDailyTotals } from '../src/modules/risk/schema.ts';

const NOW = new Date('2026-11-23T06:00:00Z');

async function fill(ctx: { db: Database['db'] }, days: number) {
  const from = new Date(NOW.getTime() - days * 86_400_000).toISOString();
  const to = NOW.toISOString();
  const hours = sql`generate_series(${from}::timestamptz, ${to}::timestamptz, interval '1 hour') as h`;
  const ports = sql`unnest(array['CNHAK-PORT','CNHAK-XINHAI','CNHAK-NANGANG','CNHAK-MEILAN','CNYPG-PORT',
    'CNBSP-PORT','CNSYX-PORT','CNSYX-PHOENIX','CNQLN-PORT','CNQHI-BOAO']) as p`;
  await ctx.db.execute(sql`insert into ${commandGateHourly}
    select p, h, 120 + (random() * 80)::int, (random() * 12)::int
    from ${hours}, ${ports}`);
  await ctx.db.execute(sql`insert into ${commandDeclarationHourly} select h, s, (random() * 200)::int from ${hours},
    unnest(array['SUBMITTED','ACCEPTED','HELD','REJECTED','RELEASED','EXITED','CANCELLED','AMENDED']) as s`);
  await ctx.db.execute(sql`insert into ${commandAlertHourly} select h, l, (random() * 30)::int from ${hours},
    unnest(array['RED','YELLOW']) as l`);
  await ctx.db.execute(
    sql`insert into ${commandTaxHourly} select h, 40, 2, 1234.56, 234.5, 3456.78, 4925.84 from ${hours}`,
  );
  await ctx.db.execute(sql`insert into ${commandClearanceBuckets} select p, h, m, b, (random() * 20)::int + 1
    from ${hours}, ${ports}, unnest(array['RELEASE','EXIT']) as m, generate_series(40, 52) as b`);
  await ctx.db.execute(sql`insert into ${commandHeld} select gen_random_uuid(), h from ${hours} where random() < 0.05`);
  await ctx.db.execute(sql`insert into ${commandDutyfreeDaily}
    select d::date, 'SHOP' || s, c, (random() * 3000)::int, (random() * 9000)::int,
      (random() * 4000000)::numeric(18, 2), 0
    from generate_series(${from}::timestamptz, ${to}::timestamptz, interval '1 day') as d, generate_series(1, 12) as s,
      unnest(array['*','cosmetics','perfume','watches','jewellery','liquor','electronics','handbags']) as c`);
  await ctx.db.execute(sql`insert into ${riskDailyTotals}
    select d::date, p, l, c, 900, 60, 9, 50, 12, 8, 2, 1000.00, 2000.00
    from generate_series(${from}::timestamptz, ${to}::timestamptz, interval '1 day') as d, ${ports},
      unnest(array['GREEN','YELLOW','RED']) as l, unnest(array['ADVANCED_CERTIFIED','WHITELIST','FOCUS']) as c`);
}

async function timed(rounds: number, fn: () => Promise<unknown>) {
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95) };
}

export async function benchCommand(opts: { quick: boolean; databaseUrl: string }): Promise<string[]> {
  const days = opts.quick ? 30 : 365;
  const rounds = opts.quick ? 30 : 100;
  const reached = await withScratchDatabase(opts.databaseUrl, 'tidegate_bench_command', async (url) => {
    const database = await openDatabase({ databaseUrl: url, poolSize: 4 });
    await runMigrations(database);
    const ctx = { db: database.db, database };
    try {
      const t0 = performance.now();
      await fill(ctx, days);
      const fillS = (performance.now() - t0) / 1000;
      await analyzeDatabase(url);
      const [rows] = (await ctx.db.execute(sql`select
        (select count(*) from ${commandGateHourly}) + (select count(*) from ${commandDeclarationHourly})
        + (select count(*) from ${commandAlertHourly}) + (select count(*) from ${commandClearanceBuckets})
        + (select count(*) from ${commandDutyfreeDaily}) as n`)) as unknown as { n: string }[];
      const yard = await timed(rounds, () => ctx.db.execute(sql`select 1`));
      const lines = [
        `command centre panels on ${days} days of rollups (${Number(rows?.n ?? 0).toLocaleString('en')} rows, ` +
          `filled in ${fillS.toFixed(1)} s), ${rounds} reads each, window today and 24h alternating`,
        `  yardstick select 1: p50 ${yard.p50.toFixed(2)} ms, p95 ${yard.p95.toFixed(2)} ms`,
      ];
      let i = 0;
      for (const [name, panel] of Object.entries(PANELS)) {
        const r = await timed(rounds, () => panel(ctx.db, windowOf(i++ % 2 ? 'today' : '24h', NOW)));
        lines.push(
          `  ${name.padEnd(13)} p50 ${r.p50.toFixed(2).padStart(7)} ms, p95 ${r.p95.toFixed(2).padStart(7)} ms ` +
            `(${(r.p95 / Math.max(yard.p95, 0.001)).toFixed(1)}× the yardstick's p95)` +
            (r.p95 < 200 ? '' : ' — over 200 ms'),
        );
      }
      return lines;
    } finally {
      await ctx.database.close();
    }
  });
  return 'value' in reached ? reached.value : [`command centre: PostgreSQL unreachable (${reached.unreachable})`];
}
