import { eq } from 'drizzle-orm';
import type { Executor } from '../../../platform/db/client.ts';
import type { ScoringModel } from '../decide.ts';
import { riskModels } from '../schema.ts';

type ModelRow = typeof riskModels.$inferSelect;

/** Turns a stored model version into a scorer. Set once the learner is wired in (see models.ts). */
let loader: ((row: ModelRow) => ScoringModel) | null = null;

export function setModelLoader(fn: (row: ModelRow) => ScoringModel): void {
  loader = fn;
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
      if (!loader) throw new Error('No model loader is registered; the learner is not wired in.');
      return loader(row);
    })();
    hit.catch(() => cache!.delete(version));
    if (cache.size > 4) cache.delete(cache.keys().next().value!);
    cache.set(version, hit);
  }
  return hit;
}
