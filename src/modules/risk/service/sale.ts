/**
 * Offshore duty-free sales scored by the feature library (features of scope SALE), inside the till's
 * reservation transaction. The same governance as for declarations: analysts write SALE features as
 * drafts, backtest them over the stored decisions of past sales, and another analyst makes them live.
 *
 * The level follows `risk.levelThresholds` as for declarations; the verdict is RED → REFUSE,
 * YELLOW → REVIEW (the sale goes through and an officer reviews it), BLUE → ALLOW. The till is told
 * only ALLOW or REFUSE with the rule (`risk.<feature code>`), never the score.
 */
import { and, asc, gt, gte, lte, sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor, Tx } from '../../../platform/db/client.ts';
import { anyOf } from '../../../platform/db/rows.ts';
import { getParameter } from '../../../platform/parameters/service.ts';
import type { Actor } from '../../../platform/auth/roles.ts';
import type { Value } from '../expression.ts';
import { combine, evaluateFeatures, type CompiledFeature, type FiredFeature, type Level } from '../rules.ts';
import { riskSaleDecisions } from '../schema.ts';
import { cachedLibrary, libraryState } from './library.ts';
import { backtestWindowOf, recordBacktests } from './backtestRecord.ts';

export type SaleVerdictKind = 'ALLOW' | 'REVIEW' | 'REFUSE';

export interface SaleAssessmentInput {
  /** The reservation's id: the decision is stored under it. */
  saleId: string;
  shop: string;
  /** The buyer's keyed hash (the person). */
  personHash: string;
  businessDate: string;
  facts: Record<string, Value>;
}

export interface SaleVerdict {
  verdict: SaleVerdictKind;
  /** The feature that decided it (`risk.<code>`), or null for ALLOW. */
  rule: string | null;
  level: Level;
  score: number;
  fired: FiredFeature[];
}

/** How long a process goes on with the library version it read last: a change reaches the tills within it. */
export const SALE_LIBRARY_TTL_MS = 2_000;
const states = new WeakMap<object, { version: number; readAt: number }>();

/**
 * The SALE features in force: when there is none, the till's path computes no facts. The library's
 * version is read at most every SALE_LIBRARY_TTL_MS per process, so the till's hot path pays no read
 * for it (declarations read it in their transaction; a sale may lag a published change by 2 s).
 */
export async function saleLibrary(
  ctx: AppContext,
  ex: Executor,
): Promise<{ version: number; features: CompiledFeature[] }> {
  let state = states.get(ctx.db);
  const now = Date.now();
  if (!state || now - state.readAt > SALE_LIBRARY_TTL_MS) {
    state = { version: (await libraryState(ex)).setVersion, readAt: now };
    states.set(ctx.db, state);
  }
  return { version: state.version, features: await cachedLibrary(ctx.db, ex, state.version, { sales: true }) };
}

function verdictOf(
  level: Level,
  fired: FiredFeature[],
  forcedBy: string | null,
): Pick<SaleVerdict, 'verdict' | 'rule'> {
  if (level === 'BLUE') return { verdict: 'ALLOW', rule: null };
  const live = fired
    .filter((f) => f.mode === 'LIVE')
    .sort((a, b) => b.contribution - a.contribution || (a.code < b.code ? -1 : 1));
  const code = forcedBy ?? live[0]?.code ?? null;
  return { verdict: level === 'RED' ? 'REFUSE' : 'REVIEW', rule: code ? `risk.${code}` : 'risk.score' };
}

/** Scores a sale and stores the decision unless it is refused (the caller's transaction rolls back then). */
export async function assessSale(tx: Tx, ctx: AppContext, input: SaleAssessmentInput): Promise<SaleVerdict> {
  const [{ version, features }, thresholds] = await Promise.all([
    saleLibrary(ctx, tx),
    getParameter<{ red: string; yellow: string }>(tx, 'risk.levelThresholds', input.businessDate),
  ]);
  const fired = evaluateFeatures(features, { decl: input.facts, lines: [] }, input.businessDate);
  const scored = combine(fired, null, {
    red: Number(thresholds.value.red),
    yellow: Number(thresholds.value.yellow),
    modelWeight: 0,
  });
  const v = verdictOf(scored.level, fired, scored.forcedBy);
  if (v.verdict !== 'REFUSE') {
    await tx
      .insert(riskSaleDecisions)
      .values({
        saleId: input.saleId,
        shopCode: input.shop,
        personHash: input.personHash,
        businessDate: input.businessDate,
        facts: input.facts,
        fired,
        score: String(scored.score),
        level: scored.level,
        verdict: v.verdict,
        rule: v.rule,
        featureSetVersion: version,
        parameterVersions: { 'risk.levelThresholds': thresholds.version },
        createdAt: ctx.clock.now(),
      })
      .onConflictDoNothing();
  }
  return { ...v, level: scored.level, score: scored.score, fired };
}

/** The verdicts stored for these sales (REVIEW ones open a sale review once confirmed). */
export async function saleVerdicts(
  ex: Executor,
  saleIds: readonly string[],
): Promise<Map<string, { verdict: SaleVerdictKind; rule: string | null }>> {
  if (saleIds.length === 0) return new Map();
  const rows = await ex
    .select({ id: riskSaleDecisions.saleId, verdict: riskSaleDecisions.verdict, rule: riskSaleDecisions.rule })
    .from(riskSaleDecisions)
    .where(sql`${riskSaleDecisions.saleId} ${anyOf(saleIds, 'uuid')}`);
  return new Map(rows.map((r) => [r.id, { verdict: r.verdict as SaleVerdictKind, rule: r.rule }]));
}

const PAGE = 1000;

/**
 * Backtests SALE features over the stored decisions of a window: how many sales each would have
 * fired on, refused (RED) or sent to review (YELLOW) alone, and, with `labelled` (people later
 * confirmed as resale carriers), its precision and recall on them.
 */
export async function backtestSaleFeatures(
  ctx: AppContext,
  actor: Actor,
  targets: CompiledFeature[],
  window: { from?: string; to?: string },
  labelled: (personHashes: readonly string[]) => Promise<Set<string>>,
) {
  const { from, to } = backtestWindowOf(ctx, window);
  const thresholds = await getParameter<{ red: string; yellow: string }>(ctx.db, 'risk.levelThresholds', to);
  const level = { red: Number(thresholds.value.red), yellow: Number(thresholds.value.yellow), modelWeight: 0 };
  const acc = targets.map(() => ({
    sales: 0,
    hits: 0,
    refused: 0,
    reviewed: 0,
    hitPeople: new Set<string>(),
    truePeople: new Set<string>(),
  }));
  const positives = new Set<string>();
  for (let after: string | null = null; ; ) {
    const rows: (typeof riskSaleDecisions.$inferSelect)[] = await ctx.db
      .select()
      .from(riskSaleDecisions)
      .where(
        and(
          gte(riskSaleDecisions.businessDate, from),
          lte(riskSaleDecisions.businessDate, to),
          ...(after ? [gt(riskSaleDecisions.saleId, after)] : []),
        ),
      )
      .orderBy(asc(riskSaleDecisions.saleId))
      .limit(PAGE);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.saleId;
    for (const p of await labelled([...new Set(rows.map((r) => r.personHash))])) positives.add(p);
    for (const r of rows) {
      targets.forEach((feature, i) => {
        const a = acc[i]!;
        a.sales++;
        const fired = evaluateFeatures(
          [{ ...feature, mode: 'LIVE', expiresOn: null }],
          { decl: r.facts as Record<string, Value>, lines: [] },
          r.businessDate,
        );
        if (fired.length === 0) return;
        a.hits++;
        a.hitPeople.add(r.personHash);
        const alone = combine(fired, null, level).level;
        if (alone === 'RED') a.refused++;
        else if (alone === 'YELLOW') a.reviewed++;
      });
    }
    if (rows.length < PAGE) break;
  }
  return recordBacktests(
    ctx,
    actor,
    targets.map((feature, i) => {
      const a = acc[i]!;
      const truePositives = [...a.hitPeople].filter((p) => positives.has(p)).length;
      const metrics = {
        scope: 'SALE',
        sales: a.sales,
        hits: a.hits,
        hitRate: a.sales ? a.hits / a.sales : 0,
        wouldRefuse: a.refused,
        wouldReview: a.reviewed,
        people: a.hitPeople.size,
        labelledPeople: positives.size,
        precision: a.hitPeople.size ? truePositives / a.hitPeople.size : null,
        recall: positives.size ? truePositives / positives.size : null,
      };
      return {
        targetKind: 'FEATURE' as const,
        code: feature.code,
        version: feature.version,
        from,
        to,
        declarations: a.sales,
        metrics,
      };
    }),
  );
}
