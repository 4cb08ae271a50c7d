import type { Executor } from '../../../platform/db/client.ts';
import { getParameters, type ParameterValue } from '../../../platform/parameters/service.ts';
import type { TaxParameters } from '../declaration.ts';
import type { ExchangeRateDayRule, HolidayRange } from '../exchangeRates.ts';

export const TAX_PARAMETER_NAMES = {
  notCollectedAtOrBelowCny: 'tax.notCollectedAtOrBelowCny',
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
  const inForce = await getParameters(ex, Object.values(TAX_PARAMETER_NAMES), asOf);
  const pick = <T>(key: Key) => inForce.get(TAX_PARAMETER_NAMES[key]) as ParameterValue<T>;
  const p = {
    notCollectedAtOrBelowCny: pick<string>('notCollectedAtOrBelowCny'),
    vatRates: pick<string[]>('vatRates'),
    valueAddedThreshold: pick<string>('valueAddedThreshold'),
    exchangeRateDay: pick<ExchangeRateDayRule>('exchangeRateDay'),
    publicHolidays: pick<HolidayRange[]>('publicHolidays'),
  };
  return {
    asOf,
    tax: {
      notCollectedAtOrBelowCny: p.notCollectedAtOrBelowCny.value,
      vatRates: p.vatRates.value,
      versions: {
        [TAX_PARAMETER_NAMES.notCollectedAtOrBelowCny]: p.notCollectedAtOrBelowCny.version,
        [TAX_PARAMETER_NAMES.vatRates]: p.vatRates.version,
      },
    },
    valueAddedThreshold: p.valueAddedThreshold.value,
    rateDay: p.exchangeRateDay.value,
    holidays: p.publicHolidays.value,
    versionsOf: (...keys) => Object.fromEntries(keys.map((k) => [TAX_PARAMETER_NAMES[k], p[k].version])),
  };
}
