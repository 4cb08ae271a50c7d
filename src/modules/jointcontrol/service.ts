/**
 * Joint control of RED declarations (联合监管): use cases, one transaction each. A RED risk decision
 * opens a case (once, however often its event arrives), shared with the departments the policy names;
 * a department acknowledges and reports its outcome; an officer closes the case. Every step is
 * audited and published; departments read their cases through a cursor feed (and the sharing
 * module's signed webhooks, feed `jointControl.cases`), desensitised by class.
 */
import { Decimal } from 'decimal.js';
import { and, asc, count, desc, eq, gt, inArray, lte } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.ts';
import type { Executor, Tx } from '../../platform/db/client.ts';
import { runCommand } from '../../platform/command.ts';
import { appendAudit } from '../../platform/audit/service.ts';
import { enqueueEvents } from '../../platform/outbox/service.ts';
import { typedEvent } from '../../platform/outbox/contract.ts';
import type { z } from 'zod';
import { settledHorizon } from '../../platform/outbox/horizon.ts';
import type { OutboxEvent } from '../../platform/outbox/service.ts';
import { getParameter } from '../../platform/parameters/service.ts';
import { actorLabel, OFFICER_ROLES, type Actor } from '../../platform/auth/roles.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { problems } from '../../kernel/problem.ts';
import { desensitise, type ReaderRole } from '../../kernel/dataClass.ts';
import type { Violation } from '../../kernel/violation.ts';
import { getDecision, type AssessmentInput } from '../risk/service.ts';
import { jointControlCases, jointControlFeed, jointControlShares } from './schema.ts';
import {
  caseStateOf,
  closeTransition,
  recipientsFor,
  shareTransition,
  type CaseState,
  type Outcome,
  type RecipientPolicy,
  type ShareState,
} from './rules.ts';
import { RECIPIENTS } from './parameters.ts';
import { JOINT_CONTROL_EVENTS, riskAssessedPayload, saleRefusedPayload, type JointControlEventType } from './events.ts';
import { CASE_FIELD_RULES, FEED_FIELD_RULES, type CaseView } from './wire.ts';

type CaseRow = typeof jointControlCases.$inferSelect;
type ShareRow = typeof jointControlShares.$inferSelect;

export const FEED_NAME = 'jointControl.cases';
const FEED_SEQUENCE = 'joint_control_feed_seq_seq';
const ENGINE = 'system:joint-control';

// ---------------------------------------------------------------------------------------------
// Opening a case from a RED decision

/**
 * Opens the joint-control case of a RED decision, once. A second delivery of the same event (or the
 * same consumer in another process) finds the case and opens nothing: the unique index on the
 * decision decides, in the database.
 */
export async function openCaseForDecision(
  ctx: AppContext,
  ref: { enterpriseId: string; declarationId: string },
): Promise<{ caseId: string; created: boolean } | null> {
  const existing = await findByDecision(ctx.db, ref);
  if (existing) return { caseId: existing.id, created: false };
  const decision = await getDecision(ctx, ref.declarationId);
  if (decision.level !== 'RED' || decision.enterpriseId !== ref.enterpriseId) return null;
  const input = decision.input as AssessmentInput;
  const goods = input.lines.map((l) => ({
    hsCode: l.hsCode,
    description: l.description,
    quantity: l.quantity,
    unit: l.unit,
    originCountry: l.originCountry,
    valueCny: l.valueCny,
  }));
  const grounds = decision.features.map((f) => ({ code: f.code, name: f.name ?? null }));
  return runCommand(ctx, 'jointControl.open', async (tx) => {
    const now = ctx.clock.now();
    const policy = await getParameter<RecipientPolicy>(tx, RECIPIENTS, decision.businessDate);
    const departments = recipientsFor(policy.value, {
      kind: decision.kind,
      port: decision.port,
      hsCodes: goods.map((g) => g.hsCode),
    });
    const id = uuidv7(now.getTime());
    const [row] = await tx
      .insert(jointControlCases)
      .values({
        id,
        enterpriseId: decision.enterpriseId,
        declarationId: decision.declarationId,
        uscc: decision.uscc,
        enterpriseName: decision.enterpriseName ?? decision.uscc,
        declarationKind: decision.kind,
        port: decision.port,
        businessDate: decision.businessDate,
        goods,
        totalValue: decision.totalValue,
        grounds,
        state: 'OPEN',
        policyVersion: policy.version,
        openedAt: now,
        auditSeq: 0,
      })
      .onConflictDoNothing()
      .returning({ id: jointControlCases.id });
    if (!row) {
      const other = await findByDecision(tx, ref);
      return { caseId: other!.id, created: false };
    }
    await recordOpening(tx, now, {
      caseId: id,
      enterpriseId: decision.enterpriseId,
      departments,
      policyVersion: policy.version,
      audited: { declarationId: decision.declarationId, uscc: decision.uscc },
      declarationId: decision.declarationId,
      saleId: null,
    });
    return { caseId: id, created: true };
  });
}

/**
 * Opens the joint-control case of a duty-free sale the risk engine refused at RED, once (the unique index
 * on the sale decides). The buyer is kept as the duty-free module sent it: keyed hash (never shown) and
 * masked ID number and name. The recipients are the policy's for kind DUTYFREE_SALE and the shop.
 */
export async function openCaseForSale(
  ctx: AppContext,
  sale: z.output<typeof saleRefusedPayload>,
): Promise<{ caseId: string; created: boolean } | null> {
  if (sale.level !== 'RED') return null;
  const goods = sale.goods.map((g) => ({
    hsCode: '',
    description: `${g.category} ${g.name}`,
    quantity: g.quantity,
    unit: 'PCS',
    originCountry: '',
    valueCny: new Decimal(g.unitPrice).times(g.quantity).toFixed(2),
  }));
  return runCommand(ctx, 'jointControl.open', async (tx) => {
    const now = ctx.clock.now();
    const policy = await getParameter<RecipientPolicy>(tx, RECIPIENTS, sale.businessDate);
    const departments = recipientsFor(policy.value, { kind: 'DUTYFREE_SALE', port: sale.shop, hsCodes: [] });
    const id = uuidv7(now.getTime());
    const [row] = await tx
      .insert(jointControlCases)
      .values({
        id,
        subjectKind: 'DUTYFREE_SALE',
        saleId: sale.saleId,
        buyerHash: sale.buyer.idNumberHash,
        buyerIdType: sale.buyer.idType,
        buyerIdMasked: sale.buyer.idNumberMasked,
        buyerNameMasked: sale.buyer.nameMasked,
        declarationKind: 'DUTYFREE_SALE',
        port: sale.shop,
        businessDate: sale.businessDate,
        goods,
        totalValue: sale.amount,
        grounds: [{ code: sale.rule, name: null }],
        state: 'OPEN',
        policyVersion: policy.version,
        openedAt: now,
        auditSeq: 0,
      })
      .onConflictDoNothing()
      .returning({ id: jointControlCases.id });
    if (!row) {
      const [other] = await tx
        .select({ id: jointControlCases.id })
        .from(jointControlCases)
        .where(eq(jointControlCases.saleId, sale.saleId));
      return { caseId: other!.id, created: false };
    }
    await recordOpening(tx, now, {
      caseId: id,
      enterpriseId: null,
      departments,
      policyVersion: policy.version,
      audited: {
        saleId: sale.saleId,
        shop: sale.shop,
        buyer: { idType: sale.buyer.idType, idNumber: sale.buyer.idNumberMasked, name: sale.buyer.nameMasked },
      },
      declarationId: null,
      saleId: sale.saleId,
    });
    return { caseId: id, created: true };
  });
}

/** The outbox consumer of the duty-free refusals: a RED one opens its case. */
export async function handleSaleRefused(ctx: AppContext, event: OutboxEvent): Promise<void> {
  const parsed = saleRefusedPayload.safeParse(event.payload);
  if (!parsed.success) {
    ctx.log.warn({ event: event.id }, 'joint control: a DutyFreeSaleRiskRefused event it cannot read; passed over');
    return;
  }
  await openCaseForSale(ctx, parsed.data);
}

/** The outbox consumer: every RED RiskAssessed opens its case (other levels are passed over). */
export async function handleRiskAssessed(ctx: AppContext, event: OutboxEvent): Promise<void> {
  const parsed = riskAssessedPayload.safeParse(event.payload);
  if (!parsed.success) {
    // A payload that cannot be read now never will be: note it and go on, rather than stall the consumer.
    ctx.log.warn({ event: event.id }, 'joint control: a RiskAssessed event without its decision; passed over');
    return;
  }
  if (parsed.data.level !== 'RED') return;
  await openCaseForDecision(ctx, parsed.data);
}

export function subscribeJointControl(ctx: AppContext): void {
  ctx.dispatcher.subscribe('jointcontrol', (event) => handleRiskAssessed(ctx, event), {
    eventTypes: ['RiskAssessed'],
  });
  ctx.dispatcher.subscribe('jointcontrol-dutyfree', (event) => handleSaleRefused(ctx, event), {
    eventTypes: ['DutyFreeSaleRiskRefused'],
  });
}

// ---------------------------------------------------------------------------------------------
// Department and officer commands

/** The department a client speaks for (its scope's `department`), or a 403. */
export function departmentOf(actor: Actor): string {
  const d = actor.kind === 'client' && actor.role === 'department' ? actor.scope?.department : undefined;
  if (typeof d !== 'string' || d === '') {
    throw problems.forbidden(
      'Joint-control cases are shared with departments: this client’s scope names no department ' +
        '(an administrator sets scope {"department": "police"} when creating the client).',
    );
  }
  return d;
}

function refused(v: Violation, path = 'state'): never {
  throw problems.rule('joint-control-transition', 'Transition refused', v.message, [
    { path, rule: v.rule, message: v.message },
  ]);
}

async function lockCase(tx: Tx, id: string): Promise<CaseRow> {
  const [row] = await tx.select().from(jointControlCases).where(eq(jointControlCases.id, id)).for('update').limit(1);
  if (!row) throw problems.notFound(`Joint-control case ${id}`);
  return row;
}

async function sharesOf(ex: Executor, caseIds: readonly string[]): Promise<ShareRow[]> {
  if (caseIds.length === 0) return [];
  return ex
    .select()
    .from(jointControlShares)
    .where(inArray(jointControlShares.caseId, [...caseIds]))
    .orderBy(asc(jointControlShares.caseId), asc(jointControlShares.department));
}

type ShareCommand = { command: 'acknowledge'; note?: string } | ({ command: 'reportOutcome' } & OutcomeInput);
export interface OutcomeInput {
  outcome: Outcome;
  reference?: string;
  summary: string;
}

/** A department moves its share of a case: acknowledge, then report the outcome. */
async function moveShare(ctx: AppContext, actor: Actor, id: string, cmd: ShareCommand): Promise<CaseView> {
  const department = departmentOf(actor);
  const action = cmd.command === 'acknowledge' ? 'jointControl.acknowledge' : 'jointControl.reportOutcome';
  return runCommand(ctx, action, async (tx) => {
    const now = ctx.clock.now();
    const c = await lockCase(tx, id);
    const shares = await sharesOf(tx, [id]);
    const share = shares.find((s) => s.department === department);
    // A case not shared with this department does not exist for it.
    if (!share) throw problems.notFound(`Joint-control case ${id}`);
    const t = shareTransition(c.state as CaseState, share.state as ShareState, cmd.command);
    if (!t.ok) refused(t.violation);
    const by = actorLabel(actor);
    const set =
      cmd.command === 'acknowledge'
        ? { state: t.next, acknowledgedAt: now, acknowledgedBy: by, acknowledgeNote: cmd.note ?? null }
        : {
            state: t.next,
            outcome: cmd.outcome,
            outcomeReference: cmd.reference ?? null,
            outcomeSummary: cmd.summary,
            outcomeAt: now,
            outcomeBy: by,
          };
    const [updated] = await tx
      .update(jointControlShares)
      .set(set)
      .where(and(eq(jointControlShares.caseId, id), eq(jointControlShares.department, department)))
      .returning();
    const after = shares.map((s) => (s.department === department ? updated! : s));
    const state = caseStateOf(
      after.map((s) => s.state as ShareState),
      false,
    );
    let row = c;
    if (state !== c.state) {
      [row] = (await tx.update(jointControlCases).set({ state }).where(eq(jointControlCases.id, id)).returning()) as [
        CaseRow,
      ];
    }
    const change =
      cmd.command === 'acknowledge'
        ? { caseId: id, department, note: cmd.note ?? null, caseState: state }
        : {
            caseId: id,
            department,
            outcome: cmd.outcome,
            reference: cmd.reference ?? null,
            summary: cmd.summary,
            caseState: state,
          };
    const { seq } = await appendAudit(tx, {
      actor: by,
      action,
      subject: `jointControlCase:${id}`,
      change,
      at: now,
    });
    const ref = {
      caseId: id,
      declarationId: c.declarationId,
      enterpriseId: c.enterpriseId,
      saleId: c.saleId,
      department,
    };
    if (cmd.command === 'acknowledge') await publish(tx, 'JointControlCaseAcknowledged', id, now, seq, ref);
    else await publish(tx, 'JointControlOutcomeReported', id, now, seq, { ...ref, outcome: cmd.outcome });
    return viewFor(actor, row, after);
  });
}

export function acknowledgeCase(ctx: AppContext, actor: Actor, id: string, body: { note?: string }) {
  return moveShare(ctx, actor, id, { command: 'acknowledge', ...(body.note ? { note: body.note } : {}) });
}

export function reportOutcome(ctx: AppContext, actor: Actor, id: string, body: OutcomeInput) {
  return moveShare(ctx, actor, id, { command: 'reportOutcome', ...body });
}

/** An officer closes a case (from any state but CLOSED), with a reason; each department hears of it. */
export async function closeCase(ctx: AppContext, actor: Actor, id: string, body: { reason: string }) {
  return runCommand(ctx, 'jointControl.close', async (tx) => {
    const now = ctx.clock.now();
    const c = await lockCase(tx, id);
    const t = closeTransition(c.state as CaseState);
    if (!t.ok) refused(t.violation);
    const by = actorLabel(actor);
    const [row] = await tx
      .update(jointControlCases)
      .set({ state: t.next, closedAt: now, closedBy: by, closeReason: body.reason })
      .where(eq(jointControlCases.id, id))
      .returning();
    const shares = await sharesOf(tx, [id]);
    const { seq } = await appendAudit(tx, {
      actor: by,
      action: 'jointControl.close',
      subject: `jointControlCase:${id}`,
      change: { caseId: id, from: c.state, reason: body.reason },
      at: now,
    });
    await toFeed(
      tx,
      shares.map((s) => ({ department: s.department, caseId: id, type: 'CASE_CLOSED' as const })),
      now,
    );
    await publish(tx, 'JointControlCaseClosed', id, now, seq, {
      caseId: id,
      declarationId: c.declarationId,
      enterpriseId: c.enterpriseId,
      saleId: c.saleId,
      reason: body.reason,
    });
    return viewFor(actor, row!, shares);
  });
}

/**
 * What every opening of a case writes once its row is in (a declaration's or a sale's): the departments' shares, the audit entry
 * (the case's subject fields, then its departments and policy), the feed and JointControlCaseOpened.
 */
async function recordOpening(
  tx: Tx,
  now: Date,
  o: {
    caseId: string;
    enterpriseId: string | null;
    departments: string[];
    policyVersion: number;
    audited: Record<string, unknown>;
    declarationId: string | null;
    saleId: string | null;
  },
): Promise<void> {
  const { caseId, departments } = o;
  if (departments.length) {
    await tx
      .insert(jointControlShares)
      .values(departments.map((department) => ({ caseId, department, enterpriseId: o.enterpriseId, state: 'OPEN' })));
  }
  const { seq } = await appendAudit(tx, {
    actor: ENGINE,
    action: 'jointControl.open',
    subject: `jointControlCase:${caseId}`,
    change: { caseId, ...o.audited, departments, policy: { name: RECIPIENTS, version: o.policyVersion } },
    at: now,
  });
  await tx.update(jointControlCases).set({ auditSeq: seq }).where(eq(jointControlCases.id, caseId));
  await toFeed(
    tx,
    departments.map((department) => ({ department, caseId, type: 'CASE_OPENED' as const })),
    now,
  );
  await publish(tx, 'JointControlCaseOpened', caseId, now, seq, {
    caseId,
    declarationId: o.declarationId,
    enterpriseId: o.enterpriseId,
    saleId: o.saleId,
    departments,
    policyVersion: o.policyVersion,
  });
}

async function toFeed(
  tx: Tx,
  entries: { department: string; caseId: string; type: 'CASE_OPENED' | 'CASE_CLOSED' }[],
  now: Date,
): Promise<void> {
  // The transaction already wrote (the case), so it holds a transaction id older than any fence taken
  // after these seqs are drawn: the feed's readers wait for it (settledHorizon) instead of skipping it.
  if (entries.length) await tx.insert(jointControlFeed).values(entries.map((e) => ({ ...e, recordedAt: now })));
}

async function publish<K extends JointControlEventType>(
  tx: Tx,
  type: K,
  caseId: string,
  now: Date,
  seq: number,
  payload: z.input<(typeof JOINT_CONTROL_EVENTS)[K]>,
) {
  await enqueueEvents(tx, [
    typedEvent(JOINT_CONTROL_EVENTS, type, {
      aggregateType: 'jointControlCase',
      aggregateId: caseId,
      payload,
      occurredAt: now,
      auditSeq: seq,
    }),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Reads

async function findByDecision(ex: Executor, ref: { enterpriseId: string; declarationId: string }) {
  const [row] = await ex
    .select()
    .from(jointControlCases)
    .where(
      and(eq(jointControlCases.enterpriseId, ref.enterpriseId), eq(jointControlCases.declarationId, ref.declarationId)),
    )
    .limit(1);
  return row ?? null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

function shareView(s: ShareRow) {
  return {
    department: s.department,
    state: s.state as ShareState,
    acknowledgedAt: iso(s.acknowledgedAt),
    acknowledgedBy: s.acknowledgedBy,
    acknowledgeNote: s.acknowledgeNote,
    outcome: s.outcome as Outcome | null,
    outcomeReference: s.outcomeReference,
    outcomeSummary: s.outcomeSummary,
    outcomeAt: iso(s.outcomeAt),
  };
}

/** Everything about a case; what a reader gets of it is `viewFor`. */
function fullView(c: CaseRow, shares: readonly ShareRow[]): CaseView {
  return {
    id: c.id,
    state: c.state as CaseState,
    openedAt: c.openedAt.toISOString(),
    closedAt: iso(c.closedAt),
    closedBy: c.closedBy,
    closeReason: c.closeReason,
    subject: c.subjectKind as CaseView['subject'],
    enterprise: c.uscc === null ? null : { uscc: c.uscc, name: c.enterpriseName ?? c.uscc },
    declaration:
      c.declarationId === null
        ? null
        : { id: c.declarationId, kind: c.declarationKind, port: c.port, businessDate: c.businessDate },
    sale:
      c.saleId === null
        ? null
        : {
            id: c.saleId,
            shop: c.port,
            businessDate: c.businessDate,
            buyer: {
              idType: c.buyerIdType ?? '',
              idNumber: c.buyerIdMasked ?? '',
              name: c.buyerNameMasked ?? '',
            },
          },
    goods: c.goods as CaseView['goods'],
    totalValue: c.totalValue,
    grounds: c.grounds as NonNullable<CaseView['grounds']>,
    policyVersion: c.policyVersion,
    auditSeq: c.auditSeq,
    shares: shares.map((s) => ({ ...shareView(s), outcomeBy: s.outcomeBy })),
  };
}

/**
 * A case as `actor` may read it: a department gets its own share instead of everyone's, and the
 * case desensitised by each field's class (wire.ts CASE_FIELD_RULES); an officer reads it by the
 * same table for its role.
 */
export function viewFor(actor: Actor, c: CaseRow, shares: readonly ShareRow[]): CaseView {
  if (actor.role === 'department') {
    return desensitise(departmentCase(c, shares, departmentOf(actor)), CASE_FIELD_RULES, 'department');
  }
  return desensitise(fullView(c, shares), CASE_FIELD_RULES, actor.role as ReaderRole);
}

/** A case with the department's own share instead of everyone's, before desensitising. */
function departmentCase(c: CaseRow, shares: readonly ShareRow[], department: string): CaseView {
  const { shares: _all, ...rest } = fullView(c, shares);
  const own = shares.find((s) => s.department === department);
  return { ...rest, ...(own ? { share: shareView(own) } : {}) };
}

function isOfficer(actor: Actor): boolean {
  return actor.role === 'system' || OFFICER_ROLES.includes(actor.role);
}

/** One case: officers any, a department only one shared with it (else 404, as if none existed). */
export async function getCase(ctx: AppContext, actor: Actor, id: string): Promise<CaseView> {
  const [c] = await ctx.db.select().from(jointControlCases).where(eq(jointControlCases.id, id)).limit(1);
  const shares = c ? await sharesOf(ctx.db, [id]) : [];
  if (!c || (!isOfficer(actor) && !shares.some((s) => s.department === departmentOf(actor)))) {
    throw problems.notFound(`Joint-control case ${id}`);
  }
  return viewFor(actor, c, shares);
}

/** Cases newest first: every case for officers, a department's own for a department. */
export async function listCases(
  ctx: AppContext,
  actor: Actor,
  q: { state?: CaseState; page: number; pageSize: number },
): Promise<{ items: CaseView[]; total: number; page: number; pageSize: number }> {
  const department = isOfficer(actor) ? null : departmentOf(actor);
  const where = and(
    q.state ? eq(jointControlCases.state, q.state) : undefined,
    department
      ? inArray(
          jointControlCases.id,
          ctx.db
            .select({ id: jointControlShares.caseId })
            .from(jointControlShares)
            .where(eq(jointControlShares.department, department)),
        )
      : undefined,
  );
  const [total] = await ctx.db.select({ n: count() }).from(jointControlCases).where(where);
  const rows = await ctx.db
    .select()
    .from(jointControlCases)
    .where(where)
    .orderBy(desc(jointControlCases.openedAt), desc(jointControlCases.id))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  const shares = await sharesOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) =>
      viewFor(
        actor,
        r,
        shares.filter((s) => s.caseId === r.id),
      ),
    ),
    total: Number(total?.n ?? 0),
    page: q.page,
    pageSize: q.pageSize,
  };
}

export interface FeedItem {
  seq: number;
  type: 'CASE_OPENED' | 'CASE_CLOSED';
  recordedAt: string;
  case: CaseView;
}

/**
 * A department's feed after `after`: what it must hear of, in order, each entry with the case as it is
 * now (desensitised for the department). Only entries up to the settled horizon are read, so one
 * that commits late is never skipped by a reader that moved past it.
 */
export async function feedFor(
  ctx: AppContext,
  department: string,
  after: number,
  limit: number,
): Promise<{ items: FeedItem[]; next: number }> {
  const horizon = await settledHorizon(ctx.db, FEED_SEQUENCE);
  if (horizon === null || horizon <= after) return { items: [], next: after };
  const entries = await ctx.db
    .select()
    .from(jointControlFeed)
    .where(
      and(
        eq(jointControlFeed.department, department),
        gt(jointControlFeed.seq, after),
        lte(jointControlFeed.seq, horizon),
      ),
    )
    .orderBy(asc(jointControlFeed.seq))
    .limit(limit);
  const ids = [...new Set(entries.map((e) => e.caseId))];
  const cases = ids.length
    ? await ctx.db.select().from(jointControlCases).where(inArray(jointControlCases.id, ids))
    : [];
  const shares = await sharesOf(ctx.db, ids);
  const items = entries.map((e) => {
    const c = cases.find((x) => x.id === e.caseId)!;
    const item = {
      seq: e.seq,
      type: e.type as FeedItem['type'],
      recordedAt: e.recordedAt.toISOString(),
      case: departmentCase(
        c,
        shares.filter((s) => s.caseId === c.id),
        department,
      ),
    };
    // The envelope is classified too: a field added to it without a class fails here, not at the receiver.
    return desensitise(item, FEED_FIELD_RULES, 'department');
  });
  return { items, next: items.length ? items[items.length - 1]!.seq : after };
}

/** The feed of the department a client speaks for. */
export function feedOf(ctx: AppContext, actor: Actor, after: number, limit: number) {
  return feedFor(ctx, departmentOf(actor), after, limit);
}

/** The newest entry of a department's feed (0 when none): where a new webhook starts by default. */
export async function latestFeedSeq(ex: Executor, department: string): Promise<number> {
  const [row] = await ex
    .select({ seq: jointControlFeed.seq })
    .from(jointControlFeed)
    .where(eq(jointControlFeed.department, department))
    .orderBy(desc(jointControlFeed.seq))
    .limit(1);
  return row?.seq ?? 0;
}
