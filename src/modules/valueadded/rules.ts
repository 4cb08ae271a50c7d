/**
 * Cumulative value added (累计编号, ../shared/spec/mission.md §5): the pure law of this module. No
 * clock and no I/O: the dates, the parameters and the figures read from the books come in.
 *
 * - A cumulative number is issued for a line of an island transfer (岛内流转) from one processing
 *   value-added book to another's: its figures are the upstream book's cost of the goods moved (the
 *   imported, domestic and Hainan-made materials the movement carried) and the transfer's price.
 *   Nothing of them is declared by either enterprise.
 * - A downstream enterprise citing a number gives the figures it was issued with, or none; any other
 *   figure is refused (valueAdded.cumulativeMismatch).
 * - The downstream's book holds the upstream goods at the transfer price (tax `carriedAtPrice`: the
 *   imported content as imported, the rest as bought material), so its own ratio counts them at what
 *   it paid. Citing a number takes the cited share of that price out of the book's basis and the
 *   chain (tax valueAdded.ts) counts the upstream's materials instead: each figure is counted once.
 * - A number covers a quantity; exit declarations write it off per use like a book, never below
 *   zero (valueAdded.cumulativeExhausted).
 * - A ratio at or above the threshold but below the review band's upper bound (parameter
 *   valueAdded.reviewBandUpper) goes to an officer's review instead of passing silently; an exit
 *   whose duty exemption rests on such a ratio waits for the review (`exitReviewDue`).
 */
import {
  carriedAtPrice,
  carriedRecord,
  chainValueAdded,
  cny,
  cumulativeNumberDecision,
  D,
  fen,
  ratioString,
  type ChainResult,
  type Condition,
  type CumulativeRecord,
  type Dec,
  type UpstreamUse,
} from '../tax/rules.ts';

export interface Violation {
  path: string;
  rule: string;
  message: string;
}

type Result<T> = { ok: true; value: T } | { ok: false; violations: Violation[] };

/** A movement of a ledger document, as the ledger's document view gives it. */
export interface TransferMovement {
  bookId: string;
  itemId: string;
  from: string;
  to: string;
  quantity: string;
  importedCny: string;
  domesticCny: string;
  hainanMadeCny: string;
  lineNo: number;
}

/** The facts of an island transfer line a cumulative number is asked for. */
export interface TransferFacts {
  documentType: string;
  documentStatus: string;
  businessDate: string;
  upstreamBookId: string;
  upstreamRegime: string;
  /** The book the goods entered; null when they left the books (a taxed transfer). */
  downstreamRegime: string | null;
  upstreamQualified: boolean;
  downstreamQualified: boolean;
  lineNo: number;
  movements: readonly TransferMovement[];
  /** The transfer line's price (valueCny), when the transfer document carries one. */
  documentPrice: string | null;
  /** The price the request gives; needed when the document carries none. */
  askedPrice: string | null;
  /**
   * The numbers the upstream (the middle of a chain) itself received for goods that went into these,
   * cited with the quantity used: checked against the registry by the caller, their figures as issued.
   */
  uses?: readonly UpstreamUse[];
}

export interface IssuedFigures {
  itemId: string;
  quantity: string;
  salePrice: string;
  importedCny: string;
  domesticCny: string;
  hainanMadeCny: string;
  /** The upstream's own ratio on the transfer, 4 places (informative). */
  ratio: string;
  conditions: Condition[];
}

const refuse = (path: string, rule: string, message: string): Result<never> => ({
  ok: false,
  violations: [{ path, rule, message }],
});

/**
 * Whether a cumulative number is due for one line of an island transfer, and its figures: taken from
 * the movement that took the goods out of the upstream book (its cost at the book's moving average).
 */
export function cumulativeFigures(f: TransferFacts): Result<IssuedFigures> {
  if (f.documentType !== 'ISLAND_TRANSFER' || f.documentStatus !== 'POSTED')
    return refuse(
      'transferDocumentId',
      'valueAdded.transferRequired',
      'A cumulative number is issued for a posted island transfer (岛内流转) document.',
    );
  if (f.upstreamRegime !== 'PROCESSING_VALUE_ADDED' || f.downstreamRegime !== 'PROCESSING_VALUE_ADDED')
    return refuse(
      'transferDocumentId',
      'valueAdded.processingBooks',
      'The goods must pass from a processing value-added book into another processing value-added book.',
    );
  const out = f.movements.filter((m) => m.bookId === f.upstreamBookId && m.from === 'stock' && m.lineNo === f.lineNo);
  if (!out.length)
    return refuse('lineNo', 'valueAdded.transferLine', `The transfer has no line ${f.lineNo} leaving the book.`);
  const price = f.documentPrice ?? f.askedPrice;
  if (price === null)
    return refuse(
      'salePrice',
      'valueAdded.salePriceRequired',
      'The transfer document carries no price for this line: give the price the downstream pays.',
    );
  if (f.documentPrice !== null && f.askedPrice !== null && !new D(f.documentPrice).eq(f.askedPrice))
    return refuse(
      'salePrice',
      'valueAdded.priceMismatch',
      `The transfer document's price of this line is ${fen(cny(f.documentPrice))} CNY.`,
    );
  const atCost = enteredAtCost(f, out, price);
  if (atCost) return refuse('transferDocumentId', 'valueAdded.transferAtCost', atCost);
  const decision = cumulativeNumberDecision({
    upstreamProcessingQualification: f.upstreamQualified,
    downstreamProcessingQualification: f.downstreamQualified,
    destination: 'ISLAND',
    salePrice: price,
  });
  const unmet = decision.conditions.filter((c) => !c.met);
  if (unmet.length)
    return { ok: false, violations: unmet.map((c) => ({ path: 'transferDocumentId', rule: c.rule, message: c.text })) };
  const total = (pick: (m: TransferMovement) => string) => out.reduce((s, m) => s.plus(pick(m)), new D(0));
  const quantity = total((m) => m.quantity).toString();
  const book = {
    importedCny: fen(cny(total((m) => m.importedCny))),
    domesticCny: fen(cny(total((m) => m.domesticCny))),
    hainanMadeCny: fen(cny(total((m) => m.hainanMadeCny))),
  };
  // The middle of a chain: its book holds what it bought at the price it paid; the number it passes on
  // carries, instead, the materials of the numbers it received (each link's value added counted once).
  const carried = carriedFigures(book, f.uses ?? [], { salePrice: price, quantity });
  if (!carried.ok) return carried;
  const { importedCny, domesticCny, hainanMadeCny } = carried.value;
  const materials = new D(importedCny).plus(domesticCny);
  const salePrice = cny(price);
  const ratio = materials.isZero() ? null : salePrice.minus(materials).div(materials);
  return {
    ok: true,
    value: {
      itemId: out[0]!.itemId,
      quantity,
      salePrice: fen(salePrice),
      importedCny,
      domesticCny,
      hainanMadeCny,
      ratio: ratio === null ? 'n/a' : ratioString(ratio),
      conditions: decision.conditions,
    },
  };
}

/**
 * Transfers between processing books recorded before the receiving book carried them at the price
 * (ledger `transferredCost`) entered the goods at the seller's cost: the receiver's book then already
 * counts the seller's value added as its own, so a number for them would count it a second time.
 * Answers why, or null when the receiving book holds the goods at the price (or the movement is not known).
 */
function enteredAtCost(f: TransferFacts, out: readonly TransferMovement[], price: string): string | null {
  const entered = f.movements.filter(
    (m) => m.bookId !== f.upstreamBookId && m.from === 'island' && m.to === 'stock' && m.lineNo === f.lineNo,
  );
  if (!entered.length) return null;
  const sum = (l: readonly TransferMovement[], pick: (m: TransferMovement) => string) =>
    cny(l.reduce((s, m) => s.plus(pick(m)), new D(0)));
  const expected = carriedAtPrice(
    sum(out, (m) => m.importedCny),
    price,
  );
  const imported = sum(entered, (m) => m.importedCny);
  const domestic = sum(entered, (m) => m.domesticCny);
  const hainan = sum(entered, (m) => m.hainanMadeCny);
  if (imported.eq(expected.imported) && domestic.eq(expected.domestic) && hainan.isZero()) return null;
  return (
    `The receiving book entered this line at the seller's cost (imported ${fen(imported)}, domestic ` +
    `${fen(domestic)}, Hainan-made ${fen(hainan)} CNY), not at the price of ${fen(cny(price))} CNY: it was ` +
    "recorded before transfers between processing books carried the price. The receiver's book must be " +
    'corrected (an adjustment approved by customs) before a number can be issued for it.'
  );
}

/**
 * The figures a number passes on for goods taken out of a book (`book`: their cost there). Without
 * cited numbers, the book's cost. With them (the middle of a chain), the book's cost less what it
 * carries for the cited shares (their price, tax `carriedAtPrice`), plus the cited records' own
 * materials (tax `carriedRecord`): the next link counts the first link's value added as value added,
 * not as material bought at its price. Refused when the cited shares carry more than the goods do.
 */
export function carriedFigures(
  book: BookBasis,
  uses: readonly UpstreamUse[],
  goods: { salePrice: string; quantity: string },
): Result<BookBasis> {
  const own = ownMaterials(book, uses);
  if (!own)
    return refuse(
      'upstream',
      'valueAdded.cumulativeExceedsBook',
      'The cited quantities carry more materials than the book holds for these goods: cite what went into them.',
    );
  const record = carriedRecord('', {
    salePrice: goods.salePrice,
    quantity: goods.quantity,
    importedMaterials: [fen(own.imported)],
    domesticMaterials: [fen(own.domestic)],
    hainanMadeInputs: [fen(own.hainan)],
    upstream: uses,
  });
  if (!record.ok)
    return { ok: false, violations: record.violations.map((v) => ({ ...v, path: `upstream.${v.path}` })) };
  const r = record.value;
  return {
    ok: true,
    value: { importedCny: r.importedMaterials, domesticCny: r.domesticMaterials, hainanMadeCny: r.hainanMadeInputs },
  };
}

/** A number as issued (what the registry holds). */
export interface IssuedNumber {
  number: string;
  downstreamEnterpriseId: string;
  quantity: string;
  /** What exit declarations have written off so far. */
  quantityUsed: string;
  salePrice: string;
  importedCny: string;
  domesticCny: string;
  hainanMadeCny: string;
}

/** A number as a downstream enterprise cites it: the figures are optional, and checked when given. */
export interface CitedNumber {
  cumulativeNumber: string;
  salePrice?: string | undefined;
  quantity?: string | undefined;
  importedMaterials?: string | undefined;
  domesticMaterials?: string | undefined;
  hainanMadeInputs?: string | undefined;
  /** How much of the number goes into these goods: at most what is left of it. */
  quantityUsed?: string | undefined;
}

/** What is left of a number: its quantity less what was written off. */
export const quantityLeft = (n: Pick<IssuedNumber, 'quantity' | 'quantityUsed'>): Dec =>
  new D(n.quantity).minus(n.quantityUsed);

/** The refusal of citing more of a number than is left of it. */
export function exhaustedViolation(
  n: Pick<IssuedNumber, 'number' | 'quantity' | 'quantityUsed'>,
  asked: string,
  path: string,
): Violation {
  return {
    path,
    rule: 'valueAdded.cumulativeExhausted',
    message:
      `Cumulative number ${n.number} covers ${new D(n.quantity).toString()}, of which ` +
      `${quantityLeft(n).toString()} is left: ${new D(asked).toString()} cannot be written off.`,
  };
}

const CITED_FIELDS = [
  ['salePrice', 'salePrice'],
  ['quantity', 'quantity'],
  ['importedMaterials', 'importedCny'],
  ['domesticMaterials', 'domesticCny'],
  ['hainanMadeInputs', 'hainanMadeCny'],
] as const;

/**
 * The refusals of cited numbers against the registry: unknown, issued to another enterprise, or a
 * figure other than the issued one. `path(i)` names the citation (e.g. `upstream[0]`).
 */
export function citedNumberViolations(
  cited: readonly CitedNumber[],
  issued: ReadonlyMap<string, IssuedNumber>,
  enterpriseId: string,
  path: (i: number) => string,
): Violation[] {
  return cited.flatMap((c, i): Violation[] => {
    const n = issued.get(c.cumulativeNumber);
    if (!n)
      return [
        {
          path: `${path(i)}.cumulativeNumber`,
          rule: 'valueAdded.cumulativeUnknown',
          message: `The platform issued no cumulative number ${c.cumulativeNumber}.`,
        },
      ];
    if (n.downstreamEnterpriseId !== enterpriseId)
      return [
        {
          path: `${path(i)}.cumulativeNumber`,
          rule: 'valueAdded.cumulativeNotYours',
          message: `Cumulative number ${c.cumulativeNumber} was issued to another downstream enterprise.`,
        },
      ];
    const mismatches = CITED_FIELDS.flatMap(([field, own]): Violation[] => {
      const given = c[field];
      if (given === undefined || new D(given).eq(n[own])) return [];
      return [
        {
          path: `${path(i)}.${field}`,
          rule: 'valueAdded.cumulativeMismatch',
          message: `Cumulative number ${c.cumulativeNumber} was issued with ${field} ${n[own]}, not ${given}.`,
        },
      ];
    });
    if (mismatches.length || c.quantityUsed === undefined) return mismatches;
    // The same number cited twice is refused by the chain (valueAdded.numberOnce); here, what is left.
    return new D(c.quantityUsed).gt(quantityLeft(n))
      ? [exhaustedViolation(n, c.quantityUsed, `${path(i)}.quantityUsed`)]
      : [];
  });
}

/** The record of an issued number, as the chain of tax valueAdded.ts counts it. */
export function recordOf(n: IssuedNumber): CumulativeRecord {
  return {
    number: n.number,
    salePrice: n.salePrice,
    quantity: n.quantity,
    importedMaterials: n.importedCny,
    domesticMaterials: n.domesticCny,
    hainanMadeInputs: n.hainanMadeCny,
  };
}

export interface BookBasis {
  importedCny: string;
  domesticCny: string;
  hainanMadeCny: string;
}

const share = (amount: Dec, u: UpstreamUse): Dec => cny(amount.times(u.quantityUsed).div(u.record.quantity));

/** What the downstream's book carries for the used share of a number: its price, split as tax `carriedAtPrice`. */
export function carriedShare(u: UpstreamUse): { imported: Dec; domestic: Dec } {
  const carried = carriedAtPrice(u.record.importedMaterials, u.record.salePrice);
  return { imported: share(carried.imported, u), domestic: share(carried.domestic, u) };
}

/** Book figures are moving averages rounded to the fen: a few fen below zero after taking shares out is rounding. */
const settle = (v: Dec, uses: number): Dec => (v.isNeg() && v.gte(-0.01 * uses) ? new D(0) : v);

/**
 * The downstream's value added of goods leaving its book (an assessment, an exit, an inspection's
 * re-decision). The book's cost basis holds the upstream goods at the transfer price, so its own
 * materials are the basis less the cited shares of that price; the chain then counts the upstream
 * goods at their price (own ratio) or, with the numbers, at their materials: each figure once.
 */
/** A book's figures less what it carries for the cited shares; null when that would go below zero. */
function ownMaterials(basis: BookBasis, uses: readonly UpstreamUse[]) {
  const less = (own: string, pick: (c: { imported: Dec; domestic: Dec }) => Dec) =>
    settle(cny(own).minus(uses.reduce((s, u) => s.plus(pick(carriedShare(u))), new D(0))), uses.length);
  const imported = less(basis.importedCny, (c) => c.imported);
  const domestic = less(basis.domesticCny, (c) => c.domestic);
  if (imported.isNeg() || domestic.isNeg()) return null;
  return { imported, domestic, hainan: cny(basis.hainanMadeCny) };
}

export function downstreamValueAdded(
  input: { salePrice: string; basis: BookBasis; uses: readonly UpstreamUse[] },
  threshold: string,
): Result<ChainResult> {
  const own = ownMaterials(input.basis, input.uses);
  if (!own)
    return refuse(
      'upstream',
      'valueAdded.cumulativeExceedsBook',
      'The cited quantities carry more materials than the book holds for these goods: cite what went into them.',
    );
  const chain = chainValueAdded(
    {
      salePrice: input.salePrice,
      importedMaterials: [fen(own.imported)],
      domesticMaterials: [fen(own.domestic)],
      hainanMadeInputs: [fen(own.hainan)],
      upstream: input.uses,
    },
    threshold,
  );
  return chain.ok ? chain : { ok: false, violations: chain.violations };
}

/** The review band: [threshold, upper). A ratio in it passes only after an officer's review. */
export function inReviewBand(ratio: Dec, threshold: string, upper: string): boolean {
  return ratio.gte(threshold) && ratio.lt(upper);
}

/**
 * Whether an exit line waits for an officer's review before the goods may leave: its duty exemption
 * rests on a ratio in the review band. A line below the threshold pays duty anyway: nothing to wait for.
 */
export function exitReviewDue(line: { ratio: Dec; exempt: boolean }, threshold: string, upper: string): boolean {
  return line.exempt && inReviewBand(line.ratio, threshold, upper);
}

/**
 * What an inspection's correction does to a line's review, given whether the corrected ratio is due
 * for one (`exitReviewDue`): a rejection stands; into the band, a review is asked (again, closing the
 * pending one, when the ratio moved; an approval of the same ratio stands); out of the band, a pending
 * review is closed (`close` says why) and the line is decided on its ratio alone.
 */
export function correctionReviewStep(
  was: { review?: ReviewStatus | undefined; ratio?: string | undefined },
  now: { due: boolean; ratio: string },
): { keep: boolean; queue: boolean; close: string | null } {
  const moved = was.ratio !== now.ratio;
  if (was.review === 'REJECTED') return { keep: true, queue: false, close: null };
  if (now.due) {
    if ((was.review === 'PENDING' || was.review === 'APPROVED') && !moved)
      return { keep: true, queue: false, close: null };
    const close = was.review === 'PENDING' ? `the ratio moved from ${was.ratio} to ${now.ratio}; reviewed again` : null;
    return { keep: false, queue: true, close };
  }
  if (was.review === 'PENDING')
    return { keep: false, queue: false, close: `the ratio ${now.ratio} is out of the review band; no review needed` };
  return { keep: was.review === 'APPROVED', queue: false, close: null };
}

/**
 * An exit line's value added once its review is decided: approved, the exemption stands (and its
 * confirmation number is issued then); rejected, the ratio is not accepted and the line is taxed as
 * goods below the threshold: duty on the imported content, with VAT and consumption tax
 * (../shared/spec/mission.md §5).
 */
export function reviewedLine<V extends { meetsThreshold: boolean }>(
  va: V,
  decision: 'APPROVED' | 'REJECTED',
): V & { review: 'APPROVED' | 'REJECTED' } {
  return decision === 'APPROVED'
    ? { ...va, review: decision }
    : { ...va, meetsThreshold: false, confirmationNumber: null, review: decision };
}

/** CLOSED: the exit it held is gone (cancelled, amended, rejected, seized) or no longer needs it. */
export type ReviewStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'CLOSED';

/**
 * An officer's decision on a queued ratio: once, by a named officer who did not ask for the review
 * (four eyes), with a reason when rejecting.
 */
export function reviewDecisionViolations(
  review: { status: string; requestedBy: string; reason?: string | null },
  decision: { decision: 'APPROVE' | 'REJECT'; officer: string; reason?: string | undefined },
): { status: number; violation: Violation } | null {
  if (review.status !== 'PENDING')
    return {
      status: 409,
      violation: {
        path: 'decision',
        rule: 'valueAdded.reviewDecided',
        message:
          review.status === 'CLOSED'
            ? `The review was closed without a decision: ${review.reason ?? 'its exit no longer waits for it'}.`
            : `The review was already decided (${review.status}).`,
      },
    };
  if (decision.officer === review.requestedBy)
    return {
      status: 422,
      violation: {
        path: 'decision',
        rule: 'valueAdded.fourEyes',
        message: 'The officer who asked for the review cannot decide it: another officer decides.',
      },
    };
  if (decision.decision === 'REJECT' && !decision.reason?.trim())
    return {
      status: 400,
      violation: { path: 'reason', rule: 'valueAdded.reasonRequired', message: 'A rejection gives its reason.' },
    };
  return null;
}
