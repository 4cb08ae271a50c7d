/**
 * The resale-ring events (aggregate `dutyfree-buyer`, id = the buyer's id), as zod schemas of the
 * payloads: what other modules may consume. A person is found by the keyed hash of
 * `<idType>:<idNumber>`, never an ID number in clear.
 */
import { z } from 'zod';

export const RING_EVENTS = {
  /** A case that confirmed the buyer as a carrier was approved: the second-line credit input follows. */
  DutyFreeResaleCaseConfirmed: z.object({
    caseId: z.string(),
    buyerId: z.string(),
    idType: z.string(),
    idNumberHash: z.string(),
    confirmedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  }),
} as const;

export type RingEventType = keyof typeof RING_EVENTS;
export type RingEvent<T extends RingEventType> = z.infer<(typeof RING_EVENTS)[T]>;
