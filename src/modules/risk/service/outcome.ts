import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/client.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { canonicalJson } from '../../../kernel/canonicalJson.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { problems } from '../../../kernel/problem.ts';
import { checkedBy } from '../../../kernel/wire.ts';
import { validateHsCode } from '../../../kernel/hsCode.ts';
import { MAX_LINES, type AssessmentInput, type AssessmentLine } from '../input.ts';
import type { FiredFeature } from '../rules.ts';
import { riskDecisions, riskOutcomes } from '../schema.ts';
import { applyOutcomeStatDeltas, applyReferenceDeltas, lineReferenceDeltas, lockTraderProfile, markPartyViolations, outcomeStatDeltas, partyKey, saveTraderProfile, type ReferenceDelta } from './derived.ts';
import { tallyOutcome } from './tallies.ts';
import { riskKeys } from './assess.ts';
import { parseOrProblem } from './validate.ts';

export const OUTCOMES = ['MATCH', 'DISCREPANCY', 'SEIZURE'] as const;
export type Outcome = (typeof OUTCOMES)[number];

const decimal = z.string().regex(/^\d{1,15}(\.\d{1,2})?$/, 'A non-negative amount in CNY, e.g. "1250.50".');
const positive = z.string().regex(/^\d{1,15}(\.\d{1,6})?$/, 'A decimal string, e.g. "12.5".').refine((s) => Number(s) > 0, 'Must be more than zero.');

export const outcomeInput = z
  .object({
    declarationId: z.uuid(),
    outcome: z.enum(OUTCOMES),
    correctedValues: z
      .object({
        lines: z
          .array(
            z
              .object({
                index: z.number().int().min(0).max(MAX_LINES - 1),
                hsCode: z.string().superRefine(checkedBy((s) => validateHsCode(s))).optional(),
                quantity: positive.optional(),
                netWeightKg: positive.optional(),
                valueCny: decimal.optional(),
                originCountry: z.string().regex(/^[A-Z]{2}$/).optional(),
              })
              .strict(),
          )
          .min(1)
          .max(MAX_LINES),
      })
      .strict()
      .optional(),
    revenueRecovered: decimal.optional(),
  })
  .strict();
export type OutcomeInput = z.infer<typeof outcomeInput>;

export interface OutcomeView {
  declarationId: string;
  outcome: Outcome;
  revenueRecovered: string;
  correctedValues: OutcomeInput['correctedValues'] | null;
  recordedAt: string;
  recordedBy: string;
}

function view(r: typeof riskOutcomes.$inferSelect): OutcomeView {
  return { declarationId: r.declarationId, outcome: r.outcome as Outcome, revenueRecovered: r.revenueRecovered, correctedValues: (r.correctedValues as OutcomeInput['correctedValues']) ?? null, recordedAt: r.recordedAt.toISOString(), recordedBy: r.recordedBy };
}

/** What the references learn from an outcome: a confirmed price joins, a corrected line replaces the declared one. */
function referenceCorrections(input: AssessmentInput, included: boolean[], o: OutcomeInput): ReferenceDelta[] {
  const deltas: ReferenceDelta[] = [];
  const corrected = new Map((o.correctedValues?.lines ?? []).map((c) => [c.index, c]));
  input.lines.forEach((line, i) => {
    const c = corrected.get(i);
    if (o.outcome === 'MATCH') {
      if (!included[i]) deltas.push(...lineReferenceDeltas(line, 1).filter((d) => d.kind === 'PRICE'));
      return;
    }
    if (!c) return;
    deltas.push(...lineReferenceDeltas(line, -1).filter((d) => d.kind === 'WEIGHT' || included[i]));
    const fixed: AssessmentLine = { ...line, ...(c.hsCode ? { hsCode: c.hsCode } : {}), ...(c.quantity ? { quantity: c.quantity } : {}), ...(c.netWeightKg ? { netWeightKg: c.netWeightKg } : {}), ...(c.valueCny ? { valueCny: c.valueCny } : {}), ...(c.originCountry ? { originCountry: c.originCountry } : {}) };
    deltas.push(...lineReferenceDeltas(fixed, 1));
  });
  return deltas;
}

/**
 * Records what an inspection found, inside the caller's transaction (the inspection module's). It
 * labels the declaration for training, and updates the trader's history, the origin, route and
 * party hit rates, the reference prices and the per-feature hit rates and yield. Idempotent by
 * declaration id: the same outcome again is a no-op; a different one is a conflict.
 */
export async function recordOutcome(tx: Executor, ctx: AppContext, raw: OutcomeInput, recordedBy = 'system:inspection'): Promise<OutcomeView> {
  const o = parseOrProblem(outcomeInput, raw, 'risk.outcome');
  if (o.correctedValues && o.outcome === 'MATCH') throw problems.field('correctedValues', 'risk.outcome.correctionNeedsDiscrepancy', 'Corrected values go with a DISCREPANCY or SEIZURE, not a MATCH.');
  const [decision] = await tx.select().from(riskDecisions).where(eq(riskDecisions.declarationId, o.declarationId)).limit(1);
  if (!decision) throw problems.notFound(`The risk decision of declaration ${o.declarationId}`);
  const input = decision.input as AssessmentInput;
  (o.correctedValues?.lines ?? []).forEach((c, i) => {
    if (c.index >= input.lines.length) throw problems.field(`correctedValues.lines[${i}].index`, 'risk.outcome.lineIndex', `The declaration has ${input.lines.length} line(s), numbered from 0.`);
  });
  const revenueRecovered = o.revenueRecovered ?? '0';
  const payloadHash = createHash('sha256').update(canonicalJson({ ...o, revenueRecovered })).digest('hex');
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const [inserted] = await tx
    .insert(riskOutcomes)
    .values({ enterpriseId: decision.enterpriseId, declarationId: o.declarationId, outcome: o.outcome, correctedValues: o.correctedValues ?? null, revenueRecovered, payloadHash, decisionDate: decision.businessDate, recordedBy, recordedAt: now })
    .onConflictDoNothing()
    .returning();
  if (!inserted) {
    const [existing] = await tx.select().from(riskOutcomes).where(eq(riskOutcomes.declarationId, o.declarationId)).limit(1);
    if (existing?.payloadHash === payloadHash) return view(existing);
    throw problems.conflict(`An outcome was already recorded for declaration ${o.declarationId}.`, { rule: 'risk.outcomeExists' });
  }

  const hit = o.outcome !== 'MATCH';
  const profile = await lockTraderProfile(tx, decision.enterpriseId, today);
  await saveTraderProfile(tx, decision.enterpriseId, {
    ...profile,
    inspected: profile.inspected + 1,
    violations: profile.violations + (hit ? 1 : 0),
    seizures: profile.seizures + (o.outcome === 'SEIZURE' ? 1 : 0),
    lastViolationOn: hit && (profile.lastViolationOn === null || today > profile.lastViolationOn) ? today : profile.lastViolationOn,
  });
  const keys = riskKeys(ctx);
  const parties = { seller: input.parties?.seller ? partyKey(keys.party, input.parties.seller) : null, buyer: input.parties?.buyer ? partyKey(keys.party, input.parties.buyer) : null };
  const partyDeltas = await markPartyViolations(tx, decision.enterpriseId, parties, hit);
  await applyOutcomeStatDeltas(tx, [...outcomeStatDeltas(input, hit), ...partyDeltas]);
  await applyReferenceDeltas(tx, referenceCorrections(input, decision.referenceIncluded as boolean[], o));
  await tallyOutcome(tx, { day: decision.businessDate, port: decision.port, level: decision.level, creditClass: decision.creditClass, unbiasedSample: decision.unbiasedSample, hit, revenueRecovered }, decision.fired as FiredFeature[]);

  const change = { declarationId: o.declarationId, outcome: o.outcome, revenueRecovered, corrected: o.correctedValues?.lines.map((l) => l.index) ?? [], payloadHash };
  const { seq } = await appendAudit(tx, { actor: recordedBy, action: 'risk.outcome', subject: `declaration:${o.declarationId}`, change, at: now });
  await enqueueEvents(tx, [{ aggregateType: 'declaration', aggregateId: o.declarationId, eventType: 'RiskOutcomeRecorded', payload: { ...change, enterpriseId: decision.enterpriseId, level: decision.level }, occurredAt: now, auditSeq: seq }]);
  return view(inserted);
}
