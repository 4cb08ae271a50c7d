import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { sql, type SQL } from 'drizzle-orm';
import postgres from 'postgres';
import { keepParametersOffQueryErrors } from './errors.ts';
import { pgSocket, type PgSocketOptions } from './pgSocket.ts';

/** The same Drizzle surface on both drivers; services only ever see this. */
export type Db = PgDatabase<PgQueryResultHKT>;
export type Tx = PgTransaction<PgQueryResultHKT>;
/** Anything that runs queries: the database or an open transaction. */
export type Executor = Db | Tx;

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** Drops a per-process resource: PGlite closes its files, postgres.js ends its pool. */
  close(): Promise<void>;
  /** Where the data lives, for logs: a folder, `memory://` or the server URL without password. */
  location: string;
  pglite?: PGlite;
  postgres?: postgres.Sql;
  /** The server URL (with credentials): only for opening side connections such as the migration lock. */
  url?: string;
}

export interface OpenOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** A migrated PGlite data dir dump (tests clone one instead of migrating each time). */
  pgliteLoadDataDir?: Blob | File;
  poolSize?: number;
  /** How long to wait for a connection (postgres.js `connect_timeout`; its default is 30 s). */
  connectTimeoutSeconds?: number;
  /** Called with every statement sent to PostgreSQL (postgres.js `debug`): profiles count them. */
  onQuery?: (query: string) => void;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  // A failed statement's error carries no parameters, whoever prints it (errors.ts).
  keepParametersOffQueryErrors();
  if (opts.databaseUrl) {
    const watch: ConnectionWatch = { closes: new Map(), begun: new Map() };
    const client = postgres(opts.databaseUrl, {
      max: opts.poolSize ?? 10,
      onnotice: () => {},
      ...(opts.connectTimeoutSeconds ? { connect_timeout: opts.connectTimeoutSeconds } : {}),
      // Which connection each statement is built for, and each connection's closes: a transaction
      // learns that its reserved connection has gone (see `beginReserved`).
      debug: (connection: number, query: string) => {
        // Every statement passes here: the cheap test first, the pattern only on a marked one.
        const begin = query.endsWith(' */') ? BEGIN_MARK.exec(query) : null;
        if (begin) {
          watch.begun.set(begin[1]!, { connection, closes: watch.closes.get(connection) ?? 0 });
          query = query.slice(0, begin.index).trimEnd();
        }
        opts.onQuery?.(query);
      },
      onclose: (connection: number) => watch.closes.set(connection, (watch.closes.get(connection) ?? 0) + 1),
      // Connected without Nagle's delay, each tick's writes in one system call (pgSocket.ts). A
      // documented option ("Custom socket" in postgres.js's README) that its types do not list.
      ...({ socket: (o: unknown) => pgSocket(o as PgSocketOptions) } as object),
      // Numeric stays a string: money and quantities must never pass through a JS float.
      types: { numeric: { to: 1700, from: [1700], serialize: (v: unknown) => String(v), parse: (v: string) => v } },
    });
    const db = drizzlePostgres({ client: preparedStatements(client, watch) }) as unknown as Db;
    serverClients.set(db, client);
    return {
      kind: 'postgres',
      db,
      postgres: client,
      url: opts.databaseUrl,
      location: redactUrl(opts.databaseUrl),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const dataDir = opts.dataDir ?? 'memory://';
  const pg = await PGlite.create(dataDir.startsWith('memory://') ? undefined : dataDir, {
    loadDataDir: opts.pgliteLoadDataDir,
  });
  const db = drizzlePglite({ client: withInstanceParsers(pg) }) as unknown as Db;
  return { kind: 'pglite', db, pglite: pg, location: dataDir, close: () => pg.close() };
}

/** The postgres.js client behind each database opened on a server, for what Drizzle cannot do (COPY streams). */
const serverClients = new WeakMap<object, postgres.Sql>();

/**
 * The PostgreSQL client of a database opened by `openDatabase`, for a COPY stream; undefined on
 * PGlite and for a transaction (a stream runs on another connection, which would not see the
 * transaction's snapshot or its uncommitted rows).
 */
export function serverClientOf(ex: Executor): postgres.Sql | undefined {
  return serverClients.get(ex);
}

/**
 * The types Drizzle's PGlite driver asks to receive as the text PostgreSQL sent (timestamps,
 * intervals, dates and their arrays, numeric arrays): drizzle-orm/pglite/session.js passes an
 * identity parser for each of these OIDs with every query.
 */
const DRIZZLE_TEXT_TYPES = [1114, 1184, 1186, 1082, 1231, 1115, 1185, 1187, 1182];

/**
 * Drizzle hands PGlite its parsers with every query, and PGlite then merges them into a copy of its
 * own table of some 320 types (`{ ...this.parsers, ...options.parsers }` in parseResults) for each
 * statement: a few hundred microseconds of the CPU of every query, most of PGlite's JavaScript time
 * in a demo seed of some ten thousand statements. The same identity parsers are installed once on
 * the instance instead, and the client Drizzle is given drops them from each query's options: every
 * value parses exactly as before. Only a query whose parsers are all among those is changed; any
 * other options go through as given.
 */
function withInstanceParsers(pg: PGlite): PGlite {
  for (const oid of DRIZZLE_TEXT_TYPES) pg.parsers[oid] = (value: string) => value;
  type Query = PGlite['query'];
  const installed = new Set(DRIZZLE_TEXT_TYPES.map(String));
  const strip =
    (query: Query): Query =>
    (text, params, options) =>
      query(
        text,
        params,
        options?.parsers && Object.keys(options.parsers).every((oid) => installed.has(oid))
          ? { ...options, parsers: undefined }
          : options,
      );
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop) {
        const value = Reflect.get(t, prop, t) as unknown;
        if (prop === 'query') return strip((value as Query).bind(t));
        if (prop === 'transaction')
          return <R>(fn: (tx: object) => Promise<R>) =>
            (value as (f: (tx: object) => Promise<R>) => Promise<R>).call(t, (tx) => fn(wrap(tx)));
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
      },
    });
  return wrap(pg);
}

/**
 * Drizzle sends every query unnamed. postgres.js then describes an unnamed query with parameters
 * before binding it (Parse/Describe, wait for the parameter types, then Bind/Execute): two round
 * trips per query, and the connection stops pipelining while it waits. Named (prepared) statements
 * are described once per connection; afterwards a query is one message, and queries issued
 * together travel together. This wraps the client so that every query, in and out of transactions
 * (and savepoints), is sent as a prepared statement. postgres.js keeps them per connection, and
 * connections are recycled (`max_lifetime`), which bounds how many a connection accumulates.
 *
 * Transactions start on a connection reserved first (`beginReserved`), not through postgres.js's
 * `begin`. That one sends BEGIN to a pooled connection and binds the connection to the transaction
 * in a hook that runs only when the connection could still take more pipelined queries: when BEGIN
 * was the query that filled a busy connection's pipeline (or its socket pushed back), the hook was
 * skipped, BEGIN ran on the server anyway and the driver failed the transaction with
 * UNSAFE_TRANSACTION, leaving that connection inside a transaction for other queries (postgres.js
 * 3.4.9, porsager/postgres#823 and #1189; seen with a thousand tills' reservations at once).
 */
export function preparedStatements(client: postgres.Sql, watch?: ConnectionWatch): postgres.Sql {
  const wrap = <T extends object>(target: T, reserved?: postgres.ReservedSql, held?: HeldConnection): T =>
    new Proxy(target, {
      get(t, prop) {
        const value = Reflect.get(t, prop, t) as unknown;
        if (prop === 'unsafe')
          return (query: string, params?: unknown[], opts?: Record<string, unknown>) =>
            held?.lost()
              ? lostQuery()
              : withoutOrigin(() =>
                  (value as (...a: unknown[]) => object).call(t, query, params, { ...opts, prepare: true }),
                );
        if (prop === 'begin' && !reserved)
          return (...args: unknown[]) =>
            beginReserved(
              client,
              args,
              (tx, h) => wrap(tx as unknown as object, tx, h) as unknown as postgres.ReservedSql,
              watch,
            );
        if (prop === 'savepoint' && reserved)
          return (body: (tx: object) => unknown) =>
            savepoint(reserved, held, () => body(wrap(reserved, reserved, held)));
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
      },
    });
  return wrap(client);
}

/** The property under which postgres.js keeps a query's origin (found on the first query). */
let originKey: symbol | undefined;
const NO_ORIGIN = { stack: '' };

/**
 * Makes a query without the stack trace postgres.js takes for each one while `debug` is set (a
 * `new Error()` in every query's constructor, appended to the stack of the query's error). `debug`
 * is set here only to learn which connection a statement is built for, and the trace cost some
 * 30 µs of the server's CPU per statement under load (5 % of the server's time at the duty-free till,
 * 10 % of a quota look-up's). No frames are captured and the query keeps no origin, as postgres.js
 * does without `debug` for queries sent as text (`unsafe`), which is how Drizzle sends every one.
 */
function withoutOrigin<Q extends object>(make: () => Q): Q {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let query: Q;
  try {
    query = make();
  } finally {
    Error.stackTraceLimit = limit;
  }
  originKey ??= Object.getOwnPropertySymbols(query).find((s) => s.description === 'OriginError');
  if (originKey) (query as Record<symbol, unknown>)[originKey] = NO_ORIGIN;
  return query;
}

/** A statement of the transaction's own (BEGIN, COMMIT, savepoints) on its reserved connection. */
function control(tx: postgres.ReservedSql, text: string, opts?: { prepare: boolean }) {
  return withoutOrigin(() => (opts ? tx.unsafe(text, [], opts) : tx.unsafe(text)));
}

/** Per pool: how many times each connection closed, and which connection each transaction's BEGIN was built for. */
interface ConnectionWatch {
  closes: Map<number, number>;
  begun: Map<string, { connection: number; closes: number }>;
}

/** The mark a transaction's BEGIN carries, so that the watch can tell which connection it went to. */
const BEGIN_MARK = /\/\* (tg-tx-\d+) \*\/$/;
let transactions = 0;

/** A transaction's reserved connection: `lost()` once it has closed (it may already serve someone else). */
interface HeldConnection {
  lost(): boolean;
}

/**
 * postgres.js 3.4.9 sends a reserved connection's statements to it whatever its state: once its
 * socket has closed (the server killed in a failover, the network broken) the next statement's
 * write is scheduled for a socket it has dropped and throws from a timer callback, which no caller
 * can catch and which ends the process (porsager/postgres#1154, #1208). Releasing such a connection
 * would also put a closed connection among the open ones, with the same end. So a transaction notes
 * which connection it holds (the one its BEGIN was built for) and how many times that connection had
 * closed; once the count moves, its statements fail here with CONNECTION_CLOSED, nothing is sent,
 * and the connection is not released (postgres.js moved it to its closed ones and reconnects it).
 */
function holdConnection(watch: ConnectionWatch | undefined, mark: string): HeldConnection {
  const begun = watch?.begun.get(mark);
  if (!watch || !begun) return { lost: () => false };
  watch.begun.delete(mark);
  return { lost: () => (watch.closes.get(begun.connection) ?? 0) !== begun.closes };
}

function connectionClosedError(): Error {
  return Object.assign(new Error('write CONNECTION_CLOSED: the connection of this transaction has closed'), {
    code: 'CONNECTION_CLOSED',
  });
}

/** What a statement on a lost connection returns: a failed query, with the methods Drizzle calls on one. */
function lostQuery(): unknown {
  const failed = Promise.reject(connectionClosedError());
  failed.catch(() => {});
  return Object.assign(failed, { values: () => failed, raw: () => failed, execute: () => failed });
}

let savepoints = 0;

/** `sql.begin([options,] fn)` on a connection reserved before BEGIN is sent: nothing else runs on it meanwhile. */
async function beginReserved(
  client: postgres.Sql,
  args: unknown[],
  scoped: (tx: postgres.ReservedSql, held: HeldConnection) => postgres.ReservedSql,
  watch: ConnectionWatch | undefined,
): Promise<unknown> {
  const body = args[args.length - 1] as (tx: postgres.ReservedSql) => unknown;
  const options = args.length > 1 ? String(args[0]).replace(/[^a-z ]/gi, '') : '';
  const tx = await client.reserve();
  let open = false;
  let held: HeldConnection = { lost: () => false };
  let beginFailed: unknown;
  const mark = `tg-tx-${transactions++}`;
  try {
    // Marked (an unnamed statement, not one more prepared per transaction) so that the watch notes
    // the connection it is built for; a BEGIN that failed because the connection went is not released.
    await control(tx, `begin ${options} /* ${mark} */`, { prepare: false }).catch((err: unknown) => {
      beginFailed = err;
      throw err;
    });
    held = holdConnection(watch, mark);
    open = true;
    const result = await body(scoped(tx, held));
    open = false;
    if (held.lost()) throw connectionClosedError();
    await control(tx, 'commit');
    return result;
  } catch (err) {
    // A failed COMMIT has ended the transaction already; otherwise roll it back before the connection
    // is released. Not on a connection that is gone: the server rolled back when it went.
    if (open && !held.lost() && !connectionLost(err)) await control(tx, 'rollback');
    throw err;
  } finally {
    watch?.begun.delete(mark);
    if (!held.lost() && !connectionLost(beginFailed)) tx.release();
  }
}

/** A nested transaction of Drizzle's (`tx.transaction`): a savepoint on the reserved connection. */
async function savepoint(tx: postgres.ReservedSql, held: HeldConnection | undefined, body: () => unknown) {
  const name = `s${savepoints++}`;
  if (held?.lost()) throw connectionClosedError();
  await control(tx, `savepoint ${name}`);
  try {
    const result = await body();
    if (held?.lost()) throw connectionClosedError();
    await control(tx, `release savepoint ${name}`);
    return result;
  } catch (err) {
    if (!held?.lost() && !connectionLost(err)) await control(tx, `rollback to savepoint ${name}`);
    throw err;
  }
}

/** postgres.js's codes for a connection that broke or never came (its own, and Node's socket errors). */
const CONNECTION_LOST_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/**
 * Whether an error says the connection to PostgreSQL is gone or never came (the server died, was
 * killed in a failover, or the network broke), looking through the wrappers the drivers put around
 * it; also SQLSTATE 57P01/57P02, the server terminating the session (shutdown, crash) as it closes it.
 */
export function connectionLost(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_LOST_CODES.has(code) || code === '57P01' || code === '57P02'))
      return true;
  }
  return false;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}

/** Rows of a raw `execute`, whichever driver ran it (PGlite returns `{ rows }`, postgres.js an array). */
export async function queryRows<T = Record<string, unknown>>(ex: Executor, query: SQL): Promise<T[]> {
  const result = (await ex.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export async function ping(ex: Executor): Promise<void> {
  await ex.execute(sql`select 1`);
}

/**
 * Waits for statements issued together (on PostgreSQL they travel pipelined on the transaction's
 * connection and run in the order issued: one round trip instead of one each) and returns them in
 * order; the first failure is thrown only after all have settled, so none is left unobserved.
 */
export async function together<T extends readonly unknown[]>(reads: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(reads);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * Starts a lazy query (Drizzle's builders run when first awaited) now, in the order of the calls:
 * for statements handed to `together` beside async helpers that issue theirs when called, so the
 * statements (and the row locks they take) go out in the order written.
 */
export function eager<T>(query: PromiseLike<T>): Promise<T> {
  return (async () => query)();
}

/**
 * A PostgreSQL array literal of the values, for one parameter cast to an array type
 * (`unnest(${pgArray(ids)}::bigint[])`): the same SQL on PGlite and postgres.js whatever the number
 * of values; every element quoted, so commas, quotes and backslashes are safe.
 */
export function pgArray(values: readonly (string | number)[]): string {
  return `{${values.map((v) => `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

/**
 * Many rows as one parameter, for set-based writes: `insert into t (a, b) select a, b from
 * ${recordset(rows, 'a uuid, b numeric')}`. One JSON text instead of a parameter per value is
 * cheaper to build, send, parse and bind when a statement carries a batch. Give values as the column
 * type reads them from text: numerics, dates and times as strings (never through a JS float).
 */
export function recordset(rows: readonly Record<string, unknown>[], columns: string): SQL {
  // The LIMIT is the number of rows, so the planner knows it: it estimates 100 rows for any
  // set-returning function, and for an `update … from` a recordset of a few rows it then hashed the
  // whole target table (a sequential scan of every release order, reservation or line, growing with
  // the table) instead of looking each row up by its key.
  return sql`(select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(${sql.raw(columns)})
    limit ${rows.length}) as v`;
}
