import { z } from 'zod';
import { checkedBy, isoDate, pageQuery, text } from '../../kernel/wire.ts';
import { validateHsCode } from '../../kernel/hsCode.ts';
import { validateCountryCode } from '../../kernel/country.ts';
import { SECOND_LINE_PORTS } from '../../kernel/ports.ts';
import { DIRECTIONS, LINE_KINDS } from './rules.ts';
import { paymentOut } from '../payments/wire.ts';
import { usccField } from '../subjects/wire.ts';
import { LEVELS } from '../risk/rules.ts';

/** The first-line open ports (一线口岸): every second-line port but Xinhai and Nangang. */
export const FIRST_LINE_PORTS = SECOND_LINE_PORTS.filter((p) => p.alsoFirstLine).map((p) => p.code);

const decimal = (what: string) =>
  z.string().regex(/^\d{1,14}(\.\d{1,6})?$/, `${what}: a decimal string, e.g. "1250.50".`);
const positive = (what: string) =>
  decimal(what).refine((s) => /[1-9]/.test(s), {
    message: `${what} must be more than zero.`,
    params: { rule: 'firstLine.positive' },
  });
const country = z.string().superRefine(checkedBy(validateCountryCode));
const documentNumber = text.trim().regex(/^[A-Za-z0-9][A-Za-z0-9\-/]{2,39}$/, 'A document number, 3 to 40 characters.');

export const firstLineLine = z
  .object({
    kind: z
      .enum(LINE_KINDS)
      .describe('BOOK: into (or out of) the account book; TAXED: pays duty at import; GENERAL: export under no book'),
    itemId: z.uuid().optional().describe("BOOK lines: the book item (code, unit and origin are the item's)"),
    hsCode: z
      .string()
      .superRefine(checkedBy((v) => validateHsCode(v, 10)))
      .optional(),
    description: text.trim().min(1).max(300),
    quantity: positive('quantity'),
    unit: z
      .string()
      .regex(/^[A-Z0-9]{1,8}$/, 'The legal unit code, e.g. KG, PCS, L, SET.')
      .optional(),
    netWeightKg: positive('netWeightKg'),
    valueCny: positive('valueCny').describe('Customs value in CNY'),
    originCountry: country.optional(),
    licenceNumber: documentNumber.optional().describe('Restricted goods: the licence they are declared under'),
    certificateNumber: documentNumber
      .optional()
      .describe('TAXED lines: the certificate of origin for a conventional rate'),
  })
  .strict()
  .superRefine((l, c) => {
    if (l.kind === 'BOOK') return;
    for (const f of ['hsCode', 'unit', 'originCountry'] as const) {
      if (l[f] === undefined) {
        c.addIssue({
          code: 'custom',
          path: [f],
          message: `${f} is required on a ${l.kind} line.`,
          params: { rule: 'firstLine.required' },
        });
      }
    }
  });

export const firstLineBody = z
  .object({
    requestId: z.uuid().describe('Idempotency key: the same id and body answer the first filing'),
    direction: z.enum(DIRECTIONS),
    port: z.enum(FIRST_LINE_PORTS as [string, ...string[]]).describe('First-line open port'),
    transportMode: z.enum(['SEA', 'AIR', 'ROAD', 'RAIL', 'POST']).optional(),
    declarationDate: isoDate.optional().describe('Default today (Asia/Shanghai); never a day to come'),
    counterpartCountry: country.optional().describe('Import: country of departure; export: country of destination'),
    foreignParty: text
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('Import: the foreign seller; export: the foreign buyer'),
    bookId: z.uuid().optional().describe('The account book of the BOOK lines'),
    directRelease: z.boolean().optional().describe('径予放行: released now, entered into the book within the deadline'),
    lines: z.array(firstLineLine).min(1).max(50),
  })
  .strict();
export type FirstLineBody = z.infer<typeof firstLineBody>;

const taxStep = z.object({ amount: z.string(), status: z.string(), rule: z.string(), formula: z.string() });

export const judgedLineOut = z.object({
  index: z.number(),
  kind: z.string(),
  itemId: z.string().nullable(),
  hsCode: z.string(),
  description: z.string(),
  quantity: z.string(),
  unit: z.string(),
  netWeightKg: z.string(),
  valueCny: z.string(),
  originCountry: z.string(),
  regime: z.string(),
  licence: z.object({ number: z.string(), useId: z.string(), type: z.string().nullable() }).nullable(),
  tariff: z
    .object({
      version: z.number(),
      kind: z.string(),
      agreement: z.string().nullable(),
      rule: z.string(),
      dutyRate: z.string(),
      specificDutyPerUnit: z.string().nullable(),
      consumptionTaxRate: z.string().nullable(),
      vatRate: z.string(),
      certificate: z.object({ agreement: z.string(), number: z.string() }).nullable(),
    })
    .nullable(),
});

const taxesOut = z
  .object({
    duty: z.string(),
    consumptionTax: z.string(),
    vat: z.string(),
    total: z.string(),
    waived: z.record(z.string(), z.boolean()),
    lines: z.array(
      z.object({
        index: z.number(),
        dutiableValue: z.string(),
        duty: taxStep,
        consumptionTax: taxStep,
        vat: taxStep,
        total: z.string(),
      }),
    ),
    parameterVersions: z.record(z.string(), z.number()),
  })
  .nullable();

/** The risk verdict as officers read it: the summary of the engine's decision kept with a held declaration. */
export const firstLineRiskOut = z.object({
  level: z.enum(LEVELS),
  score: z.string().describe('Decimal string'),
  action: z.enum(['INSPECT', 'DOCUMENT_CHECK', 'RELEASE']),
  selected: z.boolean(),
  reasons: z.array(z.string()).describe('Why it was selected: RISK_RED, RANDOM_FLOOR, ...'),
  features: z.array(z.object({ code: z.string(), contribution: z.number() })),
});
export type FirstLineRisk = z.infer<typeof firstLineRiskOut>;

export const firstLineOut = z.object({
  id: z.string(),
  requestId: z.string(),
  enterpriseId: z.string(),
  uscc: z.string(),
  direction: z.string(),
  port: z.string(),
  declarationDate: z.string(),
  bookId: z.string().nullable(),
  directRelease: z.boolean(),
  state: z.string(),
  stateReason: z.string(),
  lines: z.array(judgedLineOut),
  taxes: taxesOut,
  billId: z.string().nullable(),
  ledgerDocumentId: z.string().nullable(),
  directReleaseId: z.string().nullable(),
  decidedBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Officers only: the risk verdict (null when none held it); never in a trader's answer. */
  risk: firstLineRiskOut.nullable().optional(),
});

export const decideBody = z
  .object({ decision: z.enum(['RELEASE', 'REJECT']), reason: text.trim().min(3).max(500) })
  .strict();

export const listQuery = z
  .object({
    state: z.enum(['HELD', 'RELEASED', 'REJECTED']).optional(),
    direction: z.enum(DIRECTIONS).optional(),
    uscc: usccField.optional().describe("Officers: one enterprise's declarations (a trader always reads its own)"),
    ...pageQuery,
  })
  .strict();
export type ListQuery = z.output<typeof listQuery>;
export const idParams = z.object({ id: z.uuid() }).strict();

export const billOut = z.object({
  id: z.string(),
  number: z.string(),
  declarationId: z.string(),
  enterpriseId: z.string(),
  duty: z.string(),
  consumptionTax: z.string(),
  vat: z.string(),
  total: z.string(),
  lines: z.unknown(),
  parameterVersions: z.record(z.string(), z.number()),
  issuedOn: z.string(),
  issuedAt: z.string(),
  /** Its payment state (payments module): UNPAID, GUARANTEED, PAID or OVERDUE, due date, surcharge. */
  payment: paymentOut,
});
