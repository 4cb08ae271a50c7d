/**
 * The tax module's public service: what routes and other modules call. Other modules convert
 * foreign values with `toCny(tx, …)` inside their own transaction and compute taxes with the pure
 * rules of rules.ts.
 */
export { loadTaxParameters, TAX_PARAMETER_NAMES, type TaxParameterSet } from './service/parameters.ts';
export {
  applicableRate,
  exchangeRateMissing,
  findRate,
  importExchangeRates,
  listExchangeRates,
  toCny,
  type CnyAmount,
  type ImportRatesResult,
  type RateResolution,
  type StoredRate,
} from './service/exchangeRates.ts';
export { calculateScenario, calculateTax, calculateValueAdded } from './service/calculators.ts';
