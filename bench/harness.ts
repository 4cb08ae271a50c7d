import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import http from 'node:http';
import cliProgress from 'cli-progress';
import { createHash } from 'node:crypto';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  readyMs: number;
  stop(): Promise<void>;
}

/**
 * Starts a command that serves Tidegate and measures the wall time until /readyz answers 200. The
 * request limits are off (TIDEGATE_RATE_LIMITS=off, unless `env` says otherwise): a benchmark's
 * clients send far more than a calculator user or a gate lane would; login throttling stays on.
 */
export async function startServerProcess(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const childEnv = {
    ...process.env,
    TIDEGATE_RATE_LIMITS: 'off',
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
  const child = spawn(cmd, args, { env: childEnv, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}): ${stderr.slice(-2000)}`);
    if (performance.now() - started > timeoutMs) throw new Error('server did not become ready in time');
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const readyMs = performance.now() - started;
  return {
    url,
    child,
    readyMs,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
      await exited;
    },
  };
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Closed-loop load: `concurrency` workers each send the next request as soon as one returns. */
export async function closedLoop(
  label: string,
  total: number,
  concurrency: number,
  send: (i: number) => Promise<boolean>,
): Promise<LoadResult> {
  const bar = new cliProgress.SingleBar(
    { format: `${label.padEnd(34)} [{bar}] {value}/{total}`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const t0 = performance.now();
        const ok = await send(i).catch(() => false);
        latencies.push(performance.now() - t0);
        if (!ok) errors++;
        if (i % 50 === 0) bar.update(Math.min(next, total));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  bar.update(total);
  bar.stop();
  latencies.sort((a, b) => a - b);
  return {
    requests: total,
    errors,
    seconds,
    perSecond: total / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

/** Database names on the shared server carry the checkout, so benchmarks of two checkouts never drop each other's. */
export function benchDatabaseName(prefix: string): string {
  return `${prefix}_${createHash('sha256').update(process.cwd()).digest('hex').slice(0, 8)}`;
}

/**
 * Runs pgbench with `args` against a scratch pgbench database (scale 1) on the server of
 * `databaseUrl`, dropped afterwards. Its standard output, or null when pgbench cannot run there.
 */
function runPgbench(databaseUrl: string, args: string[], logDir?: string): string | null {
  const u = new URL(databaseUrl);
  const env = {
    ...process.env,
    PGHOST: u.hostname,
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username || 'postgres'),
    PGPASSWORD: decodeURIComponent(u.password),
  };
  // One database per benchmark process: two benchmark runs on one server never drop each other's.
  const db = `tidegate_pgbench_${process.pid}`;
  spawnSync('psql', ['-d', 'postgres', '-qc', `drop database if exists ${db}`], { env });
  const created = spawnSync('psql', ['-d', 'postgres', '-qc', `create database ${db}`], { env });
  if (created.status !== 0) return null;
  try {
    const init = spawnSync('pgbench', ['-i', '-q', '-s', '1', db], { env, encoding: 'utf8' });
    if (init.status !== 0) return null;
    const run = spawnSync('pgbench', [...args, db], { env, encoding: 'utf8', cwd: logDir });
    return run.status === 0 ? run.stdout : null;
  } finally {
    spawnSync('psql', ['-d', 'postgres', '-qc', `drop database if exists ${db}`], { env });
  }
}

/** pgbench TPC-B on the same server, same run: the yardstick our ratios are quoted against. */
export function pgbenchTps(databaseUrl: string, clients: number, seconds: number): number | null {
  const m = /tps = ([\d.]+)/.exec(
    runPgbench(databaseUrl, ['-c', String(clients), '-j', '2', '-T', String(seconds)]) ?? '',
  );
  return m ? Number(m[1]) : null;
}

/**
 * pgbench TPC-B on the same server, same run, with its transactions' latencies (from pgbench's own
 * log): the yardstick of a closed-loop bench that quotes both a rate and a p99. Null when pgbench
 * cannot run.
 */
export function pgbenchTpcb(
  databaseUrl: string,
  clients: number,
  seconds: number,
): { tps: number; p50Ms: number; p99Ms: number } | null {
  const dir = mkdtempSync(join(tmpdir(), 'tidegate-pgbench-'));
  try {
    const args = ['-c', String(clients), '-j', '2', '-T', String(seconds), '--log', '--log-prefix=latency'];
    const out = runPgbench(databaseUrl, args, dir);
    const m = /tps = ([\d.]+)/.exec(out ?? '');
    if (!m) return null;
    const latencies = readdirSync(dir)
      .filter((f) => f.startsWith('latency'))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
      .filter((l) => l.trim())
      .map((l) => Number(l.split(' ')[2]) / 1000)
      .sort((a, b) => a - b);
    if (!latencies.length) return null;
    return { tps: Number(m[1]), p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The latency yardstick of an open-loop bench: pgbench's simple-update transaction (one update,
 * one select, one insert, one commit) sent at a steady `rate` per second by 16 clients, on the same
 * server in the same run; p50 and p99 of its transactions, from pgbench's own log. A machine that
 * cannot hold pgbench's p99 low at a rate cannot hold a heavier transaction's lower; the ratio of
 * the two p99s is what compares between machines. Null when pgbench cannot run.
 */
export function pgbenchSteadyLatency(
  databaseUrl: string,
  rate: number,
  seconds: number,
): { p50Ms: number; p99Ms: number; transactions: number } | null {
  const dir = mkdtempSync(join(tmpdir(), 'tidegate-pgbench-'));
  try {
    const out = runPgbench(
      databaseUrl,
      [
        '-b',
        'simple-update',
        '-c',
        '16',
        '-j',
        '2',
        '-R',
        String(rate),
        '-T',
        String(seconds),
        '--log',
        '--log-prefix=latency',
      ],
      dir,
    );
    if (out === null) return null;
    // One line per transaction: client, transaction number, latency in µs, …
    const latencies = readdirSync(dir)
      .filter((f) => f.startsWith('latency'))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
      .filter((l) => l.trim())
      .map((l) => Number(l.split(' ')[2]) / 1000)
      .sort((a, b) => a - b);
    if (!latencies.length) return null;
    return { p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), transactions: latencies.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `body` against a fresh database on the PostgreSQL server of `databaseUrl` (dropped afterwards,
 * also when `body` throws). Returns `{ unreachable }` with the server's message when the database
 * cannot be created, so a benchmark can say so and go on.
 */
export async function withScratchDatabase<T>(
  databaseUrl: string,
  prefix: string,
  body: (url: string) => Promise<T>,
): Promise<{ value: T } | { unreachable: string }> {
  const { default: postgres } = await import('postgres');
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const name = benchDatabaseName(prefix);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
  } catch (err) {
    await admin.end();
    return { unreachable: (err as Error).message };
  }
  try {
    return { value: await body(url.toString()) };
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/**
 * Updates the planner's statistics of every table of the database at `url`, as autovacuum would
 * after a bulk load. A bench database is filled in seconds, and on a server with autovacuum off
 * (this project's CI machines) nothing else ever analyzes it: the planner then guesses, and a
 * plan cached on a connection while a table was nearly empty stays (a sequential scan of the gate
 * events where the key would do, every release order of the port read to find a batch's plates).
 * ANALYZE also drops the plans cached on the tables it analyzed, so every connection plans again.
 */
export async function analyzeDatabase(url: string): Promise<void> {
  const { default: postgres } = await import('postgres');
  const db = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await db.unsafe('analyze');
  } finally {
    await db.end();
  }
}

/**
 * A lean JSON POST over keep-alive connections (node:http), for open-loop load: `fetch` costs the
 * load generator several times the CPU per request, and on a two-core machine whatever the
 * generator burns is taken from the server and the database being measured.
 */
export function jsonPoster(baseUrl: string, headers: Record<string, string>, maxSockets = 128) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const { hostname, port } = new URL(baseUrl);
  return (path: string, body: unknown): Promise<{ status: number; json: unknown }> =>
    new Promise((resolve, reject) => {
      const payload = Buffer.from(JSON.stringify(body));
      const req = http.request(
        {
          agent,
          hostname,
          port,
          path,
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', 'content-length': payload.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            try {
              resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
            } catch (err) {
              reject(err);
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}

/** CPU seconds so far, from Linux's /proc: the bench process, a process group (the server), PostgreSQL's processes, and the whole machine. Null without /proc. */
export interface CpuSnapshot {
  client: number;
  server: number;
  postgres: number;
  /** All cores' busy time (not idle, not waiting for I/O), and how many cores. */
  machineBusy: number;
  cores: number;
}

const TICKS = 100;

export function cpuSnapshot(serverGroup: number): CpuSnapshot | null {
  if (!existsSync('/proc/stat')) return null;
  let server = 0;
  let postgres = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state(0) ppid(1) pgrp(2) … utime(11) stime(12).
    const seconds = (Number(f[11]) + Number(f[12])) / TICKS;
    if (Number(f[2]) === serverGroup) server += seconds;
    else if (comm === 'postgres') postgres += seconds;
  }
  const lines = readFileSync('/proc/stat', 'utf8').split('\n');
  const all = lines[0]!.split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  const machineBusy = (all.reduce((a, b) => a + b, 0) - all[3]! - all[4]!) / TICKS;
  const cores = lines.filter((l) => /^cpu\d/.test(l)).length;
  const own = process.cpuUsage();
  return { client: (own.user + own.system) / 1e6, server, postgres, machineBusy, cores };
}

/** What each part used between two snapshots, per event, and the machine's load. */
export function cpuPerEvent(
  before: CpuSnapshot | null,
  after: CpuSnapshot | null,
  events: number,
  seconds: number,
): string {
  if (!before || !after) return 'CPU per event: not measured (no /proc)';
  const ms = (k: 'client' | 'server' | 'postgres') => (((after[k] - before[k]) * 1000) / events).toFixed(2);
  const busy = (after.machineBusy - before.machineBusy) / seconds;
  return `CPU per event: load generator ${ms('client')} ms, server ${ms('server')} ms, PostgreSQL ${ms('postgres')} ms; the machine's ${after.cores} cores ${((100 * busy) / after.cores).toFixed(0)}% busy`;
}
