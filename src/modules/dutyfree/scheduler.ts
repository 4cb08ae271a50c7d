import type { AppContext } from '../../platform/context.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { checkMissedDepartures, sweepExpired } from './service.ts';

/** How often every server process expires overdue reservations: a till's quota is held for 30 minutes by default. */
export const DUTYFREE_SWEEP_MS = 60_000;
const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;
const CHECK_AT_MS = 15 * 60_000; // 00:15 Asia/Shanghai, after the credit sweep and the declarations' check

export function msUntilNextDepartureCheck(now: Date): number {
  const local = now.getTime() + SHANGHAI_OFFSET_MS;
  let next = Math.floor(local / DAY_MS) * DAY_MS + CHECK_AT_MS;
  if (next <= local) next += DAY_MS;
  return next - local;
}

/** Runs `run` at start and then after each `delay()`, until stopped; failures are logged and the next run comes. */
function repeat(ctx: AppContext, what: string, run: () => Promise<void>, delay: () => number): () => void {
  let stopped = false;
  let handle: NodeJS.Timeout | undefined;
  const once = async () => {
    try {
      await run();
    } catch (err) {
      ctx.log.error({ err }, `${what} failed; it runs again at its next time`);
    }
  };
  const schedule = () => {
    if (stopped) return;
    handle = setTimeout(() => void once().then(schedule), delay());
    handle.unref();
  };
  void once().then(schedule);
  return () => {
    stopped = true;
    if (handle) clearTimeout(handle);
  };
}

/**
 * The duty-free schedules of every server process: the expiry sweep every minute, and the
 * missed-departure check daily at 00:15 Asia/Shanghai (and once at start, catching up after
 * downtime). Several processes may run them at once: a reservation is expired once (row lock,
 * status checked again), a sale is judged once (a unique fact per sale, under the buyer's lock).
 */
export function scheduleDutyfree(ctx: AppContext): () => void {
  const stopSweep = repeat(
    ctx,
    'duty-free expiry sweep',
    async () => {
      const r = await sweepExpired(ctx);
      if (r.expired) ctx.log.info(r, 'duty-free reservations expired, quota released');
    },
    () => DUTYFREE_SWEEP_MS,
  );
  const stopCheck = repeat(
    ctx,
    'duty-free departure check',
    async () => {
      const r = await checkMissedDepartures(ctx, { today: shanghaiDate(ctx.clock.now()) });
      if (r.sales)
        ctx.log.warn(r, 'duty-free buyers who took goods at once did not leave in time: facts recorded, bans imposed');
    },
    () => msUntilNextDepartureCheck(ctx.clock.now()),
  );
  return () => {
    stopSweep();
    stopCheck();
  };
}
