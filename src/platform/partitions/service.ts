/**
 * Tables partitioned by month of a time column (docs/operations.md, "Partitions, retention and archiving"): the
 * partitions made ahead of the rows (a default partition catches anything earlier), and old months archived as a
 * whole: written to a file (one JSON object a line, after a header line), its SHA-256 recorded in the archive
 * register and the audit log, the partition detached and dropped; and restored from that file again. The same
 * statements on PGlite and PostgreSQL: rows leave as `row_to_json` text a page at a time and come back through
 * `json_populate_recordset`, which keeps numerics and times exactly as they were written.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { sql, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Clock } from '../../kernel/clock.ts';
import { queryRows, type Db, type Executor } from '../db/client.ts';
import { appendAudit } from '../audit/service.ts';
import { archivedPartitions } from './schema.ts';

/** A table partitioned by range on a timestamptz column, one partition a month (migration-created). */
export interface PartitionedTable {
  table: string;
  /** The timestamptz column it is partitioned by. */
  column: string;
  /** The column the archive file is ordered and paged by, and its SQL type. */
  key: { column: string; type: 'bigint' | 'text' };
  /** What must hold before a partition may be archived (throws a sentence saying what to do first). */
  beforeArchive?: (tx: Executor, partition: MonthPartition) => Promise<void>;
  /** Called in the archive's transaction before the partition is dropped (e.g. carry its totals forward). */
  onArchive?: (tx: Executor, partition: MonthPartition) => Promise<void>;
  /** Called in the restore's transaction once the rows are back (undo what onArchive did). */
  onRestore?: (tx: Executor, partition: MonthPartition) => Promise<void>;
}

export interface MonthPartition {
  table: string;
  name: string;
  /** YYYY-MM. */
  month: string;
  from: Date;
  to: Date;
}

/** Months of partitions kept ready beyond the current one. */
export const MONTHS_AHEAD = 2;

const IDENT = /^[a-z_][a-z0-9_]*$/;
const ident = (name: string): SQL => {
  if (!IDENT.test(name)) throw new Error(`not a plain SQL name: ${name}`);
  return sql.raw(`"${name}"`);
};

/** `2025-01` → the month's partition of `table`, its bounds in UTC. */
export function monthPartition(table: string, month: string): MonthPartition {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new Error(`a month is written YYYY-MM, not ${month}`);
  const from = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  const to = new Date(Date.UTC(Number(m[1]), Number(m[2]), 1));
  return { table, name: `${table}_p${m[1]}_${m[2]}`, month, from, to };
}

export const monthOf = (d: Date): string => d.toISOString().slice(0, 7);

const addMonths = (month: string, n: number): string => {
  const { from } = monthPartition('x', month);
  return monthOf(new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + n, 1)));
};

/**
 * Makes this month's partition and the next `ahead` months' where missing (rows already waiting in the default
 * partition for one of those months move into it). Safe to run anywhere, any number of times.
 */
export async function ensureMonthPartitions(
  db: Db,
  tables: readonly PartitionedTable[],
  now: Date,
  ahead = MONTHS_AHEAD,
): Promise<string[]> {
  const made: string[] = [];
  for (const t of tables)
    for (let i = 0; i <= ahead; i++) {
      const p = monthPartition(t.table, addMonths(monthOf(now), i));
      if (await partitionExists(db, p.name)) continue;
      await db.transaction(async (tx) => {
        await tx.execute(makeMonth(t, p));
      });
      made.push(p.name);
    }
  return made;
}

/** The month's partition made if missing (migration 0050's SQL function; rows waiting in the default move in). */
const makeMonth = (t: PartitionedTable, p: MonthPartition): SQL =>
  sql`select tidegate_month_partition(${t.table}::text, ${t.column}::text, ${p.from.toISOString()}::timestamptz)`;

async function partitionExists(ex: Executor, name: string): Promise<boolean> {
  const [r] = await queryRows<{ ok: boolean }>(ex, sql`select to_regclass(${`"${name}"`}) is not null as ok`);
  return Boolean(r?.ok);
}

/** The month partitions of a table now attached, oldest first, with their row counts. */
export async function listMonthPartitions(ex: Executor, table: string): Promise<(MonthPartition & { rows: number })[]> {
  const rows = await queryRows<{ name: string }>(
    ex,
    sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = to_regclass(${`"${table}"`}) order by c.relname`,
  );
  const out: (MonthPartition & { rows: number })[] = [];
  for (const r of rows) {
    const m = new RegExp(`^${table}_p(\\d{4})_(\\d{2})$`).exec(r.name);
    if (!m) continue;
    const [{ n }] = (await queryRows<{ n: string }>(ex, sql`select count(*)::text as n from ${ident(r.name)}`)) as [
      { n: string },
    ];
    out.push({ ...monthPartition(table, `${m[1]}-${m[2]}`), rows: Number(n) });
  }
  return out;
}

export interface ArchiveResult {
  id: string;
  partition: string;
  month: string;
  rows: number;
  file: string;
  bytes: number;
  sha256: string;
}

export interface ArchiveOptions {
  /** Where the files go: `<dir>/<partition>.jsonl`. */
  dir: string;
  actor: string;
  now: Date;
  onProgress?: (partition: string, done: number, total: number) => void;
}

/**
 * Archives every month partition of `spec.table` wholly before `before` (YYYY-MM), oldest first, one transaction
 * each: nothing of the month can be written meanwhile (the partition is locked), and the partition is only
 * dropped once its file is written, hashed and registered. A month that may not go yet stops the run there.
 */
export async function archivePartitions(
  db: Db,
  spec: PartitionedTable,
  before: string,
  opts: ArchiveOptions,
): Promise<ArchiveResult[]> {
  const limit = monthPartition(spec.table, before).from;
  // The current month still takes rows: only months wholly past may go.
  if (limit > monthPartition(spec.table, monthOf(opts.now)).from)
    throw new Error(`--before ${before} reaches into the current month; only past months may be archived.`);
  const due = (await listMonthPartitions(db, spec.table)).filter((p) => p.to <= limit);
  const done: ArchiveResult[] = [];
  for (const p of due) done.push(await db.transaction((tx) => archiveOne(tx, spec, p, opts)));
  return done;
}

async function archiveOne(
  tx: Executor,
  spec: PartitionedTable,
  p: MonthPartition & { rows: number },
  opts: ArchiveOptions,
): Promise<ArchiveResult> {
  await tx.execute(sql`lock table ${ident(p.name)} in exclusive mode`);
  await spec.beforeArchive?.(tx, p);
  const file = `${opts.dir.replace(/\/+$/, '')}/${p.name}.jsonl`;
  const { rows, bytes, sha256 } = await writeArchive(tx, spec, p, file, opts);
  await spec.onArchive?.(tx, p);
  await tx.execute(sql`alter table ${ident(spec.table)} detach partition ${ident(p.name)}`);
  await tx.execute(sql`drop table ${ident(p.name)}`);
  const id = randomUUID();
  await tx.insert(archivedPartitions).values({
    id,
    tableName: spec.table,
    partitionName: p.name,
    rangeFrom: p.from,
    rangeTo: p.to,
    rows,
    fileName: file,
    bytes,
    sha256,
    archivedBy: opts.actor,
    archivedAt: opts.now,
  });
  await appendAudit(tx, {
    actor: opts.actor,
    action: 'partition.archived',
    subject: `partition:${p.name}`,
    change: { archiveId: id, table: spec.table, month: p.month, rows, bytes, sha256, file: `${p.name}.jsonl` },
    at: opts.now,
    partitionKey: `partition:${spec.table}`,
  });
  return { id, partition: p.name, month: p.month, rows, file, bytes, sha256 };
}

const PAGE = 5000;

/** One header line, then each row as JSON, a page at a time in key order; hashed as it is written. */
async function writeArchive(
  tx: Executor,
  spec: PartitionedTable,
  p: MonthPartition & { rows: number },
  file: string,
  opts: ArchiveOptions,
): Promise<{ rows: number; bytes: number; sha256: string }> {
  const out = createWriteStream(file, { flags: 'wx' });
  const hash = createHash('sha256');
  const write = async (line: string) => {
    hash.update(line);
    if (!out.write(line)) await once(out, 'drain');
  };
  try {
    const header = { table: spec.table, partition: p.name, month: p.month, column: spec.column, rows: p.rows };
    await write(`${JSON.stringify(header)}\n`);
    const key = ident(spec.key.column);
    let after: string | null = null;
    let rows = 0;
    for (;;) {
      const page: { k: string; j: string }[] = await queryRows<{ k: string; j: string }>(
        tx,
        sql`select ${key}::text as k, row_to_json(t)::text as j from ${ident(p.name)} t
            ${after === null ? sql`` : sql`where ${key} > ${after}::${sql.raw(spec.key.type)}`}
            order by ${key} limit ${PAGE}`,
      );
      for (const r of page) await write(`${r.j}\n`);
      rows += page.length;
      opts.onProgress?.(p.name, rows, p.rows);
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.k;
    }
    out.end();
    await once(out, 'finish');
    return { rows, bytes: statSync(file).size, sha256: hash.digest('hex') };
  } catch (err) {
    out.destroy();
    throw err;
  }
}

export const sha256File = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * Brings an archived month back from its file: the file's hash must be the registered one, the month's partition is
 * made again, the rows inserted as they were, and the register and the audit log say so.
 */
export async function restorePartition(
  db: Db,
  spec: PartitionedTable,
  month: string,
  opts: { file?: string; actor: string; now: Date; onProgress?: (done: number, total: number) => void },
): Promise<{ partition: string; rows: number; sha256: string }> {
  const p = monthPartition(spec.table, month);
  const [reg] = await db
    .select()
    .from(archivedPartitions)
    .where(sql`${archivedPartitions.partitionName} = ${p.name} and ${archivedPartitions.restoredAt} is null`)
    .limit(1);
  if (!reg) throw new Error(`No archived partition ${p.name} waits to be restored (see the archive register).`);
  const file = opts.file ?? reg.fileName;
  const actual = sha256File(file);
  if (actual !== reg.sha256)
    throw new Error(`${file} has SHA-256 ${actual}, the register recorded ${reg.sha256}: not the archived file.`);
  return db.transaction(async (tx) => {
    await tx.execute(makeMonth(spec, p));
    let rows = 0;
    let batch: string[] = [];
    const flush = async () => {
      if (!batch.length) return;
      await tx.execute(
        sql`insert into ${ident(p.name)} select * from json_populate_recordset(null::${ident(spec.table)},
            ${`[${batch.join(',')}]`}::json)`,
      );
      rows += batch.length;
      batch = [];
      opts.onProgress?.(rows, reg.rows);
    };
    let first = true;
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
      if (first) {
        first = false;
        continue;
      }
      if (!line) continue;
      batch.push(line);
      if (batch.length >= 1000) await flush();
    }
    await flush();
    if (rows !== reg.rows) throw new Error(`${file} holds ${rows} rows, the register recorded ${reg.rows}.`);
    await spec.onRestore?.(tx, p);
    await tx
      .update(archivedPartitions)
      .set({ restoredBy: opts.actor, restoredAt: opts.now })
      .where(sql`${archivedPartitions.id} = ${reg.id}`);
    await appendAudit(tx, {
      actor: opts.actor,
      action: 'partition.restored',
      subject: `partition:${p.name}`,
      change: { archiveId: reg.id, table: spec.table, month, rows, sha256: actual },
      at: opts.now,
      partitionKey: `partition:${spec.table}`,
    });
    return { partition: p.name, rows, sha256: actual };
  });
}

/** How often the elected process checks that the coming months have their partitions. */
export const PARTITION_CHECK_MS = 6 * 3600_000;

/**
 * The scheduled job (one process, by lease): makes the coming months' partitions now and every few hours, so rows
 * never wait in a default partition. Returns a function that stops it.
 */
export function schedulePartitions(
  db: Db,
  tables: readonly PartitionedTable[],
  clock: Clock,
  log: Logger,
  everyMs = PARTITION_CHECK_MS,
): () => void {
  let stopped = false;
  let handle: NodeJS.Timeout | undefined;
  const run = async () => {
    try {
      const made = await ensureMonthPartitions(db, tables, clock.now());
      if (made.length) log.info({ partitions: made }, 'month partitions made ahead');
    } catch (err) {
      log.error({ err }, 'making month partitions failed; rows go to the default partition until it succeeds');
    }
  };
  const schedule = () => {
    if (stopped) return;
    handle = setTimeout(() => void run().then(schedule), everyMs);
    handle.unref();
  };
  void run().then(schedule);
  return () => {
    stopped = true;
    if (handle) clearTimeout(handle);
  };
}

/** The archive register of a table, oldest month first. */
export async function listArchived(ex: Executor, table: string) {
  return ex
    .select()
    .from(archivedPartitions)
    .where(sql`${archivedPartitions.tableName} = ${table}`)
    .orderBy(archivedPartitions.rangeFrom, archivedPartitions.archivedAt);
}
