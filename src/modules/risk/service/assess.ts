import { createHash } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { eager, together, type Executor } from '../../../platform/db/client.ts';
import type { WriteBatch } from '../../../platform/writeBatch.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { RISK_EVENTS } from '../events.ts';
import { deriveKey } from '../../../platform/crypto.ts';
import { canonicalJson } from '../../../kernel/canonicalJson.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { problems } from '../../../kernel/problem.ts';
import { creditMeasuresOf } from '../../credit/service.ts';
import { activeQualifications, findEnterpriseById } from '../../subjects/service.ts';
import { assessmentInput, type AssessmentInput } from '../input.ts';
import { computeFacts, referenceInclusion, type FactContext } from '../facts.ts';
import { decide, select } from '../decide.ts';
import { expectedRevenue, selectionDraw, type CreditForSelection } from '../rules.ts';
import { riskDecisions } from '../schema.ts';
import { cachedLibrary, libraryState } from './library.ts';
import { scoringModel } from './modelCache.ts';
import { capacityOf, riskParametersOn, type RiskParameters } from './parameters.ts';
import { DerivedState, lineReferenceDeltas, partyKeysOf, profileAfterDeclaration, type BatchItem } from './derived.ts';
import { Tallies } from './tallies.ts';
import { decisionView, type DecisionRow, type RiskDecision } from './decisionView.ts';
import { parseOrProblem } from './validate.ts';

export interface RiskKeys {
  /** Keys the random draw: deterministic per declaration, unpredictable to traders. */
  draw: Buffer;
  /** Keys the hashes that link traders through their sellers and buyers. */
  party: Buffer;
}

const keyCache = new Map<string, RiskKeys>();
export function riskKeys(ctx: AppContext): RiskKeys {
  let k = keyCache.get(ctx.config.secret);
  if (!k)
    keyCache.set(
      ctx.config.secret,
      (k = {
        draw: deriveKey(ctx.config.secret, 'risk-selection-draw'),
        party: deriveKey(ctx.config.secret, 'risk-party-link'),
      }),
    );
  return k;
}

export interface CreditFacts {
  class: string;
  selection: CreditForSelection;
  parameterVersions: Record<string, number>;
}

/** Credit class and measures of the declarant, from the credit module. */
export type CreditLookup = (ex: Executor, enterpriseId: string, asOf: string) => Promise<CreditFacts>;

export const creditFromService: CreditLookup = async (ex, enterpriseId, asOf) => {
  const m = await creditMeasuresOf(ex, { enterpriseId }, asOf);
  return {
    class: m.class,
    selection: { inspectionRate: m.inspectionRate, inspectWithoutRiskAlert: m.inspectWithoutRiskAlert },
    parameterVersions: m.parameterVersions,
  };
};

interface Declarant {
  enterprise: NonNullable<Awaited<ReturnType<typeof findEnterpriseById>>>;
  credit: CreditFacts;
  qualifications: string[];
}

async function loadDeclarant(ex: Executor, input: AssessmentInput, asOf: string): Promise<Declarant> {
  // The enterprise, its credit and its qualifications read together; the enterprise checked first.
  const [found, credit, qualified] = await Promise.allSettled([
    findEnterpriseById(ex, input.enterpriseId),
    creditFromService(ex, input.enterpriseId, asOf),
    activeQualifications(ex, input.enterpriseId, asOf),
  ]);
  if (found.status === 'rejected') throw found.reason;
  const enterprise = found.value;
  if (!enterprise)
    throw problems.field(
      'enterpriseId',
      'risk.input.enterpriseUnknown',
      `No enterprise ${input.enterpriseId} is registered.`,
    );
  if (enterprise.uscc !== input.uscc)
    throw problems.field(
      'uscc',
      'risk.input.enterpriseMismatch',
      `USCC ${input.uscc} is not the code of enterprise ${input.enterpriseId}.`,
    );
  if (credit.status === 'rejected') throw credit.reason;
  if (qualified.status === 'rejected') throw qualified.reason;
  return { enterprise, credit: credit.value, qualifications: qualified.value.map((q) => q.kind) };
}

/**
 * For bulk callers (simulations, backfills): remembers the declarant's facts and the parameters
 * per day, or, with `acrossDays`, for a whole run in which no subject's class or qualification
 * changes. Never for live traffic, where each declaration must see the facts of its day.
 */
export interface AssessMemo {
  declarant(ex: Executor, input: AssessmentInput, asOf: string): Promise<Declarant>;
  parameters(ex: Executor, asOf: string): Promise<RiskParameters>;
}

export function createAssessMemo(opts: { acrossDays?: boolean } = {}): AssessMemo {
  const declarants = new Map<string, Promise<Declarant>>();
  const params = new Map<string, Promise<RiskParameters>>();
  const remember = <T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>) => {
    let hit = map.get(key);
    if (!hit) {
      map.set(key, (hit = load()));
      hit.catch(() => map.delete(key));
    }
    return hit;
  };
  return {
    declarant: (ex, input, asOf) =>
      remember(declarants, opts.acrossDays ? input.enterpriseId : `${input.enterpriseId}|${asOf}`, () =>
        loadDeclarant(ex, input, asOf),
      ),
    parameters: (ex, asOf) => remember(params, asOf, () => riskParametersOn(ex, asOf)),
  };
}

export interface AssessOptions {
  memo?: AssessMemo;
  /** The command's write batch: the audit entry and the events are written at the command's end. */
  batch?: WriteBatch;
  /**
   * Every declaration was created in the caller's transaction (an exit at filing): none can have a
   * stored decision yet, so the look-up that makes a repeated call idempotent is skipped.
   */
  newDeclarations?: boolean;
}

/**
 * Starts the reads an assessment in this command will make and that do not depend on its input (the
 * library's state), so a caller can send them beside its own reads; the assessment finds them in the
 * command's memo. Errors surface at the assessment.
 */
export function prefetchAssessment(tx: Executor): void {
  libraryState(tx).catch(() => {});
}

export function inputHash(input: AssessmentInput): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

/** Declarations per batch: a centralized declaration or a backfill chunk. */
export const MAX_BATCH = 1000;

/**
 * Scores declarations at submission (前置风险研判) inside the caller's transaction and stores one
 * decision each. A batch is processed in order, each declaration seeing the derived facts as the
 * previous ones left them, exactly as if they had come one by one; it is all-or-nothing.
 * Idempotent by declaration id: the same input again returns the stored decision; other content
 * under a stored id is a conflict. It locks the declarants' risk profiles and the ports' capacity
 * and appends to the audit chain, so call it after the caller's own row locks.
 */
export async function assessDeclarations(
  tx: Executor,
  ctx: AppContext,
  raws: readonly AssessmentInput[],
  opts: AssessOptions = {},
): Promise<RiskDecision[]> {
  if (raws.length === 0) return [];
  if (raws.length > MAX_BATCH)
    throw problems.field('', 'risk.batch.size', `At most ${MAX_BATCH} declarations per batch; split it.`);
  const single = raws.length === 1;
  const inputs = raws.map((r, i) => parseOrProblem(assessmentInput, r, 'risk.input', single ? [] : [i]));
  const seen = new Map<string, number>();
  inputs.forEach((input, i) => {
    if (seen.has(input.declarationId))
      throw problems.field(
        `[${i}].declarationId`,
        'risk.batch.duplicate',
        `Declaration ${input.declarationId} is already item ${seen.get(input.declarationId)} of this batch.`,
      );
    seen.set(input.declarationId, i);
  });
  const hashes = inputs.map(inputHash);
  const existing = new Map(
    (opts.newDeclarations
      ? []
      : await tx
          .select()
          .from(riskDecisions)
          .where(
            inArray(
              riskDecisions.declarationId,
              inputs.map((i) => i.declarationId),
            ),
          )
    ).map((r) => [r.declarationId, r]),
  );
  inputs.forEach((input, i) => {
    const stored = existing.get(input.declarationId);
    if (stored && (stored.inputHash !== hashes[i] || stored.enterpriseId !== input.enterpriseId)) {
      throw problems.conflict(
        `Declaration ${input.declarationId} was already assessed with other content; an amendment is a new ` +
          `declaration.`,
        { rule: 'risk.decisionExists' },
      );
    }
  });
  const fresh = inputs
    .map((input, i) => ({ input, hash: hashes[i]! }))
    .filter(({ input }) => !existing.has(input.declarationId));
  const made = fresh.length ? await decideAndStore(tx, ctx, fresh, opts) : new Map<string, RiskDecision>();
  return inputs.map((input) => made.get(input.declarationId) ?? decisionView(existing.get(input.declarationId)!));
}

export async function assessDeclaration(
  tx: Executor,
  ctx: AppContext,
  input: AssessmentInput,
  opts: AssessOptions = {},
): Promise<RiskDecision> {
  return (await assessDeclarations(tx, ctx, [input], opts))[0]!;
}

async function decideAndStore(
  tx: Executor,
  ctx: AppContext,
  fresh: { input: AssessmentInput; hash: string }[],
  opts: AssessOptions,
): Promise<Map<string, RiskDecision>> {
  const now = ctx.clock.now();
  const asOf = shanghaiDate(now);
  const declarants: Declarant[] = [];
  // One declaration (at filing): its declarant, the parameters and the library's state together.
  const first =
    fresh.length === 1
      ? await together([
          opts.memo?.declarant(tx, fresh[0]!.input, asOf) ?? loadDeclarant(tx, fresh[0]!.input, asOf),
          opts.memo?.parameters(tx, asOf) ?? riskParametersOn(tx, asOf),
          libraryState(tx),
        ] as const)
      : null;
  if (first) declarants.push(first[0]);
  else
    for (const { input } of fresh)
      declarants.push(await (opts.memo?.declarant(tx, input, asOf) ?? loadDeclarant(tx, input, asOf)));
  const params = first ? first[1] : await (opts.memo?.parameters(tx, asOf) ?? riskParametersOn(tx, asOf));
  const state = first ? first[2] : await libraryState(tx);
  const [library, model, shadowModel] = await Promise.all([
    cachedLibrary(ctx.db, tx, state.setVersion),
    scoringModel(ctx.db, tx, state.liveModelVersion),
    scoringModel(ctx.db, tx, state.shadowModelVersion),
  ]);
  const keys = riskKeys(ctx);
  const items: BatchItem[] = fresh.map(({ input }) => ({
    enterpriseId: input.enterpriseId,
    input,
    parties: partyKeysOf(keys.party, input),
  }));
  // A batch locks its ports' capacity rows up front (its declarations book in order); one declaration
  // takes its port's row only if it books an inspection (below), so that the many that book none do
  // not queue on one row per port and day until they commit.
  const derived = await DerivedState.load(tx, items, asOf, items.length > 1 ? items.map((i) => i.input.port) : []);
  const tallies = new Tallies();
  const rows: (typeof riskDecisions.$inferInsert)[] = [];

  for (const [i, { input, hash }] of fresh.entries()) {
    const { enterprise, credit, qualifications } = declarants[i]!;
    const item = items[i]!;
    const factContext: FactContext = {
      now,
      asOf,
      credit: { class: credit.class, inspectWithoutRiskAlert: credit.selection.inspectWithoutRiskAlert },
      enterprise: {
        registeredInHainan: enterprise.registeredInHainan,
        legalForm: enterprise.legalForm,
        registeredOn: shanghaiDate(enterprise.createdAt),
        qualifications,
      },
      params: params.facts,
      ...derived.context(item),
    };
    const { facts, revenueAtStake, totalValue: total } = computeFacts(input, factContext);
    const draw = selectionDraw(keys.draw, input.declarationId);
    const decided = decide({
      library,
      model,
      shadowModel,
      facts,
      asOf,
      level: params.level,
      selection: params.selection,
      credit: credit.selection,
      noModelProbability: params.noModelProbability,
      draw,
    });
    const mandatory = decided.plan.mandatory.length > 0;
    const capacityRequested = mandatory || decided.plan.capacityBound !== null;
    if (capacityRequested && !derived.hasCapacity(input.port)) await derived.loadCapacity(tx, input.port);
    const capacityGranted = capacityRequested
      ? derived.bookInspection(input.port, capacityOf(params, input.port), mandatory)
      : false;
    const selection = select(decided, capacityGranted);
    const expected = expectedRevenue(revenueAtStake, decided.probability);
    const included = referenceInclusion(facts);

    derived.setProfile(
      enterprise.id,
      profileAfterDeclaration(derived.profile(enterprise.id), input, asOf, total.toNumber()),
    );
    derived.linkParties(enterprise.id, item.parties);
    // The weight reference always learns; the price reference only from lines near it (see referenceInclusion).
    derived.addReferences(
      input.lines.flatMap((l, j) => lineReferenceDeltas(l, 1).filter((d) => d.kind === 'WEIGHT' || included[j])),
    );
    tallies.decision(
      { day: asOf, port: input.port, level: decided.scored.level, creditClass: credit.class },
      { selected: selection.selected, unbiasedSample: decided.plan.unbiasedSample, expectedRevenue: expected },
      decided.fired,
    );
    rows.push({
      enterpriseId: enterprise.id,
      declarationId: input.declarationId,
      uscc: input.uscc,
      kind: input.kind,
      port: input.port,
      businessDate: asOf,
      createdAt: now,
      level: decided.scored.level,
      score: String(decided.scored.score),
      featureScore: String(decided.scored.featureScore),
      modelScore: String(decided.scored.modelScore),
      forcedBy: decided.scored.forcedBy,
      fired: decided.fired,
      featureSetVersion: state.setVersion,
      modelVersion: decided.model?.version ?? null,
      modelProbability: decided.model?.probability ?? null,
      modelDrivers: decided.model?.drivers ?? null,
      shadowModelVersion: decided.shadowModel?.version ?? null,
      shadowModelProbability: decided.shadowModel?.probability ?? null,
      probability: decided.probability,
      probabilitySource: decided.probabilitySource,
      parameterVersions: { ...params.versions, ...credit.parameterVersions },
      creditClass: credit.class,
      draw,
      classRate: decided.plan.classRate,
      capacityRequested,
      capacityGranted,
      unbiasedSample: decided.plan.unbiasedSample,
      selected: selection.selected,
      action: selection.action,
      reasons: selection.reasons,
      totalValue: total.toFixed(2),
      revenueAtStake: revenueAtStake.toFixed(2),
      expectedRevenue: expected,
      input,
      inputHash: hash,
      facts,
      referenceIncluded: included,
    });
  }

  // The decisions, the derived facts and the tallies written in one round trip (pipelined, in order).
  // With the command's write batch the tallies (counters nothing in the command reads back) are added
  // at its end instead: their rows, one per port, level and class a day, are shared by every
  // declaration there and stay locked from the upsert to the commit, so the later the shorter.
  const chunks: PromiseLike<DecisionRow[]>[] = [];
  for (let i = 0; i < rows.length; i += 250)
    chunks.push(
      tx
        .insert(riskDecisions)
        .values(rows.slice(i, i + 250))
        .returning(),
    );
  const [inserted] = await together([
    Promise.all(chunks.map((c) => eager(c))),
    derived.flush(tx),
    opts.batch ? Promise.resolve() : tallies.flush(tx),
  ] as const);
  if (opts.batch) opts.batch.defer(() => tallies.flush(tx));
  const stored: DecisionRow[] = inserted.flat();

  const views = stored.map(decisionView);
  const digests = views.map((v, i) => digestOf(v, fresh[i]!.hash));
  const single = views.length === 1;
  const subject = single
    ? `declaration:${views[0]!.declarationId}`
    : `declarations:${views[0]!.declarationId}+${views.length - 1}`;
  const change = single
    ? digests[0]
    : {
        count: views.length,
        decisions: digests.map((d) => ({
          declarationId: d.declarationId,
          level: d.level,
          selected: d.selected,
          inputHash: d.inputHash,
        })),
      };
  // One declarant's decisions chain in order in its enterprise's audit partition, like its other records.
  const entry = {
    actor: 'system:risk-engine',
    action: 'risk.assess',
    subject,
    change,
    at: now,
    ...(single ? { partitionKey: `enterprise:${views[0]!.uscc}` } : {}),
  };
  const events = views.map((v, i) =>
    typedEvent(RISK_EVENTS, 'RiskAssessed', {
      aggregateType: 'declaration',
      aggregateId: v.declarationId,
      payload: { ...digests[i]!, enterpriseId: v.enterpriseId, uscc: v.uscc },
      occurredAt: now,
    }),
  );
  if (opts.batch) {
    const ref = opts.batch.audit(entry);
    for (const e of events) opts.batch.event(e, ref);
  } else {
    const { seq } = await appendAudit(tx, entry);
    await enqueueEvents(
      tx,
      events.map((e) => ({ ...e, auditSeq: seq })),
    );
  }
  return new Map(views.map((v) => [v.declarationId, v]));
}

function digestOf(view: RiskDecision, hash: string) {
  return {
    declarationId: view.declarationId,
    kind: view.kind,
    port: view.port,
    level: view.level,
    score: view.score,
    features: view.features.map((f) => `${f.code}@${f.version}`),
    model: view.model ? { version: view.model.version, probability: view.model.probability } : null,
    selected: view.selected,
    action: view.action,
    reasons: view.reasons,
    draw: view.draw,
    expectedRevenue: view.expectedRevenue,
    versions: view.versions,
    inputHash: hash,
  };
}
