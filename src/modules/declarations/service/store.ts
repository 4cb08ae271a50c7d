import { and, asc, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { eager, queryRows, recordset, together, type Executor } from '../../../platform/db/client.ts';
import { tableRows } from '../../../platform/db/rows.ts';
import { appendAudit, appendAuditMany } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { DECLARATIONS_EVENTS } from '../events.ts';
import type { SeqOf, WriteBatch } from '../../../platform/writeBatch.ts';
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
  /** The link the transition creates, kept on the row. */
  set?: { releaseOrderId?: string; inspectionTaskId?: string };
}

export interface Transition {
  row: DeclarationRow;
  uscc: string;
  actor: Actor;
  t: TransitionInput;
}

/** Moves a locked declaration to a new state: `transitionMany` with one. */
export async function transition(
  tx: Executor,
  ctx: AppContext,
  row: DeclarationRow,
  uscc: string,
  actor: Actor,
  t: TransitionInput,
  batch?: WriteBatch,
): Promise<DeclarationRow> {
  return (await transitionMany(tx, ctx, [{ row, uscc, actor, t }], batch))[0]!;
}

/** Every truck that leaves moves its declaration to EXITED: the row is read and written without the query builder. */
export const declarationRows = tableRows(declarations);
const UPDATE_COLUMNS =
  'decl_id uuid, new_state text, new_reason text, new_release_order_id uuid, new_inspection_task_id uuid';
const TRANSITION_COLUMNS =
  'declaration_id uuid, enterprise_id uuid, from_state text, to_state text, reason text, rule text, actor text, ' +
  'at timestamptz, audit_seq bigint';

/**
 * Moves locked declarations (each at most once) to new states with their reasons: checks the state
 * machine for every one before writing anything, then appends the audit entries and, in the same
 * round trip, updates the rows, records the transitions and enqueues the DeclarationStateChanged
 * events. Two round trips whatever the number. Returns the updated rows in the order given.
 * With the command's write batch, all of it is written at the command's end instead (no round trip
 * here); nothing in the command may read the rows' new state from the database before then.
 */
export async function transitionMany(
  tx: Executor,
  ctx: AppContext,
  items: readonly Transition[],
  batch?: WriteBatch,
): Promise<DeclarationRow[]> {
  if (items.length === 0) return [];
  if (new Set(items.map((i) => i.row.id)).size !== items.length)
    throw new Error('transitionMany: a declaration appears twice');
  for (const { row, t } of items) {
    const bad = transitionViolation(row.state as DeclarationState, t.to);
    if (bad) throw problems.conflict(bad.message, { rule: bad.rule });
  }
  const now = ctx.clock.now();
  const at = now.toISOString();
  const audit = items.map(({ row, uscc, actor, t }) => ({
    actor: actorLabel(actor),
    action: `declarations.${t.to.toLowerCase()}`,
    subject: `declaration:${row.id}`,
    change: { kind: row.kind, from: row.state, to: t.to, reason: t.reason, rule: t.rule, ...t.change },
    at: now,
    partitionKey: partitionOf(uscc),
  }));
  const events = items.map(({ row, t }) =>
    typedEvent(DECLARATIONS_EVENTS, 'DeclarationStateChanged', {
      aggregateType: 'declaration',
      aggregateId: row.id,
      payload: {
        declarationId: row.id,
        kind: row.kind,
        enterpriseId: row.enterpriseId,
        from: row.state,
        to: t.to,
        reason: t.reason,
        rule: t.rule,
      },
      occurredAt: now,
    }),
  );
  const pending = batch ? pendingIn(batch) : undefined;
  const isPending = (id: string) => pending?.has(id) ?? false;
  const write = async (subset: readonly Transition[], seqs: readonly number[]) => {
    const updates = subset.map(({ row, t }) => ({
      decl_id: row.id,
      new_state: t.to,
      new_reason: t.reason,
      new_release_order_id: t.set?.releaseOrderId ?? null,
      new_inspection_task_id: t.set?.inspectionTaskId ?? null,
    }));
    const transitions = subset.map(({ row, actor, t }, i) => transitionRow(row, actor, t, at, seqs[i]!));
    const [rows] = await together([
      queryRows<{ id: string }>(
        tx,
        sql`update ${declarations}
              set state = v.new_state, state_reason = v.new_reason, updated_at = ${at}::timestamptz,
                release_order_id = coalesce(v.new_release_order_id, release_order_id),
                inspection_task_id = coalesce(v.new_inspection_task_id, inspection_task_id)
            from ${recordset(updates, UPDATE_COLUMNS)} where id = v.decl_id returning id`,
      ),
      queryRows(
        tx,
        sql`insert into ${declarationTransitions}
              (declaration_id, enterprise_id, from_state, to_state, reason, rule, actor, at, audit_seq)
            select declaration_id, enterprise_id, from_state, to_state, reason, rule, actor, at, audit_seq
            from ${recordset(transitions, TRANSITION_COLUMNS)}`,
      ),
    ] as const);
    const updated = new Set(rows.map((r) => r.id));
    for (const { row } of subset)
      if (!updated.has(row.id)) throw new Error(`transitionMany: declaration ${row.id} was not updated`);
  };
  if (batch) {
    const refs = audit.map((a) => batch.audit(a));
    // A declaration this command created is written once, in the state it reaches (createDeclaration).
    items.forEach(({ row, actor, t }, i) =>
      pending?.get(row.id)?.transitions.push((seqOf) => transitionRow(row, actor, t, at, seqOf(refs[i]!))),
    );
    const stored = items.flatMap((item, i) => (isPending(item.row.id) ? [] : [{ item, ref: refs[i]! }]));
    if (stored.length)
      batch.defer((seqOf) =>
        write(
          stored.map((s) => s.item),
          stored.map((s) => seqOf(s.ref)),
        ),
      );
    events.forEach((e, i) => batch.event(e, refs[i]!));
  } else {
    await appendAuditMany(tx, audit, (entries) =>
      together([
        write(
          items,
          entries.map((e) => e.seq),
        ),
        enqueueEvents(
          tx,
          events.map((e, i) => ({ ...e, auditSeq: entries[i]!.seq })),
        ),
      ] as const),
    );
  }
  // The rows as written, without reading back their forms and lines.
  return items.map(({ row, t }) => {
    const next = {
      ...row,
      state: t.to,
      stateReason: t.reason,
      updatedAt: now,
      releaseOrderId: t.set?.releaseOrderId ?? row.releaseOrderId,
      inspectionTaskId: t.set?.inspectionTaskId ?? row.inspectionTaskId,
    };
    const created = pending?.get(row.id);
    if (created) created.row = { ...created.row, ...pick(next, TRANSITION_FIELDS) };
    return next;
  });
}

const TRANSITION_FIELDS = ['state', 'stateReason', 'updatedAt', 'releaseOrderId', 'inspectionTaskId'] as const;
const pick = <T, K extends keyof T>(o: T, keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;

/** One row of decl_transitions, as the set-based insert takes it. */
function transitionRow(row: DeclarationRow, actor: Actor, t: TransitionInput, at: string, auditSeq: number) {
  return {
    declaration_id: row.id,
    enterprise_id: row.enterpriseId,
    from_state: row.state,
    to_state: t.to,
    reason: t.reason,
    rule: t.rule,
    actor: actorLabel(actor),
    at,
    audit_seq: auditSeq,
  };
}

type TransitionRowOf = (seqOf: SeqOf) => ReturnType<typeof transitionRow> | Record<string, unknown>;

/**
 * Declarations this command created, by id, per write batch: each is inserted once at the command's
 * end, in the state its command left it, with every transition it went through (SUBMITTED, then
 * ACCEPTED and RELEASED, or HELD) in one more statement. An exit used to insert the row, then update
 * its risk and its state twice and insert its transitions one statement each: five statements more.
 * Nothing in the command reads the row back from the database (no module does: they are handed it).
 */
interface CreatedDeclaration {
  row: DeclarationRow;
  transitions: TransitionRowOf[];
}
const created = new WeakMap<WriteBatch, Map<string, CreatedDeclaration>>();

function pendingIn(batch: WriteBatch): Map<string, CreatedDeclaration> {
  let map = created.get(batch);
  if (!map) {
    map = new Map();
    created.set(batch, map);
  }
  return map;
}

/** A new declaration row, written with the command's batch in its final state (see CreatedDeclaration). */
export function createDeclaration(tx: Executor, batch: WriteBatch, row: DeclarationRow): DeclarationRow {
  const entry: CreatedDeclaration = { row, transitions: [] };
  pendingIn(batch).set(row.id, entry);
  batch.defer((seqOf) => {
    const transitions = entry.transitions.map((t) => t(seqOf));
    return together([
      // Through the schema's column mappings: form, lines, taxes and risk are stored as their JSON text.
      eager(tx.insert(declarations).values(entry.row)),
      transitions.length
        ? tx.execute(
            sql`insert into ${declarationTransitions}
                  (declaration_id, enterprise_id, from_state, to_state, reason, rule, actor, at, audit_seq)
                select declaration_id, enterprise_id, from_state, to_state, reason, rule, actor, at, audit_seq
                from ${recordset(transitions, TRANSITION_COLUMNS)} order by audit_seq`,
          )
        : Promise.resolve(),
    ] as const);
  });
  return row;
}

/**
 * Sets columns of a declaration at the command's end: on the created row when this command created
 * it, else by an update in the batch.
 */
export function updateAtEnd(tx: Executor, batch: WriteBatch, id: string, set: Partial<DeclarationRow>): void {
  const entry = pendingIn(batch).get(id);
  if (entry) {
    entry.row = { ...entry.row, ...set };
    return;
  }
  batch.defer(() => eager(tx.update(declarations).set(set).where(eq(declarations.id, id))));
}

/** The first transition (nothing → SUBMITTED) of a new declaration row; with a batch, written at the command's end. */
export async function recordSubmission(
  tx: Executor,
  ctx: AppContext,
  row: DeclarationRow,
  uscc: string,
  actor: Actor,
  reason: string,
  change: Record<string, unknown>,
  batch?: WriteBatch,
): Promise<void> {
  const now = ctx.clock.now();
  const entry = {
    actor: actorLabel(actor),
    action: 'declarations.submit',
    subject: `declaration:${row.id}`,
    change: { kind: row.kind, to: 'SUBMITTED', reason, ...change },
    at: now,
    partitionKey: partitionOf(uscc),
  };
  const submittedRow = (auditSeq: number) => ({
    declarationId: row.id,
    enterpriseId: row.enterpriseId,
    fromState: null,
    toState: 'SUBMITTED',
    reason,
    rule: 'declarations.submitted',
    actor: actorLabel(actor),
    at: now,
    auditSeq,
  });
  const event = typedEvent(DECLARATIONS_EVENTS, 'DeclarationSubmitted', {
    aggregateType: 'declaration',
    aggregateId: row.id,
    payload: {
      declarationId: row.id,
      kind: row.kind,
      enterpriseId: row.enterpriseId,
      version: row.version,
      previousId: row.previousId,
    },
    occurredAt: now,
  });
  if (batch) {
    const ref = batch.audit(entry);
    const created = pendingIn(batch).get(row.id);
    if (created)
      created.transitions.push((seqOf) => ({
        ...transitionRow(row, actor, { to: 'SUBMITTED', reason, rule: 'declarations.submitted' }, now.toISOString(), 0),
        from_state: null,
        audit_seq: seqOf(ref),
      }));
    else batch.defer((seqOf) => eager(tx.insert(declarationTransitions).values(submittedRow(seqOf(ref)))));
    batch.event(event, ref);
    return;
  }
  const { seq } = await appendAudit(tx, entry);
  await tx.insert(declarationTransitions).values(submittedRow(seq));
  await enqueueEvents(tx, [{ ...event, auditSeq: seq }]);
}

/** The next number of a gap-free serial (bill numbers per day, confirmation numbers per year). */
export async function nextSerial(tx: Executor, kind: string, scope: string): Promise<number> {
  const rows = await tx
    .insert(declarationSerials)
    .values({ kind, scope, last: 1 })
    .onConflictDoUpdate({
      target: [declarationSerials.kind, declarationSerials.scope],
      set: { last: sql`${declarationSerials.last} + 1` },
    })
    .returning({ last: declarationSerials.last });
  return rows[0]!.last;
}

export async function transitionsOf(ex: Executor, id: string) {
  const rows = await ex
    .select()
    .from(declarationTransitions)
    .where(eq(declarationTransitions.declarationId, id))
    .orderBy(asc(declarationTransitions.id));
  return rows.map((t) => ({
    from: t.fromState,
    to: t.toState,
    reason: t.reason,
    rule: t.rule,
    actor: t.actor,
    at: t.at.toISOString(),
    auditSeq: t.auditSeq,
  }));
}

export async function billsOf(ex: Executor, declarationId: string) {
  const rows = await ex
    .select()
    .from(taxBills)
    .where(eq(taxBills.declarationId, declarationId))
    .orderBy(asc(taxBills.issuedAt), asc(taxBills.billNo));
  return rows.map(billView);
}

export async function versionsOf(ex: Executor, rootId: string) {
  const rows = await ex
    .select({ id: declarations.id, version: declarations.version, state: declarations.state })
    .from(declarations)
    .where(eq(declarations.rootId, rootId))
    .orderBy(asc(declarations.version));
  return rows;
}

export async function batchesOf(ex: Executor, centralizedId: string) {
  return ex
    .select({ id: declarations.id, state: declarations.state, businessDate: declarations.businessDate })
    .from(declarations)
    .where(and(eq(declarations.centralizedId, centralizedId), eq(declarations.kind, 'BATCH_EXIT')))
    .orderBy(asc(declarations.businessDate), asc(declarations.createdAt));
}
