/** The events joint control consumes and publishes (payloads as zod schemas). */
import { z } from 'zod';
import { RISK_EVENTS } from '../risk/events.ts';
import { DUTYFREE_EVENTS } from '../dutyfree/events.ts';
import { OUTCOMES } from './rules.ts';

/**
 * What joint control reads of the risk module's RiskAssessed event, by the risk module's schema: a
 * decision is a declaration's (enterprise and declaration ids, uuids: a case stores them as such);
 * only RED ones open a case. The rest of the payload is not read.
 */
export const riskAssessedPayload = RISK_EVENTS.RiskAssessed.pick({
  declarationId: true,
  enterpriseId: true,
  level: true,
}).extend({ declarationId: z.uuid(), enterpriseId: z.uuid() });

/**
 * What joint control reads of the duty-free module's DutyFreeSaleRiskRefused, by its schema: only RED
 * ones open a case; the buyer comes masked and hashed.
 */
export const saleRefusedPayload = DUTYFREE_EVENTS.DutyFreeSaleRiskRefused.extend({ saleId: z.uuid() });

/** A case is about a declaration (its enterprise and id) or a duty-free sale (its id): the other is null. */
const caseRef = {
  caseId: z.uuid(),
  declarationId: z.uuid().nullable(),
  enterpriseId: z.uuid().nullable(),
  saleId: z.uuid().nullable().optional(),
};

/** No level, score or ground in any of them: consumers outside customs may be given these events. */
export const JOINT_CONTROL_EVENTS = {
  JointControlCaseOpened: z.object({ ...caseRef, departments: z.array(z.string()), policyVersion: z.number() }),
  JointControlCaseAcknowledged: z.object({ ...caseRef, department: z.string() }),
  JointControlOutcomeReported: z.object({ ...caseRef, department: z.string(), outcome: z.enum(OUTCOMES) }),
  JointControlCaseClosed: z.object({ ...caseRef, reason: z.string() }),
} as const;
export type JointControlEventType = keyof typeof JOINT_CONTROL_EVENTS;
