/**
 * The policy parameter of resale-ring detection, as first seeded. After seeding it lives in the
 * database (policy_parameters) and an administrator changes it; the rules never read this file.
 */
import type { ParameterSeed } from '../../../platform/parameters/defaults.ts';
import { ringParameterViolations, type RingParameters } from './rules.ts';
import type { Violation } from '../../../kernel/violation.ts';

export const RING_PARAMETER = 'dutyfree.rings';

/**
 * The values measured in docs/benchmarks.md (planted rings in simulated sales). Kept frozen: tests,
 * the simulator and the benchmark read it; services read the database.
 */
export const DEFAULT_RING_PARAMETERS: Readonly<RingParameters> = Object.freeze({
  lookbackDays: 90,
  repeatWindowDays: 30,
  nearMax: { limitPercent: 80, tripsPercent: 75, minTrips: 2 },
  frequentTrips: { count: 3, windowDays: 30 },
  quotaUsedPercent: 90,
  points: { REPEAT_CATEGORY: 15, NEAR_MAX_EVERY_TRIP: 30, FREQUENT_TRIPS: 25, QUOTA_EXHAUSTED: 10, MARKET_CODE: 40 },
  caps: { REPEAT_CATEGORY: 45, MARKET_CODE: 80 },
  yellowThreshold: 15,
  linkWeights: { PAYER: 3, ACCOUNT: 3, PHONE: 3, ADDRESS: 2, DEVICE: 2 },
  minLinkWeight: 1,
  maxSharedBuyers: 60,
  ring: { minSize: 2, behaviourPercent: 70, structureCap: 30, threshold: 45 },
});

export const RING_PARAMETERS: ParameterSeed[] = [
  {
    name: RING_PARAMETER,
    value: DEFAULT_RING_PARAMETERS,
    validFrom: '2025-11-01',
    reason: 'Resale-ring (套代购) facts, their points, the links that bind buyers and the operating threshold.',
  },
];

/** The check of this parameter when an administrator sets it: null for other names. */
export function ringParameterCheck(name: string, value: unknown): Violation[] | null {
  return name === RING_PARAMETER ? ringParameterViolations(value) : null;
}
