import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { uuidv7 } from '../../kernel/ids.ts';
import {
  combine,
  compileFeature,
  evaluateFeatures,
  expectedRevenue,
  finalizeSelection,
  planSelection,
  selectionDraw,
  type CompiledFeature,
  type CreditForSelection,
  type FeatureDefinition,
  type FiredFeature,
} from './rules.ts';
import type { Facts } from './facts.ts';

const params = { red: 60, yellow: 30, modelWeight: 60 };
const selection = { routineRate: '0.0244', floorRate: '0.003', yellowTargetedProbability: '0.5' };
const CLASSES: Record<string, CreditForSelection> = {
  ADVANCED_CERTIFIED: { inspectionRate: { kind: 'MULTIPLIER', multiplier: '0.2' }, inspectWithoutRiskAlert: true },
  WHITELIST: { inspectionRate: { kind: 'MULTIPLIER', multiplier: '0.8' }, inspectWithoutRiskAlert: true },
  FOCUS: { inspectionRate: { kind: 'FLOOR', minimumRate: '0.8' }, inspectWithoutRiskAlert: true },
};

function feature(over: Partial<FeatureDefinition>): CompiledFeature {
  const r = compileFeature({
    code: 'F',
    version: 1,
    name: 'f',
    category: 'PRICE',
    scope: 'LINE',
    expression: 'line.priceRatio < 0.5',
    weight: '35',
    forceLevel: null,
    expiresOn: null,
    mode: 'LIVE',
    ...over,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.feature;
}

const fired = (contribution: number, forceLevel: 'RED' | 'YELLOW' | null = null, code = 'X'): FiredFeature => ({
  code,
  version: 1,
  mode: 'LIVE',
  contribution,
  forceLevel,
  lines: [],
  evidence: {},
});

describe('features and levels', () => {
  const facts: Facts = {
    decl: { 'credit.class': 'FOCUS', 'decl.totalValueCny': 900_000 },
    lines: [
      { 'line.priceRatio': 0.8 },
      { 'line.priceRatio': 0.3 },
      { 'line.priceRatio': null },
      { 'line.priceRatio': 0.1 },
    ],
  };

  it('a line feature fires on the lines that match, with the evidence of the first', () => {
    const [f] = evaluateFeatures([feature({})], facts, '2026-11-23');
    expect(f).toMatchObject({ code: 'F', contribution: 35, lines: [1, 3], evidence: { 'line.priceRatio': 0.3 } });
  });

  it('shadow features are recorded but add nothing; expired features do not fire', () => {
    const out = evaluateFeatures(
      [
        feature({ code: 'B_SHADOW', mode: 'SHADOW', forceLevel: 'RED' }),
        feature({ code: 'A_EXPIRED', expiresOn: '2026-11-23' }),
        feature({ code: 'C_FOCUS', scope: 'DECLARATION', expression: "credit.class == 'FOCUS'", weight: '20' }),
      ],
      facts,
      '2026-11-23',
    );
    expect(out.map((f) => [f.code, f.contribution, f.forceLevel])).toEqual([
      ['B_SHADOW', 0, null],
      ['C_FOCUS', 20, null],
    ]);
    expect(
      evaluateFeatures([feature({ code: 'A_EXPIRED', expiresOn: '2026-11-24' })], facts, '2026-11-23'),
    ).toHaveLength(1);
  });

  it('the score is the sum of feature points and the model part; thresholds give the level', () => {
    expect(combine([fired(35), fired(20)], 0.1, params)).toEqual({
      level: 'RED',
      score: 61,
      featureScore: 55,
      modelScore: 6,
      forcedBy: null,
    });
    expect(combine([fired(20)], 0.2, params)).toMatchObject({ level: 'YELLOW', score: 32 });
    expect(combine([fired(20)], null, params)).toMatchObject({ level: 'BLUE', score: 20, modelScore: 0 });
    expect(combine([], 0.5, params)).toMatchObject({ level: 'YELLOW', score: 30 });
  });

  it('a forcing feature lifts the level but never lowers it', () => {
    expect(combine([fired(5, 'YELLOW', 'PAST_SEIZURE')], null, params)).toMatchObject({
      level: 'YELLOW',
      forcedBy: 'PAST_SEIZURE',
    });
    expect(combine([fired(5, 'RED', 'RELAXED')], null, params)).toMatchObject({ level: 'RED', forcedBy: 'RELAXED' });
    expect(combine([fired(70, 'YELLOW', 'PAST_SEIZURE')], null, params)).toMatchObject({
      level: 'RED',
      forcedBy: null,
    });
  });
});

describe('random selection', () => {
  const key = randomBytes(32);

  it('the draw is reproducible for a declaration and differs between keys and declarations', () => {
    const id = uuidv7();
    expect(selectionDraw(key, id)).toBe(selectionDraw(key, id));
    expect(selectionDraw(randomBytes(32), id)).not.toBe(selectionDraw(key, id));
    const d = selectionDraw(key, id);
    expect(d).toBeGreaterThanOrEqual(0);
    expect(d).toBeLessThan(1);
  });

  /**
   * 100,000 BLUE declarations per class. The selected share is binomial; we accept it within 4.5
   * standard deviations of the parameter (a false alarm about once in 150,000 runs).
   */
  it.each([
    ['ADVANCED_CERTIFIED', 0.00488],
    ['WHITELIST', 0.01952],
    ['FOCUS', 0.8],
  ])(
    'over 100,000 BLUE declarations of a %s enterprise, the random rate matches the parameter (%f)',
    (cls, expected) => {
      const n = 100_000;
      let selected = 0;
      let floor = 0;
      for (let i = 0; i < n; i++) {
        const plan = planSelection(
          'BLUE',
          selectionDraw(key, uuidv7(1_700_000_000_000 + i)),
          null,
          CLASSES[cls]!,
          selection,
        );
        const s = finalizeSelection('BLUE', plan, true);
        if (s.selected) selected++;
        if (plan.unbiasedSample) floor++;
      }
      const tolerance = (p: number) => 4.5 * Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs(selected / n - expected)).toBeLessThan(tolerance(expected));
      expect(Math.abs(floor / n - 0.003)).toBeLessThan(tolerance(0.003));
    },
    60_000,
  );

  it('never selects a white-list individual at random: only a risk alert does', () => {
    const credit: CreditForSelection = {
      inspectionRate: { kind: 'MULTIPLIER', multiplier: '0.8' },
      inspectWithoutRiskAlert: false,
    };
    expect(planSelection('BLUE', 0, null, credit, selection)).toMatchObject({
      mandatory: [],
      capacityBound: null,
      unbiasedSample: false,
    });
    expect(planSelection('RED', 0, null, credit, selection).mandatory).toEqual(['RISK_RED']);
  });

  it(
    'RED and the random floor select whatever the capacity; the class rate and targeted YELLOW only with ' + 'capacity',
    () => {
      const w = CLASSES.WHITELIST!;
      const red = planSelection('RED', 0.9, 0.9, w, selection);
      expect(finalizeSelection('RED', red, false)).toEqual({
        selected: true,
        action: 'INSPECT',
        reasons: ['RISK_RED'],
        capacityExhausted: false,
      });
      const floor = planSelection('BLUE', 0.001, null, w, selection);
      expect(finalizeSelection('BLUE', floor, false)).toMatchObject({ selected: true, reasons: ['RANDOM_FLOOR'] });
      const classDraw = planSelection('BLUE', 0.01, null, w, selection);
      expect(classDraw.capacityBound).toBe('RANDOM_CLASS_RATE');
      expect(finalizeSelection('BLUE', classDraw, true)).toMatchObject({
        selected: true,
        reasons: ['RANDOM_CLASS_RATE'],
      });
      expect(finalizeSelection('BLUE', classDraw, false)).toEqual({
        selected: false,
        action: 'RELEASE',
        reasons: [],
        capacityExhausted: true,
      });
      const yellow = planSelection('YELLOW', 0.9, 0.7, w, selection);
      expect(finalizeSelection('YELLOW', yellow, true)).toMatchObject({ selected: true, reasons: ['TARGETED_YELLOW'] });
      expect(finalizeSelection('YELLOW', yellow, false)).toMatchObject({
        selected: false,
        action: 'DOCUMENT_CHECK',
        capacityExhausted: true,
      });
      expect(finalizeSelection('YELLOW', planSelection('YELLOW', 0.9, 0.2, w, selection), true)).toMatchObject({
        selected: false,
        action: 'DOCUMENT_CHECK',
        capacityExhausted: false,
      });
    },
  );

  it('expected revenue is the taxes at stake times the probability, to the fen, half-up', () => {
    expect(expectedRevenue('1000.00', 0.12345)).toBe('123.45');
    expect(expectedRevenue('1000.05', 0.5)).toBe('500.03');
  });
});
