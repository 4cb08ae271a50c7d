/**
 * Release orders (放行指令): what may leave through a second-line gate, issued when a declaration is
 * accepted, cancelled with it. Every change takes the next gate_order_version_seq number, which is
 * the cursor the gate-side cache syncs by.
 */
import { and, eq, gt, sql, asc } from 'drizzle-orm';
import { Decimal } from 'decimal.js';
import type { AppContext } from '../../../platform/context.ts';
import { recordset, together, type Executor, type Tx } from '../../../platform/db/client.ts';
import type { WriteBatch } from '../../../platform/writeBatch.ts';
import { anyOf, tableRows } from '../../../platform/db/rows.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { releaseOrderAuditKey } from './auditKeys.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { canonicalJson } from '../../../kernel/canonicalJson.ts';
import { sha256Hex } from '../../../platform/crypto.ts';
import { problems, type FieldError } from '../../../kernel/problem.ts';
import { validateContainerNumber } from '../../../kernel/iso6346.ts';
import { validateSecondLinePortCode } from '../../../kernel/ports.ts';
import { UUID_PATTERN } from '../../../kernel/ids.ts';
import { getReservation, type Reservation } from '../../ledger/service.ts';
import { gateReleaseOrders, inspectionTasks } from '../schema.ts';
import { normalisePlate, type ContainerGoods, type OrderForGate } from '../rules.ts';
import { GATE_EVENTS } from '../events.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';

export const RELEASE_DOCUMENT_TYPES = ['SECOND_LINE_EXIT', 'BATCH_EXIT'] as const;
export type ReleaseDocumentType = (typeof RELEASE_DOCUMENT_TYPES)[number];

export interface IssueReleaseOrderInput {
  releaseOrderId: string;
  enterpriseId: string;
  documentType: ReleaseDocumentType;
  documentId: string;
  portCode: string;
  plate: string;
  containers: string[];
  seals: string[];
  expectedGrossWeightKg: string;
  validFrom: Date;
  validTo: Date;
  reservationIds: string[];
  /** Optional split per container, so part of an order can leave (the goods each container carries). */
  containerGoods?: ContainerGoods[];
  actor: Actor;
}

/** A stored release order: what the gate rules read, plus whose it is, what is behind it and its life. */
export interface ReleaseOrder extends Omit<OrderForGate, 'reservationProblem'> {
  enterpriseId: string;
  documentType: string;
  documentId: string;
  reservationIds: string[];
  version: number;
  createdAt: Date;
  closedAt: Date | null;
  cancelReason: string | null;
}

type OrderRow = typeof gateReleaseOrders.$inferSelect;

const PLATE = /^[\p{L}\p{N}]{5,12}$/u;
const DECIMAL = /^\d{1,9}(\.\d{1,3})?$/;

export function orderView(r: OrderRow): ReleaseOrder {
  return {
    id: r.id,
    enterpriseId: r.enterpriseId,
    documentType: r.documentType,
    documentId: r.documentId,
    portCode: r.portCode,
    plate: r.plate,
    containers: r.containers,
    seals: r.seals,
    expectedGrossWeightKg: new Decimal(r.expectedGrossWeightKg).toString(),
    containerGoods: r.containerGoods ?? null,
    validFrom: r.validFrom,
    validTo: r.validTo,
    reservationIds: r.reservationIds,
    status: r.status as ReleaseOrder['status'],
    passedContainers: r.passedContainers,
    held: r.held,
    version: Number(r.version),
    createdAt: r.createdAt,
    closedAt: r.closedAt,
    cancelReason: r.cancelReason,
  };
}

export function forGate(o: ReleaseOrder): OrderForGate {
  return {
    id: o.id,
    portCode: o.portCode,
    plate: o.plate,
    containers: o.containers,
    seals: o.seals,
    expectedGrossWeightKg: o.expectedGrossWeightKg,
    containerGoods: o.containerGoods,
    validFrom: o.validFrom,
    validTo: o.validTo,
    status: o.status,
    passedContainers: o.passedContainers,
    held: o.held,
  };
}

const nextVersion = sql<number>`nextval('gate_order_version_seq')`;

function inputErrors(i: IssueReleaseOrderInput): FieldError[] {
  const errors: FieldError[] = [];
  const push = (path: string, rule: string, message: string) => errors.push({ path, rule, message });
  if (!UUID_PATTERN.test(i.releaseOrderId ?? '')) push('releaseOrderId', 'gate.id', 'releaseOrderId must be a UUID');
  if (!UUID_PATTERN.test(i.enterpriseId ?? '')) push('enterpriseId', 'gate.id', 'enterpriseId must be a UUID');
  if (!RELEASE_DOCUMENT_TYPES.includes(i.documentType))
    push('documentType', 'gate.documentType', `documentType must be one of ${RELEASE_DOCUMENT_TYPES.join(', ')}`);
  if (!i.documentId) push('documentId', 'gate.documentId', 'documentId is required');
  const port = validateSecondLinePortCode(i.portCode);
  if (port) push('portCode', port.rule, port.message);
  if (typeof i.plate !== 'string' || !PLATE.test(normalisePlate(i.plate)))
    push('plate', 'gate.plate', 'plate must be 5 to 12 letters or digits (e.g. 琼A12345)');
  (i.containers ?? []).forEach((c, k) => {
    const v = validateContainerNumber(c);
    if (v) push(`containers[${k}]`, v.rule, v.message);
  });
  if (new Set(i.containers ?? []).size !== (i.containers ?? []).length)
    push('containers', 'gate.containersUnique', 'a container is listed twice');
  (i.seals ?? []).forEach((s, k) => {
    if (typeof s !== 'string' || !/^[A-Z0-9-]{4,20}$/.test(s))
      push(`seals[${k}]`, 'gate.seal', 'a seal number is 4 to 20 capital letters, digits or dashes');
  });
  if (
    typeof i.expectedGrossWeightKg !== 'string' ||
    !DECIMAL.test(i.expectedGrossWeightKg) ||
    new Decimal(i.expectedGrossWeightKg).lte(0)
  )
    push(
      'expectedGrossWeightKg',
      'gate.weight',
      'expectedGrossWeightKg is a decimal string of kg above 0 (at most 3 decimals)',
    );
  const validDate = (d: unknown) => d instanceof Date && !Number.isNaN(d.getTime());
  if (!validDate(i.validFrom)) push('validFrom', 'gate.validity', 'validFrom must be a date-time');
  if (!validDate(i.validTo)) push('validTo', 'gate.validity', 'validTo must be a date-time');
  else if (validDate(i.validFrom) && i.validTo <= i.validFrom)
    push('validTo', 'gate.validity', 'validTo must be after validFrom');
  if (!Array.isArray(i.reservationIds) || i.reservationIds.length === 0)
    push('reservationIds', 'gate.reservationsRequired', 'at least one ledger reservation backs a release order');
  (i.reservationIds ?? []).forEach((r, k) => {
    if (!UUID_PATTERN.test(r)) push(`reservationIds[${k}]`, 'gate.id', 'a reservation id is a UUID');
  });
  if (i.containerGoods) {
    const containers = new Set(i.containers ?? []);
    const seen = new Set<string>();
    let sum = new Decimal(0);
    i.containerGoods.forEach((g, k) => {
      if (!containers.has(g.container))
        push(`containerGoods[${k}].container`, 'gate.containerGoods', 'the container is not on the order');
      if (seen.has(g.container))
        push(`containerGoods[${k}].container`, 'gate.containerGoods', 'the container is split twice');
      seen.add(g.container);
      if (!DECIMAL.test(g.grossWeightKg ?? ''))
        push(`containerGoods[${k}].grossWeightKg`, 'gate.weight', 'grossWeightKg is a decimal string of kg');
      else sum = sum.plus(g.grossWeightKg);
      g.goods.forEach((x, j) => {
        if (!(i.reservationIds ?? []).includes(x.reservationId))
          push(
            `containerGoods[${k}].goods[${j}].reservationId`,
            'gate.containerGoods',
            'the reservation is not among reservationIds',
          );
        if (!/^\d+(\.\d+)?$/.test(x.quantity ?? '') || new Decimal(x.quantity).lte(0))
          push(`containerGoods[${k}].goods[${j}].quantity`, 'gate.quantity', 'quantity is a decimal string above 0');
      });
    });
    if (seen.size !== containers.size && !errors.length)
      push('containerGoods', 'gate.containerGoods', 'a split order lists the goods of every container');
    if (!errors.length && DECIMAL.test(i.expectedGrossWeightKg) && !sum.eq(i.expectedGrossWeightKg))
      push(
        'containerGoods',
        'gate.containerGoodsWeight',
        `the containers' gross weights add up to ${sum.toString()} kg, not expectedGrossWeightKg`,
      );
  }
  return errors;
}

/** True while an inspection task of the document is not finished, or finished with the goods kept. */
export async function hasOpenInspectionHold(
  ex: Executor,
  q: { documentType: string; documentId: string },
): Promise<boolean> {
  const rows = await ex
    .select({ id: inspectionTasks.id })
    .from(inspectionTasks)
    .where(
      and(
        eq(inspectionTasks.documentType, q.documentType),
        eq(inspectionTasks.documentId, q.documentId),
        sql`(${inspectionTasks.status} <> 'COMPLETED' or ${inspectionTasks.disposition} = 'KEEP')`,
      ),
    )
    .limit(1);
  return rows.length > 0;
}

/** Marks the document's open orders held or not (and bumps their version, so gate caches learn it). */
export async function refreshHolds(tx: Executor, q: { documentType: string; documentId: string }): Promise<void> {
  const held = await hasOpenInspectionHold(tx, q);
  await tx
    .update(gateReleaseOrders)
    .set({ held, version: nextVersion })
    .where(
      and(
        eq(gateReleaseOrders.documentType, q.documentType),
        eq(gateReleaseOrders.documentId, q.documentId),
        eq(gateReleaseOrders.status, 'OPEN'),
        sql`${gateReleaseOrders.held} <> ${held}`,
      ),
    );
}

/** Holds the open release orders of documents that just got an open inspection task (bumping their version). */
export async function holdOrders(
  tx: Executor,
  held: readonly { documentType: string; documentId: string }[],
): Promise<void> {
  // Only these documents have release orders (a diverted unknown plate's task is about its gate event).
  const docs = held.filter((d) => (RELEASE_DOCUMENT_TYPES as readonly string[]).includes(d.documentType));
  if (!docs.length) return;
  await tx
    .update(gateReleaseOrders)
    .set({ held: true, version: nextVersion })
    .where(
      and(
        sql`(${gateReleaseOrders.documentType}, ${gateReleaseOrders.documentId}) in (${sql.join(
          docs.map((d) => sql`(${d.documentType}, ${d.documentId})`),
          sql`, `,
        )})`,
        eq(gateReleaseOrders.status, 'OPEN'),
        eq(gateReleaseOrders.held, false),
      ),
    );
}

/** The fresh reservations in the order of the ids; an id the caller did not make is absent (refused below). */
function freshReservations(ids: readonly string[], made: readonly Reservation[]): (Reservation | null)[] {
  return ids.map((id) => made.find((r) => r.id === id) ?? null);
}

export async function issueReleaseOrder(
  tx: Tx,
  ctx: AppContext,
  input: IssueReleaseOrderInput,
  opts: {
    batch?: WriteBatch;
    /**
     * The caller minted `releaseOrderId` and the document in this command and made its reservations
     * in it too (an exit released at filing): there is no order to answer with, no inspection task on
     * the document, and the reservations are these. The three reads are skipped.
     */
    fresh?: { reservations: readonly Reservation[] };
  } = {},
): Promise<ReleaseOrder> {
  const errors = inputErrors(input);
  if (errors.length) throw problems.validation(errors);
  const plate = normalisePlate(input.plate);
  const hash = sha256Hex(
    canonicalJson({
      enterpriseId: input.enterpriseId,
      documentType: input.documentType,
      documentId: input.documentId,
      portCode: input.portCode,
      plate,
      containers: input.containers,
      seals: input.seals,
      expectedGrossWeightKg: new Decimal(input.expectedGrossWeightKg).toString(),
      validFrom: input.validFrom.toISOString(),
      validTo: input.validTo.toISOString(),
      reservationIds: input.reservationIds,
      containerGoods: input.containerGoods ?? null,
    }),
  );
  // The id, the reservations and the inspection holds read together (one round trip, two for the
  // reservations' lines).
  const [[existing], reservations, held] = opts.fresh
    ? [[], freshReservations(input.reservationIds, opts.fresh.reservations), false]
    : await together([
        tx.select().from(gateReleaseOrders).where(eq(gateReleaseOrders.id, input.releaseOrderId)).limit(1),
        Promise.all(input.reservationIds.map((id) => getReservation(tx, id))),
        hasOpenInspectionHold(tx, input),
      ] as const);
  if (existing) {
    if (existing.contentHash !== hash)
      throw problems.conflict(`Release order ${input.releaseOrderId} was issued with other content.`, {
        errors: [{ path: 'releaseOrderId', rule: 'gate.idempotencyConflict', message: 'same id, other content' }],
      });
    return orderView(existing);
  }
  for (const [k, id] of input.reservationIds.entries()) {
    const r = reservations[k];
    if (!r)
      throw problems.field(`reservationIds[${k}]`, 'gate.reservationUnknown', `Reservation ${id} does not exist.`);
    if (r.status !== 'OPEN')
      throw problems.field(`reservationIds[${k}]`, 'gate.reservationNotOpen', `Reservation ${id} is ${r.status}.`);
  }
  const now = ctx.clock.now();
  const [row] = await tx
    .insert(gateReleaseOrders)
    .values({
      id: input.releaseOrderId,
      enterpriseId: input.enterpriseId,
      documentType: input.documentType,
      documentId: input.documentId,
      portCode: input.portCode,
      plate,
      containers: input.containers,
      seals: input.seals,
      expectedGrossWeightKg: input.expectedGrossWeightKg,
      containerGoods: input.containerGoods ?? null,
      validFrom: input.validFrom,
      validTo: input.validTo,
      reservationIds: input.reservationIds,
      status: 'OPEN',
      passedContainers: [],
      held,
      contentHash: hash,
      version: nextVersion as unknown as number,
      createdBy: actorLabel(input.actor),
      createdAt: now,
    })
    .returning();
  const order = orderView(row!);
  const entry = {
    actor: actorLabel(input.actor),
    action: 'gate.releaseOrder.issue',
    subject: releaseOrderAuditKey(order.id),
    change: order,
    at: now,
  };
  const event = typedEvent(GATE_EVENTS, 'ReleaseOrderIssued', {
    aggregateType: 'gate',
    aggregateId: order.id,
    payload: {
      releaseOrderId: order.id,
      documentType: order.documentType,
      documentId: order.documentId,
      enterpriseId: order.enterpriseId,
      portCode: order.portCode,
      plate: order.plate,
    },
    occurredAt: now,
  });
  if (opts.batch) {
    opts.batch.event(event, opts.batch.audit(entry));
    return order;
  }
  const { seq } = await appendAudit(tx, entry);
  await enqueueEvents(tx, [{ ...event, auditSeq: seq }]);
  return order;
}

/**
 * Cancels the document's open release orders (the declaration was cancelled); returns how many. The
 * orders are updated at once; their audit entries and events go in the command's write batch.
 */
export async function cancelReleaseOrdersFor(
  tx: Tx,
  ctx: AppContext,
  input: { documentType: string; documentId: string; reason: string; actor: Actor },
  batch: WriteBatch,
): Promise<number> {
  if (!input.reason?.trim()) throw problems.field('reason', 'gate.reasonRequired', 'a cancellation gives a reason');
  const now = ctx.clock.now();
  const rows = await tx
    .update(gateReleaseOrders)
    .set({ status: 'CANCELLED', closedAt: now, cancelReason: input.reason, version: nextVersion })
    .where(
      and(
        eq(gateReleaseOrders.documentType, input.documentType),
        eq(gateReleaseOrders.documentId, input.documentId),
        eq(gateReleaseOrders.status, 'OPEN'),
      ),
    )
    .returning();
  for (const r of rows) {
    const audited = batch.audit({
      actor: actorLabel(input.actor),
      action: 'gate.releaseOrder.cancel',
      subject: releaseOrderAuditKey(r.id),
      change: { releaseOrderId: r.id, reason: input.reason },
      at: now,
    });
    batch.event(
      typedEvent(GATE_EVENTS, 'ReleaseOrderCancelled', {
        aggregateType: 'gate',
        aggregateId: r.id,
        payload: { releaseOrderId: r.id, documentType: r.documentType, documentId: r.documentId, reason: input.reason },
        occurredAt: now,
      }),
      audited,
    );
  }
  return rows.length;
}

export async function getReleaseOrder(ex: Executor, id: string): Promise<ReleaseOrder | null> {
  if (!UUID_PATTERN.test(id)) return null;
  const [row] = await ex.select().from(gateReleaseOrders).where(eq(gateReleaseOrders.id, id)).limit(1);
  return row ? orderView(row) : null;
}

export async function releaseOrdersFor(
  ex: Executor,
  q: { documentType: string; documentId: string },
): Promise<ReleaseOrder[]> {
  const rows = await ex
    .select()
    .from(gateReleaseOrders)
    .where(and(eq(gateReleaseOrders.documentType, q.documentType), eq(gateReleaseOrders.documentId, q.documentId)))
    .orderBy(asc(gateReleaseOrders.createdAt));
  return rows.map(orderView);
}

/**
 * Orders of a plate (normalised) at the port that can matter at `at`: the open ones, and those that
 * left within the last day (for ORDER_ALREADY_PASSED); a truck's years of past trips are not read.
 * Locked when `lock` (the event's transaction), in id order.
 */
export async function ordersOfPlate(
  ex: Executor,
  plate: string,
  portCode: string,
  lock: boolean,
  at: Date = new Date(),
): Promise<ReleaseOrder[]> {
  return ordersOfPlates(ex, [{ plate, portCode }], lock, at);
}

/** Release orders read on the gate's hot path without the query builder. */
const orderRows = tableRows(gateReleaseOrders);

/** `ordersOfPlate` for several (port, plate) pairs at once: one statement, locked in id order. */
export async function ordersOfPlates(
  ex: Executor,
  keys: readonly { plate: string; portCode: string }[],
  lock: boolean,
  at: Date = new Date(),
): Promise<ReleaseOrder[]> {
  if (!keys.length) return [];
  const since = new Date(at.getTime() - 86_400_000).toISOString();
  // Ports and plates as two lists (the (port, plate) index serves both); a plate read at another
  // of the batch's ports is dropped after the read. Locking that order too is harmless.
  const ports = [...new Set(keys.map((k) => k.portCode))];
  const plates = [...new Set(keys.map((k) => normalisePlate(k.plate)))];
  const wanted = new Set(keys.map((k) => `${k.portCode}|${normalisePlate(k.plate)}`));
  const rows = await orderRows.select(
    ex,
    sql`select ${orderRows.columns} from ${gateReleaseOrders} where port_code ${anyOf(ports, 'text')} and plate
        ${anyOf(plates, 'text')}
        and (status = 'OPEN' or (status = 'PASSED' and closed_at > ${since}::timestamptz)) order by id
        ${sql.raw(lock ? 'for update' : '')}`,
  );
  return rows.filter((r) => wanted.has(`${r.portCode}|${r.plate}`)).map(orderView);
}

/**
 * What a batch of PASS decisions changes on their orders: containers gone, status, closing time; each takes a new
 * version.
 */
export async function savePassedOrders(
  tx: Executor,
  updates: readonly { id: string; passedContainers: string[]; complete: boolean }[],
  now: Date,
): Promise<void> {
  if (!updates.length) return;
  const rows = updates.map((u) => ({
    id: u.id,
    passed: u.passedContainers,
    status: u.complete ? 'PASSED' : 'OPEN',
    closed_at: u.complete ? now.toISOString() : null,
  }));
  await tx.execute(sql`
    update ${gateReleaseOrders} o set passed_containers = v.passed, status = v.status, closed_at = v.closed_at,
    version = nextval('gate_order_version_seq')
    from ${recordset(rows, 'id uuid, passed jsonb, status text, closed_at timestamptz')} where o.id = v.id`);
}

/**
 * The gate-side cache feed: every order of the port changed after `after` (version cursor),
 * cancelled and passed ones included so the cache drops them. `next` is the cursor to send next time.
 */
export async function releaseOrderChanges(
  ex: Executor,
  q: { portCode: string; after: number; limit: number },
): Promise<{ orders: ReleaseOrder[]; next: number; more: boolean }> {
  const rows = await ex
    .select()
    .from(gateReleaseOrders)
    .where(and(eq(gateReleaseOrders.portCode, q.portCode), gt(gateReleaseOrders.version, q.after)))
    .orderBy(asc(gateReleaseOrders.version))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit).map(orderView);
  return { orders: page, next: page.length ? page[page.length - 1]!.version : q.after, more };
}
