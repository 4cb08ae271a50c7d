import type { AppContext } from './context.ts';
import type { Tx } from './db/client.ts';
import { outsideRequestScope, requestScope } from './requestScope.ts';
import { WriteBatch } from './writeBatch.ts';
import { bindTransactionCache } from './reference/cache.ts';
import { openCommandMemo } from './commandMemo.ts';

/**
 * Deadlock (two commands locking the same rows or audit partitions in opposite order, e.g. a bulk
 * command spanning many partitions) and serialization failures: PostgreSQL rolled one of the
 * commands back whole, so running it again is safe.
 */
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 3;

/** The SQLSTATE of a database error, looking through the wrappers the drivers put around it. */
export function sqlState(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * One command, one transaction: load, apply rules, write, append the audit entry and outbox events,
 * commit. Any throw rolls everything back, so a rejected command writes nothing. A command the
 * database rolled back for a deadlock is run again from the start (at most three times in all).
 * The command's write batch (writeBatch.ts) is flushed after `fn` returns, before the commit: what
 * the command collected there (audit entries, deferred writes, outbox events) is one audit append.
 */
export async function runCommand<T>(
  ctx: AppContext,
  action: string,
  fn: (tx: Tx, batch: WriteBatch) => Promise<T>,
): Promise<T> {
  // A request with an Idempotency-Key records each command's commit in the command's transaction,
  // so that a retry after a crash runs again only what never committed (http/idempotency.ts).
  const scope = requestScope.getStore();
  const index = scope ? scope.commands++ : 0;
  const recorder = scope?.recorder;
  const recorded = recorder?.recorded(index);
  if (recorded) return recorded.value as T;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await ctx.db.transaction(async (tx) => {
        bindTransactionCache(tx, ctx.db);
        openCommandMemo(tx);
        const batch = new WriteBatch();
        const value = await fn(tx as unknown as Tx, batch);
        await batch.flush(tx as unknown as Tx);
        if (recorder) await recorder.committing(tx as unknown as Tx, index, value);
        return value;
      });
      ctx.metrics.commands.inc({ action });
      outsideRequestScope(() => ctx.dispatcher.kick());
      return result;
    } catch (err) {
      const state = sqlState(err);
      if (attempt >= MAX_ATTEMPTS || !state || !RETRYABLE_SQLSTATES.has(state)) throw err;
      ctx.log.warn({ action, attempt, sqlState: state }, 'command rolled back by the database; running it again');
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}
