import type { AppContext } from '../../platform/context.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { sweep } from './service.ts';

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;
const RUN_AT_MS = 5 * 60_000; // 00:05 Asia/Shanghai

/** Milliseconds from `now` to the next 00:05 in Asia/Shanghai (UTC+8, no daylight saving). */
export function msUntilNextRun(now: Date): number {
  const local = now.getTime() + SHANGHAI_OFFSET_MS;
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  let next = dayStart + RUN_AT_MS;
  if (next <= local) next += DAY_MS;
  return next - local;
}

/** The timer the schedule uses; tests pass one they can fire by hand. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Runs the automatic-removal sweep once at start (catching up after downtime) and then daily at
 * 00:05 Asia/Shanghai, each time for the business day of that moment. The delay is recomputed after
 * every run from the clock, so a long sweep or a clock adjustment never skips a day. Returns a
 * function that stops it.
 */
export function scheduleDailySweep(ctx: AppContext, timers: Timers = realTimers): () => void {
  let handle: unknown;
  let stopped = false;
  const run = async () => {
    try {
      const result = await sweep(ctx, shanghaiDate(ctx.clock.now()));
      if (result.changed) ctx.log.info(result, 'credit sweep applied automatic class changes');
    } catch (err) {
      ctx.log.error({ err }, 'credit sweep failed; it runs again at the next 00:05 or with `tidegate credit sweep`');
    }
  };
  const schedule = () => {
    if (stopped) return;
    handle = timers.set(() => void run().then(schedule), msUntilNextRun(ctx.clock.now()));
  };
  void run().then(schedule);
  return () => {
    stopped = true;
    if (handle !== undefined) timers.clear(handle);
  };
}
