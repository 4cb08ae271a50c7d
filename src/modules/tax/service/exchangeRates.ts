import { and, asc, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/client.ts';
import { runCommand } from '../../../platform/command.ts';
import { deepFreeze, referenceCacheOf } from '../../../platform/reference/cache.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { canonicalJson } from '../../../kernel/canonicalJson.ts';
import { uuidv7 } from '../../../kernel/ids.ts';
import { Problem, problems } from '../../../kernel/problem.ts';
import { D, fen, plain } from '../money.ts';
import {
  convertAtRate,
  exchangeRateDay,
  missingRate,
  type Rate,
  type RateDay,
  type RateQuote,
} from '../exchangeRates.ts';
import type { RuleViolation } from '../lineTax.ts';
import { exchangeRates } from '../schema.ts';
import type { RateRow } from '../wire.ts';
import { loadTaxParameters, type TaxParameterSet } from './parameters.ts';
import { TAX_EVENTS } from '../events.ts';

/** Serialises rate imports, so two loads of the same file never both add a version. */
const RATES_LOCK_ID = 7355611;

type RateRecord = typeof exchangeRates.$inferSelect;

export interface StoredRate extends Rate {
  version: number;
  source: string;
  loadedBy: string;
  loadedAt: string;
}

function stored(r: RateRecord): StoredRate {
  return {
    currency: r.currency,
    rateDate: r.rateDate,
    rate: plain(r.rate),
    unit: r.unit,
    quote: r.quote as RateQuote,
    version: r.id,
    source: r.source,
    loadedBy: r.loadedBy,
    loadedAt: r.loadedAt.toISOString(),
  };
}

/**
 * The newest version of the rate of one currency on one day, or null. Through the database handle it
 * is held by the version of the rate table (decision 0009); a transaction reads the table.
 */
export async function findRate(ex: Executor, currency: string, rateDate: string): Promise<StoredRate | null> {
  const cache = referenceCacheOf(ex);
  if (cache)
    return cache.get('exchange_rates', `${currency}:${rateDate}`, async () =>
      deepFreeze(await readRate(ex, currency, rateDate)),
    );
  return readRate(ex, currency, rateDate);
}

async function readRate(ex: Executor, currency: string, rateDate: string): Promise<StoredRate | null> {
  const [row] = await ex
    .select()
    .from(exchangeRates)
    .where(and(eq(exchangeRates.currency, currency), eq(exchangeRates.rateDate, rateDate)))
    .orderBy(desc(exchangeRates.id))
    .limit(1);
  return row ? stored(row) : null;
}

export interface MissingRate {
  currency: string;
  rateDate: string;
  declarationDate: string;
}

/** A missing rate is never guessed: the problem names each currency and the day it needed. */
export function exchangeRateMissing(violations: RuleViolation[], missing: MissingRate[]): Problem {
  return new Problem({
    status: 422,
    code: 'exchange-rate-missing',
    title: 'Exchange rate missing',
    detail: violations
      .map((v) => v.message)
      .filter((m, i, all) => all.indexOf(m) === i)
      .join(' '),
    errors: violations.map((v) => ({ path: v.path, message: v.message, rule: v.rule })),
    extra: { missing },
  });
}

/** The rate day of a declaration date under the parameters in force on it. */
export function rateDayOf(params: TaxParameterSet, declarationDate: string): RateDay {
  const day = exchangeRateDay(declarationDate, params.rateDay, params.holidays);
  if (!day.ok)
    throw problems.rule('exchange-rate-day', 'Exchange-rate day undefined', day.violation.message, [
      { path: day.violation.path, message: day.violation.message, rule: day.violation.rule },
    ]);
  return day.value;
}

export interface RateResolution {
  rateDay: RateDay;
  rate: StoredRate;
  parameterVersions: Record<string, number>;
}

/** The rate that applies to a declaration in a foreign currency, or the exchange-rate-missing problem. */
export async function applicableRate(
  ex: Executor,
  currency: string,
  declarationDate: string,
  path = 'currency',
  params?: TaxParameterSet,
): Promise<RateResolution> {
  if (currency === 'CNY') throw problems.field(path, 'tax.rates.notCny', 'CNY needs no exchange rate.');
  const p = params ?? (await loadTaxParameters(ex, declarationDate));
  const rateDay = rateDayOf(p, declarationDate);
  const rate = await findRate(ex, currency, rateDay.date);
  if (!rate)
    throw exchangeRateMissing(
      [missingRate(currency, rateDay.date, declarationDate, path)],
      [{ currency, rateDate: rateDay.date, declarationDate }],
    );
  return { rateDay, rate, parameterVersions: p.versionsOf('exchangeRateDay', 'publicHolidays') };
}

export interface CnyAmount {
  /** Rounded half-up to 0.01 CNY. */
  cny: string;
  currency: string;
  amount: string;
  formula: string;
  /** Null for CNY. */
  rate: (StoredRate & { rateDay: string }) | null;
  parameterVersions: Record<string, number>;
}

/**
 * A foreign amount in CNY at the rate of the declaration's rate day (third Wednesday of the
 * previous month). Other modules call this inside their own transaction; it records which rate
 * version and parameter versions it used.
 */
export async function toCny(
  ex: Executor,
  req: { currency: string; amount: string; declarationDate: string; path?: string },
): Promise<CnyAmount> {
  if (req.currency === 'CNY') {
    const value = fen(new D(req.amount).toDecimalPlaces(2, D.ROUND_HALF_UP));
    return {
      cny: value,
      currency: 'CNY',
      amount: req.amount,
      formula: `${value} CNY`,
      rate: null,
      parameterVersions: {},
    };
  }
  const r = await applicableRate(ex, req.currency, req.declarationDate, req.path);
  const conversion = convertAtRate(req.amount, r.rate);
  return {
    cny: fen(conversion.cny),
    currency: req.currency,
    amount: req.amount,
    formula: conversion.formula,
    rate: { ...r.rate, rateDay: r.rateDay.explanation },
    parameterVersions: { ...r.parameterVersions, [`exchangeRate:${req.currency}@${r.rate.rateDate}`]: r.rate.version },
  };
}

export interface RateQuery {
  currency?: string;
  from?: string;
  to?: string;
  limit: number;
}

/** The newest version of every rate in a range, oldest day first. */
export async function listExchangeRates(ex: Executor, q: RateQuery): Promise<StoredRate[]> {
  const where = and(
    q.currency ? eq(exchangeRates.currency, q.currency) : undefined,
    q.from ? gte(exchangeRates.rateDate, q.from) : undefined,
    q.to ? lte(exchangeRates.rateDate, q.to) : undefined,
  );
  const rows = await ex
    .selectDistinctOn([exchangeRates.rateDate, exchangeRates.currency])
    .from(exchangeRates)
    .where(where)
    .orderBy(asc(exchangeRates.rateDate), asc(exchangeRates.currency), desc(exchangeRates.id))
    .limit(q.limit);
  return rows.map(stored);
}

export interface ImportRatesResult {
  batchId: string;
  rows: number;
  imported: number;
  unchanged: number;
  currencies: string[];
  from: string | null;
  to: string | null;
}

const CHUNK = 500;

/**
 * Loads validated rates as one command (all or nothing). A row equal to the newest version of its
 * currency and day is left alone, so loading the same file twice adds nothing; a different rate is
 * a new version with the audit entry naming the batch.
 */
export async function importExchangeRates(
  ctx: AppContext,
  actor: Actor,
  rows: readonly RateRow[],
  opts: { defaultSource: string; onProgress?: (done: number, total: number) => void },
): Promise<ImportRatesResult> {
  return runCommand(ctx, 'tax.importExchangeRates', async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${RATES_LOCK_ID})`);
    const now = ctx.clock.now();
    const batchId = uuidv7(now.getTime());
    const currencies = [...new Set(rows.map((r) => r.currency))].sort();
    const dates = rows.map((r) => r.rateDate).sort();
    const from = dates[0] ?? null;
    const to = dates[dates.length - 1] ?? null;
    const current = new Map<string, StoredRate>();
    if (from && to) {
      for (const r of await listExchangeRatesOf(tx, currencies, from, to))
        current.set(`${r.currency}@${r.rateDate}`, r);
    }
    const fresh = rows.filter((r) => {
      const c = current.get(`${r.currency}@${r.rateDate}`);
      return !c || !new D(c.rate).eq(r.rate) || c.unit !== r.unit || c.quote !== r.quote;
    });
    const values = fresh.map((r) => ({
      currency: r.currency,
      rateDate: r.rateDate,
      rate: r.rate,
      unit: r.unit,
      quote: r.quote,
      source: r.source ?? opts.defaultSource,
      batchId,
      loadedBy: actorLabel(actor),
      loadedAt: now,
    }));
    for (let i = 0; i < values.length; i += CHUNK) {
      await tx.insert(exchangeRates).values(values.slice(i, i + CHUNK));
      opts.onProgress?.(Math.min(values.length, i + CHUNK), values.length);
    }
    const result: ImportRatesResult = {
      batchId,
      rows: rows.length,
      imported: fresh.length,
      unchanged: rows.length - fresh.length,
      currencies,
      from,
      to,
    };
    // The digest lets an auditor prove which rates this batch added without copying them into the chain.
    const digest = createHash('sha256')
      .update(canonicalJson(values.map(({ loadedAt: _l, ...v }) => v)))
      .digest('hex');
    const { seq } = await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'tax.importExchangeRates',
      subject: `exchange-rates:${batchId}`,
      change: { ...result, digest },
      at: now,
    });
    if (fresh.length)
      await enqueueEvents(tx, [
        typedEvent(TAX_EVENTS, 'ExchangeRatesLoaded', {
          aggregateType: 'exchange-rates',
          aggregateId: batchId,
          payload: result,
          occurredAt: now,
          auditSeq: seq,
        }),
      ]);
    return result;
  });
}

async function listExchangeRatesOf(
  ex: Executor,
  currencies: string[],
  from: string,
  to: string,
): Promise<StoredRate[]> {
  const rows = await ex
    .selectDistinctOn([exchangeRates.currency, exchangeRates.rateDate])
    .from(exchangeRates)
    .where(
      and(
        inArray(exchangeRates.currency, currencies),
        gte(exchangeRates.rateDate, from),
        lte(exchangeRates.rateDate, to),
      ),
    )
    .orderBy(asc(exchangeRates.currency), asc(exchangeRates.rateDate), desc(exchangeRates.id));
  return rows.map(stored);
}
