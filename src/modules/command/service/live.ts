/**
 * Live updates of the command centre by server-sent events: a live consumer of the outbox (its
 * cursor in this process, see the dispatcher's `live` option) tells every open stream of this
 * process which kinds of events committed, at most once per `coalesceMs`; the page then reads the
 * summary again. No table is polled for it.
 */
import type { ServerResponse } from 'node:http';
import type { AppContext } from '../../../platform/context.ts';
import type { OutboxEvent } from '../../../platform/outbox/service.ts';

/** The events that move a panel of the centre. */
export const LIVE_EVENT_TYPES = [
  'ReleaseOrderPassed',
  'ReleaseOrderDiverted',
  'ReleaseOrderIssued',
  'ReleaseOrderCancelled',
  'InspectionCompleted',
  'DeclarationSubmitted',
  'DeclarationStateChanged',
  'TaxBillIssued',
  'RiskAssessed',
  'RiskOutcomeRecorded',
] as const;

export interface LiveFeed {
  /** Adds a stream; returns the function that removes it. */
  add(res: ServerResponse): () => void;
  readonly size: number;
  /** Goes up with every batch of events delivered: a result computed before is older than a change. */
  readonly version: number;
  /** Ends every stream (server shutdown). */
  closeAll(): void;
}

const HEARTBEAT_MS = 15_000;

export function startLiveFeed(ctx: AppContext, opts: { coalesceMs?: number } = {}): LiveFeed {
  const streams = new Set<ServerResponse>();
  const coalesceMs = opts.coalesceMs ?? 100;
  let pending = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let seq = 0;
  let version = 0;
  let closed = false;

  const send = (chunk: string) => {
    for (const res of streams) res.write(chunk);
  };
  const flush = async () => {
    if (pending.size === 0) {
      timer = undefined;
      return;
    }
    const counts = Object.fromEntries(pending);
    pending = new Map();
    // The page reads the summary again on `changed`, from the read replica when there is one: told
    // once the replica has replayed these events (or after 2 s, late rather than never). Events
    // arriving meanwhile wait in `pending` (the timer is still set) for the next message.
    await ctx.reads.caughtUp();
    timer = undefined;
    if (closed) return;
    send(
      `id: ${++seq}\nevent: changed\n` +
        `data: ${JSON.stringify({ events: counts, at: ctx.clock.now().toISOString() })}\n\n`,
    );
    if (pending.size) timer = setTimeout(() => void flush(), coalesceMs);
  };
  ctx.dispatcher.subscribeBatch(
    'command-centre-live',
    async (events: readonly OutboxEvent[]) => {
      if (events.length) version++;
      for (const e of events) pending.set(e.eventType, (pending.get(e.eventType) ?? 0) + 1);
      // Many commits a second at a busy port: one message per interval, not one per truck.
      timer ??= setTimeout(() => void flush(), coalesceMs);
    },
    { eventTypes: LIVE_EVENT_TYPES, live: { listening: () => streams.size > 0 } },
  );
  const heartbeat = setInterval(() => send(': heartbeat\n\n'), HEARTBEAT_MS);
  heartbeat.unref();

  return {
    add(res) {
      streams.add(res);
      res.write(`retry: 3000\nevent: ready\ndata: {}\n\n`);
      // A new listener starts the consumer at the horizon: kick so it is placed now, not at the next poll.
      ctx.dispatcher.kick();
      return () => streams.delete(res);
    },
    get size() {
      return streams.size;
    },
    get version() {
      return version;
    },
    closeAll() {
      closed = true;
      clearInterval(heartbeat);
      if (timer) clearTimeout(timer);
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}
