import { and, asc, eq, gt, gte, inArray, lte, or } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/client.ts';
import type { Actor } from '../../../platform/auth/roles.ts';
import { problems } from '../../../kernel/problem.ts';
import { BacktestAccumulator } from '../backtestMetrics.ts';
import type { Facts } from '../facts.ts';
import { evaluateFeatures, type FiredFeature, type Level } from '../rules.ts';
import { riskBacktests, riskDecisions, riskFeatureVersions, riskOutcomes } from '../schema.ts';
import { compileRow } from './library.ts';
import { riskParametersOn } from './parameters.ts';
import { backtestSaleFeatures } from './sale.ts';
import { backtestView, backtestWindowOf, recordBacktests } from './backtestRecord.ts';
import { peopleWithRecord } from '../../personalcredit/service.ts';

export type DecisionWithOutcome = { d: typeof riskDecisions.$inferSelect; o: typeof riskOutcomes.$inferSelect | null };

const PAGE = 1000;

/** Past decisions of a window, oldest first, with their outcome: paged so memory stays flat. */
export async function* decisionsInWindow(
  ex: Executor,
  from: string,
  to: string,
): AsyncGenerator<DecisionWithOutcome[]> {
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    const cursor: ReturnType<typeof and>[] = after
      ? [
          or(
            gt(riskDecisions.createdAt, after.at),
            and(eq(riskDecisions.createdAt, after.at), gt(riskDecisions.declarationId, after.id)),
          ),
        ]
      : [];
    const page: DecisionWithOutcome[] = await ex
      .select({ d: riskDecisions, o: riskOutcomes })
      .from(riskDecisions)
      .leftJoin(
        riskOutcomes,
        and(
          eq(riskOutcomes.enterpriseId, riskDecisions.enterpriseId),
          eq(riskOutcomes.declarationId, riskDecisions.declarationId),
        ),
      )
      .where(and(gte(riskDecisions.businessDate, from), lte(riskDecisions.businessDate, to), ...cursor))
      .orderBy(asc(riskDecisions.createdAt), asc(riskDecisions.declarationId))
      .limit(PAGE);
    if (page.length === 0) return;
    yield page;
    const last = page[page.length - 1]!.d;
    after = { at: last.createdAt, id: last.declarationId };
    if (page.length < PAGE) return;
  }
}

/**
 * Backtests feature versions against the stored facts of past declarations, in one pass over the
 * window, and records one backtest per version.
 */
export async function backtestFeatures(
  ctx: AppContext,
  actor: Actor,
  items: { code: string; version: number }[],
  window: { from?: string; to?: string } = {},
) {
  const { from, to } = backtestWindowOf(ctx, window);
  const params = await riskParametersOn(ctx.db, to);
  const targets = [];
  const saleTargets = [];
  // Every version asked for in one read (the versions of their codes), checked in the order given.
  const codes = [...new Set(items.map((i) => i.code))];
  const rows = codes.length
    ? await ctx.db.select().from(riskFeatureVersions).where(inArray(riskFeatureVersions.code, codes))
    : [];
  const byKey = new Map(rows.map((r) => [`${r.code}@${r.version}`, r]));
  for (const { code, version } of items) {
    const row = byKey.get(`${code}@${version}`);
    if (!row) throw problems.notFound(`Risk feature ${code} version ${version}`);
    const feature = { ...compileRow(row, 'LIVE'), expiresOn: null };
    // A duty-free sale feature is backtested over past sales, not declarations.
    if (feature.scope === 'SALE') saleTargets.push(feature);
    else targets.push({ feature, acc: new BacktestAccumulator(feature.points, feature.forceLevel, params.level) });
  }
  const sales = saleTargets.length
    ? await backtestSaleFeatures(ctx, actor, saleTargets, { from, to }, (people) =>
        // Labels: people later confirmed as carriers in a resale case.
        peopleWithRecord(ctx.db, people, 'dutyfree.resaleCase'),
      )
    : [];
  if (targets.length === 0) return sales;
  for await (const page of decisionsInWindow(ctx.db, from, to)) {
    for (const { d, o } of page) {
      const stored = d.fired as FiredFeature[];
      const reasons = d.reasons as string[];
      const facts = d.facts as Facts;
      for (const { feature, acc } of targets) {
        const other = stored.find((f) => f.forceLevel && f.code !== feature.code && f.mode === 'LIVE');
        acc.add({
          fires: evaluateFeatures([feature], facts, d.businessDate).length > 0,
          storedLevel: d.level as Level,
          storedScore: Number(d.score),
          storedContribution: stored
            .filter((f) => f.code === feature.code && f.mode === 'LIVE')
            .reduce((s, f) => s + f.contribution, 0),
          otherForcedLevel: (other?.forceLevel as 'RED' | 'YELLOW' | undefined) ?? null,
          selectedOtherwise: reasons.some((r) => r !== 'RISK_RED'),
          selected: d.selected,
          outcome: (o?.outcome as 'MATCH' | 'DISCREPANCY' | 'SEIZURE' | undefined) ?? null,
          unbiasedSample: d.unbiasedSample,
          revenueRecovered: o?.revenueRecovered ?? '0',
          revenueAtStake: d.revenueAtStake,
          month: d.businessDate.slice(0, 7),
        });
      }
    }
  }
  const out = await recordBacktests(
    ctx,
    actor,
    targets.map(({ feature, acc }) => {
      const metrics = acc.result();
      return {
        targetKind: 'FEATURE' as const,
        code: feature.code,
        version: feature.version,
        from,
        to,
        declarations: metrics.declarations,
        metrics,
      };
    }),
  );
  return [...out, ...sales];
}

export async function backtestFeature(
  ctx: AppContext,
  actor: Actor,
  code: string,
  version: number,
  window: { from?: string; to?: string } = {},
) {
  const [result] = await backtestFeatures(ctx, actor, [{ code, version }], window);
  return result!;
}

/** The latest backtest of a version, as the feature and model lists show it. */
export function backtestRef(r: typeof riskBacktests.$inferSelect | null | undefined) {
  return r
    ? { id: r.id, runAt: r.runAt.toISOString(), runBy: r.runBy, metrics: r.metrics as Record<string, unknown> }
    : null;
}

export async function listBacktests(
  ctx: AppContext,
  target: { kind: 'FEATURE' | 'MODEL'; code?: string; version?: number },
) {
  const rows = await ctx.db
    .select()
    .from(riskBacktests)
    .where(
      and(
        eq(riskBacktests.targetKind, target.kind),
        ...(target.code ? [eq(riskBacktests.code, target.code)] : []),
        ...(target.version ? [eq(riskBacktests.version, target.version)] : []),
      ),
    )
    .orderBy(asc(riskBacktests.runAt));
  return rows.map(backtestView);
}
