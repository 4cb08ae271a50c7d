import { z } from 'zod';
import { checkedBy } from '../../kernel/wire.ts';
import { validateHsCode } from '../../kernel/hsCode.ts';

const money = z.string().regex(/^\d{1,15}(\.\d{1,2})?$/, 'Use a non-negative amount in CNY with at most 2 decimals, as a string.');
const quantity = z.string().regex(/^\d{1,15}(\.\d{1,6})?$/, 'Use a non-negative quantity with at most 6 decimals, as a string.');
const rate = z.string().regex(/^0(\.\d{1,6})?$/, 'Use a rate from 0 to below 1 with at most 6 decimals, as a string (0.13 = 13%).');
const perUnit = z.string().regex(/^\d{1,10}(\.\d{1,6})?$/, 'Use a non-negative amount per unit, as a string.');

export const calcTaxBody = z
  .object({
    lines: z
      .array(
        z
          .object({
            hsCode: z.string().superRefine(checkedBy((v) => validateHsCode(v))),
            customsValue: money,
            dutyRate: rate,
            consumptionTaxRate: rate.optional(),
            vatRate: rate,
            quantity: quantity.optional(),
            specificDutyPerUnit: perUnit.optional(),
            specificConsumptionTaxPerUnit: perUnit.optional(),
          })
          .strict(),
      )
      .min(1, 'Give at least one line.')
      .max(200, 'At most 200 lines per calculation.'),
  })
  .strict();

const lineOut = z.object({ dutiableValue: z.string(), duty: z.string(), consumptionTax: z.string(), vat: z.string(), total: z.string(), formulas: z.object({ duty: z.string(), consumptionTax: z.string(), vat: z.string() }) });

export const calcTaxResponse = z.object({
  lines: z.array(lineOut),
  duty: z.string(),
  consumptionTax: z.string(),
  vat: z.string(),
  total: z.string(),
  dutyWaived: z.boolean(),
  parameterVersions: z.record(z.string(), z.number()),
});

export const calcValueAddedBody = z
  .object({
    salePrice: money,
    importedMaterials: z.array(money).max(500),
    domesticMaterials: z.array(money).max(500),
    hainanMadeInputs: z.array(money).max(500).optional(),
  })
  .strict();

export const calcValueAddedResponse = z.object({ ratio: z.string(), meetsThreshold: z.boolean(), threshold: z.string(), parameterVersions: z.record(z.string(), z.number()) });
