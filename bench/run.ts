import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { closedLoop, pgbenchTps, startServerProcess, type LoadResult } from './harness.ts';
import { usccCheckChar } from '../src/kernel/uscc.ts';
import { runCreditBenchmark } from './credit.ts';
import { riskModelBenchmark } from './riskModel.ts';
import { riskBenchmark } from './risk.ts';

const ADMIN_PASSWORD = 'bench-admin-password';
const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** A distinct valid USCC for request i of run r. */
function benchUscc(run: number, i: number): string {
  let n = run * 10_000_000 + i;
  let org = '';
  for (let k = 0; k < 8; k++) {
    org = CHARS[n % 31] + org;
    n = Math.floor(n / 31);
  }
  const first17 = `91460100${org}B`;
  return first17 + usccCheckChar(first17);
}

async function login(url: string): Promise<string> {
  const r = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
  return `Bearer ${((await r.json()) as { token: string }).token}`;
}

async function enterpriseCreates(url: string, label: string, total: number, concurrency: number, run: number): Promise<LoadResult> {
  const auth = await login(url);
  return closedLoop(label, total, concurrency, async (i) => {
    const r = await fetch(`${url}/api/v1/enterprises`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth },
      body: JSON.stringify({ uscc: benchUscc(run, i), name: `基准测试企业 ${run}-${i}`, registeredInHainan: true }),
    });
    await r.arrayBuffer();
    return r.status === 201;
  });
}

function fmt(r: LoadResult): string {
  return `${r.perSecond.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms (${r.requests} requests, ${r.errors} errors)`;
}

export async function runBenchmarks(opts: { quick: boolean }): Promise<void> {
  const total = opts.quick ? 1000 : 5000;
  const concurrency = 16;
  const run = Date.now() % 1000;
  const lines: string[] = [`Tidegate benchmarks — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} — node ${process.version}`];

  // 1. npm start to ready on PGlite: first start (migrations, seed) and a restart.
  const dataDir = mkdtempSync(join(tmpdir(), 'tidegate-bench-'));
  const env = { TIDEGATE_DATA_DIR: dataDir, TIDEGATE_ADMIN_PASSWORD: ADMIN_PASSWORD, DATABASE_URL: '', NATS_URL: '' };
  const first = await startServerProcess('npm', ['start', '--silent'], env);
  await first.stop();
  const second = await startServerProcess('npm', ['start', '--silent'], env);
  lines.push(`npm start → ready (PGlite): first start ${first.readyMs.toFixed(0)} ms (migrate + seed), restart ${second.readyMs.toFixed(0)} ms`);

  // 2. Enterprise creates over HTTP on PGlite.
  const pglite = await enterpriseCreates(second.url, 'enterprise create, PGlite', total, concurrency, run);
  await second.stop();
  rmSync(dataDir, { recursive: true, force: true });
  lines.push(`enterprise create over HTTP, PGlite, ${concurrency} clients: ${fmt(pglite)}`);

  // 3. The same on PostgreSQL, beside pgbench TPC-B on the same server in the same run.
  const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const u = new URL(databaseUrl);
  u.pathname = '/tidegate_bench';
  const { default: postgres } = await import('postgres');
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  let serverOk = true;
  try {
    await admin.unsafe('drop database if exists tidegate_bench with (force)');
    await admin.unsafe('create database tidegate_bench');
  } catch (err) {
    serverOk = false;
    lines.push(`PostgreSQL at ${databaseUrl} not reachable (${(err as Error).message}); start it or set DATABASE_URL.`);
  }
  if (serverOk) {
    const pgDir = mkdtempSync(join(tmpdir(), 'tidegate-bench-pg-'));
    const pg = await startServerProcess('node', ['bin/tidegate.mjs', 'serve', '--no-demo'], { ...env, TIDEGATE_DATA_DIR: pgDir, DATABASE_URL: u.toString() });
    const onPg = await enterpriseCreates(pg.url, 'enterprise create, PostgreSQL', total, concurrency, run + 1);
    await pg.stop();
    rmSync(pgDir, { recursive: true, force: true });
    const tps = pgbenchTps(databaseUrl, concurrency, opts.quick ? 5 : 15);
    lines.push(`enterprise create over HTTP, PostgreSQL, ${concurrency} clients: ${fmt(onPg)}`);
    if (tps) {
      lines.push(`pgbench TPC-B (scale 1, ${concurrency} clients, same server, same run): ${tps.toFixed(0)} tps`);
      lines.push(`ratio Tidegate enterprise-creates/s ÷ pgbench tps: ${(onPg.perSecond / tps).toFixed(3)}`);
    } else lines.push('pgbench did not run (is the pgbench binary installed?)');
    await admin.unsafe('drop database if exists tidegate_bench with (force)');
    lines.push(...(await (await import('./tax.ts')).benchTax({ quick: opts.quick, databaseUrl, pgbenchTps: tps })));
    lines.push(...(await runCreditBenchmark({ quick: opts.quick, databaseUrl, concurrency })));
  }
  await admin.end();

  lines.push(...(await riskModelBenchmark(opts)));
  lines.push(...(await riskBenchmark(opts)));
  console.log('\n' + lines.join('\n'));
}
