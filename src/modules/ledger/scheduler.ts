import type { AppContext } from '../../platform/context.ts';
import { expireReservations, raiseOverdueAlerts } from './service.ts';

/** How often every server process sweeps: expired reservations and overdue direct-release entries. */
export const LEDGER_SWEEP_MS = 5 * 60_000;

/** One sweep: expire reservations past their time, raise alerts for direct releases not entered in time. */
export async function ledgerSweep(ctx: AppContext): Promise<{ expired: number; alerted: number }> {
  const { expired } = await expireReservations(ctx);
  const { alerted } = await raiseOverdueAlerts(ctx);
  return { expired, alerted };
}

/**
 * Runs the sweep at start and then every five minutes in every server process. Several processes
 * may sweep at once: each reservation is expired under its book's lock, once, and each overdue
 * release alerts once (a unique alert per release). Returns a function that stops it.
 */
export function scheduleLedgerSweep(ctx: AppContext, everyMs = LEDGER_SWEEP_MS): () => void {
  let stopped = false;
  let handle: NodeJS.Timeout | undefined;
  const run = async () => {
    try {
      const r = await ledgerSweep(ctx);
      if (r.expired || r.alerted) ctx.log.info(r, 'ledger sweep: reservations expired, overdue alerts raised');
    } catch (err) {
      ctx.log.error({ err }, 'ledger sweep failed; it runs again shortly or with `tidegate ledger sweep`');
    }
  };
  const schedule = () => {
    if (stopped) return;
    handle = setTimeout(() => void run().then(schedule), everyMs);
    handle.unref();
  };
  void run().then(schedule);
  return () => {
    stopped = true;
    if (handle) clearTimeout(handle);
  };
}
