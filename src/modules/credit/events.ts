/**
 * The credit module's outbox events, as zod schemas of their payloads (aggregate `credit`, id = the
 * subject's id): what other modules and the shared NATS subjects (`tidegate.shared.credit.*`) carry.
 */
import { z } from 'zod';
import { CREDIT_CLASSES, SUBJECT_KINDS } from './rules.ts';

/** One input a reason rests on, as a subject, an officer or a department is shown it (service/store.ts). */
const inputSummary = z.object({
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

/** A rule that put the subject in its class, since when (and until when, when it ends), with its inputs. */
const reason = z.object({
  rule: z.string(),
  source: z.string(),
  inputIds: z.array(z.string()),
  since: z.string(),
  until: z.string().optional(),
  inputs: z.array(inputSummary),
});

export const CREDIT_EVENTS = {
  /** A subject's class changed (a first classification as WHITELIST is no change and is not published). */
  CreditClassChanged: z.object({
    subjectKind: z.enum(SUBJECT_KINDS),
    /** The subject's code: an enterprise's USCC, a person's id. */
    subject: z.string(),
    effectiveDate: z.string(),
    from: z.enum(CREDIT_CLASSES),
    to: z.enum(CREDIT_CLASSES),
    reasons: z.array(reason),
    cause: z.string(),
    /** The versions of the classification parameters the class was computed with, by name. */
    parameterVersions: z.record(z.string(), z.number().int()),
  }),
} as const;

export type CreditEventType = keyof typeof CREDIT_EVENTS;
export type CreditClassChangedPayload = z.output<(typeof CREDIT_EVENTS)['CreditClassChanged']>;
