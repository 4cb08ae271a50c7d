import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Database } from '../../src/platform/db/client.ts';
import { claimLeases, releaseLeases, startElectedJobs } from '../../src/platform/leases/elector.ts';
import { openTestDatabase, testDbKind } from '../support/db.ts';

/**
 * Job leases (src/platform/leases/elector.ts): one holder per job; a lease another holder let expire
 * is taken over, a live one is not; a holder that stops gives its jobs up at once.
 */
const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for a condition, polling, for as long as a loaded machine may need (a minute). */
async function until(condition: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within a minute');
    await sleep(20);
  }
}

describe(`job leases on ${testDbKind()}`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('one holder per job until its lease expires or it releases it', async () => {
    const jobs = ['lease-test: a', 'lease-test: b'];
    expect(await claimLeases(database.db, 'one', jobs, 60)).toEqual(jobs);
    expect(await claimLeases(database.db, 'two', jobs, 60)).toEqual([]);
    // The holder renews its own.
    expect((await claimLeases(database.db, 'one', jobs, 60)).sort()).toEqual(jobs);
    // 'one' dies: its lease of a runs out; 'two' takes a, not b.
    await database.db.execute(
      sql`update job_leases set expires_at = now() - interval '1 second' where job = ${jobs[0]!}`,
    );
    expect(await claimLeases(database.db, 'two', jobs, 60)).toEqual([jobs[0]]);
    expect(await claimLeases(database.db, 'one', jobs, 60)).toEqual([jobs[1]]);
    await releaseLeases(database.db, 'two');
    expect((await claimLeases(database.db, 'one', jobs, 60)).sort()).toEqual(jobs);
    await releaseLeases(database.db, 'one');
  });

  it('two electors: a job runs in one; when that one stops, the other starts it', async () => {
    const runs: string[] = [];
    const job = (who: string) => ({
      name: 'lease-test: elected',
      start: () => {
        runs.push(`start ${who}`);
        return () => void runs.push(`stop ${who}`);
      },
    });
    // A lease long enough that a renewal a loaded machine delays never lets it lapse (the holder
    // renews every third of it): what is checked is who runs and in what order, not how fast.
    const leaseSeconds = 6;
    const stopFirst = startElectedJobs(database.db, [job('first')], { leaseSeconds, log, holder: 'first' });
    await until(() => runs.includes('start first'));
    // The second elector's claims, counted as they come back.
    let claims = 0;
    const counted = new Proxy(database.db, {
      get: (db, prop) =>
        prop === 'execute'
          ? async (query: SQL) => {
              const result = await db.execute(query);
              claims += 1;
              return result;
            }
          : Reflect.get(db, prop, db),
    });
    const stopSecond = startElectedJobs(counted, [job('second')], { leaseSeconds, log, holder: 'second' });
    // Two claims of the second have come back while the first holds the lease: it runs nowhere else.
    await until(() => claims >= 2);
    expect(runs).toEqual(['start first']);
    await stopFirst();
    // The second claims at its next renewal (a third of the lease).
    await until(() => runs.includes('start second'));
    await stopSecond();
    expect(runs).toEqual(['start first', 'stop first', 'start second', 'stop second']);
    // Both gave their leases up as they stopped.
    const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from job_leases`);
    expect(Number(row!.n)).toBe(0);
  });
});
