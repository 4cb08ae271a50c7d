/**
 * Risk law (../shared/spec/mission.md §6): how fired features and the model combine into a level, and who is
 * selected for inspection. Pure: facts, parameters, the random draw and whether capacity was
 * granted all come in, so the same inputs and versions always give the same decision.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { inspectionRate, type InspectionRateRule } from '../credit/rules.ts';
import {
  compileExpression,
  type Compiled,
  type Env,
  type ExpressionError,
  type Scope,
  type Value,
} from './expression.ts';

/** The value an expression yields, for modules that supply facts (the duty-free sale catalogue). */
export type { Value };
import { catalogueOf } from './fields.ts';
import type { Facts } from './facts.ts';

export const LEVELS = ['RED', 'YELLOW', 'BLUE'] as const;
export type Level = (typeof LEVELS)[number];
export const FEATURE_CATEGORIES = [
  'PRICE',
  'WEIGHT',
  'CLASSIFICATION',
  'VALUE_ADDED',
  'TIMING',
  'TRADER',
  'CREDIT',
  'HISTORY',
  'ROUTE',
  'NETWORK',
  'GOODS',
] as const;
export type FeatureCategory = (typeof FEATURE_CATEGORIES)[number];

export interface FeatureDefinition {
  code: string;
  version: number;
  name: string;
  category: FeatureCategory;
  scope: Scope;
  expression: string;
  /** Points added to the score when the feature fires (decimal string, 0-100). */
  weight: string;
  /** A feature that, firing, sets at least this level whatever the score. */
  forceLevel: 'RED' | 'YELLOW' | null;
  /** From this business date on the feature no longer fires (YYYY-MM-DD), or null. */
  expiresOn: string | null;
  /** LIVE counts towards the score; SHADOW is evaluated and recorded, never acted on. */
  mode: 'LIVE' | 'SHADOW';
}

export interface CompiledFeature extends FeatureDefinition {
  compiled: Compiled;
  points: number;
}

/** Compiles a feature against the catalogue, or names what is wrong with it. */
export function compileFeature(
  def: FeatureDefinition,
): { ok: true; feature: CompiledFeature } | { ok: false; errors: ExpressionError[] } {
  const result = compileExpression(def.expression, catalogueOf(def.scope), def.scope);
  if (!result.ok) return result;
  return { ok: true, feature: { ...def, compiled: result.compiled, points: Number(def.weight) } };
}

export interface FiredFeature {
  code: string;
  version: number;
  mode: 'LIVE' | 'SHADOW';
  /** Points this feature added to the score (0 for a shadow feature). */
  contribution: number;
  forceLevel: 'RED' | 'YELLOW' | null;
  /** The lines it fired on (LINE scope), in order. */
  lines: number[];
  /** The values it read, on the first line it fired on: the "why" shown to the officer. */
  evidence: Record<string, Value>;
}

function evidenceOf(feature: CompiledFeature, env: Env): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const f of feature.compiled.fields) out[f] = (f.startsWith('line.') ? env.line?.[f] : env.decl[f]) ?? null;
  return out;
}

/** Evaluates every feature (live and shadow) that has not expired on `asOf`. Sorted by code for a stable score. */
export function evaluateFeatures(features: readonly CompiledFeature[], facts: Facts, asOf: string): FiredFeature[] {
  const fired: FiredFeature[] = [];
  // One environment per line, shared by every feature: the library runs dozens of features per declaration.
  const declEnv: Env = { decl: facts.decl, line: null };
  const lineEnvs: Env[] = new Array(facts.lines.length);
  for (let i = 0; i < lineEnvs.length; i++) lineEnvs[i] = { decl: facts.decl, line: facts.lines[i]! };
  for (let f = 0; f < features.length; f++) {
    const feature = features[f]!;
    if (feature.expiresOn !== null && asOf >= feature.expiresOn) continue;
    const evaluate = feature.compiled.evaluate;
    let evidence: Record<string, Value> | null = null;
    let lines: number[];
    if (feature.scope !== 'LINE') {
      // A SALE feature reads its sale's facts as a DECLARATION feature reads its declaration's.
      if (evaluate(declEnv) !== true) continue;
      evidence = evidenceOf(feature, declEnv);
      lines = [];
    } else {
      // Most features fire on no line: nothing is allocated until one does.
      let first = 0;
      while (first < lineEnvs.length && evaluate(lineEnvs[first]!) !== true) first++;
      if (first === lineEnvs.length) continue;
      evidence = evidenceOf(feature, lineEnvs[first]!);
      lines = [first];
      for (let i = first + 1; i < lineEnvs.length; i++) if (evaluate(lineEnvs[i]!) === true) lines.push(i);
    }
    fired.push({
      code: feature.code,
      version: feature.version,
      mode: feature.mode,
      contribution: feature.mode === 'LIVE' ? feature.points : 0,
      forceLevel: feature.mode === 'LIVE' ? feature.forceLevel : null,
      lines,
      evidence,
    });
  }
  return fired.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

export interface LevelParameters {
  /** risk.levelThresholds: score at or above `red` is RED, at or above `yellow` is YELLOW. */
  red: number;
  yellow: number;
  /** risk.modelWeight: points the model adds at probability 1. */
  modelWeight: number;
}

export interface Scored {
  level: Level;
  score: number;
  featureScore: number;
  modelScore: number;
  /** The feature that forced the level above what the score gives, if any. */
  forcedBy: string | null;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** The score is additive, so the explanation is exact: score = Σ feature points + model weight × probability. */
export function combine(fired: readonly FiredFeature[], modelProbability: number | null, p: LevelParameters): Scored {
  let featureScore = 0;
  for (const f of fired) featureScore += f.contribution;
  const modelScore = modelProbability === null ? 0 : p.modelWeight * modelProbability;
  const score = round4(featureScore + modelScore);
  let level: Level = score >= p.red ? 'RED' : score >= p.yellow ? 'YELLOW' : 'BLUE';
  let forcedBy: string | null = null;
  for (const f of fired) {
    if (f.forceLevel === 'RED' && level !== 'RED') (level = 'RED'), (forcedBy = f.code);
    else if (f.forceLevel === 'YELLOW' && level === 'BLUE') (level = 'YELLOW'), (forcedBy = f.code);
  }
  return { level, score, featureScore: round4(featureScore), modelScore: round4(modelScore), forcedBy };
}

// ---- selection ---------------------------------------------------------------------------------

/**
 * The random draw of a declaration, in [0, 1): a keyed hash of its id. Deterministic (a replay gets
 * the same draw) yet unpredictable to a trader, who does not hold the key.
 */
export function selectionDraw(key: Uint8Array, declarationId: string): number {
  return (
    createHmac('sha256', keyObject(key)).update(`risk-selection:${declarationId}`).digest().readUIntBE(0, 6) / 2 ** 48
  );
}

/** The draw key as a KeyObject, made once per key (the same HMAC, without copying the key on every draw). */
const keyObjects = new WeakMap<Uint8Array, { bytes: Uint8Array; key: KeyObject }>();
function keyObject(key: Uint8Array): KeyObject {
  const hit = keyObjects.get(key);
  // A caller could change the bytes of the array it passed: the cached key is used only while they match.
  if (hit && Buffer.compare(hit.bytes, key) === 0) return hit.key;
  const made = { bytes: Uint8Array.from(key), key: createSecretKey(key) };
  keyObjects.set(key, made);
  return made.key;
}

export interface SelectionParameters {
  /** risk.routineInspectionRate: the routine random inspection rate the credit multipliers apply to. */
  routineRate: string;
  /** risk.randomFloorRate: share of all declarations always inspected at random, capacity or not. */
  floorRate: string;
  /** risk.yellowTargetedProbability: a YELLOW declaration this likely to be wrong gets a physical inspection. */
  yellowTargetedProbability: string;
}

export interface CreditForSelection {
  inspectionRate: InspectionRateRule;
  /** False for white-list individuals: no random selection without a risk alert. */
  inspectWithoutRiskAlert: boolean;
}

export type SelectionReason = 'RISK_RED' | 'RANDOM_FLOOR' | 'RANDOM_CLASS_RATE' | 'TARGETED_YELLOW';
export type Action = 'INSPECT' | 'DOCUMENT_CHECK' | 'RELEASE';

export interface SelectionPlan {
  /** Random rate for the subject's credit class (never below the floor): what the draw is compared with. */
  classRate: string;
  /** Reasons that select whatever the capacity (RED, the random floor). */
  mandatory: SelectionReason[];
  /** A reason that selects only while the port has capacity left today. */
  capacityBound: SelectionReason | null;
  /** The draw fell under the floor: this declaration belongs to the unbiased learning sample. */
  unbiasedSample: boolean;
}

type Rates = { classRate: string; classRateN: number; floorN: number };
const rates = new Map<string, Rates>();
/** The last combination asked for, field by field: declarations in a row mostly share it. */
let last: { kind: string; value: string; routine: string; floor: string; r: Rates } | null = null;

/** The class rate (never below the floor) for a credit rule and parameters, computed exactly once per combination. */
function ratesFor(credit: CreditForSelection, p: SelectionParameters) {
  const rule = credit.inspectionRate;
  const value = rule.kind === 'MULTIPLIER' ? rule.multiplier : rule.minimumRate;
  if (
    last !== null &&
    last.kind === rule.kind &&
    last.value === value &&
    last.routine === p.routineRate &&
    last.floor === p.floorRate
  )
    return last.r;
  const key = `${rule.kind}|${value}|${p.routineRate}|${p.floorRate}`;
  let r = rates.get(key);
  if (!r) {
    const classRate = Decimal.max(p.floorRate, inspectionRate({ inspectionRate: rule }, p.routineRate));
    if (rates.size > 1000) rates.clear();
    // The rates are decimal parameters of at most a few digits: as doubles they compare with the draw exactly enough.
    rates.set(
      key,
      (r = { classRate: classRate.toString(), classRateN: classRate.toNumber(), floorN: Number(p.floorRate) }),
    );
  }
  last = { kind: rule.kind, value, routine: p.routineRate, floor: p.floorRate, r };
  return r;
}

export function planSelection(
  level: Level,
  draw: number,
  probability: number | null,
  credit: CreditForSelection,
  p: SelectionParameters,
): SelectionPlan {
  const { classRate, classRateN, floorN } = ratesFor(credit, p);
  const randomAllowed = credit.inspectWithoutRiskAlert;
  const mandatory: SelectionReason[] = [];
  if (level === 'RED') mandatory.push('RISK_RED');
  const underFloor = randomAllowed && draw < floorN;
  if (underFloor) mandatory.push('RANDOM_FLOOR');
  let capacityBound: SelectionReason | null = null;
  if (mandatory.length === 0) {
    if (randomAllowed && draw < classRateN) capacityBound = 'RANDOM_CLASS_RATE';
    else if (level === 'YELLOW' && probability !== null && probability >= Number(p.yellowTargetedProbability))
      capacityBound = 'TARGETED_YELLOW';
  }
  return { classRate, mandatory, capacityBound, unbiasedSample: underFloor };
}

export interface Selection {
  selected: boolean;
  action: Action;
  reasons: SelectionReason[];
  /** A capacity-bound selection was dropped because the port's capacity for the day was used up. */
  capacityExhausted: boolean;
}

export function finalizeSelection(level: Level, plan: SelectionPlan, capacityGranted: boolean): Selection {
  const reasons = [...plan.mandatory];
  if (plan.capacityBound && capacityGranted) reasons.push(plan.capacityBound);
  const selected = reasons.length > 0;
  return {
    selected,
    action: selected ? 'INSPECT' : level === 'YELLOW' ? 'DOCUMENT_CHECK' : 'RELEASE',
    reasons,
    capacityExhausted: plan.capacityBound !== null && !capacityGranted,
  };
}

/** Taxes at stake weighted by how likely the declaration is wrong (2 decimals, half-up). */
export function expectedRevenue(revenueAtStake: Decimal.Value, probability: number): string {
  const stake = revenueAtStake instanceof Decimal ? revenueAtStake : new Decimal(revenueAtStake);
  return stake.times(probability.toFixed(6)).toFixed(2, Decimal.ROUND_HALF_UP);
}
