import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openTestDatabase, testDbKind } from '../support/db.ts';
import { deferred, sleep } from '../support/async.ts';
import { queryRows, type Database } from '../../src/platform/db/client.ts';
import { enqueueEvents, readEventsAfter, type NewEvent } from '../../src/platform/outbox/service.ts';

/**
 * Readers take `id > cursor`; ids are drawn in one order and commit in another. These tests show the
 * hazard (a naive reader passes an id that is still open) and that the settled horizon never skips
 * an event and keeps each aggregate's events in commit order. PostgreSQL only: PGlite has one connection.
 */
const event = (aggregateId: string, payload: Record<string, unknown>): NewEvent => ({
  aggregateType: 'test',
  aggregateId,
  eventType: 'Tick',
  payload,
  occurredAt: new Date(),
});

describe.skipIf(testDbKind() !== 'postgres')(
  'outbox readers never skip an event that commits late (PostgreSQL)',
  () => {
    let database: Database;

    beforeAll(async () => {
      database = await openTestDatabase();
      await database.db.execute(sql`create table test_counters (agg text primary key, n int not null)`);
      await database.db.execute(
        sql`create table test_committed (token text primary key, agg text not null, n int not null)`,
      );
      await database.db.execute(sql`create table test_noise (x int)`);
    });
    afterAll(async () => {
      await database?.close();
    });

    it('a reader does not pass an event whose transaction is still open', async () => {
      const enqueued = deferred();
      const release = deferred();
      const slow = database.db.transaction(async (tx) => {
        await enqueueEvents(tx, [event('slow', { token: 'slow' })]);
        enqueued.resolve();
        await release.promise;
      });
      await enqueued.promise;
      await database.db.transaction((tx) => enqueueEvents(tx, [event('fast', { token: 'fast' })]));

      // A naive reader sees the later id only; moving its cursor there would lose the earlier one for good.
      const naive = await queryRows<{ aggregate_id: string }>(
        database.db,
        sql`select aggregate_id from outbox_events order by id`,
      );
      expect(naive.map((r) => r.aggregate_id)).toEqual(['fast']);
      expect(await readEventsAfter(database.db, 0, 100, { maxWaitMs: 300 })).toEqual([]);

      release.resolve();
      await slow;
      const read = await readEventsAfter(database.db, 0, 100);
      expect(read.map((e) => e.aggregateId)).toEqual(['slow', 'fast']);
      expect(read[0]!.id).toBeLessThan(read[1]!.id);
    });

    it('many writers, slow committers and rollbacks: the reader sees every committed event once, in per-aggregate order', async () => {
      const start = (
        await queryRows<{ id: string }>(database.db, sql`select coalesce(max(id), 0)::text as id from outbox_events`)
      )[0]!.id;
      class RolledBack extends Error {}
      const WRITERS = 12;
      const PER_WRITER = 40;
      let writing = true;

      const seen: { id: number; token: string; agg: string }[] = [];
      let naiveMissed = 0;
      const reader = (async () => {
        let cursor = Number(start);
        let naiveCursor = Number(start);
        const naiveSeen = new Set<number>();
        for (;;) {
          const stillWriting = writing;
          // The hazard, measured on the side: a reader without the horizon moves past open ids.
          const naive = await queryRows<{ id: string }>(
            database.db,
            sql`select id::text from outbox_events where id > ${naiveCursor} order by id limit 50`,
          );
          for (const r of naive) {
            naiveSeen.add(Number(r.id));
            naiveCursor = Number(r.id);
          }
          const events = await readEventsAfter(database.db, cursor, 50, { maxWaitMs: 200 });
          for (const e of events) {
            seen.push({ id: e.id, token: (e.payload as { token: string }).token, agg: e.aggregateId });
            cursor = e.id;
          }
          if (!stillWriting && events.length === 0) {
            const all = await queryRows<{ id: string }>(
              database.db,
              sql`select id::text from outbox_events where id > ${Number(start)}`,
            );
            naiveMissed = all.filter((r) => !naiveSeen.has(Number(r.id)) && Number(r.id) <= naiveCursor).length;
            return;
          }
          if (events.length === 0) await sleep(2);
        }
      })();

      await Promise.all(
        Array.from({ length: WRITERS }, async (_, w) => {
          for (let i = 0; i < PER_WRITER; i++) {
            const agg = `agg-${Math.floor(Math.random() * 6)}`;
            const token = `${w}-${i}`;
            try {
              await database.db.transaction(async (tx) => {
                // Half the commands write before their events, so they hold an older transaction id.
                if (Math.random() < 0.5) await tx.execute(sql`insert into test_noise (x) values (${i})`);
                if (Math.random() < 0.2) await sleep(Math.random() * 10);
                await enqueueEvents(tx, [event(agg, { token })]);
                // The aggregate's own counter, taken after the event: its order is the aggregate's commit order.
                const [row] = await queryRows<{ n: number }>(
                  tx,
                  sql`insert into test_counters (agg, n) values (${agg}, 1) on conflict (agg) do update set n = test_counters.n + 1 returning n`,
                );
                await tx.execute(sql`insert into test_committed (token, agg, n) values (${token}, ${agg}, ${row!.n})`);
                if (Math.random() < 0.3) await tx.execute(sql`select pg_sleep(${Math.random() * 0.03})`);
                if (Math.random() < 0.1) throw new RolledBack();
              });
            } catch (err) {
              if (!(err instanceof RolledBack)) throw err;
            }
          }
        }),
      );
      writing = false;
      await reader;

      const committed = await queryRows<{ token: string; agg: string; n: number }>(
        database.db,
        sql`select token, agg, n from test_committed`,
      );
      const tokens = seen.map((s) => s.token);
      expect(new Set(tokens).size).toBe(tokens.length); // exactly once
      expect(new Set(tokens)).toEqual(new Set(committed.map((c) => c.token))); // nothing skipped, nothing rolled back
      expect(seen.map((s) => s.id)).toEqual([...seen.map((s) => s.id)].sort((a, b) => a - b));
      const nOf = new Map(committed.map((c) => [c.token, c.n]));
      const byAgg = new Map<string, number[]>();
      for (const s of seen) byAgg.set(s.agg, [...(byAgg.get(s.agg) ?? []), nOf.get(s.token)!]);
      for (const [agg, ns] of byAgg) expect(ns, agg).toEqual(ns.map((_, i) => i + 1)); // per-aggregate commit order
      // The workload really does commit out of id order: a reader without the horizon lost events.
      expect(naiveMissed).toBeGreaterThan(0);
    });
  },
);
