import { and, asc, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/client.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { problems } from '../../../kernel/problem.ts';
import { declarations, declarationSerials, declarationTransitions, taxBills } from '../schema.ts';
import { transitionViolation, type DeclarationState, type TaxBillFigures } from '../rules.ts';

export type DeclarationRow = typeof declarations.$inferSelect;
export type TaxBillRow = typeof taxBills.$inferSelect;

export function declarationView(r: DeclarationRow) {
  return {
    id: r.id,
    kind: r.kind,
    enterpriseId: r.enterpriseId,
    requestId: r.requestId,
    version: r.version,
    rootId: r.rootId,
    previousId: r.previousId,
    state: r.state,
    stateReason: r.stateReason,
    bookId: r.bookId,
    regime: r.regime,
    portCode: r.portCode,
    businessDate: r.businessDate,
    period: r.period,
    form: r.form,
    lines: r.lines as Record<string, unknown>[],
    taxes: (r.taxes as TaxBillFigures | null) ?? null,
    risk: (r.risk as Record<string, unknown> | null) ?? null,
    reservationId: r.reservationId,
    releaseOrderId: r.releaseOrderId,
    inspectionTaskId: r.inspectionTaskId,
    centralizedId: r.centralizedId,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
export type DeclarationView = ReturnType<typeof declarationView>;

export function billView(b: TaxBillRow) {
  return {
    id: b.id,
    billNo: b.billNo,
    declarationId: b.declarationId,
    kind: b.kind as 'ORIGINAL' | 'SUPPLEMENTARY',
    cause: b.cause,
    duty: b.duty,
    consumptionTax: b.consumptionTax,
    vat: b.vat,
    total: b.total,
    figures: b.figures,
    businessDate: b.businessDate,
    issuedAt: b.issuedAt.toISOString(),
    auditSeq: b.auditSeq,
  };
}

/** The declarant's audit chain: all of an enterprise's declarations, in order. */
export const partitionOf = (uscc: string) => `enterprise:${uscc}`;

/** Locks a declaration row for the command (state changes of one declaration never interleave). */
export async function lockDeclaration(tx: Executor, id: string): Promise<DeclarationRow> {
  const [row] = await tx.select().from(declarations).where(eq(declarations.id, id)).for('update');
  if (!row) throw problems.notFound(`Declaration ${id}`);
  return row;
}

export async function findDeclaration(ex: Executor, id: string): Promise<DeclarationRow | null> {
  const [row] = await ex.select().from(declarations).where(eq(declarations.id, id));
  return row ?? null;
}

/** Whether the actor may see the declaration: officers all, an enterprise user only its own. */
export function assertVisible(actor: Actor, enterpriseId: string, what: string): void {
  if (actor.role === 'enterprise_user' && actor.enterpriseId !== enterpriseId) throw problems.notFound(what);
}

export interface TransitionInput {
  to: DeclarationState;
  reason: string;
  rule: string;
  change?: Record<string, unknown>;
  set?: Partial<typeof declarations.$inferInsert>;
}

/**
 * Moves a locked declaration to a new state with its reason: checks the state machine, updates the
 * row, appends the transition, the audit entry and the DeclarationStateChanged event.
 */
export async function transition(tx: Executor, ctx: AppContext, row: DeclarationRow, uscc: string, actor: Actor, t: TransitionInput): Promise<DeclarationRow> {
  const bad = transitionViolation(row.state as DeclarationState, t.to);
  if (bad) throw problems.conflict(bad.message, { rule: bad.rule });
  const now = ctx.clock.now();
  const { seq } = await appendAudit(tx, {
    actor: actorLabel(actor),
    action: `declarations.${t.to.toLowerCase()}`,
    subject: `declaration:${row.id}`,
    change: { kind: row.kind, from: row.state, to: t.to, reason: t.reason, rule: t.rule, ...t.change },
    at: now,
    partitionKey: partitionOf(uscc),
  });
  const [updated] = await tx
    .update(declarations)
    .set({ ...t.set, state: t.to, stateReason: t.reason, updatedAt: now })
    .where(eq(declarations.id, row.id))
    .returning();
  await tx.insert(declarationTransitions).values({ declarationId: row.id, enterpriseId: row.enterpriseId, fromState: row.state, toState: t.to, reason: t.reason, rule: t.rule, actor: actorLabel(actor), at: now, auditSeq: seq });
  await enqueueEvents(tx, [
    { aggregateType: 'declaration', aggregateId: row.id, eventType: 'DeclarationStateChanged', payload: { declarationId: row.id, kind: row.kind, enterpriseId: row.enterpriseId, from: row.state, to: t.to, reason: t.reason, rule: t.rule }, occurredAt: now, auditSeq: seq },
  ]);
  return updated!;
}

/** The first transition (nothing → SUBMITTED) of a new declaration row. */
export async function recordSubmission(tx: Executor, ctx: AppContext, row: DeclarationRow, uscc: string, actor: Actor, reason: string, change: Record<string, unknown>): Promise<number> {
  const now = ctx.clock.now();
  const { seq } = await appendAudit(tx, { actor: actorLabel(actor), action: 'declarations.submit', subject: `declaration:${row.id}`, change: { kind: row.kind, to: 'SUBMITTED', reason, ...change }, at: now, partitionKey: partitionOf(uscc) });
  await tx.insert(declarationTransitions).values({ declarationId: row.id, enterpriseId: row.enterpriseId, fromState: null, toState: 'SUBMITTED', reason, rule: 'declarations.submitted', actor: actorLabel(actor), at: now, auditSeq: seq });
  await enqueueEvents(tx, [{ aggregateType: 'declaration', aggregateId: row.id, eventType: 'DeclarationSubmitted', payload: { declarationId: row.id, kind: row.kind, enterpriseId: row.enterpriseId, version: row.version, previousId: row.previousId }, occurredAt: now, auditSeq: seq }]);
  return seq;
}

/** The next number of a gap-free serial (bill numbers per day, confirmation numbers per year). */
export async function nextSerial(tx: Executor, kind: string, scope: string): Promise<number> {
  const rows = await tx
    .insert(declarationSerials)
    .values({ kind, scope, last: 1 })
    .onConflictDoUpdate({ target: [declarationSerials.kind, declarationSerials.scope], set: { last: sql`${declarationSerials.last} + 1` } })
    .returning({ last: declarationSerials.last });
  return rows[0]!.last;
}

export async function transitionsOf(ex: Executor, id: string) {
  const rows = await ex.select().from(declarationTransitions).where(eq(declarationTransitions.declarationId, id)).orderBy(asc(declarationTransitions.id));
  return rows.map((t) => ({ from: t.fromState, to: t.toState, reason: t.reason, rule: t.rule, actor: t.actor, at: t.at.toISOString(), auditSeq: t.auditSeq }));
}

export async function billsOf(ex: Executor, declarationId: string) {
  const rows = await ex.select().from(taxBills).where(eq(taxBills.declarationId, declarationId)).orderBy(asc(taxBills.issuedAt), asc(taxBills.billNo));
  return rows.map(billView);
}

export async function versionsOf(ex: Executor, rootId: string) {
  const rows = await ex.select({ id: declarations.id, version: declarations.version, state: declarations.state }).from(declarations).where(eq(declarations.rootId, rootId)).orderBy(asc(declarations.version));
  return rows;
}

export async function batchesOf(ex: Executor, centralizedId: string) {
  return ex.select({ id: declarations.id, state: declarations.state, businessDate: declarations.businessDate }).from(declarations).where(and(eq(declarations.centralizedId, centralizedId), eq(declarations.kind, 'BATCH_EXIT'))).orderBy(asc(declarations.businessDate), asc(declarations.createdAt));
}
