/** The events the value-added module publishes (payloads as zod schemas). */
import { z } from 'zod';

export const VALUE_ADDED_EVENTS = {
  /**
   * An officer decided a queued ratio. With a declaration, the exit line it held goes on: approved,
   * released duty-free; rejected, taxed as goods below the threshold.
   */
  ValueAddedReviewDecided: z.object({
    reviewId: z.uuid(),
    enterpriseId: z.uuid(),
    declarationId: z.uuid().nullable(),
    lineIndex: z.number().int().min(0).nullable(),
    decision: z.enum(['APPROVED', 'REJECTED']),
    ratio: z.string(),
    decidedBy: z.string(),
    reason: z.string().nullable(),
  }),
} as const;
export type ValueAddedEventType = keyof typeof VALUE_ADDED_EVENTS;
