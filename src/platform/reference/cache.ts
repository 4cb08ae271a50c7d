/**
 * Dated reference data (policy parameters, tariff lines, exchange rates) held in each process by the
 * version it was read under, and never served once a newer version is committed (decision 0009).
 *
 * Every change to a reference table raises its counter in `reference_versions` in the same
 * transaction and sends NOTIFY tidegate_reference '<kind>:<version>' at commit (migration
 * reference_versions). How a process knows the current version:
 *
 * - PGlite is one session in one process: the NOTIFY of a committed change is handed to this
 *   process's listener while the COMMIT's answer is read, before any later statement runs. The
 *   listener raises the kind's local counter, so no request made after the commit can find an entry
 *   of the old counter, and reading the cache costs no round trip.
 * - PostgreSQL may serve several processes, and a NOTIFY reaches the others asynchronously on their
 *   listening connections: a request could arrive at process B before B hears of a change A just
 *   committed. So B reads the counters (one row per kind, one statement) for every request, but one
 *   read serves every request that arrived before it was sent: a read already on its way when a
 *   request arrives is not used by it, because it may have left before a commit the request knows of.
 *   The notification only drops superseded entries early.
 *
 * Only reads through the database handle itself are cached; a read inside a transaction goes to the
 * database as before (it must see what its transaction sees).
 */
import type { Database, Db, Executor } from '../db/client.ts';
import { quotedTableName } from '../db/rows.ts';
import { referenceVersions } from './schema.ts';

export type ReferenceKind = 'parameters' | 'tariff' | 'exchange_rates';
const KINDS: readonly ReferenceKind[] = ['parameters', 'tariff', 'exchange_rates'];
export const REFERENCE_CHANNEL = 'tidegate_reference';

/** The counters' read (on every request on PostgreSQL, at start on PGlite): one text, built once. */
const READ_VERSIONS = `select kind, version::text as version from ${quotedTableName(referenceVersions)}`;

/** Entries per kind before the kind's memo is emptied (a tariff of 10,000 codes asked at random). */
const MAX_ENTRIES = 20_000;

type Versions = ReadonlyMap<ReferenceKind, number>;

interface Entry {
  version: number;
  value: unknown;
}

export class ReferenceCache {
  private readonly entries = new Map<ReferenceKind, Map<string, Entry>>(KINDS.map((k) => [k, new Map()]));
  /** PGlite: the database's counters, read at start and then as the notifications left them. */
  private readonly local = new Map<ReferenceKind, number>(KINDS.map((k) => [k, 0]));
  /** PostgreSQL: the read on its way, and the one that will leave after it (for requests arriving meanwhile). */
  private inFlight: Promise<Versions> | null = null;
  private next: { promise: Promise<Versions>; resolve: (v: Versions) => void; reject: (e: unknown) => void } | null =
    null;
  /** Figures for tests and benchmarks. */
  readonly stats = { hits: 0, loads: 0, versionReads: 0, notifications: 0 };

  private constructor(
    private readonly database: Database,
    private readonly inProcess: boolean,
  ) {}

  /** Starts listening; a handle that cannot listen gets no cache (reads go to the database). */
  static async attach(database: Database): Promise<ReferenceCache | null> {
    if (database.kind === 'pglite' && database.pglite) {
      const cache = new ReferenceCache(database, true);
      // The database's own counters to start from, so an entry's tag is the counter a transaction
      // reads (peek); the notifications carry each new value.
      const { rows } = await database.pglite.query<{ kind: string; version: string }>(READ_VERSIONS);
      for (const r of rows)
        if (KINDS.includes(r.kind as ReferenceKind)) cache.local.set(r.kind as ReferenceKind, +r.version);
      await database.pglite.listen(REFERENCE_CHANNEL, (payload) => cache.notified(payload));
      return cache;
    }
    if (database.kind === 'postgres' && database.postgres) {
      const cache = new ReferenceCache(database, false);
      await database.postgres.listen(REFERENCE_CHANNEL, (payload) => cache.notified(payload));
      return cache;
    }
    return null;
  }

  private notified(payload: string): void {
    this.stats.notifications++;
    const [kind, version] = payload.split(':');
    const v = Number(version);
    if (!KINDS.includes(kind as ReferenceKind) || !Number.isSafeInteger(v)) {
      // Not a notification of ours (someone's NOTIFY by hand): forget everything, to be safe.
      for (const memo of this.entries.values()) memo.clear();
      return;
    }
    const k = kind as ReferenceKind;
    // PGlite: the counter this commit left (a commit's notifications arrive in order, in this process).
    if (this.inProcess) this.local.set(k, Math.max(this.local.get(k)!, v));
    else {
      // Drop what the new version supersedes; the per-request read stays the guarantee.
      const memo = this.entries.get(k)!;
      for (const [key, e] of memo) if (!(e.version >= v)) memo.delete(key);
    }
  }

  /** The current counters: no round trip on PGlite, one shared read on PostgreSQL. */
  private versions(): Promise<Versions> | Versions {
    if (this.inProcess) return this.local;
    // A read queued behind the one on its way leaves after this request arrived: share it.
    if (this.next) return this.next.promise;
    if (!this.inFlight) return this.send();
    // The read on its way may have left before a commit this request follows: queue the next one.
    let resolve!: (v: Versions) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<Versions>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.next = { promise, resolve, reject };
    return promise;
  }

  private send(): Promise<Versions> {
    const read = this.readVersions();
    this.inFlight = read;
    const settle = () => {
      this.inFlight = null;
      const queued = this.next;
      this.next = null;
      if (queued) this.send().then(queued.resolve, queued.reject);
    };
    read.then(settle, settle);
    return read;
  }

  private async readVersions(): Promise<Versions> {
    this.stats.versionReads++;
    const rows = await this.database.postgres!.unsafe<{ kind: string; version: string }[]>(READ_VERSIONS, [], {
      prepare: true,
    });
    return new Map(rows.map((r) => [r.kind as ReferenceKind, Number(r.version)]));
  }

  /**
   * The value of `key` for the current version of `kind`: from memory when it was read under that
   * version, else loaded (after the version was known, so never older than it) and kept.
   */
  async get<T>(kind: ReferenceKind, key: string, load: () => Promise<T>): Promise<T> {
    const vs = this.versions();
    const version = (vs instanceof Map ? vs : await vs).get(kind);
    if (version === undefined) return load(); // the counter row is missing: do not cache
    const memo = this.entries.get(kind)!;
    const hit = memo.get(key);
    if (hit && hit.version === version) {
      this.stats.hits++;
      return hit.value as T;
    }
    this.stats.loads++;
    const value = await load();
    // On PGlite a commit may have raised the counter while loading: keep the entry under the counter
    // read before the load, so it is not used after that commit.
    if (memo.size >= MAX_ENTRIES) memo.clear();
    memo.set(key, { version, value });
    return value;
  }

  /**
   * The value of `key` if it is held under exactly `version`, without loading: for a transaction,
   * which learns the counter itself (it may see its own uncommitted change, which no entry is ever
   * kept under: entries are kept only under counters read through the handle, i.e. committed ones).
   */
  peek<T>(kind: ReferenceKind, key: string, version: number): T | undefined {
    const hit = this.entries.get(kind)!.get(key);
    if (!hit || hit.version !== version) return undefined;
    this.stats.hits++;
    return hit.value as T;
  }
}

/** Cached values are shared by every request of a version: frozen, so changing one in place fails loudly. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const caches = new WeakMap<object, ReferenceCache>();

/** Gives the handle a cache (idempotent); called once the migrations have run. */
export async function useReferenceCache(database: Database): Promise<void> {
  if (caches.has(database.db)) return;
  const cache = await ReferenceCache.attach(database);
  if (cache) caches.set(database.db, cache);
}

/** The cache of a database handle, or null for a transaction or a handle without one. */
export function referenceCacheOf(ex: Executor): ReferenceCache | null {
  return caches.get(ex as Db) ?? null;
}

const transactionCaches = new WeakMap<object, ReferenceCache>();

/** A bound transaction opened inside another bound one (a savepoint): the one it was opened in. */
const enclosing = new WeakMap<object, object>();

/**
 * Ties a transaction to the cache of the handle it was opened on (the transaction itself does not
 * say which database it belongs to, and two databases' counters are unrelated): src/platform/command.ts.
 * A transaction opened inside a bound transaction (a command run inside another, as every command of
 * the demo seed runs inside the seed's one transaction) shares its cache and remembers it as the one
 * enclosing it (`enclosingTransaction`).
 */
export function bindTransactionCache(tx: object, db: Executor): void {
  const cache = caches.get(db as Db);
  if (cache) {
    transactionCaches.set(tx, cache);
    return;
  }
  const outer = transactionCaches.get(db);
  if (!outer) return;
  transactionCaches.set(tx, outer);
  enclosing.set(tx, db);
}

/** The bound transaction `tx` was opened in (it is a savepoint of it), or null. */
export function enclosingTransaction(tx: Executor): Executor | null {
  return (enclosing.get(tx) as Executor | undefined) ?? null;
}

/** The cache of the handle a transaction was opened on, or null (not bound, or a handle without one). */
export function transactionCacheOf(tx: Executor): ReferenceCache | null {
  return transactionCaches.get(tx) ?? null;
}
