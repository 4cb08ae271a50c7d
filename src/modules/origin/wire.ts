import { z } from 'zod';
import { checkedBy, isoDate, text } from '../../kernel/wire.ts';
import { validateHsCode } from '../../kernel/hsCode.ts';
import { validateUscc } from '../../kernel/uscc.ts';
import { validateCountryCode } from '../../kernel/country.ts';

const agreement = text.regex(
  /^[A-Z0-9][A-Z0-9-]{1,19}$/,
  'An agreement code as in the tariff table, e.g. RCEP, CHAFTA.',
);
const certificateNumber = text
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9\-/]{2,39}$/, 'A certificate number, 3 to 40 characters.');
const country = z.string().superRefine(checkedBy(validateCountryCode));
const hsCode = z.string().superRefine(checkedBy((v) => validateHsCode(v)));

export const certificateBody = z
  .object({
    agreement,
    number: certificateNumber,
    originCountry: country,
    exporter: text.trim().min(1).max(200),
    importerUscc: z.string().superRefine(checkedBy(validateUscc)).optional(),
    goods: z
      .array(z.object({ hsCode, description: text.trim().min(1).max(300) }).strict())
      .min(1)
      .max(50),
    issuedOn: isoDate,
    validUntil: isoDate.describe('Last day the certificate may be used (inclusive)'),
    status: z.enum(['VALID', 'REVOKED']).optional(),
  })
  .strict()
  .refine((b) => b.validUntil >= b.issuedOn, {
    path: ['validUntil'],
    message: 'validUntil must not come before issuedOn.',
    params: { rule: 'origin.validity' },
  });

export const certificateOut = z.object({
  id: z.string(),
  agreement: z.string(),
  number: z.string(),
  originCountry: z.string(),
  exporter: z.string(),
  importerEnterpriseId: z.string().nullable(),
  importerUscc: z.string().nullable(),
  goods: z.array(z.object({ hsCode: z.string(), description: z.string() })),
  issuedOn: z.string(),
  validUntil: z.string(),
  status: z.string(),
  source: z.string(),
  recordedBy: z.string(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const certificateParams = z.object({ agreement, number: certificateNumber }).strict();
export const certificatesQuery = z.object({ agreement: agreement.optional() }).strict();

export const checkBody = z
  .object({
    certificateNumber,
    agreement: agreement.optional().describe('The agreement whose rate is claimed; default the one the number names'),
    hsCode,
    originCountry: country,
    importerUscc: z.string().superRefine(checkedBy(validateUscc)),
    date: isoDate,
  })
  .strict();

export const checkResponse = z.object({
  valid: z.boolean(),
  rule: z.string().nullable(),
  reason: z.string().nullable(),
  message: z.string().nullable(),
});
