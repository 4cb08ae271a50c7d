/**
 * Gate events (卡口过车): decide, store the decision under the event id (the same id always gets
 * the same answer), and on PASS post the reserved book quantities in the same transaction.
 */
import { and, eq, sql } from 'drizzle-orm';
import { Decimal } from 'decimal.js';
import type { AppContext } from '../../../platform/context.ts';
import { together, type Executor, type Tx } from '../../../platform/db/client.ts';
import { anyOf, tableRows } from '../../../platform/db/rows.ts';
import { releaseOrderAuditKey } from './auditKeys.ts';
import { WriteBatch, type AuditRef } from '../../../platform/writeBatch.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { getParameters } from '../../../platform/parameters/service.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { canonicalJson } from '../../../kernel/canonicalJson.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { uuidv7 } from '../../../kernel/ids.ts';
import { problems, type Problem } from '../../../kernel/problem.ts';
import { sha256Hex } from '../../../platform/crypto.ts';
import { openPostingSession, type PostInput, type PostResult, type PostingSession } from '../../ledger/service.ts';
import { gateEvents } from '../schema.ts';
import { GATE_EVENTS } from '../events.ts';
import {
  decideGate,
  normalisePlate,
  type GateDecision,
  type GateReading,
  type Reason,
  type SealState,
  type Tolerance,
} from '../rules.ts';
import { forGate, ordersOfPlates, savePassedOrders, type ReleaseOrder } from './orders.ts';
import { findTasks, planInspectionTasks, type OpenTaskInput } from './inspection.ts';

export interface GateEventInput {
  eventId: string;
  portCode: string;
  laneCode: string;
  direction: 'OUT' | 'IN';
  plate: string;
  containers: string[];
  weightKg: string;
  sealState: SealState;
  seals?: string[];
  at: Date;
}

export interface GateAnswer {
  eventId: string;
  decision: 'PASS' | 'DIVERT';
  reasons: Reason[];
  releaseOrderId: string | null;
  complete: boolean;
  inspectionTaskId: string | null;
  postings: { reservationId: string; postingId: string; lines: { itemId: string; quantity: string }[] }[];
}

export async function gateTolerance(ex: Executor, now: Date): Promise<Tolerance> {
  const p = await getParameters(ex, ['gate.weightToleranceRatio', 'gate.weightToleranceMinKg'], shanghaiDate(now));
  return {
    pct: String(p.get('gate.weightToleranceRatio')?.value ?? '0.03'),
    minKg: String(p.get('gate.weightToleranceMinKg')?.value ?? '300'),
  };
}

function requestHash(e: GateEventInput): string {
  return sha256Hex(
    canonicalJson({
      ...e,
      plate: normalisePlate(e.plate),
      at: e.at.toISOString(),
      weightKg: new Decimal(e.weightKg).toString(),
    }),
  );
}

type EventRow = typeof gateEvents.$inferSelect;

/** What remains reserved behind an order: a reservation voided or expired meanwhile blocks the PASS. */
function reservationProblem(session: PostingSession, order: ReleaseOrder, now: Date): string | null {
  for (const id of order.reservationIds) {
    const r = session.reservation(id);
    if (!r) return `reservation ${id} does not exist`;
    if (r.status !== 'OPEN') return `reservation ${id} is ${r.status}`;
    if (r.expiresAt <= now) return `reservation ${id} expired at ${r.expiresAt.toISOString()}`;
  }
  return null;
}

/** The ledger postings of a PASS: whole reservations, or the goods of the containers leaving. */
function plannedPostings(
  order: ReleaseOrder,
  d: GateDecision,
): { reservationId: string; lines?: { itemId: string; quantity: string }[]; releaseRest: boolean }[] {
  if (!order.containerGoods || order.containerGoods.length === 0)
    return order.reservationIds.map((reservationId) => ({ reservationId, releaseRest: true }));
  const byReservation = new Map<string, Map<string, Decimal>>();
  for (const c of d.leaving) {
    const g = order.containerGoods.find((x) => x.container === c);
    for (const x of g?.goods ?? []) {
      const m = byReservation.get(x.reservationId) ?? new Map<string, Decimal>();
      m.set(x.itemId, (m.get(x.itemId) ?? new Decimal(0)).plus(x.quantity));
      byReservation.set(x.reservationId, m);
    }
  }
  const out: { reservationId: string; lines?: { itemId: string; quantity: string }[]; releaseRest: boolean }[] = [];
  for (const id of order.reservationIds) {
    const m = byReservation.get(id);
    if (m)
      out.push({
        reservationId: id,
        lines: [...m].map(([itemId, q]) => ({ itemId, quantity: q.toString() })),
        releaseRest: d.complete,
      });
  }
  return out;
}

export interface DecideOptions {
  /** REPLAY: a decision the gate took offline (the caller handles conflicts); LIVE decides here. */
  source: 'LIVE' | 'REPLAY';
  forced?: GateDecision;
  skipPosting?: boolean;
}

export interface EventItem {
  e: GateEventInput;
  actor: Actor;
  opts?: DecideOptions;
}

export type EventOutcome = { answer: GateAnswer; replayed: boolean } | { problem: Problem };

export const plateKey = (e: Pick<GateEventInput, 'portCode' | 'plate'>): string =>
  `${e.portCode}|${normalisePlate(e.plate)}`;

/**
 * Decides and records one event inside the caller's transaction (a refusal is thrown), written
 * before it returns: a replay decides its events one after another, each reading what the one
 * before it wrote, so the event has a write batch of its own, flushed here.
 */
export async function decideEventTx(
  tx: Tx,
  ctx: AppContext,
  e: GateEventInput,
  actor: Actor,
  opts: DecideOptions = { source: 'LIVE' },
): Promise<{ answer: GateAnswer; replayed: boolean }> {
  const batch = new WriteBatch();
  const [outcome] = await decideEventsTx(tx, ctx, [{ e, actor, opts }], batch);
  await batch.flush(tx);
  if ('problem' in outcome!) throw outcome.problem;
  return outcome!;
}

/**
 * Decides and records a batch of events in one transaction, with a fixed number of statements
 * whatever the batch size (group commit: at 500 trucks a second the per-statement cost, not the
 * rules, is what limits a gate). Each event gets exactly the answer it would get alone: the
 * events of a batch have different ids and different plates (the batcher sees to it, asserted
 * here), so no two of them read or write the same release order. An event refused on its own
 * (same id, other content) gets its problem and writes nothing; the others go on. What the events
 * write (postings, tasks, passed orders, stored answers, audit entries, outbox events) goes in the
 * command's write batch: nothing of the command may read it before the batch is flushed.
 */
export async function decideEventsTx(
  tx: Tx,
  ctx: AppContext,
  items: readonly EventItem[],
  batch: WriteBatch,
): Promise<EventOutcome[]> {
  if (
    new Set(items.map((i) => i.e.eventId)).size !== items.length ||
    new Set(items.map((i) => plateKey(i.e))).size !== items.length
  ) {
    throw new Error('a batch of gate events must not hold two events with one id or one plate');
  }
  const now = ctx.clock.now();
  const hashes = items.map((i) => requestHash(i.e));
  const eventIds = items.map((i) => i.e.eventId);
  // One round trip: the stored answers, the plates' orders locked (in id order), the tolerance.
  const [priors, orders, tolerance] = await together([
    eventRows.select(tx, sql`select ${eventRows.columns} from ${gateEvents} where event_id ${anyOf(eventIds, 'text')}`),
    ordersOfPlates(
      tx,
      items.map((i) => i.e),
      true,
      now,
    ),
    items.some((i) => !i.opts?.forced) ? gateTolerance(tx, now) : Promise.resolve(null),
  ] as const);
  const outcomes: (EventOutcome | null)[] = items.map(() => null);
  const live: number[] = [];
  items.forEach((it, k) => {
    const prior = priors.find((p) => p.eventId === it.e.eventId);
    if (!prior) return live.push(k);
    outcomes[k] =
      prior.requestHash === hashes[k]
        ? { answer: storedAnswer(prior), replayed: true }
        : {
            problem: problems.conflict(`Gate event ${it.e.eventId} was already received with other content.`, {
              errors: [{ path: 'eventId', rule: 'gate.idempotencyConflict', message: 'same event id, other content' }],
            }),
          };
  });
  if (!live.length) return outcomes as EventOutcome[];
  const ordersOf = (e: GateEventInput) =>
    orders.filter((o) => o.portCode === e.portCode && o.plate === normalisePlate(e.plate));
  const liveOrders = live.flatMap((k) => ordersOf(items[k]!.e));
  // One round trip: the books behind the open orders locked, their reservations, lines and stock
  // read; the open inspection tasks any divert may join (those of the orders' documents, and of
  // the events themselves for a truck without an order).
  const [session, openTasks] = await together([
    openPostingSession(
      tx,
      ctx,
      liveOrders.filter((o) => o.status === 'OPEN').flatMap((o) => o.reservationIds),
    ),
    findTasks(tx, [], {
      types: [...liveOrders.map((o) => o.documentType), 'GATE_EVENT'],
      ids: [...liveOrders.map((o) => o.documentId), ...live.map((k) => items[k]!.e.eventId)],
    }),
  ] as const);

  const { decided, postInputs, taskInputs, passedOrders } = planDecisions(
    items,
    live,
    ordersOf,
    session,
    tolerance,
    now,
  );

  // Everything below goes in the write batch, written in its last round trip in this order: the
  // orders passed, the postings (their ids are minted here, so there is no earlier posting to look
  // up), the tasks opened or joined, the stored answers; the audit entries (the postings', the
  // tasks', the decisions') in one append, which locks their partitions in order; the postings'
  // events and the decisions' in one outbox statement.
  batch.defer(() => savePassedOrders(tx, passedOrders, now));
  const posted = postInputs.length ? await session.post(postInputs, batch, { newIds: true }) : [];
  const tasks = planInspectionTasks(tx, ctx, taskInputs, openTasks);

  const { rows, answers } = storedRows(
    items,
    decided,
    hashes,
    now,
    (index) => posted[index]!,
    (index) => tasks.tasks[index]!.taskId,
  );
  decided.forEach(({ k }, n) => (outcomes[k] = { answer: answers[n]!, replayed: false }));
  for (const entry of tasks.audit) batch.audit(entry);
  batch.defer(() => tasks.write());
  batch.defer(() => eventRows.insert(tx, rows));
  // A decision's entry: the hash of the event as sent, and what was decided (decisionEntry).
  const gateAudit = rows.map((row, n) =>
    batch.audit({
      actor: actorLabel(items[decided[n]!.k]!.actor),
      action: row.decision === 'PASS' ? 'gate.event.pass' : 'gate.event.divert',
      subject: `gate-event:${row.eventId}`,
      change: decisionEntry(row),
      at: now,
      partitionKey: row.releaseOrderId ? releaseOrderAuditKey(row.releaseOrderId) : `gate-event:${row.eventId}`,
    }),
  );
  announce(batch, items, decided, answers, gateAudit, now);
  return outcomes as EventOutcome[];
}

interface Decided {
  /** The event's index in the batch. */
  k: number;
  d: GateDecision;
  order: ReleaseOrder | null;
  postings: { input: PostInput; index: number }[];
  taskIndex: number | null;
}

/**
 * The rules applied to every live event of a batch, against the orders and reservations read:
 * what each decided, and what the batch must write for it (postings, tasks, order updates).
 */
function planDecisions(
  items: readonly EventItem[],
  live: readonly number[],
  ordersOf: (e: GateEventInput) => ReleaseOrder[],
  session: PostingSession,
  tolerance: Tolerance | null,
  now: Date,
) {
  const decided: Decided[] = [];
  const postInputs: PostInput[] = [];
  const taskInputs: (OpenTaskInput & { reuseOpen: boolean })[] = [];
  const passedOrders: { id: string; passedContainers: string[]; complete: boolean }[] = [];
  for (const k of live) {
    const { e, actor, opts } = items[k]!;
    const mine = ordersOf(e);
    const forRules = mine.map((o) => {
      const g = forGate(o);
      if (o.status === 'OPEN') g.reservationProblem = reservationProblem(session, o, now);
      return g;
    });
    const reading: GateReading = {
      portCode: e.portCode,
      plate: e.plate,
      containers: e.containers,
      weightKg: e.weightKg,
      sealState: e.sealState,
      seals: e.seals,
      at: e.at,
    };
    const d = opts?.forced ?? decideGate(reading, forRules, tolerance!);
    const order = d.releaseOrderId ? (mine.find((o) => o.id === d.releaseOrderId) ?? null) : null;
    const entry: Decided = { k, d, order, postings: [], taskIndex: null };
    if (d.decision === 'PASS' && order && !opts?.skipPosting) {
      passedOrders.push({
        id: order.id,
        passedContainers: [...new Set([...order.passedContainers, ...d.leaving])],
        complete: d.complete,
      });
      for (const p of plannedPostings(order, d)) {
        const input: PostInput = {
          postingId: uuidv7(now.getTime()),
          reservationId: p.reservationId,
          ...(p.lines ? { lines: p.lines } : {}),
          to: 'mainland',
          document: { type: 'GATE_EVENT', id: e.eventId },
          releaseRest: p.releaseRest,
          actor,
        };
        entry.postings.push({ input, index: postInputs.length });
        postInputs.push(input);
      }
    } else if (d.decision === 'DIVERT') {
      // A truck diverted for an order whose goods all left already (another passage, or a replayed
      // offline divert decided before they left) is inspected as a truck: the document has exited,
      // and a task on it would hold nothing and re-open a closed declaration.
      const exited = order?.status === 'PASSED';
      const truck = { documentType: 'GATE_EVENT', documentId: e.eventId };
      const doc = order && !exited ? { documentType: order.documentType, documentId: order.documentId } : truck;
      entry.taskIndex = taskInputs.length;
      taskInputs.push({
        taskId: uuidv7(now.getTime()),
        source: 'GATE_DIVERT',
        ...doc,
        releaseOrderId: order?.id ?? null,
        portCode: e.portCode,
        reasons: d.reasons.map((r) => ({ code: r.code, detail: r.detail })),
        actor,
        reuseOpen: true,
      });
    }
    decided.push(entry);
  }
  return { decided, postInputs, taskInputs, passedOrders };
}

/** The stored row and the answer of every decided event, once its postings and task are known. */
/**
 * The audit entry of a decision, format 2: the event's request hash (SHA-256 of the canonical event
 * as the device sent it: plate, containers, weight, seals, time, lane) and the fields that matter —
 * the decision, its reasons, the order, the postings made (their lines are in the ledger's own
 * entries) and the task opened. Format 1 (entries written before) carried the whole stored row; both
 * verify the same way, since the chain hashes whatever `change` holds. Smaller entries are cheaper to
 * serialise canonically, hash and write on every PASS.
 */
function decisionEntry(row: EventRow) {
  const postings = row.postings as unknown as { complete: boolean; list: { postingId: string }[] };
  return {
    format: 2,
    eventId: row.eventId,
    requestHash: row.requestHash,
    portCode: row.portCode,
    laneCode: row.laneCode,
    plate: row.plate,
    decision: row.decision,
    reasons: row.reasons,
    releaseOrderId: row.releaseOrderId,
    complete: postings.complete,
    postingIds: postings.list.map((p) => p.postingId),
    inspectionTaskId: row.inspectionTaskId,
    source: row.source,
    decidedAt: row.decidedAt,
  };
}

function storedRows(
  items: readonly EventItem[],
  decided: readonly Decided[],
  hashes: readonly string[],
  now: Date,
  posting: (index: number) => PostResult,
  taskIdAt: (index: number) => string,
) {
  const rows: EventRow[] = [];
  const answers: GateAnswer[] = [];
  for (const { k, d, postings, taskIndex } of decided) {
    const { e, actor, opts } = items[k]!;
    const list: GateAnswer['postings'] = postings.map(({ input, index }) => ({
      reservationId: input.reservationId,
      postingId: input.postingId,
      lines: input.lines ?? posting(index).reservation.lines.map((l) => ({ itemId: l.itemId, quantity: l.posted })),
    }));
    const inspectionTaskId = taskIndex === null ? null : taskIdAt(taskIndex);
    rows.push({
      eventId: e.eventId,
      deviceId: actor.id,
      portCode: e.portCode,
      laneCode: e.laneCode,
      direction: e.direction,
      plate: normalisePlate(e.plate),
      containers: e.containers,
      weightKg: e.weightKg,
      sealState: e.sealState,
      occurredAt: e.at,
      requestHash: hashes[k]!,
      decision: d.decision,
      reasons: d.reasons,
      releaseOrderId: d.releaseOrderId,
      postings: { complete: d.complete, list } as unknown as never,
      inspectionTaskId,
      source: opts?.source ?? 'LIVE',
      decidedAt: now,
    });
    answers.push({
      eventId: e.eventId,
      decision: d.decision,
      reasons: d.reasons,
      releaseOrderId: d.releaseOrderId,
      complete: d.complete,
      inspectionTaskId,
      postings: list,
    });
  }
  return { rows, answers };
}

/** The outbox events of the decided events, each with its decision's audit entry (`audit[n]`). */
function announce(
  batch: WriteBatch,
  items: readonly EventItem[],
  decided: readonly Decided[],
  answers: readonly GateAnswer[],
  audit: readonly AuditRef[],
  now: Date,
): void {
  decided.forEach(({ k, d, order }, n) => {
    const { e, opts } = items[k]!;
    const answer = answers[n]!;
    const entry = audit[n]!;
    // An offline PASS the books could not take (skipPosting) announces nothing: the officer queue settles it.
    if (d.decision === 'PASS') {
      if (order && !opts?.skipPosting)
        batch.event(
          typedEvent(GATE_EVENTS, 'ReleaseOrderPassed', {
            aggregateType: 'gate',
            aggregateId: order.id,
            payload: {
              releaseOrderId: order.id,
              documentType: order.documentType,
              documentId: order.documentId,
              enterpriseId: order.enterpriseId,
              gateEventId: e.eventId,
              portCode: e.portCode,
              passedAt: e.at.toISOString(),
              complete: d.complete,
              postings: answer.postings,
            },
            occurredAt: now,
          }),
          entry,
        );
    } else {
      batch.event(
        typedEvent(GATE_EVENTS, 'ReleaseOrderDiverted', {
          aggregateType: 'gate',
          aggregateId: d.releaseOrderId ?? e.eventId,
          payload: {
            releaseOrderId: d.releaseOrderId,
            gateEventId: e.eventId,
            portCode: e.portCode,
            reasons: d.reasons,
            inspectionTaskId: answer.inspectionTaskId,
          },
          occurredAt: now,
        }),
        entry,
      );
    }
  });
}

/** Gate events read and written on the hot path without the query builder. */
const eventRows = tableRows(gateEvents);

export function storedAnswer(r: EventRow): GateAnswer {
  const p = r.postings as unknown as { complete: boolean; list: GateAnswer['postings'] };
  return {
    eventId: r.eventId,
    decision: r.decision as GateAnswer['decision'],
    reasons: r.reasons as Reason[],
    releaseOrderId: r.releaseOrderId,
    complete: Boolean(p.complete),
    inspectionTaskId: r.inspectionTaskId,
    postings: p.list ?? [],
  };
}

export function assertDeviceScope(actor: Actor, portCode: string, laneCode?: string): void {
  if (actor.role !== 'gate_device') return;
  const scope = actor.scope ?? {};
  if (scope.portCode !== portCode)
    throw problems.field(
      'portCode',
      'gate.deviceScope',
      `This gate device is bound to port ${String(scope.portCode ?? '(none)')}.`,
    );
  if (laneCode !== undefined && scope.laneCode !== laneCode)
    throw problems.field(
      'laneCode',
      'gate.deviceScope',
      `This gate device is bound to lane ${String(scope.laneCode ?? '(none)')}.`,
    );
}

export async function getGateEvent(ex: Executor, eventId: string): Promise<GateAnswer | null> {
  const [r] = await ex
    .select()
    .from(gateEvents)
    .where(and(eq(gateEvents.eventId, eventId)))
    .limit(1);
  return r ? storedAnswer(r) : null;
}
