/**
 * A backtest's window and its record (table risk_backtests, one audit entry), shared by the feature,
 * sale and model backtests; apart from backtest.ts so that sale.ts and backtest.ts do not import each other.
 */
import type { AppContext } from '../../../platform/context.ts';
import { runCommand } from '../../../platform/command.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { uuidv7 } from '../../../kernel/ids.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { problems } from '../../../kernel/problem.ts';
import { riskBacktests } from '../schema.ts';
import { addDays } from '../stats.ts';

export function backtestWindowOf(ctx: AppContext, w: { from?: string; to?: string }): { from: string; to: string } {
  const to = w.to ?? shanghaiDate(ctx.clock.now());
  const from = w.from ?? addDays(to, -180);
  if (from > to) throw problems.field('from', 'risk.backtest.window', 'from must not be after to.');
  return { from, to };
}

export interface BacktestRecord {
  targetKind: 'FEATURE' | 'MODEL';
  code: string | null;
  version: number;
  from: string;
  to: string;
  declarations: number;
  metrics: object;
}

export async function recordBacktest(ctx: AppContext, actor: Actor, b: BacktestRecord) {
  return (await recordBacktests(ctx, actor, [b]))[0]!;
}

/**
 * Records backtests run together (a library's versions over one window) as one command: one insert
 * and one audit append whatever their number, an audit entry per backtest, in the order given.
 */
export async function recordBacktests(ctx: AppContext, actor: Actor, items: readonly BacktestRecord[]) {
  if (items.length === 0) return [];
  return runCommand(ctx, 'risk.backtest', async (tx, batch) => {
    const now = ctx.clock.now();
    const ids = items.map(() => uuidv7(now.getTime()));
    const inserted = await tx
      .insert(riskBacktests)
      .values(
        items.map((b, i) => ({
          id: ids[i]!,
          targetKind: b.targetKind,
          code: b.code,
          version: b.version,
          fromDate: b.from,
          toDate: b.to,
          declarations: b.declarations,
          metrics: b.metrics,
          runBy: actorLabel(actor),
          runAt: now,
        })),
      )
      .returning();
    const byId = new Map(inserted.map((r) => [r.id, r]));
    const rows = ids.map((id) => byId.get(id)!);
    rows.forEach((row, i) => {
      const b = items[i]!;
      batch.audit({
        actor: actorLabel(actor),
        action: 'risk.backtest',
        subject: b.targetKind === 'FEATURE' ? `risk-feature:${b.code}@${b.version}` : `risk-model:${b.version}`,
        change: { id: row.id, from: b.from, to: b.to, declarations: b.declarations, metrics: b.metrics },
        at: now,
      });
    });
    return rows.map(backtestView);
  });
}

export function backtestView(r: typeof riskBacktests.$inferSelect) {
  return {
    id: r.id,
    targetKind: r.targetKind,
    code: r.code,
    version: r.version,
    fromDate: r.fromDate,
    toDate: r.toDate,
    declarations: r.declarations,
    metrics: r.metrics as Record<string, unknown>,
    runBy: r.runBy,
    runAt: r.runAt.toISOString(),
  };
}
