/**
 * Golden scoring: a fixed population (the risk benchmark's, on a fixed clock) is scored with the full
 * library live and a trained model, and every output is compared with the stored record, bit for bit:
 * facts, fired features and their evidence, level and score, the model's probability and drivers,
 * the selection plan and decision, expected revenue and which lines feed the reference prices. Work
 * that makes scoring cheaper must leave this file's record unchanged.
 *
 * `TIDEGATE_WRITE_GOLDEN=1` writes the record instead (only when the scoring is meant to change).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterpriseIds, freshInputs, warmPlatform } from '../../bench/risk.ts';
import { fixedClock, shanghaiDate } from '../../src/kernel/clock.ts';
import { createContext } from '../../src/main.ts';
import type { AppContext } from '../../src/platform/context.ts';
import { riskKeys } from '../../src/modules/risk/service/assess.ts';
import { DerivedState, partyKeysOf } from '../../src/modules/risk/service/derived.ts';
import { cachedLibrary, libraryState } from '../../src/modules/risk/service/library.ts';
import { scoringModel } from '../../src/modules/risk/service/modelCache.ts';
import { riskParametersOn } from '../../src/modules/risk/service/parameters.ts';
import { computeFacts, referenceInclusion, type FactContext } from '../../src/modules/risk/facts.ts';
import { decide, select } from '../../src/modules/risk/decide.ts';
import { expectedRevenue, selectionDraw } from '../../src/modules/risk/rules.ts';
import type { AssessmentInput } from '../../src/modules/risk/input.ts';
import { openTestDatabase } from '../support/db.ts';

const GOLDEN = new URL('./scoringGolden.json', import.meta.url);
const DAYS = 21;
const TRADERS = 50;
const COUNT = 200;

let ctx: AppContext;
let inputs: AssessmentInput[];

beforeAll(async () => {
  ctx = await createContext({
    database: await openTestDatabase(),
    clock: fixedClock(new Date('2026-11-23T02:00:00Z')),
    logger: pino({ level: 'silent' }),
    dataDir: 'memory://',
    secret: 'golden-risk-secret-0123456789abcdef0123',
  });
  await warmPlatform(ctx, DAYS, TRADERS);
  const start = shanghaiDate(ctx.clock.now());
  inputs = freshInputs(await enterpriseIds(ctx), TRADERS, DAYS, COUNT, start);
}, 600_000);

afterAll(async () => {
  await ctx?.database.close();
});

const sha = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

/** The scoring path of an assessment between its reads and its writes, as the benchmark times it. */
async function scoreAll(): Promise<unknown[]> {
  const now = ctx.clock.now();
  const asOf = shanghaiDate(now);
  const params = await riskParametersOn(ctx.db, asOf);
  const state = await libraryState(ctx.db);
  const library = await cachedLibrary(ctx.db, ctx.db, state.setVersion);
  const model = await scoringModel(ctx.db, ctx.db, state.liveModelVersion);
  expect(model).not.toBeNull();
  const keys = riskKeys(ctx);
  const items = inputs.map((input) => ({
    enterpriseId: input.enterpriseId,
    input,
    parties: partyKeysOf(keys.party, input),
  }));
  let contexts: FactContext[] = [];
  await ctx.db
    .transaction(async (tx) => {
      const derived = await DerivedState.load(tx as never, items, asOf);
      contexts = items.map((item, i) => ({
        now,
        asOf,
        credit: { class: i % 3 === 0 ? 'GENERAL' : 'WHITELIST', inspectWithoutRiskAlert: i % 5 !== 0 },
        enterprise: {
          registeredInHainan: i % 4 !== 0,
          legalForm: 'INDEPENDENT_LEGAL_PERSON',
          registeredOn: '2025-10-01',
          qualifications: i % 2 === 0 ? ['ZERO_TARIFF_BENEFICIARY'] : ['PROCESSING_VALUE_ADDED'],
        },
        params: params.facts,
        ...derived.context(item),
      }));
      throw new Error('rollback');
    })
    .catch((err: Error) => {
      if (err.message !== 'rollback') throw err;
    });
  return inputs.map((input, i) => {
    const { facts, revenue, revenueAtStake, totalValue } = computeFacts(input, contexts[i]!);
    const decided = decide({
      library,
      model,
      shadowModel: i % 7 === 0 ? model : null,
      facts,
      asOf,
      level: params.level,
      selection: params.selection,
      credit: {
        inspectionRate: i % 2 ? { kind: 'MULTIPLIER', multiplier: '0.8' } : { kind: 'MULTIPLIER', multiplier: '1.5' },
        inspectWithoutRiskAlert: i % 5 !== 0,
      },
      noModelProbability: params.noModelProbability,
      draw: selectionDraw(keys.draw, input.declarationId),
    });
    return {
      declarationId: input.declarationId,
      factsSha256: sha(facts),
      revenue: revenue.map((r) => [r.atStake.toString(), r.undervaluationGap.toString()]),
      revenueAtStake: revenueAtStake.toString(),
      totalValue: totalValue.toString(),
      decided,
      selected: select(decided, true),
      notGranted: select(decided, false),
      expectedRevenue: expectedRevenue(revenueAtStake, decided.probability),
      included: referenceInclusion(facts),
    };
  });
}

describe('risk scoring golden record', () => {
  it('scores the fixed population exactly as recorded', async () => {
    const got = await scoreAll();
    // Enough of everything for the record to mean something.
    const levels = new Set(got.map((g) => (g as { decided: { scored: { level: string } } }).decided.scored.level));
    expect(levels.size).toBeGreaterThanOrEqual(2);
    const lines = got.map((g) => JSON.stringify(g));
    if (process.env.TIDEGATE_WRITE_GOLDEN === '1' || !existsSync(GOLDEN)) {
      if (process.env.TIDEGATE_WRITE_GOLDEN !== '1')
        throw new Error('no golden record: run with TIDEGATE_WRITE_GOLDEN=1');
      writeFileSync(GOLDEN, `[\n${lines.join(',\n')}\n]\n`);
    }
    const want = (JSON.parse(readFileSync(GOLDEN, 'utf8')) as unknown[]).map((g) => JSON.stringify(g));
    expect(lines.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(lines[i], `declaration ${i}`).toBe(want[i]);
  });
});
