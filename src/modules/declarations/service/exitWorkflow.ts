/**
 * The exit workflow (二线出岛申报): the one place where the cross-module flow of an exit is written
 * down, as named steps. Declarations is the orchestrator of an exit: it asks the ledger (book, items,
 * reservation, cost basis), tax and tariff (rates and taxes), credit (batch-exit facility), risk (the
 * assessment) and the gate (release order or inspection task), each through its public service; none
 * of those modules calls another for an exit.
 *
 * | step | module | what |
 * | --- | --- | --- |
 * | identify | ledger, subjects | the book, the declarant, a repeated requestId answered |
 * | lockBookAndChains | ledger, audit | the book row, then every audit partition the exit appends to |
 * | reserveAndPrice | ledger, tax, tariff | form checks, reservation, cost basis, value added, taxes |
 * | record | declarations | the declaration row, SUBMITTED, inherited selections claimed |
 * | assess | risk (credit for a batch) | the risk decision, or the batch-exit facility |
 * | release / hold | declarations, gate | bill, release order, RELEASED; or inspection task, HELD |
 *
 * Everything the steps write that nothing later reads (audit entries, transitions, the bill, the
 * outbox events, the risk summary on the row) goes into the command's write batch and is written in
 * the command's last round trip (platform/writeBatch.ts). Reads that do not depend on each other
 * travel together. One transaction, idempotent by `requestId`, all-or-nothing.
 */
import { eq } from 'drizzle-orm';
import { uuidv7 } from '../../../kernel/ids.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { problems } from '../../../kernel/problem.ts';
import type { AppContext } from '../../../platform/context.ts';
import { eager, together, type Tx } from '../../../platform/db/client.ts';
import { runCommand } from '../../../platform/command.ts';
import type { Actor } from '../../../platform/auth/roles.ts';
import { lockAuditPartitions } from '../../../platform/audit/service.ts';
import type { WriteBatch } from '../../../platform/writeBatch.ts';
import { activeQualifications, findEnterpriseById } from '../../subjects/service.ts';
import { overdueBills } from '../../payments/service.ts';
import { creditMeasuresOf } from '../../credit/service.ts';
import { assessDeclaration, prefetchAssessment } from '../../risk/service.ts';
import { bookAuditKey, getBook, lockBooks, reserveGoods, type Reservation } from '../../ledger/service.ts';
import { inspectionTaskAuditKey, releaseOrderAuditKey } from '../../gate/service.ts';
import { periodOf } from '../rules.ts';
import { declarations } from '../schema.ts';
import type { ExitDeclarationBody } from '../wire.ts';
import { assertNoOpenInspection, inheritedReasons, inheritSelections } from './selection.ts';
import {
  createDeclaration,
  declarationView,
  lockDeclaration,
  partitionOf,
  recordSubmission,
  updateAtEnd,
  type DeclarationRow,
} from './store.ts';
import {
  acceptAndRelease,
  declarantOf,
  findByRequest,
  holdForInspection,
  prepare,
  requestHash,
  retireVersion,
  riskInput,
  riskSummary,
  sameRequest,
  type Prepared,
} from './submit.ts';

type Kind = 'SECOND_LINE_EXIT' | 'BATCH_EXIT';

/** What the steps share. */
interface Exit {
  tx: Tx;
  ctx: AppContext;
  batch: WriteBatch;
  actor: Actor;
  body: ExitDeclarationBody;
  kind: Kind;
  hash: string;
  id: string;
  now: Date;
  today: string;
  enterpriseId: string;
  uscc: string;
  book: Awaited<ReturnType<typeof getBook>>;
  enterprise: Awaited<ReturnType<typeof findEnterpriseById>>;
  releaseOrderId: string;
  taskId: string;
  reservationId: string;
  previous: DeclarationRow | null;
  /** The reservation this command made (reserveAndPrice). */
  reservation: Reservation | null;
  /** The book's row as locked by lockBookAndChains. */
  lockedBook: Awaited<ReturnType<typeof lockBooks>> extends Map<string, infer B> ? B | null : never;
}

/**
 * Files a second-line exit or a batch of a batch exit, in one transaction: form and book checks,
 * reservation of the quantities, value added and taxes, risk (single exits), then ACCEPTED →
 * RELEASED with a release order, or HELD with an inspection task. Idempotent by `requestId`.
 */
export async function submitExit(
  ctx: AppContext,
  actor: Actor,
  body: ExitDeclarationBody,
  kind: Kind = 'SECOND_LINE_EXIT',
  amend?: { previousId: string },
) {
  return runCommand(ctx, `declarations.${kind === 'BATCH_EXIT' ? 'batch' : 'exit'}`, async (tx, batch) => {
    const known = await identify(tx, ctx, batch, actor, body, kind, amend);
    if ('replay' in known) return known.replay;
    const x = known.exit;
    const replay = await lockBookAndChains(x);
    if (replay) return replay;
    // An amendment first releases the old version's goods, so the new version can reserve them again.
    if (x.previous) await retireVersion(tx, ctx, x.previous, x.uscc, actor, x.id, batch);
    const p = await reserveAndPrice(x);
    const recorded = await record(x, p);
    if (kind === 'BATCH_EXIT') return declarationView(await batchExit(x, recorded));
    return declarationView(await assessAndDecide(x, p, recorded));
  });
}

/** Step identify: the book, the declarant and its code, and a repeated `requestId` answered. */
async function identify(
  tx: Tx,
  ctx: AppContext,
  batch: WriteBatch,
  actor: Actor,
  body: ExitDeclarationBody,
  kind: Kind,
  amend: { previousId: string } | undefined,
): Promise<{ replay: ReturnType<typeof declarationView> } | { exit: Exit }> {
  const hash = requestHash({ kind, amend: amend?.previousId ?? null, body });
  // An enterprise's user declares for its own enterprise: the book, a repeated request and the
  // enterprise are read in one round trip. Anyone else declares for the book's enterprise.
  const own = actor.role === 'enterprise_user' ? declarantOf(actor, '') : null;
  const early = own
    ? together([getBook(tx, body.bookId), findByRequest(tx, own, body.requestId), findEnterpriseById(tx, own)] as const)
    : null;
  const book = early ? (await early)[0] : await getBook(tx, body.bookId);
  if (!book && actor.role !== 'enterprise_user')
    throw problems.field('bookId', 'declarations.bookUnknown', `No account book ${body.bookId}.`);
  const enterpriseId = own ?? declarantOf(actor, book?.enterpriseId ?? '');
  const [existing, enterprise] = early
    ? ([(await early)[1], (await early)[2]] as const)
    : await together([findByRequest(tx, enterpriseId, body.requestId), findEnterpriseById(tx, enterpriseId)] as const);
  if (existing) return { replay: sameRequest(existing, hash, body.requestId) };
  let previous: DeclarationRow | null = null;
  if (amend) {
    previous = await lockDeclaration(tx, amend.previousId);
    if (previous.enterpriseId !== enterpriseId) throw problems.notFound(`Declaration ${amend.previousId}`);
    if (previous.kind !== kind)
      throw problems.field(
        'kind',
        'declarations.amend.sameKind',
        'An amendment keeps the kind of the declaration it replaces.',
      );
    await assertNoOpenInspection(tx, previous, 'amended');
  }
  const now = ctx.clock.now();
  return {
    exit: {
      tx,
      ctx,
      batch,
      actor,
      body,
      kind,
      hash,
      id: uuidv7(now.getTime()),
      now,
      today: shanghaiDate(now),
      enterpriseId,
      uscc: enterprise?.uscc ?? '',
      book,
      enterprise,
      releaseOrderId: uuidv7(now.getTime()),
      taskId: uuidv7(now.getTime()),
      reservationId: uuidv7(now.getTime()),
      previous,
      lockedBook: null,
      reservation: null,
    },
  };
}

/**
 * Step lockBookAndChains. Lock order of a submission: the book row, then every audit partition this
 * command will append to (ascending), and only then risk's rows (the declarant's profile, the port's
 * capacity of the day). Otherwise two declarations holding the hot capacity row and a partition each,
 * reached in different orders, wait on each other in a circle until PostgreSQL kills one. The three
 * statements travel together and run in order: the requestId look-up runs after the lock is granted.
 */
async function lockBookAndChains(x: Exit) {
  if (!x.book) return null;
  const [locked, first] = await together([
    lockBooks(x.tx, [x.book.id]),
    // Identical submissions sent at once all found no declaration before and queued on the book's
    // lock; each one after the first finds the first one's declaration now (every statement reads
    // what committed before it) and answers with it instead of failing on the unique requestId.
    findByRequest(x.tx, x.enterpriseId, x.body.requestId),
    lockAuditPartitions(x.tx, [
      bookAuditKey(x.book.id),
      partitionOf(x.uscc),
      releaseOrderAuditKey(x.releaseOrderId),
      inspectionTaskAuditKey(x.taskId),
      ...(x.previous?.releaseOrderId ? [releaseOrderAuditKey(x.previous.releaseOrderId)] : []),
    ]),
  ] as const);
  x.lockedBook = locked.get(x.book.id) ?? null;
  return first ? sameRequest(first, x.hash, x.body.requestId) : null;
}

/**
 * Reads later steps make (pricing, risk, the payment hold), started beside the goods' read so they
 * share its round trip. Each owner memoises its read for the command (platform/commandMemo.ts), so
 * the step that needs it later finds it there; a failure surfaces there too, not here.
 */
function prefetchDeclarantFacts(x: Exit): void {
  const quiet = (p: Promise<unknown>) => void p.catch(() => {});
  quiet(activeQualifications(x.tx, x.enterpriseId, x.today));
  quiet(creditMeasuresOf(x.tx, { enterpriseId: x.enterpriseId }, x.today));
  if (x.kind !== 'SECOND_LINE_EXIT') return;
  quiet(overdueBills(x.tx, x.enterpriseId));
  prefetchAssessment(x.tx);
}

/** Step reserveAndPrice: the form against the book, the goods reserved, cost basis, value added, taxes. */
function reserveAndPrice(x: Exit): Promise<Prepared> {
  if (x.book && x.enterprise) prefetchDeclarantFacts(x);
  return prepare(x.tx, x.ctx, x, x.body, x.kind, async (goods) => {
    x.reservation = await reserveGoods(
      x.tx,
      x.ctx,
      {
        reservationId: x.reservationId,
        bookId: x.body.bookId,
        lines: x.body.lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity })),
        purpose: { documentType: x.kind, documentId: x.id },
        actor: x.actor,
      },
      x.batch,
      // The book locked by this command and the goods prepare read after the lock; the id is new.
      { newId: true, ...(x.lockedBook ? { known: { book: x.lockedBook, ...goods } } : {}) },
    );
  });
}

/** Step record: the declaration row (SUBMITTED) and the selections it inherits, claimed. */
async function record(x: Exit, p: Prepared) {
  const { previous } = x;
  const values = {
    id: x.id,
    enterpriseId: x.enterpriseId,
    kind: x.kind,
    requestId: x.body.requestId,
    requestHash: x.hash,
    version: previous ? previous.version + 1 : 1,
    rootId: previous ? previous.rootId : x.id,
    previousId: previous?.id ?? null,
    state: 'SUBMITTED',
    stateReason: previous ? `Amendment of version ${previous.version}.` : 'Submitted.',
    bookId: x.body.bookId,
    regime: p.regime,
    portCode: x.body.portCode,
    businessDate: x.today,
    period: x.kind === 'BATCH_EXIT' ? periodOf(x.today) : null,
    form: x.body,
    lines: p.lines,
    taxes: p.taxes,
    risk: null,
    reservationId: x.reservationId,
    createdBy: x.actor.name,
    createdAt: x.now,
    updatedAt: x.now,
  };
  // Written at the command's end in the state it reaches, with its transitions (createDeclaration).
  const d = createDeclaration(x.tx, x.batch, {
    ...values,
    releaseOrderId: null,
    inspectionTaskId: null,
    centralizedId: null,
  });
  // Goods whose earlier selection was never served are inspected now, whatever the new verdict.
  const inherited = await inheritSelections(x.tx, x.ctx, {
    id: x.id,
    enterpriseId: x.enterpriseId,
    itemIds: x.body.lines.map((l) => l.itemId),
  });
  await recordSubmission(
    x.tx,
    x.ctx,
    d,
    x.uscc,
    x.actor,
    d.stateReason,
    {
      reservationId: x.reservationId,
      lines: x.body.lines.length,
      valueAdded: p.valueAddedNotes,
      ...(previous ? { previousId: previous.id } : {}),
    },
    x.batch,
  );
  return { d, inherited, inheritedFrom: inherited.map((s) => s.declarationId) };
}

/** Steps assess and release/hold of a batch exit: no risk per batch; released on the credit class. */
async function batchExit(x: Exit, r: Awaited<ReturnType<typeof record>>) {
  const at = { row: r.d, uscc: x.uscc, actor: x.actor, taskId: x.taskId };
  if (r.inherited.length)
    return holdForInspection(
      x.tx,
      x.ctx,
      at,
      inheritedReasons(r.inherited),
      'declarations.selectionInherited',
      { inheritedFrom: r.inheritedFrom },
      x.batch,
    );
  const measures = await creditMeasuresOf(x.tx, { enterpriseId: x.enterpriseId }, x.today);
  const text =
    `Batch exit by a ${measures.class} enterprise: released on its release list, declared with the month ` +
    `${periodOf(x.today)} by the centralized declaration.`;
  return acceptAndRelease(
    x.tx,
    x.ctx,
    r.d,
    x.uscc,
    x.actor,
    { text, rule: 'declarations.batch.accepted' },
    x.releaseOrderId,
    x.batch,
    x.reservation ? { reservations: [x.reservation] } : undefined,
  );
}

/** Step assess (risk), then release (bill, release order) or hold (inspection task). */
async function assessAndDecide(x: Exit, p: Prepared, r: Awaited<ReturnType<typeof record>>) {
  const decision = await assessDeclaration(
    x.tx,
    x.ctx,
    riskInput(
      {
        id: x.id,
        kind: 'SECOND_LINE_EXIT',
        enterpriseId: x.enterpriseId,
        uscc: x.uscc,
        portCode: x.body.portCode,
        transportMode: x.body.transport.mode,
        consignee: x.body.consignee.name,
        regime: p.regime,
      },
      p.lines,
    ),
    // The declaration was created by this command: no decision can be stored for it yet.
    { batch: x.batch, newDeclarations: true },
  );
  const risk = riskSummary(decision);
  // Nothing reads the summary back in this command: it is written with the batch, at the end.
  updateAtEnd(x.tx, x.batch, x.id, { risk });
  const d = { ...r.d, risk };
  const selected = decision.selected || decision.action === 'INSPECT';
  if (selected || r.inherited.length) {
    const reasons = [
      ...inheritedReasons(r.inherited),
      ...(selected ? decision.reasons.map((c) => ({ code: c, detail: `Risk ${decision.level}: ${c}` })) : []),
    ];
    const rule = r.inherited.length ? 'declarations.selectionInherited' : 'declarations.heldForInspection';
    return holdForInspection(
      x.tx,
      x.ctx,
      { row: d, uscc: x.uscc, actor: x.actor, taskId: x.taskId },
      reasons,
      rule,
      { risk, ...(r.inherited.length ? { inheritedFrom: r.inheritedFrom } : {}) },
      x.batch,
    );
  }
  return acceptAndRelease(
    x.tx,
    x.ctx,
    d,
    x.uscc,
    x.actor,
    { text: 'Accepted.', rule: 'declarations.acceptedByRisk' },
    x.releaseOrderId,
    x.batch,
    x.reservation ? { reservations: [x.reservation] } : undefined,
  );
}
