/** The ledger's HTTP shapes: zod in (strict), zod out. The service checks the law and names fields. */
import { z } from 'zod';
import { isoDate, pageQuery, text } from '../../kernel/wire.ts';
import { usccField } from '../subjects/wire.ts';
import { REGIMES } from './rules.ts';

const decimal = text.max(40).describe('decimal string');
// Ids are checked by the service, which names the line; here only that they are storable text.
const id = text.max(64);
const goodsLine = z.object({ itemId: id, quantity: decimal }).strict();
const base = {
  documentId: id.describe('client-chosen UUID (UUIDv7): the idempotency key'),
  bookId: id,
  reference: text.max(64).optional().describe('the external document number, e.g. the 核注清单 number'),
  businessDate: isoDate.optional(),
};

export const documentBody = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('FIRST_LINE_IMPORT'),
      ...base,
      directReleaseId: id.optional(),
      lines: z
        .array(
          z
            .object({
              itemId: id,
              quantity: decimal,
              importedCny: decimal,
              domesticCny: decimal.optional(),
              hainanMadeCny: decimal.optional(),
            })
            .strict(),
        )
        .max(5000),
    })
    .strict(),
  z.object({ type: z.literal('FIRST_LINE_EXPORT'), ...base, lines: z.array(goodsLine).max(5000) }).strict(),
  z
    .object({
      type: z.literal('ISLAND_TRANSFER'),
      ...base,
      toEnterpriseId: id,
      toBookId: id.optional(),
      lines: z
        .array(
          z
            .object({
              itemId: id,
              quantity: decimal,
              toItemId: id.optional(),
              valueCny: decimal.optional(),
              dutyRate: decimal.optional(),
              vatRate: decimal.optional(),
              consumptionTaxRate: decimal.optional(),
            })
            .strict(),
        )
        .max(5000),
    })
    .strict(),
  z
    .object({
      type: z.literal('PROCESSING'),
      ...base,
      inputs: z.array(goodsLine).max(5000),
      outputs: z
        .array(
          z
            .object({
              itemId: id,
              quantity: decimal,
              costShare: decimal.optional(),
              domesticCny: decimal.optional(),
              hainanMadeCny: decimal.optional(),
            })
            .strict(),
        )
        .max(5000),
    })
    .strict(),
  z
    .object({ type: z.literal('SCRAP'), ...base, reason: text.min(1).max(500), lines: z.array(goodsLine).max(5000) })
    .strict(),
  z
    .object({
      type: z.literal('ADJUSTMENT'),
      ...base,
      reason: text.min(1).max(500),
      lines: z.array(z.object({ itemId: id, delta: decimal, importedCny: decimal.optional() }).strict()).max(5000),
    })
    .strict(),
  z.object({ type: z.literal('REVERSAL'), ...base, reversalOf: id, reason: text.min(1).max(500) }).strict(),
]);

export const bookOut = z.object({
  id: z.string(),
  enterpriseId: z.string(),
  regime: z.enum(REGIMES),
  bookNo: z.string(),
  status: z.string(),
  enterpriseName: z.string().optional(),
  enterpriseUscc: z.string().optional(),
});
export const openBookBody = z.object({ uscc: usccField, regime: z.enum(REGIMES) }).strict();
export const itemIn = z
  .object({
    itemNo: text.min(1).max(40),
    hsCode: text,
    name: text.min(1).max(200),
    specification: text.max(200).optional(),
    unit: text.min(1).max(20),
    originCountry: text,
  })
  .strict();
export const itemCorrectionBody = z
  .object({
    hsCode: text.optional(),
    originCountry: text.optional(),
    name: text.max(200).optional(),
    specification: text.max(200).optional(),
    reason: text.min(1).max(500).describe('why the master data is corrected (kept in the audit log)'),
  })
  .strict();
export const itemOut = z.object({
  id: z.string(),
  bookId: z.string(),
  itemNo: z.string(),
  hsCode: z.string(),
  name: z.string(),
  specification: z.string(),
  unit: z.string(),
  originCountry: z.string(),
});
export const itemBalanceOut = itemOut.extend({
  onHand: z.string(),
  reserved: z.string(),
  available: z.string(),
  importedCny: z.string(),
  domesticCny: z.string(),
  hainanMadeCny: z.string(),
  firstEntryDate: z.string().nullable(),
});
export const movementOut = z.object({
  id: z.string(),
  seq: z.number(),
  itemId: z.string(),
  itemNo: z.string(),
  itemName: z.string(),
  unit: z.string(),
  from: z.string(),
  to: z.string(),
  quantity: z.string(),
  importedCny: z.string(),
  domesticCny: z.string(),
  hainanMadeCny: z.string(),
  documentId: z.string(),
  documentType: z.string(),
  lineNo: z.number(),
  postingId: z.string().nullable(),
  reversalOf: z.string().nullable(),
  auditSeq: z.number(),
  businessDate: z.string(),
  createdAt: z.string(),
});
export const movementQuery = z
  .object({
    itemId: z.uuid().optional(),
    documentType: text.max(40).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    ...pageQuery,
  })
  .strict();
export const documentOut = z.object({
  id: z.string(),
  bookId: z.string(),
  type: z.string(),
  status: z.string(),
  reference: z.string().nullable(),
  businessDate: z.string(),
  reversalOf: z.string().nullable(),
  counterpartyBookId: z.string().nullable(),
  counterpartyEnterpriseId: z.string().nullable(),
  tax: z.unknown(),
  flags: z.unknown(),
  body: z.unknown(),
  createdBy: z.string(),
  createdAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  movements: z.array(
    z.object({
      id: z.string(),
      bookId: z.string(),
      itemId: z.string(),
      from: z.string(),
      to: z.string(),
      quantity: z.string(),
      importedCny: z.string(),
      domesticCny: z.string(),
      hainanMadeCny: z.string(),
      lineNo: z.number(),
    }),
  ),
});
export const documentSummaryOut = z.object({
  id: z.string(),
  bookId: z.string().optional(),
  type: z.string(),
  status: z.string(),
  reference: z.string().nullable().optional(),
  businessDate: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  decidedBy: z.string().nullable().optional(),
  reason: z.string().nullable(),
  body: z.unknown(),
});
export const verifyOut = z.object({
  ok: z.boolean(),
  books: z.number(),
  accounts: z.number(),
  movements: z.number(),
  mismatches: z.array(
    z.object({
      bookId: z.string(),
      itemId: z.string(),
      kind: z.string(),
      field: z.string(),
      stored: z.string(),
      recomputed: z.string(),
    }),
  ),
  invariantViolations: z.array(
    z.object({ rule: z.string(), itemId: z.string(), kind: z.string().optional(), message: z.string() }),
  ),
  firstProblem: z.string().nullable(),
});
export const alertOut = z.object({
  id: z.string(),
  kind: z.string(),
  bookId: z.string(),
  reference: z.string(),
  detail: z.unknown(),
  raisedAt: z.string(),
});
export const catalogueOut = z.object({
  hsPrefix: z.string(),
  description: z.string(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  source: z.string(),
  version: z.number(),
});
export const reservationOut = z.object({
  id: z.string(),
  bookId: z.string(),
  status: z.string(),
  expiresAt: z.string(),
  purpose: z.object({ documentType: z.string(), documentId: z.string() }),
  lines: z.array(z.object({ itemId: z.string(), reserved: z.string(), posted: z.string(), released: z.string() })),
});
// Read as decimals at once (not checked line by line like a document): the shape is checked here.
const amount = text.regex(/^\d{1,15}(\.\d{1,6})?$/, 'Use a non-negative decimal string, e.g. "1250.50".');
export const valueAddedQuery = z.object({ quantity: amount, salePrice: amount }).strict();
export const valueAddedOut = z.object({
  quantity: z.string(),
  importedCny: z.string(),
  domesticCny: z.string(),
  hainanMadeCny: z.string(),
  firstEntryDate: z.string().nullable(),
  salePrice: z.string(),
  ratio: z.string(),
  threshold: z.string(),
  meetsThreshold: z.boolean(),
  parameterVersions: z.record(z.string(), z.number()),
});
export const directReleaseOut = z.object({
  id: z.string(),
  bookId: z.string(),
  reference: z.string(),
  releasedOn: z.string(),
  dueOn: z.string(),
  enteredDocumentId: z.string().nullable(),
});
