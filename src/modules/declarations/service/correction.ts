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
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { DECLARATIONS_EVENTS } from '../events.ts';
import { systemActor } from '../../../platform/auth/roles.ts';
import { activeQualifications } from '../../subjects/service.ts';
import { loadTaxParameters, type TaxParameterSet } from '../../tax/service.ts';
import { D, ratioString, type ChainResult, type RuleViolation } from '../../tax/rules.ts';
import {
  billFigures,
  confirmationChanges,
  correctedLines,
  exitTaxes,
  supplementaryFigures,
  valueAddedDecision,
} from '../rules.ts';
import type { LineCorrection, Regime, TaxBillFigures } from '../rules.ts';
import { declarations } from '../schema.ts';
import type { ExitDeclarationBody } from '../wire.ts';
import { issueBill } from './bills.ts';
import { partitionOf, type DeclarationRow } from './store.ts';
import { ratesOf, type PreparedLine } from './submit.ts';
import { newConfirmationNumber } from './valueAdded.ts';
import { getParameter } from '../../../platform/parameters/service.ts';
import { closeExitReviews, queueExitReview } from '../../valueadded/service.ts';
import { correctionReviewStep as reviewStep, exitReviewDue } from '../../valueadded/rules.ts';

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

type Decided = { ok: true; value: Redecided } | { ok: false; violations: RuleViolation[] };

/** One inspection's correction being applied: the transaction, the declarant's chain, the cause. */
interface Job {
  tx: Tx;
  ctx: AppContext;
  uscc: string;
  cause: CorrectionCause;
}

const isProcessed = (row: DeclarationRow, l: Line) => (l.regime ?? row.regime) === 'PROCESSING_VALUE_ADDED';
const numberOf = (l: Line) => l.valueAdded?.confirmationNumber ?? null;

function audit(job: Job, row: DeclarationRow, at: Date, action: string, change: unknown) {
  const subject = `declaration:${row.id}`;
  return appendAudit(job.tx, { actor: ACTOR, action, subject, change, at, partitionKey: partitionOf(job.uscc) });
}

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
  const columns = { id: declarations.id, form: declarations.form };
  const batches = ids.length ? await tx.select(columns).from(declarations).where(inArray(declarations.id, ids)) : [];
  const forms = new Map(batches.map((b) => [b.id, b.form as ExitDeclarationBody]));
  const seen = new Map<string, number>();
  return lines.map((l) => {
    const batch = l.batchId ?? '';
    const k = seen.get(batch) ?? 0;
    seen.set(batch, k + 1);
    return l.upstream ? l : { ...l, upstream: forms.get(batch)?.lines[k]?.upstream ?? [] };
  });
}

/** The number an exempt line holds after the re-decision: its own, or a new one where its kind issues one. */
async function numberFor(tx: Tx, row: DeclarationRow, l: Line, month: { number: string | null }) {
  if (row.kind === 'SECOND_LINE_EXIT') return numberOf(l) ?? (await newConfirmationNumber(tx, row.businessDate));
  // A centralized declaration has one number for the month; a batch none (its month's declaration issues it).
  if (row.kind === 'CENTRALIZED_DECLARATION') {
    month.number ??= await newConfirmationNumber(tx, `${row.period ?? row.businessDate.slice(0, 7)}-01`);
    return month.number;
  }
  return null;
}

const REVIEWED_KINDS = ['SECOND_LINE_EXIT', 'BATCH_EXIT'];
type Va = NonNullable<Line['valueAdded']>;

/**
 * Carries out what `correctionReviewStep` (valueadded rules) decided for a line: a review closed or
 * queued, audited.
 */
async function applyReviewStep(
  job: Job,
  row: DeclarationRow,
  o: {
    line: Line;
    index: number;
    step: ReturnType<typeof reviewStep>;
    ratio: string;
    threshold: string;
    band: string | null;
    chain: ChainResult;
  },
): Promise<Partial<Va>> {
  const { line: l, index, step } = o;
  const { review: _r, reviewId: _id, ...rest } = l.valueAdded ?? ({} as Partial<Va>);
  const partitionKey = partitionOf(job.uscc);
  if (step.close && l.valueAdded?.reviewId)
    await closeExitReviews(job.tx, job.ctx, actor, {
      declarationId: row.id,
      lineIndex: index,
      reason: `Inspection ${job.cause.taskId} corrected the line: ${step.close}`,
      partitionKey,
    });
  if (step.queue) {
    const queued = await queueExitReview(job.tx, job.ctx, actor, {
      declarationId: row.id,
      lineIndex: index,
      enterpriseId: row.enterpriseId,
      bookId: row.bookId ?? '',
      itemId: l.itemId,
      ratio: o.ratio,
      threshold: o.threshold,
      bandUpper: o.band!,
      figures: {
        salePrice: l.valueCny,
        quantity: l.quantity,
        basis: l.costBasis,
        upstream: l.upstream ?? [],
        ownRatio: ratioString(o.chain.own.ratio),
        chainRatio: o.chain.chain ? ratioString(o.chain.chain.ratio) : null,
        cumulationApplied: o.chain.cumulationApplied,
        formula: o.chain.result.formula,
        correctedBy: job.cause.taskId,
      },
      partitionKey,
    });
    return { ...rest, review: 'PENDING', reviewId: queued.id };
  }
  return step.keep ? { ...rest, review: l.valueAdded!.review!, reviewId: l.valueAdded!.reviewId! } : rest;
}

/**
 * The value added of every processed line decided again on the corrected figures, by the rule the
 * filing used. A line still exempt keeps its number; one newly exempt gets one; a number no line
 * holds any more is withdrawn.
 */
async function redecide(job: Job, row: DeclarationRow, corrected: Line[], params: TaxParameterSet): Promise<Decided> {
  const { tx } = job;
  const lines = await withUpstream(tx, row, corrected);
  if (!lines.some((l) => isProcessed(row, l))) return { ok: true, value: { lines, withdrawn: [], issued: [] } };
  const held = await activeQualifications(tx, row.enterpriseId, row.businessDate);
  const threshold = params.valueAddedThreshold;
  const facts = { threshold, processingQualification: held.some((q) => q.kind === 'PROCESSING_VALUE_ADDED') };
  const month = { number: lines.map(numberOf).find((n) => n !== null) ?? null };
  // The review band of the filing day: exits and batches wait for an officer when a correction lands in it.
  const band = REVIEWED_KINDS.includes(row.kind)
    ? (await getParameter<string>(tx, 'valueAdded.reviewBandUpper', row.businessDate)).value
    : null;
  const out: Line[] = [];
  for (const [i, l] of lines.entries()) {
    if (!isProcessed(row, l)) {
      out.push(l);
      continue;
    }
    const d = valueAddedDecision(l, facts);
    if (!d.ok) return { ok: false, violations: d.violations.map((v) => ({ ...v, path: `lines[${i}].${v.path}` })) };
    const { chain } = d.value;
    const ratio = ratioString(chain.result.ratio);
    // Is a review needed for the corrected ratio? Into the band, one is asked (again when the ratio moved);
    // out of it, a pending one is closed. An officer's rejection stands.
    const due = band !== null && exitReviewDue({ ratio: chain.result.ratio, exempt: d.value.exempt }, threshold, band);
    const step = reviewStep({ review: l.valueAdded?.review, ratio: l.valueAdded?.ratio }, { due, ratio });
    const va = await applyReviewStep(job, row, { line: l, index: i, step, ratio, threshold, band, chain });
    const exempt = d.value.exempt && va.review !== 'REJECTED';
    const confirmationNumber = exempt && va.review !== 'PENDING' ? await numberFor(tx, row, l, month) : null;
    out.push({ ...l, valueAdded: { ...va, ratio, meetsThreshold: exempt, threshold, confirmationNumber } });
  }
  const { withdrawn, issued } = confirmationChanges(lines, out);
  const marked = out.map((l, i) => {
    const was = numberOf(lines[i]!);
    return was && withdrawn.includes(was)
      ? { ...l, valueAdded: { ...l.valueAdded!, withdrawnConfirmationNumber: was } }
      : l;
  });
  return { ok: true, value: { lines: marked, withdrawn, issued } };
}

const totals = (f: TaxBillFigures) => ({ duty: f.duty, consumptionTax: f.consumptionTax, vat: f.vat, total: f.total });
const vaOf = (lines: Line[]) =>
  lines.map((l, i) => (l.valueAdded ? { line: i, ...l.valueAdded } : null)).filter(Boolean);

/** Withdraws numbers that no longer hold: in the declarant's chain, and published, as their issue was. */
async function withdraw(job: Job, row: DeclarationRow, r: Redecided) {
  const now = job.ctx.clock.now();
  for (const number of r.withdrawn) {
    const va = r.lines.find((l) => l.valueAdded?.withdrawnConfirmationNumber === number)!.valueAdded!;
    const reason =
      va.review === 'PENDING'
        ? `Inspection ${job.cause.taskId} corrected the declaration: the value added decided again ` +
          `(${va.ratio}) is in the review band, so confirmation ${number} is withdrawn until an officer decides.`
        : `Inspection ${job.cause.taskId} corrected the declaration: the value added decided again ` +
          `(${va.ratio}, threshold ${new D(va.threshold).toString()}) no longer earns the exemption, so ` +
          `confirmation ${number} is withdrawn; duty is due.`;
    const change = { number, taskId: job.cause.taskId, ratio: va.ratio, threshold: va.threshold, reason };
    const { seq } = await audit(job, row, now, 'declarations.confirmationWithdrawn', change);
    const payload = { declarationId: row.id, enterpriseId: row.enterpriseId, ...change };
    const event = typedEvent(DECLARATIONS_EVENTS, 'ConfirmationNumberWithdrawn', {
      aggregateType: 'declaration',
      aggregateId: row.id,
      payload,
      occurredAt: now,
      auditSeq: seq,
    });
    await enqueueEvents(job.tx, [event]);
  }
}

/** The supplementary bill (补税) of a declaration already billed: each tax that rose, never a refund. */
type BeforeAfter = Record<'before' | 'after', TaxBillFigures>;

async function supplement(job: Job, row: DeclarationRow, { before, after }: BeforeAfter, withdrawn: string[]) {
  const extra = supplementaryFigures(before, after);
  if (!new D(extra.total).gt(0)) return;
  const lost = withdrawn.length ? `; confirmation ${withdrawn.join(', ')} withdrawn, duty due` : '';
  const cause = `Inspection ${job.cause.taskId} found a discrepancy${lost}`;
  const figures = { ...after, supplementOf: totals(before) };
  await issueBill(job.tx, job.ctx, row, job.uscc, actor, { kind: 'SUPPLEMENTARY', cause, amounts: extra, figures });
}

/** The corrected lines decided and taxed again; a declaration already billed gets the supplementary bill. */
async function retax(job: Job, row: DeclarationRow, corrected: Line[]): Promise<DeclarationRow> {
  const { tx, ctx, cause } = job;
  const params = await loadTaxParameters(tx, row.businessDate);
  const decided = await redecide(job, row, corrected, params);
  const regime = (row.regime ?? 'ZERO_TARIFF') as Regime;
  const computed = decided.ok ? exitTaxes(regime, decided.value.lines, params.tax) : decided;
  if (!decided.ok || !computed.ok) {
    // A correction the tax rules cannot use (e.g. a quantity of 0) must not block the event stream: the
    // declaration keeps its figures and an officer sees the inspection result in the gate module.
    const violations = computed.ok ? [] : computed.violations;
    const what = { declarationId: row.id, taskId: cause.taskId, violations };
    ctx.log.error(what, 'inspection corrections cannot be taxed; figures left as declared');
    return row;
  }
  const { lines, withdrawn, issued } = decided.value;
  const before = row.taxes as TaxBillFigures;
  const after = billFigures(
    computed.value,
    lines.map(ratesOf),
    lines.map((l) => l.hsCode),
  );
  after.parameterVersions = { ...after.parameterVersions, ...params.versionsOf('valueAddedThreshold') };
  const now = ctx.clock.now();
  const set = { lines, taxes: after, updatedAt: now };
  const [updated] = await tx.update(declarations).set(set).where(eq(declarations.id, row.id)).returning();
  const valueAdded = { before: vaOf(row.lines as Line[]), after: vaOf(lines), withdrawn, issued };
  const { taskId, corrections } = cause;
  const change = { taskId, corrections, valueAdded, before: totals(before), after: totals(after) };
  await audit(job, row, now, 'declarations.retax', change);
  await withdraw(job, row, decided.value);
  const billed = row.state !== 'HELD' && row.state !== 'SUBMITTED';
  if (billed) await supplement(job, updated!, { before, after }, withdrawn);
  return updated!;
}

/** A batch's lines corrected and their value added decided again; its month's declaration, if filed, taxed again. */
async function correctBatch(job: Job, row: DeclarationRow, corrected: Line[]): Promise<DeclarationRow> {
  const { tx, ctx, cause } = job;
  const decided = await redecide(job, row, corrected, await loadTaxParameters(tx, row.businessDate));
  if (!decided.ok) {
    const what = { declarationId: row.id, taskId: cause.taskId, violations: decided.violations };
    ctx.log.error(what, 'inspection corrections cannot be used; batch left as declared');
    return row;
  }
  const now = ctx.clock.now();
  const { lines } = decided.value;
  const where = eq(declarations.id, row.id);
  const [updated] = await tx.update(declarations).set({ lines, updatedAt: now }).where(where).returning();
  const valueAdded = { before: vaOf(row.lines as Line[]), after: vaOf(lines) };
  const { taskId, corrections } = cause;
  await audit(job, row, now, 'declarations.corrected', { taskId, corrections, valueAdded });
  if (!row.centralizedId) return updated!;
  const [central] = await tx.select().from(declarations).where(eq(declarations.id, row.centralizedId)).for('update');
  if (central?.taxes) {
    // The batch's lines in the month's declaration, in their order, keep the month's number for the re-decision.
    const mine = [...lines];
    const ofMonth = (l: Line) =>
      l.batchId === row.id ? { ...mine.shift()!, batchId: row.id, valueAdded: l.valueAdded } : l;
    await retax(job, central, (central.lines as Line[]).map(ofMonth));
  }
  return updated!;
}

/** Applies an inspection's corrections to a declaration; returns the row as it now is. */
export async function applyCorrection(
  tx: Tx,
  ctx: AppContext,
  row: DeclarationRow,
  uscc: string,
  cause: CorrectionCause,
): Promise<DeclarationRow> {
  const job: Job = { tx, ctx, uscc, cause };
  const corrected = correctedLines(row.lines as Line[], cause.corrections);
  if (row.kind === 'BATCH_EXIT') return correctBatch(job, row, corrected);
  if (!row.taxes) return row;
  return retax(job, row, corrected);
}
