/**
 * The first-line module's outbox events (aggregate `firstline`, id = the first-line declaration's
 * id), as zod schemas of their payloads. Amounts are decimal strings, never floats.
 */
import { z } from 'zod';
import { DIRECTIONS } from './rules.ts';

const ofDeclaration = { id: z.string(), enterpriseId: z.string() };

export const FIRST_LINE_EVENTS = {
  /** A declaration filed (held until the risk decision or an officer releases it). */
  FirstLineDeclarationFiled: z.object({
    ...ofDeclaration,
    direction: z.enum(DIRECTIONS),
    port: z.string(),
    declarationDate: z.string(),
  }),
  /** Released: the book's document or the direct release, and the bill's total when taxes were due. */
  FirstLineDeclarationReleased: z.object({
    ...ofDeclaration,
    ledgerDocumentId: z.string().nullable(),
    directReleaseId: z.string().nullable(),
    total: z.string().nullable(),
  }),
  /** Refused by an officer (the licences written off on filing go back). */
  FirstLineDeclarationRejected: z.object(ofDeclaration),
} as const;

export type FirstLineEventType = keyof typeof FIRST_LINE_EVENTS;
