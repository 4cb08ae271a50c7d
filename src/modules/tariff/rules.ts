/**
 * The tariff table (税则): pure rules. Which version of a tariff line is in force on a day, and which
 * duty rate applies to goods of an origin under the Customs Tariff Law of the PRC (关税法, 2024):
 *
 * - art. 11: MFN rates (最惠国税率) for goods of WTO members, of countries with MFN treaties and of
 *   China; conventional rates (协定税率) for goods of countries in a preferential trade agreement
 *   with China; general rates (普通税率) for goods of every other country and of unknown origin;
 * - art. 12: goods under the MFN rate take the provisional rate (暂定税率) where one is in force;
 *   goods under a conventional rate take the lower of it and the provisional rate; goods under the
 *   general rate never take a provisional rate.
 *
 * An origin of an agreement may also declare under the MFN or provisional rate (a preference is a
 * right, not a duty), so it takes the lowest. Certificates of origin are checked elsewhere; this
 * rule is told whether the origin's conventional rate may be used.
 */
import { D, plain, type Dec } from '../../kernel/money.ts';

/** A duty as the schedule states it: ad valorem (rate × value), specific (per unit) or compound (both). */
export interface Duty {
  /** Ad valorem rate, e.g. "0.12"; "0" for a purely specific duty. */
  rate: string;
  /** CNY per unit of quantity, absent when the duty is ad valorem only. */
  perUnit?: string;
}

export interface ConventionalRate extends Duty {
  /** The agreement, e.g. CHAFTA, RCEP, CN-NZ. */
  agreement: string;
  /** ISO 3166-1 alpha-2 origins the agreement grants this rate to. */
  origins: string[];
}

/** One version of one tariff line (税则号列), as loaded. */
export interface TariffLine {
  /** 10 digits: the HS 2022 subheading and China's national digits. */
  code: string;
  description: string;
  /** Unit of quantity specific duties and taxes are charged per (法定计量单位), e.g. kg, L, unit. */
  unit: string;
  validFrom: string;
  /** First day it no longer applies; null: until a later version. */
  validTo: string | null;
  mfn: Duty;
  general: Duty;
  provisional: Duty | null;
  /** First day the provisional rate no longer applies (they are set for a year); null: as long as the version. */
  provisionalTo: string | null;
  conventional: ConventionalRate[];
  consumptionTax: Duty | null;
  vatRate: string;
}

export interface StoredTariffLine extends TariffLine {
  /** Row id: the version a computation records. */
  version: number;
  source: string;
}

/** Whether a dated row applies on a day: from validFrom, up to (not including) validTo. */
export const inForce = (r: { validFrom: string; validTo: string | null }, date: string) =>
  r.validFrom <= date && (r.validTo === null || date < r.validTo);

/**
 * The version of a line in force on a day: of the rows whose window holds the day, the one that
 * starts latest (a new schedule replaces the old one from its first day), and of those the newest
 * load (a correction of a row is loaded again with the same validFrom).
 */
export function versionInForce<T extends { validFrom: string; validTo: string | null; version: number }>(
  rows: readonly T[],
  date: string,
): T | null {
  let best: T | null = null;
  for (const r of rows) {
    if (!inForce(r, date)) continue;
    if (!best || r.validFrom > best.validFrom || (r.validFrom === best.validFrom && r.version > best.version)) best = r;
  }
  return best;
}

export type RateKind = 'MFN' | 'PROVISIONAL' | 'CONVENTIONAL' | 'GENERAL';

export interface SelectedDuty extends Duty {
  kind: RateKind;
  /** The agreement of a conventional rate. */
  agreement?: string;
  rule: string;
  reason: string;
}

export interface SelectionFacts {
  /** Alpha-2 origin, or null when not stated (a calculator asked without one: MFN treatment assumed). */
  origin: string | null;
  date: string;
  /** Origins without MFN treatment (parameter tariff.generalRateOrigins). */
  generalRateOrigins: readonly string[];
  /** False when the origin's preference may not be claimed (no valid certificate of origin). */
  conventionalAllowed?: boolean;
  /** The line's value and quantity, to compare a specific or compound duty with an ad valorem one. */
  customsValue?: string;
  quantity?: string;
}

/**
 * What a duty costs on the goods, to choose the lowest: with a value (and, for a specific part, a
 * quantity) the amount; otherwise the ad valorem rate first, then the per-unit amount.
 */
function weight(d: Duty, f: SelectionFacts): Dec[] {
  const perUnit = new D(d.perUnit ?? 0);
  if (f.customsValue !== undefined && (perUnit.isZero() || f.quantity !== undefined)) {
    return [new D(f.customsValue).times(d.rate).plus(perUnit.times(f.quantity ?? 0))];
  }
  return [new D(d.rate), perUnit];
}

function lower(a: Dec[], b: Dec[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const c = a[i]!.comparedTo(b[i]!);
    if (c !== 0) return c < 0;
  }
  return false;
}

export const dutyText = (d: Duty) =>
  d.perUnit && !new D(d.perUnit).isZero()
    ? new D(d.rate).isZero()
      ? `${plain(d.perUnit)} CNY per unit`
      : `${plain(d.rate)} + ${plain(d.perUnit)} CNY per unit`
    : plain(d.rate);

const only = (d: Duty): Duty => ({ rate: d.rate, ...(d.perUnit !== undefined ? { perUnit: d.perUnit } : {}) });

/** The duty of goods of an origin on a day under one version of their tariff line. */
export function selectDuty(line: TariffLine, f: SelectionFacts): SelectedDuty {
  if (f.origin !== null && f.generalRateOrigins.includes(f.origin)) {
    const reason =
      `${f.origin} has no MFN treatment: general rate ${dutyText(line.general)} (关税法 art. 11); ` +
      'no provisional rate applies to it (art. 12).';
    return { ...only(line.general), kind: 'GENERAL', rule: 'tariff.rate.general', reason };
  }
  const candidates: SelectedDuty[] = [
    { ...only(line.mfn), kind: 'MFN', rule: 'tariff.rate.mfn', reason: `MFN rate ${dutyText(line.mfn)}.` },
  ];
  const provisionalInForce = line.provisional !== null && (line.provisionalTo === null || f.date < line.provisionalTo);
  if (provisionalInForce) {
    const reason =
      `Provisional rate ${dutyText(line.provisional!)} in force on ${f.date}` +
      `${line.provisionalTo ? ` (until ${line.provisionalTo})` : ''}, below the MFN rate ${dutyText(line.mfn)}.`;
    candidates.push({ ...only(line.provisional!), kind: 'PROVISIONAL', rule: 'tariff.rate.provisional', reason });
  }
  const agreement = f.origin === null ? undefined : line.conventional.find((c) => c.origins.includes(f.origin!));
  if (agreement && f.conventionalAllowed !== false) {
    const reason = `Conventional rate ${dutyText(agreement)} of ${agreement.agreement} for goods of ${f.origin}.`;
    const rule = 'tariff.rate.conventional';
    candidates.push({ ...only(agreement), kind: 'CONVENTIONAL', agreement: agreement.agreement, rule, reason });
  }
  // The MFN rate stays unless another is strictly lower: equal rates keep the plainer reason.
  let best = candidates[0]!;
  for (const c of candidates.slice(1)) if (lower(weight(c, f), weight(best, f))) best = c;
  if (best.kind === 'MFN' && candidates.length > 1) {
    const others = candidates
      .slice(1)
      .map((c) => `${c.kind.toLowerCase()} ${dutyText(c)}`)
      .join(', ');
    return { ...best, reason: `MFN rate ${dutyText(line.mfn)}, not above the ${others}.` };
  }
  return best;
}

/** The rates a taxing line may carry itself (the calculators' and the exit form's fields). */
export interface OwnRates {
  dutyRate?: string | undefined;
  vatRate?: string | undefined;
  consumptionTaxRate?: string | undefined;
  specificDutyPerUnit?: string | undefined;
  specificConsumptionTaxPerUnit?: string | undefined;
}

export interface TableRates {
  duty: Duty;
  consumptionTax: Duty | null;
  vatRate: string;
}

/** Whether a line leaves a rate to the table: it omits its duty or its VAT rate. */
export const needsTable = (l: OwnRates) => l.dutyRate === undefined || l.vatRate === undefined;

type Defined<T> = { [K in keyof T]: Exclude<T[K], undefined> };
const defined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Defined<T>;

/**
 * The line's own rates where it gives them, the table's where it omits them. A line that gives its
 * duty and VAT rates is taken as it is (the calculators' fixed contract); one that omits either
 * takes the consumption tax from the table too, unless it gives one.
 */
export function withTableRates<T extends OwnRates>(line: T, t: TableRates): T & { dutyRate: string; vatRate: string } {
  if (!needsTable(line)) return line as T & { dutyRate: string; vatRate: string };
  const ownConsumption = line.consumptionTaxRate !== undefined || line.specificConsumptionTaxPerUnit !== undefined;
  const ownDuty = line.dutyRate !== undefined;
  return {
    ...line,
    ...defined({
      dutyRate: ownDuty ? line.dutyRate : t.duty.rate,
      specificDutyPerUnit: ownDuty ? line.specificDutyPerUnit : (line.specificDutyPerUnit ?? t.duty.perUnit),
      vatRate: line.vatRate ?? t.vatRate,
      consumptionTaxRate: ownConsumption ? line.consumptionTaxRate : t.consumptionTax?.rate,
      specificConsumptionTaxPerUnit: ownConsumption ? line.specificConsumptionTaxPerUnit : t.consumptionTax?.perUnit,
    }),
  } as T & { dutyRate: string; vatRate: string };
}
