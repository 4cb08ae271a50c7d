import { Decimal } from 'decimal.js';
import type { Rng } from '../../../kernel/random.ts';
import { taxBurden } from '../facts.ts';
import type { AssessmentInput, AssessmentLine, DeclarationKind } from '../input.ts';
import { RISKY_ROUTES, SECOND_LINE_PORTS, FIRST_LINE_PORTS, type FraudKind, type SimTrader } from './traders.ts';
import { TRANSIT_HUBS, type Good } from './goods.ts';

/**
 * One simulated day of declarations, with the truth behind each: what was planted, which lines,
 * the true values and the taxes the fraud would have cost. The platform never sees the truth; the
 * simulated inspection uses it to report what an officer would find.
 */
export interface Truth {
  fraud: boolean;
  kind: FraudKind | null;
  /** Corrections an inspection would record, by line. */
  corrections: { index: number; hsCode?: string; quantity?: string; netWeightKg?: string; valueCny?: string }[];
  /** Taxes evaded, CNY. */
  revenue: string;
  seizure: boolean;
}

export interface SimDeclaration {
  trader: SimTrader;
  at: Date;
  input: Omit<AssessmentInput, 'enterpriseId'>;
  truth: Truth;
}

/** Small fixed price differences between origins, so references by origin carry information. */
function originFactor(good: Good, origin: string): number {
  let h = 0;
  for (const c of `${good.key}|${origin}`) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return 0.85 + (h % 300) / 1000;
}

const money = (x: number) => x.toFixed(2);
const qty = (x: number, unit: string) =>
  unit === 'PCS' ? String(Math.max(1, Math.round(x))) : Math.max(0.01, x).toFixed(2);

function kindFor(rng: Rng, t: SimTrader): DeclarationKind {
  switch (t.role) {
    case 'IMPORTER':
      return rng.weighted([
        ['FIRST_LINE_IMPORT', 80],
        ['ISLAND_TRANSFER', 12],
        ['SECOND_LINE_EXIT', 8],
      ] as const);
    case 'EXPORTER':
      return rng.weighted([
        ['SECOND_LINE_EXIT', 75],
        ['FIRST_LINE_IMPORT', 20],
        ['ISLAND_TRANSFER', 5],
      ] as const);
    case 'PROCESSOR':
      return rng.weighted([
        ['FIRST_LINE_IMPORT', 50],
        ['SECOND_LINE_EXIT', 50],
      ] as const);
    case 'RESELLER':
      return rng.weighted([
        ['FIRST_LINE_IMPORT', 45],
        ['SECOND_LINE_EXIT', 45],
        ['ISLAND_TRANSFER', 10],
      ] as const);
  }
}

function taxes(line: AssessmentLine): Decimal {
  return taxBurden(line, '0.13').times(line.valueCny);
}

export interface DayContext {
  rng: Rng;
  day: number;
  date: string;
  midnightUtc: number;
}

function lineFor(
  rng: Rng,
  t: SimTrader,
  good: Good,
  kind: DeclarationKind,
  date: string,
  scaleBoost: number,
): AssessmentLine {
  const origin = rng.pick(t.origins.get(good.key) ?? good.origins);
  const quantity = Number(qty(rng.logNormal(good.quantity * t.scale * scaleBoost, 0.5), good.unit));
  const price = rng.logNormal(good.price * originFactor(good, origin), good.priceSigma);
  const net = quantity * good.kgPerUnit * rng.logNormal(1, 0.04);
  const line: AssessmentLine = {
    hsCode: good.hsCode,
    description: good.description,
    quantity: qty(quantity, good.unit),
    unit: good.unit,
    netWeightKg: (good.unit === 'KG' ? quantity : Math.max(0.01, net)).toFixed(2),
    grossWeightKg: ((good.unit === 'KG' ? quantity : net) * rng.uniform(1.03, 1.25)).toFixed(2),
    valueCny: money(quantity * price),
    originCountry: origin,
    dutyRate: good.dutyRate,
    vatRate: good.vatRate,
    ...(good.consumptionTaxRate ? { consumptionTaxRate: good.consumptionTaxRate } : {}),
  };
  const zeroTariffOk =
    t.qualifications.includes('ZERO_TARIFF_BENEFICIARY') &&
    ['MACHINERY', 'MATERIALS', 'VEHICLES', 'FOOD'].includes(good.sector);
  if (kind === 'FIRST_LINE_IMPORT') {
    line.regime = zeroTariffOk ? 'ZERO_TARIFF' : t.role === 'PROCESSOR' ? 'BONDED' : 'GENERAL';
  } else {
    line.bookEntryDate = addDays(date, -rng.int(25, 300));
    if (t.role === 'PROCESSOR' && kind === 'SECOND_LINE_EXIT') {
      line.regime = 'PROCESSING_VALUE_ADDED';
      line.valueAddedRatio = rng.uniform(0.36, 0.95).toFixed(4);
    } else if (t.role === 'RESELLER' || zeroTariffOk) line.regime = 'ZERO_TARIFF';
    else if (t.qualifications.includes('RELAXED_TRADE_END_USER')) line.regime = 'GENERAL';
    else line.regime = 'GENERAL';
  }
  return line;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Plants one fraud into a declaration; returns the truth, or null when the kind does not apply. */
function plant(
  rng: Rng,
  kind: FraudKind,
  lines: AssessmentLine[],
  goods: Good[],
  date: string,
  declKind: DeclarationKind,
): Truth | null {
  const i = rng.int(0, lines.length - 1);
  const line = lines[i]!;
  const good = goods[i]!;
  const before = taxes(line);
  switch (kind) {
    case 'UNDERVALUE': {
      const trueValue = line.valueCny;
      line.valueCny = money(Number(trueValue) * rng.uniform(0.3, 0.55));
      const evaded = before.minus(taxes(line));
      return {
        fraud: true,
        kind,
        corrections: [{ index: i, valueCny: trueValue }],
        revenue: evaded.toFixed(2),
        seizure: false,
      };
    }
    case 'MISCLASSIFY': {
      if (!good.decoy) return null;
      const trueCode = line.hsCode;
      line.hsCode = good.decoy.hsCode;
      line.dutyRate = good.decoy.dutyRate;
      const evaded = before.minus(taxes(line));
      return {
        fraud: true,
        kind,
        corrections: [{ index: i, hsCode: trueCode }],
        revenue: Decimal.max(evaded, new Decimal(line.valueCny).times('0.02')).toFixed(2),
        seizure: false,
      };
    }
    case 'WEIGHT': {
      const share = rng.uniform(0.35, 0.6);
      const trueQty = line.quantity;
      const trueValue = line.valueCny;
      line.quantity = qty(Number(trueQty) * share, good.unit);
      line.valueCny = money(Number(trueValue) * (Number(line.quantity) / Number(trueQty)));
      if (good.unit === 'KG') return null;
      const evaded = before.minus(taxes(line));
      return {
        fraud: true,
        kind,
        corrections: [{ index: i, quantity: trueQty, valueCny: trueValue }],
        revenue: evaded.toFixed(2),
        seizure: false,
      };
    }
    case 'VALUE_ADDED': {
      if (line.regime !== 'PROCESSING_VALUE_ADDED') return null;
      line.valueAddedRatio = rng.uniform(0.3, 0.325).toFixed(4);
      const trueRatio = rng.uniform(0.08, 0.25);
      // The duty exemption was claimed on imported content the true ratio would have taxed.
      const imported = new Decimal(line.valueCny).div(1 + trueRatio);
      return {
        fraud: true,
        kind,
        corrections: [{ index: i }],
        revenue: imported.times(line.dutyRate ?? '0').toFixed(2),
        seizure: false,
      };
    }
    case 'QUICK_RESALE': {
      if (declKind !== 'SECOND_LINE_EXIT' || line.regime !== 'ZERO_TARIFF') return null;
      line.bookEntryDate = addDays(date, -rng.int(1, 20));
      const trueValue = line.valueCny;
      line.valueCny = money(Number(trueValue) * rng.uniform(0.4, 0.7));
      return {
        fraud: true,
        kind,
        corrections: [{ index: i, valueCny: trueValue }],
        revenue: before.toFixed(2),
        seizure: false,
      };
    }
    case 'RELAXED_TRADE': {
      if (declKind !== 'SECOND_LINE_EXIT') return null;
      line.regime = 'RELAXED_TRADE';
      return { fraud: true, kind, corrections: [{ index: i }], revenue: before.toFixed(2), seizure: true };
    }
  }
}

const NO_FRAUD: Truth = { fraud: false, kind: null, corrections: [], revenue: '0.00', seizure: false };

/** The declarations one trader files on one day. */
export function traderDay(t: SimTrader, c: DayContext): SimDeclaration[] {
  const { rng } = c;
  if (c.day < t.appearsOn) return [];
  const big = t.bigShipmentOn === c.day;
  if (t.silent && c.day >= t.silent[0] && c.day < t.silent[1] && !big) return [];
  const n = big ? 1 : rng.poisson(t.activity);
  const out: SimDeclaration[] = [];
  for (let k = 0; k < n; k++) {
    const kind = kindFor(rng, t);
    const count = rng.weighted([
      [1, 55],
      [2, 25],
      [3, 12],
      [4, 8],
    ] as const);
    const goods = Array.from({ length: count }, () => rng.pick(t.goods));
    const lines = goods.map((g) => lineFor(rng, t, g, kind, c.date, big ? 4 : 1));
    const hub = rng.chance(0.18) ? rng.pick(TRANSIT_HUBS) : null;
    const port =
      kind === 'SECOND_LINE_EXIT'
        ? rng.chance(0.7) && SECOND_LINE_PORTS.includes(t.homePort)
          ? t.homePort
          : rng.pick(SECOND_LINE_PORTS)
        : rng.chance(0.8) && FIRST_LINE_PORTS.includes(t.homePort)
          ? t.homePort
          : rng.pick(FIRST_LINE_PORTS);
    const departure = kind === 'FIRST_LINE_IMPORT' ? (hub ?? lines[0]!.originCountry) : undefined;
    // Declarations on risky corridors are more often false; so are risky origins.
    let p = t.fraudRate + (departure && RISKY_ROUTES.has(`${port}|${departure}`) ? 0.2 : 0);
    if (big) p = t.fraudRate;
    if (t.legalForm === 'BRANCH' && kind === 'FIRST_LINE_IMPORT') {
      for (const l of lines) l.regime = 'ZERO_TARIFF';
    }
    let truth: Truth =
      t.legalForm === 'BRANCH' && kind === 'FIRST_LINE_IMPORT'
        ? {
            fraud: true,
            kind: null,
            corrections: [],
            revenue: lines.reduce((s, l) => s.plus(taxes(l)), new Decimal(0)).toFixed(2),
            seizure: false,
          }
        : NO_FRAUD;
    if (rng.chance(Math.min(0.95, p))) {
      // The trader's favourite trick first; when it does not fit this declaration, the others.
      const first = rng.weighted(t.fraudKinds);
      for (const kindOf of [first, ...t.fraudKinds.map(([k]) => k).filter((k) => k !== first)]) {
        const planted = plant(rng, kindOf, lines, goods, c.date, kind);
        if (planted) {
          truth = { ...planted, seizure: planted.seizure || (t.ring !== null && rng.chance(0.3)) };
          break;
        }
      }
    }
    const night = rng.chance(truth.fraud ? 0.08 : 0.02);
    const hour = night ? rng.int(0, 5) : rng.int(8, 20);
    const at = new Date(c.midnightUtc + hour * 3600_000 + rng.int(0, 3599) * 1000);
    const seller = rng.pick(t.sellers);
    out.push({
      trader: t,
      at,
      truth,
      input: {
        declarationId: rng.uuidv7(at.getTime()),
        kind,
        uscc: t.uscc,
        port,
        transportMode: port.endsWith('MEILAN') || port.endsWith('PHOENIX') || port.endsWith('BOAO') ? 'AIR' : 'SEA',
        route:
          kind === 'FIRST_LINE_IMPORT'
            ? {
                origin: departure!,
                destination: 'CN-HAINAN',
                ...(hub && hub !== lines[0]!.originCountry ? { via: [hub] } : {}),
              }
            : { destination: kind === 'SECOND_LINE_EXIT' ? 'CN-MAINLAND' : 'CN-HAINAN' },
        parties: kind === 'FIRST_LINE_IMPORT' ? { seller } : { buyer: rng.pick(t.buyers) },
        lines,
      },
    });
  }
  return out;
}
