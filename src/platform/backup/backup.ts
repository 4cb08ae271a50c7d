import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { openDatabase, type Database } from '../db/client.ts';
import { runMigrations } from '../db/migrate.ts';

/**
 * Backups and restores (`tidegate backup` / `tidegate restore`). PostgreSQL: `pg_dump` in its
 * custom format, restored by `pg_restore` into an empty database (the client tools must be at least
 * the server's major version). PGlite: its data folder as a gzipped tarball (`dumpDataDir`),
 * restored into a new folder (`loadDataDir`). A PGlite backup restored with `DATABASE_URL` set moves
 * the embedded database to that PostgreSQL server: the migrations build the schema there, then every
 * table is copied (COPY out of PGlite, COPY in to PostgreSQL, triggers and checks of replayed rows
 * off for the copy only) and every sequence is set where it was.
 */

const run = promisify(execFile);

export type BackupKind = 'pg_dump' | 'pglite';

export interface BackupResult {
  kind: BackupKind;
  file: string;
  bytes: number;
  seconds: number;
}

/** The major version of a client tool (`pg_dump --version`), and of the server. */
async function checkClientVersion(database: Database, tool: 'pg_dump' | 'pg_restore'): Promise<void> {
  const { stdout } = await run(tool, ['--version']);
  const client = Number(/(\d+)(?:\.\d+)?/.exec(stdout)?.[1] ?? 0);
  const [row] = await database.postgres!.unsafe<{ v: string }[]>(`select current_setting('server_version_num') as v`);
  const server = Math.floor(Number(row!.v) / 10000);
  if (client < server)
    throw new Error(
      `${tool} ${client} is older than the server (PostgreSQL ${server}): ` +
        `install the client tools of version ${server} or later`,
    );
}

export async function backupDatabase(database: Database, file: string): Promise<BackupResult> {
  const started = performance.now();
  if (database.kind === 'postgres') {
    await checkClientVersion(database, 'pg_dump');
    await run('pg_dump', ['--format=custom', '--no-owner', `--file=${file}`, `--dbname=${database.url!}`], {
      maxBuffer: 64 * 1024 * 1024,
    });
  } else {
    const dump = await database.pglite!.dumpDataDir('gzip');
    await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  }
  const bytes = (await readFile(file)).byteLength;
  return {
    kind: database.kind === 'postgres' ? 'pg_dump' : 'pglite',
    file,
    bytes,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Which kind of backup a file holds, from its first bytes: `PGDMP` (pg_dump) or gzip (PGlite). */
export async function backupKindOf(file: string): Promise<BackupKind> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(5);
    await handle.read(head, 0, 5, 0);
    if (head.toString('latin1') === 'PGDMP') return 'pg_dump';
    if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
  } finally {
    await handle.close();
  }
  throw new Error(`${file} is neither a pg_dump custom-format backup nor a PGlite data folder backup`);
}

export interface RestoreTarget {
  /** Restore into this PostgreSQL database (it must hold no tables yet). */
  databaseUrl?: string;
  /** Or into this new PGlite data folder (it must not exist or be empty). */
  dataDir?: string;
}

export interface RestoreResult {
  from: BackupKind;
  to: 'postgres' | 'pglite';
  tables: number;
  rows: number;
  seconds: number;
}

async function assertEmptyServerDatabase(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await client<{ n: string }[]>`select count(*)::text as n from pg_tables where schemaname = 'public'`;
    if (Number(row!.n) > 0)
      throw new Error('the target PostgreSQL database already holds tables: restore into a new, empty database');
  } finally {
    await client.end();
  }
}

export async function restoreDatabase(file: string, target: RestoreTarget): Promise<RestoreResult> {
  const started = performance.now();
  const from = await backupKindOf(file);
  const done = (to: 'postgres' | 'pglite', tables: number, rows: number): RestoreResult => ({
    from,
    to,
    tables,
    rows,
    seconds: (performance.now() - started) / 1000,
  });
  if (target.databaseUrl) {
    await assertEmptyServerDatabase(target.databaseUrl);
    if (from === 'pg_dump') {
      const database = await openDatabase({ databaseUrl: target.databaseUrl, poolSize: 1 });
      try {
        await checkClientVersion(database, 'pg_restore');
      } finally {
        await database.close();
      }
      await run(
        'pg_restore',
        ['--no-owner', '--exit-on-error', '--single-transaction', `--dbname=${target.databaseUrl}`, file],
        {
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      const client = postgres(target.databaseUrl, { max: 1, onnotice: () => {} });
      try {
        const [row] = await client<
          { n: string }[]
        >`select count(*)::text as n from pg_tables where schemaname = 'public'`;
        return done('postgres', Number(row!.n), -1);
      } finally {
        await client.end();
      }
    }
    const moved = await moveToPostgres(file, target.databaseUrl);
    return done('postgres', moved.tables, moved.rows);
  }
  if (!target.dataDir || target.dataDir.startsWith('memory://'))
    throw new Error('restore needs DATABASE_URL or TIDEGATE_DATA_DIR (a folder) to restore into');
  if (from !== 'pglite')
    throw new Error('a pg_dump backup restores into PostgreSQL: set DATABASE_URL to an empty database');
  if (existsSync(target.dataDir) && readdirSync(target.dataDir).some((f) => f !== 'secret.key'))
    throw new Error(`${target.dataDir} already holds a database: restore into a new folder`);
  const blob = new Blob([await readFile(file)]);
  const pg = await PGlite.create(target.dataDir, { loadDataDir: blob });
  const [row] = (await pg.query<{ n: string }>(`select count(*)::text as n from pg_tables where schemaname = 'public'`))
    .rows;
  await pg.close();
  return done('pglite', Number(row!.n), -1);
}

/**
 * The embedded database moved to a PostgreSQL server: the backup opened in memory, the server's
 * schema built by the same migrations, then each table copied in one transaction.
 */
async function moveToPostgres(file: string, url: string): Promise<{ tables: number; rows: number }> {
  const source = await PGlite.create(undefined, { loadDataDir: new Blob([await readFile(file)]) });
  const target = await openDatabase({ databaseUrl: url, poolSize: 1 });
  try {
    await runMigrations(target);
    const tables = (
      await source.query<{ table_name: string }>(
        `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'
         and table_name not in (select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid)
         order by table_name`,
      )
    ).rows.map((r) => r.table_name);
    // A table partitioned by month is copied through its parent, into the same months' partitions made first.
    const months = (
      await source.query<{ parent: string; name: string; key: string }>(
        `select p.relname as parent, c.relname as name, pg_get_partkeydef(p.oid) as key from pg_inherits i
         join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
         join pg_namespace n on n.oid = p.relnamespace
         where n.nspname = 'public' and p.relkind = 'p' order by 1, 2`,
      )
    ).rows.flatMap((r) => {
      const m = /_p(\d{4})_(\d{2})$/.exec(r.name);
      const col = /^RANGE \((\w+)\)$/.exec(r.key)?.[1];
      return m && col ? [{ parent: r.parent, col, month: `${m[1]}-${m[2]}-01T00:00:00Z` }] : [];
    });
    const sequences = (
      await source.query<{ name: string }>(
        `select sequencename as name from pg_sequences where schemaname = 'public' order by 1`,
      )
    ).rows.map((r) => r.name);
    let rows = 0;
    await target.postgres!.begin(async (sql) => {
      // The rows are the source's, already checked there: replica mode turns off the triggers
      // (append-only, heads moving forward) for this transaction's copy only.
      await sql.unsafe(`set local session_replication_role = replica`);
      await sql.unsafe(`truncate ${tables.map((t) => `"${t}"`).join(', ')}`);
      for (const m of months)
        await sql`select tidegate_month_partition(${m.parent}::text, ${m.col}::text, ${m.month}::timestamptz)`;
      for (const table of tables) {
        const columns = (
          await source.query<{ column_name: string }>(
            `select column_name from information_schema.columns where table_schema = 'public' and table_name = $1
             and is_generated = 'NEVER' order by ordinal_position`,
            [table],
          )
        ).rows
          .map((c) => `"${c.column_name}"`)
          .join(', ');
        const [{ n }] = (await source.query<{ n: string }>(`select count(*)::text as n from "${table}"`)).rows as [
          { n: string },
        ];
        if (Number(n) === 0) continue;
        // COPY of a query: a partitioned table is copied with its partitions' rows.
        const out = await source.query(`copy (select ${columns} from "${table}") to '/dev/blob'`);
        if (!out.blob) throw new Error(`PGlite gave no COPY output for ${table}`);
        const text = Buffer.from(await out.blob.arrayBuffer());
        rows += Number(n);
        const stream = await sql.unsafe(`copy "${table}" (${columns}) from stdin`).writable();
        await new Promise<void>((resolve, reject) => {
          stream.on('error', reject);
          stream.on('finish', resolve);
          stream.end(text);
        });
      }
      for (const name of sequences) {
        const [s] = (
          await source.query<{ last_value: string | null }>(
            `select last_value::text as last_value from pg_sequences where schemaname = 'public' and sequencename = $1`,
            [name],
          )
        ).rows;
        if (s?.last_value != null) await sql.unsafe(`select setval('"${name}"', ${Number(s.last_value)}, true)`);
      }
    });
    return { tables: tables.length, rows };
  } finally {
    await target.close();
    await source.close();
  }
}
