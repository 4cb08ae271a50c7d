import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { Decimal } from 'decimal.js';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/client.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { deriveKey } from '../../../platform/crypto.ts';
import { canonicalJson } from '../../../kernel/canonicalJson.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { problems } from '../../../kernel/problem.ts';
import { measuresForSubject } from '../../credit/service.ts';
import { activeQualifications, findEnterpriseById } from '../../subjects/service.ts';
import { assessmentInput, type AssessmentInput } from '../input.ts';
import { computeFacts, referenceInclusion, type FactContext } from '../facts.ts';
import { decide, select } from '../decide.ts';
import { expectedRevenue, selectionDraw, type CreditForSelection } from '../rules.ts';
import { riskDecisions } from '../schema.ts';
import { cachedLibrary, libraryState } from './library.ts';
import { scoringModel } from './modelCache.ts';
import { capacityOf, riskParametersOn, type RiskParameters } from './parameters.ts';
import { applyReferenceDeltas, linkParties, lineReferenceDeltas, loadOutcomeContext, loadReferences, lockTraderProfile, partyKey, profileAfterDeclaration, saveTraderProfile, type PartyKeys } from './derived.ts';
import { bookInspection, tallyDecision } from './tallies.ts';
import { decisionView, type RiskDecision } from './decisionView.ts';
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
  if (!k) keyCache.set(ctx.config.secret, (k = { draw: deriveKey(ctx.config.secret, 'risk-selection-draw'), party: deriveKey(ctx.config.secret, 'risk-party-link') }));
  return k;
}

export interface CreditFacts {
  class: string;
  selection: CreditForSelection;
  parameterVersions: Record<string, number>;
}

/** Credit class and measures of the declarant, from the credit module. */
export type CreditLookup = (ex: Executor, uscc: string, asOf: string) => Promise<CreditFacts>;

export const creditFromService: CreditLookup = async (ex, uscc, asOf) => {
  const m = await measuresForSubject(ex, 'ENTERPRISE', uscc, asOf);
  return { class: m.class, selection: { inspectionRate: m.inspectionRate, inspectWithoutRiskAlert: m.inspectWithoutRiskAlert }, parameterVersions: m.parameterVersions };
};

interface Declarant {
  enterprise: NonNullable<Awaited<ReturnType<typeof findEnterpriseById>>>;
  credit: CreditFacts;
  qualifications: string[];
}

async function loadDeclarant(ex: Executor, input: AssessmentInput, asOf: string): Promise<Declarant> {
  const enterprise = await findEnterpriseById(ex, input.enterpriseId);
  if (!enterprise) throw problems.field('enterpriseId', 'risk.input.enterpriseUnknown', `No enterprise ${input.enterpriseId} is registered.`);
  if (enterprise.uscc !== input.uscc) throw problems.field('uscc', 'risk.input.enterpriseMismatch', `USCC ${input.uscc} is not the code of enterprise ${input.enterpriseId}.`);
  const credit = await creditFromService(ex, input.uscc, asOf);
  const qualifications = (await activeQualifications(ex, enterprise.id, asOf)).map((q) => q.kind);
  return { enterprise, credit, qualifications };
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
    declarant: (ex, input, asOf) => remember(declarants, opts.acrossDays ? input.enterpriseId : `${input.enterpriseId}|${asOf}`, () => loadDeclarant(ex, input, asOf)),
    parameters: (ex, asOf) => remember(params, asOf, () => riskParametersOn(ex, asOf)),
  };
}

export interface AssessOptions {
  memo?: AssessMemo;
}

export function inputHash(input: AssessmentInput): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

/**
 * Scores a declaration at submission (前置风险研判) inside the caller's transaction and stores the
 * decision. Idempotent by declaration id: the same input again returns the stored decision; a
 * different input for the same id is a conflict. It locks the trader's risk profile, books
 * inspection capacity and appends to the audit chain, so call it after the caller's own row locks.
 */
export async function assessDeclaration(tx: Executor, ctx: AppContext, raw: AssessmentInput, opts: AssessOptions = {}): Promise<RiskDecision> {
  const input = parseOrProblem(assessmentInput, raw, 'risk.input');
  const hash = inputHash(input);
  const [existing] = await tx.select().from(riskDecisions).where(eq(riskDecisions.declarationId, input.declarationId)).limit(1);
  if (existing) {
    if (existing.inputHash === hash && existing.enterpriseId === input.enterpriseId) return decisionView(existing);
    throw problems.conflict(`Declaration ${input.declarationId} was already assessed with other content; an amendment is a new declaration.`, { rule: 'risk.decisionExists' });
  }
  const now = ctx.clock.now();
  const asOf = shanghaiDate(now);
  const { enterprise, credit, qualifications } = await (opts.memo?.declarant(tx, input, asOf) ?? loadDeclarant(tx, input, asOf));
  const params = await (opts.memo?.parameters(tx, asOf) ?? riskParametersOn(tx, asOf));
  const state = await libraryState(tx);
  const [library, model, shadowModel] = await Promise.all([
    cachedLibrary(ctx.db, tx, state.setVersion),
    scoringModel(ctx.db, tx, state.liveModelVersion),
    scoringModel(ctx.db, tx, state.shadowModelVersion),
  ]);
  const keys = riskKeys(ctx);
  const parties: PartyKeys = { seller: input.parties?.seller ? partyKey(keys.party, input.parties.seller) : null, buyer: input.parties?.buyer ? partyKey(keys.party, input.parties.buyer) : null };

  const profile = await lockTraderProfile(tx, enterprise.id, asOf);
  const refs = await loadReferences(tx, input.lines);
  const outcomes = await loadOutcomeContext(tx, input, parties);
  const factContext: FactContext = {
    now,
    asOf,
    credit: { class: credit.class, inspectWithoutRiskAlert: credit.selection.inspectWithoutRiskAlert },
    enterprise: { registeredInHainan: enterprise.registeredInHainan, legalForm: enterprise.legalForm, registeredOn: shanghaiDate(enterprise.createdAt), qualifications },
    trader: profile,
    prices: refs.prices,
    weights: refs.weights,
    origins: outcomes.origins,
    route: outcomes.route,
    seller: outcomes.seller,
    buyer: outcomes.buyer,
    params: params.facts,
  };
  const { facts, revenueAtStake } = computeFacts(input, factContext);
  const draw = selectionDraw(keys.draw, input.declarationId);
  const decided = decide({ library, model, shadowModel, facts, asOf, level: params.level, selection: params.selection, credit: credit.selection, noModelProbability: params.noModelProbability, draw });

  const mandatory = decided.plan.mandatory.length > 0;
  const capacityRequested = mandatory || decided.plan.capacityBound !== null;
  const capacityGranted = capacityRequested ? await bookInspection(tx, input.port, asOf, capacityOf(params, input.port), mandatory) : false;
  const selection = select(decided, capacityGranted);
  const expected = expectedRevenue(revenueAtStake, decided.probability);
  const included = referenceInclusion(facts);
  const total = input.lines.reduce((s, l) => s + Number(l.valueCny), 0);

  const [row] = await tx
    .insert(riskDecisions)
    .values({
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
      totalValue: input.lines.reduce((s, l) => s.plus(l.valueCny), new Decimal(0)).toFixed(2),
      revenueAtStake: revenueAtStake.toFixed(2),
      expectedRevenue: expected,
      input,
      inputHash: hash,
      facts,
      referenceIncluded: included,
    })
    .returning();

  await saveTraderProfile(tx, enterprise.id, profileAfterDeclaration(profile, input, asOf, total));
  await linkParties(tx, enterprise.id, parties);
  await applyReferenceDeltas(tx, input.lines.flatMap((l, i) => (included[i] ? lineReferenceDeltas(l, 1) : lineReferenceDeltas(l, 1).filter((d) => d.kind === 'WEIGHT'))));
  await tallyDecision(tx, { day: asOf, port: input.port, level: decided.scored.level, creditClass: credit.class, selected: selection.selected, unbiasedSample: decided.plan.unbiasedSample, expectedRevenue: expected }, decided.fired);

  const view = decisionView(row!);
  const digest = {
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
  const { seq } = await appendAudit(tx, { actor: 'system:risk-engine', action: 'risk.assess', subject: `declaration:${input.declarationId}`, change: digest, at: now });
  await enqueueEvents(tx, [{ aggregateType: 'declaration', aggregateId: input.declarationId, eventType: 'RiskAssessed', payload: { ...digest, enterpriseId: enterprise.id, uscc: input.uscc }, occurredAt: now, auditSeq: seq }]);
  return view;
}
