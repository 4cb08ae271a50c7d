/**
 * An inspection's correction (查验更正) re-runs the whole tax decision of the declaration on the
 * corrected lines, as the filing did: the value added of processed lines (ratio, exemption, and the
 * confirmation number kept, issued, or withdrawn when it no longer holds), the taxes on the imported
 * content, and the bills: a declaration already billed gets a supplementary bill (补税) for the
 * increase. A batch has no bill of its own: its lines are corrected, and the month's centralized
 * declaration, if already filed, is taxed again with them.
 */
import { eq, inArray } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/client.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { systemActor } from '../../../platform/auth/roles.ts';
import { activeQualifications } from '../../subjects/service.ts';
import { loadTaxParameters, type TaxParameterSet } from '../../tax/service.ts';
import { D, ratioString, type RuleViolation } from '../../tax/rules.ts';
import { billFigures, confirmationChanges, correctedLines, exitTaxes, supplementaryFigures, valueAddedDecision } from '../rules.ts';
import type { LineCorrection, Regime, TaxBillFigures } from '../rules.ts';
import { declarations } from '../schema.ts';
import type { ExitDeclarationBody } from '../wire.ts';
import { issueBill } from './bills.ts';
import { partitionOf, type DeclarationRow } from './store.ts';
import { ratesOf, type PreparedLine } from './submit.ts';
import { newConfirmationNumber } from './valueAdded.ts';

const actor = systemActor('declarations-events');
const ACTOR = 'system:declarations-events';

export interface CorrectionCause {
  taskId: string;
  corrections: LineCorrection[];
}

type Line = PreparedLine & { batchId?: string };

interface Redecided {
  lines: Line[];
  withdrawn: string[];
  issued: string[];
}

const isProcessed = (row: DeclarationRow, l: Line) => (l.regime ?? row.regime) === 'PROCESSING_VALUE_ADDED';

/**
 * The upstream numbers each processed line counted. Lines filed before they were kept on the line
 * have them on the form: the exit's own, or for a centralized declaration its batch's.
 */
async function withUpstream(tx: Tx, row: DeclarationRow, lines: Line[]): Promise<Line[]> {
  if (!lines.some((l) => isProcessed(row, l) && !l.upstream)) return lines;
  if (row.kind !== 'CENTRALIZED_DECLARATION') {
    const form = row.form as ExitDeclarationBody;
    return lines.map((l, i) => (l.upstream ? l : { ...l, upstream: form.lines[i]?.upstream ?? [] }));
  }
  const ids = [...new Set(lines.map((l) => l.batchId).filter((b): b is string => Boolean(b)))];
  const batches = ids.length ? await tx.select({ id: declarations.id, form: declarations.form }).from(declarations).where(inArray(declarations.id, ids)) : [];
  const forms = new Map(batches.map((b) => [b.id, b.form as ExitDeclarationBody]));
  const seen = new Map<string, number>();
  return lines.map((l) => {
    const k = seen.get(l.batchId ?? '') ?? 0;
    seen.set(l.batchId ?? '', k + 1);
    return l.upstream ? l : { ...l, upstream: forms.get(l.batchId ?? '')?.lines[k]?.upstream ?? [] };
  });
}

/**
 * The value added of every processed line decided again on the corrected figures, by the rule the
 * filing used. A line still exempt keeps its number; one newly exempt gets one (an exit its own, a
 * centralized declaration the number of the month; a batch none, its month's declaration issues
 * it); a number no line holds any more is withdrawn.
 */
async function redecide(tx: Tx, row: DeclarationRow, corrected: Line[], params: TaxParameterSet): Promise<{ ok: true; value: Redecided } | { ok: false; violations: RuleViolation[] }> {
  const lines = await withUpstream(tx, row, corrected);
  if (!lines.some((l) => isProcessed(row, l))) return { ok: true, value: { lines, withdrawn: [], issued: [] } };
  const held = await activeQualifications(tx, row.enterpriseId, row.businessDate);
  const facts = { threshold: params.valueAddedThreshold, processingQualification: held.some((q) => q.kind === 'PROCESSING_VALUE_ADDED') };
  let monthNumber = lines.map((l) => l.valueAdded?.confirmationNumber).find((n): n is string => Boolean(n)) ?? null;
  const out: Line[] = [];
  for (const [i, l] of lines.entries()) {
    if (!isProcessed(row, l)) {
      out.push(l);
      continue;
    }
    const d = valueAddedDecision(l, facts);
    if (!d.ok) return { ok: false, violations: d.violations.map((v) => ({ ...v, path: `lines[${i}].${v.path}` })) };
    let number: string | null = null;
    if (d.value.exempt) {
      if (row.kind === 'SECOND_LINE_EXIT') number = l.valueAdded?.confirmationNumber ?? (await newConfirmationNumber(tx, row.businessDate));
      if (row.kind === 'CENTRALIZED_DECLARATION') number = monthNumber ??= await newConfirmationNumber(tx, `${row.period ?? row.businessDate.slice(0, 7)}-01`);
    }
    const { withdrawnConfirmationNumber: _w, ...before } = l.valueAdded ?? { ratio: '', meetsThreshold: false, threshold: '' };
    out.push({ ...l, valueAdded: { ...before, ratio: ratioString(d.value.chain.result.ratio), meetsThreshold: d.value.exempt, threshold: params.valueAddedThreshold, confirmationNumber: number } });
  }
  const { withdrawn, issued } = confirmationChanges(lines, out);
  const marked = out.map((l, i) => {
    const was = lines[i]!.valueAdded?.confirmationNumber;
    return was && withdrawn.includes(was) ? { ...l, valueAdded: { ...l.valueAdded!, withdrawnConfirmationNumber: was } } : l;
  });
  return { ok: true, value: { lines: marked, withdrawn, issued } };
}

const totals = (f: TaxBillFigures) => ({ duty: f.duty, consumptionTax: f.consumptionTax, vat: f.vat, total: f.total });
const vaOf = (lines: Line[]) => lines.map((l, i) => (l.valueAdded ? { line: i, ...l.valueAdded } : null)).filter(Boolean);

/** Withdraws numbers that no longer hold: in the declarant's chain, and published, as their issue was. */
async function withdraw(tx: Tx, ctx: AppContext, row: DeclarationRow, uscc: string, r: Redecided, cause: CorrectionCause) {
  const now = ctx.clock.now();
  for (const number of r.withdrawn) {
    const line = r.lines.find((l) => l.valueAdded?.withdrawnConfirmationNumber === number)!;
    const reason = `Inspection ${cause.taskId} corrected the declaration: value added ${line.valueAdded!.ratio} is below ${new D(line.valueAdded!.threshold).toString()}, so confirmation ${number} no longer holds; duty is due.`;
    const change = { number, taskId: cause.taskId, ratio: line.valueAdded!.ratio, threshold: line.valueAdded!.threshold, reason };
    const { seq } = await appendAudit(tx, { actor: ACTOR, action: 'declarations.confirmationWithdrawn', subject: `declaration:${row.id}`, change, at: now, partitionKey: partitionOf(uscc) });
    const payload = { declarationId: row.id, enterpriseId: row.enterpriseId, ...change };
    await enqueueEvents(tx, [{ aggregateType: 'declaration', aggregateId: row.id, eventType: 'ConfirmationNumberWithdrawn', payload, occurredAt: now, auditSeq: seq }]);
  }
}

/** The corrected lines decided and taxed again; a declaration already billed gets the supplementary bill. */
async function retax(tx: Tx, ctx: AppContext, row: DeclarationRow, uscc: string, corrected: Line[], cause: CorrectionCause): Promise<DeclarationRow> {
  const params = await loadTaxParameters(tx, row.businessDate);
  const decided = await redecide(tx, row, corrected, params);
  const computed = decided.ok ? exitTaxes((row.regime ?? 'ZERO_TARIFF') as Regime, decided.value.lines, params.tax) : decided;
  if (!decided.ok || !computed.ok) {
    // A correction the tax rules cannot use (e.g. a quantity of 0) must not block the event stream: the
    // declaration keeps its figures and an officer sees the inspection result in the gate module.
    ctx.log.error({ declarationId: row.id, taskId: cause.taskId, violations: computed.ok ? [] : computed.violations }, 'inspection corrections cannot be taxed; figures left as declared');
    return row;
  }
  const { lines, withdrawn, issued } = decided.value;
  const before = row.taxes as TaxBillFigures;
  const after = billFigures(computed.value, lines.map(ratesOf), lines.map((l) => l.hsCode));
  after.parameterVersions = { ...after.parameterVersions, ...params.versionsOf('valueAddedThreshold') };
  const now = ctx.clock.now();
  const [updated] = await tx.update(declarations).set({ lines, taxes: after, updatedAt: now }).where(eq(declarations.id, row.id)).returning();
  const valueAdded = { before: vaOf(row.lines as Line[]), after: vaOf(lines), withdrawn, issued };
  await appendAudit(tx, { actor: ACTOR, action: 'declarations.retax', subject: `declaration:${row.id}`, change: { taskId: cause.taskId, corrections: cause.corrections, valueAdded, before: totals(before), after: totals(after) }, at: now, partitionKey: partitionOf(uscc) });
  await withdraw(tx, ctx, row, uscc, decided.value, cause);
  const billed = row.state !== 'HELD' && row.state !== 'SUBMITTED';
  if (billed) {
    const extra = supplementaryFigures(before, after);
    const lost = withdrawn.length ? `; confirmation ${withdrawn.join(', ')} withdrawn, duty due` : '';
    const text = `Inspection ${cause.taskId} found a discrepancy${lost}`;
    if (new D(extra.total).gt(0)) await issueBill(tx, ctx, updated!, uscc, actor, { kind: 'SUPPLEMENTARY', cause: text, amounts: extra, figures: { ...after, supplementOf: totals(before) } });
  }
  return updated!;
}

/** A batch's lines corrected and their value added decided again; its month's declaration, if filed, taxed again. */
async function correctBatch(tx: Tx, ctx: AppContext, row: DeclarationRow, uscc: string, corrected: Line[], cause: CorrectionCause): Promise<DeclarationRow> {
  const params = await loadTaxParameters(tx, row.businessDate);
  const decided = await redecide(tx, row, corrected, params);
  if (!decided.ok) {
    ctx.log.error({ declarationId: row.id, taskId: cause.taskId, violations: decided.violations }, 'inspection corrections cannot be used; batch left as declared');
    return row;
  }
  const now = ctx.clock.now();
  const [updated] = await tx.update(declarations).set({ lines: decided.value.lines, updatedAt: now }).where(eq(declarations.id, row.id)).returning();
  await appendAudit(tx, { actor: ACTOR, action: 'declarations.corrected', subject: `declaration:${row.id}`, change: { taskId: cause.taskId, corrections: cause.corrections, valueAdded: { before: vaOf(row.lines as Line[]), after: vaOf(decided.value.lines) } }, at: now, partitionKey: partitionOf(uscc) });
  if (row.centralizedId) {
    const [central] = await tx.select().from(declarations).where(eq(declarations.id, row.centralizedId)).for('update');
    if (central?.taxes) {
      const mine = [...decided.value.lines];
      const lines = (central.lines as Line[]).map((l) => (l.batchId === row.id ? { ...mine.shift()!, batchId: row.id, valueAdded: l.valueAdded } : l));
      await retax(tx, ctx, central, uscc, lines, cause);
    }
  }
  return updated!;
}

/** Applies an inspection's corrections to a declaration; returns the row as it now is. */
export async function applyCorrection(tx: Tx, ctx: AppContext, row: DeclarationRow, uscc: string, cause: CorrectionCause): Promise<DeclarationRow> {
  const corrected = correctedLines(row.lines as Line[], cause.corrections);
  if (row.kind === 'BATCH_EXIT') return correctBatch(tx, ctx, row, uscc, corrected, cause);
  if (!row.taxes) return row;
  return retax(tx, ctx, row, uscc, corrected, cause);
}
