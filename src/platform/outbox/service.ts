import { asc, eq, gt, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { lockChain } from '../audit/service.ts';
import { outboxCursors, outboxEvents } from './schema.ts';

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

/**
 * Writes events in the command's transaction. The chain lock makes ids commit in order, so a
 * consumer reading `id > cursor` can never skip an event that commits late.
 */
export async function enqueueEvents(tx: Executor, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await lockChain(tx);
  await tx.insert(outboxEvents).values(events.map((e) => ({ ...e, payload: e.payload as object })));
}

export async function readEventsAfter(ex: Executor, after: number, limit: number): Promise<OutboxEvent[]> {
  return ex.select().from(outboxEvents).where(gt(outboxEvents.id, after)).orderBy(asc(outboxEvents.id)).limit(limit);
}

export async function cursorOf(ex: Executor, consumer: string): Promise<number> {
  const [row] = await ex.select({ position: outboxCursors.position }).from(outboxCursors).where(eq(outboxCursors.consumer, consumer));
  return row?.position ?? 0;
}

export async function saveCursor(ex: Executor, consumer: string, position: number, lastError: string | null, now: Date): Promise<void> {
  await ex
    .insert(outboxCursors)
    .values({ consumer, position, lastError, updatedAt: now })
    .onConflictDoUpdate({ target: outboxCursors.consumer, set: { position, lastError, updatedAt: now } });
}

export async function latestEventId(ex: Executor): Promise<number> {
  const [row] = await ex.select({ id: sql<number>`coalesce(max(${outboxEvents.id}), 0)::bigint` }).from(outboxEvents);
  return Number(row?.id ?? 0);
}
