/** The gate's HTTP shapes: zod in (strict), zod out. The service checks the rules and names fields. */
import { z } from 'zod';
import { isoDateTime, text } from '../../kernel/wire.ts';
import { REASON_CODES, SEAL_STATES } from './rules.ts';

const decimal = text.max(40).describe('decimal string');
const dateTime = isoDateTime;
// Ids and codes are checked by the service, which names the field; here only that they are storable text.
const id = text.max(64);
const reasonOut = z.object({
  code: z.enum(REASON_CODES),
  detail: z.string(),
  container: z.string().optional(),
  byKg: z.string().optional(),
});

export const gateEventBody = z
  .object({
    eventId: text.min(1).max(64).describe("the device's event id: the same id always gets the same answer"),
    portCode: id,
    laneCode: id,
    direction: z.enum(['OUT', 'IN']),
    plate: text.min(1).max(20).describe('plate as read'),
    containers: z.array(text.max(20)).max(4).describe('container numbers as read'),
    weightKg: z
      .string()
      .regex(/^\d{1,7}(\.\d{1,3})?$/, 'weightKg is a decimal string of kg')
      .describe('weighbridge gross weight, kg'),
    sealState: z.enum(SEAL_STATES),
    seals: z.array(text.max(20)).max(8).optional().describe('seal numbers as read (e-seal lanes)'),
    at: dateTime,
  })
  .strict();

export const gateAnswerOut = z.object({
  eventId: z.string(),
  decision: z.enum(['PASS', 'DIVERT']),
  reasons: z.array(reasonOut),
  releaseOrderId: z.string().nullable(),
  complete: z.boolean(),
  inspectionTaskId: z.string().nullable(),
  postings: z.array(
    z.object({
      reservationId: z.string(),
      postingId: z.string(),
      lines: z.array(z.object({ itemId: z.string(), quantity: z.string() })),
    }),
  ),
});

const containerGoods = z
  .object({
    container: text.max(20),
    grossWeightKg: decimal,
    goods: z
      .array(z.object({ reservationId: id, itemId: id, quantity: decimal }).strict())
      .min(1)
      .max(200),
  })
  .strict();

export const issueBody = z
  .object({
    releaseOrderId: id,
    enterpriseId: id,
    documentType: z.enum(['SECOND_LINE_EXIT', 'BATCH_EXIT']),
    documentId: text.min(1).max(64),
    portCode: id,
    plate: text.max(20),
    containers: z.array(text.max(20)).max(4),
    seals: z.array(text.max(30)).max(8),
    expectedGrossWeightKg: decimal,
    validFrom: dateTime,
    validTo: dateTime,
    reservationIds: z.array(id).max(50),
    containerGoods: z.array(containerGoods).max(4).optional(),
  })
  .strict();

export const orderOut = z.object({
  id: z.string(),
  enterpriseId: z.string(),
  documentType: z.string(),
  documentId: z.string(),
  portCode: z.string(),
  plate: z.string(),
  containers: z.array(z.string()),
  seals: z.array(z.string()),
  expectedGrossWeightKg: z.string(),
  containerGoods: z
    .array(
      z.object({
        container: z.string(),
        grossWeightKg: z.string(),
        goods: z.array(z.object({ reservationId: z.string(), itemId: z.string(), quantity: z.string() })),
      }),
    )
    .nullable(),
  validFrom: z.date(),
  validTo: z.date(),
  reservationIds: z.array(z.string()),
  status: z.enum(['OPEN', 'PASSED', 'CANCELLED']),
  passedContainers: z.array(z.string()),
  held: z.boolean(),
  version: z.number(),
  createdAt: z.date(),
  closedAt: z.date().nullable(),
  cancelReason: z.string().nullable(),
});

export const syncOut = z.object({
  orders: z.array(orderOut),
  next: z.number(),
  more: z.boolean(),
  tolerance: z.object({ pct: z.string(), minKg: z.string() }),
});

export const laneOut = z.object({
  code: z.string(),
  portCode: z.string(),
  laneNo: z.number(),
  kind: z.string(),
  nameZh: z.string(),
});

const decisionIn = z
  .object({
    decision: z.enum(['PASS', 'DIVERT']),
    reasons: z.array(
      z
        .object({
          code: z.enum(REASON_CODES),
          detail: text.max(500),
          container: text.max(20).optional(),
          byKg: decimal.optional(),
        })
        .strict(),
    ),
    releaseOrderId: id.nullable(),
    leaving: z.array(text.max(20)),
    complete: z.boolean(),
    expectedWeightKg: decimal.nullable(),
  })
  .strict();

export const deviceKeyBody = z
  .object({
    publicKeyPem: text.min(40).max(2000),
    fromSeq: z
      .number()
      .int()
      .min(1)
      .max(2_000_000_000)
      .optional()
      .describe('a rotation: the first entry the new key signs'),
    endorsement: text
      .max(200)
      .optional()
      .describe('a rotation signed by the current key, base64 (edge/log.ts endorseRotation)'),
    newLog: z.boolean().optional().describe('a lane that lost its key and its log starts a new one'),
  })
  .strict();

export const replayBody = z
  .object({
    entries: z
      .array(
        z
          .object({
            seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
            prevHash: text.length(64),
            event: gateEventBody,
            decision: decisionIn,
            decidedAt: dateTime,
            hash: text.length(64),
            signature: text.max(200),
          })
          .strict(),
      )
      .min(1)
      .max(500),
  })
  .strict();

export const replayOut = z.object({
  replayedSeq: z.number(),
  recorded: z.number(),
  alreadyRecorded: z.number(),
  posted: z.number(),
  diverted: z.number(),
  conflicts: z.array(
    z.object({ eventId: z.string(), logSeq: z.number(), kind: z.string(), detail: z.string(), conflictId: z.string() }),
  ),
});

export const conflictOut = z.object({
  id: z.string(),
  deviceId: z.string(),
  eventId: z.string(),
  logSeq: z.number(),
  kind: z.string(),
  detail: z.string(),
  releaseOrderId: z.string().nullable(),
  status: z.string(),
  createdAt: z.date(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.date().nullable(),
  resolution: z.string().nullable(),
});

export const portViewOut = z.object({
  portCode: z.string(),
  from: z.date(),
  to: z.date(),
  lanes: z.array(
    z.object({
      code: z.string(),
      laneNo: z.number(),
      kind: z.string(),
      nameZh: z.string(),
      passed: z.number(),
      diverted: z.number(),
    }),
  ),
  hours: z.array(
    z.object({
      hour: z.number(),
      start: z.date(),
      label: z.string().describe('Shanghai hour'),
      passed: z.number(),
      diverted: z.number(),
    }),
  ),
  divertReasons: z.array(z.object({ code: z.string(), count: z.number() })),
  openInspections: z.number(),
  openReleaseOrders: z.number(),
  openReplayConflicts: z.number(),
});

const correction = z
  .object({
    lineIndex: z.number().int().min(0).max(10_000),
    hsCode: text.max(20).optional(),
    quantity: decimal.optional(),
    netWeightKg: decimal.optional(),
    valueCny: decimal.optional(),
    originCountry: text.max(3).optional(),
  })
  .strict();

export const taskOut = z.object({
  id: z.string(),
  source: z.string(),
  documentType: z.string(),
  documentId: z.string(),
  releaseOrderId: z.string().nullable(),
  portCode: z.string(),
  reasons: z.array(z.object({ code: z.string(), detail: z.string() })),
  status: z.string(),
  assignee: z.string().nullable(),
  outcome: z.string().nullable(),
  attended: z.boolean().nullable(),
  corrections: z.array(correction).nullable(),
  disposition: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  completedAt: z.date().nullable(),
});

/** The truck an inspection is about (from its release order), as the task list and task show it. */
export const shipmentOut = {
  plate: z.string().nullable(),
  containers: z.array(z.string()),
  seals: z.array(z.string()),
  enterprise: z.object({ uscc: z.string(), name: z.string() }).nullable(),
};

export const openTaskBody = z
  .object({
    taskId: id.optional(),
    documentType: text.min(1).max(40),
    documentId: text.min(1).max(64),
    releaseOrderId: id.nullable().optional(),
    portCode: id,
    reasons: z
      .array(z.object({ code: text.min(1).max(60), detail: text.max(500) }).strict())
      .min(1)
      .max(20),
  })
  .strict();

export const completeBody = z
  .object({
    outcome: z.enum(['MATCH', 'DISCREPANCY', 'SEIZURE']),
    attended: z.boolean().describe('false: 无陪同查验 (inspected without the trader)'),
    corrections: z.array(correction).max(1000).optional(),
    disposition: z.enum(['RELEASE', 'KEEP']),
    note: text.max(2000).optional(),
    revenueRecoveredCny: decimal.optional(),
  })
  .strict();

export const evidenceBody = z
  .object({
    fileName: text.min(1).max(200),
    contentType: text.max(100).default('application/octet-stream'),
    contentBase64: text.min(1).max(14_000_000),
  })
  .strict();
export const evidenceOut = z.object({
  id: z.string(),
  taskId: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  sizeBytes: z.number(),
  sha256: z.string(),
  uploadedAt: z.date(),
});
