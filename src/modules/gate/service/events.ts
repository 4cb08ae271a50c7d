/**
 * Gate events (卡口过车): decide, store the decision under the event id (the same id always gets
 * the same answer), and on PASS post the reserved book quantities in the same transaction.
 */
import { and, eq, sql } from 'drizzle-orm';
import { Decimal } from 'decimal.js';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor, Tx } from '../../../platform/db/client.ts';
import { runCommand, sqlState } from '../../../platform/command.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { releaseOrderAuditKey } from './auditKeys.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { getParameters } from '../../../platform/parameters/service.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { canonicalJson } from '../../../kernel/canonicalJson.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { uuidv7 } from '../../../kernel/ids.ts';
import { problems } from '../../../kernel/problem.ts';
import { sha256Hex } from '../../../platform/crypto.ts';
import { getReservation, postReservation } from '../../ledger/service.ts';
import { gateEvents, gateReleaseOrders } from '../schema.ts';
import { decideGate, normalisePlate, type GateDecision, type GateReading, type Reason, type SealState, type Tolerance } from '../rules.ts';
import { forGate, ordersOfPlate, type ReleaseOrder } from './orders.ts';
import { openInspectionTaskTx } from './inspection.ts';

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
  return { pct: String(p.get('gate.weightToleranceRatio')?.value ?? '0.03'), minKg: String(p.get('gate.weightToleranceMinKg')?.value ?? '300') };
}

function requestHash(e: GateEventInput): string {
  return sha256Hex(canonicalJson({ ...e, plate: normalisePlate(e.plate), at: e.at.toISOString(), weightKg: new Decimal(e.weightKg).toString() }));
}

type EventRow = typeof gateEvents.$inferSelect;

/** What remains reserved behind an order: a reservation voided or expired meanwhile blocks the PASS. */
async function reservationProblem(tx: Executor, order: ReleaseOrder, now: Date): Promise<string | null> {
  const found = await Promise.all(order.reservationIds.map((id) => getReservation(tx, id)));
  for (const [k, id] of order.reservationIds.entries()) {
    const r = found[k];
    if (!r) return `reservation ${id} does not exist`;
    if (r.status !== 'OPEN') return `reservation ${id} is ${r.status}`;
    if (r.expiresAt <= now) return `reservation ${id} expired at ${r.expiresAt.toISOString()}`;
  }
  return null;
}

/** The ledger postings of a PASS: whole reservations, or the goods of the containers leaving. */
function plannedPostings(order: ReleaseOrder, d: GateDecision): { reservationId: string; lines?: { itemId: string; quantity: string }[]; releaseRest: boolean }[] {
  if (!order.containerGoods || order.containerGoods.length === 0) return order.reservationIds.map((reservationId) => ({ reservationId, releaseRest: true }));
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
    if (m) out.push({ reservationId: id, lines: [...m].map(([itemId, q]) => ({ itemId, quantity: q.toString() })), releaseRest: d.complete });
  }
  return out;
}

/**
 * Decides and records one event inside the caller's transaction. `source` REPLAY is a decision the
 * gate took offline (the caller handles conflicts); LIVE decides here.
 */
export async function decideEventTx(tx: Tx, ctx: AppContext, e: GateEventInput, actor: Actor, opts: { source: 'LIVE' | 'REPLAY'; forced?: GateDecision; skipPosting?: boolean } = { source: 'LIVE' }): Promise<{ answer: GateAnswer; replayed: boolean }> {
  const hash = requestHash(e);
  const now = ctx.clock.now();
  // One round trip for the three reads a decision starts with (the queries are pipelined on the
  // transaction's connection and run in this order): the stored answer, the plate's orders locked
  // (two events for one order decide one after the other), the weight tolerance in force.
  const [priorRows, orders, tolerance] = await Promise.all([
    tx.select().from(gateEvents).where(eq(gateEvents.eventId, e.eventId)).limit(1),
    ordersOfPlate(tx, e.plate, e.portCode, true, now),
    opts.forced ? null : gateTolerance(tx, now),
  ]);
  const prior = priorRows[0];
  if (prior) {
    if (prior.requestHash !== hash) throw problems.conflict(`Gate event ${e.eventId} was already received with other content.`, { errors: [{ path: 'eventId', rule: 'gate.idempotencyConflict', message: 'same event id, other content' }] });
    return { answer: storedAnswer(prior), replayed: true };
  }
  const forRules = await Promise.all(
    orders.map(async (o) => {
      const g = forGate(o);
      if (o.status === 'OPEN' && o.portCode === e.portCode) g.reservationProblem = await reservationProblem(tx, o, now);
      return g;
    }),
  );
  const reading: GateReading = { portCode: e.portCode, plate: e.plate, containers: e.containers, weightKg: e.weightKg, sealState: e.sealState, seals: e.seals, at: e.at };
  const d = opts.forced ?? decideGate(reading, forRules, tolerance!);
  const order = d.releaseOrderId ? orders.find((o) => o.id === d.releaseOrderId) ?? null : null;
  const postings: GateAnswer['postings'] = [];
  let inspectionTaskId: string | null = null;
  if (d.decision === 'PASS' && order && !opts.skipPosting) {
    const passed = [...new Set([...order.passedContainers, ...d.leaving])];
    // The order's row is ours (locked above): its update rides in the same pipeline as the postings.
    const orderUpdate = tx
      .update(gateReleaseOrders)
      .set({ passedContainers: passed, status: d.complete ? 'PASSED' : 'OPEN', closedAt: d.complete ? now : null, version: sql`nextval('gate_order_version_seq')` })
      .where(eq(gateReleaseOrders.id, order.id))
      .then(() => undefined);
    const posting = (async () => {
      for (const p of plannedPostings(order, d)) {
        const postingId = uuidv7(now.getTime());
        const r = await postReservation(tx, ctx, { postingId, reservationId: p.reservationId, ...(p.lines ? { lines: p.lines } : {}), to: 'mainland', document: { type: 'GATE_EVENT', id: e.eventId }, releaseRest: p.releaseRest, actor });
        const lines = p.lines ?? r.reservation.lines.map((l) => ({ itemId: l.itemId, quantity: l.posted }));
        postings.push({ reservationId: p.reservationId, postingId, lines });
      }
    })();
    await Promise.all([orderUpdate, posting]);
  } else if (d.decision === 'DIVERT') {
    const doc = order ? { documentType: order.documentType, documentId: order.documentId } : { documentType: 'GATE_EVENT', documentId: e.eventId };
    const t = await openInspectionTaskTx(tx, ctx, { source: 'GATE_DIVERT', ...doc, releaseOrderId: order?.id ?? null, portCode: e.portCode, reasons: d.reasons.map((r) => ({ code: r.code, detail: r.detail })), actor, reuseOpen: true });
    inspectionTaskId = t.taskId;
  }
  const row: EventRow = {
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
    requestHash: hash,
    decision: d.decision,
    reasons: d.reasons,
    releaseOrderId: d.releaseOrderId,
    postings: { complete: d.complete, list: postings } as unknown as never,
    inspectionTaskId,
    source: opts.source,
    decidedAt: now,
  };
  // The stored answer and the audit entry are independent statements: one round trip for both.
  const [, { seq }] = await Promise.all([
    tx.insert(gateEvents).values(row).then(() => undefined),
    appendAudit(tx, { actor: actorLabel(actor), action: d.decision === 'PASS' ? 'gate.event.pass' : 'gate.event.divert', subject: `gate-event:${e.eventId}`, change: { ...row, postings }, at: now, partitionKey: d.releaseOrderId ? releaseOrderAuditKey(d.releaseOrderId) : `gate-event:${e.eventId}` }),
  ]);
  if (d.decision === 'PASS') {
    // An offline PASS the books could not take (skipPosting) announces nothing: the officer queue settles it.
    if (order && !opts.skipPosting) await enqueueEvents(tx, [{ aggregateType: 'gate', aggregateId: order.id, eventType: 'ReleaseOrderPassed', payload: { releaseOrderId: order.id, documentType: order.documentType, documentId: order.documentId, enterpriseId: order.enterpriseId, gateEventId: e.eventId, portCode: e.portCode, passedAt: e.at.toISOString(), complete: d.complete, postings }, occurredAt: now, auditSeq: seq }]);
  } else {
    await enqueueEvents(tx, [{ aggregateType: 'gate', aggregateId: d.releaseOrderId ?? e.eventId, eventType: 'ReleaseOrderDiverted', payload: { releaseOrderId: d.releaseOrderId, gateEventId: e.eventId, portCode: e.portCode, reasons: d.reasons, inspectionTaskId }, occurredAt: now, auditSeq: seq }]);
  }
  return { answer: { eventId: e.eventId, decision: d.decision, reasons: d.reasons, releaseOrderId: d.releaseOrderId, complete: d.complete, inspectionTaskId, postings }, replayed: false };
}

export function storedAnswer(r: EventRow): GateAnswer {
  const p = r.postings as unknown as { complete: boolean; list: GateAnswer['postings'] };
  return { eventId: r.eventId, decision: r.decision as GateAnswer['decision'], reasons: r.reasons as Reason[], releaseOrderId: r.releaseOrderId, complete: Boolean(p.complete), inspectionTaskId: r.inspectionTaskId, postings: p.list ?? [] };
}

/** A gate device's event: the device's scope (port, lane) must be the event's. */
export async function recordGateEvent(ctx: AppContext, actor: Actor, e: GateEventInput): Promise<GateAnswer> {
  assertDeviceScope(actor, e.portCode, e.laneCode);
  const decide = () => runCommand(ctx, 'gate.event', async (tx) => (await decideEventTx(tx, ctx, e, actor)).answer);
  try {
    return await decide();
  } catch (err) {
    // Two copies of one event at the same moment both found no stored answer before the order lock;
    // the second to commit hits the event's unique key. Once more, it finds the stored answer.
    if (sqlState(err) === '23505') return decide();
    throw err;
  }
}

export function assertDeviceScope(actor: Actor, portCode: string, laneCode?: string): void {
  if (actor.role !== 'gate_device') return;
  const scope = actor.scope ?? {};
  if (scope.portCode !== portCode) throw problems.field('portCode', 'gate.deviceScope', `This gate device is bound to port ${String(scope.portCode ?? '(none)')}.`);
  if (laneCode !== undefined && scope.laneCode !== laneCode) throw problems.field('laneCode', 'gate.deviceScope', `This gate device is bound to lane ${String(scope.laneCode ?? '(none)')}.`);
}

export async function getGateEvent(ex: Executor, eventId: string): Promise<GateAnswer | null> {
  const [r] = await ex.select().from(gateEvents).where(and(eq(gateEvents.eventId, eventId))).limit(1);
  return r ? storedAnswer(r) : null;
}
