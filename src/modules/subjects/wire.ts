import { z } from 'zod';
import { checkedBy, isoDate, pageQuery, text } from '../../kernel/wire.ts';
import { validateUscc } from '../../kernel/uscc.ts';
import { LEGAL_FORMS, QUALIFICATION_KINDS } from './rules.ts';

export const usccField = z
  .string()
  .superRefine(checkedBy(validateUscc))
  .describe('统一社会信用代码, 18 characters (GB 32100-2015)');

export const createEnterpriseBody = z
  .object({
    uscc: usccField,
    name: text.trim().min(2, 'Give the registered name (at least 2 characters).').max(200),
    registeredInHainan: z.boolean(),
    legalForm: z.enum(LEGAL_FORMS).default('INDEPENDENT_LEGAL_PERSON'),
    industry: text.trim().max(100).nullish(),
    encouragedIndustry: z.boolean().default(false),
  })
  .strict();
export type CreateEnterpriseBody = z.infer<typeof createEnterpriseBody>;

export const enterpriseOut = z.object({
  id: z.string(),
  uscc: z.string(),
  name: z.string(),
  registeredInHainan: z.boolean(),
  legalForm: z.string(),
  industry: z.string().nullable(),
  encouragedIndustry: z.boolean(),
  createdAt: z.string(),
});

export const enterpriseSearchQuery = z.object({ q: text.trim().max(100).optional(), ...pageQuery }).strict();

export const enterprisePage = z.object({
  items: z.array(enterpriseOut),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});

export const grantQualificationBody = z
  .object({
    kind: z.enum(QUALIFICATION_KINDS),
    goodsCategory: text.max(60).default(''),
    validFrom: isoDate,
    validTo: isoDate.nullish(),
  })
  .strict();

export const relinquishBody = z
  .object({ date: isoDate.optional(), reason: text.trim().min(3, 'Say why treatment is given up.').max(500) })
  .strict();

export const qualificationOut = z.object({
  id: z.string(),
  enterpriseId: z.string(),
  kind: z.string(),
  goodsCategory: z.string(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  relinquishedOn: z.string().nullable(),
  relinquishReason: z.string().nullable(),
  activeToday: z.boolean(),
  createdAt: z.string(),
});

export const createIndividualBody = z
  .object({
    idType: z.enum(['RESIDENT_ID', 'PASSPORT']),
    idNumber: text.trim().min(1).max(32),
    name: text.trim().min(1).max(100),
    nationality: z
      .string()
      .regex(/^[A-Z]{3}$/, 'Use an ISO 3166-1 alpha-3 code such as CHN.')
      .default('CHN'),
  })
  .strict();

export const individualOut = z.object({
  id: z.string(),
  idType: z.string(),
  idNumber: z.string().describe('Masked unless the caller role needs the full number'),
  name: z.string(),
  masked: z.boolean(),
  birthDate: z.string().nullable(),
  nationality: z.string(),
  createdAt: z.string(),
});
