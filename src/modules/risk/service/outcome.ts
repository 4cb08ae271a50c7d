import { createHash } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/client.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { RISK_EVENTS } from '../events.ts';
import { canonicalJson } from '../../../kernel/canonicalJson.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { problems } from '../../../kernel/problem.ts';
import { checkedBy } from '../../../kernel/wire.ts';
import { validateHsCode } from '../../../kernel/hsCode.ts';
import { MAX_LINES, type AssessmentInput, type AssessmentLine } from '../input.ts';
import type { FiredFeature } from '../rules.ts';
import { riskDecisions, riskOutcomes } from '../schema.ts';
import {
  DerivedState,
  lineReferenceDeltas,
  partyKeysOf,
  profileAfterOutcome,
  type BatchItem,
  type ReferenceDelta,
} from './derived.ts';
import { Tallies } from './tallies.ts';
import { MAX_BATCH, riskKeys } from './assess.ts';
import { parseOrProblem } from './validate.ts';

export const OUTCOMES = ['MATCH', 'DISCREPANCY', 'SEIZURE'] as const;
export type Outcome = (typeof OUTCOMES)[number];

const decimal = z.string().regex(/^\d{1,15}(\.\d{1,2})?$/, 'A non-negative amount in CNY, e.g. "1250.50".');
const positive = z
  .string()
  .regex(/^\d{1,15}(\.\d{1,6})?$/, 'A decimal string, e.g. "12.5".')
  .refine((s) => Number(s) > 0, 'Must be more than zero.');

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
                index: z
                  .number()
                  .int()
                  .min(0)
                  .max(MAX_LINES - 1),
                hsCode: z
                  .string()
                  .superRefine(checkedBy((s) => validateHsCode(s)))
                  .optional(),
                quantity: positive.optional(),
                netWeightKg: positive.optional(),
                valueCny: decimal.optional(),
                originCountry: z
                  .string()
                  .regex(/^[A-Z]{2}$/)
                  .optional(),
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
  return {
    declarationId: r.declarationId,
    outcome: r.outcome as Outcome,
    revenueRecovered: r.revenueRecovered,
    correctedValues: (r.correctedValues as OutcomeInput['correctedValues']) ?? null,
    recordedAt: r.recordedAt.toISOString(),
    recordedBy: r.recordedBy,
  };
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
    const fixed: AssessmentLine = {
      ...line,
      ...(c.hsCode ? { hsCode: c.hsCode } : {}),
      ...(c.quantity ? { quantity: c.quantity } : {}),
      ...(c.netWeightKg ? { netWeightKg: c.netWeightKg } : {}),
      ...(c.valueCny ? { valueCny: c.valueCny } : {}),
      ...(c.originCountry ? { originCountry: c.originCountry } : {}),
    };
    deltas.push(...lineReferenceDeltas(fixed, 1));
  });
  return deltas;
}

/**
 * Records what inspections (or post-clearance audits) found, inside the caller's transaction (the
 * inspection module's). Each outcome labels its declaration for training and updates the trader's
 * history, the origin, route and party hit rates, the reference prices and the per-feature hit
 * rates and yield. Idempotent by declaration id: the same outcome again is a no-op; a different
 * one is a conflict. A batch is all-or-nothing.
 */
export async function recordOutcomes(
  tx: Executor,
  ctx: AppContext,
  raws: readonly OutcomeInput[],
  recordedBy = 'system:inspection',
): Promise<OutcomeView[]> {
  if (raws.length === 0) return [];
  if (raws.length > MAX_BATCH)
    throw problems.field('', 'risk.batch.size', `At most ${MAX_BATCH} outcomes per batch; split it.`);
  const single = raws.length === 1;
  const at = (i: number, path: string) => (single ? path : `[${i}]${path ? `.${path}` : ''}`);
  const outcomes = raws.map((r, i) => parseOrProblem(outcomeInput, r, 'risk.outcome', single ? [] : [i]));
  const ids = new Set<string>();
  outcomes.forEach((o, i) => {
    if (o.correctedValues && o.outcome === 'MATCH')
      throw problems.field(
        at(i, 'correctedValues'),
        'risk.outcome.correctionNeedsDiscrepancy',
        'Corrected values go with a DISCREPANCY or SEIZURE, not a MATCH.',
      );
    if (ids.has(o.declarationId))
      throw problems.field(
        at(i, 'declarationId'),
        'risk.batch.duplicate',
        `Declaration ${o.declarationId} appears twice in this batch.`,
      );
    ids.add(o.declarationId);
  });
  const decisions = new Map(
    (
      await tx
        .select()
        .from(riskDecisions)
        .where(inArray(riskDecisions.declarationId, [...ids]))
    ).map((d) => [d.declarationId, d]),
  );
  outcomes.forEach((o, i) => {
    const d = decisions.get(o.declarationId);
    if (!d) throw problems.notFound(`The risk decision of declaration ${o.declarationId}`);
    const lines = (d.input as AssessmentInput).lines.length;
    (o.correctedValues?.lines ?? []).forEach((c, j) => {
      if (c.index >= lines)
        throw problems.field(
          at(i, `correctedValues.lines[${j}].index`),
          'risk.outcome.lineIndex',
          `The declaration has ${lines} line(s), numbered from 0.`,
        );
    });
  });
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const prepared = outcomes.map((o) => {
    const revenueRecovered = o.revenueRecovered ?? '0';
    return {
      o,
      revenueRecovered,
      payloadHash: createHash('sha256')
        .update(canonicalJson({ ...o, revenueRecovered }))
        .digest('hex'),
      decision: decisions.get(o.declarationId)!,
    };
  });
  const inserted = await tx
    .insert(riskOutcomes)
    .values(
      prepared.map((p) => ({
        enterpriseId: p.decision.enterpriseId,
        declarationId: p.o.declarationId,
        outcome: p.o.outcome,
        correctedValues: p.o.correctedValues ?? null,
        revenueRecovered: p.revenueRecovered,
        payloadHash: p.payloadHash,
        decisionDate: p.decision.businessDate,
        recordedBy,
        recordedAt: now,
      })),
    )
    .onConflictDoNothing()
    .returning();
  const fresh = new Map(inserted.map((r) => [r.declarationId, r]));
  const repeated = prepared.filter((p) => !fresh.has(p.o.declarationId));
  const earlier = repeated.length
    ? new Map(
        (
          await tx
            .select()
            .from(riskOutcomes)
            .where(
              inArray(
                riskOutcomes.declarationId,
                repeated.map((p) => p.o.declarationId),
              ),
            )
        ).map((r) => [r.declarationId, r]),
      )
    : new Map();
  for (const p of repeated) {
    if (earlier.get(p.o.declarationId)?.payloadHash !== p.payloadHash)
      throw problems.conflict(`An outcome was already recorded for declaration ${p.o.declarationId}.`, {
        rule: 'risk.outcomeExists',
      });
  }
  const learning = prepared.filter((p) => fresh.has(p.o.declarationId));
  if (learning.length) await learnFrom(tx, ctx, learning, today, now, recordedBy);
  return prepared.map((p) => view(fresh.get(p.o.declarationId) ?? earlier.get(p.o.declarationId)!));
}

export async function recordOutcome(
  tx: Executor,
  ctx: AppContext,
  raw: OutcomeInput,
  recordedBy = 'system:inspection',
): Promise<OutcomeView> {
  return (await recordOutcomes(tx, ctx, [raw], recordedBy))[0]!;
}

type Prepared = {
  o: OutcomeInput;
  revenueRecovered: string;
  payloadHash: string;
  decision: typeof riskDecisions.$inferSelect;
};

async function learnFrom(
  tx: Executor,
  ctx: AppContext,
  learning: Prepared[],
  today: string,
  now: Date,
  recordedBy: string,
) {
  const keys = riskKeys(ctx);
  const items: BatchItem[] = learning.map((p) => {
    const input = p.decision.input as AssessmentInput;
    return { enterpriseId: p.decision.enterpriseId, input, parties: partyKeysOf(keys.party, input) };
  });
  const derived = await DerivedState.load(tx, items, today);
  const tallies = new Tallies();
  learning.forEach((p, i) => {
    const { decision: d, o } = p;
    const item = items[i]!;
    const hit = o.outcome !== 'MATCH';
    derived.setProfile(d.enterpriseId, profileAfterOutcome(derived.profile(d.enterpriseId), o.outcome, today));
    derived.recordOutcome(d.enterpriseId, item.input, item.parties, hit);
    derived.addReferences(referenceCorrections(item.input, d.referenceIncluded as boolean[], o));
    tallies.outcome(
      { day: d.businessDate, port: d.port, level: d.level, creditClass: d.creditClass },
      { hit, unbiasedSample: d.unbiasedSample, revenueRecovered: p.revenueRecovered },
      d.fired as FiredFeature[],
    );
  });
  await derived.flush(tx);
  await tallies.flush(tx);
  const changes = learning.map((p) => ({
    declarationId: p.o.declarationId,
    outcome: p.o.outcome,
    revenueRecovered: p.revenueRecovered,
    corrected: p.o.correctedValues?.lines.map((l) => l.index) ?? [],
    payloadHash: p.payloadHash,
  }));
  const single = changes.length === 1;
  const { seq } = await appendAudit(tx, {
    actor: recordedBy,
    action: 'risk.outcome',
    subject: single
      ? `declaration:${changes[0]!.declarationId}`
      : `declarations:${changes[0]!.declarationId}+${changes.length - 1}`,
    change: single ? changes[0] : { count: changes.length, outcomes: changes },
    at: now,
    ...(single ? { partitionKey: `enterprise:${learning[0]!.decision.uscc}` } : {}),
  });
  await enqueueEvents(
    tx,
    changes.map((c, i) =>
      typedEvent(RISK_EVENTS, 'RiskOutcomeRecorded', {
        aggregateType: 'declaration',
        aggregateId: c.declarationId,
        payload: { ...c, enterpriseId: learning[i]!.decision.enterpriseId, level: learning[i]!.decision.level },
        occurredAt: now,
        auditSeq: seq,
      }),
    ),
  );
}
