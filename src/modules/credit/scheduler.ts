import type { AppContext } from '../../platform/context.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { sweep } from './service.ts';

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const RUN_AT_MS = 5 * 60_000; // 00:05 Asia/Shanghai

/** Milliseconds from `now` to the next 00:05 in Asia/Shanghai. */
export function msUntilNextRun(now: Date): number {
  const local = now.getTime() + SHANGHAI_OFFSET_MS;
  const dayStart = Math.floor(local / 86_400_000) * 86_400_000;
  let next = dayStart + RUN_AT_MS;
  if (next <= local) next += 86_400_000;
  return next - local;
}

/**
 * Runs the automatic-removal sweep once at start (catching up after downtime) and then daily at
 * 00:05 Asia/Shanghai. Returns a function that stops it.
 */
export function scheduleDailySweep(ctx: AppContext): () => void {
  let timer: NodeJS.Timeout | undefined;
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
    timer = setTimeout(() => void run().then(schedule), msUntilNextRun(ctx.clock.now()));
    timer.unref();
  };
  void run().then(schedule);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
