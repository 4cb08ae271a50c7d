import type { AppContext } from '../../../platform/context.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { addDays } from '../../../kernel/dates.ts';
import { streamDetection, storeRun } from './service/detect.ts';
import { hasRunFor } from './service/runs.ts';

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;
/** 01:30 Asia/Shanghai: after the day's sales and the 00:15 missed-departure check. */
const RUN_AT_MS = 90 * 60_000;

export function msUntilNextRun(now: Date): number {
  const local = now.getTime() + SHANGHAI_OFFSET_MS;
  let next = Math.floor(local / DAY_MS) * DAY_MS + RUN_AT_MS;
  if (next <= local) next += DAY_MS;
  return next - local;
}

/**
 * The nightly ring detection over the window ending yesterday, in every server process: the first
 * to finish stores its run, the others find that run and store nothing (checked again under a lock
 * when storing). Also once at start when yesterday has no run yet (after downtime).
 */
export async function nightlyDetection(ctx: AppContext): Promise<boolean> {
  const to = addDays(shanghaiDate(ctx.clock.now()), -1);
  if (await hasRunFor(ctx.db, to)) return false;
  const run = await streamDetection(ctx, { to, actor: 'system:dutyfree-rings' });
  return (await storeRun(ctx, run, 'system:dutyfree-rings', { unlessRunFor: to })) !== null;
}

export function scheduleRingDetection(ctx: AppContext): () => void {
  let stopped = false;
  let handle: NodeJS.Timeout | undefined;
  const once = async () => {
    try {
      await nightlyDetection(ctx);
    } catch (err) {
      ctx.log.error({ err }, 'resale-ring detection failed; it runs again tomorrow');
    }
  };
  const schedule = () => {
    if (stopped) return;
    handle = setTimeout(() => void once().then(schedule), msUntilNextRun(ctx.clock.now()));
    handle.unref();
  };
  void once().then(schedule);
  return () => {
    stopped = true;
    if (handle) clearTimeout(handle);
  };
}
