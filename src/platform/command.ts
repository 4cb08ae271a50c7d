import type { AppContext } from './context.ts';
import type { Tx } from './db/client.ts';

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
 */
export async function runCommand<T>(ctx: AppContext, action: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await ctx.db.transaction(async (tx) => fn(tx as unknown as Tx));
      ctx.metrics.commands.inc({ action });
      ctx.dispatcher.kick();
      return result;
    } catch (err) {
      const state = sqlState(err);
      if (attempt >= MAX_ATTEMPTS || !state || !RETRYABLE_SQLSTATES.has(state)) throw err;
      ctx.log.warn({ action, attempt, sqlState: state }, 'command rolled back by the database; running it again');
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}
