/**
 * Risk engine figures (docs/benchmarks.md):
 * 1. scoring latency and declarations scored per second on one core, with the full library live and
 *    the model loaded: facts from the derived statistics held in memory, every feature, the model's
 *    probability and drivers, level, selection, expected revenue — what `assessDeclaration` computes
 *    between its reads and its writes;
 * 2. the whole `assessDeclaration` with its database work, one declaration per transaction and in
 *    batches, on PGlite and (when reachable) on PostgreSQL beside pgbench.
 */
import { loadavg } from 'node:os';
import pino from 'pino';
import { percentile, pgbenchTps } from './harness.ts';
import { createContext } from '../src/main.ts';
import { bootstrap } from '../src/platform/bootstrap.ts';
import { openDatabase } from '../src/platform/db/client.ts';
import { runCommand } from '../src/platform/command.ts';
import type { AppContext } from '../src/platform/context.ts';
import type { Actor } from '../src/platform/auth/roles.ts';
import { shanghaiDate } from '../src/kernel/clock.ts';
import { runRiskSimulation } from '../sim/risk/run.ts';
import { buildPopulation } from '../sim/risk/traders.ts';
import { traderDay } from '../sim/risk/traffic.ts';
import { Rng } from '../sim/random.ts';
import * as risk from '../src/modules/risk/service.ts';
import { computeFacts, referenceInclusion, type FactContext } from '../src/modules/risk/facts.ts';
import { decide, select } from '../src/modules/risk/decide.ts';
import { expectedRevenue, selectionDraw } from '../src/modules/risk/rules.ts';
import type { AssessmentInput } from '../src/modules/risk/input.ts';
import { cachedLibrary, libraryState } from '../src/modules/risk/service/library.ts';
import { scoringModel } from '../src/modules/risk/service/modelCache.ts';
import { riskParametersOn } from '../src/modules/risk/service/parameters.ts';
import { DerivedState, partyKeysOf } from '../src/modules/risk/service/derived.ts';
import { riskKeys } from '../src/modules/risk/service/assess.ts';

const SECRET = 'bench-risk-secret-0123456789abcdef012345';
const analyst = (name: string): Actor => ({ kind: 'user', id: name, name, role: 'risk_analyst', enterpriseId: null });

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A platform that has run for a while: library live, a model trained on its outcomes and approved. */
export async function warmPlatform(ctx: AppContext, days: number, traders: number): Promise<void> {
  await bootstrap(ctx, 'bench-admin-password');
  await risk.installBaselineLibrary(ctx);
  const drafts = (await risk.listFeatures(ctx, { status: 'DRAFT' })).map((f) => ({ code: f.code, version: f.version }));
  await risk.backtestFeatures(ctx, analyst('a'), drafts);
  await risk.approveFeatures(ctx, analyst('a'), drafts);
  const today = shanghaiDate(ctx.clock.now());
  await runRiskSimulation(ctx, { seed: 99, startDate: addDays(today, -days), days, traders, auditRate: 0.4 });
  const model = await risk.trainRiskModel(ctx, analyst('a'), { seed: 1 });
  await risk.backtestModel(ctx, analyst('a'), model.version);
  await risk.approveModel(ctx, analyst('b'), model.version);
}

/** Fresh declarations of the same population (next days), for scoring. */
export function freshInputs(
  ids: Map<string, string>,
  traders: number,
  days: number,
  count: number,
  start = shanghaiDate(new Date()),
): AssessmentInput[] {
  const population = buildPopulation({ seed: 99, traders, days });
  const out: AssessmentInput[] = [];
  for (let day = days; out.length < count && day < days + 400; day++) {
    const date = addDays(start, day - days);
    const c = { rng: new Rng(7_000 + day), day, date, midnightUtc: Date.parse(`${date}T00:00:00Z`) - 8 * 3600_000 };
    for (const t of population) {
      const id = ids.get(t.uscc);
      if (!id) continue;
      for (const d of traderDay(t, c)) out.push({ ...d.input, enterpriseId: id });
    }
  }
  return out.slice(0, count);
}

export async function enterpriseIds(ctx: AppContext): Promise<Map<string, string>> {
  const { riskDecisions } = await import('../src/modules/risk/schema.ts');
  const all = await ctx.db
    .selectDistinct({ uscc: riskDecisions.uscc, enterpriseId: riskDecisions.enterpriseId })
    .from(riskDecisions);
  return new Map(all.map((r) => [r.uscc, r.enterpriseId]));
}

/** The in-memory scoring path, timed per declaration. */
export async function scoringFigures(ctx: AppContext, inputs: AssessmentInput[], passes: number) {
  const now = ctx.clock.now();
  const asOf = shanghaiDate(now);
  const params = await riskParametersOn(ctx.db, asOf);
  const state = await libraryState(ctx.db);
  const library = await cachedLibrary(ctx.db, ctx.db, state.setVersion);
  const model = await scoringModel(ctx.db, ctx.db, state.liveModelVersion);
  const keys = riskKeys(ctx);
  const items = inputs.map((input) => ({
    enterpriseId: input.enterpriseId,
    input,
    parties: partyKeysOf(keys.party, input),
  }));
  // The derived statistics as the database holds them, read in a transaction that is rolled back.
  let contexts: FactContext[] = [];
  await ctx.db
    .transaction(async (tx) => {
      const derived = await DerivedState.load(tx as never, items, asOf);
      contexts = items.map((item) => ({
        now,
        asOf,
        credit: { class: 'WHITELIST', inspectWithoutRiskAlert: true },
        enterprise: {
          registeredInHainan: true,
          legalForm: 'INDEPENDENT_LEGAL_PERSON',
          registeredOn: addDays(asOf, -400),
          qualifications: ['ZERO_TARIFF_BENEFICIARY'],
        },
        params: params.facts,
        ...derived.context(item),
      }));
      throw new Error('rollback');
    })
    .catch((err: Error) => {
      if (err.message !== 'rollback') throw err;
    });
  const credit = { inspectionRate: { kind: 'MULTIPLIER' as const, multiplier: '0.8' }, inspectWithoutRiskAlert: true };
  const score = (i: number) => {
    const input = inputs[i]!;
    const { facts, revenueAtStake } = computeFacts(input, contexts[i]!);
    const decided = decide({
      library,
      model,
      shadowModel: null,
      facts,
      asOf,
      level: params.level,
      selection: params.selection,
      credit,
      noModelProbability: params.noModelProbability,
      draw: selectionDraw(keys.draw, input.declarationId),
    });
    const s = select(decided, true);
    referenceInclusion(facts);
    return [s.selected, expectedRevenue(revenueAtStake, decided.probability), decided.scored.level];
  };
  for (let i = 0; i < inputs.length; i++) score(i); // warm-up: JIT, HS index, caches
  const lat = new Float64Array(inputs.length * passes);
  const levels: Record<string, number> = {};
  let k = 0;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < inputs.length; i++) {
      const t0 = process.hrtime.bigint();
      const [, , level] = score(i);
      lat[k++] = Number(process.hrtime.bigint() - t0) / 1000;
      if (p === 0) levels[level as string] = (levels[level as string] ?? 0) + 1;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const sorted = Array.from(lat).sort((a, b) => a - b);
  // On a shared machine the wall clock counts the time other processes hold the core; the CPU time
  // this process used (garbage collection included) gives the rate one core sustains.
  const cpuSeconds = (used.user + used.system) / 1e6;
  return {
    features: library.filter((f) => f.mode === 'LIVE').length,
    modelVersion: model?.version ?? null,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    perSecond: lat.length / seconds,
    perCpuSecond: lat.length / cpuSeconds,
    levels,
  };
}

/** The whole service call with its database work: one declaration per transaction, then batches. */
export async function serviceFigures(ctx: AppContext, inputs: AssessmentInput[], batch: number) {
  const memo = risk.createAssessMemo();
  const half = Math.floor(inputs.length / 2);
  let t0 = performance.now();
  for (const input of inputs.slice(0, half))
    await runCommand(ctx, 'risk.assess', (tx, batch) => risk.assessDeclaration(tx, ctx, input, { memo, batch }));
  const single = half / ((performance.now() - t0) / 1000);
  const rest = inputs.slice(half);
  t0 = performance.now();
  for (let i = 0; i < rest.length; i += batch) {
    const chunk = rest.slice(i, i + batch);
    await runCommand(ctx, 'risk.assess', (tx, batch) => risk.assessDeclarations(tx, ctx, chunk, { memo, batch }));
  }
  const batched = rest.length / ((performance.now() - t0) / 1000);
  return { single, batched };
}

/**
 * Scoring alone (`bench --only risk`): the pure-CPU path against its goal, 20,000 declarations per
 * second per core with a p99 under 1 ms. The yardstick is the goal itself: a CPU-second is this
 * process's own, so the rate per CPU-second is the figure a shared machine can show.
 */
export async function riskScoringBenchmark(opts: { quick: boolean }): Promise<string[]> {
  const days = opts.quick ? 21 : 30;
  const traders = opts.quick ? 50 : 80;
  const ctx = await createContext({
    database: await openDatabase({ dataDir: 'memory://' }),
    logger: pino({ level: 'warn' }),
    dataDir: 'memory://',
    secret: SECRET,
  });
  await warmPlatform(ctx, days, traders);
  const ids = await enterpriseIds(ctx);
  const inputs = freshInputs(ids, traders, days, opts.quick ? 1000 : 3000);
  const lines: string[] = [];
  for (let run = 1; run <= 3; run++) {
    const s = await scoringFigures(ctx, inputs, opts.quick ? 3 : 5);
    lines.push(
      `risk scoring run ${run} (${s.features} live features + model v${s.modelVersion} with drivers, load ${loadavg()[0]!.toFixed(1)}): ` +
        `${s.perCpuSecond.toFixed(0)} per CPU-second = ${(s.perCpuSecond / 20_000).toFixed(2)} × the goal of 20,000/s/core; ` +
        `${s.perSecond.toFixed(0)}/s wall clock, p50 ${s.p50.toFixed(1)} µs, p99 ${s.p99.toFixed(1)} µs (goal < 1,000 µs)`,
    );
  }
  await ctx.database.close();
  return lines;
}

export async function riskBenchmark(opts: { quick: boolean }): Promise<string[]> {
  const days = opts.quick ? 21 : 30;
  const traders = opts.quick ? 50 : 80;
  const lines: string[] = [
    `risk engine (load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}):`,
  ];
  const pglite = await createContext({
    database: await openDatabase({ dataDir: 'memory://' }),
    logger: pino({ level: 'warn' }),
    dataDir: 'memory://',
    secret: SECRET,
  });
  const setupStarted = performance.now();
  await warmPlatform(pglite, days, traders);
  const ids = await enterpriseIds(pglite);
  lines.push(
    `  warm-up: ${days} simulated days of ${traders} traders, library live, model trained and approved (${((performance.now() - setupStarted) / 1000).toFixed(0)} s on PGlite)`,
  );
  const scoringInputs = freshInputs(ids, traders, days, opts.quick ? 1000 : 3000);
  const s = await scoringFigures(pglite, scoringInputs, opts.quick ? 3 : 10);
  lines.push(
    `  scoring (${s.features} live features + model v${s.modelVersion} with drivers, one thread): p50 ${s.p50.toFixed(1)} µs, p99 ${s.p99.toFixed(1)} µs wall clock; ${s.perSecond.toFixed(0)} declarations/s wall clock, ${s.perCpuSecond.toFixed(0)} per CPU-second (levels ${JSON.stringify(s.levels)})`,
  );
  const serviceInputs = freshInputs(ids, traders, days + 40, opts.quick ? 200 : 600).map((i) => ({
    ...i,
    declarationId: crypto.randomUUID(),
  }));
  const onPglite = await serviceFigures(pglite, serviceInputs, 100);
  lines.push(
    `  assessDeclaration on PGlite: ${onPglite.single.toFixed(0)}/s one per transaction, ${onPglite.batched.toFixed(0)}/s in batches of 100`,
  );
  await pglite.database.close();

  return [...lines, ...(await assessOnPostgres(opts))];
}

/**
 * `assessDeclaration` with its database work on PostgreSQL (one declaration per transaction, then
 * batches of 100), beside pgbench TPC-B with 1 client on the same server in the same run (the risk
 * writes of one command run one after the other). Part of `bench --only risk` and of the full run.
 */
export async function assessOnPostgres(opts: { quick: boolean }): Promise<string[]> {
  const days = opts.quick ? 21 : 30;
  const traders = opts.quick ? 50 : 80;
  const lines: string[] = [];
  const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const { default: postgres } = await import('postgres');
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe('drop database if exists tidegate_bench_risk with (force)');
    await admin.unsafe('create database tidegate_bench_risk');
  } catch (err) {
    lines.push(`  PostgreSQL at ${url} not reachable (${(err as Error).message})`);
    await admin.end();
    return lines;
  }
  const u = new URL(url);
  u.pathname = '/tidegate_bench_risk';
  const pg = await createContext({
    database: await openDatabase({ databaseUrl: u.toString() }),
    logger: pino({ level: 'warn' }),
    dataDir: 'memory://',
    secret: SECRET,
  });
  await warmPlatform(pg, days, traders);
  const pgIds = await enterpriseIds(pg);
  const onPg = await serviceFigures(
    pg,
    freshInputs(pgIds, traders, days + 40, opts.quick ? 200 : 600).map((i) => ({
      ...i,
      declarationId: crypto.randomUUID(),
    })),
    100,
  );
  await pg.database.close();
  const tps = pgbenchTps(url, 1, opts.quick ? 5 : 10);
  lines.push(
    `  assessDeclaration on PostgreSQL: ${onPg.single.toFixed(0)}/s one per transaction, ${onPg.batched.toFixed(0)}/s in batches of 100` +
      (tps
        ? `; pgbench TPC-B, 1 client, same server and run: ${tps.toFixed(0)} tps; ratios ${(onPg.single / tps).toFixed(3)} and ${(onPg.batched / tps).toFixed(3)}`
        : ''),
  );
  await admin.unsafe('drop database if exists tidegate_bench_risk with (force)');
  await admin.end();
  return lines;
}
