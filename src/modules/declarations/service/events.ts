import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { pgArray, queryRows, type Tx } from '../../../platform/db/client.ts';
import { anyOf } from '../../../platform/db/rows.ts';
import { UUID_PATTERN } from '../../../kernel/ids.ts';
import { runCommand } from '../../../platform/command.ts';
import type { WriteBatch } from '../../../platform/writeBatch.ts';
import { lockAuditPartitions } from '../../../platform/audit/service.ts';
import { systemActor } from '../../../platform/auth/roles.ts';
import type { OutboxEvent } from '../../../platform/outbox/service.ts';
import type { z } from 'zod';
import { readPayload } from '../../../platform/outbox/contract.ts';
import { GATE_EVENTS } from '../../gate/events.ts';
import { findEnterprisesByIds } from '../../subjects/service.ts';
import { cancelReleaseOrdersFor } from '../../gate/service.ts';
import { voidReservation } from '../../ledger/service.ts';
import { closeExitReviews } from '../../valueadded/service.ts';
import { TERMINAL_STATES, type DeclarationState } from '../rules.ts';
import {
  declarationRows,
  partitionOf,
  transition,
  transitionMany,
  type DeclarationRow,
  type Transition,
} from './store.ts';
import { acceptAndRelease } from './submit.ts';
import { applyCorrection } from './correction.ts';
import { onValueAddedReviewDecided } from './valueAddedReview.ts';
import { declarations, processedEvents } from '../schema.ts';

const OUR_DOCUMENTS = new Set(['SECOND_LINE_EXIT', 'BATCH_EXIT', 'CENTRALIZED_DECLARATION']);
/** The gate's events this module acts on: the consumer reads only these. */
const HANDLED_EVENTS: readonly string[] = ['ReleaseOrderPassed', 'InspectionCompleted'];
const gateActor = systemActor('declarations-events');

/** What this module reads of the gate's events: those fields, parsed by the gate's schemas (gate/events.ts). */
const PASSED = GATE_EVENTS.ReleaseOrderPassed.pick({
  releaseOrderId: true,
  documentType: true,
  documentId: true,
  portCode: true,
  passedAt: true,
  complete: true,
  gateEventId: true,
});
const COMPLETED = GATE_EVENTS.InspectionCompleted.pick({
  taskId: true,
  documentType: true,
  documentId: true,
  outcome: true,
  attended: true,
  corrections: true,
  completedAt: true,
});
type Completed = z.output<typeof COMPLETED>;

/** Claims events for this module; returns those not handled before (at-least-once delivery). */
async function claim(tx: Tx, ctx: AppContext, events: readonly OutboxEvent[]): Promise<Set<number>> {
  const rows = await queryRows<{ event_id: string }>(
    tx,
    sql`insert into ${processedEvents} (event_id, event_type, processed_at)
        select e.id, e.type, ${ctx.clock.now().toISOString()}::timestamptz
        from unnest(${pgArray(events.map((e) => e.id))}::bigint[], ${pgArray(events.map((e) => e.eventType))}::text[])
          as e(id, type)
        on conflict do nothing returning event_id`,
  );
  return new Set(rows.map((r) => Number(r.event_id)));
}

/** The declarations, locked in id order (two batches never wait on each other in a circle). */
async function lockedMany(tx: Tx, ids: readonly string[]): Promise<Map<string, DeclarationRow>> {
  const rows = await declarationRows.select(
    tx,
    sql`select ${declarationRows.columns} from ${declarations} where id ${anyOf(ids, 'uuid')} order by id for update`,
  );
  return new Map(rows.map((r) => [r.id, r]));
}

type Ours = OutboxEvent & { payload: { documentType: string; documentId: string } };

/** Whether the event may concern one of our declarations; decided without the database. */
function isOurs(event: OutboxEvent): event is Ours {
  if (event.aggregateType !== 'gate' || !HANDLED_EVENTS.includes(event.eventType)) return false;
  const p = event.payload as { documentType?: string; documentId?: string; complete?: boolean };
  if (!p.documentType || !OUR_DOCUMENTS.has(p.documentType) || !p.documentId || !UUID_PATTERN.test(p.documentId))
    return false;
  // A partial pass (part of a batch exit's containers) changes nothing here.
  return event.eventType !== 'ReleaseOrderPassed' || p.complete === true;
}

/** One event: `handleEvents` with one. */
export function handleEvent(ctx: AppContext, event: OutboxEvent): Promise<void> {
  return handleEvents(ctx, [event]);
}

/**
 * The dispatcher's handler: the gate passed vehicles, or inspections ended. Idempotent by event id.
 * Every truck that passes sends an event, so a batch of them is one transaction: the declarations
 * are locked and the events claimed in one statement each, and the passes that complete a release
 * order move their declarations to EXITED together. An inspection's result is applied on its own,
 * in event order. What needs nothing is settled cheaply: events about other documents or partial
 * passes open no transaction, and an event about a declaration that does not exist is not claimed.
 */
export async function handleEvents(ctx: AppContext, events: readonly OutboxEvent[]): Promise<void> {
  // An event given twice (a caller's retry within one batch) is handled once: its claim would not tell the
  // copies apart.
  const ids = new Set<number>();
  const ours = events.filter((e): e is Ours => isOurs(e) && !ids.has(e.id) && Boolean(ids.add(e.id)));
  if (ours.length === 0) return;
  await runCommand(ctx, 'declarations.onGateEvents', async (tx, batch) => {
    const rows = await lockedMany(tx, [...new Set(ours.map((e) => e.payload.documentId))]);
    const known = ours.filter((e) => rows.has(e.payload.documentId));
    if (known.length === 0) return;
    const claimed = await claim(tx, ctx, known);
    const todo = known.filter((e) => claimed.has(e.id));
    if (todo.length === 0) return;
    const rowOf = (e: Ours) => rows.get(e.payload.documentId)!;
    const usccs = new Map(
      (await findEnterprisesByIds(tx, [...new Set(todo.map((e) => rowOf(e).enterpriseId))])).map((x) => [x.id, x.uscc]),
    );
    const usccOf = (row: DeclarationRow) => usccs.get(row.enterpriseId) ?? '';
    // Passes alone append once, and that append locks its chains in order. An inspection's result
    // appends on its own (and to the book's and the order's chains), so with one in the batch the
    // declarants' chains are locked in order first: two batches never wait on each other in a circle.
    const partitions = [...new Set(todo.map((e) => partitionOf(usccOf(rowOf(e)))))];
    if (partitions.length > 1 && todo.some((e) => e.eventType === 'InspectionCompleted'))
      await lockAuditPartitions(tx, partitions);
    let passes: Transition[] = [];
    const flush = async () => {
      for (const r of await transitionMany(tx, ctx, passes)) rows.set(r.id, r);
      passes = [];
    };
    for (const e of todo) {
      const row = rowOf(e);
      if (e.eventType === 'ReleaseOrderPassed') {
        const p = readPayload(PASSED, 'ReleaseOrderPassed', e);
        // A second complete pass of the same declaration in this batch finds it EXITED already.
        if (row.state !== 'RELEASED' || passes.some((x) => x.row.id === row.id)) continue;
        passes.push({
          row,
          uscc: usccOf(row),
          actor: gateActor,
          t: {
            to: 'EXITED',
            reason:
              `Passed the gate at ${p.portCode} at ${p.passedAt} (release order ${p.releaseOrderId}); ` +
              'the book quantities are posted to the mainland.',
            rule: 'declarations.exited',
            change: { gateEventId: p.gateEventId, releaseOrderId: p.releaseOrderId },
          },
        });
        continue;
      }
      await flush();
      await onInspected(tx, ctx, row, usccOf(row), readPayload(COMPLETED, 'InspectionCompleted', e), batch);
      rows.set(row.id, (await lockedMany(tx, [row.id])).get(row.id)!);
    }
    await flush();
  });
}

async function onInspected(
  tx: Tx,
  ctx: AppContext,
  row: DeclarationRow,
  uscc: string,
  e: Completed,
  batch: WriteBatch,
) {
  const state = row.state as DeclarationState;
  if (e.outcome === 'SEIZURE') {
    if (TERMINAL_STATES.includes(state)) return;
    await cancelReleaseOrdersFor(
      tx,
      ctx,
      {
        documentType: row.kind as 'SECOND_LINE_EXIT',
        documentId: row.id,
        reason: `Seizure at inspection ${e.taskId}`,
        actor: gateActor,
      },
      batch,
    );
    if (row.reservationId)
      await voidReservation(
        tx,
        ctx,
        { reservationId: row.reservationId, reason: `Seizure at inspection ${e.taskId}`, actor: gateActor },
        batch,
      );
    const reason = `Seizure at inspection ${e.taskId}: the goods do not leave`;
    await closeExitReviews(tx, ctx, gateActor, { declarationId: row.id, reason, partitionKey: partitionOf(uscc) });
    await transition(tx, ctx, row, uscc, gateActor, {
      to: 'REJECTED',
      reason: `Inspection ${e.taskId} ended in a seizure: the goods do not leave.`,
      rule: 'declarations.seized',
      change: { taskId: e.taskId },
    });
    return;
  }
  let d = row;
  // A correction re-runs the whole tax decision: value added, exemption and number, taxes, bills.
  if (e.outcome === 'DISCREPANCY') d = await applyCorrection(tx, ctx, row, uscc, e);
  if (d.state === 'HELD' && d.kind !== 'CENTRALIZED_DECLARATION') {
    const text =
      e.outcome === 'MATCH'
        ? `Inspection ${e.taskId}: goods match the declaration; accepted.`
        : `Inspection ${e.taskId}: discrepancy corrected and taxed on the corrected figures; accepted.`;
    await acceptAndRelease(tx, ctx, d, uscc, gateActor, {
      text,
      rule: e.outcome === 'MATCH' ? 'declarations.inspectionMatch' : 'declarations.inspectionDiscrepancy',
    });
  } else if (d.state === 'HELD') {
    await acceptAndRelease(tx, ctx, d, uscc, gateActor, {
      text: `Check ${e.taskId}: ${e.outcome}; accepted.`,
      rule: 'declarations.inspectionDone',
    });
  }
}

/**
 * Subscribes the module to the gate's events (in-process dispatch), and to the value-added module's
 * review decisions: an exit that waited for one goes on (service/valueAddedReview.ts).
 */
export function subscribeDeclarations(ctx: AppContext): void {
  ctx.dispatcher.subscribeBatch('declarations', (events) => handleEvents(ctx, events), { eventTypes: HANDLED_EVENTS });
  ctx.dispatcher.subscribe('declarations-value-added', (event) => onValueAddedReviewDecided(ctx, event), {
    eventTypes: ['ValueAddedReviewDecided'],
  });
}
