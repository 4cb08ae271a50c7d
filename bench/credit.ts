/**
 * Credit classification figures (issue 3), on PostgreSQL:
 * 1. a backfill of 1,000,000 inputs over 100,000 enterprises through `tidegate credit import`, the
 *    command an operator runs (a child process, same code path: check, record, classify);
 * 2. the class look-up over HTTP, `GET /api/v1/credit/enterprise/{uscc}`, closed loop, p50 and p99;
 * 3. pgbench TPC-B on the same server in the same run, so the figures can be quoted as ratios.
 * The enterprises are set up with one multi-row insert per 5,000 (setup, not measured).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { getTableName } from 'drizzle-orm';
import { closedLoop, pgbenchTps, startServerProcess, type LoadResult } from './harness.ts';
import { USCC_CHARSET, usccCheckChar } from '../src/kernel/uscc.ts';
import { uuidv7 } from '../src/kernel/ids.ts';
import { addDays } from '../src/modules/credit/dates.ts';
import { creditClasses } from '../src/modules/credit/schema.ts';
import { enterprises } from '../src/modules/subjects/schema.ts';

const ADMIN_PASSWORD = 'bench-admin-password';
const DB = 'tidegate_bench_credit';

export interface CreditBenchOptions {
  quick: boolean;
  databaseUrl: string;
  concurrency: number;
}

/** The i-th bench enterprise: a valid GB 32100 code in a block no real data uses (organisation code BC…). */
export function usccOf(i: number): string {
  let n = i;
  let org = '';
  for (let k = 0; k < 7; k++) {
    org = USCC_CHARSET[n % 31] + org;
    n = Math.floor(n / 31);
  }
  const first17 = `91460100BC${org}`;
  return first17 + usccCheckChar(first17);
}

/** A small deterministic PRNG (mulberry32), so every run backfills the same file. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEPARTMENTS = [
  'tax',
  'market_regulation',
  'maritime',
  'transport',
  'postal',
  'agriculture',
  'forestry',
  'anti_smuggling',
  'customs',
  'ecology',
  'housing',
  'finance',
];
const LEVELS = ['A', 'B', 'C', 'M', 'D'];
const EVENTS = ['SMUGGLING_PENALTY', 'SERIOUS_DISHONESTY_LISTING', 'OTHER_LEGAL_LISTING'];

/**
 * NDJSON lines in random subject order, as departments deliver backfills (by department and date,
 * not by enterprise): 98.5% sector ratings from 12 departments (1.5% of them at the lowest level),
 * 1% AEO actions, 0.5% legal events, dated 2019 to the run day. About one enterprise in ten ends on
 * FOCUS and a few percent ADVANCED_CERTIFIED, the order of magnitude Hainan reports.
 */
export async function writeBackfill(path: string, inputs: number, subjects: number, today: string): Promise<void> {
  const random = prng(20261123);
  const out = createWriteStream(path);
  const days = Math.round((Date.parse(today) - Date.parse('2019-01-01')) / 86_400_000);
  for (let i = 0; i < inputs; i++) {
    const subject = usccOf(Math.floor(random() * subjects));
    const effectiveDate = addDays('2019-01-01', Math.floor(random() * days));
    const roll = random();
    let input: object;
    let source: string;
    if (roll < 0.985) {
      const department = DEPARTMENTS[Math.floor(random() * DEPARTMENTS.length)]!;
      const lowest = random() < 0.015;
      input = {
        type: 'SECTOR_RATING',
        department,
        level: lowest ? 'D' : LEVELS[Math.floor(random() * 4)],
        isLowestLevel: lowest,
      };
      source = department;
    } else if (roll < 0.995) {
      input = { type: 'AEO', action: random() < 0.75 ? 'GRANTED' : random() < 0.5 ? 'REVOKED' : 'SUSPENDED' };
      source = 'customs';
    } else {
      input = { type: 'EVENT', kind: EVENTS[Math.floor(random() * 3)] };
      source = random() < 0.5 ? 'anti_smuggling' : 'market_regulation';
    }
    const line =
      JSON.stringify({ subjectKind: 'ENTERPRISE', subject, source, effectiveDate, reference: `BF-${i}`, input }) + '\n';
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export async function createEnterprises(sql: postgres.Sql, subjects: number): Promise<void> {
  const now = new Date();
  for (let start = 0; start < subjects; start += 5000) {
    const rows = [];
    for (let i = start; i < Math.min(subjects, start + 5000); i++) {
      rows.push({
        id: uuidv7(now.getTime()),
        uscc: usccOf(i),
        name: `基准信用企业 ${i}`,
        registered_in_hainan: true,
        legal_form: 'INDEPENDENT_LEGAL_PERSON',
        encouraged_industry: false,
        created_at: now.toISOString(),
      });
    }
    await sql`insert into ${sql(getTableName(enterprises))}
      (id, uscc, name, registered_in_hainan, legal_form, encouraged_industry, created_at)
      select id, uscc, name, registered_in_hainan, legal_form, encouraged_industry, created_at
      from jsonb_to_recordset(${sql.json(rows)}) as r(id uuid, uscc text, name text, registered_in_hainan boolean, legal_form text, encouraged_industry boolean, created_at timestamptz)`;
  }
}

/** Runs a tidegate command as an operator would; resolves with its stdout. */
async function tidegate(args: string[], env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['bin/tidegate.mjs', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`tidegate ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`);
  return stdout;
}

interface ImportFigures {
  lines: number;
  imported: number;
  subjectsRecomputed: number;
  classChanges: number;
  seconds: { validate: number; insert: number; recompute: number };
}

function fmt(r: LoadResult): string {
  return `${r.perSecond.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms (${r.requests} requests, ${r.errors} errors)`;
}

export async function runCreditBenchmark(opts: CreditBenchOptions): Promise<string[]> {
  const inputs = opts.quick ? 50_000 : 1_000_000;
  const subjects = opts.quick ? 5_000 : 100_000;
  const lookups = opts.quick ? 2_000 : 20_000;
  const lines: string[] = [];
  const admin = postgres(opts.databaseUrl, { max: 1, onnotice: () => {} });
  const url = new URL(opts.databaseUrl);
  url.pathname = `/${DB}`;
  const dir = mkdtempSync(join(tmpdir(), 'tidegate-bench-credit-'));
  const env = {
    DATABASE_URL: url.toString(),
    TIDEGATE_DATA_DIR: dir,
    TIDEGATE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    NATS_URL: '',
    LOG_LEVEL: 'warn',
  };
  try {
    await admin.unsafe(`drop database if exists ${DB} with (force)`);
    await admin.unsafe(`create database ${DB}`);
    await tidegate(['seed'], env); // migrations, policy parameters, admin
    const bench = postgres(url.toString(), { max: 1, onnotice: () => {} });
    await createEnterprises(bench, subjects);
    const file = join(dir, 'backfill.ndjson');
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    await writeBackfill(file, inputs, subjects, today);

    const started = performance.now();
    const out = await tidegate(['credit', 'import', file, '--json'], env);
    const wall = (performance.now() - started) / 1000;
    const r = JSON.parse(out.trim().split('\n').pop()!) as ImportFigures;
    const [counts] = await bench<
      { focus: number; aeo: number }[]
    >`select count(*) filter (where class = 'FOCUS')::int as focus,
      count(*) filter (where class = 'ADVANCED_CERTIFIED')::int as aeo from ${bench(getTableName(creditClasses))}`;
    await bench.end();
    const work = r.seconds.validate + r.seconds.insert + r.seconds.recompute;
    lines.push(
      `credit backfill through \`tidegate credit import\` (PostgreSQL): ${r.imported.toLocaleString('en')} inputs over ${subjects.toLocaleString('en')} enterprises in ${wall.toFixed(1)} s wall ` +
        `(process start ${(wall - work).toFixed(1)} s, check ${r.seconds.validate.toFixed(1)} s, record ${r.seconds.insert.toFixed(1)} s, classify ${r.seconds.recompute.toFixed(1)} s)`,
    );
    lines.push(
      `  inputs recorded: ${(r.imported / r.seconds.insert).toFixed(0)} /s while recording, ${(r.imported / wall).toFixed(0)} /s end to end`,
    );
    lines.push(
      `  classifications recomputed: ${(r.subjectsRecomputed / r.seconds.recompute).toFixed(0)} /s (${r.subjectsRecomputed.toLocaleString('en')} subjects, each once; ${r.classChanges.toLocaleString('en')} class changes published; FOCUS ${counts!.focus}, ADVANCED_CERTIFIED ${counts!.aeo})`,
    );

    const server = await startServerProcess('node', ['bin/tidegate.mjs', 'serve', '--no-demo'], env);
    try {
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
      });
      const auth = `Bearer ${((await login.json()) as { token: string }).token}`;
      const random = prng(7);
      const lookup = await closedLoop('credit look-up, PostgreSQL', lookups, opts.concurrency, async () => {
        const res = await fetch(`${server.url}/api/v1/credit/enterprise/${usccOf(Math.floor(random() * subjects))}`, {
          headers: { authorization: auth },
        });
        await res.arrayBuffer();
        return res.status === 200;
      });
      lines.push(
        `credit look-up GET /api/v1/credit/enterprise/{uscc} over HTTP, ${opts.concurrency} clients: ${fmt(lookup)}`,
      );
      const tps = pgbenchTps(opts.databaseUrl, opts.concurrency, opts.quick ? 5 : 15);
      if (tps) {
        lines.push(
          `pgbench TPC-B (scale 1, ${opts.concurrency} clients, same server, same run): ${tps.toFixed(0)} tps`,
        );
        lines.push(
          `ratios ÷ pgbench tps: classifications/s ${(r.subjectsRecomputed / r.seconds.recompute / tps).toFixed(2)}, inputs recorded/s ${(r.imported / r.seconds.insert / tps).toFixed(2)}, look-ups/s ${(lookup.perSecond / tps).toFixed(2)}`,
        );
      } else lines.push('pgbench did not run (is the pgbench binary installed?)');
    } finally {
      await server.stop();
    }
  } catch (err) {
    lines.push(`credit benchmark failed: ${(err as Error).message}`);
  } finally {
    await admin.unsafe(`drop database if exists ${DB} with (force)`).catch(() => {});
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
