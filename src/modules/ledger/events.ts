/**
 * The ledger module's outbox events (aggregate `ledger`, id = the book's id), as zod schemas of
 * their payloads: what other modules, the command centre and the shared subjects may consume.
 * Quantities are decimal strings.
 */
import { z } from 'zod';
import { DOCUMENT_TYPES, POST_DESTINATIONS, REGIMES } from './rules.ts';

const ofBook = { bookId: z.string(), enterpriseId: z.string() };

/** The item fields a correction changed: hsCode, originCountry, name, specification (ledger/rules.ts). */
const itemFields = z.record(z.string(), z.string());

/** A reservation as it stands: for which document, and each item's reserved, posted and released quantities. */
const reservation = z.object({
  reservationId: z.string(),
  ...ofBook,
  purpose: z.object({ documentType: z.string(), documentId: z.string() }),
  lines: z.array(z.object({ itemId: z.string(), reserved: z.string(), posted: z.string(), released: z.string() })),
});

/** A document entered on a book: posted at once, or an adjustment filed for an officer's decision. */
const document = z.object({
  documentId: z.string(),
  ...ofBook,
  type: z.enum(DOCUMENT_TYPES),
  status: z.string(),
  businessDate: z.string(),
  reference: z.string().nullable(),
  counterpartyBookId: z.string().nullable(),
  lines: z.array(
    z.object({ lineNo: z.number().int(), itemId: z.string(), direction: z.enum(['IN', 'OUT']), quantity: z.string() }),
  ),
  /** The document's tax figures where it carries any (a first-line import's), else null. */
  tax: z.unknown(),
});

const decided = z.object({ documentId: z.string(), ...ofBook, decidedBy: z.string() });

export const LEDGER_EVENTS = {
  BookOpened: z.object({
    id: z.string(),
    enterpriseId: z.string(),
    regime: z.enum(REGIMES),
    bookNo: z.string(),
    status: z.enum(['ACTIVE', 'CLOSED']),
  }),
  ItemCorrected: z.object({
    ...ofBook,
    itemId: z.string(),
    itemNo: z.string(),
    before: itemFields,
    after: itemFields,
    reason: z.string(),
  }),
  DocumentPosted: document,
  AdjustmentFiled: document,
  AdjustmentApproved: decided,
  AdjustmentRejected: decided,
  LedgerAlertRaised: z.object({ kind: z.string(), ...ofBook, reference: z.string(), detail: z.unknown() }),
  GoodsReserved: reservation,
  /** A reservation's goods posted out (to the mainland, abroad, …) for a document (the gate's pass). */
  ReservationPosted: reservation.extend({
    postingId: z.string(),
    to: z.enum(POST_DESTINATIONS),
    document: z.object({ type: z.string(), id: z.string() }),
    posted: z.array(z.object({ itemId: z.string(), quantity: z.string() })),
  }),
  ReservationVoided: reservation.extend({ reason: z.string() }),
  ReservationExpired: reservation.extend({ reason: z.string() }),
} as const;

export type LedgerEventType = keyof typeof LEDGER_EVENTS;
export type ReservationPostedPayload = z.output<(typeof LEDGER_EVENTS)['ReservationPosted']>;
