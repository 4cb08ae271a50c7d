import { z } from 'zod';
import { checkedBy, isoDate, text } from '../../kernel/wire.ts';
import { validateHsCode } from '../../kernel/hsCode.ts';
import { validateCountryCode } from '../../kernel/country.ts';
import { EXIT_GOODS } from './treatment.ts';
import { parseValueAddedNumber } from './valueAddedNumbers.ts';

const money = z
  .string()
  .regex(/^\d{1,15}(\.\d{1,2})?$/, 'Use a non-negative amount in CNY with at most 2 decimals, as a string.');
const foreignAmount = z
  .string()
  .regex(
    /^\d{1,15}(\.\d{1,4})?$/,
    'Use a non-negative amount with at most 4 decimals, as a string, in the currency of the calculation.',
  );
const quantity = z
  .string()
  .regex(/^\d{1,15}(\.\d{1,6})?$/, 'Use a non-negative quantity with at most 6 decimals, as a string.');
const positiveQuantity = z
  .string()
  .regex(/^(?=.*[1-9])\d{1,15}(\.\d{1,6})?$/, 'Use a quantity above 0 with at most 6 decimals, as a string.');
const rate = z
  .string()
  .regex(/^0(\.\d{1,6})?$/, 'Use a rate from 0 to below 1 with at most 6 decimals, as a string (0.13 = 13%).');
const perUnit = z.string().regex(/^\d{1,10}(\.\d{1,6})?$/, 'Use a non-negative amount per unit, as a string.');
const hsCode = z.string().superRefine(checkedBy((v) => validateHsCode(v)));
export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'Use the ISO 4217 code in capitals, e.g. USD, EUR, JPY.');

/** The rates and quantities of one goods line, shared by every calculator. */
const goodsRates = {
  hsCode,
  dutyRate: rate,
  consumptionTaxRate: rate.optional(),
  vatRate: rate,
  quantity: quantity.optional(),
  specificDutyPerUnit: perUnit.optional(),
  specificConsumptionTaxPerUnit: perUnit.optional(),
};

const FROM_TABLE = 'Omitted: taken from the tariff table by the 10-digit hsCode, originCountry and declarationDate';

export const calcTaxBody = z
  .object({
    declarationDate: isoDate.optional().describe('Default: today (Asia/Shanghai). Decides the tariff-table version.'),
    lines: z
      .array(
        z
          .object({
            ...goodsRates,
            dutyRate: rate.optional().describe(FROM_TABLE),
            vatRate: rate.optional().describe(FROM_TABLE),
            originCountry: z
              .string()
              .superRefine(checkedBy(validateCountryCode))
              .optional()
              .describe('For the tariff table: without it, MFN treatment'),
            customsValue: money,
          })
          .strict(),
      )
      .min(1, 'Give at least one line.')
      .max(200, 'At most 200 lines per calculation.'),
  })
  .strict();

/** The tariff-table version and the duty chosen, on a line that took its rates from the table. */
const tariffUseOut = z.object({
  code: z.string(),
  version: z.number(),
  validFrom: z.string(),
  unit: z.string(),
  duty: z.object({
    kind: z.string(),
    rate: z.string(),
    perUnit: z.string().optional(),
    agreement: z.string().optional(),
    rule: z.string(),
    reason: z.string(),
  }),
});

export const stepOut = z.object({
  amount: z.string(),
  status: z.enum(['DUE', 'EXEMPT', 'WAIVED', 'NOT_APPLICABLE']),
  formula: z.string(),
  rule: z.string(),
  reason: z.string().optional(),
});
const stepsOut = z.object({ dutiableValue: stepOut, duty: stepOut, consumptionTax: stepOut, vat: stepOut });
const lineOut = z.object({
  dutiableValue: z.string(),
  duty: z.string(),
  consumptionTax: z.string(),
  vat: z.string(),
  total: z.string(),
  formulas: z.object({ duty: z.string(), consumptionTax: z.string(), vat: z.string() }),
  steps: stepsOut,
});
/** A line of POST /calc/tax: with `tariff` when it took its rates from the table. */
const calcTaxLineOut = lineOut.extend({ tariff: tariffUseOut.optional() });

/** Which of the declaration's taxes the collection threshold left uncollected (each of 50 CNY or less). */
export const notCollectedOut = z.object({ duty: z.boolean(), consumptionTax: z.boolean(), vat: z.boolean() });

export const calcTaxResponse = z.object({
  lines: z.array(calcTaxLineOut),
  duty: z.string(),
  consumptionTax: z.string(),
  vat: z.string(),
  total: z.string(),
  dutyWaived: z.boolean(),
  notCollected: notCollectedOut,
  parameterVersions: z.record(z.string(), z.number()),
});

const cumulativeNumber = z.string().superRefine(
  checkedBy((v) => {
    const r = parseValueAddedNumber(v, 'CUMULATIVE');
    return r.ok ? null : { rule: r.rule, message: r.message };
  }),
);

/** An upstream enterprise's cumulative number (累计编号) with the figures it carries, and how much of it was used. */
const upstreamUse = z
  .object({
    cumulativeNumber,
    salePrice: money.describe('What the upstream charged for the whole quantity of the record, CNY'),
    quantity: positiveQuantity.describe('The quantity the record covers'),
    importedMaterials: money,
    domesticMaterials: money,
    hainanMadeInputs: money.optional(),
    quantityUsed: positiveQuantity.describe('How much of it went into these goods'),
  })
  .strict();

const valueAddedMaterials = {
  salePrice: money,
  importedMaterials: z.array(money).max(500),
  domesticMaterials: z.array(money).max(500),
  hainanMadeInputs: z.array(money).max(500).optional(),
  upstream: z
    .array(upstreamUse)
    .max(50)
    .optional()
    .describe('Goods bought from upstream processing enterprises, NOT also listed in importedMaterials'),
};

export const calcValueAddedBody = z.object(valueAddedMaterials).strict();

const ratioOut = z.object({
  ratio: z.string(),
  imported: z.string(),
  domestic: z.string(),
  hainanMade: z.string(),
  formula: z.string(),
});

export const calcValueAddedResponse = z.object({
  ratio: z.string(),
  meetsThreshold: z.boolean(),
  threshold: z.string(),
  formula: z.string(),
  own: ratioOut,
  chain: ratioOut.nullable(),
  cumulationApplied: z.boolean(),
  parameterVersions: z.record(z.string(), z.number()),
});

const routeIn = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('IMPORT') })
    .strict()
    .describe('An ordinary import: every tax on the customs value'),
  z
    .object({ kind: z.literal('FIRST_LINE_IMPORT'), importerIsBeneficiary: z.boolean() })
    .strict()
    .describe('First-line import (一线进口)'),
  z
    .object({ kind: z.literal('ISLAND_TRANSFER'), transfereeIsBeneficiary: z.boolean() })
    .strict()
    .describe('Island transfer (岛内流转) of zero-tariff goods'),
  z
    .object({ kind: z.literal('SECOND_LINE_EXIT'), goods: z.enum(EXIT_GOODS), domesticVatPaid: z.boolean() })
    .strict()
    .describe('Second-line exit to the mainland (二线出岛)'),
]);

const IMPORTED_CONTENT =
  'Second line and island transfer: value of the imported materials the goods hold, the taxable base (default ' +
  'for zero-tariff goods: their whole value, as imported, unprocessed; required for processed goods)';

export const calcScenarioBody = z
  .object({
    route: routeIn,
    declarationDate: isoDate
      .optional()
      .describe('Default: today (Asia/Shanghai). Decides the exchange rate and the parameters in force.'),
    currency: currencyCode
      .default('CNY')
      .describe('Currency of every line value; converted at the rate of the third Wednesday of the previous month'),
    lines: z
      .array(
        z
          .object({
            ...goodsRates,
            description: text.max(200).optional(),
            value: foreignAmount.describe('Customs value of the goods, in the currency of the calculation'),
            importedContentValue: foreignAmount.optional().describe(IMPORTED_CONTENT),
            inTaxedCatalogue: z
              .boolean()
              .optional()
              .describe('First line: the goods are in the taxed catalogue (进口征税商品目录)'),
          })
          .strict(),
      )
      .min(1, 'Give at least one line.')
      .max(200, 'At most 200 lines per calculation.'),
    valueAdded: z
      .union([
        z
          .object({
            ratio: z.string().regex(/^-?\d{1,6}(\.\d{1,8})?$/, 'Use the ratio as a decimal string, e.g. 0.4045.'),
          })
          .strict(),
        z.object(valueAddedMaterials).strict(),
      ])
      .optional()
      .describe(
        'Processed goods: the value-added ratio, or the figures (CNY) to compute it from, with any ' +
          'upstream cumulative numbers',
      ),
  })
  .strict();
export type CalcScenarioBody = z.infer<typeof calcScenarioBody>;
export type CalcTaxBody = z.infer<typeof calcTaxBody>;

const conversionOut = z.object({
  rate: z.string(),
  unit: z.number(),
  quote: z.string(),
  rateDate: z.string(),
  rateVersion: z.number(),
  rateDay: z.string(),
});

export const calcScenarioResponse = z.object({
  route: z.string(),
  declarationDate: z.string(),
  currency: z.string(),
  notes: z.array(z.object({ rule: z.string(), text: z.string() })),
  lines: z.array(
    z.object({
      hsCode: z.string(),
      description: z.string().optional(),
      value: z.string(),
      conversion: conversionOut.nullable(),
      dutiableValue: stepOut,
      duty: stepOut,
      consumptionTax: stepOut,
      vat: stepOut,
      total: z.string(),
    }),
  ),
  duty: z.string(),
  consumptionTax: z.string(),
  vat: z.string(),
  total: z.string(),
  dutyWaived: z.boolean(),
  dutyBeforeThreshold: z.string(),
  notCollected: notCollectedOut,
  beforeThreshold: z.object({ duty: z.string(), consumptionTax: z.string(), vat: z.string() }),
  valueAdded: z
    .object({
      ratio: z.string(),
      threshold: z.string(),
      meetsThreshold: z.boolean(),
      formula: z.string().nullable(),
      cumulationApplied: z.boolean(),
    })
    .nullable(),
  parameterVersions: z.record(z.string(), z.number()),
});

export const rateQuote = z.enum(['CNY_PER_UNIT', 'UNIT_PER_CNY']);

/** One exchange rate as administrators load it (a CSV row). */
export const rateRow = z
  .object({
    currency: currencyCode.refine((c) => c !== 'CNY', {
      message: 'CNY needs no rate.',
      params: { rule: 'tax.rates.notCny' },
    }),
    rateDate: isoDate,
    rate: z
      .string()
      .regex(/^(?=.*[1-9])\d{1,13}(\.\d{1,10})?$/, 'Use a decimal above 0 with at most 10 decimals, e.g. 7.1062.'),
    unit: z.coerce.number().int().min(1).max(1_000_000).default(1),
    quote: rateQuote.default('CNY_PER_UNIT'),
    source: text.trim().min(1).max(200).optional(),
  })
  .strict();
export type RateRow = z.infer<typeof rateRow>;

export const importRatesBody = z
  .object({
    csv: text
      .min(1)
      .max(900_000)
      .describe(
        'CSV with the header currency,rateDate,rate[,unit][,quote][,source]; quote is CNY_PER_UNIT ' +
          '(default) or UNIT_PER_CNY',
      ),
    source: text
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('Default source for rows without one, e.g. "PBoC central parity"'),
  })
  .strict();

export const importRatesResponse = z.object({
  batchId: z.string(),
  rows: z.number(),
  imported: z.number(),
  unchanged: z.number(),
  currencies: z.array(z.string()),
  from: z.string().nullable(),
  to: z.string().nullable(),
});

export const rateOut = z.object({
  currency: z.string(),
  rateDate: z.string(),
  rate: z.string(),
  unit: z.number(),
  quote: z.string(),
  source: z.string(),
  version: z.number(),
  loadedBy: z.string(),
  loadedAt: z.string(),
});

export const listRatesQuery = z
  .object({
    currency: currencyCode.optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    limit: z.coerce.number().int().min(1).max(2000).default(500),
  })
  .strict();

export const applicableRateQuery = z.object({ currency: currencyCode, declarationDate: isoDate.optional() }).strict();
export const applicableRateResponse = z.object({
  currency: z.string(),
  declarationDate: z.string(),
  rateDay: z.string(),
  rateDate: z.string(),
  rate: z.string(),
  unit: z.number(),
  quote: z.string(),
  version: z.number(),
  source: z.string(),
  parameterVersions: z.record(z.string(), z.number()),
});
