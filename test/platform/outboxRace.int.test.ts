import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type Database } from '../../src/platform/db/client.ts';
import { systemClock } from '../../src/kernel/clock.ts';
import { DEFAULT_DISPATCH, Dispatcher } from '../../src/platform/outbox/dispatcher.ts';
import { cursorOf, enqueueEvents, type OutboxEvent } from '../../src/platform/outbox/service.ts';
import { openTestDatabase, testDbKind } from '../support/db.ts';

/**
 * Two processes' dispatchers on one outbox, racing for the same consumer (each API process subscribes
 * every consumer). With the per-consumer lock (`exclusive`, on by default on PostgreSQL) every event
 * is handled once and the cursor ends at the last one; without it, both read the same cursor and
 * deliver the same events twice, which is what the lock prevents. PostgreSQL only: PGlite is one
 * process.
 */
const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(testDbKind() !== 'postgres')(
  'two dispatchers racing on one consumer (PostgreSQL; skipped on PGlite: one process only)',
  () => {
    let first: Database;
    let second: Database;
    let lastEventId = 0;

    beforeAll(async () => {
      first = await openTestDatabase();
      // A second pool on the same database: another process's connections.
      second = await openDatabase({ databaseUrl: first.url!, poolSize: 5 });
      for (let tx = 0; tx < 30; tx++) {
        await first.db.transaction((t) =>
          enqueueEvents(
            t,
            Array.from({ length: 10 }, (_, i) => ({
              aggregateType: 'test',
              aggregateId: `agg-${(tx * 10 + i) % 7}`,
              eventType: 'Tick',
              payload: { n: tx * 10 + i },
              occurredAt: new Date(),
            })),
          ),
        );
      }
      const [row] = await queryRows<{ id: string }>(first.db, sql`select max(id)::text as id from outbox_events`);
      lastEventId = Number(row!.id);
    });
    afterAll(async () => {
      await second?.close();
      await first?.close();
    });

    async function race(consumer: string, exclusive: boolean): Promise<number[]> {
      const seen: number[] = [];
      const handle = async (e: OutboxEvent) => {
        seen.push(e.id);
        await sleep(1);
      };
      const options = { ...DEFAULT_DISPATCH, batchSize: 50, exclusive };
      const dispatchers = [first, second].map((d) => new Dispatcher(d.db, systemClock, log, options));
      for (const d of dispatchers) d.subscribe(consumer, handle);
      for (let round = 0; round < 50; round++) {
        await Promise.all(dispatchers.map((d) => d.drain()));
        if ((await cursorOf(first.db, consumer)) >= lastEventId) break;
      }
      return seen;
    }

    it('with the lock, each event is handled once and the cursor ends at the last event', async () => {
      const seen = await race('race-locked', true);
      expect(seen).toHaveLength(300);
      expect(new Set(seen).size).toBe(300);
      // In id order: a consumer sees events one round after another, never two rounds at once.
      expect(seen).toEqual([...seen].sort((x, y) => x - y));
      expect(await cursorOf(first.db, 'race-locked')).toBe(lastEventId);
    });

    it('without it, the two dispatchers deliver the same events twice (the race the lock closes)', async () => {
      const seen = await race('race-unlocked', false);
      expect(new Set(seen).size).toBe(300);
      expect(seen.length).toBeGreaterThan(300);
      expect(await cursorOf(first.db, 'race-unlocked')).toBe(lastEventId);
    });
  },
);
