/** Joint control on the wire: zod schemas in and out, and the data classes of every field it sends. */
import { z } from 'zod';
import { text } from '../../kernel/wire.ts';
import type { FieldRules } from '../../kernel/dataClass.ts';
import { CASE_STATES, OUTCOMES, SHARE_STATES } from './rules.ts';

export const acknowledgeBody = z
  .object({ note: text.trim().max(1000).optional().describe('Who handles it on the department side, or a note') })
  .strict();

export const outcomeBody = z
  .object({
    outcome: z.enum(OUTCOMES),
    reference: text.trim().min(1).max(100).optional().describe("The department's own case or file number"),
    summary: text.trim().min(5, 'Say in a sentence what was found and done (at least 5 characters).').max(4000),
  })
  .strict();

export const closeBody = z
  .object({ reason: text.trim().min(5, 'Say why the case is closed (at least 5 characters).').max(2000) })
  .strict();

export const listQuery = z
  .object({
    state: z.enum(CASE_STATES).optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(20),
  })
  .strict();

export const feedQuery = z
  .object({
    after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

const goodsLine = z.object({
  hsCode: z.string(),
  description: z.string(),
  quantity: z.string().describe('A department reads its order of magnitude only, e.g. "100-1000"'),
  unit: z.string(),
  originCountry: z.string(),
  valueCny: z.string().describe('A department reads its order of magnitude only, e.g. "100000-1000000"'),
});

const shareFields = {
  department: z.string(),
  state: z.enum(SHARE_STATES),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  acknowledgeNote: z.string().nullable(),
  outcome: z.enum(OUTCOMES).nullable(),
  outcomeReference: z.string().nullable(),
  outcomeSummary: z.string().nullable(),
  outcomeAt: z.string().nullable(),
};
export const shareOut = z.object(shareFields);

/**
 * A case as a reader may see it: an officer reads everything (the grounds, every department's share),
 * a department its own share and the case desensitised by class (CASE_FIELD_RULES) — so the fields a
 * department is not given are optional here.
 */
export const caseOut = z.object({
  id: z.string(),
  state: z.enum(CASE_STATES),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable().optional(),
  closeReason: z.string().nullable().optional(),
  subject: z.enum(['DECLARATION', 'DUTYFREE_SALE']).describe('What the case is about'),
  enterprise: z.object({ uscc: z.string(), name: z.string() }).nullable(),
  declaration: z.object({ id: z.string(), kind: z.string(), port: z.string(), businessDate: z.string() }).nullable(),
  sale: z
    .object({
      id: z.string(),
      shop: z.string(),
      businessDate: z.string(),
      buyer: z.object({
        idType: z.string(),
        idNumber: z.string().optional().describe('Masked as kept; a department reads it masked again (4**)'),
        name: z.string().optional().describe('Masked as kept; a department reads it masked again'),
      }),
    })
    .nullable()
    .describe('A duty-free sale refused at RED: the shop and the buyer, never in clear'),
  goods: z.array(goodsLine),
  totalValue: z.string(),
  grounds: z
    .array(z.object({ code: z.string(), name: z.string().nullable() }))
    .optional()
    .describe('Why it is a joint-control case: officers only'),
  policyVersion: z.number().optional(),
  auditSeq: z.number(),
  shares: z.array(shareOut.extend({ outcomeBy: z.string().nullable() })).optional(),
  share: shareOut.optional().describe("A department's own part of the case"),
});
export type CaseView = z.infer<typeof caseOut>;

export const feedItemOut = z.object({
  seq: z.number(),
  type: z.enum(['CASE_OPENED', 'CASE_CLOSED']),
  recordedAt: z.string(),
  case: caseOut,
});
export const feedOut = z.object({ items: z.array(feedItemOut), next: z.number() });

const G = { class: 'GENERAL', redact: 'omit' } as const;
const BAND = { class: 'IMPORTANT', redact: 'band' } as const;
const HIDE = { class: 'IMPORTANT', redact: 'omit' } as const;

const shareRules = (prefix: string): FieldRules =>
  Object.fromEntries(Object.keys(shareFields).map((k) => [`${prefix}.${k}`, G]));

/**
 * The data class of every field of a case (docs/data-classification.md). General: what the case is
 * and about whom (a registered enterprise, the goods as declared). Important: amounts and quantities
 * (commercial data: a department reads their order of magnitude), the risk grounds, other
 * departments' shares, an officer's name and words (left out for departments).
 */
export const CASE_FIELD_RULES: FieldRules = {
  id: G,
  state: G,
  openedAt: G,
  closedAt: G,
  closedBy: HIDE,
  closeReason: HIDE,
  subject: G,
  sale: G,
  'sale.id': G,
  'sale.shop': G,
  'sale.businessDate': G,
  'sale.buyer': G,
  'sale.buyer.idType': G,
  // A person's identity: kept masked (the duty-free module's masking); a department reads it masked again.
  'sale.buyer.idNumber': { class: 'IMPORTANT', redact: 'mask' },
  'sale.buyer.name': { class: 'IMPORTANT', redact: 'mask' },
  enterprise: G,
  'enterprise.uscc': G,
  'enterprise.name': G,
  declaration: G,
  'declaration.id': G,
  'declaration.kind': G,
  'declaration.port': G,
  'declaration.businessDate': G,
  goods: G,
  'goods[].hsCode': G,
  'goods[].description': G,
  'goods[].quantity': BAND,
  'goods[].unit': G,
  'goods[].originCountry': G,
  'goods[].valueCny': BAND,
  totalValue: BAND,
  grounds: HIDE,
  'grounds[].code': HIDE,
  'grounds[].name': HIDE,
  policyVersion: G,
  auditSeq: G,
  shares: HIDE,
  ...shareRules('shares[]'),
  'shares[].outcomeBy': HIDE,
  share: G,
  ...shareRules('share'),
};

/** The feed entry around a case. */
export const FEED_FIELD_RULES: FieldRules = {
  seq: G,
  type: G,
  recordedAt: G,
  case: G,
  ...Object.fromEntries(Object.entries(CASE_FIELD_RULES).map(([k, v]) => [`case.${k}`, v])),
};
