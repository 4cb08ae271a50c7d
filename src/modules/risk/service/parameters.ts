import { inArray } from 'drizzle-orm';
import type { Executor } from '../../../platform/db/client.ts';
import { listParameters } from '../../../platform/parameters/service.ts';
import { policyParameters } from '../../../platform/parameters/schema.ts';
import { problems } from '../../../kernel/problem.ts';
import type { FactParameters } from '../facts.ts';
import type { LevelParameters, SelectionParameters } from '../rules.ts';

/** The policy parameters a risk decision reads, by the names they carry in policy_parameters. */
export const RISK_PARAMETER_NAMES = [
  'risk.levelThresholds',
  'risk.modelWeight',
  'risk.routineInspectionRate',
  'risk.randomFloorRate',
  'risk.yellowTargetedProbability',
  'risk.inspectionCapacityPerPortDay',
  'risk.referenceMinSamples',
  'risk.defaultTaxBurden',
  'risk.noModelProbability',
  'tax.valueAddedThreshold',
  'tax.notCollectedAtOrBelowCny',
] as const;

export interface RiskParameters {
  level: LevelParameters;
  selection: SelectionParameters;
  facts: FactParameters;
  capacity: { default: number; ports: Record<string, number> };
  noModelProbability: Record<'RED' | 'YELLOW' | 'BLUE', string>;
  /** name -> version used: recorded with every decision. */
  versions: Record<string, number>;
}

function build(values: Map<string, unknown>, versions: Record<string, number>): RiskParameters {
  const get = <T>(name: string): T => {
    if (!values.has(name))
      throw problems.rule(
        'parameter-missing',
        'Policy parameter missing',
        `No version of policy parameter "${name}" is in force; an administrator must set one.`,
      );
    return values.get(name) as T;
  };
  const thresholds = get<{ red: string; yellow: string }>('risk.levelThresholds');
  return {
    level: {
      red: Number(thresholds.red),
      yellow: Number(thresholds.yellow),
      modelWeight: Number(get<string>('risk.modelWeight')),
    },
    selection: {
      routineRate: get<string>('risk.routineInspectionRate'),
      floorRate: get<string>('risk.randomFloorRate'),
      yellowTargetedProbability: get<string>('risk.yellowTargetedProbability'),
    },
    facts: {
      referenceMinSamples: Number(get<number>('risk.referenceMinSamples')),
      valueAddedThreshold: get<string>('tax.valueAddedThreshold'),
      notCollectedAtOrBelowCny: get<string>('tax.notCollectedAtOrBelowCny'),
      defaultTaxBurden: get<string>('risk.defaultTaxBurden'),
    },
    capacity: get('risk.inspectionCapacityPerPortDay'),
    noModelProbability: get('risk.noModelProbability'),
    versions,
  };
}

/** The risk parameters in force on a business date, in one query. */
export async function riskParametersOn(ex: Executor, asOf: string): Promise<RiskParameters> {
  const wanted = new Set<string>(RISK_PARAMETER_NAMES);
  const values = new Map<string, unknown>();
  const versions: Record<string, number> = {};
  for (const p of await listParameters(ex, asOf)) {
    if (!wanted.has(p.name)) continue;
    values.set(p.name, p.value);
    versions[p.name] = p.version;
  }
  return build(values, versions);
}

/** The exact parameter versions a past decision used: what a replay must read. */
export async function riskParametersByVersion(ex: Executor, versions: Record<string, number>): Promise<RiskParameters> {
  const ids = RISK_PARAMETER_NAMES.map((n) => versions[n]).filter((v): v is number => typeof v === 'number');
  const rows = ids.length ? await ex.select().from(policyParameters).where(inArray(policyParameters.id, ids)) : [];
  const values = new Map<string, unknown>(rows.map((r) => [r.name, r.value]));
  return build(
    values,
    Object.fromEntries(RISK_PARAMETER_NAMES.filter((n) => versions[n] !== undefined).map((n) => [n, versions[n]!])),
  );
}

export function capacityOf(p: RiskParameters, port: string): number {
  return Number(p.capacity.ports?.[port] ?? p.capacity.default);
}
