/** Personal credit HTTP shapes: zod in (strict), zod out. */
import { z } from 'zod';
import { isoDate, text } from '../../kernel/wire.ts';
import { LEVELS, RECORD_KINDS } from './rules.ts';

const ID_TYPES = ['RESIDENT_ID', 'PASSPORT', 'HK_MACAO_PERMIT', 'TAIWAN_PERMIT'] as const;

export const person = {
  idType: z.enum(ID_TYPES),
  idNumber: text.trim().toUpperCase().min(5).max(32),
};

export const lookupBody = z.object({ ...person, asOf: isoDate.optional() }).strict();

export const recordBody = z
  .object({
    requestId: z.uuid().describe('your id for this record: the same id and record again return the first answer'),
    ...person,
    code: text.regex(
      /^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/,
      'A behaviour code, e.g. goodConduct.voluntaryDeclaration.',
    ),
    occurredOn: isoDate,
    reason: text.trim().min(3).max(500),
  })
  .strict();

export const withdrawBody = z
  .object({
    date: isoDate.optional().describe('the first day the record no longer counts (today by default, never ahead)'),
    reason: text.trim().min(3).max(500),
  })
  .strict();

export const recordOut = z.object({
  id: z.string(),
  code: z.string(),
  kind: z.enum(RECORD_KINDS),
  points: z.number(),
  occurredOn: z.string(),
  countsUntil: z.string().nullable(),
  reason: z.string(),
  source: z.string(),
  parameterVersion: z.number(),
  createdBy: z.string(),
  createdAt: z.string(),
  auditSeq: z.number(),
  withdrawn: z.object({ on: z.string(), reason: z.string(), by: z.string() }).nullable(),
});

export const scoreOut = z.object({
  asOf: z.string(),
  score: z.number(),
  level: z.enum(LEVELS),
  base: z.number(),
  reviewEverySale: z.boolean().describe('level at which an officer reviews every duty-free sale'),
  clampedBy: z.number(),
  nextChange: z.string().nullable(),
  reasons: z.array(recordOut.extend({ zh: z.string(), en: z.string() })),
  records: z.array(recordOut).optional(),
  parameterVersions: z.record(z.string(), z.number()),
});

export const pointsOut = z.object({
  asOf: z.string(),
  base: z.number(),
  levelThresholds: z.object({ A: z.number(), B: z.number(), C: z.number() }),
  points: z.record(
    z.string(),
    z.object({
      kind: z.string(),
      points: z.number(),
      validYears: z.number().nullable(),
      zh: z.string(),
      en: z.string(),
    }),
  ),
  parameterVersions: z.record(z.string(), z.number()),
});
