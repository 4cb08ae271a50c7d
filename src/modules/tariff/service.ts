/**
 * The tariff module's public service: loading the table, reading its versions, and the duty and
 * taxes of goods by code, origin and date. Other modules call `ratesFor` inside their own
 * transaction; the choice itself is the pure `selectDuty` of rules.ts.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/client.ts';
import { runCommand } from '../../platform/command.ts';
import { appendAudit } from '../../platform/audit/service.ts';
import { enqueueEvents } from '../../platform/outbox/service.ts';
import { typedEvent } from '../../platform/outbox/contract.ts';
import { getParameter } from '../../platform/parameters/service.ts';
import { deepFreeze, referenceCacheOf } from '../../platform/reference/cache.ts';
import { actorLabel, type Actor } from '../../platform/auth/roles.ts';
import { canonicalJson } from '../../kernel/canonicalJson.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { problems, type FieldError } from '../../kernel/problem.ts';
import { plain } from '../../kernel/money.ts';
import { needsTable, selectDuty, versionInForce, withTableRates } from './rules.ts';
import type { Duty, OwnRates, SelectedDuty, StoredTariffLine, TariffLine } from './rules.ts';
import { tariffLines } from './schema.ts';
import { TARIFF_EVENTS } from './events.ts';

/** Serialises tariff loads, so two loads of the same file never both add a version. */
const TARIFF_LOCK_ID = 7355612;
const CHUNK = 200;

type Row = typeof tariffLines.$inferSelect;

const duty = (rate: string | null, perUnit: string | null): Duty | null =>
  rate === null ? null : { rate: plain(rate), ...(perUnit !== null ? { perUnit: plain(perUnit) } : {}) };

function stored(r: Row): StoredTariffLine {
  return {
    version: r.id,
    code: r.code,
    description: r.description,
    unit: r.unit,
    validFrom: r.validFrom,
    validTo: r.validTo,
    mfn: duty(r.mfnRate, r.mfnPerUnit)!,
    general: duty(r.generalRate, r.generalPerUnit)!,
    provisional: duty(r.provisionalRate, r.provisionalPerUnit),
    provisionalTo: r.provisionalTo,
    conventional: r.conventional.map((c) => ({ ...c, ...duty(c.rate, c.perUnit ?? null)! })),
    consumptionTax: duty(r.consumptionTaxRate, r.consumptionTaxPerUnit),
    vatRate: plain(r.vatRate),
    source: r.source,
  };
}

/** The content of a version, to tell a reloaded row from a changed one. */
const content = (l: TariffLine) => canonicalJson({ ...l, conventional: l.conventional.map((c) => ({ ...c })) });

function values(l: TariffLine) {
  return {
    code: l.code,
    description: l.description,
    unit: l.unit,
    validFrom: l.validFrom,
    validTo: l.validTo,
    mfnRate: l.mfn.rate,
    mfnPerUnit: l.mfn.perUnit ?? null,
    generalRate: l.general.rate,
    generalPerUnit: l.general.perUnit ?? null,
    provisionalRate: l.provisional?.rate ?? null,
    provisionalPerUnit: l.provisional?.perUnit ?? null,
    provisionalTo: l.provisionalTo,
    conventional: l.conventional,
    consumptionTaxRate: l.consumptionTax?.rate ?? null,
    consumptionTaxPerUnit: l.consumptionTax?.perUnit ?? null,
    vatRate: l.vatRate,
  };
}

/** Normalised as the database gives it back (trailing zeros dropped), so equal rows compare equal. */
const normalised = (l: TariffLine): TariffLine => {
  const row = { ...values(l), id: 0, source: '', batchId: '', loadedBy: '', loadedAt: new Date(0) } as Row;
  const { version: _v, source: _s, ...rest } = stored(row);
  return rest;
};

export interface ImportTariffResult {
  batchId: string;
  rows: number;
  imported: number;
  unchanged: number;
  codes: number;
}

/**
 * Loads validated tariff rows as one command (all or nothing). A row equal to the newest version of
 * its code and validFrom is left alone, so loading the same file twice adds nothing.
 */
export async function importTariff(
  ctx: AppContext,
  actor: Actor,
  rows: readonly TariffLine[],
  opts: { source: string; onProgress?: (done: number, total: number) => void },
): Promise<ImportTariffResult> {
  return runCommand(ctx, 'tariff.import', async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${TARIFF_LOCK_ID})`);
    const now = ctx.clock.now();
    const batchId = uuidv7(now.getTime());
    const codes = [...new Set(rows.map((r) => r.code))];
    const current = new Map<string, string>();
    for (let i = 0; i < codes.length; i += 1000) {
      const found = await tx
        .selectDistinctOn([tariffLines.code, tariffLines.validFrom])
        .from(tariffLines)
        .where(inArray(tariffLines.code, codes.slice(i, i + 1000)))
        .orderBy(asc(tariffLines.code), asc(tariffLines.validFrom), desc(tariffLines.id));
      for (const r of found) {
        const { version: _v, source: _s, ...line } = stored(r);
        current.set(`${r.code}@${r.validFrom}`, content(line));
      }
    }
    const fresh = rows.filter((r) => current.get(`${r.code}@${r.validFrom}`) !== content(normalised(r)));
    const loadedBy = actorLabel(actor);
    const inserts = fresh.map((r) => ({ ...values(r), source: opts.source, batchId, loadedBy, loadedAt: now }));
    for (let i = 0; i < inserts.length; i += CHUNK) {
      await tx.insert(tariffLines).values(inserts.slice(i, i + CHUNK));
      opts.onProgress?.(Math.min(inserts.length, i + CHUNK), inserts.length);
    }
    const unchanged = rows.length - fresh.length;
    const imported = fresh.length;
    const result: ImportTariffResult = { batchId, rows: rows.length, imported, unchanged, codes: codes.length };
    // The digest proves which rows this batch added without copying them into the chain.
    const digest = createHash('sha256')
      .update(canonicalJson(inserts.map(({ loadedAt: _l, ...v }) => v)))
      .digest('hex');
    const change = { ...result, source: opts.source, digest };
    const subject = `tariff:${batchId}`;
    const { seq } = await appendAudit(tx, { actor: loadedBy, action: 'tariff.import', subject, change, at: now });
    if (fresh.length) {
      const event = { aggregateType: 'tariff', aggregateId: batchId, payload: result, occurredAt: now, auditSeq: seq };
      await enqueueEvents(tx, [typedEvent(TARIFF_EVENTS, 'TariffLoaded', event)]);
    }
    return result;
  });
}

/** Every version of a tariff line, oldest first. */
export async function tariffVersions(ex: Executor, code: string): Promise<StoredTariffLine[]> {
  const rows = await ex
    .select()
    .from(tariffLines)
    .where(eq(tariffLines.code, code))
    .orderBy(asc(tariffLines.validFrom), asc(tariffLines.id));
  return rows.map(stored);
}

/**
 * The version of a line in force on a day, or null. Through the database handle, every version of
 * the code is held by the version of the tariff table (decision 0009); a transaction reads the table.
 */
export async function tariffLineOn(ex: Executor, code: string, date: string): Promise<StoredTariffLine | null> {
  const cache = referenceCacheOf(ex);
  if (cache) {
    const versions = await cache.get('tariff', code, async () => deepFreeze(await tariffVersions(ex, code)));
    return versionInForce(versions, date);
  }
  const rows = await ex
    .select()
    .from(tariffLines)
    .where(and(eq(tariffLines.code, code), sql`${tariffLines.validFrom} <= ${date}`))
    .orderBy(asc(tariffLines.validFrom), asc(tariffLines.id));
  return versionInForce(rows.map(stored), date);
}

export interface TariffRates {
  line: StoredTariffLine;
  duty: SelectedDuty;
  consumptionTax: Duty | null;
  vatRate: string;
  parameterVersions: Record<string, number>;
}

export interface RateQuery {
  code: string;
  /** Alpha-2, or null when not stated. */
  origin: string | null;
  date: string;
  customsValue?: string | undefined;
  quantity?: string | undefined;
  /** False when the origin's preference may not be claimed (no valid certificate of origin: origin module). */
  conventionalAllowed?: boolean | undefined;
}

/** The duty and taxes of goods by code, origin and date; null when the table has no line in force. */
export async function ratesFor(ex: Executor, q: RateQuery): Promise<TariffRates | null> {
  const line = await tariffLineOn(ex, q.code, q.date);
  if (!line) return null;
  const general = await getParameter<string[]>(ex, 'tariff.generalRateOrigins', q.date);
  const facts = {
    origin: q.origin,
    date: q.date,
    generalRateOrigins: general.value,
    ...(q.customsValue !== undefined ? { customsValue: q.customsValue } : {}),
    ...(q.quantity !== undefined ? { quantity: q.quantity } : {}),
    ...(q.conventionalAllowed !== undefined ? { conventionalAllowed: q.conventionalAllowed } : {}),
  };
  return {
    line,
    duty: selectDuty(line, facts),
    consumptionTax: line.consumptionTax,
    vatRate: line.vatRate,
    parameterVersions: { [`tariff:${line.code}`]: line.version, 'tariff.generalRateOrigins': general.version },
  };
}

const missing = (path: string, code: string, date: string): FieldError => ({
  path,
  rule: 'tariff.lineMissing',
  message: `No tariff line ${code} in force on ${date}.`,
});

/** No line in force: a rate is never guessed; the problem names each field, code and day. */
function missingProblem(errors: FieldError[]) {
  const which = errors.length === 1 ? 'this line' : 'these lines';
  const detail = `The tariff table has no line in force for ${which}; give the rates or load the line.`;
  return problems.rule('tariff-line-missing', 'Tariff line missing', detail, errors);
}

const shortCode = (path: string, code: string): FieldError => ({
  path,
  rule: 'tariff.codeNeedsTenDigits',
  message: `The table is kept by 10-digit code; ${code} has ${code.length} digits. Give the rates or the full code.`,
});

export const tariffLineMissing = (path: string, code: string, date: string) =>
  missingProblem([missing(path, code, date)]);

export interface TableLine extends OwnRates {
  hsCode: string;
  originCountry?: string | null | undefined;
  customsValue?: string | undefined;
  quantity?: string | undefined;
}

/** What the table gave a line: the version and the rate chosen, for the record of the computation. */
export interface TariffUse {
  code: string;
  version: number;
  validFrom: string;
  unit: string;
  duty: SelectedDuty;
}

/**
 * Lines that omit their duty or VAT rate take them from the table by code, origin and date; lines
 * that give both are left as they are. Every line the table cannot rate is named at once
 * (`path(i)`: where the line's duty rate is on the caller's form).
 */
export async function withTariffRates<T extends TableLine>(
  ex: Executor,
  lines: readonly T[],
  date: string,
  path: (i: number) => string,
) {
  const errors: FieldError[] = [];
  const uses: (TariffUse | null)[] = [];
  const parameterVersions: Record<string, number> = {};
  const out: (T & { dutyRate: string; vatRate: string })[] = [];
  for (const [i, l] of lines.entries()) {
    if (!needsTable(l)) {
      out.push(l as T & { dutyRate: string; vatRate: string });
      uses.push(null);
      continue;
    }
    const origin = l.originCountry ?? null;
    const q = { code: l.hsCode, origin, date, customsValue: l.customsValue, quantity: l.quantity };
    const r = l.hsCode.length === 10 ? await ratesFor(ex, q) : null;
    if (!r) {
      errors.push(l.hsCode.length === 10 ? missing(path(i), l.hsCode, date) : shortCode(path(i), l.hsCode));
      continue;
    }
    out.push(withTableRates(l, { duty: r.duty, consumptionTax: r.consumptionTax, vatRate: r.vatRate }));
    const { code, version, validFrom, unit } = r.line;
    uses.push({ code, version, validFrom, unit, duty: r.duty });
    Object.assign(parameterVersions, r.parameterVersions);
  }
  if (errors.length) throw missingProblem(errors);
  return { lines: out, uses, parameterVersions };
}

// The tariff file's parser, for the demo data of the modules that load a table.
export { parseTariffCsv } from './tariffFile.ts';
