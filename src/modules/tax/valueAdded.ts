/**
 * Processing value added (加工增值, ../shared/spec/mission.md §5).
 *
 * ratio = (mainland sale price − Σ imported materials − Σ domestic materials)
 *         ÷ (Σ imported materials + Σ domestic materials)
 *
 * Imported materials are those whose import tax is not settled (bonded or zero-tariff); recognised
 * Hainan-made inputs are in neither sum, so they count as value added. At or above the threshold
 * (30%, parameter tax.valueAddedThreshold; "达到或超过30%（含）") the goods enter the mainland free
 * of duty. The comparison uses the exact ratio; the 4-place ratio is only how it is shown.
 *
 * Cumulation (累计): goods bought from an upstream processing enterprise on the island still hold
 * untaxed imported content, so on their own they count as imported materials at their full price.
 * With the upstream's cumulative number (累计编号), the downstream instead counts the upstream's own
 * imported and domestic materials (pro rata to the quantity it used), and the upstream's value
 * added becomes value added of the chain. The carried record of a downstream enterprise already
 * holds its upstream's figures, so a chain of any length adds up.
 */
import { cny, D, fen, plain, sum, type Dec } from './money.ts';
import type { RuleViolation } from './lineTax.ts';

export interface ValueAddedInput {
  salePrice: string;
  importedMaterials: readonly string[];
  domesticMaterials: readonly string[];
  hainanMadeInputs?: readonly string[];
}

/** The figures an upstream enterprise's cumulative number carries, for the whole quantity it covers. */
export interface CumulativeRecord {
  number: string;
  /** What the upstream charged the downstream for the whole quantity. */
  salePrice: string;
  quantity: string;
  importedMaterials: string;
  domesticMaterials: string;
  hainanMadeInputs: string;
}

export interface UpstreamUse {
  record: CumulativeRecord;
  /** How much of the record's quantity went into the goods being computed. */
  quantityUsed: string;
}

export interface ChainInput extends ValueAddedInput {
  /** Goods bought from upstream processing enterprises on the island, NOT also listed in importedMaterials. */
  upstream?: readonly UpstreamUse[];
}

export interface RatioBreakdown {
  ratio: Dec;
  salePrice: Dec;
  imported: Dec;
  domestic: Dec;
  hainanMade: Dec;
  formula: string;
}

export interface ChainResult {
  /** Without cumulation: upstream goods counted as imported materials at their price. */
  own: RatioBreakdown;
  /** With the upstream records applied; null when there is no upstream. */
  chain: RatioBreakdown | null;
  /** Cumulation is used only when the own ratio is below the threshold and the chain's is higher. */
  cumulationApplied: boolean;
  result: RatioBreakdown;
  threshold: Dec;
  meetsThreshold: boolean;
}

/**
 * How the downstream's book carries processed goods bought from an upstream processing enterprise on
 * the island: at the transfer price, the price the downstream paid. Its untaxed imported content
 * travels on as imported materials (the second line taxes it when the goods leave for the mainland);
 * the rest of the price is bought material (domestic). None of it is the downstream's Hainan-made
 * input or value added. The downstream's own ratio therefore counts the goods at their price; with
 * the cumulative number, the chain takes the price out again and counts the upstream's materials.
 * A price below the imported content carries the imported content alone (nothing is negative).
 */
export function carriedAtPrice(importedCny: Dec | string, price: Dec | string): { imported: Dec; domestic: Dec } {
  const imported = cny(importedCny);
  const rest = cny(price).minus(imported);
  return { imported, domestic: rest.isNeg() ? new D(0) : rest };
}

/** The ratio as the contract shows it: 4 decimal places, half-up. */
export function ratioString(ratio: Dec): string {
  return ratio.toDecimalPlaces(4, D.ROUND_HALF_UP).toFixed(4);
}

export function meetsValueAddedThreshold(ratio: Dec, threshold: string): boolean {
  return ratio.gte(threshold);
}

const noMaterials: RuleViolation = {
  path: 'importedMaterials',
  rule: 'valueAdded.noMaterials',
  message: 'The ratio needs imported or domestic materials: their sum is the denominator.',
};

function breakdown(salePrice: Dec, imported: Dec, domestic: Dec, hainanMade: Dec): RatioBreakdown | null {
  const materials = imported.plus(domestic);
  if (materials.isZero()) return null;
  const ratio = salePrice.minus(materials).div(materials);
  return {
    ratio,
    salePrice,
    imported,
    domestic,
    hainanMade,
    formula:
      `(${fen(salePrice)} − ${fen(imported)} − ${fen(domestic)}) ÷ (${fen(imported)} + ` +
      `${fen(domestic)}) = ${ratioString(ratio)}`,
  };
}

/** The ratio of one enterprise's goods, without upstream records. */
export function valueAddedRatio(
  input: ValueAddedInput,
): { ok: true; ratio: Dec } | { ok: false; violation: RuleViolation } {
  const b = breakdown(
    new D(input.salePrice),
    sum(input.importedMaterials),
    sum(input.domesticMaterials),
    sum(input.hainanMadeInputs ?? []),
  );
  return b ? { ok: true, ratio: b.ratio } : { ok: false, violation: noMaterials };
}

/** The share of a record used, in CNY rounded to the fen: the record's figures are money. */
function share(amount: string, use: UpstreamUse): Dec {
  return cny(new D(amount).times(use.quantityUsed).div(use.record.quantity));
}

function upstreamViolations(upstream: readonly UpstreamUse[]): RuleViolation[] {
  const v: RuleViolation[] = [];
  upstream.forEach((u, i) => {
    if (!new D(u.record.quantity).gt(0))
      v.push({
        path: `upstream[${i}].record.quantity`,
        rule: 'valueAdded.recordQuantityPositive',
        message: 'A cumulative record covers a positive quantity.',
      });
    else if (!new D(u.quantityUsed).gt(0) || new D(u.quantityUsed).gt(u.record.quantity)) {
      v.push({
        path: `upstream[${i}].quantityUsed`,
        rule: 'valueAdded.quantityWithinRecord',
        message:
          `The quantity used must be above 0 and at most the ${plain(u.record.quantity)} the ` +
          `cumulative number ${u.record.number} covers.`,
      });
    }
  });
  const seen = new Set<string>();
  upstream.forEach((u, i) => {
    if (seen.has(u.record.number))
      v.push({
        path: `upstream[${i}].record.number`,
        rule: 'valueAdded.numberOnce',
        message: `Cumulative number ${u.record.number} is listed twice; list it once with the total quantity used.`,
      });
    seen.add(u.record.number);
  });
  return v;
}

/** The ratio with and without the upstream records, and which one counts. */
export function chainValueAdded(
  input: ChainInput,
  threshold: string,
): { ok: true; value: ChainResult } | { ok: false; violations: RuleViolation[] } {
  const upstream = input.upstream ?? [];
  const violations = upstreamViolations(upstream);
  if (violations.length) return { ok: false, violations };
  const salePrice = new D(input.salePrice);
  const imported = sum(input.importedMaterials);
  const domestic = sum(input.domesticMaterials);
  const hainan = sum(input.hainanMadeInputs ?? []);
  const upstreamPrice = sum(upstream.map((u) => share(u.record.salePrice, u)));
  const own = breakdown(salePrice, imported.plus(upstreamPrice), domestic, hainan);
  if (!own) return { ok: false, violations: [noMaterials] };
  const chain = upstream.length
    ? breakdown(
        salePrice,
        imported.plus(sum(upstream.map((u) => share(u.record.importedMaterials, u)))),
        domestic.plus(sum(upstream.map((u) => share(u.record.domesticMaterials, u)))),
        hainan.plus(sum(upstream.map((u) => share(u.record.hainanMadeInputs, u)))),
      )
    : null;
  const cumulationApplied =
    chain !== null && !meetsValueAddedThreshold(own.ratio, threshold) && chain.ratio.gt(own.ratio);
  const result = cumulationApplied ? chain! : own;
  return {
    ok: true,
    value: {
      own,
      chain,
      cumulationApplied,
      result,
      threshold: new D(threshold),
      meetsThreshold: meetsValueAddedThreshold(result.ratio, threshold),
    },
  };
}

/**
 * The record a downstream enterprise receives with a cumulative number: this enterprise's own
 * materials plus the shares of its upstream records, so the next link counts the whole chain.
 */
export function carriedRecord(
  number: string,
  input: ChainInput & { quantity: string },
): { ok: true; value: CumulativeRecord } | { ok: false; violations: RuleViolation[] } {
  const upstream = input.upstream ?? [];
  const violations = upstreamViolations(upstream);
  if (!new D(input.quantity).gt(0))
    violations.push({
      path: 'quantity',
      rule: 'valueAdded.recordQuantityPositive',
      message: 'A cumulative record covers a positive quantity.',
    });
  if (violations.length) return { ok: false, violations };
  const carried = (own: readonly string[], pick: (r: CumulativeRecord) => string) =>
    fen(cny(sum(own).plus(sum(upstream.map((u) => share(pick(u.record), u))))));
  return {
    ok: true,
    value: {
      number,
      salePrice: fen(cny(input.salePrice)),
      quantity: plain(input.quantity),
      importedMaterials: carried(input.importedMaterials, (r) => r.importedMaterials),
      domesticMaterials: carried(input.domesticMaterials, (r) => r.domesticMaterials),
      hainanMadeInputs: carried(input.hainanMadeInputs ?? [], (r) => r.hainanMadeInputs),
    },
  };
}
