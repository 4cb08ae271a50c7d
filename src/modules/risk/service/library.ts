import { and, eq, gt, isNull, lte, or } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../../../platform/db/client.ts';
import { compileFeature, type CompiledFeature, type FeatureCategory, type FeatureDefinition } from '../rules.ts';
import type { Scope } from '../expression.ts';
import { riskFeatureVersions, riskLibraryState } from '../schema.ts';
import { forgetInCommand, memoInCommand } from '../../../platform/commandMemo.ts';

export type FeatureRow = typeof riskFeatureVersions.$inferSelect;
export type LibraryState = typeof riskLibraryState.$inferSelect;

const LIBRARY_STATE_MEMO = 'risk.libraryState';

/**
 * The library's state row. Read once per command unless locked (platform/commandMemo.ts): an exit
 * asks for it beside its goods, risk finds it there. Its writers lock it first, which drops what the
 * command held, and forget it again before they write.
 */
export async function libraryState(ex: Executor, lock = false): Promise<LibraryState> {
  if (lock) forgetLibraryState(ex);
  const read = async () => {
    const q = ex.select().from(riskLibraryState).where(eq(riskLibraryState.id, 1));
    const [row] = lock ? await q.for('update') : await q;
    if (!row) throw new Error('risk_library_state has no row: run the migrations.');
    return row;
  };
  return lock ? read() : memoInCommand(ex, LIBRARY_STATE_MEMO, read);
}

export const forgetLibraryState = (ex: Executor): void => forgetInCommand(ex, LIBRARY_STATE_MEMO);

export function definitionOf(row: FeatureRow, mode: 'LIVE' | 'SHADOW'): FeatureDefinition {
  return {
    code: row.code,
    version: row.version,
    name: row.name,
    category: row.category as FeatureCategory,
    scope: row.scope as Scope,
    expression: row.expression,
    weight: row.weight,
    forceLevel: (row.forceLevel as 'RED' | 'YELLOW' | null) ?? null,
    expiresOn: row.expiresOn,
    mode,
  };
}

export function compileRow(row: FeatureRow, mode: 'LIVE' | 'SHADOW'): CompiledFeature {
  const r = compileFeature(definitionOf(row, mode));
  // Stored versions were compiled when they were written; a failure here means the catalogue lost a field.
  if (!r.ok) throw new Error(`Feature ${row.code} v${row.version} no longer compiles: ${r.errors[0]!.message}`);
  return r.feature;
}

const inSet = (from: AnyPgColumn, to: AnyPgColumn, n: number) => and(lte(from, n), or(isNull(to), gt(to, n)));

/**
 * The live and shadow features of library version `n`, compiled: those that score declarations, or
 * with `sales` those of scope SALE that score offshore duty-free sales (one library, two catalogues).
 */
export async function loadLibrary(ex: Executor, n: number, opts: { sales?: boolean } = {}): Promise<CompiledFeature[]> {
  const rows = await ex
    .select()
    .from(riskFeatureVersions)
    .where(
      or(
        inSet(riskFeatureVersions.liveFromSet, riskFeatureVersions.liveToSet, n),
        inSet(riskFeatureVersions.shadowFromSet, riskFeatureVersions.shadowToSet, n),
      ),
    );
  const out: CompiledFeature[] = [];
  for (const r of rows) {
    if ((r.scope === 'SALE') !== Boolean(opts.sales)) continue;
    const live = r.liveFromSet !== null && r.liveFromSet <= n && (r.liveToSet === null || r.liveToSet > n);
    out.push(compileRow(r, live ? 'LIVE' : 'SHADOW'));
  }
  return out.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : a.version - b.version));
}

/**
 * Compiled libraries by set version, per database. A set version never changes once published, so
 * a cached one is always right; a process learns of a new version from the state row it reads anyway.
 */
const caches = new WeakMap<object, Map<number, Promise<CompiledFeature[]>>>();

export function cachedLibrary(
  db: object,
  ex: Executor,
  n: number,
  opts: { sales?: boolean } = {},
): Promise<CompiledFeature[]> {
  const key = opts.sales ? -n - 1 : n;
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let hit = cache.get(key);
  if (!hit) {
    hit = loadLibrary(ex, n, opts);
    hit.catch(() => cache!.delete(key));
    if (cache.size > 16) cache.delete(cache.keys().next().value!);
    cache.set(key, hit);
  }
  return hit;
}
