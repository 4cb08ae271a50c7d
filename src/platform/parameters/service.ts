import { and, asc, desc, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { anyOf, tableRows } from '../db/rows.ts';
import { appendAudit } from '../audit/service.ts';
import { policyParameters } from './schema.ts';
import { DEFAULT_PARAMETERS } from './defaults.ts';
import { problems } from '../../kernel/problem.ts';

export interface ParameterValue<T = unknown> {
  name: string;
  value: T;
  /** The version used: every rule evaluation records it. */
  version: number;
  validFrom: string;
  validTo: string | null;
}

type Row = typeof policyParameters.$inferSelect;

function toValue<T>(row: Row): ParameterValue<T> {
  return { name: row.name, value: row.value as T, version: row.id, validFrom: row.validFrom, validTo: row.validTo };
}

/** The version in force on `asOf` (YYYY-MM-DD): covering the date, set last. */
export async function getParameter<T = unknown>(ex: Executor, name: string, asOf: string): Promise<ParameterValue<T>> {
  const [row] = await ex
    .select()
    .from(policyParameters)
    .where(and(eq(policyParameters.name, name), lte(policyParameters.validFrom, asOf), or(isNull(policyParameters.validTo), gt(policyParameters.validTo, asOf))))
    .orderBy(desc(policyParameters.id))
    .limit(1);
  if (!row) throw problems.rule('parameter-missing', 'Policy parameter missing', `No version of policy parameter "${name}" is in force on ${asOf}; an administrator must set one.`);
  return toValue<T>(row);
}

/** Read without the query builder: every gate batch reads its weight tolerance. */
const parameterRows = tableRows(policyParameters);

/** Several parameters in force on `asOf`, in one query; a missing one is the same problem as getParameter's. */
export async function getParameters(ex: Executor, names: readonly string[], asOf: string): Promise<Map<string, ParameterValue>> {
  const rows = names.length
    ? await parameterRows.select(ex, sql`select ${parameterRows.columns} from policy_parameters where name ${anyOf(names, 'text')} and valid_from <= ${asOf} and (valid_to is null or valid_to > ${asOf}) order by name, id desc`)
    : [];
  const found = new Map<string, ParameterValue>();
  for (const row of rows) if (!found.has(row.name)) found.set(row.name, toValue(row));
  for (const name of names) if (!found.has(name)) await getParameter(ex, name, asOf);
  return found;
}

/** Every parameter in force on `asOf`. */
export async function listParameters(ex: Executor, asOf: string): Promise<ParameterValue[]> {
  const rows = await ex
    .select()
    .from(policyParameters)
    .where(and(lte(policyParameters.validFrom, asOf), or(isNull(policyParameters.validTo), gt(policyParameters.validTo, asOf))))
    .orderBy(asc(policyParameters.name), desc(policyParameters.id));
  const seen = new Set<string>();
  const result: ParameterValue[] = [];
  for (const row of rows) {
    if (seen.has(row.name)) continue;
    seen.add(row.name);
    result.push(toValue(row));
  }
  return result;
}

export async function parameterHistory(ex: Executor, name: string) {
  return ex.select().from(policyParameters).where(eq(policyParameters.name, name)).orderBy(asc(policyParameters.id));
}

export interface SetParameterInput {
  name: string;
  value: unknown;
  validFrom: string;
  validTo?: string | null;
  reason: string;
}

/** A module's check of the values it can use for its parameters: null when the name is not its own. */
export type ParameterCheck = (name: string, value: unknown) => { rule: string; message: string }[] | null;
const parameterChecks: ParameterCheck[] = [];

/** Modules register the checks of their parameters, so a value their rules cannot use is refused when set. */
export function registerParameterCheck(check: ParameterCheck): void {
  if (!parameterChecks.includes(check)) parameterChecks.push(check);
}

/** Adds a version (append-only); the caller's transaction also appends the audit entry. */
export async function setParameter(tx: Executor, input: SetParameterInput, actor: string, now: Date) {
  if (input.validTo && input.validTo <= input.validFrom) {
    throw problems.field('validTo', 'parameters.validRange', 'validTo must be after validFrom.');
  }
  const violations = parameterChecks.flatMap((check) => check(input.name, input.value) ?? []);
  if (violations.length) throw problems.validation(violations.map((v) => ({ path: 'value', rule: v.rule, message: v.message })));
  const known = await tx.select({ n: sql<number>`count(*)::int` }).from(policyParameters).where(eq(policyParameters.name, input.name));
  if (Number(known[0]?.n ?? 0) === 0 && !DEFAULT_PARAMETERS.some((p) => p.name === input.name)) {
    throw problems.field('name', 'parameters.knownName', `Unknown policy parameter "${input.name}"; parameters are defined by the platform.`);
  }
  const [row] = await tx
    .insert(policyParameters)
    .values({ name: input.name, value: input.value, validFrom: input.validFrom, validTo: input.validTo ?? null, setBy: actor, reason: input.reason, createdAt: now })
    .returning();
  await appendAudit(tx, { actor, action: 'parameter.set', subject: `parameter:${input.name}`, change: row, at: now });
  return row!;
}

/** Seeds the defaults once (only names that have no version yet). */
export async function seedDefaultParameters(tx: Executor, now: Date): Promise<number> {
  let added = 0;
  for (const p of DEFAULT_PARAMETERS) {
    const existing = await tx.select({ id: policyParameters.id }).from(policyParameters).where(and(eq(policyParameters.name, p.name), eq(policyParameters.validFrom, p.validFrom))).limit(1);
    if (existing.length) continue;
    const [row] = await tx
      .insert(policyParameters)
      .values({ name: p.name, value: p.value, validFrom: p.validFrom, validTo: p.validTo ?? null, setBy: 'system:seed', reason: p.reason, createdAt: now })
      .returning();
    await appendAudit(tx, { actor: 'system:seed', action: 'parameter.set', subject: `parameter:${p.name}`, change: row, at: now });
    added++;
  }
  return added;
}
