import { z } from 'zod';
import { checkedBy, isoDate } from '../../kernel/wire.ts';
import { validateHsCode } from '../../kernel/hsCode.ts';
import { validateUscc } from '../../kernel/uscc.ts';
import { validateCountryCode } from '../../kernel/country.ts';

/**
 * What the declaration module hands to `assessDeclaration` (see README.md): a plain description of a
 * declaration. Quantities, weights, values and rates are decimal strings, never floats.
 */
export const DECLARATION_KINDS = [
  'FIRST_LINE_IMPORT',
  'FIRST_LINE_EXPORT',
  'ISLAND_TRANSFER',
  'PROCESSING_REPORT',
  'SECOND_LINE_EXIT',
  'CENTRALIZED_DECLARATION',
] as const;
export type DeclarationKind = (typeof DECLARATION_KINDS)[number];

export const REGIMES = ['ZERO_TARIFF', 'PROCESSING_VALUE_ADDED', 'RELAXED_TRADE', 'BONDED', 'GENERAL'] as const;
export const TRANSPORT_MODES = ['SEA', 'AIR', 'ROAD', 'RAIL', 'POST'] as const;

/** Lines per declaration: the simplified declaration has far fewer; beyond this, split the declaration. */
export const MAX_LINES = 200;

const decimal = (what: string) =>
  z.string().regex(/^\d{1,15}(\.\d{1,6})?$/, `${what}: a non-negative decimal string, e.g. "1250.50".`);
const positive = (what: string) =>
  decimal(what).refine((s) => Number(s) > 0, {
    message: `${what} must be more than zero.`,
    params: { rule: 'risk.input.positive' },
  });
const rate = (what: string) => z.string().regex(/^\d{1,3}(\.\d{1,6})?$/, `${what}: a decimal string, e.g. "0.13".`);
// The shared validator: a book item's origin is checked by the same rule, so goods on a book can always be declared.
const country = z.string().superRefine(checkedBy(validateCountryCode));

export const assessmentLine = z
  .object({
    hsCode: z.string().superRefine(checkedBy((s) => validateHsCode(s))),
    description: z.string().trim().min(1).max(500),
    quantity: positive('quantity'),
    unit: z.string().regex(/^[A-Z0-9]{1,8}$/, 'The legal unit code, e.g. KG, PCS, L, SET.'),
    netWeightKg: positive('netWeightKg'),
    grossWeightKg: positive('grossWeightKg').optional(),
    valueCny: decimal('valueCny'),
    originCountry: country,
    valueAddedRatio: z
      .string()
      .regex(/^-?\d{1,4}(\.\d{1,6})?$/, 'A ratio as a decimal string, e.g. "0.31".')
      .optional(),
    bookEntryDate: isoDate.optional().describe('When the goods entered the account book, if they come from one'),
    regime: z.enum(REGIMES).optional(),
    dutyRate: rate('dutyRate').optional(),
    vatRate: rate('vatRate').optional(),
    consumptionTaxRate: rate('consumptionTaxRate').optional(),
    restricted: z.boolean().optional().describe('First line: goods of the restricted list, declared under a licence'),
    preferenceAgreement: z
      .string()
      .regex(/^[A-Z0-9][A-Z0-9-]{1,19}$/)
      .optional()
      .describe('First line: the agreement whose conventional rate the line takes on a certificate of origin'),
  })
  .strict();

export const assessmentInput = z
  .object({
    declarationId: z.uuid(),
    kind: z.enum(DECLARATION_KINDS),
    enterpriseId: z.uuid(),
    uscc: z.string().superRefine(checkedBy(validateUscc)),
    port: z.string().min(2).max(32),
    transportMode: z.enum(TRANSPORT_MODES).optional(),
    route: z
      .object({
        origin: country.optional().describe('Country of departure'),
        destination: z.string().min(2).max(16).optional().describe('Country of destination, or CN-MAINLAND'),
        via: z.array(country).max(10).optional().describe('Transit countries'),
      })
      .strict()
      .optional(),
    parties: z
      .object({
        seller: z.string().trim().min(1).max(200).optional().describe('Foreign seller or consignor'),
        buyer: z.string().trim().min(1).max(200).optional().describe('Buyer or consignee'),
      })
      .strict()
      .optional(),
    lines: z.array(assessmentLine).min(1).max(MAX_LINES),
  })
  .strict();

export type AssessmentInput = z.infer<typeof assessmentInput>;
export type AssessmentLine = z.infer<typeof assessmentLine>;
