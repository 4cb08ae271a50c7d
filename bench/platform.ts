import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchDatabaseName, closedLoop, pgbenchTps, startServerProcess, type LoadResult } from './harness.ts';
import { usccCheckChar } from '../src/kernel/uscc.ts';
import { openDatabase } from '../src/platform/db/client.ts';
import { runMigrations } from '../src/platform/db/migrate.ts';
import { appendAudit, ensurePartitioning } from '../src/platform/audit/service.ts';
import { enqueueEvents } from '../src/platform/outbox/service.ts';

/**
 * Enterprise creates over HTTP with the audit log as one chain (TIDEGATE_AUDIT_PARTITIONS=1: every
 * command serialises on the one head, as when a global lock ordered the chain and the outbox) and
 * partitioned (64), on PGlite and PostgreSQL, as ratios to pgbench TPC-B on the same server in the same run.
 */

export const ADMIN_PASSWORD = 'bench-admin-password';
const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CONFIGS = [
  { label: 'one chain (before-equivalent)', partitions: 1 },
  { label: '64 partitions (now)', partitions: 64 },
] as const;

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
  const r = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  return `Bearer ${((await r.json()) as { token: string }).token}`;
}

export async function enterpriseCreates(
  url: string,
  label: string,
  total: number,
  concurrency: number,
  run: number,
): Promise<LoadResult> {
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

export function fmt(r: LoadResult): string {
  return `${r.perSecond.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms (${r.requests} requests, ${r.errors} errors)`;
}

interface Measured {
  database: 'PGlite' | 'PostgreSQL';
  label: string;
  result: LoadResult;
}

/** A server on a fresh database (the partition count is fixed per database), loaded with enterprise creates. */
async function measure(
  database: Measured['database'],
  databaseUrl: string | null,
  config: (typeof CONFIGS)[number],
  total: number,
  concurrency: number,
  run: number,
): Promise<Measured> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidegate-bench-'));
  const env: Record<string, string> = {
    TIDEGATE_DATA_DIR: dataDir,
    TIDEGATE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    DATABASE_URL: databaseUrl ?? '',
    NATS_URL: '',
    TIDEGATE_AUDIT_PARTITIONS: String(config.partitions),
  };
  const server = await startServerProcess('node', ['bin/tidegate.mjs', 'serve', '--no-demo'], env);
  try {
    return {
      database,
      label: config.label,
      result: await enterpriseCreates(server.url, `${database}, ${config.label}`, total, concurrency, run),
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The bare skeleton every command carries, without HTTP: one transaction with an audit append and an
 * outbox event, from 16 connections. Shows what the chain itself allows, apart from the web stack.
 */
async function commandSkeletons(
  databaseUrl: string,
  partitions: number,
  total: number,
  concurrency: number,
): Promise<LoadResult> {
  const database = await openDatabase({ databaseUrl, poolSize: concurrency });
  try {
    await runMigrations(database);
    await ensurePartitioning(database.db, partitions);
    const at = new Date();
    return await closedLoop(
      `PostgreSQL skeleton, ${partitions} partition${partitions > 1 ? 's' : ''}`,
      total,
      concurrency,
      async (i) => {
        await database.db.transaction(async (tx) => {
          const { seq } = await appendAudit(tx, {
            actor: 'system:bench',
            action: 'bench.command',
            subject: `enterprise:${i}`,
            change: { i },
            at,
          });
          await enqueueEvents(tx, [
            {
              aggregateType: 'bench',
              aggregateId: String(i),
              eventType: 'Done',
              payload: { i },
              occurredAt: at,
              auditSeq: seq,
            },
          ]);
        });
        return true;
      },
    );
  } finally {
    await database.close();
  }
}

/** Best of the runs of each configuration: on a shared machine, the slow runs measure the neighbours. */
function best(runs: Measured[]): Measured[] {
  const out = new Map<string, Measured & { all: number[] }>();
  for (const m of runs) {
    const key = `${m.database} ${m.label}`;
    const seen = out.get(key);
    const all = [...(seen?.all ?? []), m.result.perSecond];
    out.set(key, { ...(seen && seen.result.perSecond >= m.result.perSecond ? seen : m), all });
  }
  return [...out.values()];
}

function report(lines: string[], title: string, runs: Measured[], yardstick: number | null): void {
  lines.push(title);
  for (const m of best(runs) as (Measured & { all: number[] })[]) {
    const ratio = yardstick ? `  ratio to pgbench ${(m.result.perSecond / yardstick).toFixed(3)}` : '';
    const of = m.all.length > 1 ? `  [best of ${m.all.map((x) => x.toFixed(0)).join(', ')}]` : '';
    lines.push(`  ${m.database.padEnd(10)} ${m.label.padEnd(44)} ${fmt(m.result)}${ratio}${of}`);
  }
}

/** Appends its figures to `lines`; returns the pgbench tps of the run (the mean of before and after), for the module benchmarks. */
export async function benchAuditPartitions(
  opts: { quick: boolean; run: number; databaseUrl: string },
  lines: string[],
): Promise<number | null> {
  const total = opts.quick ? 1000 : 3000;
  const rounds = opts.quick ? 1 : 2;
  const concurrency = 16;
  const pgbenchSeconds = opts.quick ? 5 : 15;
  const creates: Measured[] = [];
  const skeletons: Measured[] = [];
  let run = opts.run;
  // Rounds alternate the configurations, so a burst of load from elsewhere hits both alike.
  for (let r = 0; r < rounds; r++)
    for (const c of CONFIGS) creates.push(await measure('PGlite', null, c, total, concurrency, run++));

  const serverUrl = opts.databaseUrl;
  const { default: postgres } = await import('postgres');
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const name = benchDatabaseName('tidegate_bench');
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const tps: number[] = [];
  try {
    const fresh = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.unsafe(`create database ${name}`);
    };
    await fresh();
    // pgbench before and after the Tidegate runs: the machine is shared, the mean is the yardstick.
    const before = pgbenchTps(serverUrl, concurrency, pgbenchSeconds);
    if (before) tps.push(before);
    for (let r = 0; r < rounds; r++) {
      for (const c of CONFIGS) {
        await fresh();
        creates.push(await measure('PostgreSQL', u.toString(), c, total, concurrency, run++));
      }
      for (const c of CONFIGS) {
        await fresh();
        skeletons.push({
          database: 'PostgreSQL',
          label: `${c.label}, no HTTP`,
          result: await commandSkeletons(u.toString(), c.partitions, total * 2, concurrency),
        });
      }
    }
    const after = pgbenchTps(serverUrl, concurrency, pgbenchSeconds);
    if (after) tps.push(after);
    await admin.unsafe(`drop database if exists ${name} with (force)`);
  } catch (err) {
    lines.push(`PostgreSQL at ${serverUrl} not usable (${(err as Error).message}); start it or set DATABASE_URL.`);
  } finally {
    await admin.end();
  }

  const yardstick = tps.length ? tps.reduce((a, b) => a + b, 0) / tps.length : null;
  report(lines, `enterprise create over HTTP, ${concurrency} clients, ${total} requests per run:`, creates, yardstick);
  report(
    lines,
    `audit append + outbox event, one transaction each, ${concurrency} connections, ${total * 2} per run:`,
    skeletons,
    yardstick,
  );
  if (yardstick)
    lines.push(
      `pgbench TPC-B (scale 1, ${concurrency} clients, ${pgbenchSeconds} s), same server, same run: ${tps.map((t) => t.toFixed(0)).join(' before, ')} after; mean ${yardstick.toFixed(0)} tps`,
    );
  else lines.push('pgbench did not run (is the pgbench binary installed?)');
  const rate = (runs: Measured[], database: string, label: string) =>
    best(runs).find((m) => m.database === database && m.label.startsWith(label))?.result.perSecond;
  for (const [what, runs, database] of [
    ['enterprise creates', creates, 'PGlite'],
    ['enterprise creates', creates, 'PostgreSQL'],
    ['command skeletons', skeletons, 'PostgreSQL'],
  ] as const) {
    const one = rate(runs, database, CONFIGS[0].label);
    const many = rate(runs, database, CONFIGS[1].label);
    if (one && many) lines.push(`${database} ${what}: 64 partitions ÷ one chain = ${(many / one).toFixed(2)}×`);
  }
  return yardstick;
}
