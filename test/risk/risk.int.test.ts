import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { demoUscc } from '../../src/seed/demo.ts';
import { runCommand } from '../../src/platform/command.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { Problem } from '../../src/kernel/problem.ts';
import { createEnterprise } from '../../src/modules/subjects/service.ts';
import { recordInput } from '../../src/modules/credit/service.ts';
import {
  assessDeclaration,
  assessDeclarations,
  backtestFeatures,
  installBaselineLibrary,
  approveFeatures,
  createFeatureDraft,
  listFeatures,
  shadowFeature,
  recordOutcome,
  type AssessmentInput,
} from '../../src/modules/risk/service.ts';
import {
  riskCapacityUsage,
  riskDecisions,
  riskFeatureDaily,
  riskFeatureVersions,
  riskReferenceStats,
} from '../../src/modules/risk/schema.ts';
import { pgArray, queryRows } from '../../src/platform/db/client.ts';
import { runRiskSimulation } from '../../sim/risk/run.ts';
import { retrainIfDue } from '../../src/modules/risk/scheduler.ts';

let t: TestApp;
let analystA: string;
let analystB: string;
let inspector: string;
const actorA = { kind: 'user' as const, id: 'a', name: 'analyst-a', role: 'risk_analyst' as const, enterpriseId: null };
let enterprise: { id: string; uscc: string };

async function newEnterprise(org: string) {
  const uscc = demoUscc(`91460100${org}`);
  const e = await createEnterprise(t.ctx, systemActor('test'), {
    uscc,
    name: `风险测试 ${org}`,
    registeredInHainan: true,
    legalForm: 'INDEPENDENT_LEGAL_PERSON',
    encouragedIndustry: false,
  });
  return { id: e.id, uscc };
}

function declaration(
  e: { id: string; uscc: string },
  over: Partial<AssessmentInput> = {},
  line: Partial<AssessmentInput['lines'][number]> = {},
): AssessmentInput {
  return {
    declarationId: uuidv7(t.clock.now().getTime()),
    kind: 'FIRST_LINE_IMPORT',
    enterpriseId: e.id,
    uscc: e.uscc,
    port: 'CNHAK-PORT',
    route: { origin: 'AU', destination: 'CN-HAINAN' },
    parties: { seller: 'Test Seller Ltd' },
    lines: [
      {
        hsCode: '0202300090',
        description: 'Frozen boneless beef cuts',
        quantity: '1000',
        unit: 'KG',
        netWeightKg: '1000',
        grossWeightKg: '1080',
        valueCny: '46000.00',
        originCountry: 'AU',
        dutyRate: '0.12',
        vatRate: '0.09',
        ...line,
      },
    ],
    ...over,
  };
}

const assess = (input: AssessmentInput) =>
  runCommand(t.ctx, 'risk.assess', (tx) => assessDeclaration(tx, t.ctx, input));
const decisions = async () => Number((await t.ctx.db.select({ n: count() }).from(riskDecisions))[0]!.n);

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-11-20T02:00:00Z') });
  analystA = await t.authFor('risk_analyst', { name: 'analyst-a' });
  analystB = await t.authFor('risk_analyst', { name: 'analyst-b' });
  inspector = await t.authFor('inspector');
  // The baseline library goes live the governed way: backtested, then approved by an analyst (not its author, the platform).
  await installBaselineLibrary(t.ctx);
  const drafts = (await listFeatures(t.ctx, { status: 'DRAFT' })).map((f) => ({ code: f.code, version: f.version }));
  await backtestFeatures(t.ctx, actorA, drafts);
  await approveFeatures(t.ctx, actorA, drafts);
  await runRiskSimulation(t.ctx, { seed: 11, startDate: '2026-10-01', days: 12, traders: 40, auditRate: 0.3 });
  enterprise = await newEnterprise('MA5RK0001');
});
afterAll(async () => {
  await t?.close();
});

describe('assessDeclaration', () => {
  it('stores an explained, versioned decision and is idempotent by declaration id', async () => {
    const input = declaration(enterprise);
    const before = await decisions();
    const d = await assess(input);
    expect(d).toMatchObject({
      declarationId: input.declarationId,
      creditClass: 'WHITELIST',
      kind: 'FIRST_LINE_IMPORT',
    });
    expect(['RED', 'YELLOW', 'BLUE']).toContain(d.level);
    expect(d.versions.featureSet).toBeGreaterThan(0);
    expect(d.versions.parameters['risk.levelThresholds']).toBeGreaterThan(0);
    expect(d.versions.parameters['credit.inspectionRateMultiplier.WHITELIST']).toBeGreaterThan(0);
    expect(d.draw).toBeGreaterThanOrEqual(0);
    expect(Number(d.score)).toBeCloseTo(d.features.reduce((s, f) => s + f.contribution, 0) + Number(d.modelScore), 4);
    expect(await assess(input)).toEqual(d);
    expect(await decisions()).toBe(before + 1);
    await expect(assess({ ...input, port: 'CNYPG-PORT' })).rejects.toMatchObject({ status: 409 });
  });

  it('refuses an invalid declaration with the field path and rule, and writes nothing', async () => {
    const before = await decisions();
    const bad = declaration(enterprise, {}, { quantity: '0' });
    const err = await assess(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Problem);
    expect((err as Problem).errors).toEqual([
      expect.objectContaining({ path: 'lines[0].quantity', rule: 'risk.input.positive' }),
    ]);
    const wrongCode = await assess({ ...declaration(enterprise), uscc: demoUscc('91460100MA5RK0099') }).catch(
      (e: unknown) => e,
    );
    expect((wrongCode as Problem).errors?.[0]).toMatchObject({ path: 'uscc', rule: 'risk.input.enterpriseMismatch' });
    expect(await decisions()).toBe(before);
  });

  it('flags a unit price far below the reference for the HS code and origin, with the evidence', async () => {
    const [ref] = await t.ctx.db
      .select()
      .from(riskReferenceStats)
      .where(
        sql`${riskReferenceStats.kind} = 'PRICE' and ${riskReferenceStats.origin} <> '*' and ${riskReferenceStats.n} >= 20`,
      )
      .orderBy(sql`${riskReferenceStats.n} desc`)
      .limit(1);
    expect(ref, 'the simulation built price references').toBeDefined();
    const reference = Math.exp(ref!.sum / ref!.n);
    const qty = 100;
    const d = await assess(
      declaration(
        enterprise,
        { route: { origin: ref!.origin } },
        {
          hsCode: `${ref!.hs6}0000`,
          unit: ref!.unit,
          quantity: String(qty),
          netWeightKg: String(qty),
          grossWeightKg: (qty * 1.1).toFixed(2),
          valueCny: (reference * qty * 0.3).toFixed(2),
          originCountry: ref!.origin,
          description: 'goods',
        },
      ),
    );
    const fired = d.features.find((f) => f.code === 'PRICE_FAR_BELOW_REFERENCE');
    expect(fired).toBeDefined();
    expect(fired!.lines).toEqual([0]);
    expect(fired!.evidence['line.priceRatio']).toBeCloseTo(0.3, 1);
    expect(fired!.contribution).toBe(35);
  });

  it('flags an HS code that does not fit the description', async () => {
    // Leather handbags declared as articles of plastics (chapter 39 instead of 42).
    const d = await assess(
      declaration(
        enterprise,
        { route: { origin: 'IT' } },
        {
          hsCode: '3926909090',
          description: 'Handbags with outer surface of leather 皮革手提包',
          unit: 'PCS',
          quantity: '100',
          netWeightKg: '100',
          grossWeightKg: '120',
          valueCny: '320000.00',
          originCountry: 'IT',
        },
      ),
    );
    expect(d.features.map((f) => f.code)).toContain('HS_DESCRIPTION_MISMATCH');
  });

  it('a replay of a stored decision from its facts and versions gives the same decision', async () => {
    const d = await assess(declaration(enterprise));
    const res = await t.request({
      method: 'GET',
      url: `/api/v1/risk/decisions/${d.declarationId}/replay`,
      auth: analystA,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ identical: true, differences: [] });
    const [sample] = await t.ctx.db
      .select({ id: riskDecisions.declarationId })
      .from(riskDecisions)
      .where(eq(riskDecisions.level, 'RED'))
      .limit(1);
    expect(
      (await t.request({ method: 'GET', url: `/api/v1/risk/decisions/${sample!.id}/replay`, auth: analystA })).json()
        .identical,
    ).toBe(true);
  });
});

describe('assessDeclarations (a batch)', () => {
  it('decides exactly as the same declarations filed one by one would, all or nothing', async () => {
    const one = await newEnterprise('MA5RB0001');
    const batch = await newEnterprise('MA5RB0002');
    // Two goods no one else declares, so each trader builds its own references.
    const line = (hs: string, i: number) => ({
      hsCode: hs,
      description: 'Live primates 活体灵长类动物',
      unit: 'PCS',
      quantity: '10',
      netWeightKg: String(50 + i),
      grossWeightKg: String(60 + i),
      valueCny: (10000 * (1 + i / 10)).toFixed(2),
      originCountry: 'KE',
    });
    const singles = [];
    for (let i = 0; i < 6; i++)
      singles.push(await assess(declaration(one, { route: { origin: 'KE' } }, line('0106110000', i))));
    const inputs = Array.from({ length: 6 }, (_, i) =>
      declaration(batch, { route: { origin: 'KE' } }, line('0106120000', i)),
    );
    const batched = await runCommand(t.ctx, 'risk.assess', (tx) => assessDeclarations(tx, t.ctx, inputs));
    const facts = async (id: string) =>
      (await t.request({ method: 'GET', url: `/api/v1/risk/decisions/${id}`, auth: analystA })).json().facts;
    for (let i = 0; i < 6; i++) {
      const a = await facts(singles[i]!.declarationId);
      const b = await facts(batched[i]!.declarationId);
      const pick = (f: { decl: Record<string, unknown>; lines: Record<string, unknown>[] }) => ({
        trader: Object.fromEntries(Object.entries(f.decl).filter(([k]) => k.startsWith('trader.'))),
        ref: [f.lines[0]!['line.weightCount'], f.lines[0]!['line.refCount']],
      });
      expect(pick(b), `declaration ${i}`).toEqual(pick(a));
      expect(batched[i]!.features.map((f) => f.code)).toEqual(singles[i]!.features.map((f) => f.code));
    }
    const before = await decisions();
    const dup = [declaration(batch), declaration(batch)];
    dup[1] = { ...dup[1]!, declarationId: dup[0]!.declarationId };
    const err = await runCommand(t.ctx, 'risk.assess', (tx) => assessDeclarations(tx, t.ctx, dup)).catch(
      (e: unknown) => e,
    );
    expect((err as Problem).errors?.[0]).toMatchObject({ path: '[1].declarationId', rule: 'risk.batch.duplicate' });
    const bad = [declaration(batch), declaration(batch, {}, { quantity: '-1' })];
    const err2 = await runCommand(t.ctx, 'risk.assess', (tx) => assessDeclarations(tx, t.ctx, bad)).catch(
      (e: unknown) => e,
    );
    expect((err2 as Problem).errors?.[0]).toMatchObject({ path: '[1].lines[0].quantity' });
    expect(await decisions()).toBe(before);
  });
});

describe('recordOutcome', () => {
  it('labels the declaration, feeds the trader history and the feature hit rates, and is idempotent', async () => {
    const e = await newEnterprise('MA5RK0002');
    const first = await assess(declaration(e));
    const firedBefore = await t.ctx.db
      .select()
      .from(riskFeatureDaily)
      .where(eq(riskFeatureDaily.day, first.businessDate));
    const outcome = {
      declarationId: first.declarationId,
      outcome: 'DISCREPANCY' as const,
      correctedValues: { lines: [{ index: 0, valueCny: '90000.00' }] },
      revenueRecovered: '9460.00',
    };
    const recorded = await runCommand(t.ctx, 'risk.outcome', (tx) => recordOutcome(tx, t.ctx, outcome));
    expect(recorded).toMatchObject({ outcome: 'DISCREPANCY', revenueRecovered: '9460.00' });
    expect(await runCommand(t.ctx, 'risk.outcome', (tx) => recordOutcome(tx, t.ctx, outcome))).toEqual(recorded);
    await expect(
      runCommand(t.ctx, 'risk.outcome', (tx) => recordOutcome(tx, t.ctx, { ...outcome, revenueRecovered: '1.00' })),
    ).rejects.toMatchObject({ status: 409 });
    await expect(
      runCommand(t.ctx, 'risk.outcome', (tx) => recordOutcome(tx, t.ctx, { ...outcome, declarationId: uuidv7() })),
    ).rejects.toMatchObject({ status: 404 });
    const other = (await assess(declaration(e))).declarationId;
    const badIndex = await runCommand(t.ctx, 'risk.outcome', (tx) =>
      recordOutcome(tx, t.ctx, {
        declarationId: other,
        outcome: 'DISCREPANCY',
        correctedValues: { lines: [{ index: 4 }] },
      }),
    ).catch((x: unknown) => x);
    expect((badIndex as Problem).errors?.[0]).toMatchObject({
      path: 'correctedValues.lines[0].index',
      rule: 'risk.outcome.lineIndex',
    });
    // The next declaration of the trader carries the violation.
    const next = await assess(declaration(e));
    expect(next.features.map((f) => f.code)).toContain('PAST_VIOLATION_RECENT');
    // Every live feature that fired on the first declaration counted one inspection with a hit.
    const firedAfter = await t.ctx.db
      .select()
      .from(riskFeatureDaily)
      .where(eq(riskFeatureDaily.day, first.businessDate));
    for (const f of first.features) {
      const b = firedBefore.find((r) => r.code === f.code && r.version === f.version)!;
      const a = firedAfter.find((r) => r.code === f.code && r.version === f.version)!;
      expect(a.hits - b.hits, f.code).toBe(1);
      expect(a.inspected - b.inspected, f.code).toBe(1);
    }
  });
});

describe('governance over the API', () => {
  const body = {
    code: 'TEST_COCOA_FROM_GHANA',
    name: '测试特征 Test feature',
    description: 'A test feature on cocoa beans from Ghana above a value.',
    category: 'GOODS',
    scope: 'LINE',
    weight: '7',
    expression: "line.hsHeading == '1801' and line.origin == 'GH' and line.valueCny > 1",
  };

  it('refuses an unsafe or malformed expression with the path and column', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/risk/features',
      auth: analystA,
      body: { ...body, expression: "line.hsHeading == '1801' and process.exit(1)" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({
      path: 'expression',
      rule: 'risk.expression.unknownFunction',
      message: expect.stringMatching(/^column 30:/),
    });
    const v = await t.request({
      method: 'POST',
      url: '/api/v1/risk/features/validate',
      auth: analystA,
      body: { scope: 'DECLARATION', expression: 'line.valueCny > 5' },
    });
    expect(v.json()).toMatchObject({
      ok: false,
      errors: [{ path: 'expression', rule: 'risk.expression.scope', column: 1 }],
    });
  });

  it('a draft goes live only after a backtest and the approval of a second analyst', async () => {
    const created = await t.request({ method: 'POST', url: '/api/v1/risk/features', auth: analystA, body });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ code: body.code, version: 1, status: 'DRAFT', createdBy: 'user:analyst-a' });
    const approve = (auth: string) =>
      t.request({ method: 'POST', url: `/api/v1/risk/features/${body.code}/versions/1/approve`, auth });
    expect((await approve(analystB)).json()).toMatchObject({
      status: 422,
      type: 'urn:tidegate:error:backtest-required',
    });
    const bt = await t.request({
      method: 'POST',
      url: `/api/v1/risk/features/${body.code}/versions/1/backtest`,
      auth: analystA,
      body: { from: '2026-10-01' },
    });
    expect(bt.statusCode).toBe(200);
    expect(bt.json().metrics).toMatchObject({
      declarations: expect.any(Number),
      hits: expect.any(Number),
      wouldBeInspectionRate: expect.any(Number),
      known: expect.objectContaining({ labelled: expect.any(Number) }),
    });
    expect(bt.json().declarations).toBeGreaterThan(100);
    expect((await approve(analystA)).json()).toMatchObject({ status: 422, type: 'urn:tidegate:error:four-eyes' });
    const setBefore = (await assess(declaration(enterprise))).versions.featureSet;
    const ok = await approve(analystB);
    expect(ok.json()).toMatchObject({ status: 'LIVE', approvedBy: 'user:analyst-b' });
    const d = await assess(
      declaration(
        enterprise,
        { route: { origin: 'GH' } },
        {
          hsCode: '1801000000',
          description: 'Cocoa beans, raw',
          originCountry: 'GH',
          unit: 'KG',
          valueCny: '26000.00',
        },
      ),
    );
    expect(d.versions.featureSet).toBe(setBefore + 1);
    expect(d.features.find((f) => f.code === body.code)).toMatchObject({ version: 1, contribution: 7 });
    const retired = await t.request({
      method: 'POST',
      url: `/api/v1/risk/features/${body.code}/versions/1/retire`,
      auth: analystA,
      body: { reason: 'test finished' },
    });
    expect(retired.json().status).toBe('RETIRED');
    const after = await assess(
      declaration(
        enterprise,
        { route: { origin: 'GH' } },
        {
          hsCode: '1801000000',
          description: 'Cocoa beans, raw',
          originCountry: 'GH',
          unit: 'KG',
          valueCny: '26000.00',
        },
      ),
    );
    expect(after.features.find((f) => f.code === body.code)).toBeUndefined();
    expect(after.versions.featureSet).toBe(setBefore + 2);
  });

  it('a shadow feature is recorded with each decision and adds nothing', async () => {
    const code = 'TEST_SHADOW_ALL_BEEF';
    await t.request({
      method: 'POST',
      url: '/api/v1/risk/features',
      auth: analystA,
      body: { ...body, code, weight: '90', expression: "line.hsHeading == '0202'" },
    });
    expect(
      (
        await t.request({ method: 'POST', url: `/api/v1/risk/features/${code}/versions/1/shadow`, auth: analystA })
      ).json().status,
    ).toBe('SHADOW');
    const d = await assess(declaration(enterprise));
    expect(d.shadowFeatures).toEqual([expect.objectContaining({ code, mode: 'SHADOW', contribution: 0 })]);
    expect(d.features.find((f) => f.code === code)).toBeUndefined();
  });

  it('the library lists features with their hit rate and yield, and the stats over time', async () => {
    const list = (await t.request({ method: 'GET', url: '/api/v1/risk/features', auth: analystA })).json();
    expect(list.items.length).toBeGreaterThanOrEqual(54);
    const price = list.items.find((f: { code: string }) => f.code === 'PRICE_FAR_BELOW_REFERENCE');
    expect(price).toMatchObject({ status: 'LIVE', liveVersion: 1 });
    const stats = (
      await t.request({
        method: 'GET',
        url: '/api/v1/risk/features/FOCUS_CLASS/stats?bucket=day&from=2026-10-01',
        auth: analystA,
      })
    ).json();
    expect(stats.items.reduce((s: number, p: { fired: number }) => s + p.fired, 0)).toBeGreaterThan(0);
    expect((await t.request({ method: 'GET', url: '/api/v1/risk/features', auth: inspector })).statusCode).toBe(403);
  });
});

describe('the alert queue and the explanation', () => {
  it('filters by level, port and trader', async () => {
    const red = (
      await t.request({ method: 'GET', url: '/api/v1/risk/alerts?level=RED&pageSize=200', auth: inspector })
    ).json();
    expect(red.total).toBeGreaterThan(0);
    expect(red.items.every((i: { level: string }) => i.level === 'RED')).toBe(true);
    const port = red.items[0].port;
    const byPort = (
      await t.request({ method: 'GET', url: `/api/v1/risk/alerts?level=RED,YELLOW,BLUE&port=${port}`, auth: inspector })
    ).json();
    expect(byPort.items.every((i: { port: string }) => i.port === port)).toBe(true);
    const byTrader = (
      await t.request({
        method: 'GET',
        url: `/api/v1/risk/alerts?level=RED,YELLOW,BLUE&trader=${enterprise.uscc}`,
        auth: inspector,
      })
    ).json();
    expect(byTrader.total).toBeGreaterThan(3);
    expect(byTrader.items.every((i: { uscc: string }) => i.uscc === enterprise.uscc)).toBe(true);
    const detail = (
      await t.request({ method: 'GET', url: `/api/v1/risk/decisions/${red.items[0].declarationId}`, auth: inspector })
    ).json();
    expect(detail.features[0]).toMatchObject({ name: expect.any(String), evidence: expect.any(Object) });
    expect(detail.facts.lines.length).toBeGreaterThan(0);
  });

  it('the overview counts decisions by level and credit class', async () => {
    const o = (
      await t.request({ method: 'GET', url: '/api/v1/risk/overview?from=2026-10-01', auth: inspector })
    ).json();
    expect(o.total.assessed).toBe(await decisions());
    expect(o.byClass.find((c: { creditClass: string }) => c.creditClass === 'WHITELIST').assessed).toBeGreaterThan(0);
  });
});

describe('the learned model', () => {
  it('is trained on labelled declarations, backtested, approved by a second analyst, then scores and explains', async () => {
    const admin = await t.authFor('admin', { name: 'admin' });
    const train = () =>
      t.request({
        method: 'POST',
        url: '/api/v1/risk/models/train',
        auth: analystA,
        body: { seed: 3, from: '2026-09-01' },
      });
    expect((await train()).json()).toMatchObject({ status: 422, type: 'urn:tidegate:error:not-enough-labels' });
    const lowered = await t.request({
      method: 'POST',
      url: '/api/v1/parameters',
      auth: admin,
      body: {
        name: 'risk.retrain',
        value: { intervalDays: 7, minLabelled: 20, validationShare: '0.3' },
        validFrom: '2026-01-01',
        reason: 'small test platform: train on few labels',
      },
    });
    expect(lowered.statusCode).toBe(201);
    const trained = await train();
    expect(trained.statusCode, trained.body).toBe(201);
    const model = trained.json();
    expect(model).toMatchObject({
      status: 'DRAFT',
      createdBy: 'user:analyst-a',
      metrics: { valid: { auc: expect.any(Number), 'precision@10%': expect.any(Number) } },
      training: { labelled: expect.any(Number) },
    });
    const approve = (auth: string) =>
      t.request({ method: 'POST', url: `/api/v1/risk/models/${model.version}/approve`, auth });
    expect((await approve(analystB)).json().type).toBe('urn:tidegate:error:backtest-required');
    const bt = await t.request({
      method: 'POST',
      url: `/api/v1/risk/models/${model.version}/backtest`,
      auth: analystA,
      body: { from: '2026-09-01' },
    });
    expect(bt.json().metrics).toMatchObject({
      declarations: expect.any(Number),
      labelled: expect.any(Number),
      wouldBeRedRate: expect.any(Number),
    });
    expect((await approve(analystA)).json().type).toBe('urn:tidegate:error:four-eyes');
    expect((await approve(analystB)).json()).toMatchObject({ status: 'LIVE', approvedBy: 'user:analyst-b' });

    const d = await assess(declaration(enterprise));
    expect(d.model).toMatchObject({ version: model.version, probability: expect.any(Number) });
    expect(d.model!.drivers.length).toBeGreaterThan(0);
    expect(d.model!.drivers.length).toBeLessThanOrEqual(5);
    expect(d.probabilitySource).toBe('MODEL');
    expect(Number(d.modelScore)).toBeCloseTo(60 * d.model!.probability, 3);
    expect(
      (
        await t.request({ method: 'GET', url: `/api/v1/risk/decisions/${d.declarationId}/replay`, auth: analystA })
      ).json(),
    ).toMatchObject({ identical: true });

    const second = (
      await t.request({
        method: 'POST',
        url: '/api/v1/risk/models/train',
        auth: analystB,
        body: { seed: 4, from: '2026-09-01', algorithm: 'logistic' },
      })
    ).json();
    expect(
      (await t.request({ method: 'POST', url: `/api/v1/risk/models/${second.version}/shadow`, auth: analystB })).json()
        .status,
    ).toBe('SHADOW');
    const withShadow = await assess(declaration(enterprise));
    expect(withShadow.shadowModel).toMatchObject({ version: second.version });
    expect(withShadow.model!.version).toBe(model.version);
    const listed = (await t.request({ method: 'GET', url: '/api/v1/risk/models', auth: analystA })).json().items;
    expect(listed.map((m: { version: number; status: string }) => `${m.version}:${m.status}`)).toEqual([
      `${second.version}:SHADOW`,
      `${model.version}:LIVE`,
    ]);
    const perf = (
      await t.request({ method: 'GET', url: '/api/v1/risk/models/performance?from=2026-09-01', auth: analystA })
    ).json();
    expect(perf.items).toEqual(expect.any(Array));
  });

  it('the scheduled retrain trains only when the newest model is older than the interval, and runs it in shadow mode', async () => {
    expect((await retrainIfDue(t.ctx)).trained).toBeNull();
    const now = t.clock.now();
    t.clock.set(new Date(now.getTime() + 8 * 86_400_000));
    try {
      const r = await retrainIfDue(t.ctx);
      expect(r.trained).toEqual(expect.any(Number));
      const models = (
        await t.request({ method: 'GET', url: '/api/v1/risk/models', auth: await t.authFor('auditor') })
      ).json().items;
      expect(models[0]).toMatchObject({ version: r.trained, status: 'SHADOW', createdBy: 'system:risk-retrain' });
      expect((await retrainIfDue(t.ctx)).trained).toBeNull();
    } finally {
      t.clock.set(now);
    }
  });
});

describe('inspection capacity', () => {
  it('concurrent declarations never book more capacity-bound inspections than the port allows', async () => {
    const admin = await t.authFor('admin', { name: 'admin' });
    const set = await t.request({
      method: 'POST',
      url: '/api/v1/parameters',
      auth: admin,
      body: {
        name: 'risk.inspectionCapacityPerPortDay',
        value: { default: 120, ports: { 'CNQLN-PORT': 3 } },
        validFrom: '2026-01-01',
        reason: 'capacity test: Qinglan has three officers',
      },
    });
    expect(set.statusCode).toBe(201);
    // FOCUS traders are drawn at 80%: most of their declarations ask for capacity.
    const focus: { id: string; uscc: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const e = await newEnterprise(`MA5RCAP0${i}`);
      await recordInput(t.ctx, systemActor('test'), {
        subjectKind: 'ENTERPRISE',
        subject: e.uscc,
        source: 'anti_smuggling',
        effectiveDate: '2026-01-05',
        input: { type: 'EVENT', kind: 'SMUGGLING_PENALTY' },
      });
      focus.push(e);
    }
    const inputs = Array.from({ length: 16 }, (_, i) =>
      declaration(
        focus[i % 4]!,
        { port: 'CNQLN-PORT' },
        { valueCny: '1000.00', quantity: '20', netWeightKg: '20', grossWeightKg: '21' },
      ),
    );
    const results = await Promise.all(inputs.map((input) => assess(input)));
    const bound = results.filter(
      (r) => r.reasons.includes('RANDOM_CLASS_RATE') || r.reasons.includes('TARGETED_YELLOW'),
    );
    const exhausted = results.filter((r) => r.capacityExhausted);
    const mandatory = results.filter((r) => r.reasons.includes('RISK_RED') || r.reasons.includes('RANDOM_FLOOR'));
    expect(bound.length).toBeLessThanOrEqual(3);
    expect(bound.length + exhausted.length).toBeGreaterThan(3);
    const [usage] = await t.ctx.db
      .select()
      .from(riskCapacityUsage)
      .where(and(eq(riskCapacityUsage.port, 'CNQLN-PORT'), eq(riskCapacityUsage.day, results[0]!.businessDate)));
    expect(usage!.used).toBe(bound.length + mandatory.length);
  });
});

describe('approving several versions at once', () => {
  const actorB = { ...actorA, id: 'b', name: 'analyst-b' };
  // Features on goods no test declares (live animals from Antarctica): approving them changes no other test's scores.
  const draft = (code: string) =>
    createFeatureDraft(t.ctx, actorA, {
      code,
      name: '测试批量审批 Batch approval test',
      description: 'A feature that never fires, to test approving versions together.',
      category: 'GOODS',
      scope: 'LINE',
      weight: '3',
      expression: "line.hsHeading == '0106' and line.origin == 'AQ'",
    });
  const version = async (code: string, v: number) =>
    (
      await t.ctx.db
        .select()
        .from(riskFeatureVersions)
        .where(and(eq(riskFeatureVersions.code, code), eq(riskFeatureVersions.version, v)))
    )[0]!;
  const approvals = async (subjects: string[]) =>
    (
      await queryRows<{ subject: string; change: { status: string; setVersion: number } }>(
        t.ctx.db,
        sql`select subject, change::jsonb as change from audit_entries
          where action = 'risk.feature.approve' and subject = any(${pgArray(subjects)}::text[]) order by seq`,
      )
    ).map((r) => [r.subject, r.change.status, r.change.setVersion]);

  it('supersedes the live versions and ends the shadow, as one by one; a missing backtest stops all', async () => {
    await draft('TEST_BATCH_X');
    await backtestFeatures(t.ctx, actorA, [{ code: 'TEST_BATCH_X', version: 1 }]);
    await approveFeatures(t.ctx, actorB, [{ code: 'TEST_BATCH_X', version: 1 }]);
    await draft('TEST_BATCH_X');
    await draft('TEST_BATCH_Y');
    await shadowFeature(t.ctx, actorA, 'TEST_BATCH_Y', 1);
    await draft('TEST_BATCH_Z');
    const both = [
      { code: 'TEST_BATCH_X', version: 2 },
      { code: 'TEST_BATCH_Y', version: 1 },
    ];
    await backtestFeatures(t.ctx, actorA, both);

    // One version without a backtest: the same problem as alone, and nothing of the others is written.
    const refused = await approveFeatures(t.ctx, actorB, [...both, { code: 'TEST_BATCH_Z', version: 1 }]).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ status: 422, type: 'urn:tidegate:error:backtest-required' });
    expect((await version('TEST_BATCH_X', 2)).status).toBe('DRAFT');
    expect((await version('TEST_BATCH_Y', 1)).status).toBe('SHADOW');

    const approved = await approveFeatures(t.ctx, actorB, both);
    expect(approved.map((f) => [f.code, f.version, f.status])).toEqual([
      ['TEST_BATCH_X', 2, 'LIVE'],
      ['TEST_BATCH_Y', 1, 'LIVE'],
    ]);
    const [x1, x2, y1] = [
      await version('TEST_BATCH_X', 1),
      await version('TEST_BATCH_X', 2),
      await version('TEST_BATCH_Y', 1),
    ];
    const set = x2.liveFromSet!;
    expect(x1).toMatchObject({
      status: 'RETIRED',
      liveToSet: set,
      retiredBy: 'user:analyst-b',
      retireReason: 'superseded by version 2',
    });
    expect(x2).toMatchObject({ status: 'LIVE', approvedBy: 'user:analyst-b', liveToSet: null });
    expect(y1).toMatchObject({ status: 'LIVE', liveFromSet: set, shadowToSet: set });
    expect(await approvals(['risk-feature:TEST_BATCH_X@2', 'risk-feature:TEST_BATCH_Y@1'])).toEqual([
      ['risk-feature:TEST_BATCH_X@2', 'LIVE', set],
      ['risk-feature:TEST_BATCH_Y@1', 'LIVE', set],
    ]);

    // Two versions of one feature in one call: the second supersedes the first, one by one.
    await draft('TEST_BATCH_X');
    await draft('TEST_BATCH_X');
    const pair = [
      { code: 'TEST_BATCH_X', version: 3 },
      { code: 'TEST_BATCH_X', version: 4 },
    ];
    await backtestFeatures(t.ctx, actorA, pair);
    await approveFeatures(t.ctx, actorB, pair);
    expect((await version('TEST_BATCH_X', 2)).status).toBe('RETIRED');
    expect(await version('TEST_BATCH_X', 3)).toMatchObject({
      status: 'RETIRED',
      retireReason: 'superseded by version 4',
    });
    expect((await version('TEST_BATCH_X', 4)).status).toBe('LIVE');
  });
});
