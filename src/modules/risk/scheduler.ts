import { desc } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.ts';
import { getParameter } from '../../platform/parameters/service.ts';
import { systemActor } from '../../platform/auth/roles.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { Problem } from '../../kernel/problem.ts';
import { riskModels } from './schema.ts';
import { addDays, daysBetween } from './stats.ts';
import { shadowModel, trainRiskModel, type RetrainParameters } from './service/models.ts';

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const RUN_AT_MS = 150 * 60_000; // 02:30 Asia/Shanghai, after the day's outcomes are in

export function msUntilNextRetrainCheck(now: Date): number {
  const local = now.getTime() + SHANGHAI_OFFSET_MS;
  const dayStart = Math.floor(local / 86_400_000) * 86_400_000;
  let next = dayStart + RUN_AT_MS;
  if (next <= local) next += 86_400_000;
  return next - local;
}

/**
 * The scheduled retrain: when the newest model is older than `risk.retrain.intervalDays`, trains
 * a new version on the labelled declarations and runs it in shadow mode. It never goes live by
 * itself: an analyst backtests and approves it.
 */
export async function retrainIfDue(ctx: AppContext): Promise<{ trained: number | null; reason: string }> {
  const today = shanghaiDate(ctx.clock.now());
  const p = await getParameter<RetrainParameters>(ctx.db, 'risk.retrain', today);
  const [newest] = await ctx.db
    .select({ createdAt: riskModels.createdAt })
    .from(riskModels)
    .orderBy(desc(riskModels.version))
    .limit(1);
  if (newest && daysBetween(shanghaiDate(newest.createdAt), today) < p.value.intervalDays)
    return { trained: null, reason: `newest model is less than ${p.value.intervalDays} days old` };
  const actor = systemActor('risk-retrain');
  try {
    const model = await trainRiskModel(ctx, actor, { unlessTrainedSince: addDays(today, 1 - p.value.intervalDays) });
    await shadowModel(ctx, actor, model.version);
    return { trained: model.version, reason: 'due' };
  } catch (err) {
    if (err instanceof Problem && (err.type.endsWith(':not-enough-labels') || err.extra.rule === 'risk.retrainNotDue'))
      return { trained: null, reason: err.message };
    throw err;
  }
}

export function scheduleRetrain(ctx: AppContext): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const run = async () => {
    try {
      const r = await retrainIfDue(ctx);
      if (r.trained !== null)
        ctx.log.info(
          { version: r.trained },
          'risk model retrained; it runs in shadow mode until an analyst approves it',
        );
      else ctx.log.debug({ reason: r.reason }, 'risk model retrain not due');
    } catch (err) {
      ctx.log.error(
        { err },
        'risk model retrain failed; it is tried again tomorrow at 02:30, or run `tidegate risk retrain`',
      );
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void run().then(schedule), msUntilNextRetrainCheck(ctx.clock.now()));
    timer.unref();
  };
  schedule();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
