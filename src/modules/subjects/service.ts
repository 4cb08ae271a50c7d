import { and, asc, count, eq, ilike, or, sql, type SQLWrapper } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/client.ts';
import { runCommand } from '../../platform/command.ts';
import { forgetInCommand, memoInCommand } from '../../platform/commandMemo.ts';
import { appendAudit } from '../../platform/audit/service.ts';
import { enqueueEvents } from '../../platform/outbox/service.ts';
import { typedEvent } from '../../platform/outbox/contract.ts';
import { getParameter } from '../../platform/parameters/service.ts';
import { actorLabel, type Actor } from '../../platform/auth/roles.ts';
import { assertEnterpriseVisible, enterpriseFilter } from '../../platform/auth/scope.ts';
import { decrypt, encrypt, lookupHash } from '../../platform/crypto.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { problems } from '../../kernel/problem.ts';
import { validateResidentId, validatePassportNumber, residentIdBirthDate } from '../../kernel/residentId.ts';
import { enterprises, individuals, qualifications } from './schema.ts';
import { SUBJECTS_EVENTS } from './events.ts';
import {
  eligibilityViolations,
  historyViolations,
  individualFor,
  isActiveOn,
  maskIdNumber,
  maskName,
  type LegalForm,
  type QualificationKind,
} from './rules.ts';
import type { CreateEnterpriseBody } from './wire.ts';
import type { CategoryPrefixes } from './scope.ts';

/** How other modules mask personal data the way individuals are masked. */
export { maskIdNumber, maskName } from './rules.ts';

type EnterpriseRow = typeof enterprises.$inferSelect;
type QualificationRow = typeof qualifications.$inferSelect;

export function enterpriseView(e: EnterpriseRow) {
  return {
    id: e.id,
    uscc: e.uscc,
    name: e.name,
    registeredInHainan: e.registeredInHainan,
    legalForm: e.legalForm,
    industry: e.industry,
    encouragedIndustry: e.encouragedIndustry,
    createdAt: e.createdAt.toISOString(),
  };
}

export async function createEnterprise(ctx: AppContext, actor: Actor, input: CreateEnterpriseBody) {
  return runCommand(ctx, 'enterprise.create', async (tx) => {
    const existing = await tx
      .select({ id: enterprises.id })
      .from(enterprises)
      .where(eq(enterprises.uscc, input.uscc))
      .limit(1);
    if (existing.length) throw problems.conflict(`An enterprise with USCC ${input.uscc} is already registered.`);
    const now = ctx.clock.now();
    const row: EnterpriseRow = {
      id: uuidv7(now.getTime()),
      uscc: input.uscc,
      name: input.name,
      registeredInHainan: input.registeredInHainan,
      legalForm: input.legalForm,
      industry: input.industry ?? null,
      encouragedIndustry: input.encouragedIndustry,
      createdAt: now,
    };
    forgetInCommand(tx, `subjects.enterprise:${row.id}`);
    await tx.insert(enterprises).values(row);
    const view = enterpriseView(row);
    const { seq } = await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'enterprise.create',
      subject: `enterprise:${row.uscc}`,
      change: view,
      at: now,
    });
    await enqueueEvents(tx, [
      typedEvent(SUBJECTS_EVENTS, 'EnterpriseRegistered', {
        aggregateType: 'enterprise',
        aggregateId: row.id,
        payload: view,
        occurredAt: now,
        auditSeq: seq,
      }),
    ]);
    return view;
  });
}

export async function findEnterpriseByUscc(ex: Executor, uscc: string): Promise<EnterpriseRow | null> {
  const [row] = await ex.select().from(enterprises).where(eq(enterprises.uscc, uscc)).limit(1);
  return row ?? null;
}

/**
 * The enterprise a list route narrows to: a trader's own, whatever `uscc` it sends (another enterprise's
 * code reveals nothing, not even whether it is registered); an officer's by `uscc`, or every enterprise
 * (`null`) without one. `'none'` when the officer's code is not registered: the list is empty.
 */
export async function listEnterpriseScope(ex: Executor, actor: Actor, uscc?: string): Promise<string | null | 'none'> {
  const own = enterpriseFilter(actor);
  if (own) return own;
  if (!uscc) return null;
  return (await findEnterpriseByUscc(ex, uscc))?.id ?? 'none';
}

/** Once per command (platform/commandMemo.ts): the exit's modules asked for it four times. */
export async function findEnterpriseById(ex: Executor, id: string): Promise<EnterpriseRow | null> {
  return memoInCommand(ex, `subjects.enterprise:${id}`, async () => {
    const [row] = await ex.select().from(enterprises).where(eq(enterprises.id, id)).limit(1);
    return row ?? null;
  });
}

// Many keys as ONE text parameter (codes and ids never contain a comma): thousands of keys cost no
// bind parameters to build, describe and encode.
const anyOf = (column: SQLWrapper, values: readonly string[], type: 'uuid' | 'text') =>
  sql`${column} = any(string_to_array(${values.join(',')}, ',')::${sql.raw(type)}[])`;

/** Enterprises by USCC, many at once (bulk imports); unknown codes are simply absent. */
export async function findEnterprisesByUscc(ex: Executor, usccs: readonly string[]): Promise<EnterpriseRow[]> {
  return usccs.length
    ? ex
        .select()
        .from(enterprises)
        .where(anyOf(enterprises.uscc, usccs, 'text'))
    : [];
}

/** Enterprises by id, many at once. */
export async function findEnterprisesByIds(ex: Executor, ids: readonly string[]): Promise<EnterpriseRow[]> {
  return ids.length
    ? ex
        .select()
        .from(enterprises)
        .where(anyOf(enterprises.id, ids, 'uuid'))
    : [];
}

async function visibleEnterprise(ex: Executor, actor: Actor, uscc: string): Promise<EnterpriseRow> {
  const row = await findEnterpriseByUscc(ex, uscc);
  if (!row) throw problems.notFound(`Enterprise ${uscc}`);
  assertEnterpriseVisible(actor, row.id, `Enterprise ${uscc}`);
  return row;
}

export async function getEnterprise(ctx: AppContext, actor: Actor, uscc: string) {
  return enterpriseView(await visibleEnterprise(ctx.db, actor, uscc));
}

export async function searchEnterprises(
  ctx: AppContext,
  actor: Actor,
  query: { q?: string; page: number; pageSize: number },
) {
  const conditions = [];
  const own = enterpriseFilter(actor);
  if (own) conditions.push(eq(enterprises.id, own));
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(ilike(enterprises.name, pattern), ilike(enterprises.uscc, pattern)));
  }
  const where = conditions.length ? and(...conditions) : undefined;
  const [totalRow] = await ctx.db.select({ n: count() }).from(enterprises).where(where);
  const rows = await ctx.db
    .select()
    .from(enterprises)
    .where(where)
    .orderBy(asc(enterprises.name), asc(enterprises.id))
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize);
  return {
    items: rows.map(enterpriseView),
    total: Number(totalRow?.n ?? 0),
    page: query.page,
    pageSize: query.pageSize,
  };
}

function qualificationView(q: QualificationRow, today: string) {
  return {
    id: q.id,
    enterpriseId: q.enterpriseId,
    kind: q.kind,
    goodsCategory: q.goodsCategory,
    validFrom: q.validFrom,
    validTo: q.validTo,
    relinquishedOn: q.relinquishedOn,
    relinquishReason: q.relinquishReason,
    activeToday: isActiveOn({ ...q, kind: q.kind as QualificationKind }, today),
    createdAt: q.createdAt.toISOString(),
  };
}

export async function listQualifications(ctx: AppContext, actor: Actor, uscc: string) {
  const e = await visibleEnterprise(ctx.db, actor, uscc);
  const rows = await ctx.db
    .select()
    .from(qualifications)
    .where(eq(qualifications.enterpriseId, e.id))
    .orderBy(asc(qualifications.validFrom), asc(qualifications.id));
  const today = shanghaiDate(ctx.clock.now());
  return rows.map((q) => qualificationView(q, today));
}

const qualificationsKey = (enterpriseId: string) => `subjects.qualifications:${enterpriseId}`;

/** Qualifications of an enterprise in force on a date; other modules ask this, never the table. */
export async function activeQualifications(ex: Executor, enterpriseId: string, asOf: string) {
  // Once per command (platform/commandMemo.ts): a first-line declaration's rules asked five times.
  const rows = await memoInCommand(ex, qualificationsKey(enterpriseId), () =>
    ex.select().from(qualifications).where(eq(qualifications.enterpriseId, enterpriseId)),
  );
  return rows
    .filter((q) => isActiveOn({ ...q, kind: q.kind as QualificationKind }, asOf))
    .map((q) => ({ id: q.id, kind: q.kind as QualificationKind, goodsCategory: q.goodsCategory }));
}

export async function grantQualification(
  ctx: AppContext,
  actor: Actor,
  uscc: string,
  input: { kind: QualificationKind; goodsCategory: string; validFrom: string; validTo?: string | null },
) {
  return runCommand(ctx, 'qualification.grant', async (tx) => {
    const e = await visibleEnterprise(tx, actor, uscc);
    // Serialise grants per enterprise so two concurrent grants cannot both pass the overlap check.
    await tx.select({ id: enterprises.id }).from(enterprises).where(eq(enterprises.id, e.id)).for('update');
    const now = ctx.clock.now();
    const today = shanghaiDate(now);
    const req = {
      kind: input.kind,
      goodsCategory: input.goodsCategory,
      validFrom: input.validFrom,
      validTo: input.validTo ?? null,
    };
    const bar = await getParameter<number>(tx, 'subjects.reapplicationBarMonths', today);
    const existing = await tx.select().from(qualifications).where(eq(qualifications.enterpriseId, e.id));
    const violations = [
      ...eligibilityViolations(
        {
          registeredInHainan: e.registeredInHainan,
          legalForm: e.legalForm as LegalForm,
          encouragedIndustry: e.encouragedIndustry,
        },
        req,
      ),
      ...historyViolations(
        existing.map((q) => ({ ...q, kind: q.kind as QualificationKind })),
        req,
        today,
        Number(bar.value),
      ),
    ];
    if (violations.length) {
      throw problems.rule(
        'qualification-refused',
        'Qualification refused',
        violations.map((v) => v.message).join(' '),
        violations,
      );
    }
    const row: QualificationRow = {
      enterpriseId: e.id,
      id: uuidv7(now.getTime()),
      ...req,
      relinquishedOn: null,
      relinquishReason: null,
      grantedBy: actorLabel(actor),
      createdAt: now,
    };
    forgetInCommand(tx, qualificationsKey(e.id));
    await tx.insert(qualifications).values(row);
    const view = qualificationView(row, today);
    const { seq } = await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'qualification.grant',
      subject: `enterprise:${e.uscc}`,
      change: { ...view, parameterVersions: { 'subjects.reapplicationBarMonths': bar.version } },
      at: now,
    });
    await enqueueEvents(tx, [
      typedEvent(SUBJECTS_EVENTS, 'QualificationGranted', {
        aggregateType: 'enterprise',
        aggregateId: e.id,
        payload: view,
        occurredAt: now,
        auditSeq: seq,
      }),
    ]);
    return view;
  });
}

export async function relinquishQualification(
  ctx: AppContext,
  actor: Actor,
  uscc: string,
  qualificationId: string,
  input: { date?: string; reason: string },
) {
  return runCommand(ctx, 'qualification.relinquish', async (tx) => {
    const e = await visibleEnterprise(tx, actor, uscc);
    const [q] = await tx
      .select()
      .from(qualifications)
      .where(and(eq(qualifications.enterpriseId, e.id), eq(qualifications.id, qualificationId)))
      .for('update');
    if (!q) throw problems.notFound(`Qualification ${qualificationId} of enterprise ${uscc}`);
    const now = ctx.clock.now();
    const today = shanghaiDate(now);
    const date = input.date ?? today;
    if (q.relinquishedOn) throw problems.conflict(`This qualification was already given up on ${q.relinquishedOn}.`);
    if (date < q.validFrom || (q.validTo !== null && date >= q.validTo)) {
      throw problems.field(
        'date',
        'subjects.relinquishWithinValidity',
        `The date must fall within the qualification's validity (${q.validFrom} to ${q.validTo ?? 'open'}).`,
      );
    }
    if (date < today)
      throw problems.field('date', 'subjects.relinquishNotBackdated', 'Treatment cannot be given up retroactively.');
    forgetInCommand(tx, qualificationsKey(e.id));
    await tx
      .update(qualifications)
      .set({ relinquishedOn: date, relinquishReason: input.reason })
      .where(and(eq(qualifications.enterpriseId, e.id), eq(qualifications.id, q.id)));
    const view = qualificationView({ ...q, relinquishedOn: date, relinquishReason: input.reason }, today);
    const { seq } = await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'qualification.relinquish',
      subject: `enterprise:${e.uscc}`,
      change: view,
      at: now,
    });
    await enqueueEvents(tx, [
      typedEvent(SUBJECTS_EVENTS, 'QualificationRelinquished', {
        aggregateType: 'enterprise',
        aggregateId: e.id,
        payload: view,
        occurredAt: now,
        auditSeq: seq,
      }),
    ]);
    return view;
  });
}

type IndividualRow = typeof individuals.$inferSelect;

function individualView(ctx: AppContext, actor: Actor, row: IndividualRow) {
  const facts = {
    id: row.id,
    idType: row.idType,
    nationality: row.nationality,
    createdAt: row.createdAt.toISOString(),
  };
  return individualFor(
    actor.role,
    () => ({
      ...facts,
      idNumber: decrypt(ctx.keys.personalData, row.idNumberEncrypted),
      name: decrypt(ctx.keys.personalData, row.nameEncrypted),
      birthDate: row.birthDate,
    }),
    { ...facts, idNumber: row.idNumberMasked, name: row.nameMasked },
  );
}

function idLookupHash(ctx: AppContext, idType: string, idNumber: string): string {
  return lookupHash(ctx.keys.lookup, `${idType}:${idNumber}`);
}

export async function createIndividual(
  ctx: AppContext,
  actor: Actor,
  input: { idType: 'RESIDENT_ID' | 'PASSPORT'; idNumber: string; name: string; nationality: string },
) {
  const now = ctx.clock.now();
  const violation =
    input.idType === 'RESIDENT_ID' ? validateResidentId(input.idNumber, now) : validatePassportNumber(input.idNumber);
  if (violation) throw problems.field('idNumber', violation.rule, violation.message);
  return runCommand(ctx, 'individual.create', async (tx) => {
    const hash = idLookupHash(ctx, input.idType, input.idNumber);
    const existing = await tx
      .select({ id: individuals.id })
      .from(individuals)
      .where(eq(individuals.idNumberHash, hash))
      .limit(1);
    if (existing.length)
      throw problems.conflict('This person is already registered.', { individualId: existing[0]!.id });
    const row: IndividualRow = {
      id: uuidv7(now.getTime()),
      idType: input.idType,
      idNumberHash: hash,
      idNumberEncrypted: encrypt(ctx.keys.personalData, input.idNumber),
      nameEncrypted: encrypt(ctx.keys.personalData, input.name),
      idNumberMasked: maskIdNumber(input.idNumber),
      nameMasked: maskName(input.name),
      birthDate: input.idType === 'RESIDENT_ID' ? residentIdBirthDate(input.idNumber) : null,
      nationality: input.nationality,
      createdAt: now,
    };
    await tx.insert(individuals).values(row);
    // The chain keeps only masked personal data: an audit log must not become a copy of the ID register.
    await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'individual.create',
      subject: `individual:${row.id}`,
      change: {
        id: row.id,
        idType: row.idType,
        idNumber: row.idNumberMasked,
        name: row.nameMasked,
        idNumberHash: hash,
      },
      at: now,
    });
    return individualView(ctx, actor, row);
  });
}

export async function getIndividual(ctx: AppContext, actor: Actor, id: string) {
  const [row] = await ctx.db.select().from(individuals).where(eq(individuals.id, id)).limit(1);
  if (!row) throw problems.notFound(`Individual ${id}`);
  return individualView(ctx, actor, row);
}

export async function individualExists(ex: Executor, id: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  const rows = await ex.select({ id: individuals.id }).from(individuals).where(eq(individuals.id, id)).limit(1);
  return rows.length > 0;
}

/** Which of these individual ids are registered, many at once. */
export async function existingIndividualIds(ex: Executor, ids: readonly string[]): Promise<Set<string>> {
  const wellFormed = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (!wellFormed.length) return new Set();
  const rows = await ex
    .select({ id: individuals.id })
    .from(individuals)
    .where(anyOf(individuals.id, wellFormed, 'uuid'));
  return new Set(rows.map((r) => r.id));
}

export async function findIndividualByIdNumber(ctx: AppContext, actor: Actor, idType: string, idNumber: string) {
  const [row] = await ctx.db
    .select()
    .from(individuals)
    .where(eq(individuals.idNumberHash, idLookupHash(ctx, idType, idNumber)))
    .limit(1);
  if (!row) throw problems.notFound('An individual with this ID number');
  return individualView(ctx, actor, row);
}

/**
 * The kinds of zero-tariff goods an enterprise holds on a day (its active beneficiary qualifications,
 * a relinquished one no longer from its day) and the map that tells a code's kind; other modules judge
 * with `scopeViolation` (scope.ts) on these.
 */
export async function zeroTariffScope(ex: Executor, enterpriseId: string, asOf: string) {
  const [held, map] = await Promise.all([
    activeQualifications(ex, enterpriseId, asOf),
    getParameter<CategoryPrefixes>(ex, 'subjects.zeroTariffCategoryPrefixes', asOf),
  ]);
  return {
    categories: held.filter((q) => q.kind === 'ZERO_TARIFF_BENEFICIARY').map((q) => q.goodsCategory),
    map: map.value,
    version: map.version,
  };
}
export { scopeViolation, goodsCategoryOf, type CategoryPrefixes } from './scope.ts';

/**
 * Tables read by the command centre's drill-downs (an enterprise's name): its SQL names them
 * from these objects, never as text. Read-only there; only this module writes them.
 */
export { enterprises } from './schema.ts';
