import { describe, expect, it } from 'vitest';
import {
  auc,
  evaluate,
  loadModel,
  trainModel,
  type FeatureSpec,
  type TrainedModel,
  type TrainingRow,
} from './index.ts';
import { seededRandom } from './random.ts';
import type { SerializedGbdt, SerializedTree } from './types.ts';
import { FeatureEncoder } from './encoding.ts';

const SPEC: FeatureSpec[] = [
  { name: 'x', kind: 'numeric' },
  { name: 'y', kind: 'numeric' },
  { name: 'country', kind: 'categorical' },
];
const RISKY = new Set(['AA', 'BB']);

/** Known function: a discrepancy when x > 0.6 and y < 0.5, or when the goods come from AA or BB. */
function synthetic(n: number, seed: number): TrainingRow[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const x = random();
    const y = random();
    const country = ['AA', 'BB', 'CC', 'DD', 'EE', 'FF', 'GG', 'HH'][Math.floor(random() * 8)]!;
    const label = (x > 0.6 && y < 0.5) || RISKY.has(country) ? 1 : 0;
    return { features: { x, y, country }, label };
  });
}

const train = synthetic(2000, 1);
const valid = synthetic(1000, 2);
const test = synthetic(1000, 3);
const logit = (p: number) => Math.log(p / (1 - p));
const aucOn = (model: TrainedModel, rows: TrainingRow[]) =>
  auc(
    rows.map((r) => model.predict(r.features)),
    rows.map((r) => r.label),
  );

describe('trainModel (gbdt)', () => {
  const { model, report } = trainModel(SPEC, train, { seed: 7, rounds: 200, earlyStoppingMetric: 'logloss' }, valid);

  it('learns a known function: near-perfect ranking on unseen rows', () => {
    expect(model.kind).toBe('gbdt-v1');
    expect(aucOn(model, test)).toBeGreaterThan(0.99);
    expect(model.predict({ x: 0.9, y: 0.1, country: 'CC' })).toBeGreaterThan(0.9);
    expect(model.predict({ x: 0.1, y: 0.9, country: 'AA' })).toBeGreaterThan(0.9);
    expect(model.predict({ x: 0.1, y: 0.9, country: 'CC' })).toBeLessThan(0.1);
    expect(report.valid!.auc).toBeGreaterThan(0.99);
    expect(report.importance.map((i) => i.feature)).toContain('country');
    expect(report.valid!['revenue@5%']).toBeUndefined();
  });

  it('reports revenue captured on the validation rows when they carry the revenue at stake', () => {
    const withRevenue = valid.map((r, i) => ({ ...r, revenue: r.label ? 100 + (i % 7) : 0 }));
    const { report: r } = trainModel(SPEC, train, { seed: 7, rounds: 50 }, withRevenue);
    // The top 10% holds about a quarter of the frauds (base rate about 40%), so about a quarter of the revenue.
    expect(r.valid!['revenue@10%']).toBeGreaterThan(0.2);
    expect(r.valid!['revenue@10%']).toBeCloseTo(r.valid!['recall@10%'], 1);
  });

  it('is deterministic for a seed, and the seed matters', () => {
    const again = trainModel(SPEC, train, { seed: 7, rounds: 200, earlyStoppingMetric: 'logloss' }, valid).model;
    expect(JSON.stringify(again.toJSON())).toBe(JSON.stringify(model.toJSON()));
    const other = trainModel(SPEC, train, { seed: 8, rounds: 200 }, valid).model;
    expect(JSON.stringify(other.toJSON())).not.toBe(JSON.stringify(model.toJSON()));
  });

  it('serialises to plain JSON that loads to the same predictions', () => {
    const loaded = loadModel(JSON.parse(JSON.stringify(model.toJSON())));
    expect(loaded.kind).toBe(model.kind);
    expect(loaded.spec).toEqual(SPEC);
    for (const r of test.slice(0, 200)) expect(loaded.predict(r.features)).toBe(model.predict(r.features));
    expect(loaded.predict({ x: null, y: 'not a number', country: null })).toBe(
      model.predict({ x: null, y: 'not a number', country: null }),
    );
  });

  it('explains: contributions + bias = raw score, one contribution per feature, largest first', () => {
    for (const r of test.slice(0, 100)) {
      const e = model.explain(r.features);
      const sum = e.bias + e.contributions.reduce((s, c) => s + c.contribution, 0);
      expect(sum).toBeCloseTo(model.rawScore(r.features), 9);
      expect(sum).toBeCloseTo(logit(model.predict(r.features)), 6);
      expect(e.probability).toBeCloseTo(model.predict(r.features), 12);
      expect(e.contributions.map((c) => c.feature).sort()).toEqual(['country', 'x', 'y']);
      const sizes = e.contributions.map((c) => Math.abs(c.contribution));
      expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
    }
    // A risky country drives the score when x and y say nothing.
    const e = model.explain({ x: 0.1, y: 0.9, country: 'BB' });
    expect(e.contributions[0]!.feature).toBe('country');
    expect(e.contributions[0]!.contribution).toBeGreaterThan(1);
  });

  it('scores unseen categories and missing values without failing', () => {
    const p = model.predict({ x: 0.2, y: 0.8, country: 'ZZ' });
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(0.5);
    expect(Number.isFinite(model.predict({}))).toBe(true);
  });
});

describe('missing values and categories', () => {
  it('learns which way missing values go', () => {
    const random = seededRandom(3);
    const rows: TrainingRow[] = Array.from({ length: 1500 }, () => {
      const missing = random() < 0.3;
      const v = random();
      return { features: { v: missing ? null : v }, label: missing || v > 0.8 ? 1 : 0 };
    });
    const { model } = trainModel([{ name: 'v', kind: 'numeric' }], rows, { seed: 1, rounds: 100 });
    expect(model.predict({ v: null })).toBeGreaterThan(0.9);
    expect(model.predict({ v: 0.5 })).toBeLessThan(0.1);
    expect(model.predict({ v: 0.95 })).toBeGreaterThan(0.9);
  });

  it('never lets a training row see its own label through a category (an ID per row learns nothing)', () => {
    const random = seededRandom(5);
    const rows = (n: number, prefix: string): TrainingRow[] =>
      Array.from({ length: n }, (_, i) => ({ features: { id: `${prefix}${i}` }, label: random() < 0.3 ? 1 : 0 }));
    for (const targetEncoding of ['kfold', 'ordered'] as const) {
      const { model, report } = trainModel(
        [{ name: 'id', kind: 'categorical' }],
        rows(2000, 't'),
        { seed: 1, rounds: 50, targetEncoding, earlyStoppingRounds: 0 },
        rows(500, 'v'),
      );
      // Every training ID occurs once: a leaky encoding would hand each row its own label and the
      // trees would split on it; leak-free statistics leave nothing to learn.
      expect(report.importance.find((i) => i.feature === 'id')!.gain).toBe(0);
      expect(report.valid!.auc).toBeCloseTo(0.5, 5);
      expect(model.predict({ id: 'v1' })).toBeCloseTo(model.predict({ id: 'never-seen' }), 12);
    }
  });

  it('uses a category’s fraud rate over the training rows for rows scored later', () => {
    const rows: TrainingRow[] = [];
    for (let i = 0; i < 1000; i++) rows.push({ features: { trader: `T${i % 20}` }, label: i % 20 < 4 ? 1 : 0 });
    const { model } = trainModel([{ name: 'trader', kind: 'categorical' }], rows, {
      seed: 2,
      rounds: 100,
      targetSmoothing: 1,
    });
    expect(model.predict({ trader: 'T1' })).toBeGreaterThan(0.9);
    expect(model.predict({ trader: 'T10' })).toBeLessThan(0.1);
  });
});

describe('baselines and options', () => {
  it('one tree (tree-v1) and logistic regression (logistic-v1) train, explain and round-trip', () => {
    for (const algorithm of ['tree', 'logistic'] as const) {
      const { model, report } = trainModel(SPEC, train, { seed: 1, algorithm }, valid);
      expect(model.kind).toBe(`${algorithm}-v1`);
      expect(report.valid!.auc).toBeGreaterThan(0.9);
      const loaded = loadModel(JSON.parse(JSON.stringify(model.toJSON())));
      for (const r of test.slice(0, 50)) {
        expect(loaded.predict(r.features)).toBe(model.predict(r.features));
        const e = model.explain(r.features);
        expect(e.bias + e.contributions.reduce((s, c) => s + c.contribution, 0)).toBeCloseTo(
          logit(model.predict(r.features)),
          6,
        );
      }
    }
    expect(trainModel(SPEC, train, { seed: 1, algorithm: 'tree' }).report.rounds).toBe(1);
  });

  it('logistic regression recovers a linear rule', () => {
    const random = seededRandom(9);
    const rows: TrainingRow[] = Array.from({ length: 3000 }, () => {
      const a = random() * 4 - 2;
      const b = random() * 4 - 2;
      return { features: { a, b }, label: random() < 1 / (1 + Math.exp(-(2 * a - b))) ? 1 : 0 };
    });
    const { model } = trainModel(
      [
        { name: 'a', kind: 'numeric' },
        { name: 'b', kind: 'numeric' },
      ],
      rows,
      { seed: 1, algorithm: 'logistic', logisticL2: 0 },
    );
    const slopeA = logit(model.predict({ a: 1, b: 0 })) - logit(model.predict({ a: 0, b: 0 }));
    const slopeB = logit(model.predict({ a: 0, b: 1 })) - logit(model.predict({ a: 0, b: 0 }));
    // signed log(1+|x|) is applied first, so compare around a point where it is near-linear in spirit: signs and ratio.
    expect(slopeA).toBeGreaterThan(0.8);
    expect(slopeB).toBeLessThan(-0.4);
  });

  it('stops early when the validation set stops improving, and keeps the best round', () => {
    const random = seededRandom(11);
    const noise = (n: number): TrainingRow[] =>
      Array.from({ length: n }, () => ({
        features: { x: random(), y: random(), country: 'CC' },
        label: random() < 0.3 ? 1 : 0,
      }));
    const { report } = trainModel(SPEC, noise(1500), { seed: 1, rounds: 500, earlyStoppingRounds: 20 }, noise(500));
    expect(report.roundsRun).toBeLessThan(500);
    expect(report.rounds).toBe(report.roundsRun - 20);
  });

  it('without a validation set, stops at a safe number of rounds unless told otherwise', () => {
    const small = train.slice(0, 300);
    expect(trainModel(SPEC, small, { seed: 1 }).report.rounds).toBe(300);
    expect(trainModel(SPEC, small, { seed: 1, rounds: 7 }).report.rounds).toBe(7);
  });

  it('rejects nonsense options and specs', () => {
    expect(() => trainModel(SPEC, train, { seed: 1, learningRate: 0 })).toThrow(RangeError);
    expect(() => trainModel(SPEC, train, { seed: 1, baggingFraction: 1.5 })).toThrow(RangeError);
    expect(() => trainModel([...SPEC, { name: 'x', kind: 'numeric' }], train, { seed: 1 })).toThrow(/unique/);
    expect(() => trainModel(SPEC, [], { seed: 1 })).toThrow(RangeError);
    expect(() => loadModel({ format: 'other' } as never)).toThrow(/not a Tidegate risk model/);
  });

  it('refuses a stored model whose trees are damaged', () => {
    const json = trainModel(SPEC, train, { seed: 1, rounds: 3 }).model.toJSON();
    const damaged = (edit: (t: SerializedTree) => void) => {
      const copy = JSON.parse(JSON.stringify(json)) as SerializedGbdt;
      edit(copy.trees[1]!);
      return () => loadModel(copy);
    };
    expect(damaged((t) => (t.left[0] = 0))).toThrow(/tree 1: node 0: bad child 0/); // a cycle
    expect(damaged((t) => (t.column[0] = 99))).toThrow(/column out of range/);
    expect(damaged((t) => t.leafValue.pop())).toThrow(/one leaf more/);
    expect(damaged((t) => (t.threshold[0] = null as never))).toThrow(/threshold/);
    expect(() => loadModel(json)).not.toThrow();
  });
});

describe('evaluate', () => {
  it('computes precision, recall and revenue at n% on a hand-worked example', () => {
    // 100 rows, scores 100..1; frauds at ranks 1, 2, 4, 7, 10, 30 (6 frauds).
    const scores = Array.from({ length: 100 }, (_, i) => 100 - i);
    const fraudRanks = new Set([1, 2, 4, 7, 10, 30]);
    const labels = scores.map((_, i) => (fraudRanks.has(i + 1) ? 1 : 0) as 0 | 1);
    const revenue = labels.map((y, i) => (y ? (i + 1 === 30 ? 600 : 100) : 0));
    const m = evaluate(scores, labels, revenue);
    expect(m['precision@1%']).toBe(1); // top 1: rank 1
    expect(m['precision@2%']).toBe(1); // ranks 1-2
    expect(m['precision@5%']).toBe(3 / 5); // ranks 1, 2, 4
    expect(m['precision@10%']).toBe(5 / 10); // ranks 1, 2, 4, 7, 10
    expect(m['recall@5%']).toBe(3 / 6);
    expect(m['recall@10%']).toBe(5 / 6);
    expect(m['revenue@5%']).toBe(300 / 1100);
    expect(m['revenue@10%']).toBe(500 / 1100);
    // AUC: each fraud at rank r beats the negatives ranked below it.
    const negatives = 94;
    const wins = [1, 2, 4, 7, 10, 30].reduce((s, r, k) => s + (100 - r - (6 - 1 - k)), 0);
    expect(m.auc).toBeCloseTo(wins / (6 * negatives), 12);
  });

  it('counts ties as half in AUC and leaves revenue out when not given', () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auc([0.5, 0.5], [1, 0])).toBe(0.5);
    expect(auc([0.2, 0.3], [1, 1])).toBe(0.5);
    const m = evaluate([0.9, 0.1], [1, 0]);
    expect(m['revenue@5%']).toBeUndefined();
    expect(m.auc).toBe(1);
    expect(() => evaluate([1], [1, 0])).toThrow();
  });
});

describe('explain with TreeSHAP', () => {
  const { model } = trainModel(SPEC, train, { seed: 3, rounds: 15, numLeaves: 8 });
  const json = model.toJSON() as SerializedGbdt;
  const encoder = FeatureEncoder.fromJSON(json.spec, json.encoder);

  /** The model's expected raw score when only the features in `known` are known (cover-weighted over the rest). */
  function coalitionValue(x: Float64Array, known: Set<number>): number {
    const expect = (t: SerializedTree, node: number): number => {
      if (node < 0) return t.leafValue[~node]!;
      const column = t.column[node]!;
      const v = x[column]!;
      const left = v <= t.threshold[node]! || (Number.isNaN(v) && t.missingLeft[node] === 1);
      if (known.has(encoder.columnFeature[column]!)) return expect(t, left ? t.left[node]! : t.right[node]!);
      const cover = (c: number) => (c < 0 ? t.leafCover[~c]! : t.nodeCover[c]!);
      return (
        (cover(t.left[node]!) * expect(t, t.left[node]!) + cover(t.right[node]!) * expect(t, t.right[node]!)) /
        t.nodeCover[node]!
      );
    };
    return json.trees.reduce((s, t) => s + (t.column.length ? expect(t, 0) : t.leafValue[0]!), json.initScore);
  }

  it('gives each feature its exact Shapley value (checked by enumerating every coalition)', () => {
    const m = SPEC.length;
    const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));
    for (const r of [
      ...test.slice(0, 15),
      { features: { x: null, y: 0.3, country: 'never-seen' }, label: 0 as const },
    ]) {
      const x = new Float64Array(encoder.columns.length);
      encoder.encodeInto(r.features, x);
      const shap = model.explain(r.features, { method: 'treeshap' });
      expect(shap.bias).toBeCloseTo(coalitionValue(x, new Set()), 9);
      for (let i = 0; i < m; i++) {
        let phi = 0;
        for (let mask = 0; mask < 1 << m; mask++) {
          if (mask & (1 << i)) continue;
          const coalition = new Set([...Array(m).keys()].filter((j) => mask & (1 << j)));
          const weight = (factorial(coalition.size) * factorial(m - coalition.size - 1)) / factorial(m);
          phi += weight * (coalitionValue(x, new Set([...coalition, i])) - coalitionValue(x, coalition));
        }
        expect(shap.contributions.find((c) => c.feature === SPEC[i]!.name)!.contribution).toBeCloseTo(phi, 9);
      }
      expect(shap.bias + shap.contributions.reduce((s, c) => s + c.contribution, 0)).toBeCloseTo(
        model.rawScore(r.features),
        9,
      );
      expect(shap.probability).toBeCloseTo(model.predict(r.features), 12);
    }
  });

  it('puts the same main driver first as the path method on a clear case', () => {
    const features = { x: 0.1, y: 0.9, country: 'BB' };
    expect(model.explain(features, { method: 'treeshap' }).contributions[0]!.feature).toBe('country');
    expect(model.explain(features).contributions[0]!.feature).toBe('country');
  });
});
