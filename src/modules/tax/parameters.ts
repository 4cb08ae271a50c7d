/** The schemas of the tax policy parameters (seeds: src/platform/parameters/defaults.ts). */
import { z } from 'zod';
import { isoDate, text } from '../../kernel/wire.ts';
import { decimalString, rate, wholeNumber, type ParameterSpecs } from '../../platform/parameters/definition.ts';

const cny = decimalString('0', '10000', 'an amount in CNY');

const holiday = z
  .object({ name: text.trim().min(1).max(100), from: isoDate, to: isoDate })
  .strict()
  .refine((h) => h.from <= h.to, { message: 'A holiday ends on or after its first day (from <= to).', path: ['to'] });

export const TAX_PARAMETERS: ParameterSpecs = {
  'tax.dutyCollectionThresholdCny': {
    description: 'Duty below this amount (CNY) per declaration is not collected; kept for old computations.',
    schema: cny,
  },
  'tax.notCollectedAtOrBelowCny': {
    description: "A declaration's duty, import VAT or consumption tax of this amount (CNY) or less is not collected.",
    schema: cny,
  },
  'tax.vatRates': {
    description: 'The import VAT rates in force, as decimal strings (0.13 = 13%).',
    schema: z.array(rate('a VAT rate')).min(1, 'Give at least one VAT rate.').max(10),
  },
  'tax.exchangeRateDay': {
    description:
      'Which day of which earlier month foreign values convert at: months back, weekday (0 = Sunday), ordinal, ' +
      'and the ordinal used when that day is a public holiday.',
    schema: z
      .object({
        monthsBack: wholeNumber(0, 12, 'months'),
        weekday: wholeNumber(0, 6, 'weekday (0 = Sunday, 3 = Wednesday)'),
        ordinal: wholeNumber(1, 5, 'the occurrence in the month'),
        holidayOrdinal: wholeNumber(1, 5, 'the occurrence in the month'),
      })
      .strict(),
  },
  'tax.publicHolidays': {
    description: 'Mainland public holidays (name, first and last day) that move the exchange-rate day.',
    schema: z.array(holiday).max(1000),
  },
  'tax.valueAddedThreshold': {
    description: 'Value-added ratio from which processed goods sold to the mainland owe no duty (0.30 = 30%).',
    schema: rate('a ratio'),
  },
};
