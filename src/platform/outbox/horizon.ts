import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';

/**
 * How a reader of `id > cursor` never skips a row that commits late, without a lock on the writers.
 *
 * Ids come from a sequence, so they are drawn in one order and commit in another: a reader that saw
 * id 11 and moved its cursor there would never see id 10 if 10 committed after. The horizon is the
 * highest id below which nothing can still appear:
 *   1. a fence (one SQL function): read the sequence's last drawn id L, then draw a fresh transaction
 *      id F. A writer takes its transaction id before it draws a row id (enqueueEvents makes sure),
 *      so every transaction that drew an id ≤ L is older than F;
 *   2. wait until no transaction older than F is running in this database — usually at once, at
 *      worst as long as the slowest command that was open at step 1;
 *   3. every id ≤ L has now committed or never will, and a statement that starts now sees all of
 *      them: L is the horizon.
 * Works on PostgreSQL and PGlite alike (PGlite has one connection, so step 2 is immediate).
 */
export interface HorizonOptions {
  /** Give up after this long (returns null: read nothing new now, try again later). */
  maxWaitMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The settled horizon of `sequence` (e.g. `outbox_events_id_seq`), or null when transactions older
 * than the fence are still running after `maxWaitMs`. Call it on the database, outside any
 * transaction: inside one, the fence would not be fresh (the function refuses if the transaction
 * has written) and session statistics would not move.
 */
export async function settledHorizon(
  ex: Executor,
  sequence: string,
  opts: HorizonOptions = {},
): Promise<number | null> {
  const [fence] = await queryRows<{ last_id: string; fence: string }>(
    ex,
    sql`select last_id::text as last_id, fence::text as fence from tidegate_sequence_fence(${sequence}::regclass)`,
  );
  const deadline = Date.now() + (opts.maxWaitMs ?? 2000);
  for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
    const [row] = await queryRows<{ settled: boolean }>(
      ex,
      sql`select tidegate_fence_settled(${fence!.fence}::xid8) as settled`,
    );
    if (row?.settled) return Number(fence!.last_id);
    if (Date.now() >= deadline) return null;
    await sleep(pause);
  }
}
