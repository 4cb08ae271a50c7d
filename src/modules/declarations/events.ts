/**
 * The declarations module's outbox events (aggregate `declaration`, id = the declaration's id; the
 * enterprise's id for its batch facility), as zod schemas of their payloads: what other modules,
 * the command centre and the shared subjects may consume.
 */
import { z } from 'zod';
import { STATES } from './rules.ts';

/** `kind`: one of DECLARATION_KINDS (rules.ts), written as the declaration row holds it. */
const ofDeclaration = { declarationId: z.string(), kind: z.string(), enterpriseId: z.string() };
/** The period (YYYY-MM) of the centralized declaration the facility waits for. */
const ofFacility = { enterpriseId: z.string(), period: z.string().nullable() };

export const DECLARATIONS_EVENTS = {
  DeclarationSubmitted: z.object({
    ...ofDeclaration,
    version: z.number().int(),
    /** The declaration this one amends, if any. */
    previousId: z.string().nullable(),
  }),
  /** Every transition after the submission, with its reason and the rule that decided it. */
  DeclarationStateChanged: z.object({
    ...ofDeclaration,
    /** The state it left (one of STATES, as the row held it). */
    from: z.string(),
    to: z.enum(STATES),
    reason: z.string(),
    rule: z.string(),
  }),
  /** A tax bill (税单): the original at acceptance, a supplementary one (补税) after an inspection's correction. */
  TaxBillIssued: z.object({
    billId: z.string(),
    billNo: z.string(),
    declarationId: z.string(),
    enterpriseId: z.string(),
    kind: z.enum(['ORIGINAL', 'SUPPLEMENTARY']),
    duty: z.string(),
    consumptionTax: z.string(),
    vat: z.string(),
    total: z.string(),
  }),
  /** A value-added confirmation number withdrawn after an inspection's correction decided the exemption again. */
  ConfirmationNumberWithdrawn: z.object({
    declarationId: z.string(),
    enterpriseId: z.string(),
    number: z.string(),
    taskId: z.string(),
    ratio: z.string(),
    threshold: z.string(),
    reason: z.string(),
  }),
  /** A month's centralized declaration not filed by its due day: the batch facility is suspended. */
  CentralizedDeclarationOverdue: z.object({ ...ofFacility, uscc: z.string().optional(), dueDate: z.string() }),
  /** An officer lifted the suspension of an enterprise's batch facility. */
  BatchFacilityRestored: z.object({ ...ofFacility, uscc: z.string(), reason: z.string() }),
} as const;

export type DeclarationsEventType = keyof typeof DECLARATIONS_EVENTS;
