import type { Executor } from '../../../platform/db/client.ts';
import { getParameters } from '../../../platform/parameters/service.ts';
import type { CreditClass, CreditClassificationParameters } from '../rules.ts';
import type { AuditFrequency, CreditMeasureParameters } from '../measures.ts';

export interface Versioned<T> {
  params: T;
  /** parameter name -> version used: recorded with every classification and every measure. */
  versions: Record<string, number>;
}

const CLASSIFICATION = {
  focusPeriodYears: 'credit.focusPeriodYears',
  individualFocusPeriodYears: 'credit.individualFocusPeriodYears',
} as const;

const MEASURES = {
  aeo: 'credit.inspectionRateMultiplier.ADVANCED_CERTIFIED',
  white: 'credit.inspectionRateMultiplier.WHITELIST',
  focusFloor: 'credit.inspectionRateFloor.FOCUS',
  batch: 'credit.batchExitClasses',
  individuals: 'credit.whitelistIndividualsInspectedWithoutRiskAlert',
  audit: 'credit.auditFrequency',
} as const;

/** The named parameters in force on a date, read in one query (a missing one is a problem naming it). */
async function inForce<K extends string>(
  ex: Executor,
  asOf: string,
  names: Record<K, string>,
): Promise<{ values: Record<K, unknown>; versions: Record<string, number> }> {
  const found = await getParameters(ex, Object.values(names), asOf);
  const values = {} as Record<K, unknown>;
  const versions: Record<string, number> = {};
  for (const [key, name] of Object.entries(names) as [K, string][]) {
    const p = found.get(name)!;
    values[key] = p.value;
    versions[name] = p.version;
  }
  return { values, versions };
}

/** What the classification rules read: the focus periods. */
export async function classificationParameters(
  ex: Executor,
  asOf: string,
): Promise<Versioned<CreditClassificationParameters>> {
  const { values, versions } = await inForce(ex, asOf, CLASSIFICATION);
  return {
    versions,
    params: {
      focusPeriodYears: Number(values.focusPeriodYears),
      individualFocusPeriodYears: Number(values.individualFocusPeriodYears),
    },
  };
}

/** What the measures by class read: rates, batch exit, audit frequency. */
export async function measureParameters(ex: Executor, asOf: string): Promise<Versioned<CreditMeasureParameters>> {
  const { values, versions } = await inForce(ex, asOf, MEASURES);
  return {
    versions,
    params: {
      inspectionRateMultiplier: { ADVANCED_CERTIFIED: String(values.aeo), WHITELIST: String(values.white) },
      inspectionRateFloor: { FOCUS: String(values.focusFloor) },
      batchExitClasses: values.batch as CreditClass[],
      whitelistIndividualsInspectedWithoutRiskAlert: Boolean(values.individuals),
      auditFrequency: values.audit as Record<CreditClass, Exclude<AuditFrequency, 'NOT_APPLICABLE'>>,
    },
  };
}

export function sameVersions(a: Record<string, number>, b: Record<string, number>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
