/**
 * The value-added module's public service: cumulative numbers (累计编号) issued from the upstream
 * book when processed goods pass on the island, the check of a cited number's figures (declarations
 * call `checkCitedNumbers` inside their transaction), the downstream's ratio with the upstream value
 * added counted, evidence of a ratio (SHA-256 of its bytes, in the audit log) and the officers'
 * review queue of ratios just above the threshold.
 */
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/client.ts';
import { runCommand } from '../../platform/command.ts';
import { appendAudit } from '../../platform/audit/service.ts';
import { enqueueEvents } from '../../platform/outbox/service.ts';
import { typedEvent } from '../../platform/outbox/contract.ts';
import { getParameter } from '../../platform/parameters/service.ts';
import { actorLabel, type Actor } from '../../platform/auth/roles.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { Problem, problems, type FieldError } from '../../kernel/problem.ts';
import { costBasisOf, getBook, getDocument } from '../ledger/service.ts';
import { activeQualifications } from '../subjects/service.ts';
import { D, formatValueAddedNumber, ratioString } from '../tax/rules.ts';
import {
  citedNumberViolations,
  cumulativeFigures,
  exhaustedViolation,
  downstreamValueAdded,
  inReviewBand,
  recordOf,
  reviewDecisionViolations,
  type CitedNumber,
  type IssuedNumber,
  type TransferMovement,
} from './rules.ts';
import {
  valueAddedCumulativeNumbers,
  valueAddedEvidence,
  valueAddedNumberUses,
  valueAddedReviews,
  valueAddedSerials,
} from './schema.ts';
import { VALUE_ADDED_EVENTS } from './events.ts';

type NumberRow = typeof valueAddedCumulativeNumbers.$inferSelect;
type EvidenceRow = typeof valueAddedEvidence.$inferSelect;
type ReviewRow = typeof valueAddedReviews.$inferSelect;

/** The customs code (关区代码) that issues the numbers: Haikou customs. */
const ISSUING_CUSTOMS = '6401';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_EVIDENCE_BYTES = 512 * 1024;

const refused = (code: string, title: string, errors: FieldError[]) =>
  problems.rule(code, title, errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);

const isOfficer = (actor: Actor) => actor.role !== 'enterprise_user';

/** An enterprise user sees its own enterprise's things only; others answer as not found. */
function assertSees(actor: Actor, enterpriseIds: readonly string[], what: string) {
  if (isOfficer(actor)) return;
  if (!actor.enterpriseId || !enterpriseIds.includes(actor.enterpriseId)) throw problems.notFound(what);
}

export interface CumulativeNumberView {
  number: string;
  transferDocumentId: string;
  lineNo: number;
  upstreamEnterpriseId: string;
  upstreamBookId: string;
  downstreamEnterpriseId: string;
  downstreamBookId: string;
  itemId: string;
  quantity: string;
  /** Written off by exit declarations so far, and what is left. */
  quantityUsed: string;
  quantityLeft: string;
  salePrice: string;
  importedMaterials: string;
  domesticMaterials: string;
  hainanMadeInputs: string;
  ratio: string;
  businessDate: string;
  issuedBy: string;
  issuedAt: string;
  auditSeq: number;
  /** The numbers its seller received that it carries on (the middle of a chain), with the quantity. */
  carries?: NumberUse[];
}

const money = (v: string) => new D(v).toFixed(2);

function numberView(r: NumberRow, carries?: NumberUse[]): CumulativeNumberView {
  return {
    ...(carries ? { carries } : {}),
    number: r.number,
    transferDocumentId: r.transferDocumentId,
    lineNo: r.lineNo,
    upstreamEnterpriseId: r.upstreamEnterpriseId,
    upstreamBookId: r.upstreamBookId,
    downstreamEnterpriseId: r.downstreamEnterpriseId,
    downstreamBookId: r.downstreamBookId,
    itemId: r.itemId,
    quantity: new D(r.quantity).toString(),
    quantityUsed: new D(r.quantityUsed).toString(),
    quantityLeft: new D(r.quantity).minus(r.quantityUsed).toString(),
    salePrice: money(r.salePrice),
    importedMaterials: money(r.importedCny),
    domesticMaterials: money(r.domesticCny),
    hainanMadeInputs: money(r.hainanMadeCny),
    ratio: r.ratio,
    businessDate: r.businessDate,
    issuedBy: r.issuedBy,
    issuedAt: r.issuedAt.toISOString(),
    auditSeq: r.auditSeq,
  };
}

const issuedOf = (r: NumberRow): IssuedNumber => ({
  number: r.number,
  downstreamEnterpriseId: r.downstreamEnterpriseId,
  quantity: new D(r.quantity).toString(),
  quantityUsed: new D(r.quantityUsed).toString(),
  salePrice: money(r.salePrice),
  importedCny: money(r.importedCny),
  domesticCny: money(r.domesticCny),
  hainanMadeCny: money(r.hainanMadeCny),
});

async function nextSerial(tx: Executor, scope: string): Promise<number> {
  const rows = await tx
    .insert(valueAddedSerials)
    .values({ scope, last: 1 })
    .onConflictDoUpdate({ target: valueAddedSerials.scope, set: { last: sql`${valueAddedSerials.last} + 1` } })
    .returning({ last: valueAddedSerials.last });
  return rows[0]!.last;
}

export interface IssueInput {
  transferDocumentId: string;
  lineNo?: number | undefined;
  salePrice?: string | undefined;
  /** Numbers the seller itself received for goods that went into these (the middle of a chain). */
  upstream?: (CitedNumber & { quantityUsed: string })[] | undefined;
}

/** What a number carries on of the numbers its seller received: each cited number and the quantity. */
async function carriesOf(ex: Executor, number: string): Promise<NumberUse[]> {
  const u = valueAddedNumberUses;
  const rows = await ex
    .select({ number: u.number, quantity: u.quantity })
    .from(u)
    .where(eq(u.carriedBy, number))
    .orderBy(asc(u.number));
  return rows.map((r) => ({ cumulativeNumber: r.number, quantityUsed: new D(r.quantity).toString() }));
}

const sameCarries = (a: readonly NumberUse[], b: readonly NumberUse[]) => {
  const key = (l: readonly NumberUse[]) =>
    l
      .map((x) => `${x.cumulativeNumber}:${new D(x.quantityUsed).toString()}`)
      .sort()
      .join(',');
  return key(a) === key(b);
};

/**
 * Issues the cumulative number of one line of a posted island transfer between two processing
 * books, its figures read from the upstream book's movement. Asked again for the same line, it
 * answers the number already issued.
 */
export async function issueCumulativeNumber(
  ctx: AppContext,
  actor: Actor,
  input: IssueInput,
): Promise<CumulativeNumberView> {
  return runCommand(ctx, 'valueAdded.cumulativeNumber', async (tx) => {
    const lineNo = input.lineNo ?? 0;
    const doc = await getDocument(tx, input.transferDocumentId);
    if (!doc) throw problems.notFound(`Document ${input.transferDocumentId}`);
    const upstreamBook = await getBook(tx, doc.bookId);
    if (!upstreamBook) throw problems.notFound(`Document ${input.transferDocumentId}`);
    // Only the upstream (the seller) or an officer asks; the downstream reads what was issued.
    assertSees(actor, [upstreamBook.enterpriseId], `Document ${input.transferDocumentId}`);
    const [existing] = await tx
      .select()
      .from(valueAddedCumulativeNumbers)
      .where(
        and(eq(valueAddedCumulativeNumbers.transferDocumentId, doc.id), eq(valueAddedCumulativeNumbers.lineNo, lineNo)),
      );
    if (existing) {
      if (input.salePrice !== undefined && !new D(input.salePrice).eq(existing.salePrice))
        throw problems.conflict(
          `Cumulative number ${existing.number} was issued for this line with sale price ${money(existing.salePrice)}.`,
          { number: existing.number },
        );
      const carries = await carriesOf(tx, existing.number);
      if (input.upstream !== undefined && !sameCarries(carries, input.upstream))
        throw problems.conflict(
          `Cumulative number ${existing.number} was issued for this line carrying other upstream numbers.`,
          { number: existing.number },
        );
      return numberView(existing, carries);
    }
    const downstreamBook = doc.counterpartyBookId ? await getBook(tx, doc.counterpartyBookId) : null;
    const [upQ, downQ] = await Promise.all([
      activeQualifications(tx, upstreamBook.enterpriseId, doc.businessDate),
      downstreamBook ? activeQualifications(tx, downstreamBook.enterpriseId, doc.businessDate) : Promise.resolve([]),
    ]);
    const body = doc.body as { lines?: { valueCny?: string }[] };
    // The seller's own numbers, cited for goods that went into these: issued to it, as issued, not used up.
    const cited = input.upstream ?? [];
    const received = await checkCitedNumbers(tx, upstreamBook.enterpriseId, cited, (i) => `upstream[${i}]`);
    const uses = cited.map((c, i) => ({ record: recordOf(received[i]!), quantityUsed: c.quantityUsed }));
    const figures = cumulativeFigures({
      documentType: doc.type,
      documentStatus: doc.status,
      businessDate: doc.businessDate,
      upstreamBookId: upstreamBook.id,
      upstreamRegime: upstreamBook.regime,
      downstreamRegime: downstreamBook?.regime ?? null,
      upstreamQualified: upQ.some((q) => q.kind === 'PROCESSING_VALUE_ADDED'),
      downstreamQualified: downQ.some((q) => q.kind === 'PROCESSING_VALUE_ADDED'),
      lineNo,
      movements: doc.movements as TransferMovement[],
      documentPrice: body.lines?.[lineNo]?.valueCny ?? null,
      askedPrice: input.salePrice ?? null,
      uses,
    });
    if (!figures.ok) throw refused('value-added-cumulative-refused', 'No cumulative number', figures.violations);
    const f = figures.value;
    const now = ctx.clock.now();
    const year = Number(doc.businessDate.slice(0, 4));
    const serial = await nextSerial(tx, `${year}-${ISSUING_CUSTOMS}`);
    const number = formatValueAddedNumber({ kind: 'CUMULATIVE', year, customsCode: ISSUING_CUSTOMS, serial });
    const row: Omit<NumberRow, 'auditSeq'> = {
      number,
      transferDocumentId: doc.id,
      lineNo,
      upstreamEnterpriseId: upstreamBook.enterpriseId,
      upstreamBookId: upstreamBook.id,
      downstreamEnterpriseId: downstreamBook!.enterpriseId,
      downstreamBookId: downstreamBook!.id,
      itemId: f.itemId,
      quantity: f.quantity,
      quantityUsed: '0',
      salePrice: f.salePrice,
      importedCny: f.importedCny,
      domesticCny: f.domesticCny,
      hainanMadeCny: f.hainanMadeCny,
      ratio: f.ratio,
      businessDate: doc.businessDate,
      issuedBy: actorLabel(actor),
      issuedAt: now,
    };
    const { seq } = await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'valueAdded.cumulativeNumber.issued',
      subject: `cumulative-number:${number}`,
      change: { ...row, issuedAt: now.toISOString(), conditions: f.conditions, carries: cited },
      at: now,
    });
    const inserted = await tx
      .insert(valueAddedCumulativeNumbers)
      .values({ ...row, auditSeq: seq })
      .onConflictDoNothing({
        target: [valueAddedCumulativeNumbers.transferDocumentId, valueAddedCumulativeNumbers.lineNo],
      })
      .returning();
    if (!inserted[0]) throw problems.conflict('A cumulative number is being issued for this line: ask again.');
    // The cited numbers are written off to the new one, like an exit's: never below zero, never twice.
    const carried = { carriedBy: number, lineIndex: lineNo, uses: cited, partitionKey: `cumulative-number:${number}` };
    await writeOffCitedNumbers(tx, ctx, actor, carried, (i) => `upstream[${i}]`);
    return numberView(inserted[0], await carriesOf(tx, number));
  });
}

export async function getCumulativeNumber(ex: Executor, actor: Actor, number: string): Promise<CumulativeNumberView> {
  const [r] = await ex.select().from(valueAddedCumulativeNumbers).where(eq(valueAddedCumulativeNumbers.number, number));
  if (!r) throw problems.notFound(`Cumulative number ${number}`);
  assertSees(actor, [r.upstreamEnterpriseId, r.downstreamEnterpriseId], `Cumulative number ${number}`);
  return numberView(r, await carriesOf(ex, number));
}

export async function listCumulativeNumbers(ex: Executor, actor: Actor) {
  const mine = isOfficer(actor) ? undefined : (actor.enterpriseId ?? '00000000-0000-0000-0000-000000000000');
  const rows = await ex
    .select()
    .from(valueAddedCumulativeNumbers)
    .where(mine ? eq(valueAddedCumulativeNumbers.downstreamEnterpriseId, mine) : undefined)
    .orderBy(desc(valueAddedCumulativeNumbers.issuedAt))
    .limit(500);
  const up = mine
    ? await ex
        .select()
        .from(valueAddedCumulativeNumbers)
        .where(eq(valueAddedCumulativeNumbers.upstreamEnterpriseId, mine))
        .orderBy(desc(valueAddedCumulativeNumbers.issuedAt))
        .limit(500)
    : [];
  const seen = new Set<string>();
  return {
    items: [...rows, ...up].filter((r) => !seen.has(r.number) && seen.add(r.number)).map((r) => numberView(r)),
  };
}

/**
 * The cited numbers of a downstream enterprise checked against what was issued (inside the
 * caller's transaction): unknown, someone else's, or other figures are refused, naming the field.
 * Answers the issued records, in the order cited.
 */
export async function checkCitedNumbers(
  tx: Executor,
  enterpriseId: string,
  cited: readonly CitedNumber[],
  path: (i: number) => string,
): Promise<IssuedNumber[]> {
  if (!cited.length) return [];
  const rows = await tx
    .select()
    .from(valueAddedCumulativeNumbers)
    .where(
      inArray(
        valueAddedCumulativeNumbers.number,
        cited.map((c) => c.cumulativeNumber),
      ),
    );
  const issued = new Map(rows.map((r) => [r.number, issuedOf(r)]));
  const violations = citedNumberViolations(cited, issued, enterpriseId, path);
  if (violations.length)
    throw refused('value-added-cumulative-mismatch', 'Cumulative number does not match', violations);
  return cited.map((c) => issued.get(c.cumulativeNumber)!);
}

export interface NumberUse {
  cumulativeNumber: string;
  quantityUsed: string;
}

/**
 * Writes off the numbers an exit declaration's line cites, like a book (inside the caller's
 * transaction): each one only while enough of it is left, in one conditional update, so uses at the
 * same moment never take it below zero; refused as valueAdded.cumulativeExhausted naming the citation.
 * Each use is recorded and audited in the declarant's audit partition (`partitionKey`, locked by the caller).
 */
export async function writeOffCitedNumbers(
  tx: Executor,
  ctx: AppContext,
  actor: Actor,
  input: ({ declarationId: string; carriedBy?: undefined } | { declarationId?: undefined; carriedBy: string }) & {
    lineIndex: number;
    uses: readonly NumberUse[];
    partitionKey: string;
  },
  path: (i: number) => string,
): Promise<void> {
  const now = ctx.clock.now();
  for (const [i, u] of input.uses.entries()) {
    const t = valueAddedCumulativeNumbers;
    const [row] = await tx
      .update(t)
      .set({ quantityUsed: sql`${t.quantityUsed} + ${u.quantityUsed}::numeric` })
      .where(
        and(eq(t.number, u.cumulativeNumber), sql`${t.quantityUsed} + ${u.quantityUsed}::numeric <= ${t.quantity}`),
      )
      .returning({ quantity: t.quantity, quantityUsed: t.quantityUsed });
    if (!row) {
      const [n] = await tx.select().from(t).where(eq(t.number, u.cumulativeNumber));
      const v = n
        ? exhaustedViolation(issuedOf(n), u.quantityUsed, `${path(i)}.quantityUsed`)
        : {
            path: `${path(i)}.cumulativeNumber`,
            rule: 'valueAdded.cumulativeUnknown',
            message: `The platform issued no cumulative number ${u.cumulativeNumber}.`,
          };
      throw refused('value-added-cumulative-exhausted', 'Cumulative number used up', [v]);
    }
    const id = uuidv7(now.getTime());
    const left = new D(row.quantity).minus(row.quantityUsed).toString();
    const { seq } = await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'valueAdded.cumulativeNumber.used',
      subject: `cumulative-number:${u.cumulativeNumber}`,
      change: {
        id,
        ...(input.carriedBy ? { carriedBy: input.carriedBy } : { declarationId: input.declarationId }),
        lineIndex: input.lineIndex,
        quantity: u.quantityUsed,
        left,
      },
      at: now,
      partitionKey: input.partitionKey,
    });
    await tx.insert(valueAddedNumberUses).values({
      id,
      number: u.cumulativeNumber,
      declarationId: input.declarationId ?? null,
      carriedBy: input.carriedBy ?? null,
      lineIndex: input.lineIndex,
      quantity: u.quantityUsed,
      usedAt: now,
      auditSeq: seq,
    });
  }
}

/**
 * Gives back what a declaration wrote off (it was cancelled or replaced by an amendment, whose new
 * version writes off again): each use once, audited in the declarant's partition. Answers how many.
 */
export async function returnCitedNumbers(
  tx: Executor,
  ctx: AppContext,
  actor: Actor,
  input: { declarationId: string; reason: string; partitionKey: string },
): Promise<number> {
  const now = ctx.clock.now();
  const u = valueAddedNumberUses;
  const given = await tx
    .update(u)
    .set({ returnedAt: now })
    .where(and(eq(u.declarationId, input.declarationId), isNull(u.returnedAt)))
    .returning();
  for (const use of given) {
    const t = valueAddedCumulativeNumbers;
    await tx
      .update(t)
      .set({ quantityUsed: sql`${t.quantityUsed} - ${use.quantity}::numeric` })
      .where(eq(t.number, use.number));
    await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'valueAdded.cumulativeNumber.returned',
      subject: `cumulative-number:${use.number}`,
      change: { useId: use.id, declarationId: input.declarationId, quantity: use.quantity, reason: input.reason },
      at: now,
      partitionKey: input.partitionKey,
    });
  }
  return given.length;
}

/**
 * Queues the review of an exit line whose duty exemption rests on a ratio in the review band: the
 * declaration waits for it (declarations hold the release). Audited in the declarant's partition.
 */
export async function queueExitReview(
  tx: Executor,
  ctx: AppContext,
  actor: Actor,
  input: {
    declarationId: string;
    lineIndex: number;
    enterpriseId: string;
    bookId: string;
    itemId: string;
    ratio: string;
    threshold: string;
    bandUpper: string;
    figures: Record<string, unknown>;
    partitionKey: string;
  },
): Promise<{ id: string; status: 'PENDING' }> {
  const now = ctx.clock.now();
  const id = uuidv7(now.getTime());
  const { partitionKey, ...rest } = input;
  await appendAudit(tx, {
    actor: actorLabel(actor),
    action: 'valueAdded.review.requested',
    subject: `value-added-review:${id}`,
    change: { id, ...rest, band: { from: input.threshold, to: input.bandUpper } },
    at: now,
    partitionKey,
  });
  await tx.insert(valueAddedReviews).values({
    id,
    enterpriseId: input.enterpriseId,
    bookId: input.bookId,
    itemId: input.itemId,
    declarationId: input.declarationId,
    lineIndex: input.lineIndex,
    ratio: input.ratio,
    threshold: input.threshold,
    bandUpper: input.bandUpper,
    figures: input.figures,
    evidenceIds: [],
    status: 'PENDING',
    requestedBy: actorLabel(actor),
    requestedAt: now,
  });
  return { id, status: 'PENDING' };
}

/**
 * Closes the pending reviews of an exit that no longer waits for them (cancelled, replaced by an
 * amendment, rejected or seized; or a line a correction took out of the review band): they leave the
 * officers' queue, CLOSED with the reason, each audited in the declarant's partition, and can no longer
 * be decided (valueAdded.reviewDecided). `lineIndex` closes one line's only. Answers the reviews closed.
 */
export async function closeExitReviews(
  tx: Executor,
  ctx: AppContext,
  actor: Actor,
  input: { declarationId: string; lineIndex?: number; reason: string; partitionKey: string },
): Promise<string[]> {
  const r = valueAddedReviews;
  const now = ctx.clock.now();
  const by = actorLabel(actor);
  const closed = await tx
    .update(r)
    .set({ status: 'CLOSED', decidedBy: by, decidedAt: now, reason: input.reason })
    .where(
      and(
        eq(r.declarationId, input.declarationId),
        eq(r.status, 'PENDING'),
        ...(input.lineIndex === undefined ? [] : [eq(r.lineIndex, input.lineIndex)]),
      ),
    )
    .returning({ id: r.id, lineIndex: r.lineIndex, ratio: r.ratio });
  for (const c of closed)
    await appendAudit(tx, {
      actor: by,
      action: 'valueAdded.review.closed',
      subject: `value-added-review:${c.id}`,
      change: {
        id: c.id,
        declarationId: input.declarationId,
        lineIndex: c.lineIndex,
        ratio: c.ratio,
        reason: input.reason,
      },
      at: now,
      partitionKey: input.partitionKey,
    });
  return closed.map((c) => c.id);
}

export interface AssessmentInput {
  bookId: string;
  itemId: string;
  quantity: string;
  salePrice: string;
  upstream?: (CitedNumber & { quantityUsed: string })[] | undefined;
  evidenceIds?: string[] | undefined;
}

/**
 * The ratio of goods leaving a downstream processing book for the mainland, with the cited numbers'
 * upstream value added counted. A ratio in the review band is queued for an officer (a review row
 * and its audit entry); anything else writes nothing.
 */
export async function assessValueAdded(ctx: AppContext, actor: Actor, input: AssessmentInput) {
  return runCommand(ctx, 'valueAdded.assessment', async (tx) => {
    const book = await getBook(tx, input.bookId);
    if (!book) throw problems.notFound(`Book ${input.bookId}`);
    assertSees(actor, [book.enterpriseId], `Book ${input.bookId}`);
    if (book.regime !== 'PROCESSING_VALUE_ADDED')
      throw refused('value-added-processing-book', 'Not a processing book', [
        {
          path: 'bookId',
          rule: 'valueAdded.processingBooks',
          message: 'The value added is assessed on goods of a processing value-added book.',
        },
      ]);
    const now = ctx.clock.now();
    const today = shanghaiDate(now);
    const cited = input.upstream ?? [];
    const [basis, issued, threshold, upper, evidence] = await Promise.all([
      costBasisOf(tx, { bookId: book.id, itemId: input.itemId, quantity: input.quantity }),
      checkCitedNumbers(tx, book.enterpriseId, cited, (i) => `upstream[${i}]`),
      getParameter<string>(tx, 'tax.valueAddedThreshold', today),
      getParameter<string>(tx, 'valueAdded.reviewBandUpper', today),
      evidenceOf(tx, book.enterpriseId, input.evidenceIds ?? []),
    ]);
    const uses = cited.map((c, i) => ({ record: recordOf(issued[i]!), quantityUsed: c.quantityUsed }));
    const va = downstreamValueAdded({ salePrice: input.salePrice, basis, uses }, threshold.value);
    if (!va.ok) throw problems.validation(va.violations);
    const r = va.value;
    const band = { from: threshold.value, to: upper.value };
    const review = inReviewBand(r.result.ratio, threshold.value, upper.value);
    const figures = {
      salePrice: input.salePrice,
      quantity: input.quantity,
      basis: { importedCny: basis.importedCny, domesticCny: basis.domesticCny, hainanMadeCny: basis.hainanMadeCny },
      upstream: cited.map((c, i) => ({ ...issued[i]!, quantityUsed: c.quantityUsed })),
      ownRatio: ratioString(r.own.ratio),
      chainRatio: r.chain ? ratioString(r.chain.ratio) : null,
      cumulationApplied: r.cumulationApplied,
      formula: r.result.formula,
      parameterVersions: {
        'tax.valueAddedThreshold': threshold.version,
        'valueAdded.reviewBandUpper': upper.version,
      },
    };
    let queued: { id: string; status: string } | null = null;
    if (review) {
      const id = uuidv7(now.getTime());
      const evidenceIds = evidence.map((e) => e.id);
      await appendAudit(tx, {
        actor: actorLabel(actor),
        action: 'valueAdded.review.requested',
        subject: `value-added-review:${id}`,
        change: { id, enterpriseId: book.enterpriseId, ratio: ratioString(r.result.ratio), band, figures, evidenceIds },
        at: now,
      });
      await tx.insert(valueAddedReviews).values({
        id,
        enterpriseId: book.enterpriseId,
        bookId: book.id,
        itemId: input.itemId,
        ratio: ratioString(r.result.ratio),
        threshold: threshold.value,
        bandUpper: upper.value,
        figures,
        evidenceIds,
        status: 'PENDING',
        requestedBy: actorLabel(actor),
        requestedAt: now,
      });
      queued = { id, status: 'PENDING' };
    }
    return {
      ratio: ratioString(r.result.ratio),
      ownRatio: figures.ownRatio,
      chainRatio: figures.chainRatio,
      cumulationApplied: r.cumulationApplied,
      formula: r.result.formula,
      threshold: threshold.value,
      meetsThreshold: r.meetsThreshold,
      reviewBand: band,
      outcome: review ? ('REVIEW' as const) : r.meetsThreshold ? ('MEETS' as const) : ('BELOW' as const),
      review: queued,
      parameterVersions: figures.parameterVersions,
    };
  });
}

async function evidenceOf(tx: Executor, enterpriseId: string, ids: readonly string[]) {
  if (!ids.length) return [];
  const bad = ids.findIndex((id) => !UUID.test(id));
  const rows =
    bad >= 0
      ? []
      : await tx
          .select()
          .from(valueAddedEvidence)
          .where(and(eq(valueAddedEvidence.enterpriseId, enterpriseId), inArray(valueAddedEvidence.id, [...ids])));
  const found = new Set(rows.map((r) => r.id));
  const missing = ids.findIndex((id) => !found.has(id));
  if (missing >= 0)
    throw problems.field(
      `evidenceIds[${missing}]`,
      'valueAdded.evidenceUnknown',
      'No evidence of this enterprise has this id: upload it first.',
    );
  return rows;
}

export interface EvidenceInput {
  kind: 'INVOICE' | 'WORK_HOURS' | 'ENERGY' | 'OTHER';
  reference: string;
  fileName: string;
  mediaType: string;
  contentBase64: string;
  description?: string | undefined;
}

const evidenceView = (r: EvidenceRow) => ({
  id: r.id,
  enterpriseId: r.enterpriseId,
  kind: r.kind,
  reference: r.reference,
  fileName: r.fileName,
  mediaType: r.mediaType,
  sizeBytes: r.sizeBytes,
  sha256: r.sha256,
  description: r.description,
  uploadedBy: r.uploadedBy,
  uploadedAt: r.uploadedAt.toISOString(),
  auditSeq: r.auditSeq,
});

/** Records an enterprise's evidence of a ratio: its metadata and the SHA-256 of the uploaded bytes, audited. */
export async function uploadEvidence(ctx: AppContext, actor: Actor, input: EvidenceInput) {
  if (!actor.enterpriseId) throw problems.forbidden('Evidence is uploaded by the enterprise it belongs to.');
  const enterpriseId = actor.enterpriseId;
  const bytes = Buffer.from(input.contentBase64, 'base64');
  if (bytes.toString('base64').replace(/=+$/, '') !== input.contentBase64.replace(/=+$/, ''))
    throw problems.field('contentBase64', 'valueAdded.evidenceEncoding', 'The content is not valid base64.');
  if (bytes.length === 0 || bytes.length > MAX_EVIDENCE_BYTES)
    throw problems.field(
      'contentBase64',
      'valueAdded.evidenceSize',
      `A piece of evidence holds 1 byte to ${MAX_EVIDENCE_BYTES / 1024} KiB.`,
    );
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return runCommand(ctx, 'valueAdded.evidence', async (tx) => {
    const now = ctx.clock.now();
    const id = uuidv7(now.getTime());
    const meta = {
      id,
      enterpriseId,
      kind: input.kind,
      reference: input.reference,
      fileName: input.fileName,
      mediaType: input.mediaType,
      sizeBytes: bytes.length,
      sha256,
      description: input.description ?? null,
      uploadedBy: actorLabel(actor),
      uploadedAt: now,
    };
    const { seq } = await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'valueAdded.evidence.uploaded',
      subject: `value-added-evidence:${id}`,
      change: { ...meta, uploadedAt: now.toISOString() },
      at: now,
    });
    const [row] = await tx
      .insert(valueAddedEvidence)
      .values({ ...meta, auditSeq: seq })
      .returning();
    return evidenceView(row!);
  });
}

export async function listEvidence(ex: Executor, actor: Actor, q: { reference?: string | undefined }) {
  const conds = [
    ...(isOfficer(actor) ? [] : [eq(valueAddedEvidence.enterpriseId, actor.enterpriseId ?? UUID_NONE)]),
    ...(q.reference ? [eq(valueAddedEvidence.reference, q.reference)] : []),
  ];
  const rows = await ex
    .select()
    .from(valueAddedEvidence)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(asc(valueAddedEvidence.uploadedAt))
    .limit(500);
  return { items: rows.map(evidenceView) };
}

const UUID_NONE = '00000000-0000-0000-0000-000000000000';

const reviewView = (r: ReviewRow) => ({
  id: r.id,
  enterpriseId: r.enterpriseId,
  bookId: r.bookId,
  itemId: r.itemId,
  declarationId: r.declarationId,
  lineIndex: r.lineIndex,
  ratio: r.ratio,
  threshold: r.threshold,
  bandUpper: r.bandUpper,
  figures: r.figures,
  evidenceIds: r.evidenceIds,
  status: r.status,
  requestedBy: r.requestedBy,
  requestedAt: r.requestedAt.toISOString(),
  decidedBy: r.decidedBy,
  decidedAt: r.decidedAt?.toISOString() ?? null,
  reason: r.reason,
});

export type ReviewView = ReturnType<typeof reviewView>;

/** The review queue (officers): the oldest pending first, or the decided ones of a status. */
export async function listReviews(ex: Executor, q: { status?: string | undefined }) {
  const rows = await ex
    .select()
    .from(valueAddedReviews)
    .where(eq(valueAddedReviews.status, q.status ?? 'PENDING'))
    .orderBy(asc(valueAddedReviews.requestedAt))
    .limit(500);
  return { items: rows.map(reviewView) };
}

/** A named officer approves or rejects a queued ratio, once, and not the one who asked (four eyes). */
export async function decideReview(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: { decision: 'APPROVE' | 'REJECT'; reason?: string | undefined },
): Promise<ReviewView> {
  if (!UUID.test(id)) throw problems.notFound(`Review ${id}`);
  return runCommand(ctx, 'valueAdded.review.decide', async (tx) => {
    const [row] = await tx.select().from(valueAddedReviews).where(eq(valueAddedReviews.id, id)).for('update');
    if (!row) throw problems.notFound(`Review ${id}`);
    const officer = actorLabel(actor);
    const bad = reviewDecisionViolations(row, { ...input, officer });
    if (bad) {
      const { status, violation: v } = bad;
      if (status === 400) throw problems.validation([v]);
      throw new Problem({
        status,
        code: status === 409 ? 'value-added-review-decided' : 'value-added-four-eyes',
        title: status === 409 ? 'Review already decided' : 'Four eyes',
        detail: v.message,
        errors: [v],
      });
    }
    const now = ctx.clock.now();
    const status = input.decision === 'APPROVE' ? 'APPROVED' : 'REJECTED';
    const { seq } = await appendAudit(tx, {
      actor: officer,
      action: `valueAdded.review.${status.toLowerCase()}`,
      subject: `value-added-review:${id}`,
      change: { id, status, ratio: row.ratio, reason: input.reason ?? null, decidedBy: officer },
      at: now,
    });
    // An exit waiting for it goes on (declarations consume the event): released, or taxed with duty.
    const event = typedEvent(VALUE_ADDED_EVENTS, 'ValueAddedReviewDecided', {
      aggregateType: 'value-added-review',
      aggregateId: id,
      payload: {
        reviewId: id,
        enterpriseId: row.enterpriseId,
        declarationId: row.declarationId,
        lineIndex: row.lineIndex,
        decision: status,
        ratio: row.ratio,
        decidedBy: officer,
        reason: input.reason ?? null,
      },
      occurredAt: now,
    });
    await enqueueEvents(tx, [{ ...event, auditSeq: seq }]);
    const [updated] = await tx
      .update(valueAddedReviews)
      .set({ status, decidedBy: officer, decidedAt: now, reason: input.reason ?? null })
      .where(eq(valueAddedReviews.id, id))
      .returning();
    return reviewView(updated!);
  });
}
