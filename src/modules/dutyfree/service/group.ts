/**
 * Group commit at the till. A reservation or a confirmation is a handful of rows, but one
 * transaction per request costs a BEGIN, a COMMIT, an audit append and a dozen round trips of its
 * own. Requests that arrive while a group is being decided wait for the next one, which decides
 * them all in one transaction: every request runs its own steps (the same code as alone) on the
 * group's connection at the same time, so their statements travel together (one round trip for
 * the group's reads, one for its writes), and the audit entries and outbox events of the whole
 * group are one append (the command's write batch) and one commit.
 *
 * Rules that keep every answer the one the request would get alone:
 * - a group never holds two reservations of one buyer, two of one shop's requestId, or two
 *   confirmations of one reservation, and no two groups in flight share one: a later request of a
 *   buyer waits until the earlier one committed (the buyer's row lock still serialises one buyer
 *   across processes); requests start in the order of their keys, so the buyers' rows are locked
 *   in a stable order;
 * - a refusal writes nothing: when a request of the group is refused, the group's transaction is
 *   rolled back whole, the refused request gets its refusal (decided on its buyer's state under its
 *   buyer's lock), and the others are decided again in a new group without it;
 * - a group that fails in the database (a deadlock retried three times, a unique key hit by another
 *   process) is decided again one request per transaction, so one bad request fails alone.
 *
 * One group of each kind at a time per process: the next gathers every request that arrived
 * meanwhile. The queue is bounded (TIDEGATE_DUTYFREE_QUEUE_MAX requests per kind and process): past
 * it a request is refused at once with 503 and Retry-After, written nowhere (the till sends it again
 * with the same requestId). TIDEGATE_DUTYFREE_GROUP=off decides each request in its own transaction.
 */
import type { AppContext } from '../../../platform/context.ts';
import { runCommand, sqlState } from '../../../platform/command.ts';
import { outsideRequestScope, requestScope } from '../../../platform/requestScope.ts';
import type { Tx } from '../../../platform/db/client.ts';
import type { WriteBatch } from '../../../platform/writeBatch.ts';
import { Problem } from '../../../kernel/problem.ts';

/** At most this many requests in one transaction (bounds a group's statements and its latency). */
export const MAX_GROUP = 64;

/** Seconds a request refused for a full queue is told to wait. */
export const QUEUE_FULL_RETRY_SECONDS = 1;

/** The refusal of a request that finds the queue full: nothing of it was written. */
export function queueFullProblem(queued: number): Problem {
  return new Problem({
    status: 503,
    code: 'dutyfree.queueFull',
    title: 'Duty-free requests queue full',
    detail:
      `${queued} duty-free requests of this process are waiting to be decided; send this request again ` +
      `in ${QUEUE_FULL_RETRY_SECONDS} s (same requestId).`,
    extra: { rule: 'dutyfree.queueFull', retryAfterSeconds: QUEUE_FULL_RETRY_SECONDS, queued },
  });
}

/** How one request is decided inside a transaction (alone or beside others of its group). */
export type Decide<I, A> = (tx: Tx, batch: WriteBatch, item: I) => Promise<A>;

interface Waiting<I, A> {
  item: I;
  keys: string[];
  order: string;
  resolve: (a: A) => void;
  reject: (err: unknown) => void;
}

/** Thrown inside the group's transaction to roll it back when some of its requests were refused. */
class Refusals<A> extends Error {
  constructor(readonly settled: PromiseSettledResult<A>[]) {
    super('some requests of the group were refused');
  }
}

export class GroupCommit<I, A> {
  private readonly queue: Waiting<I, A>[] = [];
  private readonly busy = new Set<string>();
  private inFlight = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly action: string,
    private readonly decide: Decide<I, A>,
    private readonly limits = { maxGroup: MAX_GROUP, maxQueued: ctx.config.dutyfreeQueueMax },
  ) {}

  /** Requests waiting for a group (not those being decided). */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Decides the request in the next group. `keys` name what no two requests of a group may share;
   * `order` is where it starts among the group's requests (its buyer, so locks are taken in order).
   */
  submit(item: I, keys: string[], order: string): Promise<A> {
    if (this.queue.length >= this.limits.maxQueued) return Promise.reject(queueFullProblem(this.queue.length));
    return new Promise<A>((resolve, reject) => {
      this.queue.push({ item, keys, order, resolve, reject });
      // A group decides other requests too: it runs outside this request's scope.
      outsideRequestScope(() => this.pump());
    });
  }

  private pump(): void {
    if (this.inFlight || !this.queue.length) return;
    const group: Waiting<I, A>[] = [];
    for (let i = 0; i < this.queue.length && group.length < this.limits.maxGroup; ) {
      const w = this.queue[i]!;
      if (w.keys.some((k) => this.busy.has(k))) {
        i++;
        continue;
      }
      for (const k of w.keys) this.busy.add(k);
      group.push(w);
      this.queue.splice(i, 1);
    }
    if (!group.length) return;
    group.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    this.inFlight = true;
    void this.run(group).finally(() => {
      this.inFlight = false;
      for (const w of group) for (const k of w.keys) this.busy.delete(k);
      this.pump();
    });
  }

  private async run(group: Waiting<I, A>[]): Promise<void> {
    let answers: A[];
    try {
      answers = await runCommand(this.ctx, this.action, async (tx, batch) => {
        const settled = await Promise.allSettled(group.map((w) => this.decide(tx, batch, w.item)));
        // A statement that failed has failed the transaction: the group is decided again.
        const failed = settled.find((r) => r.status === 'rejected' && sqlState(r.reason) !== undefined);
        if (failed) throw (failed as PromiseRejectedResult).reason;
        if (settled.some((r) => r.status === 'rejected')) throw new Refusals(settled);
        return settled.map((r) => (r as PromiseFulfilledResult<A>).value);
      });
    } catch (err) {
      if (err instanceof Refusals) {
        // Rolled back whole: the refused get their refusal, the others are decided again without them.
        const again: Waiting<I, A>[] = [];
        (err.settled as PromiseSettledResult<A>[]).forEach((r, k) =>
          r.status === 'rejected' ? group[k]!.reject(r.reason) : again.push(group[k]!),
        );
        if (again.length) await this.run(again);
        return;
      }
      if (group.length === 1) return group[0]!.reject(err);
      this.ctx.log.warn(
        { action: this.action, requests: group.length, sqlState: sqlState(err) },
        'a duty-free group failed as a whole; deciding its requests one at a time',
      );
      for (const w of group) await this.run([w]);
      return;
    }
    answers.forEach((a, k) => group[k]!.resolve(a));
  }
}

const groups = new WeakMap<AppContext, Map<string, GroupCommit<never, unknown>>>();

/** The context's group of an action (one per process, database and action). */
export function groupOf<I, A>(ctx: AppContext, action: string, decide: Decide<I, A>): GroupCommit<I, A> {
  let byAction = groups.get(ctx);
  if (!byAction) groups.set(ctx, (byAction = new Map()));
  let g = byAction.get(action) as GroupCommit<I, A> | undefined;
  if (!g) {
    g = new GroupCommit(ctx, action, decide);
    byAction.set(action, g as unknown as GroupCommit<never, unknown>);
  }
  return g;
}

/**
 * Decides one request: in the next group, or alone in its own transaction where groups are off or
 * the HTTP request records its commands for an Idempotency-Key (a group commits other requests too).
 */
export function decideInGroup<I, A>(
  ctx: AppContext,
  action: string,
  decide: Decide<I, A>,
  item: I,
  keys: string[],
  order: string,
): Promise<A> {
  if (!ctx.config.dutyfreeGroupCommit || requestScope.getStore()?.recorder)
    return runCommand(ctx, action, (tx, batch) => decide(tx, batch, item));
  return groupOf(ctx, action, decide).submit(item, keys, order);
}
