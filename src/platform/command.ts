import type { AppContext } from './context.ts';
import type { Tx } from './db/client.ts';

/**
 * One command, one transaction: load, apply rules, write, append the audit entry and outbox events,
 * commit. Any throw rolls everything back, so a rejected command writes nothing.
 */
export async function runCommand<T>(ctx: AppContext, action: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await ctx.db.transaction(async (tx) => fn(tx as unknown as Tx));
  ctx.metrics.commands.inc({ action });
  ctx.dispatcher.kick();
  return result;
}
