import { z } from 'zod';
import { checkedBy, isoDate, text } from '../../kernel/wire.ts';
import { validateHsCode } from '../../kernel/hsCode.ts';
import { validateCountryCode } from '../../kernel/country.ts';

export const tariffCode = z.string().superRefine(checkedBy((v) => validateHsCode(v, 10)));
export const originCountry = z.string().superRefine(checkedBy(validateCountryCode));

export const importTariffBody = z
  .object({
    csv: text.min(1).max(20_000_000).describe('The CSV file (see the tariff module README for the columns)'),
    source: text.trim().min(1).max(300).optional().describe('Where the rates come from (schedule, announcement)'),
  })
  .strict();

export const importTariffResponse = z.object({
  batchId: z.string(),
  rows: z.number(),
  imported: z.number(),
  unchanged: z.number(),
  codes: z.number(),
});

const dutyOut = z.object({ rate: z.string(), perUnit: z.string().optional() });

export const tariffLineOut = z.object({
  version: z.number(),
  code: z.string(),
  description: z.string(),
  unit: z.string(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  mfn: dutyOut,
  general: dutyOut,
  provisional: dutyOut.nullable(),
  provisionalTo: z.string().nullable(),
  conventional: z.array(dutyOut.extend({ agreement: z.string(), origins: z.array(z.string()) })),
  consumptionTax: dutyOut.nullable(),
  vatRate: z.string(),
  source: z.string(),
});

export const versionsQuery = z
  .object({ asOf: isoDate.optional().describe('Only the version in force on this day') })
  .strict();

export const ratesQuery = z
  .object({
    code: tariffCode,
    origin: originCountry.optional().describe('Country of origin (alpha-2); without it MFN treatment is assumed'),
    date: isoDate.optional().describe('Declaration date; default today (Asia/Shanghai)'),
  })
  .strict();

export const selectedDutyOut = dutyOut.extend({
  kind: z.enum(['MFN', 'PROVISIONAL', 'CONVENTIONAL', 'GENERAL']),
  agreement: z.string().optional(),
  rule: z.string(),
  reason: z.string(),
});

export const ratesResponse = z.object({
  code: z.string(),
  origin: z.string().nullable(),
  date: z.string(),
  duty: selectedDutyOut,
  consumptionTax: dutyOut.nullable(),
  vatRate: z.string(),
  unit: z.string(),
  line: tariffLineOut,
  parameterVersions: z.record(z.string(), z.number()),
});
