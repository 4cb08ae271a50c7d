import net from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openTestDatabase, testDbKind } from '../support/db.ts';
import { connectionLost, openDatabase, queryRows, type Database } from '../../src/platform/db/client.ts';
import { toProblem } from '../../src/platform/http/problemReply.ts';

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * What a failover does to the application's connections (docs/operations.md, "High availability"),
 * on one PostgreSQL server: a transaction's connection killed under it, and a multi-host URL whose
 * first host is down. PGlite has no connection to lose; these run on PostgreSQL only.
 */
describe.runIf(testDbKind() === 'postgres')('connections lost and hosts down (postgres)', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('a transaction whose connection is killed between two statements fails with a 503; the pool goes on', async () => {
    // postgres.js 3.4.9 sends the next statement to the dropped socket from a timer and the process
    // dies of an exception nobody can catch (porsager/postgres#1208): here it must fail, retryably.
    const own = await openDatabase({ databaseUrl: database.url!, poolSize: 2 });
    try {
      const err = await own.db
        .transaction(async (tx) => {
          const [me] = await queryRows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`);
          await database.db.execute(sql`select pg_terminate_backend(${me!.pid})`);
          await new Promise((r) => setTimeout(r, 300));
          await tx.execute(sql`select 1`);
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(connectionLost(err)).toBe(true);
      expect(toProblem(err).status).toBe(503);
      // The killed connection is not handed back as an open one: every next transaction works.
      for (let i = 0; i < 4; i++) {
        const [row] = await own.db.transaction((tx) => queryRows<{ n: number }>(tx, sql`select ${i}::int as n`));
        expect(row!.n).toBe(i);
      }
    } finally {
      await own.close();
    }
  });

  it('a multi-host URL with the first host down and target_session_attrs=primary reaches the primary', async () => {
    const dead = await closedPort();
    const url = database.url!.replace(/@([^/@]+)\//, `@127.0.0.1:${dead},$1/`);
    expect(url).toContain(`127.0.0.1:${dead},`);
    const own = await openDatabase({
      databaseUrl: `${url}${url.includes('?') ? '&' : '?'}target_session_attrs=primary`,
    });
    try {
      for (let i = 0; i < 3; i++) {
        const [row] = await own.db.transaction((tx) =>
          queryRows<{ standby: boolean }>(tx, sql`select pg_is_in_recovery() as standby`),
        );
        expect(row!.standby).toBe(false);
      }
    } finally {
      await own.close();
    }
  });
});
