/** The schemas of the tax policy parameters (seeds: src/platform/parameters/defaults.ts). */
import { z } from 'zod';
import { isoDate, text } from '../../kernel/wire.ts';
import { decimalString, rate, wholeNumber, type ParameterSpecs } from '../../platform/parameters/definition.ts';
import type { ParameterSeed } from '../../platform/parameters/defaults.ts';

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

/** The first seeds of these parameters (policy_parameters on first start); rules never read them. */
export const TAX_PARAMETER_SEEDS: ParameterSeed[] = [
  {
    name: 'tax.dutyCollectionThresholdCny',
    value: '50',
    validFrom: '2000-01-01',
    reason: 'Duty below 50 CNY per declaration is not collected.',
  },
  // Replaces tax.dutyCollectionThresholdCny (duty only, strictly below), which misread 以下 and left out import VAT
  // and consumption tax; that one is kept as it was, for the versions old computations recorded.
  {
    name: 'tax.notCollectedAtOrBelowCny',
    value: '50',
    validFrom: '2000-01-01',
    reason:
      "A declaration's duty, import VAT or consumption tax of 50 CNY or less is not collected, each tax on its own. " +
      'Duty: 《中华人民共和国进出口关税条例》(2003) 第四十五条第（一）项, 关税税额在人民币50元以下的一票货物免征关税; ' +
      'from 2024-12-01 《中华人民共和国关税法》, 一票货物 within the amount the State Council sets. Import VAT and ' +
      'consumption tax collected by customs: the same 50 CNY per declaration (mission.md §5). 以下 includes the ' +
      'number itself: 《中华人民共和国民法典》第一千二百五十九条.',
  },
  { name: 'tax.vatRates', value: ['0.13', '0.09'], validFrom: '2019-04-01', reason: 'Import VAT rates.' },
  {
    name: 'tax.exchangeRateDay',
    value: { monthsBack: 1, weekday: 3, ordinal: 3, holidayOrdinal: 4 },
    validFrom: '2014-02-01',
    reason:
      'Foreign values convert at the rate of the third Wednesday of the previous month; the fourth ' +
      'Wednesday when the third is a public holiday.',
  },
  {
    name: 'tax.publicHolidays',
    // Mainland public holidays (State Council notices for 2024 to 2026); the exchange-rate day moves when one falls on
    // it.
    value: [
      { name: '元旦 New Year', from: '2024-01-01', to: '2024-01-01' },
      { name: '春节 Spring Festival', from: '2024-02-10', to: '2024-02-17' },
      { name: '清明节 Qingming', from: '2024-04-04', to: '2024-04-06' },
      { name: '劳动节 Labour Day', from: '2024-05-01', to: '2024-05-05' },
      { name: '端午节 Dragon Boat', from: '2024-06-10', to: '2024-06-10' },
      { name: '中秋节 Mid-Autumn', from: '2024-09-15', to: '2024-09-17' },
      { name: '国庆节 National Day', from: '2024-10-01', to: '2024-10-07' },
      { name: '元旦 New Year', from: '2025-01-01', to: '2025-01-01' },
      { name: '春节 Spring Festival', from: '2025-01-28', to: '2025-02-04' },
      { name: '清明节 Qingming', from: '2025-04-04', to: '2025-04-06' },
      { name: '劳动节 Labour Day', from: '2025-05-01', to: '2025-05-05' },
      { name: '端午节 Dragon Boat', from: '2025-05-31', to: '2025-06-02' },
      { name: '国庆节、中秋节 National Day, Mid-Autumn', from: '2025-10-01', to: '2025-10-08' },
      { name: '元旦 New Year', from: '2026-01-01', to: '2026-01-03' },
      { name: '春节 Spring Festival', from: '2026-02-15', to: '2026-02-23' },
      { name: '清明节 Qingming', from: '2026-04-04', to: '2026-04-06' },
      { name: '劳动节 Labour Day', from: '2026-05-01', to: '2026-05-05' },
      { name: '端午节 Dragon Boat', from: '2026-06-19', to: '2026-06-21' },
      { name: '中秋节 Mid-Autumn', from: '2026-09-25', to: '2026-09-27' },
      { name: '国庆节 National Day', from: '2026-10-01', to: '2026-10-07' },
    ],
    validFrom: '2024-01-01',
    reason: 'Public holidays of 2024 to 2026; add the next year when the State Council publishes it.',
  },
  {
    name: 'tax.valueAddedThreshold',
    value: '0.30',
    validFrom: '2021-07-01',
    reason: 'Processing value-added ratio at or above 30% exempts duty on sale to the mainland.',
  },
];
