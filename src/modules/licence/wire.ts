import { z } from 'zod';
import { checkedBy, isoDate, text } from '../../kernel/wire.ts';
import { validateHsCode } from '../../kernel/hsCode.ts';
import { validateUscc } from '../../kernel/uscc.ts';

export const hsCode = z.string().superRefine(checkedBy((v) => validateHsCode(v)));
const hsPrefix = z.string().regex(/^\d{2,10}$/, 'An HS prefix of 2 to 10 digits.');
/** A positive quantity as a decimal string (never a float). */
export const quantity = z
  .string()
  .regex(/^\d{1,14}(\.\d{1,6})?$/, 'A quantity as a decimal string, e.g. "100" or "12.5".')
  .refine((s) => /[1-9]/.test(s), { message: 'More than zero.', params: { rule: 'licence.quantityPositive' } });
const licenceNumber = text
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9\-/]{2,39}$/, 'A licence number, 3 to 40 letters, digits, - or /.');

export const importListBody = z
  .object({
    csv: text.min(1).max(5_000_000).describe('The list as CSV (columns: see the licence module README)'),
    source: text.trim().min(1).max(300).optional().describe('The announcement or catalogue the list comes from'),
  })
  .strict();

export const importListResponse = z.object({
  batchId: z.string(),
  rows: z.number(),
  imported: z.number(),
  unchanged: z.number(),
});

export const entryOut = z.object({
  version: z.number(),
  hsPrefix: z.string().nullable(),
  keywords: z.array(z.string()),
  measure: z.enum(['PROHIBITED', 'RESTRICTED']),
  licenceType: z.string().nullable(),
  direction: z.enum(['IMPORT', 'EXPORT', 'BOTH']),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  description: z.string(),
  legalBasis: z.string().nullable(),
});

export const listQuery = z.object({ asOf: isoDate.optional().describe('The list in force on this day') }).strict();

export const screenQuery = z
  .object({
    hsCode,
    description: text.trim().min(1).max(500),
    direction: z.enum(['IMPORT', 'EXPORT']).default('IMPORT'),
    date: isoDate.optional(),
  })
  .strict();

export const screenResponse = z.object({
  hsCode: z.string(),
  direction: z.string(),
  date: z.string(),
  verdict: z.enum(['PROHIBITED', 'RESTRICTED', 'FREE']),
  prohibited: z.array(entryOut),
  restricted: z.array(entryOut),
});

export const pushLicenceBody = z
  .object({
    number: licenceNumber,
    licenceType: text.regex(/^[A-Z][A-Z0-9_]{1,39}$/, 'A licence type in capitals, e.g. IMPORT_LICENCE.'),
    holderUscc: z.string().superRefine(checkedBy(validateUscc)),
    goods: text.trim().min(1).max(300),
    hsPrefixes: z.array(hsPrefix).min(1).max(50),
    unit: text.trim().min(1).max(12),
    quantity,
    validFrom: isoDate,
    validUntil: isoDate.describe('Last day the licence may be used (inclusive)'),
    status: z.enum(['ACTIVE', 'REVOKED']).optional(),
  })
  .strict()
  .refine((b) => b.validUntil >= b.validFrom, {
    path: ['validUntil'],
    message: 'validUntil must not come before validFrom.',
    params: { rule: 'licence.validity' },
  });

export const licenceOut = z.object({
  id: z.string(),
  number: z.string(),
  licenceType: z.string(),
  holderEnterpriseId: z.string(),
  holderUscc: z.string(),
  goods: z.string(),
  hsPrefixes: z.array(z.string()),
  unit: z.string(),
  quantity: z.string(),
  used: z.string(),
  remaining: z.string(),
  validFrom: z.string(),
  validUntil: z.string(),
  status: z.string(),
  issuer: z.string(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const licenceNumberParams = z.object({ number: licenceNumber }).strict();
export const licencesQuery = z
  .object({ holderUscc: z.string().superRefine(checkedBy(validateUscc)).optional() })
  .strict();

export const useLicenceBody = z
  .object({
    useId: z.uuid().describe('Idempotency key of the write-off'),
    hsCode,
    quantity,
    date: isoDate.optional().describe('Day of the use; default today'),
    reference: text.trim().min(1).max(100).optional().describe('The declaration or document it is used for'),
  })
  .strict();

export const useLicenceResponse = z.object({
  useId: z.string(),
  licenceNumber: z.string(),
  quantity: z.string(),
  usedOn: z.string(),
  reference: z.string().nullable(),
  licence: licenceOut,
});

export const usesResponse = z.object({
  licence: licenceOut,
  items: z.array(
    z.object({
      useId: z.string(),
      hsCode: z.string(),
      quantity: z.string(),
      usedOn: z.string(),
      reference: z.string().nullable(),
      auditSeq: z.number(),
      createdAt: z.string(),
    }),
  ),
});
