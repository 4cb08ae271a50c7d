import type { AppContext } from '../../platform/context.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { checkCentralizedDeadlines } from './service.ts';

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;
const RUN_AT_MS = 10 * 60_000; // 00:10 Asia/Shanghai, after the credit sweep

export function msUntilNextCheck(now: Date): number {
  const local = now.getTime() + SHANGHAI_OFFSET_MS;
  let next = Math.floor(local / DAY_MS) * DAY_MS + RUN_AT_MS;
  if (next <= local) next += DAY_MS;
  return next - local;
}

/**
 * The daily deadline check of centralized declarations: once at start (catching up after downtime),
 * then every day at 00:10 Asia/Shanghai. Returns a function that stops it.
 */
export function scheduleDeadlineCheck(ctx: AppContext): () => void {
  let handle: NodeJS.Timeout | undefined;
  let stopped = false;
  const run = async () => {
    try {
      const r = await checkCentralizedDeadlines(ctx, shanghaiDate(ctx.clock.now()));
      if (r.alerts) ctx.log.warn(r, 'centralized declarations overdue: batch exit suspended');
    } catch (err) {
      ctx.log.error(
        { err },
        'centralized-declaration deadline check failed; it runs again at the next 00:10 or with ' +
          '`tidegate declarations check`',
      );
    }
  };
  const schedule = () => {
    if (stopped) return;
    handle = setTimeout(() => void run().then(schedule), msUntilNextCheck(ctx.clock.now()));
    handle.unref();
  };
  void run().then(schedule);
  return () => {
    stopped = true;
    if (handle) clearTimeout(handle);
  };
}
