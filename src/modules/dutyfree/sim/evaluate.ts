/**
 * Ring detection measured on simulated sales: the simulator's sales stream straight into the
 * detector (no database), and the rings found are compared with the rings planted. Precision and
 * recall are of ring members: a buyer counts as found when the component it is in scores at or above
 * the threshold.
 */
import { DUTYFREE_PARAMETERS } from '../parameters.ts';
import { RingDetector, type DetectionResult, type SaleObservation } from '../rings/detector.ts';
import type { RingParameters } from '../rings/rules.ts';
import { categoryIndex } from './catalogue.ts';
import { RING_SHAPES, type DutyfreeSimulation, type RingShape, type SimSale } from './generator.ts';

type Limits = Record<string, { pieces?: number; millilitres?: number }>;

/** The category table in force last (the 2025 list): the simulator's categories and their limits. */
export function simCategories() {
  const tables = DUTYFREE_PARAMETERS.filter((p) => p.name === 'dutyfree.perTripLimits');
  const latest = tables.sort((a, b) => (a.validFrom < b.validFrom ? 1 : -1))[0]!;
  return categoryIndex(latest.value as Limits);
}

const MODES = { FLIGHT: 0, TRAIN: 1, SHIP: 2 } as const;
let lastDay = NaN;
let lastYear = 0;
/** The calendar year of a day number; sales come in day order, so one Date per day, not per sale. */
function yearOfDay(day: number): number {
  if (day !== lastDay) {
    lastDay = day;
    lastYear = new Date(day * 86_400_000).getUTCFullYear();
  }
  return lastYear;
}

/** The detector's view of a sale: category units in the limit's unit, the identifiers as links. */
export function observationOf(s: SimSale, cats: ReturnType<typeof simCategories>): SaleObservation {
  const links: SaleObservation['links'][number][] = [
    { kind: 'PAYER', key: `P${s.payer}` },
    { kind: 'ACCOUNT', key: s.account },
    { kind: 'PHONE', key: s.phone },
  ];
  if (s.address) links.push({ kind: 'ADDRESS', key: s.address });
  if (s.device) links.push({ kind: 'DEVICE', key: s.device });
  return {
    buyer: s.person,
    day: s.day,
    trip: s.trip.departureDay * 4 + MODES[s.trip.mode],
    departureDay: s.trip.departureDay,
    year: yearOfDay(s.day),
    amountFen: s.amountFen,
    lines: s.items.map((i) => ({
      category: cats.index.get(i.product.category)!,
      units: i.product.volumeMl ? i.product.volumeMl * i.quantity : i.quantity,
    })),
    links,
  };
}

export interface RunTotals {
  days: number;
  sales: number;
  items: number;
  shoppers: number;
  marketCodes: number;
  amountFen: number;
  peakDayShoppers: number;
  peakDayItems: number;
}

/** Streams a whole simulation through a detector; `onDay` is told after each day (progress bars). */
export function detectOnSimulation(
  sim: DutyfreeSimulation,
  params: RingParameters,
  opts: { onDay?: (done: number, totals: RunTotals) => void; detect?: boolean } = {},
): { result: DetectionResult | null; totals: RunTotals } {
  const cats = simCategories();
  const detector =
    opts.detect === false
      ? null
      : new RingDetector({
          buyers: sim.maxPeople(),
          limits: cats.perTrip,
          quotaFen: 100_000 * 100,
          firstDay: sim.startDay,
          params,
          identifierCapacity: 1 << 20,
        });
  const totals: RunTotals = {
    days: 0,
    sales: 0,
    items: 0,
    shoppers: 0,
    marketCodes: 0,
    amountFen: 0,
    peakDayShoppers: 0,
    peakDayItems: 0,
  };
  for (const { events } of sim.events()) {
    const shoppers = new Set<number>();
    let items = 0;
    for (const e of events) {
      if (e.kind === 'marketCode') {
        totals.marketCodes++;
        detector?.observeMarketCode(e.person);
        continue;
      }
      totals.sales++;
      totals.amountFen += e.amountFen;
      for (const i of e.items) items += i.quantity;
      shoppers.add(e.person);
      detector?.observe(observationOf(e, cats));
    }
    totals.days++;
    totals.items += items;
    totals.shoppers += shoppers.size;
    totals.peakDayShoppers = Math.max(totals.peakDayShoppers, shoppers.size);
    totals.peakDayItems = Math.max(totals.peakDayItems, items);
    opts.onDay?.(totals.days, totals);
  }
  return { result: detector ? detector.finish({ reportFloor: params.ring.threshold }) : null, totals };
}

export interface Metrics {
  threshold: number;
  precision: number;
  recall: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** Members found and planted per ring shape (members who never bought are left out). */
  byShape: Record<RingShape, { found: number; planted: number; recall: number }>;
}

/**
 * Precision and recall of ring members at a threshold. Planted members who never made a sale in the
 * period cannot be seen by any detector and are left out of the count (a short run catches some
 * rings before their first trip).
 */
export function metricsAt(sim: DutyfreeSimulation, result: DetectionResult, threshold: number): Metrics {
  const truth = sim.ringOf();
  const shapeOf = new Map(sim.rings.map((r) => [r.id, r.shape]));
  const byShape = Object.fromEntries(RING_SHAPES.map((s) => [s, { found: 0, planted: 0, recall: 0 }]));

  let tp = 0;
  let fp = 0;
  let fn = 0;
  const scores = result.ringScoreOf;
  const active = result.activeBuyers;
  for (let b = 0; b < scores.length; b++) {
    const ring = truth.get(b);
    const found = scores[b]! >= threshold;
    if (ring === undefined) {
      if (found) fp++;
      continue;
    }
    if (!active[b]) continue;
    const shape = byShape[shapeOf.get(ring)!]!;
    shape.planted++;
    if (found) {
      tp++;
      shape.found++;
    } else fn++;
  }
  for (const s of Object.values(byShape)) s.recall = s.planted ? round4(s.found / s.planted) : 0;
  return {
    threshold,
    precision: tp + fp ? round4(tp / (tp + fp)) : 0,
    recall: tp + fn ? round4(tp / (tp + fn)) : 0,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    byShape: byShape as Metrics['byShape'],
  };
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
