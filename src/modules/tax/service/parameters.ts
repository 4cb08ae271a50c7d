import type { Executor } from '../../../platform/db/client.ts';
import { getParameter, listParameters, type ParameterValue } from '../../../platform/parameters/service.ts';
import type { TaxParameters } from '../declaration.ts';
import type { ExchangeRateDayRule, HolidayRange } from '../exchangeRates.ts';

export const TAX_PARAMETER_NAMES = {
  dutyCollectionThresholdCny: 'tax.dutyCollectionThresholdCny',
  vatRates: 'tax.vatRates',
  valueAddedThreshold: 'tax.valueAddedThreshold',
  exchangeRateDay: 'tax.exchangeRateDay',
  publicHolidays: 'tax.publicHolidays',
} as const;
type Key = keyof typeof TAX_PARAMETER_NAMES;

/** The tax parameters in force on one date, and the version of each, for the record of a computation. */
export interface TaxParameterSet {
  asOf: string;
  tax: TaxParameters;
  valueAddedThreshold: string;
  rateDay: ExchangeRateDayRule;
  holidays: HolidayRange[];
  /** Versions of the named parameters, as a computation records them. */
  versionsOf(...keys: Key[]): Record<string, number>;
}

export async function loadTaxParameters(ex: Executor, asOf: string): Promise<TaxParameterSet> {
  const inForce = new Map((await listParameters(ex, asOf)).map((p) => [p.name, p]));
  const pick = async <T>(key: Key): Promise<ParameterValue<T>> => {
    const name = TAX_PARAMETER_NAMES[key];
    // getParameter throws the standard "parameter missing" problem naming the parameter and the date.
    return (inForce.get(name) as ParameterValue<T> | undefined) ?? getParameter<T>(ex, name, asOf);
  };
  const p = {
    dutyCollectionThresholdCny: await pick<string>('dutyCollectionThresholdCny'),
    vatRates: await pick<string[]>('vatRates'),
    valueAddedThreshold: await pick<string>('valueAddedThreshold'),
    exchangeRateDay: await pick<ExchangeRateDayRule>('exchangeRateDay'),
    publicHolidays: await pick<HolidayRange[]>('publicHolidays'),
  };
  return {
    asOf,
    tax: { dutyCollectionThresholdCny: p.dutyCollectionThresholdCny.value, vatRates: p.vatRates.value },
    valueAddedThreshold: p.valueAddedThreshold.value,
    rateDay: p.exchangeRateDay.value,
    holidays: p.publicHolidays.value,
    versionsOf: (...keys) => Object.fromEntries(keys.map((k) => [TAX_PARAMETER_NAMES[k], p[k].version])),
  };
}
