import { and, asc, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { eager, together, type Executor } from '../../../platform/db/client.ts';
import type { WriteBatch } from '../../../platform/writeBatch.ts';
import { runCommand } from '../../../platform/command.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { RISK_EVENTS } from '../events.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { problems } from '../../../kernel/problem.ts';
import { compileExpression, type Scope } from '../expression.ts';
import { catalogueOf } from '../fields.ts';
import { BASELINE_LIBRARY } from '../library.ts';
import { riskBacktests, riskFeatureDaily, riskFeatureVersions, riskLibraryState } from '../schema.ts';
import { featureBody, type FeatureBody } from '../wire.ts';
import { forgetLibraryState, libraryState, type FeatureRow } from './library.ts';
import { parseOrProblem } from './validate.ts';
import { governanceStamp } from './governanceStamp.ts';
import { backtestRef } from './backtest.ts';
import { addDays } from '../stats.ts';

/**
 * Governance of the feature library: drafts, shadow mode, four-eyes approval after a backtest,
 * retirement. Every change that alters what counts bumps the feature-set version, so a decision's
 * `featureSetVersion` names exactly the features it ran.
 */

/** A definition that does not compile is refused with the path `expression` and the column. */
export function expressionProblem(expression: string, scope: Scope) {
  const r = compileExpression(expression, catalogueOf(scope), scope);
  if (r.ok) return { ok: true as const, fields: r.compiled.fields };
  return {
    ok: false as const,
    errors: r.errors.map((e) => ({
      path: 'expression',
      message: `column ${e.column}: ${e.message}`,
      rule: e.rule,
      column: e.column,
    })),
  };
}

function assertCompiles(body: FeatureBody) {
  const r = expressionProblem(body.expression, body.scope);
  if (!r.ok)
    throw problems.validation(
      r.errors.map(({ column: _c, ...e }) => e),
      `The feature expression is invalid: ${r.errors[0]!.message}`,
    );
}

export function featureVersionView(
  r: FeatureRow,
  today: string,
  latestBacktest: typeof riskBacktests.$inferSelect | null = null,
) {
  return {
    code: r.code,
    version: r.version,
    status: r.status,
    name: r.name,
    description: r.description,
    category: r.category,
    scope: r.scope,
    expression: r.expression,
    weight: r.weight,
    forceLevel: r.forceLevel,
    expiresOn: r.expiresOn,
    owner: r.owner,
    ...governanceStamp(r),
    retireReason: r.retireReason,
    liveFromSet: r.liveFromSet,
    liveToSet: r.liveToSet,
    expired: r.expiresOn !== null && today >= r.expiresOn,
    latestBacktest: backtestRef(latestBacktest),
  };
}

async function insertVersion(tx: Executor, body: FeatureBody, createdBy: string, now: Date): Promise<FeatureRow> {
  const [max] = await tx
    .select({ v: sql<number>`coalesce(max(${riskFeatureVersions.version}), 0)::int` })
    .from(riskFeatureVersions)
    .where(eq(riskFeatureVersions.code, body.code));
  const [row] = await tx
    .insert(riskFeatureVersions)
    .values({
      code: body.code,
      version: Number(max?.v ?? 0) + 1,
      status: 'DRAFT',
      name: body.name,
      description: body.description,
      category: body.category,
      scope: body.scope,
      expression: body.expression,
      weight: body.weight,
      forceLevel: body.forceLevel ?? null,
      expiresOn: body.expiresOn ?? null,
      owner: body.owner ?? createdBy,
      createdBy,
      createdAt: now,
    })
    .returning();
  return row!;
}

/** Saves a new draft version of a feature (a new code starts at version 1). */
export async function createFeatureDraft(ctx: AppContext, actor: Actor, raw: FeatureBody) {
  const body = parseOrProblem(featureBody, raw, 'risk.feature');
  assertCompiles(body);
  return runCommand(ctx, 'risk.feature.draft', async (tx) => {
    const now = ctx.clock.now();
    const row = await insertVersion(tx, body, actorLabel(actor), now);
    const view = featureVersionView(row, shanghaiDate(now));
    await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'risk.feature.draft',
      subject: `risk-feature:${row.code}@${row.version}`,
      change: { ...view, latestBacktest: undefined },
      at: now,
    });
    return view;
  });
}

async function lockVersion(tx: Executor, code: string, version: number): Promise<FeatureRow> {
  const [row] = await tx
    .select()
    .from(riskFeatureVersions)
    .where(and(eq(riskFeatureVersions.code, code), eq(riskFeatureVersions.version, version)))
    .for('update');
  if (!row) throw problems.notFound(`Risk feature ${code} version ${version}`);
  return row;
}

/** Publishes a new feature-set version: the caller holds the state row lock. */
async function bumpSet(tx: Executor, actor: string, now: Date): Promise<number> {
  const state = await libraryState(tx, true);
  const next = state.setVersion + 1;
  forgetLibraryState(tx);
  await tx
    .update(riskLibraryState)
    .set({ setVersion: next, updatedAt: now, updatedBy: actor })
    .where(eq(riskLibraryState.id, 1));
  return next;
}

async function governanceEvent(
  tx: Executor,
  actor: string,
  action: string,
  row: FeatureRow,
  setVersion: number,
  now: Date,
  extra: { reason?: string } = {},
) {
  const { entry, event } = governanceRecord(actor, action, row, setVersion, now, extra);
  const { seq } = await appendAudit(tx, entry);
  await enqueueEvents(tx, [{ ...event, auditSeq: seq }]);
}

/** `governanceEvent` through the command's write batch: the same entry and event, written at its end. */
function governanceEntry(
  batch: WriteBatch,
  actor: string,
  action: string,
  row: FeatureRow,
  setVersion: number,
  now: Date,
) {
  const { entry, event } = governanceRecord(actor, action, row, setVersion, now);
  batch.event(event, batch.audit(entry));
}

function governanceRecord(
  actor: string,
  action: string,
  row: FeatureRow,
  setVersion: number,
  now: Date,
  extra: { reason?: string } = {},
) {
  const change = { code: row.code, version: row.version, status: row.status, setVersion, ...extra };
  const type =
    action === 'risk.feature.approve'
      ? 'RiskFeatureApproved'
      : action === 'risk.feature.shadow'
        ? 'RiskFeatureShadowed'
        : 'RiskFeatureRetired';
  return {
    entry: { actor, action, subject: `risk-feature:${row.code}@${row.version}`, change, at: now },
    event: typedEvent(RISK_EVENTS, type, {
      aggregateType: 'risk-feature',
      aggregateId: `${row.code}@${row.version}`,
      payload: change,
      occurredAt: now,
    }),
  };
}

/** Shadow mode: the version is scored with every declaration and recorded, never acted on. No approval needed. */
export async function shadowFeature(ctx: AppContext, actor: Actor, code: string, version: number) {
  return runCommand(ctx, 'risk.feature.shadow', async (tx) => {
    const now = ctx.clock.now();
    const who = actorLabel(actor);
    await libraryState(tx, true);
    const row = await lockVersion(tx, code, version);
    if (row.status !== 'DRAFT')
      throw problems.conflict(`${code} v${version} is ${row.status}; only a draft goes into shadow mode.`);
    const n = await bumpSet(tx, who, now);
    // One shadow version per code: an earlier one goes back to being a draft.
    const others = await tx
      .select()
      .from(riskFeatureVersions)
      .where(and(eq(riskFeatureVersions.code, code), eq(riskFeatureVersions.status, 'SHADOW')))
      .for('update');
    for (const o of others)
      await tx
        .update(riskFeatureVersions)
        .set({ status: 'DRAFT', shadowToSet: n })
        .where(and(eq(riskFeatureVersions.code, code), eq(riskFeatureVersions.version, o.version)));
    const [updated] = await tx
      .update(riskFeatureVersions)
      .set({ status: 'SHADOW', shadowFromSet: n, shadowToSet: null })
      .where(and(eq(riskFeatureVersions.code, code), eq(riskFeatureVersions.version, version)))
      .returning();
    await governanceEvent(tx, who, 'risk.feature.shadow', updated!, n, now);
    return featureVersionView(updated!, shanghaiDate(now));
  });
}

/**
 * What approving a version requires, checked in this order: a draft or shadow version, an approver
 * other than its author, a backtest of it.
 */
function checkApproval(row: FeatureRow, who: string, backtested: boolean): void {
  const { code, version } = row;
  if (row.status !== 'DRAFT' && row.status !== 'SHADOW')
    throw problems.conflict(`${code} v${version} is ${row.status}; only a draft or shadow version can be approved.`);
  if (row.createdBy === who) {
    throw problems.rule(
      'four-eyes',
      'Second analyst required',
      `${code} v${version} was written by ${who}: a feature goes live only when another analyst approves it.`,
      [{ path: 'approvedBy', message: 'The author cannot approve their own feature.', rule: 'risk.fourEyes' }],
    );
  }
  if (!backtested)
    throw problems.rule(
      'backtest-required',
      'Backtest required',
      `Backtest ${code} v${version} over past declarations before approving it.`,
      [{ path: 'version', message: 'No backtest of this version yet.', rule: 'risk.backtestRequired' }],
    );
}

async function approveInTx(
  tx: Executor,
  who: string,
  code: string,
  version: number,
  now: Date,
  setVersion: number,
): Promise<FeatureRow> {
  const row = await lockVersion(tx, code, version);
  const [bt] = await tx
    .select({ id: riskBacktests.id })
    .from(riskBacktests)
    .where(
      and(eq(riskBacktests.targetKind, 'FEATURE'), eq(riskBacktests.code, code), eq(riskBacktests.version, version)),
    )
    .limit(1);
  checkApproval(row, who, bt !== undefined);
  const live = await tx
    .select()
    .from(riskFeatureVersions)
    .where(and(eq(riskFeatureVersions.code, code), eq(riskFeatureVersions.status, 'LIVE')))
    .for('update');
  for (const l of live) {
    await tx
      .update(riskFeatureVersions)
      .set({
        status: 'RETIRED',
        liveToSet: setVersion,
        retiredBy: who,
        retiredAt: now,
        retireReason: `superseded by version ${version}`,
      })
      .where(and(eq(riskFeatureVersions.code, code), eq(riskFeatureVersions.version, l.version)));
  }
  const [updated] = await tx
    .update(riskFeatureVersions)
    .set({
      status: 'LIVE',
      approvedBy: who,
      approvedAt: now,
      liveFromSet: setVersion,
      liveToSet: null,
      ...(row.status === 'SHADOW' ? { shadowToSet: setVersion } : {}),
    })
    .where(and(eq(riskFeatureVersions.code, code), eq(riskFeatureVersions.version, version)))
    .returning();
  return updated!;
}

/** Four eyes: an analyst other than the author, after a backtest, makes a version live (superseding the live one). */
export async function approveFeatures(ctx: AppContext, actor: Actor, items: { code: string; version: number }[]) {
  return runCommand(ctx, 'risk.feature.approve', async (tx, batch) => {
    const now = ctx.clock.now();
    const who = actorLabel(actor);
    await libraryState(tx, true);
    const n = await bumpSet(tx, who, now);
    const out = [];
    // Versions of distinct features (a library's drafts) are approved set-based; two versions of one
    // feature in one call keep the one-by-one path, where the second supersedes the first.
    if (new Set(items.map((i) => i.code)).size === items.length) {
      const rows = await approveAllInTx(tx, who, items, now, n);
      for (const row of rows) {
        governanceEntry(batch, who, 'risk.feature.approve', row, n, now);
        out.push(featureVersionView(row, shanghaiDate(now)));
      }
      return out;
    }
    for (const { code, version } of items) {
      const row = await approveInTx(tx, who, code, version, now, n);
      await governanceEvent(tx, who, 'risk.feature.approve', row, n, now);
      out.push(featureVersionView(row, shanghaiDate(now)));
    }
    return out;
  });
}

/**
 * `approveInTx` for versions of distinct features, in a fixed number of statements: every version
 * locked in one read (in key order), each checked in the order given exactly as one by one (so the
 * same item fails with the same problem), their live versions retired and they made live in one
 * statement each.
 */
async function approveAllInTx(
  tx: Executor,
  who: string,
  items: { code: string; version: number }[],
  now: Date,
  setVersion: number,
): Promise<FeatureRow[]> {
  if (items.length === 0) return [];
  const pairs = sql.join(
    items.map((i) => sql`(${i.code}, ${i.version}::int)`),
    sql`, `,
  );
  const codes = items.map((i) => i.code);
  const [locked, backtested] = await together([
    eager(
      tx
        .select()
        .from(riskFeatureVersions)
        .where(sql`(${riskFeatureVersions.code}, ${riskFeatureVersions.version}) in (${pairs})`)
        .orderBy(asc(riskFeatureVersions.code), asc(riskFeatureVersions.version))
        .for('update'),
    ),
    eager(
      tx
        .selectDistinct({ code: riskBacktests.code, version: riskBacktests.version })
        .from(riskBacktests)
        .where(and(eq(riskBacktests.targetKind, 'FEATURE'), inArray(riskBacktests.code, codes))),
    ),
  ] as const);
  const byKey = new Map(locked.map((r) => [`${r.code}@${r.version}`, r]));
  const hasBacktest = new Set(backtested.map((b) => `${b.code}@${b.version}`));
  const shadows: string[] = [];
  for (const { code, version } of items) {
    const row = byKey.get(`${code}@${version}`);
    if (!row) throw problems.notFound(`Risk feature ${code} version ${version}`);
    checkApproval(row, who, hasBacktest.has(`${code}@${version}`));
    if (row.status === 'SHADOW') shadows.push(code);
  }
  // The live version of each feature is superseded by the one approved, as one by one.
  await tx.execute(sql`update ${riskFeatureVersions} f set status = 'RETIRED', live_to_set = ${setVersion}::int,
      retired_by = ${who}, retired_at = ${now.toISOString()}::timestamptz,
      retire_reason = 'superseded by version ' || v.version
    from (values ${pairs}) as v(code, version)
    where f.code = v.code and f.status = 'LIVE'`);
  const updated = await tx
    .update(riskFeatureVersions)
    .set({
      status: 'LIVE',
      approvedBy: who,
      approvedAt: now,
      liveFromSet: setVersion,
      liveToSet: null,
      shadowToSet: sql`case when ${riskFeatureVersions.status} = 'SHADOW' then ${setVersion}::int
        else ${riskFeatureVersions.shadowToSet} end`,
    })
    .where(sql`(${riskFeatureVersions.code}, ${riskFeatureVersions.version}) in (${pairs})`)
    .returning();
  const after = new Map(updated.map((r) => [`${r.code}@${r.version}`, r]));
  return items.map((i) => after.get(`${i.code}@${i.version}`)!);
}

export async function retireFeature(ctx: AppContext, actor: Actor, code: string, version: number, reason: string) {
  return runCommand(ctx, 'risk.feature.retire', async (tx) => {
    const now = ctx.clock.now();
    const who = actorLabel(actor);
    await libraryState(tx, true);
    const row = await lockVersion(tx, code, version);
    if (row.status === 'RETIRED') throw problems.conflict(`${code} v${version} is already retired.`);
    const counted = row.status === 'LIVE' || row.status === 'SHADOW';
    const n = counted ? await bumpSet(tx, who, now) : (await libraryState(tx)).setVersion;
    const [updated] = await tx
      .update(riskFeatureVersions)
      .set({
        status: 'RETIRED',
        retiredBy: who,
        retiredAt: now,
        retireReason: reason,
        ...(row.status === 'LIVE' ? { liveToSet: n } : {}),
        ...(row.status === 'SHADOW' ? { shadowToSet: n } : {}),
      })
      .where(and(eq(riskFeatureVersions.code, code), eq(riskFeatureVersions.version, version)))
      .returning();
    await governanceEvent(tx, who, 'risk.feature.retire', updated!, n, now, { reason });
    return featureVersionView(updated!, shanghaiDate(now));
  });
}

/**
 * Installs the baseline library as drafts written by the platform (codes already present are
 * left alone). Analysts then backtest and approve them like any other feature.
 */
export async function installBaselineLibrary(ctx: AppContext, actorName = 'system:risk-library'): Promise<number> {
  return runCommand(ctx, 'risk.library.install', async (tx) => {
    const now = ctx.clock.now();
    const present = new Set(
      (await tx.select({ code: riskFeatureVersions.code }).from(riskFeatureVersions)).map((r) => r.code),
    );
    // The features missing are inserted as drafts in one statement: a code with no version at all
    // starts at version 1 (what insertVersion gives it), and a code listed twice would count on.
    const versions = new Map<string, number>();
    const rows = BASELINE_LIBRARY.filter((f) => !present.has(f.code)).map((f) => {
      const version = (versions.get(f.code) ?? 0) + 1;
      versions.set(f.code, version);
      return {
        code: f.code,
        version,
        status: 'DRAFT',
        name: f.name,
        description: f.description,
        category: f.category,
        scope: f.scope,
        expression: f.expression,
        weight: f.weight,
        forceLevel: f.forceLevel ?? null,
        expiresOn: null,
        owner: '风险分析处 Risk analysis division',
        createdBy: actorName,
        createdAt: now,
      };
    });
    if (rows.length) await tx.insert(riskFeatureVersions).values(rows);
    const added = rows.length;
    await appendAudit(tx, {
      actor: actorName,
      action: 'risk.library.install',
      subject: 'risk-library',
      change: { added, codes: BASELINE_LIBRARY.filter((f) => !present.has(f.code)).map((f) => f.code) },
      at: now,
    });
    return added;
  });
}

async function latestBacktests(ex: Executor, codes: string[]) {
  if (!codes.length) return new Map<string, typeof riskBacktests.$inferSelect>();
  const rows = await ex
    .select()
    .from(riskBacktests)
    .where(and(eq(riskBacktests.targetKind, 'FEATURE'), inArray(riskBacktests.code, codes)))
    .orderBy(asc(riskBacktests.runAt));
  return new Map(rows.map((r) => [`${r.code}@${r.version}`, r]));
}

/** Every feature: its newest version, the live one, and how it did over the last 90 days. */
export async function listFeatures(ctx: AppContext, filter: { status?: string } = {}) {
  const today = shanghaiDate(ctx.clock.now());
  const rows = await ctx.db
    .select()
    .from(riskFeatureVersions)
    .orderBy(asc(riskFeatureVersions.code), desc(riskFeatureVersions.version));
  const stats = await ctx.db
    .select({
      code: riskFeatureDaily.code,
      fired: sql<number>`sum(${riskFeatureDaily.fired})::int`,
      inspected: sql<number>`sum(${riskFeatureDaily.inspected})::int`,
      hits: sql<number>`sum(${riskFeatureDaily.hits})::int`,
      revenue: sql<string>`sum(${riskFeatureDaily.revenueRecovered})::text`,
    })
    .from(riskFeatureDaily)
    .where(gte(riskFeatureDaily.day, addDays(today, -90)))
    .groupBy(riskFeatureDaily.code);
  const byCode = new Map(stats.map((s) => [s.code, s]));
  const backtests = await latestBacktests(ctx.db, [...new Set(rows.map((r) => r.code))]);
  const out = [];
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.code)) continue;
    seen.add(r.code);
    const versions = rows.filter((x) => x.code === r.code);
    // Show the version that matters most: a pending draft or shadow, else the live one, else the newest.
    const shown =
      versions.find((v) => v.status === 'DRAFT' || v.status === 'SHADOW') ??
      versions.find((v) => v.status === 'LIVE') ??
      r;
    if (filter.status && !versions.some((v) => v.status === filter.status)) continue;
    const s = byCode.get(r.code);
    const inspected = Number(s?.inspected ?? 0);
    out.push({
      ...featureVersionView(shown, today, backtests.get(`${shown.code}@${shown.version}`) ?? null),
      liveVersion: versions.find((v) => v.status === 'LIVE')?.version ?? null,
      stats: {
        fired: Number(s?.fired ?? 0),
        inspected,
        hits: Number(s?.hits ?? 0),
        hitRate: inspected ? Number(s!.hits) / inspected : null,
        revenueRecovered: s?.revenue ?? '0',
      },
    });
  }
  return out;
}

export async function getFeature(ctx: AppContext, code: string) {
  const today = shanghaiDate(ctx.clock.now());
  const rows = await ctx.db
    .select()
    .from(riskFeatureVersions)
    .where(eq(riskFeatureVersions.code, code))
    .orderBy(desc(riskFeatureVersions.version));
  if (!rows.length) throw problems.notFound(`Risk feature ${code}`);
  const backtests = await latestBacktests(ctx.db, [code]);
  return rows.map((r) => featureVersionView(r, today, backtests.get(`${r.code}@${r.version}`) ?? null));
}

/** Hit rate and yield of a feature over time, by ISO week (or day), all versions or one. */
export async function featureStats(
  ctx: AppContext,
  code: string,
  opts: { version?: number; bucket: 'day' | 'week'; from?: string; to?: string },
) {
  const today = shanghaiDate(ctx.clock.now());
  const from = opts.from ?? addDays(today, -180);
  const to = opts.to ?? today;
  const period =
    opts.bucket === 'week'
      ? sql<string>`to_char(date_trunc('week', ${riskFeatureDaily.day}::timestamp), 'YYYY-MM-DD')`
      : sql<string>`to_char(${riskFeatureDaily.day}, 'YYYY-MM-DD')`;
  const rows = await ctx.db
    .select({
      period,
      fired: sql<number>`sum(${riskFeatureDaily.fired})::int`,
      inspected: sql<number>`sum(${riskFeatureDaily.inspected})::int`,
      hits: sql<number>`sum(${riskFeatureDaily.hits})::int`,
      revenue: sql<string>`sum(${riskFeatureDaily.revenueRecovered})::text`,
    })
    .from(riskFeatureDaily)
    .where(
      and(
        eq(riskFeatureDaily.code, code),
        gte(riskFeatureDaily.day, from),
        sql`${riskFeatureDaily.day} <= ${to}`,
        ...(opts.version ? [eq(riskFeatureDaily.version, opts.version)] : []),
      ),
    )
    .groupBy(period)
    .orderBy(period);
  return rows.map((r) => ({
    period: r.period,
    fired: Number(r.fired),
    inspected: Number(r.inspected),
    hits: Number(r.hits),
    hitRate: Number(r.inspected) ? Number(r.hits) / Number(r.inspected) : null,
    revenueRecovered: r.revenue ?? '0',
  }));
}
