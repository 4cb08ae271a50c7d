import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { openTestDatabase, testDbKind } from '../support/db.ts';
import { preparedStatements, queryRows, type Database, type Db } from '../../src/platform/db/client.ts';

/**
 * postgres.js binds a connection to `sql.begin`'s transaction in a hook it skips when BEGIN fills the
 * connection's pipeline: BEGIN runs on the server, the driver fails the transaction with
 * UNSAFE_TRANSACTION and hands the connection, still inside a transaction, to other queries. With
 * `max_pipeline: 0` every BEGIN fills it, so the driver's own begin always fails; Tidegate's reserves
 * the connection before BEGIN and must never fail that way, under any pipeline.
 */
describe.runIf(testDbKind() === 'postgres')('transactions start on a reserved connection (postgres)', () => {
  let database: Database;
  const clients: postgres.Sql[] = [];
  /** A pool of its own, named so its connections can be told apart; `max_pipeline` is an option its types omit. */
  const client = (name: string, options: { max: number; max_pipeline: number }) => {
    const c = postgres(database.url!, { onnotice: () => {}, connection: { application_name: name }, ...options });
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    database = await openTestDatabase();
    await database.db.execute(sql`create table tx_start_probe (id int primary key, note text)`);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end({ timeout: 5 })));
    await database?.close();
  });

  it("the driver's own begin fails where BEGIN fills the pipeline (the defect worked around)", async () => {
    const raw = client('tx-start-raw', { max: 2, max_pipeline: 0 });
    await expect(raw.begin((tx) => tx`select 1`)).rejects.toMatchObject({ code: 'UNSAFE_TRANSACTION' });
    // And the connection it gave up stays inside the transaction BEGIN opened, back in the pool.
    const [open] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from pg_stat_activity
          where application_name = 'tx-start-raw' and state like 'idle in transaction%'`,
    );
    expect(open!.n).toBe(1);
  });

  it('commits, rolls back, and keeps savepoints, with no pipeline at all and with a busy pool', async () => {
    for (const pipeline of [0, 3]) {
      const name = `tx-start-${pipeline}`;
      const db = drizzle({
        client: preparedStatements(client(name, { max: 2, max_pipeline: pipeline })),
      }) as unknown as Db;
      await db.execute(sql`delete from tx_start_probe`);
      const ids = Array.from({ length: 60 }, (_, i) => i);
      // Transactions beside plain queries that keep both connections' pipelines full.
      const results = await Promise.allSettled([
        ...ids.map((id) =>
          db.transaction(async (tx) => {
            await tx.execute(sql`insert into tx_start_probe values (${id}, 'kept')`);
            if (id % 3 === 0) throw new Error('rolled back');
            if (id % 3 === 1) {
              await tx
                .transaction(async (inner) => {
                  await inner.execute(sql`update tx_start_probe set note = 'undone' where id = ${id}`);
                  throw new Error('savepoint rolled back');
                })
                .catch(() => {});
            }
            const [row] = await queryRows<{ txid: string }>(tx, sql`select txid_current_if_assigned()::text as txid`);
            return row!.txid;
          }),
        ),
        ...ids.map((id) => db.execute(sql`select pg_sleep(0.001), ${id}::int`)),
      ]);
      const failures = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
      expect(failures.map((e: Error) => e.message).sort()).toEqual(Array(20).fill('rolled back'));
      const rows = await queryRows<{ id: number; note: string }>(
        db,
        sql`select id, note from tx_start_probe order by id`,
      );
      expect(rows).toEqual(ids.filter((id) => id % 3 !== 0).map((id) => ({ id, note: 'kept' })));
      // Each transaction its own: forty distinct transaction ids, and no connection left inside one.
      const txids = results.filter((r) => r.status === 'fulfilled').slice(0, 40);
      expect(new Set(txids.map((r) => (r as PromiseFulfilledResult<unknown>).value)).size).toBe(40);
      const [state] = await queryRows<{ open: number }>(
        db,
        sql`select count(*)::int as open from pg_stat_activity
            where application_name = ${name} and state like 'idle in transaction%'`,
      );
      expect(state!.open).toBe(0);
    }
  });
});
