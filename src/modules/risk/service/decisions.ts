import { and, count, desc, eq, gte, inArray, lte } from 'drizzle-orm';
import { policyParameters } from '../../../platform/parameters/schema.ts';
import type { AppContext } from '../../../platform/context.ts';
import { findEnterpriseById } from '../../subjects/service.ts';
import { problems } from '../../../kernel/problem.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { decide, select } from '../decide.ts';
import type { Facts } from '../facts.ts';
import { expectedRevenue, selectionDraw, type CreditForSelection, type FiredFeature, type Level } from '../rules.ts';
import { riskDailyTotals, riskDecisions, riskFeatureVersions, riskOutcomes } from '../schema.ts';
import { addDays } from '../stats.ts';
import { riskParametersByVersion } from './parameters.ts';
import { loadLibrary } from './library.ts';
import { scoringModel } from './modelCache.ts';
import { decisionView } from './decisionView.ts';
import { riskKeys } from './assess.ts';

async function enterpriseNames(ctx: AppContext, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const id of new Set(ids)) {
    const e = await findEnterpriseById(ctx.db, id);
    if (e) out.set(id, e.name);
  }
  return out;
}

/** The alert queue: newest first, filtered by level, port, trader, dates, selection. */
export async function listAlerts(
  ctx: AppContext,
  q: {
    level?: string;
    port?: string;
    trader?: string;
    from?: string;
    to?: string;
    selected?: 'true' | 'false';
    page: number;
    pageSize: number;
  },
) {
  const levels = (q.level ?? 'RED,YELLOW').split(',');
  const where = and(
    inArray(riskDecisions.level, levels),
    ...(q.port ? [eq(riskDecisions.port, q.port)] : []),
    ...(q.trader ? [eq(riskDecisions.uscc, q.trader)] : []),
    ...(q.from ? [gte(riskDecisions.businessDate, q.from)] : []),
    ...(q.to ? [lte(riskDecisions.businessDate, q.to)] : []),
    ...(q.selected ? [eq(riskDecisions.selected, q.selected === 'true')] : []),
  );
  const [total] = await ctx.db.select({ n: count() }).from(riskDecisions).where(where);
  const rows = await ctx.db
    .select({ d: riskDecisions, outcome: riskOutcomes.outcome })
    .from(riskDecisions)
    .leftJoin(
      riskOutcomes,
      and(
        eq(riskOutcomes.enterpriseId, riskDecisions.enterpriseId),
        eq(riskOutcomes.declarationId, riskDecisions.declarationId),
      ),
    )
    .where(where)
    .orderBy(desc(riskDecisions.createdAt), desc(riskDecisions.declarationId))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  const names = await enterpriseNames(
    ctx,
    rows.map((r) => r.d.enterpriseId),
  );
  return {
    items: rows.map(({ d, outcome }) => ({
      declarationId: d.declarationId,
      decidedAt: d.createdAt.toISOString(),
      uscc: d.uscc,
      enterpriseName: names.get(d.enterpriseId) ?? null,
      kind: d.kind,
      port: d.port,
      level: d.level as Level,
      score: d.score,
      action: d.action,
      selected: d.selected,
      reasons: d.reasons as string[],
      topFeatures: (d.fired as FiredFeature[])
        .filter((f) => f.mode === 'LIVE')
        .sort((a, b) => b.contribution - a.contribution)
        .slice(0, 3)
        .map((f) => f.code),
      expectedRevenue: d.expectedRevenue,
      outcome: outcome ?? null,
    })),
    total: Number(total?.n ?? 0),
    page: q.page,
    pageSize: q.pageSize,
  };
}

async function loadDecision(ctx: AppContext, declarationId: string) {
  const [row] = await ctx.db
    .select()
    .from(riskDecisions)
    .where(eq(riskDecisions.declarationId, declarationId))
    .limit(1);
  if (!row) throw problems.notFound(`The risk decision of declaration ${declarationId}`);
  return row;
}

/** One decision with its explanation: feature names, evidence, model drivers, the facts, the outcome. */
export async function getDecision(ctx: AppContext, declarationId: string) {
  const row = await loadDecision(ctx, declarationId);
  const view = decisionView(row);
  const fired = [...view.features, ...view.shadowFeatures];
  const names = fired.length
    ? await ctx.db
        .select({
          code: riskFeatureVersions.code,
          version: riskFeatureVersions.version,
          name: riskFeatureVersions.name,
        })
        .from(riskFeatureVersions)
        .where(inArray(riskFeatureVersions.code, [...new Set(fired.map((f) => f.code))]))
    : [];
  const nameOf = (f: FiredFeature) => names.find((n) => n.code === f.code && n.version === f.version)?.name;
  const [outcome] = await ctx.db
    .select()
    .from(riskOutcomes)
    .where(eq(riskOutcomes.declarationId, declarationId))
    .limit(1);
  const enterprise = await findEnterpriseById(ctx.db, row.enterpriseId);
  return {
    ...view,
    features: view.features.map((f) => ({ ...f, name: nameOf(f) })),
    shadowFeatures: view.shadowFeatures.map((f) => ({ ...f, name: nameOf(f) })),
    enterpriseName: enterprise?.name ?? null,
    input: row.input,
    facts: row.facts as Facts,
    outcome: outcome
      ? {
          outcome: outcome.outcome,
          revenueRecovered: outcome.revenueRecovered,
          correctedValues: outcome.correctedValues,
          recordedAt: outcome.recordedAt.toISOString(),
          recordedBy: outcome.recordedBy,
        }
      : null,
  };
}

/**
 * Recomputes a stored decision from its stored facts with the versions it recorded (the feature
 * set, the model, the parameter versions, the draw key) and says whether every part comes out the
 * same. Capacity is the one input from outside: the replay uses what was granted then.
 */
export async function replayDecision(ctx: AppContext, declarationId: string) {
  const row = await loadDecision(ctx, declarationId);
  const stored = decisionView(row);
  const params = await riskParametersByVersion(ctx.db, stored.versions.parameters);
  const [library, model, shadowModel] = await Promise.all([
    loadLibrary(ctx.db, row.featureSetVersion),
    scoringModel(ctx.db, ctx.db, row.modelVersion),
    scoringModel(ctx.db, ctx.db, row.shadowModelVersion),
  ]);
  const facts = row.facts as Facts;
  const draw = selectionDraw(riskKeys(ctx).draw, row.declarationId);
  // The credit measures are fixed by the class and its parameter versions, both recorded.
  const credit: CreditForSelection = await creditForReplay(ctx, row.creditClass, stored.versions.parameters, facts);
  const decided = decide({
    library,
    model,
    shadowModel,
    facts,
    asOf: row.businessDate,
    level: params.level,
    selection: params.selection,
    credit,
    noModelProbability: params.noModelProbability,
    draw,
  });
  const selection = select(decided, row.capacityGranted);
  const replayed = {
    level: decided.scored.level,
    score: decided.scored.score.toFixed(4),
    features: decided.fired.map((f) => `${f.code}@${f.version}:${f.contribution}:${f.mode}`),
    modelProbability: decided.model?.probability ?? null,
    draw,
    selected: selection.selected,
    action: selection.action,
    reasons: selection.reasons,
    expectedRevenue: expectedRevenue(row.revenueAtStake, decided.probability),
  };
  const original = {
    level: stored.level,
    score: Number(stored.score).toFixed(4),
    features: (row.fired as FiredFeature[]).map((f) => `${f.code}@${f.version}:${f.contribution}:${f.mode}`),
    modelProbability: stored.model?.probability ?? null,
    draw: stored.draw,
    selected: stored.selected,
    action: stored.action,
    reasons: stored.reasons,
    expectedRevenue: stored.expectedRevenue,
  };
  const differences = (Object.keys(original) as (keyof typeof original)[]).filter(
    (k) => JSON.stringify(original[k]) !== JSON.stringify(replayed[k]),
  );
  return { declarationId, identical: differences.length === 0, differences, original, replayed };
}

async function creditForReplay(
  ctx: AppContext,
  creditClass: string,
  versions: Record<string, number>,
  facts: Facts,
): Promise<CreditForSelection> {
  const names = [
    'credit.inspectionRateMultiplier.ADVANCED_CERTIFIED',
    'credit.inspectionRateMultiplier.WHITELIST',
    'credit.inspectionRateFloor.FOCUS',
  ];
  const ids = names.map((n) => versions[n]).filter((v): v is number => typeof v === 'number');
  const rows = ids.length ? await ctx.db.select().from(policyParameters).where(inArray(policyParameters.id, ids)) : [];
  const value = (n: string) => String(rows.find((r) => r.name === n)?.value ?? '');
  const inspectionRate =
    creditClass === 'FOCUS'
      ? { kind: 'FLOOR' as const, minimumRate: value('credit.inspectionRateFloor.FOCUS') }
      : { kind: 'MULTIPLIER' as const, multiplier: value(`credit.inspectionRateMultiplier.${creditClass}`) };
  return { inspectionRate, inspectWithoutRiskAlert: facts.decl['credit.inspectWithoutRiskAlert'] !== false };
}

/** Totals for the command centre and the model page: by day, level and credit class. */
export async function riskOverview(ctx: AppContext, w: { from?: string; to?: string }) {
  const to = w.to ?? shanghaiDate(ctx.clock.now());
  const from = w.from ?? addDays(to, -90);
  const rows = await ctx.db
    .select()
    .from(riskDailyTotals)
    .where(and(gte(riskDailyTotals.day, from), lte(riskDailyTotals.day, to)));
  const sum = (pick: (r: (typeof rows)[number]) => boolean) => {
    const s = {
      assessed: 0,
      selected: 0,
      unbiasedSample: 0,
      outcomes: 0,
      hits: 0,
      unbiasedOutcomes: 0,
      unbiasedHits: 0,
      revenueRecovered: 0,
    };
    for (const r of rows.filter(pick)) {
      s.assessed += r.assessed;
      s.selected += r.selected;
      s.unbiasedSample += r.unbiasedSample;
      s.outcomes += r.outcomes;
      s.hits += r.hits;
      s.unbiasedOutcomes += r.unbiasedOutcomes;
      s.unbiasedHits += r.unbiasedHits;
      s.revenueRecovered += Number(r.revenueRecovered);
    }
    return {
      ...s,
      inspectionRate: s.assessed ? s.selected / s.assessed : null,
      hitRate: s.outcomes ? s.hits / s.outcomes : null,
      unbiasedHitRate: s.unbiasedOutcomes ? s.unbiasedHits / s.unbiasedOutcomes : null,
      revenueRecovered: s.revenueRecovered.toFixed(2),
    };
  };
  const days = [...new Set(rows.map((r) => r.day))].sort();
  const weeks = [...new Set(days.map(weekOf))].sort();
  return {
    from,
    to,
    total: sum(() => true),
    byLevel: (['RED', 'YELLOW', 'BLUE'] as const).map((level) => ({ level, ...sum((r) => r.level === level) })),
    byClass: ['ADVANCED_CERTIFIED', 'WHITELIST', 'FOCUS'].map((creditClass) => ({
      creditClass,
      ...sum((r) => r.creditClass === creditClass),
    })),
    byPort: [...new Set(rows.map((r) => r.port))].sort().map((port) => ({ port, ...sum((r) => r.port === port) })),
    byWeek: weeks.map((week) => ({
      week,
      ...sum((r) => weekOf(r.day) === week),
      red: sum((r) => weekOf(r.day) === week && r.level === 'RED'),
    })),
  };
}

/** The Monday of the ISO week of a date. */
function weekOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return addDays(day, -((d.getUTCDay() + 6) % 7));
}
