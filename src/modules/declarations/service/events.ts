import { eq, sql } from 'drizzle-orm';
import { D } from '../../tax/rules.ts';
import type { AppContext } from '../../../platform/context.ts';
import { queryRows, type Tx } from '../../../platform/db/client.ts';
import { tableRows } from '../../../platform/db/rows.ts';
import { UUID_PATTERN } from '../../../kernel/ids.ts';
import { runCommand } from '../../../platform/command.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { systemActor } from '../../../platform/auth/roles.ts';
import type { OutboxEvent } from '../../../platform/outbox/service.ts';
import { findEnterpriseById } from '../../subjects/service.ts';
import { loadTaxParameters } from '../../tax/service.ts';
import { cancelReleaseOrdersFor } from '../../gate/service.ts';
import { voidReservation } from '../../ledger/service.ts';
import { billFigures, exitTaxes, supplementaryFigures, TERMINAL_STATES, type DeclarationState, type Regime, type TaxBillFigures } from '../rules.ts';
import { declarations } from '../schema.ts';
import { issueBill } from './bills.ts';
import { partitionOf, transition, type DeclarationRow } from './store.ts';
import { acceptAndRelease, ratesOf, type PreparedLine } from './submit.ts';

const OUR_DOCUMENTS = new Set(['SECOND_LINE_EXIT', 'BATCH_EXIT', 'CENTRALIZED_DECLARATION']);
const gateActor = systemActor('declarations-events');

interface Passed {
  releaseOrderId: string;
  documentType: string;
  documentId: string;
  portCode: string;
  passedAt: string;
  complete: boolean;
  gateEventId: string;
}

interface Correction {
  lineIndex: number;
  hsCode?: string;
  quantity?: string;
  netWeightKg?: string;
  valueCny?: string;
  originCountry?: string;
}

interface Completed {
  taskId: string;
  documentType: string;
  documentId: string;
  outcome: 'MATCH' | 'DISCREPANCY' | 'SEIZURE';
  attended: boolean;
  corrections: Correction[];
  completedAt: string;
}

/** Claims an event for this module: false when it was handled before (at-least-once delivery). */
async function claim(tx: Tx, ctx: AppContext, event: OutboxEvent): Promise<boolean> {
  const rows = await queryRows(tx, sql`insert into decl_processed_events (event_id, event_type, processed_at) values (${event.id}, ${event.eventType}, ${ctx.clock.now().toISOString()}) on conflict do nothing returning event_id`);
  return rows.length > 0;
}

/** Read for every truck that passes the gate: without the query builder. */
const declarationRows = tableRows(declarations);

async function locked(tx: Tx, id: string): Promise<DeclarationRow | null> {
  const [row] = await declarationRows.select(tx, sql`select ${declarationRows.columns} from decl_declarations where id = ${id} for update`);
  return row ?? null;
}

/**
 * The dispatcher's handler: the gate passed a vehicle, or an inspection ended. Idempotent by event
 * id. Every truck that passes sends one, so what needs nothing is settled cheaply: a partial pass
 * (part of a batch exit's containers) opens no transaction, and an event about a declaration that
 * does not exist is not claimed (there is nothing to do twice).
 */
export async function handleEvent(ctx: AppContext, event: OutboxEvent): Promise<void> {
  if (event.aggregateType !== 'gate' || (event.eventType !== 'ReleaseOrderPassed' && event.eventType !== 'InspectionCompleted')) return;
  const p = event.payload as { documentType?: string; documentId?: string; complete?: boolean };
  if (!p.documentType || !OUR_DOCUMENTS.has(p.documentType) || !p.documentId || !UUID_PATTERN.test(p.documentId)) return;
  if (event.eventType === 'ReleaseOrderPassed' && !p.complete) return;
  await runCommand(ctx, `declarations.on${event.eventType}`, async (tx) => {
    const row = await locked(tx, p.documentId!);
    if (!row || !(await claim(tx, ctx, event))) return;
    const uscc = (await findEnterpriseById(tx, row.enterpriseId))?.uscc ?? '';
    if (event.eventType === 'ReleaseOrderPassed') await onPassed(tx, ctx, row, uscc, event.payload as Passed);
    else await onInspected(tx, ctx, row, uscc, event.payload as Completed);
  });
}

async function onPassed(tx: Tx, ctx: AppContext, row: DeclarationRow, uscc: string, e: Passed) {
  if (!e.complete || row.state !== 'RELEASED') return;
  await transition(tx, ctx, row, uscc, gateActor, { to: 'EXITED', reason: `Passed the gate at ${e.portCode} at ${e.passedAt} (release order ${e.releaseOrderId}); the book quantities are posted to the mainland.`, rule: 'declarations.exited', change: { gateEventId: e.gateEventId, releaseOrderId: e.releaseOrderId } });
}

/** The declaration's lines with the inspection's corrections; a quantity change scales the cost basis pro rata. */
function correctedLines(lines: PreparedLine[], corrections: Correction[]): PreparedLine[] {
  return lines.map((l, i) => {
    const c = corrections.find((x) => x.lineIndex === i);
    if (!c) return l;
    const ratio = c.quantity ? new D(c.quantity).div(l.quantity) : new D(1);
    const scale = (s: string) => ratio.times(s).toDecimalPlaces(2, D.ROUND_HALF_UP).toFixed(2);
    return {
      ...l,
      ...(c.hsCode ? { hsCode: c.hsCode } : {}),
      ...(c.quantity ? { quantity: c.quantity, costBasis: { importedCny: scale(l.costBasis.importedCny), domesticCny: scale(l.costBasis.domesticCny), hainanMadeCny: scale(l.costBasis.hainanMadeCny) } } : {}),
      ...(c.valueCny ? { valueCny: c.valueCny } : {}),
      ...(c.netWeightKg ? { netWeightKg: c.netWeightKg } : {}),
      ...(c.originCountry ? { originCountry: c.originCountry } : {}),
    };
  });
}

async function onInspected(tx: Tx, ctx: AppContext, row: DeclarationRow, uscc: string, e: Completed) {
  const state = row.state as DeclarationState;
  if (e.outcome === 'SEIZURE') {
    if (TERMINAL_STATES.includes(state)) return;
    await cancelReleaseOrdersFor(tx, ctx, { documentType: row.kind as 'SECOND_LINE_EXIT', documentId: row.id, reason: `Seizure at inspection ${e.taskId}`, actor: gateActor });
    if (row.reservationId) await voidReservation(tx, ctx, { reservationId: row.reservationId, reason: `Seizure at inspection ${e.taskId}`, actor: gateActor });
    await transition(tx, ctx, row, uscc, gateActor, { to: 'REJECTED', reason: `Inspection ${e.taskId} ended in a seizure: the goods do not leave.`, rule: 'declarations.seized', change: { taskId: e.taskId } });
    return;
  }
  let d = row;
  if (e.outcome === 'DISCREPANCY' && row.taxes) {
    d = await retax(tx, ctx, row, uscc, e);
  }
  if (d.state === 'HELD' && d.kind !== 'CENTRALIZED_DECLARATION') {
    const text = e.outcome === 'MATCH' ? `Inspection ${e.taskId}: goods match the declaration; accepted.` : `Inspection ${e.taskId}: discrepancy corrected and taxed on the corrected figures; accepted.`;
    await acceptAndRelease(tx, ctx, d, uscc, gateActor, { text, rule: e.outcome === 'MATCH' ? 'declarations.inspectionMatch' : 'declarations.inspectionDiscrepancy' });
  } else if (d.state === 'HELD') {
    await acceptAndRelease(tx, ctx, d, uscc, gateActor, { text: `Check ${e.taskId}: ${e.outcome}; accepted.`, rule: 'declarations.inspectionDone' });
  }
}

/**
 * A discrepancy re-computes the taxes on the corrected lines. Not yet billed (HELD): the declaration
 * carries the corrected figures into its bill. Already billed: a supplementary bill (补税) for the increase.
 */
async function retax(tx: Tx, ctx: AppContext, row: DeclarationRow, uscc: string, e: Completed): Promise<DeclarationRow> {
  const lines = correctedLines(row.lines as PreparedLine[], e.corrections);
  const params = await loadTaxParameters(tx, row.businessDate);
  const computed = exitTaxes((row.regime ?? 'ZERO_TARIFF') as Regime, lines, params.tax);
  if (!computed.ok) {
    // A correction the tax rules cannot use (e.g. a negative value) must not block the event stream: the
    // declaration keeps its figures and an officer sees the inspection result in the gate module.
    ctx.log.error({ declarationId: row.id, taskId: e.taskId, violations: computed.violations }, 'inspection corrections cannot be taxed; figures left as declared');
    return row;
  }
  const before = row.taxes as TaxBillFigures;
  const after = billFigures(computed.value, lines.map(ratesOf), lines.map((l) => l.hsCode));
  after.parameterVersions = { ...after.parameterVersions, ...params.versionsOf('valueAddedThreshold') };
  const now = ctx.clock.now();
  const [updated] = await tx.update(declarations).set({ lines, taxes: after, updatedAt: now }).where(eq(declarations.id, row.id)).returning();
  await appendAudit(tx, { actor: 'system:declarations-events', action: 'declarations.retax', subject: `declaration:${row.id}`, change: { taskId: e.taskId, corrections: e.corrections, before: { duty: before.duty, consumptionTax: before.consumptionTax, vat: before.vat, total: before.total }, after: { duty: after.duty, consumptionTax: after.consumptionTax, vat: after.vat, total: after.total } }, at: now, partitionKey: partitionOf(uscc) });
  const billed = row.state !== 'HELD' && row.state !== 'SUBMITTED';
  if (billed) {
    const extra = supplementaryFigures(before, after);
    if (new D(extra.total).gt(0)) await issueBill(tx, ctx, updated!, uscc, gateActor, { kind: 'SUPPLEMENTARY', cause: `Inspection ${e.taskId} found a discrepancy`, amounts: extra, figures: { ...after, supplementOf: { duty: before.duty, consumptionTax: before.consumptionTax, vat: before.vat, total: before.total } } });
  }
  return updated!;
}

/** Subscribes the module to the gate's events (in-process dispatch). */
export function subscribeDeclarations(ctx: AppContext): void {
  ctx.dispatcher.subscribe('declarations', (event) => handleEvent(ctx, event));
}
