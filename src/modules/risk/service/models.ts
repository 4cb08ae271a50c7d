import { and, asc, desc, eq, gte, isNotNull, lte } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/client.ts';
import { runCommand } from '../../../platform/command.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { RISK_EVENTS } from '../events.ts';
import { getParameter } from '../../../platform/parameters/service.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { problems } from '../../../kernel/problem.ts';
import { evaluate, trainModel, type Metrics, type TrainingRow } from '../model/index.ts';
import { MODEL_FEATURE_SPEC, modelRow, type ModelFeatureSpec } from '../modelFeatures.ts';
import type { Facts } from '../facts.ts';
import type { FiredFeature, Level } from '../rules.ts';
import { riskBacktests, riskDecisions, riskLibraryState, riskModels, riskOutcomes } from '../schema.ts';
import { addDays } from '../stats.ts';
import { forgetLibraryState, libraryState } from './library.ts';
import { scorerOf } from './modelCache.ts';
import { backtestRef, decisionsInWindow } from './backtest.ts';
import { backtestWindowOf, recordBacktest } from './backtestRecord.ts';
import { riskParametersOn } from './parameters.ts';
import { governanceStamp } from './governanceStamp.ts';

/**
 * The learned model's life cycle: trained on the platform's own labelled declarations (the
 * inspection outcomes), stored with its validation metrics, backtested, and made live by a second
 * analyst. A scheduled retrain puts each new version in shadow mode for analysts to judge.
 */

type ModelRow = typeof riskModels.$inferSelect;

export interface RetrainParameters {
  intervalDays: number;
  minLabelled: number;
  validationShare: string;
}

interface Labelled {
  row: TrainingRow;
  unbiased: boolean;
  day: string;
}

/** Every labelled declaration in a window, oldest first: the training set. */
async function labelledDeclarations(ex: Executor, from: string, to: string): Promise<Labelled[]> {
  const rows = await ex
    .select({
      facts: riskDecisions.facts,
      outcome: riskOutcomes.outcome,
      revenue: riskOutcomes.revenueRecovered,
      unbiased: riskDecisions.unbiasedSample,
      day: riskDecisions.businessDate,
    })
    .from(riskDecisions)
    .innerJoin(
      riskOutcomes,
      and(
        eq(riskOutcomes.enterpriseId, riskDecisions.enterpriseId),
        eq(riskOutcomes.declarationId, riskDecisions.declarationId),
      ),
    )
    .where(and(gte(riskDecisions.businessDate, from), lte(riskDecisions.businessDate, to)))
    .orderBy(asc(riskDecisions.createdAt), asc(riskDecisions.declarationId));
  return rows.map((r) => ({
    row: { features: modelRow(r.facts as Facts), label: r.outcome === 'MATCH' ? 0 : 1, revenue: Number(r.revenue) },
    unbiased: r.unbiased,
    day: r.day,
  }));
}

function round(m: Metrics): Metrics {
  return Object.fromEntries(
    Object.entries(m).map(([k, v]) => [k, Math.round((v as number) * 10_000) / 10_000]),
  ) as unknown as Metrics;
}

export function modelView(r: ModelRow, latestBacktest: typeof riskBacktests.$inferSelect | null = null) {
  return {
    version: r.version,
    status: r.status,
    algorithm: r.algorithm,
    ...governanceStamp(r),
    metrics: r.metrics as Record<string, unknown>,
    training: r.training as Record<string, unknown>,
    features: (r.spec as ModelFeatureSpec[]).length,
    latestBacktest: backtestRef(latestBacktest),
  };
}

export interface TrainRequest {
  seed?: number;
  from?: string;
  to?: string;
  algorithm?: 'gbdt' | 'logistic';
  onProgress?: (round: number, rounds: number) => void;
  /**
   * Store the model only if no version was trained on or after this date (the scheduled retrain, run by every API
   * process).
   */
  unlessTrainedSince?: string;
}

/**
 * Trains a model on the labelled declarations of a window (newest share held out for validation,
 * in time order, as the model will be used on the future) and stores it as a DRAFT.
 */
export async function trainRiskModel(ctx: AppContext, actor: Actor, req: TrainRequest = {}) {
  const today = shanghaiDate(ctx.clock.now());
  const to = req.to ?? today;
  const from = req.from ?? addDays(to, -365);
  const retrain = await getParameter<RetrainParameters>(ctx.db, 'risk.retrain', today);
  const labelled = await labelledDeclarations(ctx.db, from, to);
  const positives = labelled.filter((l) => l.row.label === 1).length;
  const cut = Math.floor(labelled.length * (1 - Number(retrain.value.validationShare)));
  const train = labelled.slice(0, cut);
  const valid = labelled.slice(cut);
  const bothOutcomes = (xs: Labelled[]) => xs.some((l) => l.row.label === 1) && xs.some((l) => l.row.label === 0);
  if (labelled.length < retrain.value.minLabelled || !bothOutcomes(train) || !bothOutcomes(valid)) {
    throw problems.rule(
      'not-enough-labels',
      'Not enough labelled declarations',
      `Training needs at least ${retrain.value.minLabelled} declarations with an inspection outcome, ` +
        `with both outcomes in the training and the validation part, from ${from} to ${to}; there ` +
        `are ${labelled.length} (${positives} found something).`,
    );
  }
  const seed = req.seed ?? 1;
  const spec = [...MODEL_FEATURE_SPEC];
  const { model, report } = trainModel(
    spec,
    train.map((l) => l.row),
    { seed, algorithm: req.algorithm ?? 'gbdt', ...(req.onProgress ? { onProgress: req.onProgress } : {}) },
    valid.map((l) => l.row),
  );
  const scores = valid.map((l) => model.predict(l.row.features));
  const validMetrics = round(
    evaluate(
      scores,
      valid.map((l) => l.row.label),
      valid.map((l) => l.row.revenue ?? 0),
    ),
  );
  const unbiased = valid.map((l, i) => ({ l, s: scores[i]! })).filter((x) => x.l.unbiased);
  const unbiasedMetrics =
    unbiased.length >= 50 && unbiased.some((x) => x.l.row.label === 1)
      ? round(
          evaluate(
            unbiased.map((x) => x.s),
            unbiased.map((x) => x.l.row.label),
          ),
        )
      : null;
  const metrics = {
    valid: validMetrics,
    validUnbiasedSample: unbiasedMetrics,
    validBaseRate: Math.round((valid.filter((l) => l.row.label === 1).length / valid.length) * 10_000) / 10_000,
  };
  const training = {
    from,
    to,
    seed,
    labelled: labelled.length,
    positives,
    trainRows: train.length,
    validRows: valid.length,
    validFrom: valid[0]!.day,
    rounds: report.rounds,
    trainMs: Math.round(report.trainMs),
    importance: report.importance
      .slice(0, 12)
      .map((i) => ({ feature: i.feature, gain: Math.round(i.gain * 100) / 100 })),
    parameterVersions: { 'risk.retrain': retrain.version },
  };
  return runCommand(ctx, 'risk.model.train', async (tx) => {
    const now = ctx.clock.now();
    if (req.unlessTrainedSince) {
      // The state row serialises the processes that retrained the same night: the first one stores its model.
      await libraryState(tx, true);
      const [newest] = await tx
        .select({ createdAt: riskModels.createdAt })
        .from(riskModels)
        .orderBy(desc(riskModels.version))
        .limit(1);
      if (newest && shanghaiDate(newest.createdAt) >= req.unlessTrainedSince)
        throw problems.conflict('Another process trained a model meanwhile.', { rule: 'risk.retrainNotDue' });
    }
    const [row] = await tx
      .insert(riskModels)
      .values({
        status: 'DRAFT',
        algorithm: report.kind,
        spec,
        model: model.toJSON(),
        metrics,
        training,
        createdBy: actorLabel(actor),
        createdAt: now,
      })
      .returning();
    const { seq } = await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'risk.model.train',
      subject: `risk-model:${row!.version}`,
      change: { version: row!.version, algorithm: report.kind, metrics, training },
      at: now,
    });
    await enqueueEvents(tx, [
      typedEvent(RISK_EVENTS, 'RiskModelTrained', {
        aggregateType: 'risk-model',
        aggregateId: String(row!.version),
        payload: { version: row!.version, metrics },
        occurredAt: now,
        auditSeq: seq,
      }),
    ]);
    return modelView(row!);
  });
}

async function lockModel(tx: Executor, version: number): Promise<ModelRow> {
  const [row] = await tx.select().from(riskModels).where(eq(riskModels.version, version)).for('update');
  if (!row) throw problems.notFound(`Risk model version ${version}`);
  return row;
}

async function modelEvent(tx: Executor, who: string, action: string, row: ModelRow, now: Date) {
  const change = { version: row.version, status: row.status };
  const { seq } = await appendAudit(tx, { actor: who, action, subject: `risk-model:${row.version}`, change, at: now });
  const type =
    action === 'risk.model.approve'
      ? 'RiskModelApproved'
      : action === 'risk.model.shadow'
        ? 'RiskModelShadowed'
        : 'RiskModelRetired';
  await enqueueEvents(tx, [
    typedEvent(RISK_EVENTS, type, {
      aggregateType: 'risk-model',
      aggregateId: String(row.version),
      payload: change,
      occurredAt: now,
      auditSeq: seq,
    }),
  ]);
}

/** Shadow mode: every declaration is also scored by this version and recorded, never acted on. */
export async function shadowModel(ctx: AppContext, actor: Actor, version: number) {
  return runCommand(ctx, 'risk.model.shadow', async (tx) => {
    const now = ctx.clock.now();
    const who = actorLabel(actor);
    const state = await libraryState(tx, true);
    const row = await lockModel(tx, version);
    if (row.status !== 'DRAFT')
      throw problems.conflict(`Model ${version} is ${row.status}; only a draft goes into shadow mode.`);
    if (state.shadowModelVersion !== null)
      await tx.update(riskModels).set({ status: 'DRAFT' }).where(eq(riskModels.version, state.shadowModelVersion));
    const [updated] = await tx
      .update(riskModels)
      .set({ status: 'SHADOW' })
      .where(eq(riskModels.version, version))
      .returning();
    forgetLibraryState(tx);
    await tx
      .update(riskLibraryState)
      .set({ shadowModelVersion: version, updatedAt: now, updatedBy: who })
      .where(eq(riskLibraryState.id, 1));
    await modelEvent(tx, who, 'risk.model.shadow', updated!, now);
    return modelView(updated!);
  });
}

/** Four eyes: an analyst other than the one who trained it, after a backtest, makes a version live. */
export async function approveModel(ctx: AppContext, actor: Actor, version: number) {
  return runCommand(ctx, 'risk.model.approve', async (tx) => {
    const now = ctx.clock.now();
    const who = actorLabel(actor);
    const state = await libraryState(tx, true);
    const row = await lockModel(tx, version);
    if (row.status !== 'DRAFT' && row.status !== 'SHADOW')
      throw problems.conflict(`Model ${version} is ${row.status}; only a draft or shadow model can be approved.`);
    if (row.createdBy === who)
      throw problems.rule(
        'four-eyes',
        'Second analyst required',
        `Model ${version} was trained by ${who}: a model goes live only when another analyst approves it.`,
        [{ path: 'approvedBy', message: 'The author cannot approve their own model.', rule: 'risk.fourEyes' }],
      );
    const [bt] = await tx
      .select({ id: riskBacktests.id })
      .from(riskBacktests)
      .where(and(eq(riskBacktests.targetKind, 'MODEL'), eq(riskBacktests.version, version)))
      .limit(1);
    if (!bt)
      throw problems.rule(
        'backtest-required',
        'Backtest required',
        `Backtest model ${version} over past declarations before approving it.`,
        [{ path: 'version', message: 'No backtest of this model yet.', rule: 'risk.backtestRequired' }],
      );
    if (state.liveModelVersion !== null)
      await tx
        .update(riskModels)
        .set({ status: 'RETIRED', retiredBy: who, retiredAt: now })
        .where(eq(riskModels.version, state.liveModelVersion));
    const [updated] = await tx
      .update(riskModels)
      .set({ status: 'LIVE', approvedBy: who, approvedAt: now })
      .where(eq(riskModels.version, version))
      .returning();
    forgetLibraryState(tx);
    await tx
      .update(riskLibraryState)
      .set({
        liveModelVersion: version,
        ...(state.shadowModelVersion === version ? { shadowModelVersion: null } : {}),
        updatedAt: now,
        updatedBy: who,
      })
      .where(eq(riskLibraryState.id, 1));
    await modelEvent(tx, who, 'risk.model.approve', updated!, now);
    return modelView(updated!);
  });
}

export async function retireModel(ctx: AppContext, actor: Actor, version: number) {
  return runCommand(ctx, 'risk.model.retire', async (tx) => {
    const now = ctx.clock.now();
    const who = actorLabel(actor);
    const state = await libraryState(tx, true);
    const row = await lockModel(tx, version);
    if (row.status === 'RETIRED') throw problems.conflict(`Model ${version} is already retired.`);
    const [updated] = await tx
      .update(riskModels)
      .set({ status: 'RETIRED', retiredBy: who, retiredAt: now })
      .where(eq(riskModels.version, version))
      .returning();
    const clear = {
      ...(state.liveModelVersion === version ? { liveModelVersion: null } : {}),
      ...(state.shadowModelVersion === version ? { shadowModelVersion: null } : {}),
    };
    if (Object.keys(clear).length) forgetLibraryState(tx);
    await tx
      .update(riskLibraryState)
      .set({ ...clear, updatedAt: now, updatedBy: who })
      .where(eq(riskLibraryState.id, 1));
    await modelEvent(tx, who, 'risk.model.retire', updated!, now);
    return modelView(updated!);
  });
}

/**
 * Scores the past declarations of a window with a model version: the field's metrics on those with
 * an outcome (and on the random sample alone), and the share that would have been RED.
 */
export async function backtestModel(
  ctx: AppContext,
  actor: Actor,
  version: number,
  window: { from?: string; to?: string } = {},
) {
  const { from, to } = backtestWindowOf(ctx, window);
  const [row] = await ctx.db.select().from(riskModels).where(eq(riskModels.version, version));
  if (!row) throw problems.notFound(`Risk model version ${version}`);
  const scorer = scorerOf(row);
  const params = await riskParametersOn(ctx.db, to);
  const scores: number[] = [];
  const labels: (0 | 1)[] = [];
  const revenue: number[] = [];
  const unbiased: { s: number; y: 0 | 1 }[] = [];
  let declarations = 0;
  let wouldBeRed = 0;
  let red = 0;
  for await (const page of decisionsInWindow(ctx.db, from, to)) {
    for (const { d, o } of page) {
      declarations++;
      const p = scorer.predict(modelRow(d.facts as Facts, scorer.spec));
      const forced = (d.fired as FiredFeature[]).some((f) => f.mode === 'LIVE' && f.forceLevel === 'RED');
      if (forced || Number(d.featureScore) + params.level.modelWeight * p >= params.level.red) wouldBeRed++;
      if ((d.level as Level) === 'RED') red++;
      if (!o) continue;
      const y: 0 | 1 = o.outcome === 'MATCH' ? 0 : 1;
      scores.push(p);
      labels.push(y);
      revenue.push(Number(o.revenueRecovered));
      if (d.unbiasedSample) unbiased.push({ s: p, y });
    }
  }
  const metrics = {
    declarations,
    labelled: labels.length,
    positives: labels.filter((y) => y === 1).length,
    known: labels.length && labels.some((y) => y === 1) ? round(evaluate(scores, labels, revenue)) : null,
    unbiasedSample:
      unbiased.length >= 20 && unbiased.some((u) => u.y === 1)
        ? {
            labelled: unbiased.length,
            ...round(
              evaluate(
                unbiased.map((u) => u.s),
                unbiased.map((u) => u.y),
              ),
            ),
          }
        : null,
    redRate: declarations ? Math.round((red / declarations) * 10_000) / 10_000 : null,
    wouldBeRedRate: declarations ? Math.round((wouldBeRed / declarations) * 10_000) / 10_000 : null,
  };
  return recordBacktest(ctx, actor, { targetKind: 'MODEL', code: null, version, from, to, declarations, metrics });
}

export async function listModels(ctx: AppContext) {
  const rows = await ctx.db.select().from(riskModels).orderBy(desc(riskModels.version));
  const backtests = await ctx.db
    .select()
    .from(riskBacktests)
    .where(eq(riskBacktests.targetKind, 'MODEL'))
    .orderBy(asc(riskBacktests.runAt));
  const latest = new Map(backtests.map((b) => [b.version, b]));
  return rows.map((r) => modelView(r, latest.get(r.version) ?? null));
}

/**
 * How the scoring models did, week by week, on the declarations they scored that have an outcome:
 * the monitoring an analyst watches for drift between retrains.
 */
export async function modelPerformance(ctx: AppContext, w: { from?: string; to?: string }) {
  const to = w.to ?? shanghaiDate(ctx.clock.now());
  const from = w.from ?? addDays(to, -180);
  const rows = await ctx.db
    .select({
      day: riskDecisions.businessDate,
      version: riskDecisions.modelVersion,
      p: riskDecisions.modelProbability,
      outcome: riskOutcomes.outcome,
      unbiased: riskDecisions.unbiasedSample,
    })
    .from(riskDecisions)
    .innerJoin(
      riskOutcomes,
      and(
        eq(riskOutcomes.enterpriseId, riskDecisions.enterpriseId),
        eq(riskOutcomes.declarationId, riskDecisions.declarationId),
      ),
    )
    .where(
      and(
        gte(riskDecisions.businessDate, from),
        lte(riskDecisions.businessDate, to),
        isNotNull(riskDecisions.modelProbability),
      ),
    );
  const weeks = new Map<string, { version: number; p: number; y: 0 | 1 }[]>();
  for (const r of rows) {
    const d = new Date(`${r.day}T00:00:00Z`);
    const week = addDays(r.day, -((d.getUTCDay() + 6) % 7));
    const list = weeks.get(week) ?? [];
    list.push({ version: r.version!, p: r.p!, y: r.outcome === 'MATCH' ? 0 : 1 });
    weeks.set(week, list);
  }
  return [...weeks.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([week, xs]) => {
      const positives = xs.filter((x) => x.y === 1).length;
      const both = positives > 0 && positives < xs.length;
      const m = both
        ? evaluate(
            xs.map((x) => x.p),
            xs.map((x) => x.y),
          )
        : null;
      return {
        week,
        labelled: xs.length,
        positives,
        versions: [...new Set(xs.map((x) => x.version))].sort((a, b) => a - b),
        auc: m ? Math.round(m.auc * 10_000) / 10_000 : null,
        'precision@10%': m ? Math.round(m['precision@10%'] * 10_000) / 10_000 : null,
        meanProbability: Math.round((xs.reduce((s, x) => s + x.p, 0) / xs.length) * 10_000) / 10_000,
        hitRate: Math.round((positives / xs.length) * 10_000) / 10_000,
      };
    });
}
