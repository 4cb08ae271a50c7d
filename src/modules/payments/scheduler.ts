import type { AppContext } from '../../platform/context.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { sweepOverdue } from './service.ts';

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;
const RUN_AT_MS = 15 * 60_000; // 00:15 Asia/Shanghai, after the credit sweep and the declarations check

export function msUntilNextSweep(now: Date): number {
  const local = now.getTime() + SHANGHAI_OFFSET_MS;
  let next = Math.floor(local / DAY_MS) * DAY_MS + RUN_AT_MS;
  if (next <= local) next += DAY_MS;
  return next - local;
}

/** The daily overdue sweep of tax bills: once at start (catching up), then every day at 00:15 Asia/Shanghai. */
export function scheduleOverdueSweep(ctx: AppContext): () => void {
  let handle: NodeJS.Timeout | undefined;
  let stopped = false;
  const run = async () => {
    try {
      const r = await sweepOverdue(ctx, shanghaiDate(ctx.clock.now()));
      if (r.overdue) ctx.log.warn(r, 'tax bills overdue');
    } catch (err) {
      ctx.log.error({ err }, 'overdue sweep of tax bills failed; it runs again at the next 00:15');
    }
  };
  const schedule = () => {
    if (stopped) return;
    handle = setTimeout(() => void run().then(schedule), msUntilNextSweep(ctx.clock.now()));
    handle.unref();
  };
  void run().then(schedule);
  return () => {
    stopped = true;
    if (handle) clearTimeout(handle);
  };
}
