/**
 * Group commit for gate events. A gate decision is a handful of rows, but one transaction per
 * truck costs some 25 statements and a commit; at a busy port's peak the statements, not the
 * rules, are the limit. Events that arrive while a batch is being decided wait for the next one,
 * which decides them all in one transaction with a fixed number of statements.
 *
 * Rules that keep every answer the one the event would get alone:
 * - a batch never holds two events of one plate (port and plate) or one event id, and no two
 *   batches in flight share one: a later event of a truck waits until the earlier one committed;
 * - a batch that fails as a whole (a deadlock retried three times, a refusal of the ledger) is
 *   decided again one event per transaction, so one bad event fails alone.
 *
 * One batch at a time per process by default (TIDEGATE_GATE_BATCHES_IN_FLIGHT): the next batch
 * gathers every event that arrived meanwhile. Two batches at once mostly wait for each other anyway
 * (their postings lock the same books, their audit entries the same partitions) and spend the CPU
 * on twice the statements; on the two-core bench machine one in flight gave a lower p99 at 500
 * events/s than two or more (docs/benchmarks.md). Raise it where the database is far away and round
 * trips, not CPU, are the cost, or where a batch often waits on a book another command holds: with
 * one in flight, every truck of the process waits behind that batch.
 *
 * The queue is bounded (TIDEGATE_GATE_QUEUE_MAX events per process): past it an event is refused at
 * once with 503 and Retry-After, written nowhere, instead of waiting longer than a lane can use the
 * answer; the gate's edge client sends it again (same event id, so at most once).
 */
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { queryRows } from '../../../platform/db/client.ts';
import { gateEventIds, gateEvents } from '../schema.ts';
import { runCommand, sqlState } from '../../../platform/command.ts';
import { safeMessage } from '../../../platform/db/errors.ts';
import type { Actor } from '../../../platform/auth/roles.ts';
import { outsideRequestScope } from '../../../platform/requestScope.ts';
import { Problem, problems } from '../../../kernel/problem.ts';
import {
  assertDeviceScope,
  decideEventsTx,
  plateKey,
  type EventItem,
  type EventOutcome,
  type GateAnswer,
  type GateEventInput,
} from './events.ts';

/** At most this many events in one transaction (bounds a statement's size and a batch's latency). */
export const MAX_BATCH = 64;

/** Seconds a refused event is told to wait: a batch takes tens of milliseconds, a full queue about a second. */
export const QUEUE_FULL_RETRY_SECONDS = 1;

/** The refusal of an event that finds the queue full: nothing of it was written. */
export function queueFullProblem(queued: number): Problem {
  return new Problem({
    status: 503,
    code: 'gate.queueFull',
    title: 'Gate events queue full',
    detail:
      `${queued} gate events of this process are waiting to be decided; send this event again ` +
      `in ${QUEUE_FULL_RETRY_SECONDS} s (same eventId).`,
    extra: { rule: 'gate.queueFull', retryAfterSeconds: QUEUE_FULL_RETRY_SECONDS, queued },
  });
}

interface Waiting {
  item: EventItem & { e: GateEventInput; actor: Actor };
  key: string;
  resolve: (a: GateAnswer) => void;
  reject: (err: unknown) => void;
}

export class GateBatcher {
  private readonly queue: Waiting[] = [];
  private readonly busyPlates = new Set<string>();
  private readonly busyIds = new Set<string>();
  private inFlight = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly limits = {
      maxBatch: MAX_BATCH,
      maxInFlight: ctx.config.gateBatchesInFlight,
      maxQueued: ctx.config.gateQueueMax,
    },
  ) {}

  /** Events waiting for a batch (not those being decided). */
  get queued(): number {
    return this.queue.length;
  }

  submit(item: { e: GateEventInput; actor: Actor }): Promise<GateAnswer> {
    if (this.queue.length >= this.limits.maxQueued) return Promise.reject(queueFullProblem(this.queue.length));
    return new Promise((resolve, reject) => {
      this.queue.push({ item, key: plateKey(item.e), resolve, reject });
      // A batch decides other requests' events too: it runs outside this request's scope.
      outsideRequestScope(() => this.pump());
    });
  }

  /** Starts batches while there is room: the oldest waiting events whose plate and id are free. */
  private pump(): void {
    while (this.inFlight < this.limits.maxInFlight && this.queue.length) {
      const batch: Waiting[] = [];
      for (let i = 0; i < this.queue.length && batch.length < this.limits.maxBatch; ) {
        const w = this.queue[i]!;
        if (this.busyPlates.has(w.key) || this.busyIds.has(w.item.e.eventId)) {
          i++;
          continue;
        }
        this.busyPlates.add(w.key);
        this.busyIds.add(w.item.e.eventId);
        batch.push(w);
        this.queue.splice(i, 1);
      }
      if (!batch.length) return;
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        for (const w of batch) {
          this.busyPlates.delete(w.key);
          this.busyIds.delete(w.item.e.eventId);
        }
        this.pump();
      });
    }
  }

  private async run(batch: Waiting[]): Promise<void> {
    let outcomes: EventOutcome[];
    const t0 = performance.now();
    try {
      outcomes = await runCommand(this.ctx, 'gate.event', (tx, writes) =>
        decideEventsTx(
          tx,
          this.ctx,
          batch.map((w) => w.item),
          writes,
        ),
      );
    } catch (err) {
      if (batch.length === 1) return this.single(batch[0]!, err);
      this.ctx.log.warn(
        { events: batch.length, sqlState: sqlState(err), err: rootMessage(err) },
        'a batch of gate events failed as a whole; deciding its events one at a time',
      );
      for (const w of batch) await this.run([w]);
      return;
    }
    this.ctx.metrics.gateBatchEvents.observe(batch.length);
    this.ctx.metrics.gateBatchSeconds.observe((performance.now() - t0) / 1000);
    outcomes.forEach((o, k) => ('problem' in o ? batch[k]!.reject(o.problem) : batch[k]!.resolve(o.answer)));
  }

  /**
   * One event alone failed. Two copies of one event id sent to two processes at the same moment
   * both found no stored answer; the second to commit hits the event's unique key. Once more, it
   * finds the stored answer. The same holds for two events of one order (or one truck) decided in
   * two processes at once: the second to commit hits the inspection task's or the passage's unique
   * key, and once more it joins what the first wrote. The unique violation may surface as 25P02
   * (transaction aborted): statements travel pipelined, and the one awaited first can be a later
   * one than the statement that failed. Anything else is the event's own failure.
   */
  private async single(w: Waiting, err: unknown): Promise<void> {
    const state = sqlState(err);
    if (state !== '23505' && state !== '25P02') return w.reject(err);
    try {
      const [o] = await runCommand(this.ctx, 'gate.event', (tx, writes) =>
        decideEventsTx(tx, this.ctx, [w.item], writes),
      );
      if ('problem' in o!) w.reject(o.problem);
      else w.resolve(o!.answer);
    } catch (again) {
      // Failing again with no stored answer to find: if the event id was decided in a month since archived
      // (gate_event_ids keeps it), that is why. It is not decided twice.
      w.reject(
        (await decidedAndArchived(this.ctx, w.item.e.eventId).catch(() => false))
          ? problems.conflict(`Gate event ${w.item.e.eventId} was already decided; its record is archived.`, {
              errors: [{ path: 'eventId', rule: 'gate.eventArchived', message: 'event id decided before, archived' }],
            })
          : again,
      );
    }
  }
}

/** Whether the event id was decided (gate_event_ids) but its row is no longer live: its month was archived. */
async function decidedAndArchived(ctx: AppContext, eventId: string): Promise<boolean> {
  const [r] = await queryRows<{ archived: boolean }>(
    ctx.db,
    sql`select exists (select 1 from ${gateEventIds} where event_id = ${eventId})
          and not exists (select 1 from ${gateEvents} where event_id = ${eventId}) as archived`,
  );
  return Boolean(r?.archived);
}

/**
 * The innermost message (a driver error wrapped by the query builder names the rule broken), without
 * the values a database error may quote: it goes to the log as a string, past the `err` serializer.
 */
function rootMessage(err: unknown): string {
  let e = err;
  while (e && typeof e === 'object' && (e as { cause?: unknown }).cause) e = (e as { cause?: unknown }).cause;
  return safeMessage(e);
}

const batchers = new WeakMap<AppContext, GateBatcher>();

/** The context's batcher (one per process and database). */
export function gateBatcher(ctx: AppContext): GateBatcher {
  let b = batchers.get(ctx);
  if (!b) batchers.set(ctx, (b = new GateBatcher(ctx)));
  return b;
}

/**
 * A gate device's event: the device's scope (port, lane) must be the event's. Decided in a batch
 * with the events arriving at the same moment (gateBatcher), each with the answer it would get alone.
 */
export async function recordGateEvent(ctx: AppContext, actor: Actor, e: GateEventInput): Promise<GateAnswer> {
  assertDeviceScope(actor, e.portCode, e.laneCode);
  return gateBatcher(ctx).submit({ e, actor });
}
