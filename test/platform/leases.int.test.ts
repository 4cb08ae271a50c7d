import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../../src/platform/db/client.ts';
import { claimLeases, releaseLeases, startElectedJobs } from '../../src/platform/leases/elector.ts';
import { openTestDatabase, testDbKind } from '../support/db.ts';

/**
 * Job leases (src/platform/leases/elector.ts): one holder per job; a lease another holder let expire
 * is taken over, a live one is not; a holder that stops gives its jobs up at once.
 */
const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
    const stopFirst = startElectedJobs(database.db, [job('first')], { leaseSeconds: 1, log, holder: 'first' });
    await sleep(300);
    const stopSecond = startElectedJobs(database.db, [job('second')], { leaseSeconds: 1, log, holder: 'second' });
    await sleep(1200);
    expect(runs).toEqual(['start first']);
    await stopFirst();
    // The second claims at its next renewal (a third of the lease).
    const deadline = Date.now() + 3000;
    while (!runs.includes('start second') && Date.now() < deadline) await sleep(50);
    await stopSecond();
    expect(runs).toEqual(['start first', 'stop first', 'start second', 'stop second']);
    // Both gave their leases up as they stopped.
    const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from job_leases`);
    expect(Number(row!.n)).toBe(0);
  });
});
