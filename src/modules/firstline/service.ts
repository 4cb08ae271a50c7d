/**
 * The first-line module's public service (一线进出境申报). One command per use case, one transaction
 * each: file a declaration (screened against the prohibited and restricted list, licences written off,
 * rated from the tariff table with the origin's certificate, taxed, risk-scored, then held or released
 * — the book posted or the direct release registered, the bill issued), an officer's decision on a
 * held one, and the reads.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import type { AppContext } from '../../platform/context.ts';
import { eager, together, type Tx } from '../../platform/db/client.ts';
import { tableRows } from '../../platform/db/rows.ts';
import { runCommand } from '../../platform/command.ts';
import { appendAudit } from '../../platform/audit/service.ts';
import { enqueueEvents } from '../../platform/outbox/service.ts';
import { typedEvent } from '../../platform/outbox/contract.ts';
import type { WriteBatch } from '../../platform/writeBatch.ts';
import { actorLabel, seesRiskVerdicts, type Actor } from '../../platform/auth/roles.ts';
import { enterpriseFilter } from '../../platform/auth/scope.ts';
import { canonicalJson } from '../../kernel/canonicalJson.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { problems, type FieldError } from '../../kernel/problem.ts';
import {
  activeQualifications,
  findEnterpriseById,
  listEnterpriseScope,
  scopeViolation,
  zeroTariffScope,
} from '../subjects/service.ts';
import {
  cataloguePrefixes,
  cataloguePrefixesForItems,
  fileDocumentTx,
  getBook,
  loadItems,
  registerDirectRelease,
} from '../ledger/service.ts';
import { assessDeclaration, type RiskDecision } from '../risk/service.ts';
import { loadTaxParameters } from '../tax/service.ts';
import { computeRoute, fen, type RouteLine } from '../tax/rules.ts';
import { restrictedListOn, returnLicenceUseTx, screenAgainst, useLicenceTx } from '../licence/service.ts';
import { ratesWithOrigin } from '../origin/service.ts';
import {
  billNumber,
  formViolations,
  neutralReason,
  riskRegime,
  screeningViolations,
  stateAfterRisk,
  taxedCatalogueViolations,
  unitCode,
  type Direction,
  type LineKind,
  type RuleViolation,
  type State,
} from './rules.ts';
import { firstLineBills, firstLineDeclarations } from './schema.ts';
import type { FirstLineBody, FirstLineRisk, ListQuery } from './wire.ts';
import { FIRST_LINE_EVENTS } from './events.ts';

type Row = typeof firstLineDeclarations.$inferSelect;
type BillRow = typeof firstLineBills.$inferSelect;

/** A line as judged: what the book, the list, the tariff table and the certificate made of it. */
export interface JudgedLine {
  index: number;
  kind: LineKind;
  itemId: string | null;
  hsCode: string;
  description: string;
  quantity: string;
  unit: string;
  netWeightKg: string;
  valueCny: string;
  originCountry: string;
  regime: string;
  licence: { number: string; useId: string; type: string | null } | null;
  tariff: {
    version: number;
    kind: string;
    agreement: string | null;
    rule: string;
    dutyRate: string;
    specificDutyPerUnit: string | null;
    consumptionTaxRate: string | null;
    vatRate: string;
    certificate: { agreement: string; number: string } | null;
  } | null;
}

const refuse = (errors: RuleViolation[], title = 'First-line declaration refused') =>
  problems.rule(
    errors[0]!.rule.replace(/\./g, '-').toLowerCase(),
    title,
    errors.map((e) => `${e.path}: ${e.message}`).join(' '),
    errors as FieldError[],
  );

function declarantOf(actor: Actor): string {
  if (actor.role !== 'enterprise_user' || !actor.enterpriseId) {
    throw problems.forbidden('A first-line declaration is filed by the declaring enterprise.');
  }
  return actor.enterpriseId;
}

const hash = (v: unknown) => createHash('sha256').update(canonicalJson(v)).digest('hex');

/** The risk verdict as officers read it; never part of what a trader is shown. */
function riskSummary(d: RiskDecision): FirstLineRisk {
  return {
    level: d.level,
    score: d.score,
    action: d.action,
    selected: d.selected,
    reasons: d.reasons,
    features: d.features.map((f) => ({ code: f.code, contribution: f.contribution })),
  };
}

interface TaxStepOut {
  amount: string;
  status: string;
  rule: string;
  formula: string;
}
export interface FirstLineTaxes {
  duty: string;
  consumptionTax: string;
  vat: string;
  total: string;
  waived: Record<string, boolean>;
  lines: {
    index: number;
    dutiableValue: string;
    duty: TaxStepOut;
    consumptionTax: TaxStepOut;
    vat: TaxStepOut;
    total: string;
  }[];
  parameterVersions: Record<string, number>;
}

export interface FirstLineView {
  id: string;
  requestId: string;
  enterpriseId: string;
  uscc: string;
  direction: string;
  port: string;
  declarationDate: string;
  bookId: string | null;
  directRelease: boolean;
  state: string;
  stateReason: string;
  lines: JudgedLine[];
  taxes: FirstLineTaxes | null;
  billId: string | null;
  ledgerDocumentId: string | null;
  directReleaseId: string | null;
  decidedBy: string | null;
  createdAt: string;
  updatedAt: string;
  risk?: FirstLineRisk | null;
}

/** A declaration as `actor` may read it; `known` skips the reads of what the caller has at hand. */
async function view(
  tx: Tx | AppContext['db'],
  r: Row,
  actor: Actor,
  known?: { billId: string | null; uscc: string },
): Promise<FirstLineView> {
  const [bill] = known
    ? [known.billId === null ? undefined : { id: known.billId }]
    : await tx.select({ id: firstLineBills.id }).from(firstLineBills).where(eq(firstLineBills.declarationId, r.id));
  const e = known ? { uscc: known.uscc } : await findEnterpriseById(tx, r.enterpriseId);
  const officer = seesRiskVerdicts(actor);
  return {
    id: r.id,
    requestId: r.requestId,
    enterpriseId: r.enterpriseId,
    uscc: e?.uscc ?? '',
    direction: r.direction,
    port: r.port,
    declarationDate: r.declarationDate,
    bookId: r.bookId,
    directRelease: r.directRelease === 'YES',
    state: r.state,
    // A trader reads the state only; an officer also reads the reason recorded with it.
    stateReason: officer ? r.stateReason : neutralReason(r.state as State, r.direction as Direction),
    lines: r.lines as JudgedLine[],
    taxes: r.taxes as FirstLineTaxes | null,
    billId: bill?.id ?? null,
    ledgerDocumentId: r.ledgerDocumentId,
    directReleaseId: r.directReleaseId,
    decidedBy: officer ? r.decidedBy : null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    ...(officer ? { risk: r.risk as FirstLineRisk | null } : {}),
  };
}

/** The declaration's rows, read and written through statements built once (the hot path). */
const declarationRows = tableRows(firstLineDeclarations);
const billRows = tableRows(firstLineBills);

/**
 * What the declaration's checks read, issued together (pipelined on PostgreSQL: one round trip): the
 * declarant, its book, the items of BOOK lines, its qualifications, the taxed catalogue's entries
 * that could cover the goods, the prohibited and restricted list, and a zero-tariff import's
 * beneficiary scope. None of them depends on another's answer (a BOOK line's code comes from its
 * item, and the catalogue is read by item id); the answers are judged afterwards in the order the
 * rules always were, so the first failing rule is the one refused. Each is read inside the
 * transaction: the book, items, qualifications and enterprise are kept for the rest of the command
 * (platform/commandMemo.ts), so the risk assessment and the release's ledger document read them no more.
 */
async function checkReads(tx: Tx, enterpriseId: string, body: FirstLineBody, date: string) {
  const itemIds = body.lines.flatMap((l) => (l.kind === 'BOOK' && l.itemId ? [l.itemId] : []));
  const codes = body.lines.flatMap((l) => (l.kind !== 'BOOK' && l.hsCode ? [l.hsCode] : []));
  const [enterprise, book, items, held, itemPrefixes, codePrefixes, restricted, scope] = await together([
    findEnterpriseById(tx, enterpriseId),
    body.bookId ? getBook(tx, body.bookId) : Promise.resolve(null),
    loadItems(tx, itemIds),
    activeQualifications(tx, enterpriseId, date),
    cataloguePrefixesForItems(tx, date, itemIds),
    codes.length ? cataloguePrefixes(tx, date, codes) : Promise.resolve([]),
    restrictedListOn(tx, date),
    body.bookId && body.direction === 'IMPORT' ? zeroTariffScope(tx, enterpriseId, date) : Promise.resolve(null),
  ]);
  // Entries that cover a BOOK line's code or a TAXED line's: a line is judged only against prefixes of its own code.
  const prefixes = [...new Set([...itemPrefixes, ...codePrefixes])];
  return { enterprise, book, items, held, prefixes, restricted, scope };
}

type CheckReads = Awaited<ReturnType<typeof checkReads>>;

/** Book and items of BOOK lines: the declarant's own book, each item on it; code, unit and origin from the item. */
function judgeBookLines(enterpriseId: string, body: FirstLineBody, read: CheckReads) {
  const { book, items } = read;
  if (body.bookId && (!book || book.enterpriseId !== enterpriseId)) {
    throw refuse([
      { path: 'bookId', rule: 'firstLine.bookUnknown', message: 'No such account book of the declarant.' },
    ]);
  }
  const errors: RuleViolation[] = [];
  const lines = body.lines.map((l, i) => {
    if (l.kind !== 'BOOK') {
      return { hsCode: l.hsCode!, unit: l.unit!, originCountry: l.originCountry!, regime: null as string | null };
    }
    const item = items.get(l.itemId!);
    if (!item || item.bookId !== book!.id) {
      errors.push({
        path: `lines[${i}].itemId`,
        rule: 'firstLine.itemNotInBook',
        message: 'Not an item of this book.',
      });
      return null;
    }
    const AS_THE_BOOK_KEEPS_THEM = 'declare the goods as the book keeps them (or correct the item).';
    for (const [field, given, own] of [
      ['hsCode', l.hsCode, item.hsCode],
      ['originCountry', l.originCountry, item.originCountry],
      ['unit', l.unit, item.unit],
    ] as const) {
      if (given !== undefined && given !== own) {
        errors.push({
          path: `lines[${i}].${field}`,
          rule: 'firstLine.differsFromItem',
          message: `The book item has ${field} ${own}; ${AS_THE_BOOK_KEEPS_THEM}`,
        });
      }
    }
    return { hsCode: item.hsCode, unit: item.unit, originCountry: item.originCountry ?? '', regime: book!.regime };
  });
  if (errors.length) throw refuse(errors);
  return { book, lines: lines as NonNullable<(typeof lines)[number]>[] };
}

/** Files a first-line declaration: one transaction, all or nothing. */
export async function fileFirstLine(ctx: AppContext, actor: Actor, body: FirstLineBody): Promise<FirstLineView> {
  const enterpriseId = declarantOf(actor);
  return runCommand(ctx, 'firstline.declare', async (tx, batch) => {
    const now = ctx.clock.now();
    const today = shanghaiDate(now);
    const date = body.declarationDate ?? today;
    const contentHash = hash(body);
    // The request id looked up first; beside it, unless the form is refused anyway, every read the checks need.
    const form = formViolations(body);
    const [[earlier], read] = await together([
      declarationRows.select(
        tx,
        sql`select ${declarationRows.columns} from ${declarationRows.table}
            where enterprise_id = ${enterpriseId}::uuid and request_id = ${body.requestId}`,
      ),
      date <= today && !form.length ? checkReads(tx, enterpriseId, body, date) : Promise.resolve(null),
    ]);
    if (earlier) {
      if (earlier.contentHash !== contentHash) {
        throw problems.conflict(`Request ${body.requestId} was filed with other content.`, {
          errors: [{ path: 'requestId', rule: 'firstLine.idempotencyConflict', message: 'Use a new requestId.' }],
        });
      }
      return view(tx, earlier, actor);
    }
    if (date > today) {
      throw refuse([{ path: 'declarationDate', rule: 'firstLine.dateFuture', message: 'A day that has not come.' }]);
    }
    if (form.length || !read) throw refuse(form);
    const enterprise = read.enterprise!;
    const { book, lines: facts } = judgeBookLines(enterpriseId, body, read);
    const held = read.held;
    if (book && body.direction === 'IMPORT') {
      const needed =
        { ZERO_TARIFF: 'ZERO_TARIFF_BENEFICIARY', PROCESSING_VALUE_ADDED: 'PROCESSING_VALUE_ADDED' }[
          book.regime as 'ZERO_TARIFF' | 'PROCESSING_VALUE_ADDED'
        ] ?? 'RELAXED_TRADE_END_USER';
      if (!held.some((q) => q.kind === needed)) {
        throw refuse([
          {
            path: 'bookId',
            rule: 'firstLine.qualificationRequired',
            message: `On ${date} the enterprise holds no ${needed} qualification: the goods cannot enter this book.`,
          },
        ]);
      }
    }
    const codes = facts.map((f) => f.hsCode);
    const prefixes = read.prefixes;
    if (body.direction === 'IMPORT') {
      const judged = body.lines.map((l, i) => ({ kind: l.kind, hsCode: codes[i]!, regime: facts[i]!.regime }));
      const bad = taxedCatalogueViolations(judged, prefixes, date);
      if (bad.length) throw refuse(bad);
      if (book?.regime === 'ZERO_TARIFF') {
        // Zero-tariff intake only of the kinds of goods the beneficiary holds on the day.
        const scope = read.scope!;
        const out = judged.flatMap((l, i) =>
          l.kind === 'BOOK'
            ? (scopeViolation(l.hsCode, scope.categories, scope.map, `lines[${i}].itemId`, 'the enterprise') ?? [])
            : [],
        );
        if (out.length) throw refuse(out, 'Outside the beneficiary scope');
      }
    }

    // The prohibited and restricted list, then the licences (written off now: the goods are declared under them).
    const goods = body.lines.map((l, i) => ({ hsCode: codes[i]!, description: l.description }));
    const screenings = screenAgainst(read.restricted, { lines: goods, direction: body.direction, date });
    const listed = screeningViolations(
      body.lines.map((l, i) => ({ hsCode: codes[i]!, licenceNumber: l.licenceNumber })),
      screenings,
      body.direction,
    );
    if (listed.length) throw refuse(listed);
    const id = uuidv7(now.getTime());
    const licences: JudgedLine['licence'][] = [];
    for (const [i, l] of body.lines.entries()) {
      const restricted = screenings[i]!.restricted[0];
      if (!l.licenceNumber || !restricted) {
        licences.push(null);
        continue;
      }
      const useId = uuidv7(now.getTime());
      await useLicenceTx(tx, ctx, actor, {
        useId,
        licenceNumber: l.licenceNumber,
        enterpriseId,
        hsCode: codes[i]!,
        quantity: l.quantity,
        date,
        reference: `first-line declaration ${id} line ${i}`,
        requiredType: restricted.licenceType,
        path: `lines[${i}].licenceNumber`,
      });
      licences.push({ number: l.licenceNumber, useId, type: restricted.licenceType });
    }

    // The duty of TAXED lines: from the tariff table by code, origin and day; a preference only on a certificate.
    const tariffs: JudgedLine['tariff'][] = [];
    const routeLines: RouteLine[] = [];
    const taxedIndex: number[] = [];
    const versions: Record<string, number> = {};
    const missing: RuleViolation[] = [];
    for (const [i, l] of body.lines.entries()) {
      if (l.kind !== 'TAXED') {
        tariffs.push(null);
        continue;
      }
      const r = await ratesWithOrigin(tx, {
        code: codes[i]!,
        origin: facts[i]!.originCountry,
        date,
        customsValue: l.valueCny,
        quantity: l.quantity,
        enterpriseId,
        certificateNumber: l.certificateNumber,
        path: `lines[${i}].certificateNumber`,
      });
      if (!r) {
        missing.push({
          path: `lines[${i}].hsCode`,
          rule: 'tariff.lineMissing',
          message: `No tariff line ${codes[i]} in force on ${date}: the duty cannot be computed.`,
        });
        tariffs.push(null);
        continue;
      }
      Object.assign(versions, r.parameterVersions);
      const t = {
        version: r.line.version,
        kind: r.duty.kind,
        agreement: r.duty.agreement ?? null,
        rule: r.duty.rule,
        dutyRate: r.duty.rate,
        specificDutyPerUnit: r.duty.perUnit ?? null,
        consumptionTaxRate: r.consumptionTax?.rate ?? null,
        vatRate: r.vatRate,
        certificate: r.certificate,
      };
      tariffs.push(t);
      taxedIndex.push(i);
      routeLines.push({
        hsCode: codes[i]!,
        customsValue: l.valueCny,
        dutyRate: t.dutyRate,
        vatRate: t.vatRate,
        quantity: l.quantity,
        ...(t.specificDutyPerUnit ? { specificDutyPerUnit: t.specificDutyPerUnit } : {}),
        ...(t.consumptionTaxRate ? { consumptionTaxRate: t.consumptionTaxRate } : {}),
        ...(r.consumptionTax?.perUnit ? { specificConsumptionTaxPerUnit: r.consumptionTax.perUnit } : {}),
        inTaxedCatalogue: prefixes.some((p) => codes[i]!.startsWith(p)),
      });
    }
    if (missing.length) throw refuse(missing, 'Tariff line missing');
    let taxes: FirstLineTaxes | null = null;
    if (routeLines.length) {
      const params = await loadTaxParameters(tx, date);
      const beneficiary = held.some((q) => q.kind === 'ZERO_TARIFF_BENEFICIARY');
      // Taxed lines all pay; the beneficiary's reason is given only when every one is in the taxed catalogue.
      const importerIsBeneficiary = beneficiary && routeLines.every((l) => l.inTaxedCatalogue);
      const c = computeRoute({ kind: 'FIRST_LINE_IMPORT', importerIsBeneficiary }, routeLines, params.tax);
      if (!c.ok) throw refuse(c.violations);
      const v = c.value;
      taxes = {
        duty: fen(v.duty),
        consumptionTax: fen(v.consumptionTax),
        vat: fen(v.vat),
        total: fen(v.total),
        waived: v.waived,
        lines: v.lines.map((x, k) => ({
          index: taxedIndex[k]!,
          dutiableValue: fen(x.dutiableValue.amount),
          duty: { amount: fen(x.duty.amount), status: x.duty.status, rule: x.duty.rule, formula: x.duty.formula },
          consumptionTax: {
            amount: fen(x.consumptionTax.amount),
            status: x.consumptionTax.status,
            rule: x.consumptionTax.rule,
            formula: x.consumptionTax.formula,
          },
          vat: { amount: fen(x.vat.amount), status: x.vat.status, rule: x.vat.rule, formula: x.vat.formula },
          total: fen(x.total),
        })),
        parameterVersions: { ...versions, ...v.parameterVersions },
      };
    }

    const lines: JudgedLine[] = body.lines.map((l, i) => ({
      index: i,
      kind: l.kind,
      itemId: l.itemId ?? null,
      hsCode: codes[i]!,
      description: l.description,
      quantity: l.quantity,
      unit: facts[i]!.unit,
      netWeightKg: l.netWeightKg,
      valueCny: l.valueCny,
      originCountry: facts[i]!.originCountry,
      regime: riskRegime(l.kind, facts[i]!.regime),
      licence: licences[i]!,
      tariff: tariffs[i]!,
    }));

    // Risk, by the same engine as the second line.
    const decision = await assessDeclaration(
      tx,
      ctx,
      {
        declarationId: id,
        kind: body.direction === 'IMPORT' ? 'FIRST_LINE_IMPORT' : 'FIRST_LINE_EXPORT',
        enterpriseId,
        uscc: enterprise.uscc,
        port: body.port,
        ...(body.transportMode ? { transportMode: body.transportMode } : {}),
        ...(body.counterpartCountry
          ? {
              route:
                body.direction === 'IMPORT'
                  ? { origin: body.counterpartCountry }
                  : { destination: body.counterpartCountry },
            }
          : {}),
        ...(body.foreignParty
          ? { parties: body.direction === 'IMPORT' ? { seller: body.foreignParty } : { buyer: body.foreignParty } }
          : {}),
        lines: lines.map((l) => ({
          hsCode: l.hsCode,
          description: l.description,
          quantity: l.quantity,
          unit: unitCode(l.unit),
          netWeightKg: l.netWeightKg,
          valueCny: l.valueCny,
          originCountry: l.originCountry,
          regime: l.regime as 'ZERO_TARIFF' | 'BONDED' | 'RELAXED_TRADE' | 'GENERAL',
          ...(l.tariff ? { dutyRate: l.tariff.dutyRate, vatRate: l.tariff.vatRate } : {}),
          ...(l.licence ? { restricted: true } : {}),
          ...(l.tariff?.certificate ? { preferenceAgreement: l.tariff.certificate.agreement } : {}),
        })),
      },
      // The verdict's audit entry and event go with the declaration's, in one append at the end.
      { batch },
    );
    const state = stateAfterRisk(decision);
    const row: Row = {
      id,
      enterpriseId,
      requestId: body.requestId,
      contentHash,
      direction: body.direction,
      port: body.port,
      declarationDate: date,
      bookId: book?.id ?? null,
      directRelease: body.directRelease ? 'YES' : 'NO',
      state: 'HELD',
      stateReason: `Held for inspection: risk ${decision.level}, action ${decision.action}.`,
      body,
      lines,
      taxes,
      risk: riskSummary(decision),
      ledgerDocumentId: null,
      directReleaseId: null,
      decidedBy: 'risk.assessDeclaration',
      createdBy: actorLabel(actor),
      createdAt: now,
      updatedAt: now,
    };
    const filed = batch.audit({
      actor: actorLabel(actor),
      action: 'firstline.declare',
      subject: `firstline:${id}`,
      change: { id, requestId: body.requestId, direction: body.direction, port: body.port, lines, taxes },
      at: now,
      partitionKey: `enterprise:${enterprise.uscc}`,
    });
    batch.event(
      typedEvent(FIRST_LINE_EVENTS, 'FirstLineDeclarationFiled', {
        aggregateType: 'firstline',
        aggregateId: id,
        payload: { id, enterpriseId, direction: body.direction, port: body.port, declarationDate: date },
        occurredAt: now,
      }),
      filed,
    );
    // The row is written once, as it ends (held, or released with its document and bill), with the
    // command's other writes at its end: nothing of the command reads it back. A concurrent filing of
    // the same request id meets the unique index there and fails, as it did on an earlier insert.
    const released =
      state === 'RELEASED'
        ? await release(ctx, actor, row, enterprise.uscc, 'risk.assessDeclaration', tx, batch)
        : null;
    const final = released?.row ?? row;
    const bill = released?.bill ?? null;
    batch.defer(() => eager(declarationRows.insert(tx, [final])));
    if (bill) batch.defer(() => eager(billRows.insert(tx, [bill])));
    return view(tx, final, actor, { billId: bill?.id ?? null, uscc: enterprise.uscc });
  });
}

/**
 * Release: the book posted (a first-line import or export document) or, for a direct release, the
 * release registered for the book entry within the ledger's deadline; the bill issued for what is taxed.
 */
async function release(
  ctx: AppContext,
  actor: Actor,
  row: Row,
  uscc: string,
  by: string,
  tx: Tx,
  batch: WriteBatch,
): Promise<{ row: Row; bill: BillRow | null }> {
  const now = ctx.clock.now();
  const lines = row.lines as JudgedLine[];
  const bookLines = lines.filter((l) => l.kind === 'BOOK');
  const reference = `FL ${row.id}`;
  let ledgerDocumentId: string | null = null;
  let directReleaseId: string | null = null;
  // The document is the declarant's, filed in its name whoever releases it.
  const declarant: Actor = { ...actor, role: 'system', kind: 'system', name: `firstline:${row.id}` };
  if (bookLines.length && row.directRelease === 'YES') {
    directReleaseId = uuidv7(now.getTime());
    await registerDirectRelease(
      tx,
      ctx,
      {
        releaseId: directReleaseId,
        bookId: row.bookId!,
        reference,
        releasedOn: shanghaiDate(now),
        actor: declarant,
      },
      batch,
    );
  } else if (bookLines.length) {
    ledgerDocumentId = uuidv7(now.getTime());
    const base = { documentId: ledgerDocumentId, bookId: row.bookId!, reference, businessDate: shanghaiDate(now) };
    await fileDocumentTx(
      tx,
      ctx,
      declarant,
      row.direction === 'IMPORT'
        ? {
            ...base,
            type: 'FIRST_LINE_IMPORT',
            lines: bookLines.map((l) => ({ itemId: l.itemId!, quantity: l.quantity, importedCny: l.valueCny })),
          }
        : {
            ...base,
            type: 'FIRST_LINE_EXPORT',
            lines: bookLines.map((l) => ({ itemId: l.itemId!, quantity: l.quantity })),
          },
      batch,
    );
  }
  const taxes = row.taxes as {
    duty: string;
    consumptionTax: string;
    vat: string;
    total: string;
    lines: unknown;
    parameterVersions: Record<string, number>;
  } | null;
  let bill: BillRow | null = null;
  if (taxes) {
    bill = {
      id: uuidv7(now.getTime()),
      number: billNumber(row.declarationDate, row.id),
      declarationId: row.id,
      enterpriseId: row.enterpriseId,
      duty: taxes.duty,
      consumptionTax: taxes.consumptionTax,
      vat: taxes.vat,
      total: taxes.total,
      lines: taxes.lines,
      parameterVersions: taxes.parameterVersions,
      issuedOn: shanghaiDate(now),
      issuedAt: now,
    };
  }
  const stateReason = `Released (${by}).`;
  const next: Row = {
    ...row,
    state: 'RELEASED',
    stateReason,
    ledgerDocumentId,
    directReleaseId,
    decidedBy: by,
    updatedAt: now,
  };
  const audited = batch.audit({
    actor: actorLabel(actor),
    action: 'firstline.release',
    subject: `firstline:${row.id}`,
    change: { id: row.id, state: 'RELEASED', ledgerDocumentId, directReleaseId, taxes: taxes ? taxes.total : null },
    at: now,
    partitionKey: `enterprise:${uscc}`,
  });
  batch.event(
    typedEvent(FIRST_LINE_EVENTS, 'FirstLineDeclarationReleased', {
      aggregateType: 'firstline',
      aggregateId: row.id,
      payload: {
        id: row.id,
        enterpriseId: row.enterpriseId,
        ledgerDocumentId,
        directReleaseId,
        total: taxes?.total ?? null,
      },
      occurredAt: now,
    }),
    audited,
  );
  return { row: next, bill };
}

/** An officer's decision on a held declaration: release (the book posted, the bill issued) or refuse. */
export async function decideFirstLine(
  ctx: AppContext,
  actor: Actor,
  id: string,
  d: { decision: 'RELEASE' | 'REJECT'; reason: string },
): Promise<FirstLineView> {
  return runCommand(ctx, 'firstline.decide', async (tx, batch) => {
    const [row] = await tx.select().from(firstLineDeclarations).where(eq(firstLineDeclarations.id, id)).for('update');
    if (!row) throw problems.notFound(`First-line declaration ${id}`);
    if (row.state !== 'HELD') {
      throw refuse([{ path: 'id', rule: 'firstLine.notHeld', message: `The declaration is ${row.state}, not held.` }]);
    }
    const uscc = (await findEnterpriseById(tx, row.enterpriseId))?.uscc ?? '';
    const by = `${actorLabel(actor)}: ${d.reason}`;
    if (d.decision === 'RELEASE') {
      const { row: next, bill } = await release(ctx, actor, row, uscc, by, tx, batch);
      if (bill) await tx.insert(firstLineBills).values(bill);
      await tx
        .update(firstLineDeclarations)
        .set({
          state: next.state,
          stateReason: next.stateReason,
          ledgerDocumentId: next.ledgerDocumentId,
          directReleaseId: next.directReleaseId,
          decidedBy: next.decidedBy,
          updatedAt: next.updatedAt,
        })
        .where(eq(firstLineDeclarations.id, id));
      return view(tx, next, actor, { billId: bill?.id ?? null, uscc });
    }
    const now = ctx.clock.now();
    // The goods are not imported (or exported) under the licences written off on filing: each use goes back.
    const licencesReturned = [];
    for (const l of row.lines as JudgedLine[]) {
      if (!l.licence) continue;
      const back = await returnLicenceUseTx(tx, ctx, actor, {
        useId: l.licence.useId,
        reason: `first-line declaration ${id} refused: ${d.reason}`,
        reference: `first-line declaration ${id} line ${l.index}`,
      });
      licencesReturned.push({ line: l.index, number: back.licenceNumber, quantity: back.quantity });
    }
    await tx
      .update(firstLineDeclarations)
      .set({ state: 'REJECTED', stateReason: `Not released: ${d.reason}`, decidedBy: by, updatedAt: now })
      .where(eq(firstLineDeclarations.id, id));
    const { seq } = await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'firstline.reject',
      subject: `firstline:${id}`,
      change: { id, state: 'REJECTED', reason: d.reason, licencesReturned },
      at: now,
      partitionKey: `enterprise:${uscc}`,
    });
    await enqueueEvents(tx, [
      typedEvent(FIRST_LINE_EVENTS, 'FirstLineDeclarationRejected', {
        aggregateType: 'firstline',
        aggregateId: id,
        payload: { id, enterpriseId: row.enterpriseId },
        occurredAt: now,
        auditSeq: seq,
      }),
    ]);
    const [after] = await tx.select().from(firstLineDeclarations).where(eq(firstLineDeclarations.id, id));
    return view(tx, after!, actor);
  });
}

export async function getFirstLine(ctx: AppContext, actor: Actor, id: string): Promise<FirstLineView> {
  const own = enterpriseFilter(actor);
  const [row] = await ctx.db.select().from(firstLineDeclarations).where(eq(firstLineDeclarations.id, id));
  if (!row || (own && row.enterpriseId !== own)) throw problems.notFound(`First-line declaration ${id}`);
  return view(ctx.db, row, actor);
}

/**
 * A page of first-line declarations, newest first, by state, direction and (officers) enterprise: a trader
 * reads its own whatever USCC it sends; an officer's unregistered USCC finds none.
 */
export async function listFirstLine(ctx: AppContext, actor: Actor, q: ListQuery) {
  const scope = await listEnterpriseScope(ctx.db, actor, q.uscc);
  if (scope === 'none') return { items: [], total: 0 };
  const cond = and(
    scope ? eq(firstLineDeclarations.enterpriseId, scope) : undefined,
    q.state ? eq(firstLineDeclarations.state, q.state) : undefined,
    q.direction ? eq(firstLineDeclarations.direction, q.direction) : undefined,
  );
  const rows = await ctx.db
    .select()
    .from(firstLineDeclarations)
    .where(cond)
    .orderBy(desc(firstLineDeclarations.createdAt), desc(firstLineDeclarations.id))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  const [n] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(firstLineDeclarations).where(cond);
  return { items: await Promise.all(rows.map((r) => view(ctx.db, r, actor))), total: n?.n ?? 0 };
}

function billView(b: BillRow) {
  return {
    id: b.id,
    number: b.number,
    declarationId: b.declarationId,
    enterpriseId: b.enterpriseId,
    duty: b.duty,
    consumptionTax: b.consumptionTax,
    vat: b.vat,
    total: b.total,
    lines: b.lines,
    parameterVersions: b.parameterVersions as Record<string, number>,
    issuedOn: b.issuedOn,
    issuedAt: b.issuedAt.toISOString(),
  };
}

export async function listFirstLineBills(ctx: AppContext, actor: Actor) {
  const own = enterpriseFilter(actor);
  const rows = await ctx.db
    .select()
    .from(firstLineBills)
    .where(own ? eq(firstLineBills.enterpriseId, own) : undefined)
    .orderBy(desc(firstLineBills.issuedAt))
    .limit(200);
  return { items: rows.map(billView) };
}

export async function getFirstLineBill(ctx: AppContext, actor: Actor, id: string) {
  const own = enterpriseFilter(actor);
  const [b] = await ctx.db.select().from(firstLineBills).where(eq(firstLineBills.id, id));
  if (!b || (own && b.enterpriseId !== own)) throw problems.notFound(`Bill ${id}`);
  return billView(b);
}
