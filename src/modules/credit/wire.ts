import { z } from 'zod';
import { isoDate, text } from '../../kernel/wire.ts';
import { validateUscc } from '../../kernel/uscc.ts';
import { AEO_ACTIONS, CREDIT_CLASSES, LEGAL_EVENT_KINDS, SUBJECT_KINDS } from './rules.ts';

const department = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,39}$/, 'Use the department code, e.g. tax, market_regulation, maritime.');
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const creditInputBody = z
  .object({
    inputId: z
      .string()
      .regex(UUID_V7, 'Use a lower-case UUIDv7.')
      .optional()
      .describe(
        'Your id for this input (UUIDv7): a retry with the same id and content returns the first ' +
          'result, other content is a 409. Inputs of one day count in id order.',
      ),
    subjectKind: z.enum(SUBJECT_KINDS),
    subject: text.min(1).max(64).describe('USCC of an enterprise, or the id of an individual'),
    source: department.describe('The department that pushes the input'),
    effectiveDate: isoDate,
    reference: text.max(120).optional(),
    input: z.discriminatedUnion('type', [
      z
        .object({
          type: z.literal('SECTOR_RATING'),
          department,
          level: text.min(1).max(20),
          isLowestLevel: z.boolean(),
        })
        .strict(),
      z.object({ type: z.literal('EVENT'), kind: z.enum(LEGAL_EVENT_KINDS) }).strict(),
      z.object({ type: z.literal('AEO'), action: z.enum(AEO_ACTIONS) }).strict(),
    ]),
  })
  .strict()
  .superRefine((body, ctx) => {
    // The subject code is checked here (its form) and in the service (that it is registered).
    if (body.subjectKind === 'ENTERPRISE') {
      const violation = validateUscc(body.subject);
      if (violation)
        ctx.addIssue({
          code: 'custom',
          path: ['subject'],
          message: violation.message,
          params: { rule: violation.rule },
        });
    } else if (!UUID.test(body.subject)) {
      ctx.addIssue({
        code: 'custom',
        path: ['subject'],
        message: 'Give the Tidegate id of the individual (a UUID), never an ID number.',
        params: { rule: 'credit.individualId' },
      });
    }
  });
export type CreditInputBody = z.infer<typeof creditInputBody>;

export const withdrawalBody = z
  .object({
    date: isoDate.optional().describe('The day the input stops counting (default today; never in the future)'),
    reason: text.trim().min(3).max(500),
  })
  .strict();

export const inputSummaryOut = z.object({
  id: z.string(),
  type: z.string(),
  source: z.string(),
  effectiveDate: z.string(),
  reference: z.string().optional(),
  department: z.string().optional(),
  level: z.string().optional(),
  isLowestLevel: z.boolean().optional(),
  kind: z.string().optional(),
  action: z.string().optional(),
});

export const reasonOut = z.object({
  rule: z.string(),
  source: z.string(),
  inputIds: z.array(z.string()),
  since: z.string(),
  until: z.string().optional(),
  inputs: z
    .array(inputSummaryOut)
    .optional()
    .describe('The inputs behind the reason, so a subject sees what it is classified on'),
});

export const creditOut = z.object({
  subjectKind: z.enum(SUBJECT_KINDS),
  subject: z.string(),
  asOf: z.string(),
  class: z.enum(CREDIT_CLASSES),
  reasons: z.array(reasonOut),
  validUntil: z.string().nullable(),
  nextChange: z.string().nullable(),
  parameterVersions: z.record(z.string(), z.number()),
});

export const changeOut = z.object({
  seq: z.number(),
  subjectKind: z.string(),
  subject: z.string(),
  effectiveDate: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  reasons: z.array(reasonOut),
  cause: z.string(),
  recordedAt: z.string(),
  auditSeq: z.number().nullable(),
});

export const timelineOut = z.object({
  date: z.string(),
  from: z.string(),
  to: z.string(),
  reasons: z.array(reasonOut.omit({ inputs: true })),
});

export const inputOut = inputSummaryOut.extend({
  withdrawn: z.object({ date: z.string(), reason: z.string() }).nullable(),
  recordedBy: z.string(),
  recordedAt: z.string(),
  auditSeq: z.number().nullable(),
});

export const fieldErrorOut = z.object({ line: z.number(), path: z.string(), rule: z.string(), message: z.string() });

export const bulkResultOut = z.object({
  imported: z.number(),
  alreadyRecorded: z.number().describe('Records whose inputId was recorded before with the same content'),
  subjectsRecomputed: z.number(),
  classChanges: z.number(),
  auditSeq: z.number().nullable(),
});

export const measuresOut = z.object({
  class: z.string(),
  subjectKind: z.string(),
  inspectionRate: z.union([
    z.object({ kind: z.literal('MULTIPLIER'), multiplier: z.string() }),
    z.object({ kind: z.literal('FLOOR'), minimumRate: z.string() }),
  ]),
  batchExitAllowed: z.boolean(),
  inspectWithoutRiskAlert: z.boolean(),
  auditFrequency: z.string(),
  parameterVersions: z.record(z.string(), z.number()),
});
