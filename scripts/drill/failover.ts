/**
 * The failover drill (`npm run drill -- failover`, docs/operations.md "High availability"): a
 * PostgreSQL primary and a synchronous standby managed by Patroni over etcd, a three-server NATS
 * JetStream cluster holding the outbox streams in three copies, and a Tidegate server on both
 * (`DATABASE_URL` naming both PostgreSQL servers with `target_session_attrs=primary`). While exit
 * declarations and gate events flow through the HTTP API, it kills the PostgreSQL leader (Patroni and
 * its PostgreSQL, with SIGKILL), waits for writes to resume on the promoted standby and measures how
 * long there were none, then kills the NATS server leading the internal stream, keeps the load on,
 * stops it and checks: every acknowledged declaration and gate event is in the database, a JetStream
 * consumer got every outbox event once and in order, `ledger verify` and `audit verify` pass.
 *
 * Everything runs on this machine on free ports, in a temporary folder removed at the end (kept with
 * --keep); every process it started is killed by its process group when it ends, succeeds or fails.
 * Run as root (PostgreSQL runs as the `postgres` user through runuser) or as the user owning
 * PostgreSQL's binaries. Options: --warm <s> (load before the first kill, default 15), --after <s>
 * (load after each kill once writes resumed, default 15), --exits <n> and --gates <n> (concurrent
 * clients, default 3 and 2), --keep.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
} from 'node:fs';
import { rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AckPolicy, connect, DeliverPolicy, type NatsConnection } from 'nats';
import pino from 'pino';
import postgres from 'postgres';
import { freePort } from '../../bench/harness.ts';
import { benchTraders } from '../../bench/declarations.ts';
import { exitBody } from '../../bench/declarations.ts';
import { createContext } from '../../src/main.ts';
import { openDatabase } from '../../src/platform/db/client.ts';
import { runCommand } from '../../src/platform/command.ts';
import { createApiClient, createUser } from '../../src/platform/auth/service.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { DEFAULT_LAYOUT } from '../../src/platform/outbox/nats.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SECRET = 'drill-failover-secret-0123456789abcdef';
const ADMIN_PASSWORD = 'drill-admin-password';
const USER_PASSWORD = 'drill-declarant-password';
const PORT_CODE = 'CNHAK-XINHAI';
const LANE = `${PORT_CODE}-L01`;
const STREAM = DEFAULT_LAYOUT.internalStream;

// ---------------------------------------------------------------------------------------------
// Options, output

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number.parseInt(process.argv[i + 1] ?? '', 10);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} takes a whole number`);
  return v;
}
const WARM_S = option('warm', 15);
const AFTER_S = option('after', 15);
const EXIT_CLIENTS = option('exits', 3);
const GATE_CLIENTS = option('gates', 2);
const KEEP = process.argv.includes('--keep');

const t0 = performance.now();
const secs = (ms: number) => (ms / 1000).toFixed(1);
const say = (line: string) => console.log(`[${secs(performance.now() - t0).padStart(6)} s] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Tools

interface Tools {
  patroni: string;
  etcd: string;
  nats: string;
  pgBin: string;
  /** Prefix that runs a command as the PostgreSQL OS user (empty when we are that user already). */
  asPostgres: string[];
}

function onPath(bin: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** PostgreSQL's server binaries: the newest /usr/lib/postgresql/<v>/bin, else pg_config's. */
function postgresBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(base, versions[0], 'bin');
  }
  const r = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = r.status === 0 ? r.stdout.trim() : '';
  return dir && existsSync(join(dir, 'initdb')) ? dir : null;
}

function checkTools(): Tools {
  const patroni = onPath('patroni');
  const etcd = onPath('etcd');
  const nats = onPath('nats-server');
  const pgBin = postgresBinDir();
  const missing: string[] = [];
  if (!patroni) missing.push('patroni (Debian: apt-get install -y patroni)');
  if (!etcd) missing.push('etcd (Debian: apt-get install -y etcd-server)');
  if (!nats) missing.push('nats-server (Debian: apt-get install -y nats-server)');
  if (!pgBin) missing.push('PostgreSQL server binaries, initdb among them (Debian: apt-get install -y postgresql)');
  let asPostgres: string[] = [];
  if (process.getuid?.() === 0) {
    const runuser = onPath('runuser');
    if (!runuser) missing.push('runuser (util-linux), to run PostgreSQL as the postgres user');
    if (spawnSync('id', ['-u', 'postgres']).status !== 0)
      missing.push('the postgres OS user (made by the PostgreSQL package)');
    asPostgres = [runuser ?? 'runuser', '-u', 'postgres', '--'];
  }
  if (missing.length) {
    console.error(`The failover drill needs:\n  ${missing.join('\n  ')}\nInstall them and run it again.`);
    process.exit(2);
  }
  return { patroni: patroni!, etcd: etcd!, nats: nats!, pgBin: pgBin!, asPostgres };
}

// ---------------------------------------------------------------------------------------------
// Processes: each in its own process group, killed by group on the way out

interface Proc {
  name: string;
  child: ChildProcess;
  log: string;
  /** PostgreSQL's data folder, for the postmaster's pid (Patroni runs PostgreSQL as its child). */
  dataDir?: string;
}

const procs: Proc[] = [];
let baseDir = '';

function start(name: string, cmd: string[], env: Record<string, string> = {}, dataDir?: string): Proc {
  const log = join(baseDir, 'logs', `${name}.log`);
  const fd = openSync(log, 'a');
  const child = spawn(cmd[0]!, cmd.slice(1), {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  const p: Proc = { name, child, log, ...(dataDir ? { dataDir } : {}) };
  procs.push(p);
  return p;
}

const alive = (p: Proc) => p.child.exitCode === null && p.child.signalCode === null;

function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]!, 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** SIGKILL to the process's group (runuser, Patroni and the PostgreSQL it started) and its postmaster. */
function killHard(p: Proc): void {
  const pm = p.dataDir ? postmasterPid(p.dataDir) : null;
  try {
    process.kill(-p.child.pid!, 'SIGKILL');
  } catch {
    /* gone already */
  }
  if (pm) {
    try {
      process.kill(pm, 'SIGKILL');
    } catch {
      /* gone already */
    }
  }
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

let failed = false;
function cleanUp(): void {
  for (const p of procs) killHard(p);
  if (failed) {
    for (const p of procs) console.error(`--- last lines of ${p.name} ---\n${tail(p.log, 15)}`);
  }
  if (!baseDir) return;
  if (KEEP) {
    console.log(`Kept the drill's folder (data and logs): ${baseDir}`);
    return;
  }
  // The backends of a killed postmaster leave on their own within moments: retry the removal.
  for (let i = 0; i < 20; i++) {
    try {
      rmSync(baseDir, { recursive: true, force: true });
      return;
    } catch {
      spawnSync('sleep', ['0.2']);
    }
  }
  console.error(`Could not remove ${baseDir}; remove it by hand.`);
}

process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    console.error(`${signal}: stopping the drill and everything it started`);
    process.exit(130);
  });
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>, watch: Proc[] = []) {
  const started = performance.now();
  for (;;) {
    for (const p of watch) if (!alive(p)) throw new Error(`${p.name} exited while waiting for ${what}`);
    try {
      const v = await probe();
      if (v !== null) return v;
    } catch {
      /* not yet */
    }
    if (performance.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}

async function getJson(url: string): Promise<unknown> {
  const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return r.json();
}

// ---------------------------------------------------------------------------------------------
// etcd, Patroni, NATS

async function startEtcd(tools: Tools) {
  const client = await freePort();
  const peer = await freePort();
  const p = start('etcd', [
    tools.etcd,
    '--name=drill',
    `--data-dir=${join(baseDir, 'etcd')}`,
    `--listen-client-urls=http://127.0.0.1:${client}`,
    `--advertise-client-urls=http://127.0.0.1:${client}`,
    `--listen-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-cluster=drill=http://127.0.0.1:${peer}`,
    '--initial-cluster-state=new',
  ]);
  await waitFor(
    'etcd',
    30_000,
    async () => ((await getJson(`http://127.0.0.1:${client}/health`)) as { health?: string }).health === 'true' || null,
    [p],
  );
  return { proc: p, client };
}

interface PgNode {
  name: string;
  pgPort: number;
  apiPort: number;
  dataDir: string;
  proc?: Proc;
}

function patroniConfig(node: PgNode, etcdPort: number, tools: Tools): string {
  const dir = join(baseDir, node.name);
  // ttl 10 s, loop_wait 2 s, retry_timeout 4 s: Patroni's rule loop_wait + 2 × retry_timeout ≤ ttl
  // holds; the leader key outlives a dead leader by at most ttl, then the standby promotes itself.
  return `scope: tidegate-drill
name: ${node.name}
restapi:
  listen: 127.0.0.1:${node.apiPort}
  connect_address: 127.0.0.1:${node.apiPort}
etcd3:
  hosts: 127.0.0.1:${etcdPort}
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 2
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_level: replica
        hot_standby: 'on'
        wal_log_hints: 'on'
        max_wal_senders: 10
        max_replication_slots: 10
        max_connections: 100
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
postgresql:
  listen: 127.0.0.1:${node.pgPort}
  connect_address: 127.0.0.1:${node.pgPort}
  data_dir: ${node.dataDir}
  bin_dir: ${tools.pgBin}
  pgpass: ${join(dir, 'pgpass')}
  authentication:
    superuser:
      username: postgres
      password: drill-superuser
    replication:
      username: replicator
      password: drill-replicator
    rewind:
      username: postgres
      password: drill-superuser
  pg_hba:
    - local all all trust
    - host all all 127.0.0.1/32 trust
    - host replication replicator 127.0.0.1/32 trust
  parameters:
    unix_socket_directories: '${dir}'
    shared_buffers: 64MB
    log_min_messages: warning
tags:
  nofailover: false
  noloadbalance: false
`;
}

function startPatroni(node: PgNode, etcdPort: number, tools: Tools): Proc {
  const dir = join(baseDir, node.name);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'patroni.yml');
  writeFileSync(config, patroniConfig(node, etcdPort, tools));
  if (tools.asPostgres.length) {
    const pwd = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    const [u, g] = [Number(pwd.stdout.trim()), Number(gid.stdout.trim())];
    chownSync(dir, u, g);
    chownSync(config, u, g);
  }
  return (node.proc = start(`patroni-${node.name}`, [...tools.asPostgres, tools.patroni, config], {}, node.dataDir));
}

interface ClusterMember {
  name: string;
  role: string;
  state: string;
  port: number;
  lag?: number | string;
}

async function members(nodes: PgNode[]): Promise<ClusterMember[]> {
  for (const n of nodes) {
    if (n.proc && !alive(n.proc)) continue;
    try {
      return ((await getJson(`http://127.0.0.1:${n.apiPort}/cluster`)) as { members: ClusterMember[] }).members;
    } catch {
      /* try the next node's REST API */
    }
  }
  return [];
}

const leaderOf = (ms: ClusterMember[]) => ms.find((m) => m.role === 'leader' && m.state === 'running');
const syncStandbyOf = (ms: ClusterMember[]) =>
  ms.find((m) => m.role === 'sync_standby' && (m.state === 'streaming' || m.state === 'running'));

interface NatsNode {
  name: string;
  port: number;
  monitor: number;
  route: number;
  proc?: Proc;
}

function startNats(nodes: NatsNode[], tools: Tools): void {
  const routes = nodes.map((n) => `nats://127.0.0.1:${n.route}`).join(',');
  for (const n of nodes) {
    const store = join(baseDir, 'nats', n.name);
    mkdirSync(store, { recursive: true });
    n.proc = start(`nats-${n.name}`, [
      tools.nats,
      `--name=${n.name}`,
      '--addr=127.0.0.1',
      `--port=${n.port}`,
      `--http_port=${n.monitor}`,
      '--jetstream',
      `--store_dir=${store}`,
      '--cluster_name=tidegate-drill',
      `--cluster=nats://127.0.0.1:${n.route}`,
      `--routes=${routes}`,
    ]);
  }
}

// ---------------------------------------------------------------------------------------------
// Load: exit declarations and gate events over HTTP, each sent again until acknowledged

interface Ack {
  kind: 'exit' | 'gate';
  id: string;
  firstSentAt: number;
  ackAt: number;
}

interface Load {
  acks: Ack[];
  failedAttempts: Map<string, number>;
  refused: string[];
  stop: boolean;
  workers: Promise<void>[];
}

async function post(url: string, auth: string, body: unknown): Promise<{ status: number; text: string }> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: auth },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: r.status, text: await r.text() };
}

/**
 * Sends one write until it is acknowledged: a 503 (database unavailable), any 5xx or a broken
 * connection is sent again with the same requestId / eventId, which the server answers with the
 * first result if it had committed. A 4xx other than 503 is a refusal and recorded as such.
 */
async function sendUntilAcknowledged(
  load: Load,
  kind: Ack['kind'],
  id: string,
  send: () => Promise<{ status: number; text: string }>,
): Promise<void> {
  const firstSentAt = performance.now();
  for (;;) {
    let outcome: string;
    try {
      const r = await send();
      if (r.status >= 200 && r.status < 300) {
        load.acks.push({ kind, id, firstSentAt, ackAt: performance.now() });
        return;
      }
      if (r.status >= 400 && r.status < 500) {
        load.refused.push(`${kind} ${id}: ${r.status} ${r.text.slice(0, 300)}`);
        return;
      }
      outcome = `HTTP ${r.status}`;
    } catch (err) {
      outcome = (err as Error).name === 'TimeoutError' ? 'timeout' : 'connection error';
      // A request left without any answer is worth finding in the server's log: say which and when.
      if (outcome === 'timeout')
        say(`no answer within 60 s to ${kind} ${id}, first sent at ${secs(firstSentAt - t0)} s`);
    }
    load.failedAttempts.set(outcome, (load.failedAttempts.get(outcome) ?? 0) + 1);
    await sleep(250);
  }
}

function startLoad(
  url: string,
  run: string,
  traders: { token: string; bookId: string; itemIds: string[] }[],
  gateKey: string,
): Load {
  const load: Load = { acks: [], failedAttempts: new Map(), refused: [], stop: false, workers: [] };
  for (let w = 0; w < EXIT_CLIENTS; w++) {
    const t = traders[w % traders.length]!;
    load.workers.push(
      (async () => {
        for (let n = 0; !load.stop; n++) {
          const requestId = `drill-${run}-e${w}-${n}`;
          const body = exitBody(t, requestId);
          await sendUntilAcknowledged(load, 'exit', requestId, () =>
            post(`${url}/api/v1/declarations/exits`, `Bearer ${t.token}`, body),
          );
        }
      })(),
    );
  }
  for (let w = 0; w < GATE_CLIENTS; w++) {
    load.workers.push(
      (async () => {
        for (let n = 0; !load.stop; n++) {
          const eventId = `drill-${run}-g${w}-${n}`;
          // A truck nobody declared: the gate diverts it and opens an inspection task (a write and events).
          const body = {
            eventId,
            portCode: PORT_CODE,
            laneCode: LANE,
            direction: 'OUT',
            plate: `琼D${w}${String(n).padStart(5, '0')}`,
            containers: [],
            weightKg: '9000',
            sealState: 'INTACT',
            at: new Date().toISOString(),
          };
          await sendUntilAcknowledged(load, 'gate', eventId, () =>
            post(`${url}/api/v1/gate/events`, `ApiKey ${gateKey}`, body),
          );
          await sleep(50);
        }
      })(),
    );
  }
  return load;
}

// ---------------------------------------------------------------------------------------------
// The consumer that checks the events: a durable JetStream consumer on the internal stream

interface EventCheck {
  received: number[];
  redelivered: number;
  outOfOrder: number;
  stop: boolean;
  done: Promise<void>;
}

async function startConsumer(nc: NatsConnection): Promise<EventCheck> {
  const jsm = await nc.jetstreamManager();
  await jsm.consumers.add(STREAM, {
    durable_name: 'drill-check',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: 10_000_000_000,
  });
  const js = nc.jetstream();
  const check: EventCheck = { received: [], redelivered: 0, outOfOrder: 0, stop: false, done: Promise.resolve() };
  const seen = new Set<number>();
  let last = 0;
  check.done = (async () => {
    while (!check.stop) {
      try {
        const consumer = await js.consumers.get(STREAM, 'drill-check');
        const batch = await consumer.fetch({ max_messages: 500, expires: 1000 });
        for await (const m of batch) {
          const id = (m.json() as { id: number }).id;
          if (seen.has(id)) check.redelivered++;
          else {
            if (id < last) check.outOfOrder++;
            seen.add(id);
            check.received.push(id);
            last = Math.max(last, id);
          }
          await m.ackAck().catch(() => false);
        }
      } catch {
        // The server this client was on went away: it reconnects to another one; fetch again.
        await sleep(500);
      }
    }
  })();
  return check;
}

// ---------------------------------------------------------------------------------------------

function runCli(args: string[], env: Record<string, string>): { ok: boolean; out: string } {
  const r = spawnSync(process.execPath, ['bin/tidegate.mjs', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 600_000,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`
    .split('\n')
    .filter((l) => l.trim() && !l.includes('\r'))
    .slice(-3)
    .join(' | ');
  return { ok: r.status === 0, out };
}

function progressLine(load: Load, check: EventCheck): string {
  const exits = load.acks.filter((a) => a.kind === 'exit').length;
  const gates = load.acks.length - exits;
  const failed = [...load.failedAttempts.values()].reduce((a, b) => a + b, 0);
  return (
    `acknowledged ${exits} exits, ${gates} gate events; ${failed} attempts to send again; ` +
    `events received ${check.received.length}`
  );
}

async function main(): Promise<void> {
  const kind = process.argv[2];
  if (kind !== 'failover') {
    console.error('usage: npm run drill -- failover [--warm 15] [--after 15] [--exits 3] [--gates 2] [--keep]');
    process.exit(2);
  }
  const tools = checkTools();
  baseDir = mkdtempSync(join(tmpdir(), 'tidegate-drill-'));
  // PostgreSQL's user must reach its folders inside (mkdtemp makes it the owner's alone).
  chmodSync(baseDir, 0o755);
  mkdirSync(join(baseDir, 'logs'));
  const load0 = loadavg();
  say(
    `failover drill in ${baseDir} (${cpus().length} cores, load average ${load0.map((l) => l.toFixed(2)).join(' ')})`,
  );

  // etcd, then the two PostgreSQL nodes under Patroni
  const etcd = await startEtcd(tools);
  say(`etcd up on 127.0.0.1:${etcd.client}`);
  const pgNodes: PgNode[] = [];
  for (const name of ['pg1', 'pg2']) {
    pgNodes.push({ name, pgPort: await freePort(), apiPort: await freePort(), dataDir: join(baseDir, name, 'data') });
  }
  startPatroni(pgNodes[0]!, etcd.client, tools);
  const first = await waitFor(
    'the first PostgreSQL leader',
    120_000,
    async () => leaderOf(await members(pgNodes)) ?? null,
    [pgNodes[0]!.proc!],
  );
  say(`Patroni: ${first.name} is the leader on port ${first.port}; starting the standby`);
  startPatroni(pgNodes[1]!, etcd.client, tools);
  const sync = await waitFor(
    'the synchronous standby',
    180_000,
    async () => syncStandbyOf(await members(pgNodes)) ?? null,
    pgNodes.map((n) => n.proc!),
  );
  say(`Patroni: ${sync.name} is the synchronous standby on port ${sync.port}`);
  const admin = postgres(`postgres://postgres@127.0.0.1:${first.port}/postgres`, { max: 1, onnotice: () => {} });
  await admin.unsafe('create database tidegate');
  await admin.end();
  const hosts = pgNodes.map((n) => `127.0.0.1:${n.pgPort}`).join(',');
  // `primary`, not `read-write`: postgres.js 3.4.9 judges `read-write` by default_transaction_read_only,
  // which a PostgreSQL 14+ hot standby reports as off, so it would take the standby (docs/operations.md).
  const databaseUrl = `postgres://postgres@${hosts}/tidegate?target_session_attrs=primary`;

  // NATS: three servers, JetStream
  const natsNodes: NatsNode[] = [];
  for (const name of ['n1', 'n2', 'n3']) {
    natsNodes.push({ name, port: await freePort(), monitor: await freePort(), route: await freePort() });
  }
  startNats(natsNodes, tools);
  for (const n of natsNodes) {
    await waitFor(
      `NATS ${n.name} with JetStream`,
      60_000,
      async () =>
        ((await getJson(`http://127.0.0.1:${n.monitor}/healthz`)) as { status?: string }).status === 'ok' || null,
      [n.proc!],
    );
  }
  const natsUrl = natsNodes.map((n) => `nats://127.0.0.1:${n.port}`).join(',');
  say(`NATS cluster of 3 up (${natsNodes.map((n) => n.port).join(', ')})`);

  // Tidegate: migrations, demo data, then the actors of the load
  const serverPort = await freePort();
  const url = `http://127.0.0.1:${serverPort}`;
  const serverEnv = {
    DATABASE_URL: databaseUrl,
    NATS_URL: natsUrl,
    TIDEGATE_NATS_REPLICAS: '3',
    TIDEGATE_SECRET: SECRET,
    TIDEGATE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    TIDEGATE_DATA_DIR: join(baseDir, 'tidegate'),
    TIDEGATE_RATE_LIMITS: 'off',
    PORT: String(serverPort),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
  const server = start('tidegate', [process.execPath, 'bin/tidegate.mjs', 'serve'], serverEnv);
  await waitFor('Tidegate /readyz', 300_000, async () => (await fetch(`${url}/readyz`)).ok || null, [server]);
  say(`Tidegate serving at ${url} (DATABASE_URL ${databaseUrl}, NATS_URL ${natsUrl})`);

  const run = Date.now().toString(36);
  const ctx = await createContext({
    database: await openDatabase({ databaseUrl, poolSize: 2 }),
    logger: pino({ level: 'warn' }),
    dataDir: 'memory://',
    secret: SECRET,
  });
  let gateKey: string;
  const traders: { token: string; bookId: string; itemIds: string[] }[] = [];
  try {
    const ts = await benchTraders(ctx, EXIT_CLIENTS);
    for (const [i, t] of ts.entries()) {
      const username = `drill-${run}-${i}`;
      await runCommand(ctx, 'user.create', (tx) =>
        createUser(
          tx,
          {
            username,
            password: USER_PASSWORD,
            role: 'enterprise_user',
            displayName: `Drill declarant ${i}`,
            enterpriseId: t.actor.enterpriseId!,
          },
          systemActor('drill'),
          ctx.clock.now(),
        ),
      );
      const r = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: USER_PASSWORD }),
      });
      if (!r.ok) throw new Error(`log-in of ${username} failed: ${r.status} ${await r.text()}`);
      traders.push({ token: ((await r.json()) as { token: string }).token, bookId: t.bookId, itemIds: t.itemIds });
    }
    gateKey = (
      await runCommand(ctx, 'apiClient.create', (tx) =>
        createApiClient(
          tx,
          { name: `drill-gate-${run}`, role: 'gate_device', scope: { portCode: PORT_CODE, laneCode: LANE } },
          systemActor('drill'),
          ctx.clock.now(),
        ),
      )
    ).key;
  } finally {
    await ctx.database.close();
  }
  say(`${traders.length} declarants with a book each and a gate device ready`);

  const nc = await connect({ servers: natsUrl.split(','), maxReconnectAttempts: -1, name: 'drill-check' });
  const jsm = await nc.jetstreamManager();
  const streamInfo = await waitFor('the internal stream', 60_000, async () => await jsm.streams.info(STREAM), [server]);
  say(`stream ${STREAM}: ${streamInfo.config.num_replicas} replicas, leader ${streamInfo.cluster?.leader}`);
  const check = await startConsumer(nc);

  // Load, then the PostgreSQL leader killed
  const load = startLoad(url, run, traders, gateKey);
  const ticker = setInterval(() => say(progressLine(load, check)), 3000);
  try {
    await sleep(WARM_S * 1000);
    const before = await members(pgNodes);
    const leader = leaderOf(before);
    const victim = pgNodes.find((n) => n.name === leader?.name);
    if (!leader || !victim?.proc) throw new Error(`no running leader to kill: ${JSON.stringify(before)}`);
    const ackedBeforeKill = load.acks.length;
    const killAt = performance.now();
    killHard(victim.proc);
    say(`KILLED the PostgreSQL leader ${victim.name} (Patroni and PostgreSQL, SIGKILL) after ${ackedBeforeKill} acks`);
    const resumed = await waitFor(
      'writes on the new leader',
      180_000,
      async () => load.acks.find((a) => a.firstSentAt > killAt) ?? null,
      [server],
    );
    const writeGapS = (resumed.ackAt - killAt) / 1000;
    const after = await members(pgNodes);
    say(
      `writes resumed ${writeGapS.toFixed(2)} s after the kill; new leader ${leaderOf(after)?.name ?? '(none yet)'} ` +
        `(${after.map((m) => `${m.name} ${m.role} ${m.state}`).join(', ')})`,
    );

    await sleep(AFTER_S * 1000);
    const info = await jsm.streams.info(STREAM);
    const natsLeader = natsNodes.find((n) => n.name === info.cluster?.leader);
    if (!natsLeader?.proc) throw new Error(`no leader of ${STREAM} to kill: ${JSON.stringify(info.cluster)}`);
    const natsKillAt = performance.now();
    const eventsAtNatsKill = check.received.length;
    killHard(natsLeader.proc);
    say(`KILLED NATS ${natsLeader.name}, the leader of ${STREAM} (SIGKILL), with ${eventsAtNatsKill} events received`);
    await waitFor('events flowing again', 120_000, async () => check.received.length > eventsAtNatsKill || null, [
      server,
    ]);
    const natsGapS = (performance.now() - natsKillAt) / 1000;
    const infoAfter = await jsm.streams.info(STREAM);
    say(
      `events flowing again ${natsGapS.toFixed(1)} s after the NATS kill; ` +
        `stream leader now ${infoAfter.cluster?.leader}`,
    );
    await sleep(AFTER_S * 1000);

    // Stop, let the outbox drain to the consumer, check
    load.stop = true;
    await Promise.all(load.workers);
    clearInterval(ticker);
    say(`load stopped: ${progressLine(load, check)}`);
    // The longest time without any acknowledgement over the whole run (acks of requests sent before the kill too).
    const ackTimes = load.acks.map((a) => a.ackAt).sort((a, b) => a - b);
    let longestPause = 0;
    for (let i = 1; i < ackTimes.length; i++) longestPause = Math.max(longestPause, ackTimes[i]! - ackTimes[i - 1]!);

    const db = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const expected = (await db<{ id: string }[]>`select id from outbox_events order by id`).map((r) => Number(r.id));
      await waitFor(
        'the consumer to receive every outbox event',
        180_000,
        async () => (check.received.length >= expected.length ? true : null),
        [server],
      ).catch(() => undefined);
      check.stop = true;
      await check.done;
      const got = new Set(check.received);
      const missing = expected.filter((id) => !got.has(id));
      const stray = check.received.filter((id) => !expected.includes(id));

      const exitsAcked = load.acks.filter((a) => a.kind === 'exit').map((a) => a.id);
      const gatesAcked = load.acks.filter((a) => a.kind === 'gate').map((a) => a.id);
      const exitsFound = new Set(
        (
          await db<
            { request_id: string }[]
          >`select request_id from decl_declarations where request_id = any(${exitsAcked})`
        ).map((r) => r.request_id),
      );
      const gatesFound = new Set(
        (await db<{ event_id: string }[]>`select event_id from gate_events where event_id = any(${gatesAcked})`).map(
          (r) => r.event_id,
        ),
      );
      const lostExits = exitsAcked.filter((id) => !exitsFound.has(id));
      const lostGates = gatesAcked.filter((id) => !gatesFound.has(id));
      const lost = [...lostExits, ...lostGates];
      say('running ledger verify and audit verify on the new leader…');
      const ledger = runCli(['ledger', 'verify'], serverEnv);
      const audit = runCli(['audit', 'verify'], serverEnv);
      const load1 = loadavg();

      const ok =
        lostExits.length === 0 &&
        lostGates.length === 0 &&
        missing.length === 0 &&
        stray.length === 0 &&
        check.outOfOrder === 0 &&
        load.refused.length === 0 &&
        ledger.ok &&
        audit.ok;
      const attempts = [...load.failedAttempts.entries()].map(([k, v]) => `${v} ${k}`).join(', ') || 'none';
      console.log(
        [
          '',
          `Failover drill ${ok ? 'PASSED' : 'FAILED'}`,
          `  PostgreSQL leader killed: ${victim.name}; writes resumed after ${writeGapS.toFixed(2)} s (goal < 30 s); ` +
            `longest pause between two acknowledgements ${(longestPause / 1000).toFixed(2)} s`,
          `  NATS ${natsLeader.name} (stream leader) killed: events flowing again after ${natsGapS.toFixed(1)} s`,
          `  acknowledged: ${exitsAcked.length} exit declarations, ${gatesAcked.length} gate events; ` +
            `lost: ${lost.length}${lost.length ? ` (${lost.slice(0, 5).join(', ')})` : ''}`,
          `  requests sent again before their acknowledgement: ${attempts}; refused: ${load.refused.length}` +
            (load.refused.length ? ` (first: ${load.refused[0]})` : ''),
          `  events: ${expected.length} in the outbox, ${check.received.length} received by the consumer, ` +
            `${missing.length} missing, ${stray.length} not in the outbox, ${check.outOfOrder} out of order, ` +
            `${check.redelivered} redelivered (at-least-once, recognised by id)`,
          `  ledger verify: ${ledger.ok ? 'passed' : 'FAILED'} (${ledger.out})`,
          `  audit verify: ${audit.ok ? 'passed' : 'FAILED'} (${audit.out})`,
          `  machine: ${cpus().length} cores, load average ${load0[0]!.toFixed(2)} at the start, ` +
            `${load1[0]!.toFixed(2)} at the end; ` +
            `${secs(performance.now() - t0)} s in all`,
        ].join('\n'),
      );
      if (!ok) {
        failed = true;
        process.exitCode = 1;
      }
    } finally {
      await db.end({ timeout: 2 });
    }
  } finally {
    clearInterval(ticker);
    load.stop = true;
    check.stop = true;
    await nc.close().catch(() => undefined);
  }
}

main()
  .then(() => process.exit())
  .catch((err: unknown) => {
    failed = true;
    console.error(`drill failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
