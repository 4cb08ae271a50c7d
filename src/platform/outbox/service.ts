import { and, asc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import { pgArray, recordset, type Executor } from '../db/client.ts';
import { sha256Hex } from '../crypto.ts';
import { outboxCursors, outboxEvents } from './schema.ts';
import { settledHorizon, type HorizonOptions } from './horizon.ts';

export interface NewEvent {
  aggregateType: string;
  aggregateId: string;
  eventType: string;
  payload: unknown;
  occurredAt: Date;
  auditSeq?: number;
}

export interface OutboxEvent {
  id: number;
  aggregateType: string;
  aggregateId: string;
  eventType: string;
  payload: unknown;
  auditSeq: number | null;
  occurredAt: Date;
}

export const OUTBOX_SEQUENCE = 'outbox_events_id_seq';

/** Advisory lock class of the per-aggregate locks (the key is a hash of the aggregate). */
const AGGREGATE_LOCK_CLASS = 7355611;

function aggregateLockKey(type: string, id: string): number {
  return Buffer.from(sha256Hex(`${type}:${id}`).slice(0, 8), 'hex').readInt32BE(0);
}

/**
 * Writes events in the command's transaction, without any global lock. Two things happen before the
 * ids are drawn, in one statement:
 * - a transaction-scoped lock per aggregate (in key order, so two commands never wait on each other
 *   in a circle), held until commit: a later command on the same aggregate draws its ids after this
 *   one committed, so id order is per-aggregate commit order;
 * - the transaction id is taken, so it is older than any fence taken after the ids (horizon.ts).
 */
export async function enqueueEvents(tx: Executor, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const keys = [...new Set(events.map((e) => aggregateLockKey(e.aggregateType, e.aggregateId)))].sort((a, b) => a - b);
  const rows = events.map((e) => ({
    aggregate_type: e.aggregateType,
    aggregate_id: e.aggregateId,
    event_type: e.eventType,
    payload: e.payload,
    audit_seq: e.auditSeq ?? null,
    occurred_at: e.occurredAt.toISOString(),
  }));
  await tx.execute(sql`
    with locked as materialized (
      select pg_advisory_xact_lock(${AGGREGATE_LOCK_CLASS}::int, k) from unnest(${pgArray(keys)}::int[]) as keys(k)),
    xact as materialized (select pg_current_xact_id() as tx_id from (select count(*) from locked) l)
    insert into ${outboxEvents} (tx_id, aggregate_type, aggregate_id, event_type, payload, audit_seq, occurred_at)
    select xact.tx_id, v.aggregate_type, v.aggregate_id, v.event_type, v.payload, v.audit_seq, v.occurred_at
    from xact cross join
      ${recordset(
        rows,
        'aggregate_type text, aggregate_id text, event_type text, payload jsonb, audit_seq ' +
          'bigint, occurred_at timestamptz',
      )}`);
}

/**
 * Events after `after` up to `horizon` (a settled horizon: nothing at or below it can still appear),
 * of the given types only when `eventTypes` is given.
 */
export async function readEventsBetween(
  ex: Executor,
  after: number,
  horizon: number,
  limit: number,
  eventTypes?: readonly string[],
): Promise<OutboxEvent[]> {
  if (horizon <= after || eventTypes?.length === 0) return [];
  const range = and(gt(outboxEvents.id, after), lte(outboxEvents.id, horizon));
  return ex
    .select()
    .from(outboxEvents)
    .where(eventTypes ? and(range, inArray(outboxEvents.eventType, [...eventTypes])) : range)
    .orderBy(asc(outboxEvents.id))
    .limit(limit);
}

/** The settled horizon of the outbox; null while older transactions are still open (read again later). */
export function outboxHorizon(ex: Executor, opts?: HorizonOptions): Promise<number | null> {
  return settledHorizon(ex, OUTBOX_SEQUENCE, opts);
}

/**
 * Events after `after`, in id order, never skipping one that commits late: only events up to the
 * settled horizon are returned. Call outside a writing transaction.
 */
export async function readEventsAfter(
  ex: Executor,
  after: number,
  limit: number,
  opts?: HorizonOptions,
): Promise<OutboxEvent[]> {
  const horizon = await outboxHorizon(ex, opts);
  return horizon === null ? [] : readEventsBetween(ex, after, horizon, limit);
}

export async function cursorOf(ex: Executor, consumer: string): Promise<number> {
  const [row] = await ex
    .select({ position: outboxCursors.position })
    .from(outboxCursors)
    .where(eq(outboxCursors.consumer, consumer));
  return row?.position ?? 0;
}

export async function saveCursor(
  ex: Executor,
  consumer: string,
  position: number,
  lastError: string | null,
  now: Date,
): Promise<void> {
  await ex
    .insert(outboxCursors)
    .values({ consumer, position, lastError, updatedAt: now })
    .onConflictDoUpdate({ target: outboxCursors.consumer, set: { position, lastError, updatedAt: now } });
}

/** A position to start a new consumer "from now": every event at or below it has settled. */
export async function latestEventId(ex: Executor): Promise<number> {
  const horizon = await outboxHorizon(ex, { maxWaitMs: 30_000 });
  if (horizon === null)
    throw new Error('outbox writers older than 30 s are still open; try again when they have finished');
  return horizon;
}
