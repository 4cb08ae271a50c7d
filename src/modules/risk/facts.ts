import { Decimal } from 'decimal.js';
import type { Value } from './expression.ts';
import type { AssessmentInput, AssessmentLine } from './input.ts';
import { matchHsDescription } from './hsMatch.ts';
import { daysBetween, decayed, momentsMean, momentsSd, round4, smoothedRate, type Moments } from './stats.ts';

/**
 * From a declaration and its context to the facts features and the model read. Pure: the context
 * (derived statistics as they stood before this declaration) and the time come in. The facts are
 * stored with the decision, so every later backtest and replay reads exactly these values.
 */

export interface TraderProfile {
  declarations: number;
  firstOn: string;
  lastOn: string;
  logValue: Moments;
  chapters: Record<string, number>;
  origins: Record<string, number>;
  ports: Record<string, number>;
  recentActivity: number;
  inspected: number;
  violations: number;
  seizures: number;
  lastViolationOn: string | null;
  /** Declarations the trader cancelled (declarations README: a withdrawal is a risk fact). */
  cancellations: number;
  /** Declarations selected for inspection whose goods went back to the book before the inspection ended. */
  selectedNotInspected: number;
}

export interface OutcomeCounts {
  inspected: number;
  hits: number;
}

export interface PartyStats extends OutcomeCounts {
  traders: number;
  violationTraders: number;
}

export interface FactParameters {
  /** risk.referenceMinSamples: below this a reference price or weight is not used. */
  referenceMinSamples: number;
  /** tax.valueAddedThreshold */
  valueAddedThreshold: string;
  /** tax.notCollectedAtOrBelowCny: a duty at or below it is not collected (以下 includes the number). */
  notCollectedAtOrBelowCny: string;
  /** risk.defaultTaxBurden: tax share of value assumed for a line that carries no rates. */
  defaultTaxBurden: string;
}

export interface FactContext {
  now: Date;
  asOf: string;
  credit: { class: string; inspectWithoutRiskAlert: boolean };
  enterprise: {
    registeredInHainan: boolean;
    legalForm: string;
    registeredOn: string;
    qualifications: readonly string[];
  };
  trader: TraderProfile | null;
  /** `${hs6}|${origin}|${unit}` and `${hs6}|*|${unit}` -> log unit prices */
  prices: ReadonlyMap<string, Moments>;
  /** `${hs6}|${unit}` -> log kg per unit */
  weights: ReadonlyMap<string, Moments>;
  origins: ReadonlyMap<string, OutcomeCounts>;
  route: OutcomeCounts | null;
  seller: PartyStats | null;
  buyer: PartyStats | null;
  params: FactParameters;
}

export interface Facts {
  decl: Record<string, Value>;
  lines: Record<string, Value>[];
}

const ZERO = new Decimal(0);

export const priceKey = (hs6: string, origin: string, unit: string) => `${hs6}|${origin}|${unit}`;
export const weightKey = (hs6: string, unit: string) => `${hs6}|${unit}`;
export const routeKey = (port: string, origin: string) => `${port}|${origin}`;

/** How far a line may sit from its reference before it is held back from the reference (robustness). */
export const REFERENCE_OUTLIER_Z = 3;

interface Reference {
  count: number;
  scope: 'ORIGIN' | 'ALL_ORIGINS' | 'NONE';
  mean: number | null;
  sd: number | null;
}

function reference(ctx: FactContext, hs6: string, origin: string, unit: string): Reference {
  const min = ctx.params.referenceMinSamples;
  const own = ctx.prices.get(priceKey(hs6, origin, unit));
  if (own && own.n >= min) return { count: own.n, scope: 'ORIGIN', mean: momentsMean(own), sd: momentsSd(own) };
  const all = ctx.prices.get(priceKey(hs6, '*', unit));
  if (all && all.n >= min) return { count: all.n, scope: 'ALL_ORIGINS', mean: momentsMean(all), sd: momentsSd(all) };
  return { count: Math.max(own?.n ?? 0, all?.n ?? 0), scope: 'NONE', mean: null, sd: null };
}

const burdens = new Map<string, { burden: Decimal; fact: number | null }>();

/** The burden of a line's rates and its fact (rounded double), computed once per combination of rates. */
function burdenOf(line: AssessmentLine, defaultBurden: string): { burden: Decimal; fact: number | null } {
  const key = `${line.dutyRate}|${line.vatRate}|${line.consumptionTaxRate}|${defaultBurden}`;
  let b = burdens.get(key);
  if (!b) {
    if (burdens.size > 10_000) burdens.clear();
    const burden = computeBurden(line, defaultBurden);
    burdens.set(key, (b = { burden, fact: nullable(burden.toNumber()) }));
  }
  return b;
}

/** Combined import tax burden of a line: duty + VAT on (value + duty), plus consumption tax when given. */
export function taxBurden(line: AssessmentLine, defaultBurden: string): Decimal {
  return burdenOf(line, defaultBurden).burden;
}

const decimals = new Map<string, Decimal>();

/** A rate or parameter as a decimal, parsed once: rates repeat across lines (a decimal never changes). */
function decimalOf(text: string): Decimal {
  let d = decimals.get(text);
  if (!d) {
    if (decimals.size > 10_000) decimals.clear();
    decimals.set(text, (d = new Decimal(text)));
  }
  return d;
}

function computeBurden(line: AssessmentLine, defaultBurden: string): Decimal {
  if (line.dutyRate === undefined && line.vatRate === undefined) return new Decimal(defaultBurden);
  const duty = new Decimal(line.dutyRate ?? 0);
  const ct = new Decimal(line.consumptionTaxRate ?? 0);
  const vat = new Decimal(line.vatRate ?? 0);
  // Consumption tax on the composite base (value + duty) ÷ (1 − rate); VAT on value + duty + consumption tax.
  const ctShare = ct.isZero() ? new Decimal(0) : new Decimal(1).plus(duty).div(new Decimal(1).minus(ct)).times(ct);
  return duty.plus(ctShare).plus(new Decimal(1).plus(duty).plus(ctShare).times(vat));
}

export interface LineRevenue {
  /** Taxes on the declared value plus on any gap below the reference value, CNY (2 decimals). */
  atStake: Decimal;
  undervaluationGap: Decimal;
}

function nullable(x: number | null | undefined): number | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : round4(x);
}

/**
 * The value a line declares below its reference price, in CNY (half-up to the fen), or zero. The
 * reference unit price is a statistical estimate (the exponent of a log-normal mean, a double); it
 * enters the money arithmetic once, as a decimal of 6 places, and everything after is decimal.
 */
function undervaluationGap(refPrice: number | null, unitPrice: number, quantity: string, valueCny: Decimal): Decimal {
  if (refPrice === null || !(unitPrice < refPrice)) return ZERO;
  const expected = new Decimal(refPrice).toDecimalPlaces(6, Decimal.ROUND_HALF_UP).times(quantity);
  return Decimal.max(ZERO, expected.minus(valueCny)).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

export function computeFacts(
  input: AssessmentInput,
  ctx: FactContext,
): { facts: Facts; revenue: LineRevenue[]; revenueAtStake: Decimal; totalValue: Decimal } {
  const n = input.lines.length;
  const values = new Array<number>(n);
  // Each line's value parsed once as a decimal, for the total, the revenue at stake and the duty estimate.
  const valuesD = new Array<Decimal>(n);
  let totalN = 0;
  let total = ZERO;
  for (let i = 0; i < n; i++) {
    const v = input.lines[i]!.valueCny;
    values[i] = Number(v);
    totalN += values[i]!;
    valuesD[i] = new Decimal(v);
    total = total.plus(valuesD[i]!);
  }
  const min = ctx.params.referenceMinSamples;
  const vaThreshold = Number(ctx.params.valueAddedThreshold);
  const lines: Record<string, Value>[] = new Array(n);
  const revenue: LineRevenue[] = new Array(n);
  let revenueAtStake = ZERO;
  // An estimate for a risk fact (is this declaration under the duty collection threshold?), never a tax.
  let estimatedDuty: Decimal | null = ZERO;

  for (let index = 0; index < n; index++) {
    const line = input.lines[index]!;
    const hs6 = line.hsCode.slice(0, 6);
    const qty = Number(line.quantity);
    const value = values[index]!;
    const net = Number(line.netWeightKg);
    const gross = line.grossWeightKg !== undefined ? Number(line.grossWeightKg) : null;
    const unitPrice = value / qty;
    const ref = reference(ctx, hs6, line.originCountry, line.unit);
    const logPrice = unitPrice > 0 ? Math.log(unitPrice) : null;
    const refPrice = ref.mean !== null ? Math.exp(ref.mean) : null;
    const weightStats = ctx.weights.get(weightKey(hs6, line.unit));
    const wpu = net / qty;
    const weightKnown = weightStats !== undefined && weightStats.n >= min;
    const wMean = weightKnown ? momentsMean(weightStats) : null;
    const wSd = weightKnown ? momentsSd(weightStats) : null;
    const hs = matchHsDescription(line.hsCode, line.description);
    const origin = ctx.origins.get(line.originCountry);
    const { burden, fact: burdenFact } = burdenOf(line, ctx.params.defaultTaxBurden);
    const valueD = valuesD[index]!;
    const gap = undervaluationGap(refPrice, unitPrice, line.quantity, valueD);
    const atStake = burden.times(gap.isZero() ? valueD : gap.plus(valueD)).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    revenue[index] = { atStake, undervaluationGap: gap };
    revenueAtStake = revenueAtStake.plus(atStake);
    if (estimatedDuty !== null)
      estimatedDuty = line.dutyRate !== undefined ? estimatedDuty.plus(valueD.times(decimalOf(line.dutyRate))) : null;
    const va = line.valueAddedRatio !== undefined ? Number(line.valueAddedRatio) : null;
    lines[index] = {
      'line.index': index,
      'line.hsCode': line.hsCode,
      'line.hs6': hs6,
      'line.hsHeading': line.hsCode.slice(0, 4),
      'line.hsChapter': line.hsCode.slice(0, 2),
      'line.description': line.description,
      'line.quantity': qty,
      'line.unit': line.unit,
      'line.netWeightKg': net,
      'line.grossWeightKg': gross,
      'line.valueCny': value,
      'line.valueShare': totalN > 0 ? round4(value / totalN) : null,
      'line.origin': line.originCountry,
      'line.regime': line.regime ?? 'GENERAL',
      'line.unitPrice': nullable(unitPrice),
      'line.refCount': ref.count,
      'line.refScope': ref.scope,
      'line.priceRatio': refPrice !== null ? nullable(unitPrice / refPrice) : null,
      'line.priceZ':
        ref.mean !== null && ref.sd !== null && logPrice !== null ? nullable((logPrice - ref.mean) / ref.sd) : null,
      'line.weightPerUnit': nullable(wpu),
      'line.weightCount': weightStats?.n ?? 0,
      'line.weightRatio': wMean !== null ? nullable(wpu / Math.exp(wMean)) : null,
      'line.weightZ': wMean !== null && wSd !== null ? nullable((Math.log(wpu) - wMean) / wSd) : null,
      'line.grossNetRatio': gross !== null ? nullable(gross / net) : null,
      'line.hsMatchScore': hs.score,
      'line.hsKnownTerms': hs.knownTerms,
      'line.hsBestHeading': hs.bestHeading,
      'line.hsBestChapter': hs.bestHeading?.slice(0, 2) ?? null,
      'line.hsBestScore': hs.bestScore,
      'line.valueAddedRatio': va,
      'line.valueAddedMargin': va !== null ? nullable(va - vaThreshold) : null,
      'line.daysSinceEntry': line.bookEntryDate ? daysBetween(line.bookEntryDate, ctx.asOf) : null,
      'line.dutyRate': line.dutyRate !== undefined ? Number(line.dutyRate) : null,
      'line.taxBurden': burdenFact,
      'line.originInspected': origin?.inspected ?? 0,
      'line.originHitRate': round4(smoothedRate(origin?.hits ?? 0, origin?.inspected ?? 0)),
      'line.restricted': line.restricted ?? false,
      'line.preferenceClaimed': line.preferenceAgreement !== undefined,
    };
  }
  const duty = estimatedDuty === null ? null : estimatedDuty.lte(decimalOf(ctx.params.notCollectedAtOrBelowCny));
  return {
    facts: { decl: declarationFacts(input, ctx, lines, totalN, revenueAtStake.toNumber(), duty), lines },
    revenue,
    revenueAtStake,
    totalValue: total,
  };
}

const lower = (cur: number | null, v: Value) => (typeof v === 'number' && (cur === null || v < cur) ? v : cur);

/** Smallest and largest line facts, in one pass (null when no line has the fact). */
function lineExtremes(lines: Record<string, Value>[]) {
  let minPriceRatio: number | null = null;
  let minHs: number | null = null;
  let minDays: number | null = null;
  let maxWeightDeviation: number | null = null;
  let main = lines[0]!;
  let zeroTariff = false;
  let valueAdded = false;
  for (const l of lines) {
    if ((l['line.valueCny'] as number) > (main['line.valueCny'] as number)) main = l;
    minPriceRatio = lower(minPriceRatio, l['line.priceRatio']!);
    minHs = lower(minHs, l['line.hsMatchScore']!);
    minDays = lower(minDays, l['line.daysSinceEntry']!);
    const w = l['line.weightRatio'];
    if (typeof w === 'number' && w > 0) {
      const dev = Math.abs(Math.log(w));
      if (maxWeightDeviation === null || dev > maxWeightDeviation) maxWeightDeviation = dev;
    }
    if (l['line.regime'] === 'ZERO_TARIFF') zeroTariff = true;
    if (l['line.valueAddedRatio'] !== null) valueAdded = true;
  }
  return {
    main,
    minPriceRatio,
    minHs,
    minDays,
    maxWeightDeviation: maxWeightDeviation === null ? null : round4(maxWeightDeviation),
    zeroTariff,
    valueAdded,
  };
}

function declarationFacts(
  input: AssessmentInput,
  ctx: FactContext,
  lines: Record<string, Value>[],
  total: number,
  revenueAtStake: number,
  belowDutyThreshold: boolean | null,
): Record<string, Value> {
  const x = lineExtremes(lines);
  const mainOrigin = x.main['line.origin'] as string;
  const shanghai = new Date(ctx.now.getTime() + 8 * 3600_000);
  const via = input.route?.via ?? [];
  const origin = ctx.origins.get(mainOrigin);
  // Written key by key (no spread): one object of one shape for every declaration.
  const t = traderFacts(input, ctx, lines, total);
  return {
    'decl.kind': input.kind,
    'decl.port': input.port,
    'decl.transportMode': input.transportMode ?? '',
    'decl.totalValueCny': total,
    'decl.lineCount': lines.length,
    'decl.hourShanghai': shanghai.getUTCHours(),
    'decl.weekday': ((shanghai.getUTCDay() + 6) % 7) + 1,
    'decl.routeOrigin': input.route?.origin ?? '',
    'decl.destination': input.route?.destination ?? '',
    'decl.viaCount': via.length,
    'decl.transshipped': via.length > 0,
    'decl.mainOrigin': mainOrigin,
    'decl.mainChapter': x.main['line.hsChapter'] as string,
    'decl.hasZeroTariffLines': x.zeroTariff,
    'decl.hasValueAddedClaim': x.valueAdded,
    'decl.revenueAtStakeCny': revenueAtStake,
    'decl.belowDutyThreshold': belowDutyThreshold,
    'decl.minPriceRatio': x.minPriceRatio,
    'decl.maxWeightDeviation': x.maxWeightDeviation,
    'decl.minHsMatchScore': x.minHs,
    'decl.minDaysSinceEntry': x.minDays,
    'credit.class': ctx.credit.class,
    'credit.inspectWithoutRiskAlert': ctx.credit.inspectWithoutRiskAlert,
    'enterprise.registeredInHainan': ctx.enterprise.registeredInHainan,
    'enterprise.legalForm': ctx.enterprise.legalForm,
    'enterprise.ageDays': daysBetween(ctx.enterprise.registeredOn, ctx.asOf),
    'enterprise.hasZeroTariffQualification': ctx.enterprise.qualifications.includes('ZERO_TARIFF_BENEFICIARY'),
    'enterprise.hasProcessingQualification': ctx.enterprise.qualifications.includes('PROCESSING_VALUE_ADDED'),
    'enterprise.hasRelaxedTradeQualification': ctx.enterprise.qualifications.includes('RELAXED_TRADE_END_USER'),
    'trader.declarations': t['trader.declarations']!,
    'trader.daysSinceFirst': t['trader.daysSinceFirst']!,
    'trader.daysSinceLast': t['trader.daysSinceLast']!,
    'trader.typicalValueCny': t['trader.typicalValueCny']!,
    'trader.valueZ': t['trader.valueZ']!,
    'trader.newChapterShare': t['trader.newChapterShare']!,
    'trader.newOriginShare': t['trader.newOriginShare']!,
    'trader.newPort': t['trader.newPort']!,
    'trader.recentActivity': t['trader.recentActivity']!,
    'trader.activityRatio': t['trader.activityRatio']!,
    'trader.inspected': t['trader.inspected']!,
    'trader.violations': t['trader.violations']!,
    'trader.seizures': t['trader.seizures']!,
    'trader.daysSinceViolation': t['trader.daysSinceViolation']!,
    'trader.hitRate': t['trader.hitRate']!,
    'trader.cancellations': t['trader.cancellations']!,
    'trader.selectedNotInspected': t['trader.selectedNotInspected']!,
    'route.inspected': ctx.route?.inspected ?? 0,
    'route.hitRate': round4(smoothedRate(ctx.route?.hits ?? 0, ctx.route?.inspected ?? 0)),
    'origin.inspected': origin?.inspected ?? 0,
    'origin.hitRate': round4(smoothedRate(origin?.hits ?? 0, origin?.inspected ?? 0)),
    'party.sellerTraders': ctx.seller?.traders ?? 0,
    'party.sellerInspected': ctx.seller?.inspected ?? 0,
    'party.sellerHitRate': ctx.seller ? round4(smoothedRate(ctx.seller.hits, ctx.seller.inspected)) : null,
    'party.sellerViolationTraders': ctx.seller?.violationTraders ?? 0,
    'party.buyerTraders': ctx.buyer?.traders ?? 0,
    'party.buyerViolationTraders': ctx.buyer?.violationTraders ?? 0,
  };
}

const NEW_TRADER: Record<string, Value> = Object.freeze({
  'trader.declarations': 0,
  'trader.daysSinceFirst': null,
  'trader.daysSinceLast': null,
  'trader.typicalValueCny': null,
  'trader.valueZ': null,
  'trader.newChapterShare': 1,
  'trader.newOriginShare': 1,
  'trader.newPort': true,
  'trader.recentActivity': 0,
  'trader.activityRatio': null,
  'trader.inspected': 0,
  'trader.violations': 0,
  'trader.seizures': 0,
  'trader.daysSinceViolation': null,
  'trader.hitRate': round4(smoothedRate(0, 0)),
  'trader.cancellations': 0,
  'trader.selectedNotInspected': 0,
});

function traderFacts(
  input: AssessmentInput,
  ctx: FactContext,
  lines: Record<string, Value>[],
  total: number,
): Record<string, Value> {
  const t = ctx.trader;
  if (!t) return NEW_TRADER;
  // A trader known so far only by its withdrawals (batch exits are not scored) still carries them.
  if (t.declarations === 0)
    return {
      ...NEW_TRADER,
      'trader.cancellations': t.cancellations,
      'trader.selectedNotInspected': t.selectedNotInspected,
    };
  const mean = momentsMean(t.logValue);
  const sd = momentsSd(t.logValue, 0.25);
  let newChapterValue = 0;
  let newOriginValue = 0;
  for (const l of lines) {
    if (!t.chapters[l['line.hsChapter'] as string]) newChapterValue += l['line.valueCny'] as number;
    if (!t.origins[l['line.origin'] as string]) newOriginValue += l['line.valueCny'] as number;
  }
  const sinceFirst = daysBetween(t.firstOn, ctx.asOf);
  const sinceLast = daysBetween(t.lastOn, ctx.asOf);
  const recent = decayed(t.recentActivity, sinceLast);
  // Long-run declarations per decay window, for comparing the recent burst with the usual pace.
  const usual = t.declarations / Math.max(1, sinceFirst / 7);
  return {
    'trader.declarations': t.declarations,
    'trader.daysSinceFirst': sinceFirst,
    'trader.daysSinceLast': sinceLast,
    'trader.typicalValueCny': mean !== null ? round4(Math.exp(mean)) : null,
    'trader.valueZ': mean !== null && sd !== null && total > 0 ? round4((Math.log(total) - mean) / sd) : null,
    'trader.newChapterShare': total > 0 ? round4(newChapterValue / total) : null,
    'trader.newOriginShare': total > 0 ? round4(newOriginValue / total) : null,
    'trader.newPort': !t.ports[input.port],
    'trader.recentActivity': round4(recent),
    'trader.activityRatio': sinceFirst >= 28 ? round4(recent / Math.max(1, usual)) : null,
    'trader.inspected': t.inspected,
    'trader.violations': t.violations,
    'trader.seizures': t.seizures,
    'trader.daysSinceViolation': t.lastViolationOn ? daysBetween(t.lastViolationOn, ctx.asOf) : null,
    'trader.hitRate': round4(smoothedRate(t.violations, t.inspected)),
    'trader.cancellations': t.cancellations,
    'trader.selectedNotInspected': t.selectedNotInspected,
  };
}

/**
 * Which lines feed the reference prices at scoring time. A line far below (or above) its
 * reference is held back until an inspection confirms it, so planted under-valuation does not drag
 * the reference down to meet it.
 */
export function referenceInclusion(facts: Facts): boolean[] {
  return facts.lines.map((l) => {
    const z = l['line.priceZ'];
    return l['line.refScope'] === 'NONE' || typeof z !== 'number' || Math.abs(z) <= REFERENCE_OUTLIER_Z;
  });
}
