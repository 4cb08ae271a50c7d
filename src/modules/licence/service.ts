/**
 * The licence module's public service: the prohibited and restricted goods list (loaded all or
 * nothing, screened by code, keywords, direction and day) and the licence registry (pushed by
 * department clients, written off per use, never below zero). Other modules call `screenGoods` and
 * `useLicenceTx` inside their own transaction.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import type { AppContext } from '../../platform/context.ts';
import type { Executor, Tx } from '../../platform/db/client.ts';
import { tableRows } from '../../platform/db/rows.ts';
import { runCommand } from '../../platform/command.ts';
import { appendAudit } from '../../platform/audit/service.ts';
import { enqueueEvents } from '../../platform/outbox/service.ts';
import { typedEvent } from '../../platform/outbox/contract.ts';
import { actorLabel, type Actor } from '../../platform/auth/roles.ts';
import { assertEnterpriseVisible, enterpriseFilter } from '../../platform/auth/scope.ts';
import { canonicalJson } from '../../kernel/canonicalJson.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { problems } from '../../kernel/problem.ts';
import { D } from '../../kernel/money.ts';
import { findEnterpriseById, findEnterpriseByUscc } from '../subjects/service.ts';
import {
  amendmentViolation,
  entryKey,
  licenceUseViolation,
  remaining,
  screenLine,
  type Direction,
  type GoodsLine,
  type LicenceFacts,
  type Measure,
  type RestrictedEntry,
  type Screening,
  type StoredEntry,
} from './rules.ts';
import { licenceReturns, licenceUses, licences, restrictedGoods } from './schema.ts';
import { LICENCE_EVENTS } from './events.ts';

/** Serialises list loads, so two loads of the same file never both add an entry. */
const LIST_LOCK_ID = 7355613;

type EntryRow = typeof restrictedGoods.$inferSelect;
type LicenceRow = typeof licences.$inferSelect;

const plainQty = (v: string) => new D(v).toString();
const hash = (v: unknown) => createHash('sha256').update(canonicalJson(v)).digest('hex');

function storedEntry(r: EntryRow): StoredEntry {
  return {
    version: r.id,
    hsPrefix: r.hsPrefix,
    keywords: r.keywords,
    measure: r.measure as Measure,
    licenceType: r.licenceType,
    direction: r.direction as Direction,
    validFrom: r.validFrom,
    validTo: r.validTo,
    description: r.description,
    legalBasis: r.legalBasis,
  };
}

/** The content of an entry, to tell a reloaded row from a changed one (the version left out). */
const entryContent = (e: RestrictedEntry | StoredEntry) => {
  const { version: _v, ...rest } = e as StoredEntry;
  return canonicalJson({ ...rest, keywords: [...e.keywords].sort(), legalBasis: e.legalBasis ?? null });
};

const entryRows = tableRows(restrictedGoods);

/** The current version of every entry ever loaded (the newest row of each key), oldest key first. */
export async function restrictedEntries(ex: Executor): Promise<StoredEntry[]> {
  // Read whole by every first-line declaration: its statement built once (platform/db/rows.ts).
  const rows = await entryRows.select(
    ex,
    sql`select distinct on (entry_key) ${entryRows.columns} from ${entryRows.table} order by entry_key, id desc`,
  );
  return rows.map(storedEntry).sort((a, b) => a.version - b.version);
}

export interface ImportListResult {
  batchId: string;
  rows: number;
  imported: number;
  unchanged: number;
}

/** Loads validated list rows as one command; a row equal to its entry's current version is left alone. */
export async function importRestrictedList(
  ctx: AppContext,
  actor: Actor,
  rows: readonly RestrictedEntry[],
  opts: { source: string },
): Promise<ImportListResult> {
  return runCommand(ctx, 'restricted.import', async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LIST_LOCK_ID})`);
    const now = ctx.clock.now();
    const batchId = uuidv7(now.getTime());
    const current = new Map((await restrictedEntries(tx)).map((e) => [entryKey(e), entryContent(e)]));
    const fresh = rows.filter((r) => current.get(entryKey(r)) !== entryContent(r));
    const loadedBy = actorLabel(actor);
    const inserts = fresh.map((r) => ({
      ...r,
      entryKey: entryKey(r),
      source: opts.source,
      batchId,
      loadedBy,
      loadedAt: now,
    }));
    for (let i = 0; i < inserts.length; i += 200) await tx.insert(restrictedGoods).values(inserts.slice(i, i + 200));
    const result = { batchId, rows: rows.length, imported: fresh.length, unchanged: rows.length - fresh.length };
    const digest = hash(inserts.map(({ loadedAt: _l, ...v }) => v));
    const { seq } = await appendAudit(tx, {
      actor: loadedBy,
      action: 'restricted.import',
      subject: `restricted-goods:${batchId}`,
      change: { ...result, source: opts.source, digest },
      at: now,
    });
    if (fresh.length) {
      await enqueueEvents(tx, [
        typedEvent(LICENCE_EVENTS, 'RestrictedListLoaded', {
          aggregateType: 'restricted-goods',
          aggregateId: batchId,
          payload: result,
          occurredAt: now,
          auditSeq: seq,
        }),
      ]);
    }
    return result;
  });
}

/** The entries in force on a day. */
export async function restrictedListOn(ex: Executor, date: string): Promise<StoredEntry[]> {
  return (await restrictedEntries(ex)).filter((e) => e.validFrom <= date && (e.validTo === null || date < e.validTo));
}

/** Screens goods lines against the list in force on a day: per line, the prohibited and restricted entries met. */
export async function screenGoods(
  ex: Executor,
  q: { lines: readonly GoodsLine[]; direction: 'IMPORT' | 'EXPORT'; date: string },
): Promise<Screening[]> {
  return screenAgainst(await restrictedListOn(ex, q.date), q);
}

/**
 * Screens goods against the entries in force (`restrictedListOn`) a caller read already, beside its
 * other reads in one round trip: a first-line declaration reads the list before it knows its codes.
 */
export function screenAgainst(
  entries: readonly StoredEntry[],
  q: { lines: readonly GoodsLine[]; direction: 'IMPORT' | 'EXPORT'; date: string },
): Screening[] {
  return q.lines.map((l) => screenLine(entries, l, q.direction, q.date));
}

// ---------------------------------------------------------------------------------------------
// Licences

export interface LicenceView {
  id: string;
  number: string;
  licenceType: string;
  holderEnterpriseId: string;
  holderUscc: string;
  goods: string;
  hsPrefixes: string[];
  unit: string;
  quantity: string;
  used: string;
  remaining: string;
  validFrom: string;
  validUntil: string;
  status: string;
  issuer: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

function licenceView(r: LicenceRow, uscc: string): LicenceView {
  return {
    id: r.id,
    number: r.number,
    licenceType: r.licenceType,
    holderEnterpriseId: r.holderEnterpriseId,
    holderUscc: uscc,
    goods: r.goods,
    hsPrefixes: r.hsPrefixes,
    unit: r.unit,
    quantity: plainQty(r.quantity),
    used: plainQty(r.used),
    remaining: remaining(r).toString(),
    validFrom: r.validFrom,
    validUntil: r.validUntil,
    status: r.status,
    issuer: r.issuer,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

const facts = (r: LicenceRow): LicenceFacts => ({
  number: r.number,
  licenceType: r.licenceType,
  holderEnterpriseId: r.holderEnterpriseId,
  hsPrefixes: r.hsPrefixes,
  quantity: r.quantity,
  used: r.used,
  validFrom: r.validFrom,
  validUntil: r.validUntil,
  status: r.status as 'ACTIVE' | 'REVOKED',
});

export interface PushLicenceInput {
  number: string;
  licenceType: string;
  holderUscc: string;
  goods: string;
  hsPrefixes: string[];
  unit: string;
  quantity: string;
  validFrom: string;
  validUntil: string;
  status?: 'ACTIVE' | 'REVOKED' | undefined;
}

/** The department a client speaks for (its scope), or the officer who entered the licence. */
function issuerOf(actor: Actor): string {
  const d = actor.kind === 'client' ? actor.scope?.department : undefined;
  return typeof d === 'string' ? d : actorLabel(actor);
}

const refused = (rule: string, path: string, message: string, title = 'Licence refused') =>
  problems.rule(rule.replace(/\./g, '-').toLowerCase(), title, message, [{ path, rule, message }]);

/**
 * A department pushes a licence (or an officer enters one): new by number, the same content again
 * answers the stored licence, other content amends it (version + 1) — never below what was used.
 */
export async function pushLicence(ctx: AppContext, actor: Actor, input: PushLicenceInput): Promise<LicenceView> {
  return runCommand(ctx, 'licence.push', async (tx) => {
    const holder = await findEnterpriseByUscc(tx, input.holderUscc);
    if (!holder)
      throw refused('licence.holderUnknown', 'holderUscc', `No enterprise ${input.holderUscc} is registered.`);
    const now = ctx.clock.now();
    const content = { ...input, status: input.status ?? 'ACTIVE', quantity: plainQty(input.quantity) };
    const contentHash = hash(content);
    const [existing] = await tx.select().from(licences).where(eq(licences.number, input.number)).for('update');
    if (existing?.contentHash === contentHash) return licenceView(existing, holder.uscc);
    if (existing) {
      const bad = amendmentViolation(facts(existing), { quantity: content.quantity, holderEnterpriseId: holder.id });
      if (bad) throw refused(bad.rule, bad.path, bad.message);
    }
    const row: LicenceRow = {
      id: existing?.id ?? uuidv7(now.getTime()),
      number: input.number,
      licenceType: input.licenceType,
      holderEnterpriseId: holder.id,
      goods: input.goods,
      hsPrefixes: input.hsPrefixes,
      unit: input.unit,
      quantity: content.quantity,
      used: existing?.used ?? '0',
      validFrom: input.validFrom,
      validUntil: input.validUntil,
      status: content.status,
      issuer: issuerOf(actor),
      version: (existing?.version ?? 0) + 1,
      contentHash,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    if (existing) {
      const { id: _id, used: _used, createdAt: _c, ...changes } = row;
      await tx.update(licences).set(changes).where(eq(licences.id, existing.id));
    } else await tx.insert(licences).values(row);
    const view = licenceView(row, holder.uscc);
    const { seq } = await appendAudit(tx, {
      actor: actorLabel(actor),
      action: existing ? 'licence.amend' : 'licence.register',
      subject: `licence:${input.number}`,
      change: view,
      at: now,
      partitionKey: `enterprise:${holder.uscc}`,
    });
    await enqueueEvents(tx, [
      typedEvent(LICENCE_EVENTS, existing ? 'LicenceAmended' : 'LicenceRegistered', {
        aggregateType: 'licence',
        aggregateId: row.id,
        payload: view,
        occurredAt: now,
        auditSeq: seq,
      }),
    ]);
    return view;
  });
}

async function usccOf(ex: Executor, enterpriseId: string): Promise<string> {
  return (await findEnterpriseById(ex, enterpriseId))?.uscc ?? '';
}

export async function getLicence(ctx: AppContext, actor: Actor, number: string): Promise<LicenceView> {
  const [row] = await ctx.db.select().from(licences).where(eq(licences.number, number));
  if (!row) throw problems.notFound(`Licence ${number}`);
  assertEnterpriseVisible(actor, row.holderEnterpriseId, `Licence ${number}`);
  return licenceView(row, await usccOf(ctx.db, row.holderEnterpriseId));
}

export async function listLicences(ctx: AppContext, actor: Actor, q: { holderUscc?: string | undefined }) {
  const own = enterpriseFilter(actor);
  let holderId: string | null = own;
  if (q.holderUscc) {
    const e = await findEnterpriseByUscc(ctx.db, q.holderUscc);
    if (!e || (own && e.id !== own)) return { items: [] };
    holderId = e.id;
  }
  const rows = await ctx.db
    .select()
    .from(licences)
    .where(holderId ? eq(licences.holderEnterpriseId, holderId) : undefined)
    .orderBy(asc(licences.number))
    .limit(500);
  const usccs = new Map<string, string>();
  for (const r of rows) {
    if (!usccs.has(r.holderEnterpriseId)) usccs.set(r.holderEnterpriseId, await usccOf(ctx.db, r.holderEnterpriseId));
  }
  return { items: rows.map((r) => licenceView(r, usccs.get(r.holderEnterpriseId)!)) };
}

export interface UseLicenceInput {
  /** Idempotency key of the write-off: the same id and content answers the first write-off. */
  useId: string;
  licenceNumber: string;
  enterpriseId: string;
  hsCode: string;
  quantity: string;
  /** The day of the use (declaration date); default today. */
  date?: string | undefined;
  /** The document it was used for, e.g. a first-line declaration id. */
  reference?: string | undefined;
  /** The licence type a restricted entry asks for. */
  requiredType?: string | null | undefined;
  /** Where the licence number sits on the caller's form, for the error path. */
  path?: string | undefined;
}

export interface LicenceUseView {
  useId: string;
  licenceNumber: string;
  quantity: string;
  usedOn: string;
  reference: string | null;
  licence: LicenceView;
}

/**
 * Writes a licence off for one use, inside the caller's transaction. The licence row is locked, the
 * rule judged on what is left, and `used` raised in the same statement that checks it (the CHECK
 * refuses an overdraw even if two uses raced past the code), so concurrent uses never overspend.
 */
export async function useLicenceTx(tx: Tx, ctx: AppContext, actor: Actor, u: UseLicenceInput): Promise<LicenceUseView> {
  const now = ctx.clock.now();
  const date = u.date ?? shanghaiDate(now);
  const path = u.path ?? 'licenceNumber';
  const [row] = await tx.select().from(licences).where(eq(licences.number, u.licenceNumber)).for('update');
  if (!row || (actor.role === 'enterprise_user' && actor.enterpriseId !== row.holderEnterpriseId)) {
    throw refused('licence.unknown', path, `No licence ${u.licenceNumber} is on record.`);
  }
  const content = { licenceNumber: u.licenceNumber, enterpriseId: u.enterpriseId, hsCode: u.hsCode, date };
  const contentHash = hash({ ...content, quantity: plainQty(u.quantity), reference: u.reference ?? null });
  const [earlier] = await tx.select().from(licenceUses).where(eq(licenceUses.id, u.useId));
  const uscc = await usccOf(tx, row.holderEnterpriseId);
  if (earlier) {
    if (earlier.contentHash !== contentHash || earlier.licenceId !== row.id) {
      throw problems.conflict(`Use ${u.useId} was recorded with other content.`, {
        errors: [{ path: 'useId', rule: 'licence.idempotencyConflict', message: 'Use a new id for a new use.' }],
      });
    }
    return {
      useId: earlier.id,
      licenceNumber: row.number,
      quantity: plainQty(earlier.quantity),
      usedOn: earlier.usedOn,
      reference: earlier.reference,
      licence: licenceView(row, uscc),
    };
  }
  const bad = licenceUseViolation(facts(row), {
    ...content,
    quantity: u.quantity,
    requiredType: u.requiredType ?? null,
  });
  if (bad) {
    const title = bad.rule === 'licence.exhausted' ? 'Licence exhausted' : 'Licence refused';
    throw refused(
      bad.rule,
      bad.path === 'quantity' ? path.replace(/licenceNumber$/, 'quantity') : path,
      bad.message,
      title,
    );
  }
  const [updated] = await tx
    .update(licences)
    .set({ used: sql`${licences.used} + ${u.quantity}::numeric`, updatedAt: now })
    .where(and(eq(licences.id, row.id), sql`${licences.used} + ${u.quantity}::numeric <= ${licences.quantity}`))
    .returning();
  if (!updated)
    throw refused('licence.exhausted', path, `Licence ${row.number} has not enough left.`, 'Licence exhausted');
  const view = licenceView(updated, uscc);
  const change = {
    useId: u.useId,
    ...content,
    quantity: plainQty(u.quantity),
    reference: u.reference ?? null,
    used: view.used,
  };
  const { seq } = await appendAudit(tx, {
    actor: actorLabel(actor),
    action: 'licence.use',
    subject: `licence:${row.number}`,
    change,
    at: now,
    partitionKey: `licence:${row.number}`,
  });
  await tx.insert(licenceUses).values({
    id: u.useId,
    licenceId: row.id,
    enterpriseId: u.enterpriseId,
    hsCode: u.hsCode,
    quantity: u.quantity,
    usedOn: date,
    reference: u.reference ?? null,
    contentHash,
    auditSeq: seq,
    createdBy: actorLabel(actor),
    createdAt: now,
  });
  await enqueueEvents(tx, [
    typedEvent(LICENCE_EVENTS, 'LicenceUsed', {
      aggregateType: 'licence',
      aggregateId: row.id,
      payload: { ...change, remaining: view.remaining },
      occurredAt: now,
      auditSeq: seq,
    }),
  ]);
  return {
    useId: u.useId,
    licenceNumber: row.number,
    quantity: plainQty(u.quantity),
    usedOn: date,
    reference: u.reference ?? null,
    licence: view,
  };
}

export interface ReturnLicenceUseInput {
  /** The write-off to give back (its id is the give-back's idempotency key: once per use). */
  useId: string;
  /** Why, e.g. the declaration was refused. */
  reason: string;
  /** The document that gives it back. */
  reference?: string | undefined;
}

export interface LicenceReturnView {
  useId: string;
  licenceNumber: string;
  quantity: string;
  reason: string;
  /** False when the use had been given back already (nothing written this time). */
  returned: boolean;
  licence: LicenceView;
}

/**
 * Gives a write-off back to its licence (退还), inside the caller's transaction: the document the
 * licence was used for was refused or withdrawn. At most once per use — the give-back is keyed by the
 * use, so a replay (or a second caller) finds it and writes nothing — and exactly the quantity written
 * off, so the licence never gets back more than it granted (the CHECK `used >= 0` holds the floor).
 * The licence row is locked as for a use, so a give-back and concurrent uses serialise.
 */
export async function returnLicenceUseTx(
  tx: Tx,
  ctx: AppContext,
  actor: Actor,
  r: ReturnLicenceUseInput,
): Promise<LicenceReturnView> {
  const now = ctx.clock.now();
  const [use] = await tx.select().from(licenceUses).where(eq(licenceUses.id, r.useId));
  if (!use) throw refused('licence.useUnknown', 'useId', `No write-off ${r.useId} is on record.`);
  const [row] = await tx.select().from(licences).where(eq(licences.id, use.licenceId)).for('update');
  const uscc = await usccOf(tx, row!.holderEnterpriseId);
  const [earlier] = await tx.select().from(licenceReturns).where(eq(licenceReturns.useId, r.useId));
  if (earlier) {
    return {
      useId: r.useId,
      licenceNumber: row!.number,
      quantity: plainQty(earlier.quantity),
      reason: earlier.reason,
      returned: false,
      licence: licenceView(row!, uscc),
    };
  }
  const [updated] = await tx
    .update(licences)
    .set({ used: sql`${licences.used} - ${use.quantity}::numeric`, updatedAt: now })
    .where(and(eq(licences.id, row!.id), sql`${licences.used} - ${use.quantity}::numeric >= 0`))
    .returning();
  if (!updated) {
    throw refused('licence.returnAboveUsed', 'useId', `Licence ${row!.number} has less written off than the use.`);
  }
  const view = licenceView(updated, uscc);
  const change = {
    useId: r.useId,
    licenceNumber: row!.number,
    quantity: plainQty(use.quantity),
    reason: r.reason,
    reference: r.reference ?? null,
    used: view.used,
  };
  const { seq } = await appendAudit(tx, {
    actor: actorLabel(actor),
    action: 'licence.return',
    subject: `licence:${row!.number}`,
    change,
    at: now,
    partitionKey: `licence:${row!.number}`,
  });
  await tx.insert(licenceReturns).values({
    useId: r.useId,
    licenceId: row!.id,
    quantity: use.quantity,
    reason: r.reason,
    reference: r.reference ?? null,
    auditSeq: seq,
    createdBy: actorLabel(actor),
    createdAt: now,
  });
  await enqueueEvents(tx, [
    typedEvent(LICENCE_EVENTS, 'LicenceReturned', {
      aggregateType: 'licence',
      aggregateId: row!.id,
      payload: { ...change, remaining: view.remaining },
      occurredAt: now,
      auditSeq: seq,
    }),
  ]);
  return {
    useId: r.useId,
    licenceNumber: row!.number,
    quantity: plainQty(use.quantity),
    reason: r.reason,
    returned: true,
    licence: view,
  };
}

/** One write-off as its own command (an officer's use, the concurrency test). */
export async function useLicence(ctx: AppContext, actor: Actor, u: UseLicenceInput): Promise<LicenceUseView> {
  return runCommand(ctx, 'licence.use', (tx) => useLicenceTx(tx, ctx, actor, u));
}

/** The write-offs of a licence, newest first. */
export async function licenceUsesOf(ctx: AppContext, actor: Actor, number: string) {
  const licence = await getLicence(ctx, actor, number);
  const rows = await ctx.db
    .select()
    .from(licenceUses)
    .where(eq(licenceUses.licenceId, licence.id))
    .orderBy(desc(licenceUses.createdAt), desc(licenceUses.id))
    .limit(1000);
  return {
    licence,
    items: rows.map((r) => ({
      useId: r.id,
      hsCode: r.hsCode,
      quantity: plainQty(r.quantity),
      usedOn: r.usedOn,
      reference: r.reference,
      auditSeq: r.auditSeq,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}
