import { eq } from 'drizzle-orm';
import type { Executor } from '../../../platform/db/client.ts';
import type { ScoringModel } from '../decide.ts';
import { loadModel, type SerializedModel } from '../model/index.ts';
import type { ModelFeatureSpec } from '../modelFeatures.ts';
import { riskModels } from '../schema.ts';

type ModelRow = typeof riskModels.$inferSelect;

/** A stored model version, ready to score. */
export function scorerOf(row: ModelRow): ScoringModel {
  const model = loadModel(row.model as SerializedModel);
  const names = model.spec.map((s) => s.name);
  return {
    version: row.version,
    spec: row.spec as ModelFeatureSpec[],
    predict: (f) => model.predict(f),
    explain: (f) => model.explain(f),
    contributions: (f) => {
      const c = model.contributions(f);
      return { probability: c.probability, names, perFeature: c.perFeature };
    },
  };
}

/** Loaded models by version, per database: a model version never changes once stored. */
const caches = new WeakMap<object, Map<number, Promise<ScoringModel>>>();

export function scoringModel(db: object, ex: Executor, version: number | null): Promise<ScoringModel | null> {
  if (version === null) return Promise.resolve(null);
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let hit = cache.get(version);
  if (!hit) {
    hit = (async () => {
      const [row] = await ex.select().from(riskModels).where(eq(riskModels.version, version));
      if (!row) throw new Error(`Risk model version ${version} is not stored.`);
      return scorerOf(row);
    })();
    hit.catch(() => cache!.delete(version));
    if (cache.size > 4) cache.delete(cache.keys().next().value!);
    cache.set(version, hit);
  }
  return hit;
}
