/**
 * The gate decision (卡口判别), pure: the central service and the gate-side edge component (degraded
 * mode) both decide with this one function, so a truck gets the same answer either way.
 * PASS only when an open release order at this port matches the plate, the containers are the
 * order's (with valid ISO 6346 check digits), the weighbridge weight is within tolerance, the seals
 * are intact and no inspection holds the order. Otherwise DIVERT, with every reason that applies.
 */
import { Decimal } from 'decimal.js';
import { validateContainerNumber } from '../../kernel/iso6346.ts';

const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

export const SEAL_STATES = ['INTACT', 'BROKEN', 'ABSENT'] as const;
export type SealState = (typeof SEAL_STATES)[number];

export const REASON_CODES = [
  'UNKNOWN_PLATE',
  'CONTAINER_MISMATCH',
  'CONTAINER_CHECK_DIGIT',
  'CONTAINER_ALREADY_PASSED',
  'OVERWEIGHT',
  'UNDERWEIGHT',
  'SEAL_BROKEN',
  'SEAL_MISMATCH',
  'INSPECTION_HOLD',
  'ORDER_EXPIRED',
  'ORDER_NOT_YET_VALID',
  'ORDER_ALREADY_PASSED',
  'RESERVATION_NOT_OPEN',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface Reason {
  code: ReasonCode;
  detail: string;
  container?: string;
  byKg?: string;
}

export interface GateReading {
  portCode: string;
  plate: string;
  containers: string[];
  weightKg: string;
  sealState: SealState;
  /** Seal numbers as read, when the lane reads them (e-seals); compared with the order's when given. */
  seals?: string[];
  at: Date;
}

export interface ContainerGoods {
  container: string;
  grossWeightKg: string;
  goods: { reservationId: string; itemId: string; quantity: string }[];
}

export interface OrderForGate {
  id: string;
  portCode: string;
  plate: string;
  containers: string[];
  seals: string[];
  expectedGrossWeightKg: string;
  containerGoods: ContainerGoods[] | null;
  validFrom: Date;
  validTo: Date;
  status: 'OPEN' | 'PASSED' | 'CANCELLED';
  passedContainers: string[];
  held: boolean;
  /** Set by the caller when a reservation behind the order is no longer open (voided, expired). */
  reservationProblem?: string | null;
}

export interface Tolerance {
  /** Fraction of the expected weight, e.g. "0.03". */
  pct: string;
  /** Never less than this many kg (weighbridge resolution, fuel, driver). */
  minKg: string;
}

export interface GateDecision {
  decision: 'PASS' | 'DIVERT';
  reasons: Reason[];
  releaseOrderId: string | null;
  /** Containers leaving with this truck (all the order's remaining ones unless the order is split per container). */
  leaving: string[];
  /** True when this passage completes the order (nothing of it remains at the port). */
  complete: boolean;
  expectedWeightKg: string | null;
}

/** Plates as read by the ANPR camera: upper case, no spaces, dots or dashes (琼A·12345 -> 琼A12345). */
export function normalisePlate(plate: string): string {
  return plate
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s·.\-_]/g, '');
}

export function toleranceKg(expectedKg: string, t: Tolerance): Decimal {
  return D.max(new D(expectedKg).times(t.pct), new D(t.minKg));
}

const fmtKg = (d: Decimal) => d.toDecimalPlaces(1, Decimal.ROUND_HALF_UP).toString();

function inWindow(o: OrderForGate, at: Date): boolean {
  return o.validFrom <= at && at < o.validTo;
}

/** The order this truck presents: open and valid first, best container overlap, then the latest window. */
function pick(candidates: OrderForGate[], reading: GateReading): OrderForGate {
  const read = new Set(reading.containers);
  const rank = (o: OrderForGate) => [
    o.status === 'OPEN' ? 1 : 0,
    inWindow(o, reading.at) ? 1 : 0,
    o.containers.filter((c) => read.has(c) && !o.passedContainers.includes(c)).length,
    o.validTo.getTime(),
  ];
  return [...candidates].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return rb[i]! - ra[i]!;
    return a.id < b.id ? -1 : 1;
  })[0]!;
}

/**
 * Decides one gate event against the release orders carrying its plate (any port, any status:
 * the caller passes what it found; cancelled ones are ignored here).
 */
export function decideGate(reading: GateReading, orders: readonly OrderForGate[], tolerance: Tolerance): GateDecision {
  const reasons: Reason[] = [];
  const plate = normalisePlate(reading.plate);
  for (const c of reading.containers) {
    if (validateContainerNumber(c))
      reasons.push({
        code: 'CONTAINER_CHECK_DIGIT',
        container: c,
        detail: `container ${c} is not a valid ISO 6346 number (check digit)`,
      });
  }
  if (reading.sealState === 'BROKEN') reasons.push({ code: 'SEAL_BROKEN', detail: 'a seal is broken' });

  const candidates = orders.filter(
    (o) => normalisePlate(o.plate) === plate && o.status !== 'CANCELLED' && o.portCode === reading.portCode,
  );
  if (candidates.length === 0) {
    const elsewhere = orders.some((o) => normalisePlate(o.plate) === plate && o.status !== 'CANCELLED');
    reasons.unshift({
      code: 'UNKNOWN_PLATE',
      detail: elsewhere
        ? `no release order for ${plate} at ${reading.portCode} (its order is for another port)`
        : `no release order for plate ${plate}`,
    });
    if (reading.sealState === 'ABSENT') reasons.push({ code: 'SEAL_BROKEN', detail: 'no seal on the container' });
    return { decision: 'DIVERT', reasons, releaseOrderId: null, leaving: [], complete: false, expectedWeightKg: null };
  }
  const order = pick(candidates, reading);
  if (order.status === 'PASSED')
    reasons.push({ code: 'ORDER_ALREADY_PASSED', detail: `release order ${order.id} has already left in full` });
  else if (reading.at < order.validFrom)
    reasons.push({ code: 'ORDER_NOT_YET_VALID', detail: `release order valid from ${order.validFrom.toISOString()}` });
  else if (reading.at >= order.validTo)
    reasons.push({ code: 'ORDER_EXPIRED', detail: `release order expired at ${order.validTo.toISOString()}` });

  if (reading.sealState === 'ABSENT' && order.seals.length > 0)
    reasons.push({ code: 'SEAL_BROKEN', detail: `seal missing (expected ${order.seals.join(', ')})` });
  if (reading.seals && reading.seals.length > 0) {
    const expected = new Set(order.seals);
    const wrong = reading.seals.filter((s) => !expected.has(s));
    if (wrong.length)
      reasons.push({ code: 'SEAL_MISMATCH', detail: `seal(s) ${wrong.join(', ')} are not the order's` });
  }

  // Containers: the truck's must be the order's remaining ones; with a per-container split, a subset may leave.
  const passed = new Set(order.passedContainers);
  const remaining = order.containers.filter((c) => !passed.has(c));
  const remainingSet = new Set(remaining);
  const read = [...new Set(reading.containers)];
  for (const c of read) {
    if (remainingSet.has(c)) continue;
    if (passed.has(c))
      reasons.push({
        code: 'CONTAINER_ALREADY_PASSED',
        container: c,
        detail: `container ${c} of this order has already left`,
      });
    else if (!validateContainerNumber(c))
      reasons.push({ code: 'CONTAINER_MISMATCH', container: c, detail: `container ${c} is not on the release order` });
  }
  const leaving = read.filter((c) => remainingSet.has(c));
  const split = order.containerGoods !== null && order.containerGoods.length > 0;
  // A number failing its check digit whose first 10 characters are an order container's is that
  // container misread or tampered with: CONTAINER_CHECK_DIGIT says it, not a mismatch as well.
  const misread = new Set(read.filter((c) => validateContainerNumber(c)).map((c) => c.slice(0, 10)));
  const missing = remaining.filter((c) => !leaving.includes(c));
  const unexplained = missing.filter((c) => !misread.has(c.slice(0, 10)));
  if (
    order.containers.length > 0 &&
    leaving.length === 0 &&
    unexplained.length === missing.length &&
    order.status === 'OPEN'
  ) {
    if (!reasons.some((r) => r.code === 'CONTAINER_MISMATCH' || r.code === 'CONTAINER_ALREADY_PASSED'))
      reasons.push({ code: 'CONTAINER_MISMATCH', detail: `no container read; expected ${remaining.join(', ')}` });
  } else if (!split && unexplained.length > 0) {
    for (const c of unexplained)
      reasons.push({
        code: 'CONTAINER_MISMATCH',
        container: c,
        detail: `container ${c} of the order is not on the truck`,
      });
  }

  // Weight: the whole order, or the containers leaving when the order is split.
  // An order that already left in full has nothing to weigh against.
  const weighed = split ? (leaving.length > 0 ? leaving : remaining) : null;
  const expected = weighed
    ? weighed.reduce(
        (s, c) => s.plus(order.containerGoods!.find((g) => g.container === c)?.grossWeightKg ?? '0'),
        new D(0),
      )
    : new D(order.expectedGrossWeightKg);
  const diff = new D(reading.weightKg).minus(expected);
  const tol = toleranceKg(expected.toString(), tolerance);
  if (order.status === 'PASSED') {
    // no weight reason
  } else if (diff.gt(tol))
    reasons.push({
      code: 'OVERWEIGHT',
      byKg: fmtKg(diff),
      detail: `overweight by ${fmtKg(diff)} kg (expected ${fmtKg(expected)} kg ± ${fmtKg(tol)} kg)`,
    });
  else if (diff.neg().gt(tol))
    reasons.push({
      code: 'UNDERWEIGHT',
      byKg: fmtKg(diff.neg()),
      detail: `underweight by ${fmtKg(diff.neg())} kg (expected ${fmtKg(expected)} kg ± ${fmtKg(tol)} kg)`,
    });

  if (order.held)
    reasons.push({
      code: 'INSPECTION_HOLD',
      detail: 'selected for inspection: an inspection holds this release order',
    });
  if (order.reservationProblem) reasons.push({ code: 'RESERVATION_NOT_OPEN', detail: order.reservationProblem });

  const complete = missing.length === 0;
  return {
    decision: reasons.length === 0 ? 'PASS' : 'DIVERT',
    reasons,
    releaseOrderId: order.id,
    leaving,
    complete,
    expectedWeightKg: expected.toString(),
  };
}
