import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { pgArray, queryRows, type Db } from '../db/client.ts';
import { jobLeases } from './schema.ts';

/** Stops what a job started; awaited before its lease is given up. */
export type StopJob = () => void | Promise<void>;

export interface ElectedJob {
  /** Unique across the cluster, e.g. `ledger: expired reservations released periodically`. */
  name: string;
  start: () => StopJob;
}

export interface ElectionOptions {
  /**
   * How long a lease lasts without renewal. The holder renews every third of it; when a holder dies
   * without giving its leases up, another process starts its jobs at most `leaseSeconds` plus one
   * renewal interval later (a holder that stops cleanly gives them up at once).
   */
  leaseSeconds: number;
  log: Logger;
  /** Who this process is in `job_leases.holder` (tests name their processes). */
  holder?: string;
}

export const processHolder = () => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/**
 * Takes (or renews) the lease of every job that is free, expired or already this holder's, in one
 * statement; returns the jobs this holder now holds. Database time decides expiry, so processes on
 * machines whose clocks differ still agree.
 */
export async function claimLeases(db: Db, holder: string, jobs: readonly string[], seconds: number): Promise<string[]> {
  if (jobs.length === 0) return [];
  const rows = await queryRows<{ job: string }>(
    db,
    sql`insert into ${jobLeases} (job, holder, expires_at, acquired_at)
        select j, ${holder}, now() + make_interval(secs => ${seconds}), now() from unnest(${pgArray(jobs)}::text[]) j
        on conflict (job) do update set holder = excluded.holder, expires_at = excluded.expires_at,
          acquired_at = case when ${jobLeases}.holder = excluded.holder then ${jobLeases}.acquired_at
                             else excluded.acquired_at end
        where ${jobLeases}.holder = excluded.holder or ${jobLeases}.expires_at < now()
        returning job`,
  );
  return rows.map((r) => r.job);
}

export async function releaseLeases(db: Db, holder: string): Promise<void> {
  await db.execute(sql`delete from ${jobLeases} where holder = ${holder}`);
}

/**
 * Runs each job in one process of all those sharing the database: a process starts a job when it
 * holds its lease and stops it when it lost it (it could not renew in time). Jobs are spread over
 * the processes by whoever claims first. A holder that stalls past its lease (a long pause) may
 * overlap the next holder briefly; every job is safe to run twice at once (each re-reads what is
 * due under its own locks), election only keeps it from running everywhere.
 */
export function startElectedJobs(db: Db, jobs: readonly ElectedJob[], opts: ElectionOptions): () => Promise<void> {
  const holder = opts.holder ?? processHolder();
  const leaseMs = opts.leaseSeconds * 1000;
  const renewMs = Math.max(200, Math.floor(leaseMs / 3));
  const running = new Map<string, StopJob>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let lastRenewed = -Infinity;
  let current: Promise<void> = Promise.resolve();

  const stopJob = async (name: string, why: string) => {
    const stop = running.get(name);
    if (!stop) return;
    running.delete(name);
    await stop();
    opts.log.info({ job: name, holder, why }, 'scheduled job stopped in this process');
  };

  const tick = async () => {
    const began = performance.now();
    let held: Set<string>;
    try {
      held = new Set(
        await claimLeases(
          db,
          holder,
          jobs.map((j) => j.name),
          opts.leaseSeconds,
        ),
      );
      lastRenewed = began;
    } catch (err) {
      opts.log.warn({ err, holder }, 'could not renew the job leases; retrying');
      // Past our last lease another process may have the jobs: stop them rather than run twice.
      if (performance.now() - lastRenewed >= leaseMs) {
        for (const name of [...running.keys()]) await stopJob(name, 'lease not renewed');
      }
      return;
    }
    for (const job of jobs) {
      if (stopped) return;
      if (held.has(job.name) && !running.has(job.name)) {
        running.set(job.name, job.start());
        opts.log.info({ job: job.name, holder }, 'scheduled job started in this process (lease taken)');
      } else if (!held.has(job.name)) await stopJob(job.name, 'lease held by another process');
    }
  };

  const loop = () => {
    if (stopped) return;
    current = tick().finally(() => {
      if (stopped) return;
      timer = setTimeout(loop, renewMs);
      timer.unref();
    });
  };
  loop();

  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await current.catch(() => {});
    for (const name of [...running.keys()]) await stopJob(name, 'shutdown');
    // Given up at once, so another process takes the jobs at its next renewal, not after the lease.
    await releaseLeases(db, holder).catch((err: unknown) => opts.log.warn({ err }, 'could not release job leases'));
  };
}
