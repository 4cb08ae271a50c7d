import type { Logger } from 'pino';
import { sql } from 'drizzle-orm';
import { queryRows, type Db, type Executor } from '../db/client.ts';
import { safeMessage } from '../db/errors.ts';
import { sha256Hex } from '../crypto.ts';
import type { Clock } from '../../kernel/clock.ts';
import { outsideRequestScope } from '../requestScope.ts';
import { cursorOf, outboxHorizon, readEventsBetween, saveCursor, type OutboxEvent } from './service.ts';

export type EventHandler = (event: OutboxEvent) => Promise<void>;
/** Handles events in one go (one transaction, say): all of them, or fails having changed nothing. */
export type BatchHandler = (events: readonly OutboxEvent[]) => Promise<void>;

interface Consumer {
  name: string;
  deliver: (events: readonly OutboxEvent[]) => Promise<Delivery>;
  /** Only these types are read for it; undefined: every event. */
  eventTypes: readonly string[] | undefined;
  /** A live notifier's cursor, kept in this process (see SubscribeOptions.live); undefined: in outbox_cursors. */
  live: { listening(): boolean; position: number | null } | undefined;
  /** Consecutive failures, for back-off; an error never advances the cursor. */
  failures: number;
  retryAt: number;
}

interface Delivery {
  /** How many of the events, from the first, were handled. */
  handled: number;
  error: string | null;
}

// Stored as the consumer's last error and logged: without the values a database error may quote.
const messageOf = (err: unknown) => safeMessage(err);

/** Handles events in order and stops at the first failure. */
async function oneByOne(handle: EventHandler, events: readonly OutboxEvent[]): Promise<Delivery> {
  for (let i = 0; i < events.length; i++) {
    try {
      await handle(events[i]!);
    } catch (err) {
      return { handled: i, error: messageOf(err) };
    }
  }
  return { handled: events.length, error: null };
}

export interface SubscribeOptions {
  /**
   * Read only events of these types for the consumer (the others are skipped, never parsed): a
   * consumer that needs a few kinds of a busy outbox does not read all of it.
   */
  eventTypes?: readonly string[];
  /**
   * A live notifier of this process (the command centre's server-sent events): its cursor lives in
   * memory and starts at the horizon, so it never replays the past nor shares a cursor with the same
   * consumer of another process (each process tells its own listeners). While `listening()` is
   * false nothing is read for it and its cursor moves to the horizon.
   */
  live?: { listening(): boolean };
}

export interface DispatcherOptions {
  /** How often an idle dispatcher looks for events no commit kicked it about (another process's). */
  pollMs: number;
  /** Events read per consumer and round. */
  batchSize: number;
  maxBackoffMs: number;
  /**
   * The least time between the end of one round and the start of the next. Every gate decision
   * commits and kicks; a round per commit (some ten statements, and a transaction per batch
   * consumer) spent CPU the decisions needed. With a gap, a round takes what arrived meanwhile
   * in one go: events wait at most this long more, and a consumer's batches grow with the load.
   */
  roundGapMs: number;
  /**
   * Several processes share the outbox (PostgreSQL): a consumer's round runs under a transaction-scoped
   * advisory lock of that consumer, so two dispatchers never deliver the same events at once nor move
   * one cursor back over the other's. Off on PGlite (one process, one connection: a transaction held
   * over the handlers would block them).
   */
  exclusive?: boolean;
}

/** Advisory lock class of the per-consumer locks (the key is a hash of the consumer's name). */
const CONSUMER_LOCK_CLASS = 7355650;
const consumerLockKey = (name: string) => Buffer.from(sha256Hex(name).slice(0, 8), 'hex').readInt32BE(0);

export const DEFAULT_DISPATCH: DispatcherOptions = {
  pollMs: 500,
  batchSize: 200,
  maxBackoffMs: 30_000,
  roundGapMs: 50,
};

/**
 * Delivers outbox events at least once, in id order (so in order per aggregate), to each consumer
 * independently. Polls; `kick()` after a commit makes delivery near-immediate. Each round reads only
 * up to the settled horizon (horizon.ts), so an event that commits late is never skipped.
 */
export class Dispatcher {
  private readonly consumers: Consumer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private pending = false;
  private tail: Promise<void> = Promise.resolve();
  /** When the last round ended (performance.now()), for the gap between rounds. */
  private lastRoundEnd = -Infinity;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: DispatcherOptions = DEFAULT_DISPATCH,
  ) {}

  /** A consumer that takes events one at a time. */
  subscribe(name: string, handle: EventHandler, opts: SubscribeOptions = {}): void {
    this.add(name, (events) => oneByOne(handle, events), opts);
  }

  /**
   * A consumer that takes a round's events together. When a batch fails, its events are delivered
   * again one at a time, so the cursor still stops just before the event that fails.
   */
  subscribeBatch(name: string, handle: BatchHandler, opts: SubscribeOptions = {}): void {
    this.add(
      name,
      async (events) => {
        if (events.length === 0) return { handled: 0, error: null };
        try {
          await handle(events);
          return { handled: events.length, error: null };
        } catch (err) {
          if (events.length === 1) return { handled: 0, error: messageOf(err) };
          this.log.warn(
            { consumer: name, events: events.length, error: messageOf(err) },
            'a batch of events failed; delivering them one at a time',
          );
          return oneByOne((e) => handle([e]), events);
        }
      },
      opts,
    );
  }

  private add(name: string, deliver: Consumer['deliver'], opts: SubscribeOptions): void {
    if (this.consumers.some((c) => c.name === name)) throw new Error(`Consumer ${name} is already subscribed`);
    const live = opts.live ? { listening: () => opts.live!.listening(), position: null } : undefined;
    this.consumers.push({ name, deliver, eventTypes: opts.eventTypes, live, failures: 0, retryAt: 0 });
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Ask for a delivery round soon (after a command committed). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.pending = true;
      return;
    }
    this.schedule(this.untilNextRound());
  }

  private untilNextRound(): number {
    return Math.max(0, this.lastRoundEnd + this.opts.roundGapMs - performance.now());
  }

  /** Runs rounds until every consumer is caught up or failing; used by tests and shutdown. */
  async drain(maxRounds = 100): Promise<void> {
    for (let i = 0; i < maxRounds; i++) {
      const progress = await this.exclusive(() => this.round(true));
      if (progress === 'idle') return;
    }
  }

  /** Rounds never overlap: a consumer sees its events one at a time, in order. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    const next = () => {
      this.running = this.exclusive(() => this.round(false))
        .catch((err) => this.log.error({ err }, 'outbox dispatch round failed'))
        .then((progress) => {
          this.running = undefined;
          this.lastRoundEnd = performance.now();
          if (this.stopped) return;
          // A consumer that read a full batch is behind: go on at once. Otherwise new events (a
          // kick, or a cursor that moved) wait out the gap, and an idle dispatcher polls.
          const again = this.pending || progress === 'moved';
          this.pending = false;
          this.schedule(progress === 'behind' ? 0 : again ? this.untilNextRound() : this.opts.pollMs);
        });
    };
    // Rounds serve every consumer: never inside the scope of the request whose commit kicked them.
    this.timer = outsideRequestScope(() => setTimeout(next, ms));
    this.timer.unref?.();
  }

  /** One pass over all consumers: whether a cursor moved, and whether one read a full batch. */
  private async round(ignoreBackoff: boolean): Promise<'idle' | 'moved' | 'behind'> {
    let progress: 'idle' | 'moved' | 'behind' = 'idle';
    if (this.consumers.length === 0) return progress;
    const horizon = await outboxHorizon(this.db);
    if (horizon === null) return progress;
    for (const consumer of this.consumers) {
      const now = this.clock.now().getTime();
      if (!ignoreBackoff && consumer.retryAt > now) continue;
      if (consumer.live && (consumer.live.position === null || !consumer.live.listening())) {
        consumer.live.position = Math.max(consumer.live.position ?? horizon, horizon);
        continue;
      }
      const step = consumer.live
        ? await this.deliverTo(this.db, consumer, horizon, now)
        : this.opts.exclusive
          ? await this.db.transaction(async (tx) => {
              // Held to the end of this consumer's round; taking it writes nothing (no transaction id),
              // so it never holds back the outbox horizon of other processes.
              const key = consumerLockKey(consumer.name);
              const [lock] = await queryRows<{ got: boolean }>(
                tx,
                sql`select pg_try_advisory_xact_lock(${CONSUMER_LOCK_CLASS}::int, ${key}::int) as got`,
              );
              // Another process is delivering to this consumer right now: its round covers these events.
              return lock?.got ? this.deliverTo(tx, consumer, horizon, now) : ('idle' as const);
            })
          : await this.deliverTo(this.db, consumer, horizon, now);
      if (step === 'behind') progress = 'behind';
      else if (step === 'moved' && progress === 'idle') progress = 'moved';
    }
    return progress;
  }

  /** One consumer's share of a round: read from its cursor up to the horizon, deliver, move the cursor. */
  private async deliverTo(
    ex: Executor,
    consumer: Consumer,
    horizon: number,
    now: number,
  ): Promise<'idle' | 'moved' | 'behind'> {
    const position = consumer.live ? consumer.live.position! : await cursorOf(ex, consumer.name);
    const events = await readEventsBetween(ex, position, horizon, this.opts.batchSize, consumer.eventTypes);
    const full = events.length === this.opts.batchSize;
    const { handled, error } = await consumer.deliver(events);
    let reached = handled > 0 ? events[handled - 1]!.id : position;
    // A filtered read that was not full saw every event up to the horizon: the ones it left out
    // are not this consumer's, so its cursor moves past them.
    if (consumer.eventTypes && !full && !error) reached = Math.max(reached, horizon);
    if (consumer.live) consumer.live.position = reached;
    else if (reached !== position || error) {
      await saveCursor(ex, consumer.name, reached, error, this.clock.now());
    }
    if (error) {
      consumer.failures++;
      const backoff = Math.min(this.opts.maxBackoffMs, 250 * 2 ** Math.min(consumer.failures, 10));
      consumer.retryAt = now + backoff;
      this.log.warn({ consumer: consumer.name, error, retryInMs: backoff }, 'event delivery failed; will retry');
    } else {
      consumer.failures = 0;
      consumer.retryAt = 0;
    }
    if (full && !error) return 'behind';
    return reached !== position ? 'moved' : 'idle';
  }
}
