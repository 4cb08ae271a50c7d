import { and, eq } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { uuidv7 } from '../../../kernel/ids.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { canonicalJson } from '../../../kernel/canonicalJson.ts';
import { problems } from '../../../kernel/problem.ts';
import type { AppContext } from '../../../platform/context.ts';
import { together, type Executor, type Tx } from '../../../platform/db/client.ts';
import type { WriteBatch } from '../../../platform/writeBatch.ts';
import type { Actor } from '../../../platform/auth/roles.ts';
import { getParameter } from '../../../platform/parameters/service.ts';
import { activeQualifications, type findEnterpriseById } from '../../subjects/service.ts';
import { creditMeasuresOf } from '../../credit/service.ts';
import { mustSettleBeforeRelease } from '../../payments/service.ts';
import { loadTaxParameters } from '../../tax/service.ts';
import { withTariffRates, type TariffUse } from '../../tariff/service.ts';
import { D, parseValueAddedNumber, ratioString } from '../../tax/rules.ts';
import type { RiskDecision } from '../../risk/service.ts';
import { costBasisFrom, type getBook, goodsOfLines, itemView, voidReservation } from '../../ledger/service.ts';
import type { Reservation } from '../../ledger/service.ts';

type Goods = Awaited<ReturnType<typeof goodsOfLines>>;
import { cancelReleaseOrdersFor, issueReleaseOrder, openInspectionTask } from '../../gate/service.ts';
import { billFigures, dutyRateViolations, exitTaxes, formViolations, unitCode } from '../rules.ts';
import { valueAddedDecision } from '../rules.ts';
import type { ExitTaxLine, Regime } from '../rules.ts';
import { declarations, batchFacilities } from '../schema.ts';
import type { ExitDeclarationBody } from '../wire.ts';
import { issueBill } from './bills.ts';
import { declarationView, partitionOf, transition } from './store.ts';
import type { DeclarationRow } from './store.ts';
import { newConfirmationNumber } from './valueAdded.ts';
import {
  checkCitedNumbers,
  closeExitReviews,
  queueExitReview,
  returnCitedNumbers,
  writeOffCitedNumbers,
} from '../../valueadded/service.ts';
import { exitReviewDue } from '../../valueadded/rules.ts';

export const requestHash = (body: unknown) => createHash('sha256').update(canonicalJson(body)).digest('hex');

/** The enterprise the actor declares for: an enterprise user its own; the system (demo, bench) the book's. */
export function declarantOf(actor: Actor, bookEnterpriseId: string): string {
  if (actor.role === 'enterprise_user') {
    if (!actor.enterpriseId) throw problems.forbidden('This login is not bound to an enterprise.');
    return actor.enterpriseId;
  }
  if (actor.role === 'system') return bookEnterpriseId;
  throw problems.forbidden('Only the declaring enterprise files a declaration.');
}

export interface PreparedLine extends ExitTaxLine {
  itemId: string;
  itemNo: string;
  name: string;
  unit: string;
  originCountry: string;
  netWeightKg: string;
  firstEntryDate: string | null;
  /** The tariff-table version and duty a line without its own rates was taxed at. */
  tariff?: TariffUse;
}

export interface Prepared {
  enterprise: NonNullable<Awaited<ReturnType<typeof findEnterpriseById>>>;
  regime: Regime;
  lines: PreparedLine[];
  taxes: ReturnType<typeof billFigures> | null;
  valueAddedNotes: unknown[];
}

type Book = NonNullable<Awaited<ReturnType<typeof getBook>>>;
type Enterprise = Awaited<ReturnType<typeof findEnterpriseById>>;

/**
 * Checks the form against the book (read by the caller, with the declarant) and its items, has the
 * book reserve the goods, asks it for the cost basis and decides the value added and taxes. The
 * reads after the reservation (tax parameters, qualifications, tariff lines, cost bases) travel
 * together, and their refusals come in the order they were always checked.
 */
export async function prepare(
  tx: Tx,
  ctx: AppContext,
  known: {
    book: Book | null;
    enterpriseId: string;
    enterprise: Enterprise;
    /** The declaration being filed, its declarant's code and who files: the cited numbers are written off to it. */
    id: string;
    uscc: string;
    actor: Actor;
  },
  body: ExitDeclarationBody,
  kind: 'SECOND_LINE_EXIT' | 'BATCH_EXIT',
  reserve: (goods: Goods) => Promise<unknown>,
): Promise<Prepared> {
  const { book, enterpriseId, enterprise } = known;
  if (!book) throw problems.field('bookId', 'declarations.bookUnknown', `No account book ${body.bookId}.`);
  if (!enterprise)
    throw problems.field('bookId', 'declarations.enterpriseUnknown', 'The declaring enterprise is not registered.');
  // The lines' items and stock accounts in one round trip, after the book's lock (the caller's): the
  // form checks, the reservation and the cost basis all work from this one reading.
  const goods = await goodsOfLines(
    tx,
    body.lines.map((l) => l.itemId),
  );
  const items = body.lines.map((l) => {
    const row = goods.items.get(l.itemId);
    return row ? itemView(row) : null;
  });
  const v = formViolations(body.lines, {
    regime: book.regime,
    bookStatus: book.status,
    bookEnterpriseId: book.enterpriseId,
    declarantEnterpriseId: enterpriseId,
    destination: body.destination.region,
    bookId: book.id,
    itemBookOf: (itemId) => items.find((i) => i?.id === itemId)?.bookId ?? null,
    expectedGrossWeightKg: body.transport.expectedGrossWeightKg,
  });
  if (v.length) throw problems.validation(v);
  const today = shanghaiDate(ctx.clock.now());
  if (kind === 'BATCH_EXIT') await assertBatchAllowed(tx, enterpriseId, today);
  // The book refuses a shortfall here, naming the line, before the cost basis is asked for.
  await reserve(goods);
  const [params, active, table] = await together([
    loadTaxParameters(tx, today),
    activeQualifications(tx, enterpriseId, today),
    tableRates(
      tx,
      body,
      items.map((it) => it!),
      today,
    ),
  ] as const);
  // By the form's item and quantity (what the table keeps of them), from the accounts read above: a
  // reservation moves only the reserved quantity, never on-hand stock or its cost.
  const bases = body.lines.map((l) =>
    costBasisFrom(goods.accounts.get(l.itemId), { bookId: book.id, itemId: l.itemId, quantity: String(l.quantity) }),
  );
  const qualifications = active.map((q) => q.kind);
  // The review band's upper bound: an exemption resting on a ratio in the band waits for an officer.
  const bandUpper =
    book.regime === 'PROCESSING_VALUE_ADDED'
      ? await getParameter<string>(tx, 'valueAdded.reviewBandUpper', today)
      : null;
  const notes: unknown[] = [];
  const lines: PreparedLine[] = [];
  for (const [i, form] of body.lines.entries()) {
    const item = items[i]!;
    const l = table.lines[i]!;
    const basis = bases[i]!;
    const line: PreparedLine = {
      itemId: l.itemId,
      itemNo: item.itemNo,
      name: item.name,
      unit: item.unit,
      originCountry: item.originCountry,
      hsCode: item.hsCode,
      regime: book.regime,
      quantity: l.quantity,
      valueCny: l.valueCny,
      netWeightKg: l.netWeightKg,
      dutyRate: l.dutyRate,
      vatRate: l.vatRate,
      ...(l.consumptionTaxRate ? { consumptionTaxRate: l.consumptionTaxRate } : {}),
      ...(l.specificDutyPerUnit ? { specificDutyPerUnit: l.specificDutyPerUnit } : {}),
      ...(l.specificConsumptionTaxPerUnit ? { specificConsumptionTaxPerUnit: l.specificConsumptionTaxPerUnit } : {}),
      domesticVatPaid: l.domesticVatPaid,
      costBasis: { importedCny: basis.importedCny, domesticCny: basis.domesticCny, hainanMadeCny: basis.hainanMadeCny },
      firstEntryDate: basis.firstEntryDate,
      ...(table.uses[i] ? { tariff: table.uses[i]! } : {}),
    };
    if (book.regime === 'PROCESSING_VALUE_ADDED') {
      (form.upstream ?? []).forEach((u, j) => {
        const parsed = parseValueAddedNumber(u.cumulativeNumber, 'CUMULATIVE');
        if (!parsed.ok)
          throw problems.field(`lines[${i}].upstream[${j}].cumulativeNumber`, parsed.rule, parsed.message);
      });
      // A cited number is one the platform issued to this enterprise, with the figures it was issued with,
      // and not more of it than is left.
      const cited = form.upstream ?? [];
      const path = (j: number) => `lines[${i}].upstream[${j}]`;
      const issued = await checkCitedNumbers(tx, enterpriseId, cited, path);
      // Kept on the line with the issued figures: an inspection's correction decides the value added again.
      line.upstream = issued.map((n, j) => ({
        cumulativeNumber: n.number,
        salePrice: n.salePrice,
        quantity: n.quantity,
        importedMaterials: n.importedCny,
        domesticMaterials: n.domesticCny,
        hainanMadeInputs: n.hainanMadeCny,
        quantityUsed: cited[j]!.quantityUsed,
      }));
      const processingQualification = qualifications.includes('PROCESSING_VALUE_ADDED');
      const va = valueAddedDecision(line, { threshold: params.valueAddedThreshold, processingQualification });
      if (!va.ok) throw problems.validation(va.violations.map((x) => ({ ...x, path: `lines[${i}].${x.path}` })));
      const { chain, exempt, conditions } = va.value;
      // Written off like a book, once per use: concurrent citations never take a number below zero.
      const partitionKey = partitionOf(known.uscc);
      const uses = { declarationId: known.id, lineIndex: i, uses: cited, partitionKey };
      await writeOffCitedNumbers(tx, ctx, known.actor, uses, path);
      // A batch too: its goods leave on its release list, so an exemption in the band waits before they do.
      const review = exitReviewDue({ ratio: chain.result.ratio, exempt }, params.valueAddedThreshold, bandUpper!.value);
      // A batch is declared, and its confirmation number issued, with the month's centralized declaration;
      // an exemption under review gets its number when approved.
      const confirmationNumber =
        exempt && kind === 'SECOND_LINE_EXIT' && !review ? await newConfirmationNumber(tx, today) : null;
      const ratio = ratioString(chain.result.ratio);
      const decided = { formula: chain.result.formula, cumulationApplied: chain.cumulationApplied, conditions };
      const parameterVersions = {
        ...params.versionsOf('valueAddedThreshold'),
        ...(review ? { 'valueAdded.reviewBandUpper': bandUpper!.version } : {}),
      };
      // The officer's review queue holds the line; the declaration waits for it (acceptAndRelease).
      const queued = review
        ? await queueExitReview(tx, ctx, known.actor, {
            declarationId: known.id,
            lineIndex: i,
            enterpriseId,
            bookId: book.id,
            itemId: line.itemId,
            ratio,
            threshold: params.valueAddedThreshold,
            bandUpper: bandUpper!.value,
            figures: {
              salePrice: line.valueCny,
              quantity: line.quantity,
              basis: line.costBasis,
              upstream: line.upstream,
              ownRatio: ratioString(chain.own.ratio),
              chainRatio: chain.chain ? ratioString(chain.chain.ratio) : null,
              cumulationApplied: chain.cumulationApplied,
              formula: chain.result.formula,
              parameterVersions,
            },
            partitionKey,
          })
        : null;
      line.valueAdded = {
        ratio,
        meetsThreshold: exempt,
        threshold: params.valueAddedThreshold,
        confirmationNumber,
        ...(queued ? { review: 'PENDING' as const, reviewId: queued.id } : {}),
      };
      notes.push({ line: i, ...decided, confirmationNumber, parameterVersions, ...(review ? { review } : {}) });
    }
    lines.push(line);
  }
  // Goods that owe duty carry its rate: a 0 is refused, not assumed (the tariff table will decide rates).
  const unrated = dutyRateViolations(lines);
  if (unrated.length) throw problems.validation(unrated);
  let taxes: Prepared['taxes'] = null;
  // A batch is taxed once, on the month's centralized declaration.
  if (kind === 'SECOND_LINE_EXIT') {
    const computed = exitTaxes(book.regime, lines, params.tax);
    if (!computed.ok) throw problems.validation(computed.violations);
    taxes = billFigures(
      computed.value,
      lines.map(ratesOf),
      lines.map((l) => l.hsCode),
    );
    const versions = { ...params.versionsOf('valueAddedThreshold'), ...table.parameterVersions };
    taxes.parameterVersions = { ...taxes.parameterVersions, ...versions };
  }
  return { enterprise, regime: book.regime, lines, taxes, valueAddedNotes: notes };
}

type Item = ReturnType<typeof itemView>;

/**
 * Lines without their rates take them from the tariff table by the item's code and origin on the
 * declaration date; refused, naming the line, only when the table has none either. A specific
 * duty or tax from the table is charged per its unit, so the item's unit must be that one.
 */
async function tableRates(tx: Tx, body: ExitDeclarationBody, items: readonly Item[], today: string) {
  const asked = body.lines.map((l, i) => ({ ...l, hsCode: items[i]!.hsCode, originCountry: items[i]!.originCountry }));
  const table = await withTariffRates(tx, asked, today, (i) => `lines[${i}].dutyRate`);
  const wrongUnit = table.uses.flatMap((u, i) => {
    const l = table.lines[i]!;
    const perUnit = [l.specificDutyPerUnit, l.specificConsumptionTaxPerUnit].some((x) => x && new D(x).gt(0));
    if (!u || !perUnit || unitCode(u.unit) === unitCode(items[i]!.unit)) return [];
    const message =
      `Tariff line ${u.code} charges per ${u.unit}; the item is kept in ${items[i]!.unit}. ` +
      "Give the rates or correct the item's unit.";
    return [{ path: `lines[${i}].quantity`, rule: 'tariff.unitMismatch', message }];
  });
  if (wrongUnit.length) throw problems.validation(wrongUnit);
  return table;
}

export const ratesOf = (l: ExitTaxLine) => ({
  dutyRate: l.dutyRate,
  vatRate: l.vatRate,
  ...(l.consumptionTaxRate ? { consumptionTaxRate: l.consumptionTaxRate } : {}),
  ...(l.specificDutyPerUnit ? { specificDutyPerUnit: l.specificDutyPerUnit } : {}),
});

/** Batch exit is a facility of ADVANCED_CERTIFIED and WHITELIST enterprises, withdrawn while suspended. */
export async function assertBatchAllowed(tx: Tx, enterpriseId: string, today: string) {
  const measures = await creditMeasuresOf(tx, { enterpriseId }, today);
  if (!measures.batchExitAllowed)
    throw problems.rule(
      'batch-exit-not-allowed',
      'Batch exit not allowed',
      `Batch exit with centralized declaration is for ADVANCED_CERTIFIED and WHITELIST enterprises; this ` +
        `enterprise is ${measures.class}.`,
      [
        {
          path: 'bookId',
          rule: 'declarations.batch.creditClass',
          message: `Credit class ${measures.class} may not use batch exit.`,
        },
      ],
    );
  const [facility] = await tx.select().from(batchFacilities).where(eq(batchFacilities.enterpriseId, enterpriseId));
  if (facility?.status === 'SUSPENDED')
    throw problems.rule(
      'batch-exit-suspended',
      'Batch exit suspended',
      `The batch-exit facility is suspended: ${facility.reason}. An officer lifts it once the centralized ` +
        `declaration is filed.`,
      [{ path: 'bookId', rule: 'declarations.batch.suspended', message: facility.reason }],
    );
}

/** One risk line per item (a centralized declaration gathers many batches of the same goods). */
function byItem(lines: readonly PreparedLine[]): PreparedLine[] {
  const out = new Map<string, PreparedLine>();
  for (const l of lines) {
    const seen = out.get(l.itemId);
    if (!seen) out.set(l.itemId, { ...l });
    else {
      const add = (a: string, b: string) => new D(a).plus(b).toString();
      out.set(l.itemId, {
        ...seen,
        quantity: add(seen.quantity, l.quantity),
        valueCny: add(seen.valueCny, l.valueCny),
        netWeightKg: add(seen.netWeightKg, l.netWeightKg),
        firstEntryDate: [seen.firstEntryDate, l.firstEntryDate].filter(Boolean).sort()[0] ?? null,
      });
    }
  }
  return [...out.values()];
}

export function riskInput(
  d: {
    id: string;
    kind: 'SECOND_LINE_EXIT' | 'CENTRALIZED_DECLARATION';
    enterpriseId: string;
    uscc: string;
    portCode: string;
    transportMode?: string;
    consignee?: string;
    regime: Regime;
  },
  lines: readonly PreparedLine[],
) {
  return {
    declarationId: d.id,
    kind: d.kind,
    enterpriseId: d.enterpriseId,
    uscc: d.uscc,
    port: d.portCode,
    ...(d.transportMode ? { transportMode: d.transportMode as 'ROAD' } : {}),
    route: { destination: 'CN-MAINLAND' },
    ...(d.consignee ? { parties: { buyer: d.consignee } } : {}),
    lines: byItem(lines).map((l) => ({
      hsCode: l.hsCode,
      description: l.name,
      quantity: l.quantity,
      unit: unitCode(l.unit),
      netWeightKg: l.netWeightKg,
      valueCny: l.valueCny,
      originCountry: l.originCountry,
      ...(l.valueAdded ? { valueAddedRatio: l.valueAdded.ratio } : {}),
      ...(l.firstEntryDate ? { bookEntryDate: l.firstEntryDate } : {}),
      regime: l.regime ?? d.regime,
      dutyRate: l.dutyRate,
      vatRate: l.vatRate,
      ...(l.consumptionTaxRate ? { consumptionTaxRate: l.consumptionTaxRate } : {}),
    })),
  };
}

export function riskSummary(r: RiskDecision) {
  return {
    level: r.level,
    score: r.score,
    action: r.action,
    selected: r.selected,
    reasons: r.reasons,
    featureSetVersion: r.versions.featureSet,
    versions: r.versions,
    model: r.model ? { version: r.model.version } : null,
    decidedBy: 'risk.assessDeclaration',
  };
}

export async function findByRequest(ex: Executor, enterpriseId: string, requestId: string) {
  const [row] = await ex
    .select()
    .from(declarations)
    .where(and(eq(declarations.enterpriseId, enterpriseId), eq(declarations.requestId, requestId)));
  return row ?? null;
}

/** The answer to a repeated `requestId`: the first declaration, or a 409 when the form differs. */
export function sameRequest(existing: DeclarationRow, hash: string, requestId: string) {
  if (existing.requestHash !== hash)
    throw problems.conflict(`requestId ${requestId} was already used for another declaration.`, {
      rule: 'declarations.idempotencyConflict',
    });
  return declarationView(existing);
}

/** Validity of a release order issued at acceptance (hours), parameter declarations.releaseOrderValidityHours. */
async function releaseValidityHours(ex: Executor, today: string): Promise<number> {
  try {
    return Number((await getParameter<number>(ex, 'declarations.releaseOrderValidityHours', today)).value);
  } catch {
    return 72;
  }
}

/** Accepted: the tax bill (single exits) and the release order for the gate; the declaration is RELEASED. */
export async function acceptAndRelease(
  tx: Tx,
  ctx: AppContext,
  row: DeclarationRow,
  uscc: string,
  actor: Actor,
  reason: { text: string; rule: string },
  orderId?: string,
  batch?: WriteBatch,
  fresh?: FreshRelease,
) {
  // An exemption resting on a ratio in the review band: accepted, but no bill and no release order
  // until an officer decides (the value-added module's queue); then `afterValueAddedReview` goes on.
  const pending = pendingReviewLines(row);
  if (pending.length) {
    const which = pending.map((i) => i + 1).join(', ');
    // A batch has no bill of its own: it is taxed with the month's centralized declaration.
    const then =
      row.kind === 'BATCH_EXIT'
        ? "the release list follows the decision, the taxes the month's centralized declaration"
        : 'the tax bill follows the decision';
    const text =
      `${reason.text} Release waits for customs' review of the value-added ratio (加工增值复核) of line ` +
      `${which}; ${then}.`;
    const to = { to: 'ACCEPTED' as const, reason: text, rule: 'declarations.valueAddedReviewPending' };
    return transition(tx, ctx, row, uscc, actor, { ...to, change: { reviewLines: pending } }, batch);
  }
  const hold = await settleFirst(tx, ctx, row);
  const text = hold?.required
    ? `${reason.text} Release waits for the payment or a guarantee of the tax bill: ${hold.reason}.`
    : reason.text;
  const d = await transition(tx, ctx, row, uscc, actor, { to: 'ACCEPTED', reason: text, rule: reason.rule }, batch);
  return billAndRelease(tx, ctx, d, uscc, actor, { hold, orderId, fresh }, batch);
}

/** An exit released by the command that filed it: its reservation as made (issueReleaseOrder's `fresh`). */
export type FreshRelease = { reservations: readonly Reservation[] };

/** The lines of an exit (single or batch) whose duty exemption waits for an officer's review (indexes). */
export function pendingReviewLines(row: Pick<DeclarationRow, 'kind' | 'lines'>): number[] {
  if (row.kind !== 'SECOND_LINE_EXIT' && row.kind !== 'BATCH_EXIT') return [];
  return ((row.lines ?? []) as ExitTaxLine[]).flatMap((l, i) => (l.valueAdded?.review === 'PENDING' ? [i] : []));
}

/** Whether the exit's bill must be paid or guaranteed before release (先税后放), and why. */
export async function settleFirst(tx: Tx, ctx: AppContext, row: DeclarationRow) {
  const owed = row.kind === 'SECOND_LINE_EXIT' && row.taxes ? (row.taxes as { total: string }).total : null;
  return owed
    ? await mustSettleBeforeRelease(tx, {
        enterpriseId: row.enterpriseId,
        total: owed,
        day: shanghaiDate(ctx.clock.now()),
      })
    : null;
}

/**
 * An accepted declaration's tax bill (single exits, centralized declarations), then its release order
 * unless the bill must be paid or guaranteed first. Also where an exit goes on once its value-added
 * review is decided.
 */
export async function billAndRelease(
  tx: Tx,
  ctx: AppContext,
  d: DeclarationRow,
  uscc: string,
  actor: Actor,
  o: { hold: Awaited<ReturnType<typeof settleFirst>>; orderId?: string | undefined; fresh?: FreshRelease | undefined },
  batch?: WriteBatch,
) {
  const { hold, orderId } = o;
  if (d.kind === 'SECOND_LINE_EXIT' && d.taxes) {
    const t = d.taxes as ReturnType<typeof billFigures>;
    await issueBill(
      tx,
      ctx,
      d,
      uscc,
      actor,
      {
        kind: 'ORIGINAL',
        cause: 'Accepted second-line exit declaration',
        amounts: { duty: t.duty, consumptionTax: t.consumptionTax, vat: t.vat, total: t.total },
        figures: t,
      },
      batch,
    );
  }
  if (d.kind === 'CENTRALIZED_DECLARATION') {
    const t = d.taxes as ReturnType<typeof billFigures>;
    await issueBill(tx, ctx, d, uscc, actor, {
      kind: 'ORIGINAL',
      cause: `Centralized declaration of the batch exits of ${d.period}`,
      amounts: { duty: t.duty, consumptionTax: t.consumptionTax, vat: t.vat, total: t.total },
      figures: t,
    });
    return d;
  }
  if (hold?.required) return d;
  return releaseAccepted(tx, ctx, d, uscc, actor, orderId, batch, o.fresh);
}

/** An accepted exit's release order for the gate; the declaration becomes RELEASED. */
export async function releaseAccepted(
  tx: Tx,
  ctx: AppContext,
  accepted: DeclarationRow,
  uscc: string,
  actor: Actor,
  orderId?: string,
  batch?: WriteBatch,
  fresh?: FreshRelease,
) {
  let d = accepted;
  const form = d.form as ExitDeclarationBody;
  const now = ctx.clock.now();
  const hours = await releaseValidityHours(tx, shanghaiDate(now));
  const order = await issueReleaseOrder(
    tx,
    ctx,
    {
      releaseOrderId: orderId ?? uuidv7(now.getTime()),
      enterpriseId: d.enterpriseId,
      documentType: d.kind as 'SECOND_LINE_EXIT' | 'BATCH_EXIT',
      documentId: d.id,
      portCode: d.portCode,
      plate: form.transport.plate,
      containers: form.transport.containers,
      seals: form.transport.seals,
      expectedGrossWeightKg: form.transport.expectedGrossWeightKg,
      validFrom: now,
      validTo: new Date(now.getTime() + hours * 3600_000),
      reservationIds: d.reservationId ? [d.reservationId] : [],
      actor,
    },
    { batch, ...(fresh && orderId ? { fresh } : {}) },
  );
  const releaseOrderId =
    (order as { id?: string; releaseOrderId?: string }).releaseOrderId ?? (order as { id: string }).id;
  d = await transition(
    tx,
    ctx,
    d,
    uscc,
    actor,
    {
      to: 'RELEASED',
      reason: `Release order ${releaseOrderId} issued to the gate at ${d.portCode} for ${form.transport.plate}.`,
      rule: 'declarations.releaseOrderIssued',
      set: { releaseOrderId },
      change: { releaseOrderId },
    },
    batch,
  );
  return d;
}

/** Retires a version being amended or cancelled: voids its reservation and cancels its release orders. */
export async function retireVersion(
  tx: Tx,
  ctx: AppContext,
  row: DeclarationRow,
  uscc: string,
  actor: Actor,
  newId: string | null,
  batch: WriteBatch,
  reason?: string,
) {
  if (row.kind === 'CENTRALIZED_DECLARATION')
    throw problems.conflict('A centralized declaration is not amended or cancelled here; its taxes are billed.', {
      rule: 'declarations.centralized.final',
    });
  const to = newId ? 'AMENDED' : 'CANCELLED';
  const text = newId ? `Replaced by version ${row.version + 1} (${newId}).` : (reason ?? 'Cancelled.');
  await cancelReleaseOrdersFor(
    tx,
    ctx,
    {
      documentType: row.kind as 'SECOND_LINE_EXIT' | 'BATCH_EXIT',
      documentId: row.id,
      reason: text,
      actor,
    },
    batch,
  );
  if (row.reservationId)
    await voidReservation(tx, ctx, { reservationId: row.reservationId, reason: text, actor }, batch);
  // What its lines wrote off of cumulative numbers is given back (an amendment's version writes off again).
  const returnedNumbers = await returnCitedNumbers(tx, ctx, actor, {
    declarationId: row.id,
    reason: text,
    partitionKey: partitionOf(uscc),
  });
  // Its value-added reviews still pending leave the officers' queue (an amendment's version queues its own).
  const closedReviews = await closeExitReviews(tx, ctx, actor, {
    declarationId: row.id,
    reason: `Declaration ${newId ? 'amended' : 'cancelled'}: ${text}`,
    partitionKey: partitionOf(uscc),
  });
  const change = {
    ...(newId ? { newId } : {}),
    ...(returnedNumbers ? { returnedNumbers } : {}),
    ...(closedReviews.length ? { closedReviews } : {}),
  };
  return transition(tx, ctx, row, uscc, actor, {
    to,
    reason: text,
    rule: newId ? 'declarations.amended' : 'declarations.cancelled',
    ...(Object.keys(change).length ? { change } : {}),
  });
}

/**
 * Opens the inspection task of a declaration selected at filing and holds it (HELD); the reasons and
 * the verdict go to officers only.
 */
export async function holdForInspection(
  tx: Tx,
  ctx: AppContext,
  at: { row: DeclarationRow; uscc: string; actor: Actor; taskId: string },
  reasons: { code: string; detail: string }[],
  rule: string,
  change: Record<string, unknown>,
  batch?: WriteBatch,
) {
  const { row, uscc, actor } = at;
  const task = await openInspectionTask(tx, ctx, {
    taskId: at.taskId,
    source: 'RISK_SELECTION',
    documentType: row.kind,
    documentId: row.id,
    portCode: row.portCode,
    reasons,
    actor,
  });
  return transition(
    tx,
    ctx,
    row,
    uscc,
    actor,
    {
      to: 'HELD',
      reason: `Held for inspection: inspection task ${task.taskId}.`,
      rule,
      set: { inspectionTaskId: task.taskId },
      change: { taskId: task.taskId, ...change },
    },
    batch,
  );
}
