import { z } from 'zod';
import { paymentOut } from '../payments/wire.ts';
import { checkedBy, isoDate, text } from '../../kernel/wire.ts';
import { validateContainerNumber } from '../../kernel/iso6346.ts';
import { validateSecondLinePortCode } from '../../kernel/ports.ts';
import { validateUscc } from '../../kernel/uscc.ts';

/**
 * The simplified second-line exit declaration (简化申报, about 42 data items instead of 105):
 * declarant and book, consignee and destination, port and transport (what the release order needs:
 * plate, containers, seals, expected gross weight), packages and documents, and per goods line the
 * book item, quantity, price, weight, rates and the facts the taxes turn on.
 */
const decimal = (what: string) =>
  z.string().regex(/^\d{1,15}(\.\d{1,6})?$/, `${what}: a non-negative decimal string, e.g. "1250.50".`);
const positive = (what: string) =>
  decimal(what).refine((s) => /[1-9]/.test(s), {
    message: `${what} must be more than zero.`,
    params: { rule: 'declarations.positive' },
  });
const rate = (what: string) =>
  z.string().regex(/^(0(\.\d{1,6})?|1(\.0{1,6})?)$/, `${what}: a rate from 0 to 1 as a decimal string, e.g. "0.13".`);

export const MAX_LINES = 50;

export const upstreamUse = z
  .object({
    cumulativeNumber: text.min(1).max(40).describe('累计编号 of the upstream processing enterprise'),
    salePrice: decimal('salePrice'),
    quantity: positive('quantity'),
    importedMaterials: decimal('importedMaterials'),
    domesticMaterials: decimal('domesticMaterials'),
    hainanMadeInputs: decimal('hainanMadeInputs').optional(),
    quantityUsed: positive('quantityUsed'),
  })
  .strict();

export const exitLine = z
  .object({
    itemId: z.uuid().describe('The account-book item (料号) the goods leave from'),
    quantity: positive('quantity').describe("In the item's legal unit"),
    valueCny: positive('valueCny').describe('Price to the mainland buyer, CNY'),
    netWeightKg: positive('netWeightKg'),
    dutyRate: rate('dutyRate')
      .optional()
      .describe("Omitted: the tariff table's, by the item's code and origin on the day"),
    vatRate: rate('vatRate').optional().describe('Omitted: from the tariff table'),
    consumptionTaxRate: rate('consumptionTaxRate').optional(),
    specificDutyPerUnit: decimal('specificDutyPerUnit').optional(),
    specificConsumptionTaxPerUnit: decimal('specificConsumptionTaxPerUnit').optional(),
    domesticVatPaid: z.boolean().default(false).describe('Domestic VAT already paid on the island for these goods'),
    description: text.trim().max(200).optional(),
    upstream: z
      .array(upstreamUse)
      .max(20)
      .optional()
      .describe('Processed goods: upstream cumulative numbers (累计编号) applied to the value added'),
  })
  .strict();

const transport = z
  .object({
    mode: z.enum(['ROAD', 'SEA', 'AIR']),
    plate: text.trim().min(2).max(16).describe('Vehicle plate, e.g. 琼A12345'),
    containers: z
      .array(z.string().superRefine(checkedBy(validateContainerNumber)))
      .max(10)
      .default([]),
    seals: z
      .array(
        z
          .string()
          .regex(
            /^[A-Z0-9-]{4,20}$/,
            'A seal number is 4 to 20 capital letters, digits or dashes (as the gate reads it).',
          ),
      )
      .max(20)
      .default([]),
    expectedGrossWeightKg: positive('expectedGrossWeightKg'),
    vesselOrFlight: text.trim().max(40).optional(),
    plannedExitDate: isoDate.optional(),
  })
  .strict();

export const exitDeclarationBody = z
  .object({
    requestId: z
      .string()
      .regex(
        /^[A-Za-z0-9_.:-]{8,128}$/,
        'A client-chosen key of 8 to 128 letters, digits or _.:-; the same key and form return the first result.',
      ),
    bookId: z.uuid(),
    portCode: z.string().superRefine(checkedBy(validateSecondLinePortCode)),
    destination: z
      .object({
        region: z.literal('CN-MAINLAND').default('CN-MAINLAND'),
        province: text.trim().min(2).max(20).describe('Receiving province, e.g. 广东'),
        city: text.trim().max(40).optional(),
      })
      .strict(),
    consignee: z
      .object({
        name: text.trim().min(1).max(200),
        uscc: z.string().superRefine(checkedBy(validateUscc)).optional(),
      })
      .strict(),
    contact: z.object({ name: text.trim().min(1).max(60), phone: text.trim().min(5).max(30) }).strict(),
    transport,
    packages: z.object({ count: z.number().int().min(1).max(1_000_000), kind: text.trim().min(1).max(20) }).strict(),
    documents: z
      .object({
        contractNo: text.trim().max(60).optional(),
        invoiceNo: text.trim().max(60).optional(),
        packingListNo: text.trim().max(60).optional(),
      })
      .strict()
      .default({}),
    remarks: text.trim().max(500).optional(),
    lines: z.array(exitLine).min(1).max(MAX_LINES),
  })
  .strict();
export type ExitDeclarationBody = z.infer<typeof exitDeclarationBody>;

export const centralizedBody = z
  .object({
    requestId: z.string().regex(/^[A-Za-z0-9_.:-]{8,128}$/),
    period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'A calendar month, YYYY-MM.'),
    portCode: z
      .string()
      .superRefine(checkedBy(validateSecondLinePortCode))
      .optional()
      .describe('Port named on the declaration; default the port most batches left by'),
  })
  .strict();
export type CentralizedBody = z.infer<typeof centralizedBody>;

export const reasonBody = z.object({ reason: text.trim().min(3).max(500) }).strict();

const stepOut = z.object({
  amount: z.string(),
  status: z.string(),
  formula: z.string(),
  rule: z.string(),
  reason: z.string().optional(),
});
export const taxFiguresOut = z.object({
  duty: z.string(),
  consumptionTax: z.string(),
  vat: z.string(),
  total: z.string(),
  dutyWaived: z.boolean(),
  /** Which taxes the collection threshold (each of 50 CNY or less) left uncollected; absent on older bills. */
  notCollected: z.object({ duty: z.boolean(), consumptionTax: z.boolean(), vat: z.boolean() }).optional(),
  parameterVersions: z.record(z.string(), z.number()),
  lines: z.array(
    z.object({
      lineIndex: z.number(),
      hsCode: z.string(),
      dutiableValue: z.string(),
      duty: z.string(),
      consumptionTax: z.string(),
      vat: z.string(),
      total: z.string(),
      rates: z.record(z.string(), z.string()),
      steps: z.object({ dutiableValue: stepOut, duty: stepOut, consumptionTax: stepOut, vat: stepOut }),
    }),
  ),
});

export const taxBillOut = z.object({
  id: z.string(),
  billNo: z.string(),
  declarationId: z.string(),
  kind: z.enum(['ORIGINAL', 'SUPPLEMENTARY']),
  cause: z.string(),
  duty: z.string(),
  consumptionTax: z.string(),
  vat: z.string(),
  total: z.string(),
  figures: z.unknown(),
  businessDate: z.string(),
  issuedAt: z.string(),
  auditSeq: z.number(),
  payment: paymentOut.optional().describe('Payment state (UNPAID, GUARANTEED, PAID, OVERDUE) and due date'),
});

export const transitionOut = z.object({
  from: z.string().nullable(),
  to: z.string(),
  reason: z.string(),
  rule: z.string(),
  actor: z.string(),
  at: z.string(),
  auditSeq: z.number(),
});

export const declarationOut = z.object({
  id: z.string(),
  kind: z.string(),
  enterpriseId: z.string(),
  requestId: z.string(),
  version: z.number(),
  rootId: z.string(),
  previousId: z.string().nullable(),
  state: z.string(),
  stateReason: z.string(),
  bookId: z.string().nullable(),
  regime: z.string().nullable(),
  portCode: z.string(),
  businessDate: z.string(),
  period: z.string().nullable(),
  form: z.unknown(),
  lines: z.array(z.record(z.string(), z.unknown())),
  taxes: taxFiguresOut.nullable(),
  risk: z
    .record(z.string(), z.unknown())
    .nullable()
    .optional()
    .describe('The risk verdict: officers only, absent for the declarant (audience.ts)'),
  reservationId: z.string().nullable(),
  releaseOrderId: z.string().nullable(),
  inspectionTaskId: z.string().nullable(),
  centralizedId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const declarationDetailOut = declarationOut.extend({
  transitions: z.array(transitionOut),
  taxBills: z.array(taxBillOut),
  versions: z.array(z.object({ id: z.string(), version: z.number(), state: z.string() })),
  reservation: z.unknown().nullable(),
  batches: z.array(z.object({ id: z.string(), state: z.string(), businessDate: z.string() })),
});

/** A list item: the declaration with its declarant's name and USCC. */
export const declarationListItemOut = declarationOut.extend({
  enterprise: z.object({ uscc: z.string(), name: z.string() }).nullable(),
});

/** A page of declarations; the count stops 10,000 matches past the page's start (service/read.ts). */
export const declarationListOut = z.object({
  items: z.array(declarationListItemOut),
  total: z
    .number()
    .describe('Matching declarations; a lower bound when totalExact is false (more than 10,000 past the page)'),
  totalExact: z.boolean().describe('Whether total counts every match'),
});

export const listQuery = z
  .object({
    kind: z.enum(['SECOND_LINE_EXIT', 'BATCH_EXIT', 'CENTRALIZED_DECLARATION']).optional(),
    state: z
      .enum(['SUBMITTED', 'ACCEPTED', 'HELD', 'REJECTED', 'RELEASED', 'EXITED', 'CANCELLED', 'AMENDED'])
      .optional(),
    uscc: text.max(18).optional(),
    port: text.max(32).optional().describe('Second-line port code'),
    sort: z
      .enum(['createdAt', '-createdAt', 'businessDate', '-businessDate'])
      .default('-createdAt')
      .describe('Order: a field, descending with a leading minus'),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(20),
  })
  .strict();

export const monthOut = z.object({
  enterpriseId: z.string(),
  period: z.string(),
  dueDate: z.string(),
  overdue: z.boolean(),
  facility: z.object({ status: z.string(), reason: z.string(), period: z.string().nullable() }),
  batches: z.array(declarationOut),
  centralized: declarationOut.nullable(),
});
