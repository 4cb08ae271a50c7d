/** Request and response schemas of the value-added routes (累计编号, evidence, review queue). */
import { z } from 'zod';
import { text } from '../../kernel/wire.ts';

const money = (what: string) =>
  z.string().regex(/^\d{1,15}(\.\d{1,2})?$/, `${what}: an amount in CNY as a decimal string, e.g. "1250.50".`);
const quantity = (what: string) =>
  z
    .string()
    .regex(/^\d{1,15}(\.\d{1,6})?$/, `${what}: a decimal string, e.g. "100".`)
    .refine((s) => /[1-9]/.test(s), { message: `${what} must be more than zero.` });
const cumulativeNumber = z
  .string()
  .regex(/^LJ\d{18}$/, 'A cumulative number (累计编号): LJ, the year, the customs code, the serial, 2 check digits.');

export const numberOut = z.object({
  number: z.string(),
  transferDocumentId: z.string(),
  lineNo: z.number(),
  upstreamEnterpriseId: z.string(),
  upstreamBookId: z.string(),
  downstreamEnterpriseId: z.string(),
  downstreamBookId: z.string(),
  itemId: z.string(),
  quantity: z.string(),
  quantityUsed: z.string().describe('Written off by exit declarations so far'),
  quantityLeft: z.string().describe('What exit declarations may still cite'),
  salePrice: z.string(),
  importedMaterials: z.string(),
  domesticMaterials: z.string(),
  hainanMadeInputs: z.string(),
  ratio: z.string(),
  businessDate: z.string(),
  issuedBy: z.string(),
  issuedAt: z.string(),
  auditSeq: z.number(),
  carries: z
    .array(z.object({ cumulativeNumber: z.string(), quantityUsed: z.string() }))
    .optional()
    .describe("The seller's own cumulative numbers this one carries on, with the quantity written off to it"),
});

export const numberParams = z.object({ number: cumulativeNumber }).strict();

export const citedUse = z
  .object({
    cumulativeNumber,
    quantityUsed: quantity('quantityUsed').describe("How much of the number's quantity went into these goods"),
    salePrice: money('salePrice').optional(),
    quantity: quantity('quantity').optional(),
    importedMaterials: money('importedMaterials').optional(),
    domesticMaterials: money('domesticMaterials').optional(),
    hainanMadeInputs: money('hainanMadeInputs').optional(),
  })
  .strict()
  .describe('A cited number; any figure given must be the one issued');

export const issueBody = z
  .object({
    transferDocumentId: z.uuid().describe('The posted island transfer (岛内流转) between two processing books'),
    lineNo: z.number().int().min(0).max(4999).optional().describe('The transfer line (from 0); default 0'),
    salePrice: money('salePrice')
      .optional()
      .describe('The price the downstream pays for the line; only when the transfer carries none (its valueCny)'),
    upstream: z
      .array(citedUse)
      .max(20)
      .optional()
      .describe(
        'The middle of a chain: cumulative numbers the seller received for goods that went into these, and how ' +
          'much of each; the number then carries their materials, not the price the seller paid',
      ),
  })
  .strict();

export const assessmentBody = z
  .object({
    bookId: z.uuid(),
    itemId: z.uuid(),
    quantity: quantity('quantity'),
    salePrice: money('salePrice').describe('Price of the goods to the mainland buyer, CNY'),
    upstream: z.array(citedUse).max(20).optional(),
    evidenceIds: z.array(z.uuid()).max(20).optional(),
  })
  .strict();

export const assessmentOut = z.object({
  ratio: z.string(),
  ownRatio: z.string(),
  chainRatio: z.string().nullable(),
  cumulationApplied: z.boolean(),
  formula: z.string(),
  threshold: z.string(),
  meetsThreshold: z.boolean(),
  reviewBand: z.object({ from: z.string(), to: z.string() }),
  outcome: z.enum(['MEETS', 'BELOW', 'REVIEW']),
  review: z.object({ id: z.string(), status: z.string() }).nullable(),
  parameterVersions: z.record(z.string(), z.unknown()),
});

export const evidenceBody = z
  .object({
    kind: z.enum(['INVOICE', 'WORK_HOURS', 'ENERGY', 'OTHER']),
    reference: text
      .trim()
      .min(1)
      .max(80)
      .describe('What the evidence supports: a cumulative number, a book item, a declaration'),
    fileName: text.trim().min(1).max(200),
    mediaType: z.string().regex(/^[a-z]+\/[a-z0-9.+-]{1,80}$/, 'A media type, e.g. application/pdf.'),
    contentBase64: z.string().min(1).max(700_000).describe('The file, base64 (at most 512 KiB)'),
    description: text.trim().max(500).optional(),
  })
  .strict();

export const evidenceOut = z.object({
  id: z.string(),
  enterpriseId: z.string(),
  kind: z.string(),
  reference: z.string(),
  fileName: z.string(),
  mediaType: z.string(),
  sizeBytes: z.number(),
  sha256: z.string(),
  description: z.string().nullable(),
  uploadedBy: z.string(),
  uploadedAt: z.string(),
  auditSeq: z.number(),
});

export const evidenceQuery = z.object({ reference: text.trim().min(1).max(80).optional() }).strict();

export const reviewOut = z.object({
  id: z.string(),
  enterpriseId: z.string(),
  bookId: z.string(),
  itemId: z.string(),
  declarationId: z.string().nullable().describe('The exit declaration held until the review is decided'),
  lineIndex: z.number().nullable(),
  ratio: z.string(),
  threshold: z.string(),
  bandUpper: z.string(),
  figures: z.unknown(),
  evidenceIds: z.array(z.string()),
  status: z.string(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  reason: z.string().nullable(),
});

export const reviewsQuery = z
  .object({ status: z.enum(['PENDING', 'APPROVED', 'REJECTED', 'CLOSED']).optional() })
  .strict();
export const reviewParams = z.object({ id: z.uuid() }).strict();
export const decisionBody = z
  .object({
    decision: z.enum(['APPROVE', 'REJECT']),
    reason: text.trim().max(500).optional().describe('Required when rejecting'),
  })
  .strict();
