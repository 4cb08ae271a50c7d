import type { Facts } from './facts.ts';
import { modelRow, type ModelFeatureSpec, type ModelValue } from './modelFeatures.ts';
import {
  combine,
  evaluateFeatures,
  finalizeSelection,
  planSelection,
  type CompiledFeature,
  type CreditForSelection,
  type FiredFeature,
  type Level,
  type LevelParameters,
  type Scored,
  type Selection,
  type SelectionParameters,
  type SelectionPlan,
} from './rules.ts';

/**
 * One decision from facts, all pure: the library, the models, the parameters, the draw and
 * whether the port had capacity come in. Scoring at submission, replaying a stored decision and the
 * benchmark all run this same function.
 */

/** What the scorer needs of a learned model (a loaded model version). */
export interface ScoringModel {
  version: number;
  spec: readonly ModelFeatureSpec[];
  predict(row: Record<string, ModelValue>): number;
  explain(row: Record<string, ModelValue>): {
    probability: number;
    contributions: { feature: string; contribution: number }[];
  };
  /**
   * The same probability and contributions unranked, per feature of `names` (the model's own order;
   * the array may be reused by the next call): drivers take only the largest few, so nothing else is
   * ranked or allocated. Optional: without it the drivers come from explain.
   */
  contributions?(row: Record<string, ModelValue>): {
    probability: number;
    names: readonly string[];
    perFeature: Float64Array;
  };
}

export interface ModelDriver {
  feature: string;
  value: ModelValue;
  /** Contribution to the log-odds of a discrepancy. */
  contribution: number;
}

export interface ModelResult {
  version: number;
  probability: number;
  drivers: ModelDriver[];
}

export interface DecideInput {
  library: readonly CompiledFeature[];
  model: ScoringModel | null;
  shadowModel: ScoringModel | null;
  facts: Facts;
  asOf: string;
  level: LevelParameters;
  selection: SelectionParameters;
  credit: CreditForSelection;
  noModelProbability: Record<Level, string>;
  draw: number;
}

export interface Decided {
  fired: FiredFeature[];
  scored: Scored;
  model: ModelResult | null;
  shadowModel: { version: number; probability: number } | null;
  probability: number;
  probabilitySource: 'MODEL' | 'LEVEL_PRIOR';
  plan: SelectionPlan;
}

const DRIVERS = 5;
const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

function runModel(model: ScoringModel, facts: Facts): ModelResult {
  const row = modelRow(facts, model.spec);
  if (model.contributions) {
    const c = model.contributions(row);
    return { version: model.version, probability: r6(c.probability), drivers: topDrivers(c.names, c.perFeature, row) };
  }
  const e = model.explain(row);
  const drivers = [...e.contributions]
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || (a.feature < b.feature ? -1 : 1))
    .slice(0, DRIVERS)
    .map((c) => ({ feature: c.feature, value: row[c.feature] ?? null, contribution: r6(c.contribution) }));
  return { version: model.version, probability: r6(e.probability), drivers };
}

/**
 * The DRIVERS largest contributions by |contribution|, ties by feature name: the first DRIVERS of the
 * contributions sorted that way (a total order, so the same drivers), found in one pass.
 */
function topDrivers(
  names: readonly string[],
  perFeature: Float64Array,
  row: Record<string, ModelValue>,
): ModelDriver[] {
  const top: number[] = [];
  for (let i = 0; i < names.length; i++) {
    const a = Math.abs(perFeature[i]!);
    let at = top.length;
    while (at > 0) {
      const j = top[at - 1]!;
      const b = Math.abs(perFeature[j]!);
      if (a > b || (a === b && names[i]! < names[j]!)) at--;
      else break;
    }
    if (at >= DRIVERS) continue;
    top.splice(at, 0, i);
    if (top.length > DRIVERS) top.pop();
  }
  return top.map((i) => ({ feature: names[i]!, value: row[names[i]!] ?? null, contribution: r6(perFeature[i]!) }));
}

export function decide(d: DecideInput): Decided {
  const fired = evaluateFeatures(d.library, d.facts, d.asOf);
  const model = d.model ? runModel(d.model, d.facts) : null;
  const shadowModel = d.shadowModel
    ? { version: d.shadowModel.version, probability: r6(d.shadowModel.predict(modelRow(d.facts, d.shadowModel.spec))) }
    : null;
  const scored = combine(fired, model?.probability ?? null, d.level);
  const probability = model ? model.probability : Number(d.noModelProbability[scored.level]);
  const plan = planSelection(scored.level, d.draw, model?.probability ?? null, d.credit, d.selection);
  return { fired, scored, model, shadowModel, probability, probabilitySource: model ? 'MODEL' : 'LEVEL_PRIOR', plan };
}

export function select(decided: Decided, capacityGranted: boolean): Selection {
  return finalizeSelection(decided.scored.level, decided.plan, capacityGranted);
}
