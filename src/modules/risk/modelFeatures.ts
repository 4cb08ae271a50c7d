import type { Value } from './expression.ts';
import type { Facts } from './facts.ts';

/**
 * The learned model reads the same stored facts as the features, flattened to one row per
 * declaration. A model keeps the spec it was trained with, so a later change here never changes
 * what an existing model version sees (old facts lacking a new column read as missing).
 */
export type ModelValue = number | string | null;
export interface ModelFeatureSpec {
  name: string;
  kind: 'numeric' | 'categorical';
}

type Extractor = (f: Facts) => ModelValue;

const d =
  (key: string): Extractor =>
  (f) =>
    asModelValue(f.decl[key]);
const logOf =
  (key: string): Extractor =>
  (f) => {
    const v = f.decl[key];
    return typeof v === 'number' && v > 0 ? Math.log10(v) : null;
  };
const flag =
  (key: string): Extractor =>
  (f) => {
    const v = f.decl[key];
    return typeof v === 'boolean' ? (v ? 1 : 0) : null;
  };
/** The largest (or smallest) value of a line fact over the lines. */
const lineMax =
  (key: string, transform: (x: number) => number = (x) => x): Extractor =>
  (f) => {
    let best: number | null = null;
    for (const l of f.lines) {
      const v = l[key];
      if (typeof v === 'number') best = best === null ? transform(v) : Math.max(best, transform(v));
    }
    return best;
  };
const lineMin =
  (key: string): Extractor =>
  (f) => {
    let best: number | null = null;
    for (const l of f.lines) {
      const v = l[key];
      if (typeof v === 'number') best = best === null ? v : Math.min(best, v);
    }
    return best;
  };
const anyLine =
  (pred: (l: Record<string, Value>) => boolean): Extractor =>
  (f) =>
    f.lines.some(pred) ? 1 : 0;

function asModelValue(v: Value | undefined): ModelValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

const EXTRACTORS: [ModelFeatureSpec, Extractor][] = [
  [{ name: 'kind', kind: 'categorical' }, d('decl.kind')],
  [{ name: 'port', kind: 'categorical' }, d('decl.port')],
  [{ name: 'transportMode', kind: 'categorical' }, d('decl.transportMode')],
  [{ name: 'creditClass', kind: 'categorical' }, d('credit.class')],
  [{ name: 'mainOrigin', kind: 'categorical' }, d('decl.mainOrigin')],
  [{ name: 'routeOrigin', kind: 'categorical' }, d('decl.routeOrigin')],
  [{ name: 'mainChapter', kind: 'categorical' }, d('decl.mainChapter')],
  [{ name: 'legalForm', kind: 'categorical' }, d('enterprise.legalForm')],
  [{ name: 'log10TotalValue', kind: 'numeric' }, logOf('decl.totalValueCny')],
  [{ name: 'lineCount', kind: 'numeric' }, d('decl.lineCount')],
  [{ name: 'hour', kind: 'numeric' }, d('decl.hourShanghai')],
  [{ name: 'viaCount', kind: 'numeric' }, d('decl.viaCount')],
  [{ name: 'zeroTariff', kind: 'numeric' }, flag('decl.hasZeroTariffLines')],
  [{ name: 'valueAddedClaim', kind: 'numeric' }, flag('decl.hasValueAddedClaim')],
  [{ name: 'minPriceRatio', kind: 'numeric' }, d('decl.minPriceRatio')],
  [{ name: 'minPriceZ', kind: 'numeric' }, lineMin('line.priceZ')],
  [{ name: 'maxPriceRatio', kind: 'numeric' }, lineMax('line.priceRatio')],
  [{ name: 'maxWeightDeviation', kind: 'numeric' }, d('decl.maxWeightDeviation')],
  [{ name: 'maxAbsWeightZ', kind: 'numeric' }, lineMax('line.weightZ', Math.abs)],
  [{ name: 'maxGrossNetRatio', kind: 'numeric' }, lineMax('line.grossNetRatio')],
  [
    { name: 'kgWeightGap', kind: 'numeric' },
    (f) => {
      let gap: number | null = null;
      for (const l of f.lines) {
        if (l['line.unit'] !== 'KG') continue;
        const g =
          Math.abs((l['line.netWeightKg'] as number) - (l['line.quantity'] as number)) / (l['line.quantity'] as number);
        gap = gap === null ? g : Math.max(gap, g);
      }
      return gap;
    },
  ],
  [{ name: 'minHsMatch', kind: 'numeric' }, d('decl.minHsMatchScore')],
  [
    { name: 'hsOtherChapterBetter', kind: 'numeric' },
    anyLine(
      (l) =>
        typeof l['line.hsBestScore'] === 'number' &&
        typeof l['line.hsMatchScore'] === 'number' &&
        l['line.hsBestChapter'] !== l['line.hsChapter'] &&
        (l['line.hsBestScore'] as number) - (l['line.hsMatchScore'] as number) >= 0.4,
    ),
  ],
  [{ name: 'minValueAddedMargin', kind: 'numeric' }, lineMin('line.valueAddedMargin')],
  [{ name: 'minDaysSinceEntry', kind: 'numeric' }, d('decl.minDaysSinceEntry')],
  [{ name: 'relaxedTradeLine', kind: 'numeric' }, anyLine((l) => l['line.regime'] === 'RELAXED_TRADE')],
  [{ name: 'enterpriseAgeDays', kind: 'numeric' }, d('enterprise.ageDays')],
  [{ name: 'hasZeroTariffQualification', kind: 'numeric' }, flag('enterprise.hasZeroTariffQualification')],
  [{ name: 'hasProcessingQualification', kind: 'numeric' }, flag('enterprise.hasProcessingQualification')],
  [{ name: 'traderDeclarations', kind: 'numeric' }, d('trader.declarations')],
  [{ name: 'traderDaysSinceLast', kind: 'numeric' }, d('trader.daysSinceLast')],
  [{ name: 'traderValueZ', kind: 'numeric' }, d('trader.valueZ')],
  [{ name: 'traderNewChapterShare', kind: 'numeric' }, d('trader.newChapterShare')],
  [{ name: 'traderNewOriginShare', kind: 'numeric' }, d('trader.newOriginShare')],
  [{ name: 'traderActivityRatio', kind: 'numeric' }, d('trader.activityRatio')],
  [{ name: 'traderInspected', kind: 'numeric' }, d('trader.inspected')],
  [{ name: 'traderViolations', kind: 'numeric' }, d('trader.violations')],
  [{ name: 'traderHitRate', kind: 'numeric' }, d('trader.hitRate')],
  [{ name: 'traderDaysSinceViolation', kind: 'numeric' }, d('trader.daysSinceViolation')],
  [{ name: 'routeHitRate', kind: 'numeric' }, d('route.hitRate')],
  [{ name: 'originHitRate', kind: 'numeric' }, d('origin.hitRate')],
  [{ name: 'maxLineOriginHitRate', kind: 'numeric' }, lineMax('line.originHitRate')],
  [{ name: 'sellerTraders', kind: 'numeric' }, d('party.sellerTraders')],
  [{ name: 'sellerHitRate', kind: 'numeric' }, d('party.sellerHitRate')],
  [{ name: 'sellerViolationTraders', kind: 'numeric' }, d('party.sellerViolationTraders')],
  [{ name: 'buyerViolationTraders', kind: 'numeric' }, d('party.buyerViolationTraders')],
];

export const MODEL_FEATURE_SPEC: readonly ModelFeatureSpec[] = EXTRACTORS.map(([s]) => s);
const BY_NAME = new Map(EXTRACTORS.map(([s, e]) => [s.name, e]));

/** The model's row for a declaration, for the columns of `spec` (a model's own stored spec). */
export function modelRow(
  facts: Facts,
  spec: readonly ModelFeatureSpec[] = MODEL_FEATURE_SPEC,
): Record<string, ModelValue> {
  const { names, extractors } = columnsOf(spec);
  const row: Record<string, ModelValue> = {};
  for (let i = 0; i < names.length; i++) row[names[i]!] = extractors[i]!(facts) ?? null;
  return row;
}

const MISSING: Extractor = () => null;
const columns = new WeakMap<readonly ModelFeatureSpec[], { names: string[]; extractors: Extractor[] }>();

/** A spec's column names and extractors, looked up once per spec: a model's spec is fixed for its life. */
function columnsOf(spec: readonly ModelFeatureSpec[]) {
  let c = columns.get(spec);
  if (!c) {
    c = { names: spec.map((s) => s.name), extractors: spec.map((s) => BY_NAME.get(s.name) ?? MISSING) };
    columns.set(spec, c);
  }
  return c;
}
