/**
 * Where a read runs: the primary, or the streaming replica named by DATABASE_READ_URL.
 *
 * Only reads that may be a moment old go to the replica: the routes that ask for it (command-centre
 * panels, officer lists, exports; `replicaRead` in http/reads.ts). Everything else stays on the
 * primary: commands and their answers, detail pages, authentication, idempotency, anything inside a
 * transaction. Even a replica-tolerant read goes to the primary when
 * - the request says so (`X-Tidegate-Read-Primary: 1`),
 * - its caller wrote within the last `ownWriteSeconds` (at least the replica's lag + 1 s), so that a
 *   list read right after one's own write shows it,
 * - the replica is down or further behind than `maxLagSeconds`.
 * A read that fails on the replica because it cannot be reached (or was cancelled by a recovery
 * conflict) runs again on the primary; reads are pure, so running one twice is harmless. The replica
 * being down therefore costs the primary its reads, not the users an error; it is logged once per
 * change of state and counted (`tidegate_reads_total{target="primary",reason="replica-down"}`).
 *
 * Times here are the process's wall clock, not the application clock: they measure replication,
 * which happens in real time even when a test holds the application's clock still.
 */
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { queryRows, type Database, type Db } from './client.ts';

export type ReplicaState = 'unknown' | 'streaming' | 'lagging' | 'down';
export type ReadTarget = 'primary' | 'replica';
export type ReadReason =
  | 'replica'
  | 'no-replica'
  | 'asked'
  | 'own-write'
  | 'replica-down'
  | 'replica-lagging'
  | 'replica-failed';

export interface ReplicaStatus {
  state: ReplicaState;
  /** How far replay is behind what the replica received, in seconds (0 when caught up); null when unknown. */
  lagSeconds: number | null;
  /** When the replica last answered the probe (ISO time), null before it first did. */
  checkedAt: string | null;
  /** Why the replica is down, when it is. */
  error?: string;
}

export interface ReadRequest {
  /** The caller asked for the primary. */
  primary?: boolean;
  /** Who reads (`user:<id>`, `client:<id>`): its own recent writes keep its reads on the primary. */
  who?: string | undefined;
}

export interface ReadRouterOptions {
  ownWriteSeconds: number;
  maxLagSeconds: number;
  log: Logger;
  /** Between two probes of the replica's state and lag. */
  probeMs?: number;
  /** A probe not answered within this marks the replica down. */
  probeTimeoutMs?: number;
  onRead?: (target: ReadTarget, reason: ReadReason) => void;
  onLag?: (seconds: number | null) => void;
}

const PROBE = sql`select pg_is_in_recovery() as recovery,
  case when not pg_is_in_recovery() or pg_last_wal_receive_lsn() is not distinct from pg_last_wal_replay_lsn() then 0
    else extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) end::float8 as lag`;

export class ReadRouter {
  private state: ReplicaState = 'unknown';
  private lag: number | null = null;
  private checkedAt: Date | null = null;
  private error: string | undefined;
  private readonly lastWrite = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private probing: Promise<void> | undefined;

  constructor(
    readonly primary: Database,
    /** Undefined when no replica is configured: every read runs on the primary. */
    readonly replica: Database | undefined,
    private readonly opts: ReadRouterOptions,
  ) {}

  get configured(): boolean {
    return this.replica !== undefined;
  }

  /** The replica's state for /readyz; null when none is configured. */
  status(): ReplicaStatus | null {
    if (!this.replica) return null;
    return {
      state: this.state,
      lagSeconds: this.lag,
      checkedAt: this.checkedAt?.toISOString() ?? null,
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /** A caller's write has committed (its answer is about to be sent). */
  noteWrite(who: string): void {
    if (!this.replica) return;
    const now = Date.now();
    this.lastWrite.set(who, now);
    if (this.lastWrite.size > 10_000) {
      for (const [k, at] of this.lastWrite) if (now - at > this.ownWriteMs()) this.lastWrite.delete(k);
    }
  }

  /** Where a replica-tolerant read of this request runs, and why. */
  choose(req: ReadRequest): { target: ReadTarget; reason: ReadReason } {
    if (!this.replica) return { target: 'primary', reason: 'no-replica' };
    if (req.primary) return { target: 'primary', reason: 'asked' };
    if (req.who) {
      const at = this.lastWrite.get(req.who);
      if (at !== undefined && Date.now() - at < this.ownWriteMs()) return { target: 'primary', reason: 'own-write' };
    }
    if (this.state === 'down') return { target: 'primary', reason: 'replica-down' };
    if (this.state === 'lagging') return { target: 'primary', reason: 'replica-lagging' };
    return { target: 'replica', reason: 'replica' };
  }

  /** Runs a pure read where `choose` says; a replica that cannot answer hands the read to the primary. */
  async run<T>(req: ReadRequest, read: (db: Db, target: ReadTarget) => Promise<T>): Promise<T> {
    const { target, reason } = this.choose(req);
    if (target === 'primary' || !this.replica) {
      if (this.replica) this.opts.onRead?.('primary', reason);
      return read(this.primary.db, 'primary');
    }
    try {
      const result = await read(this.replica.db, 'replica');
      this.opts.onRead?.('replica', 'replica');
      return result;
    } catch (err) {
      const why = failureOf(err);
      if (!why) throw err;
      if (why === 'unreachable') this.markDown(err);
      else if (why === 'wrote') this.opts.log.error({ err }, 'a read sent to the read replica tried to write');
      this.opts.onRead?.('primary', 'replica-failed');
      return read(this.primary.db, 'primary');
    }
  }

  /**
   * Waits (up to `timeoutMs`) until the replica has replayed everything the primary has committed
   * now: for a signal such as the command centre's `changed`, after which pages read again and
   * must find what changed. True when caught up (or there is no replica to wait for).
   */
  async caughtUp(timeoutMs = 2000): Promise<boolean> {
    if (!this.replica || this.state === 'down') return true;
    try {
      const [at] = await queryRows<{ lsn: string }>(this.primary.db, sql`select pg_current_wal_lsn()::text as lsn`);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [r] = await queryRows<{ ok: boolean }>(
          this.replica.db,
          sql`select (not pg_is_in_recovery() or pg_last_wal_replay_lsn() >= ${at!.lsn}::pg_lsn) as ok`,
        );
        if (r?.ok) return true;
        if (Date.now() >= deadline) return false;
        await new Promise((res) => setTimeout(res, 20));
      }
    } catch {
      return false;
    }
  }

  /** Probes the replica's state and lag now and then every `probeMs` (not at all without a replica). */
  start(): void {
    if (!this.replica || this.timer) return;
    void this.probe();
    this.timer = setInterval(() => void this.probe(), this.opts.probeMs ?? 1000);
    this.timer.unref();
  }

  /** One probe (concurrent callers share it). */
  probe(): Promise<void> {
    this.probing ??= this.probeOnce().finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.probing;
    await this.replica?.close();
  }

  private ownWriteMs(): number {
    return Math.max(this.opts.ownWriteSeconds, (this.lag ?? 0) + 1) * 1000;
  }

  private async probeOnce(): Promise<void> {
    if (!this.replica) return;
    let timeout: NodeJS.Timeout | undefined;
    try {
      const answered = queryRows<{ recovery: boolean; lag: number | null }>(this.replica.db, PROBE);
      const late = new Promise<never>((_, reject) => {
        timeout = setTimeout(
          () => reject(new Error('the replica did not answer the probe')),
          this.opts.probeTimeoutMs ?? 5000,
        );
      });
      const [row] = await Promise.race([answered, late]);
      this.lag = row?.lag ?? null;
      this.checkedAt = new Date();
      this.error = undefined;
      const next: ReplicaState = (this.lag ?? 0) > this.opts.maxLagSeconds ? 'lagging' : 'streaming';
      if (next !== this.state) {
        const level = next === 'streaming' ? 'info' : 'warn';
        this.opts.log[level](
          { replica: this.replica.location, lagSeconds: this.lag, maxLagSeconds: this.opts.maxLagSeconds },
          next === 'streaming'
            ? 'read replica serving reads'
            : 'read replica too far behind: its reads go to the primary until it catches up',
        );
      }
      this.state = next;
      this.opts.onLag?.(this.lag);
    } catch (err) {
      this.markDown(err);
    } finally {
      clearTimeout(timeout);
    }
  }

  private markDown(err: unknown): void {
    this.error = err instanceof Error ? err.message : String(err);
    this.lag = null;
    this.opts.onLag?.(null);
    if (this.state === 'down') return;
    this.state = 'down';
    this.opts.log.warn(
      { replica: this.replica?.location, err },
      'read replica unreachable: its reads go to the primary until it answers again',
    );
  }
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/**
 * Why a read failed on the replica, when another try on the primary is the answer: the replica
 * cannot be reached or is shutting down (connection errors, SQLSTATE classes 08 and 57P), a
 * recovery conflict cancelled the query (40001 on a standby), or the read wrote (25006; a bug, logged).
 * Drizzle wraps the driver's error: the code is looked for along the causes.
 */
function failureOf(err: unknown): 'unreachable' | 'conflict' | 'wrote' | null {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (UNREACHABLE.has(code) || code.startsWith('08') || code.startsWith('57P')) return 'unreachable';
    if (code === '40001') return 'conflict';
    if (code === '25006') return 'wrote';
    e = e.cause as typeof e;
  }
  return null;
}
