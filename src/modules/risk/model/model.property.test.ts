import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadModel, trainModel, type FeatureSpec, type FeatureValue, type TrainingRow } from './index.ts';

/** Any small data set: numeric and categorical features, missing values, any labels. */
const dataSet = fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }).chain((kinds) => {
  const spec: FeatureSpec[] = kinds.map((categorical, i) => ({
    name: `f${i}`,
    kind: categorical ? 'categorical' : 'numeric',
  }));
  const value = (f: FeatureSpec): fc.Arbitrary<FeatureValue> =>
    f.kind === 'numeric'
      ? fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 5 }), fc.constant(null))
      : fc.oneof(fc.constantFrom('A', 'B', 'C', 'D'), fc.constant(null));
  const row = fc.record({
    features: fc.record(Object.fromEntries(spec.map((f) => [f.name, value(f)]))),
    label: fc.constantFrom<0 | 1>(0, 1),
  }) as fc.Arbitrary<TrainingRow>;
  return fc.tuple(
    fc.constant(spec),
    fc.array(row, { minLength: 1, maxLength: 80 }),
    fc.integer({ min: 0, max: 1000 }),
    fc.constantFrom('gbdt' as const, 'tree' as const, 'logistic' as const),
  );
});

describe('learner properties', () => {
  it(
    'on any data: probabilities in (0, 1), contributions + bias = raw score (path and TreeSHAP), ' +
      'JSON round trip scores the same',
    () => {
      fc.assert(
        fc.property(dataSet, ([spec, rows, seed, algorithm]) => {
          const { model } = trainModel(spec, rows, { seed, algorithm, rounds: 5, minDataInLeaf: 2, targetFolds: 3 });
          const loaded = loadModel(JSON.parse(JSON.stringify(model.toJSON())));
          for (const r of rows.slice(0, 10)) {
            const p = model.predict(r.features);
            expect(p).toBeGreaterThan(0);
            expect(p).toBeLessThan(1);
            expect(loaded.predict(r.features)).toBe(p);
            const e = model.explain(r.features);
            expect(e.contributions).toHaveLength(spec.length);
            expect(e.bias + e.contributions.reduce((s, c) => s + c.contribution, 0)).toBeCloseTo(
              model.rawScore(r.features),
              8,
            );
            const shap = model.explain(r.features, { method: 'treeshap' });
            expect(shap.bias + shap.contributions.reduce((s, c) => s + c.contribution, 0)).toBeCloseTo(
              model.rawScore(r.features),
              8,
            );
          }
        }),
        { numRuns: 60 },
      );
    },
  );
});
