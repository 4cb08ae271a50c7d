/**
 * The gate module's outbox events (aggregate type `gate`, id = the release order's or the task's id):
 * what other modules may consume (declarations, the command centre), as zod schemas of the payloads.
 */
import { z } from 'zod';

/** An inspection's correction of one line of the declaration (InspectionCompleted). */
export const correctionSchema = z.object({
  lineIndex: z.number().int().min(0),
  hsCode: z.string().optional(),
  quantity: z.string().optional(),
  netWeightKg: z.string().optional(),
  valueCny: z.string().optional(),
  originCountry: z.string().optional(),
});
export type Correction = z.infer<typeof correctionSchema>;

const posting = z.object({
  reservationId: z.string(),
  postingId: z.string(),
  lines: z.array(z.object({ itemId: z.string(), quantity: z.string() })),
});

/** Why a vehicle was diverted (the gate's rules: code, detail, and the container or excess weight it concerns). */
const diversionReason = z.object({
  code: z.string(),
  detail: z.string(),
  container: z.string().optional(),
  byKg: z.string().optional(),
});

export const GATE_EVENTS = {
  ReleaseOrderIssued: z.object({
    releaseOrderId: z.string(),
    documentType: z.string(),
    documentId: z.string(),
    enterpriseId: z.string(),
    portCode: z.string(),
    plate: z.string(),
  }),
  ReleaseOrderCancelled: z.object({
    releaseOrderId: z.string(),
    documentType: z.string(),
    documentId: z.string(),
    reason: z.string(),
  }),
  ReleaseOrderPassed: z.object({
    releaseOrderId: z.string(),
    documentType: z.string(),
    documentId: z.string(),
    enterpriseId: z.string(),
    gateEventId: z.string(),
    portCode: z.string(),
    passedAt: z.string(),
    complete: z.boolean(),
    postings: z.array(posting),
  }),
  ReleaseOrderDiverted: z.object({
    releaseOrderId: z.string().nullable(),
    gateEventId: z.string(),
    portCode: z.string(),
    reasons: z.array(diversionReason),
    inspectionTaskId: z.string().nullable(),
  }),
  InspectionCompleted: z.object({
    taskId: z.string(),
    documentType: z.string(),
    documentId: z.string(),
    releaseOrderId: z.string().nullable(),
    portCode: z.string(),
    outcome: z.enum(['MATCH', 'DISCREPANCY', 'SEIZURE']),
    attended: z.boolean(),
    disposition: z.enum(['RELEASE', 'KEEP']),
    corrections: z.array(correctionSchema),
    completedAt: z.string(),
  }),
} as const;

export type GateEventType = keyof typeof GATE_EVENTS;
