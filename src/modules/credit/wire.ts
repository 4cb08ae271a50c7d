import { z } from 'zod';
import { isoDate } from '../../kernel/wire.ts';
import { AEO_ACTIONS, CREDIT_CLASSES, LEGAL_EVENT_KINDS, SUBJECT_KINDS } from './rules.ts';

const department = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'Use the department code, e.g. tax, market_regulation, maritime.');

export const creditInputBody = z
  .object({
    subjectKind: z.enum(SUBJECT_KINDS),
    subject: z.string().min(1).max(64).describe('USCC of an enterprise, or the id of an individual'),
    source: department.describe('The department that pushes the input'),
    effectiveDate: isoDate,
    reference: z.string().max(120).optional(),
    input: z.discriminatedUnion('type', [
      z.object({ type: z.literal('SECTOR_RATING'), department, level: z.string().min(1).max(20), isLowestLevel: z.boolean() }).strict(),
      z.object({ type: z.literal('EVENT'), kind: z.enum(LEGAL_EVENT_KINDS) }).strict(),
      z.object({ type: z.literal('AEO'), action: z.enum(AEO_ACTIONS) }).strict(),
    ]),
  })
  .strict();

export const reasonOut = z.object({ rule: z.string(), source: z.string(), inputIds: z.array(z.string()), since: z.string(), until: z.string().optional() });

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
  reasons: z.unknown(),
  cause: z.string(),
  recordedAt: z.string(),
});
