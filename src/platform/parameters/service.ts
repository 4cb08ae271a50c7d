import { and, asc, desc, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { anyOf, tableRows } from '../db/rows.ts';
import { appendAudit, appendAuditMany } from '../audit/service.ts';
import { policyParameters } from './schema.ts';
import { problems } from '../../kernel/problem.ts';
import { validateDefinitions, valueViolations, type ParameterDefinition } from './definition.ts';
import {
  deepFreeze,
  enclosingTransaction,
  referenceCacheOf,
  transactionCacheOf,
  type ReferenceCache,
} from '../reference/cache.ts';
import { referenceVersions } from '../reference/schema.ts';

export interface ParameterValue<T = unknown> {
  name: string;
  value: T;
  /** The version used: every rule evaluation records it. */
  version: number;
  validFrom: string;
  validTo: string | null;
}

type Row = typeof policyParameters.$inferSelect;

/**
 * The definitions in use: the composition root (src/main.ts) passes every module's list once at
 * start-up. The platform imports no module, so it learns the parameters here.
 */
let definitions = new Map<string, ParameterDefinition>();

/** Checks the seeds against their schemas (a bad seed fails the start) and makes the list the one in use. */
export function useParameterDefinitions(defs: readonly ParameterDefinition[]): void {
  validateDefinitions(defs);
  definitions = new Map(defs.map((d) => [d.name, d]));
}

export function parameterDefinitions(): ParameterDefinition[] {
  return [...definitions.values()];
}

/**
 * A stored value is parsed with its schema before any rule uses it: a value stored before the
 * schema existed, or written around the API, is a problem naming the parameter, never a 500 later.
 */
function toValue<T>(row: Row): ParameterValue<T> {
  const def = definitions.get(row.name);
  const wrong = def ? valueViolations(def, row.value) : [];
  if (wrong.length) {
    throw problems.rule(
      'parameter-invalid',
      'Policy parameter invalid',
      `Version ${row.id} of policy parameter "${row.name}" does not satisfy its schema ` +
        `(${wrong.map((w) => `value${w.path}: ${w.message}`).join('; ')}); an administrator must set a valid version.`,
      wrong.map((w) => ({ path: `${row.name}${w.path}`, rule: w.rule, message: w.message })),
    );
  }
  return { name: row.name, value: row.value as T, version: row.id, validFrom: row.validFrom, validTo: row.validTo };
}

const missingProblem = (name: string, asOf: string) =>
  problems.rule(
    'parameter-missing',
    'Policy parameter missing',
    `No version of policy parameter "${name}" is in force on ${asOf}; an administrator must set one.`,
  );

/**
 * Every stored version, by name, newest first, as of one version of the table (reference_versions):
 * the cache holds the whole table (a few hundred rows) and answers "in force on a date" in memory,
 * exactly as the queries below do. Only through the database handle; a transaction reads the table.
 */
interface ParameterTable {
  byName: Map<string, Row[]>;
  /** Rows parsed with their schema, once per version of the table. */
  parsed: Map<number, ParameterValue>;
}

async function cachedTable(ex: Executor): Promise<ParameterTable | null> {
  const cache = referenceCacheOf(ex);
  if (cache) return cache.get('parameters', 'table', () => loadTable(ex));
  return transactionTable(ex);
}

async function loadTable(ex: Executor): Promise<ParameterTable> {
  const rows = await ex.select().from(policyParameters).orderBy(asc(policyParameters.name), desc(policyParameters.id));
  const byName = new Map<string, Row[]>();
  for (const row of rows) {
    const list = byName.get(row.name);
    if (list) list.push(row);
    else byName.set(row.name, [row]);
  }
  return { byName, parsed: new Map() };
}

/**
 * Inside a command's transaction: the table as the transaction first found it, for the rest of the
 * command. The exit read parameters ten times, one statement each; now one small read of the counter
 * (through the transaction, so it sees what the transaction sees, its own change included) and the
 * process's entry of that very counter, or the table read through the transaction when none is held.
 * A command so decides on one version of the parameters throughout, where separate reads could each
 * see a different one under read-committed. The transaction's own change of a parameter drops what it
 * held (setParameter, seedDefaultParameters), and what every transaction enclosing it held. A transaction
 * not opened by runCommand is not bound to a cache and reads the table each time, as before.
 *
 * A command run inside another command's transaction (a savepoint of it: every command of the demo
 * seed runs inside the seed's one transaction) reads the table its enclosing transaction holds: nothing
 * but that transaction's own writes can change what it sees, and those drop it. The demo seed read the
 * table some 600 times, a statement each, because its commands' transactions were bound to no cache.
 */
const transactionTables = new WeakMap<object, Promise<ParameterTable | null>>();

function transactionTable(tx: Executor): Promise<ParameterTable | null> {
  const cache = transactionCacheOf(tx);
  if (!cache) return Promise.resolve(null);
  const outer = enclosingTransaction(tx);
  if (outer && !writers.has(tx)) return transactionTable(outer);
  // The promise is held, not the table: a command's reads travel side by side (pipelined), and the
  // first one's counter read serves them all.
  let table = transactionTables.get(tx);
  if (!table) {
    table = readTransactionTable(tx, cache);
    transactionTables.set(tx, table);
  }
  return table;
}

/** Transactions that wrote parameters: they read the table themselves from then on. */
const writers = new WeakSet<object>();

/**
 * Before a transaction writes parameters: it and every transaction enclosing it read the table again
 * (the enclosing ones once it has ended, committed or rolled back; meanwhile it reads its own).
 */
function forgetTransactionTables(tx: Executor): void {
  writers.add(tx);
  for (let t: Executor | null = tx; t; t = enclosingTransaction(t)) transactionTables.delete(t);
}

async function readTransactionTable(tx: Executor, cache: ReferenceCache): Promise<ParameterTable | null> {
  const [counter] = await queryRows<{ version: string }>(
    tx,
    sql`select version::text as version from ${referenceVersions} where kind = 'parameters'`,
  );
  if (!counter) return null;
  return cache.peek<ParameterTable>('parameters', 'table', Number(counter.version)) ?? (await loadTable(tx));
}

/** The row in force on `asOf` (valid_from <= asOf < valid_to, the highest id), as the SQL picks it. */
function inForce(table: ParameterTable, name: string, asOf: string): Row | undefined {
  for (const row of table.byName.get(name) ?? []) {
    if (row.validFrom <= asOf && (row.validTo === null || row.validTo > asOf)) return row;
  }
  return undefined;
}

function parsedRow<T>(table: ParameterTable, row: Row): ParameterValue<T> {
  let v = table.parsed.get(row.id);
  if (!v) {
    v = deepFreeze(toValue(row));
    table.parsed.set(row.id, v);
  }
  return v as ParameterValue<T>;
}

/** The version in force on `asOf` (YYYY-MM-DD): covering the date, set last. */
export async function getParameter<T = unknown>(ex: Executor, name: string, asOf: string): Promise<ParameterValue<T>> {
  const table = await cachedTable(ex);
  if (table) {
    const row = inForce(table, name, asOf);
    if (!row) throw missingProblem(name, asOf);
    return parsedRow<T>(table, row);
  }
  const [row] = await ex
    .select()
    .from(policyParameters)
    .where(
      and(
        eq(policyParameters.name, name),
        lte(policyParameters.validFrom, asOf),
        or(isNull(policyParameters.validTo), gt(policyParameters.validTo, asOf)),
      ),
    )
    .orderBy(desc(policyParameters.id))
    .limit(1);
  if (!row) throw missingProblem(name, asOf);
  return toValue<T>(row);
}

/**
 * A version read by a caller's own statement, checked as getParameter checks it: for a hot read that
 * joins the version in force on `asOf` (valid_from <= asOf < valid_to, the highest id, as the queries
 * here pick it) beside its own rows, one statement instead of the cache's counter read and its own
 * (the duty-free quota look-up). `value` is the column's JSON text; none read is the missing problem.
 */
export function parameterRead<T = unknown>(
  read: { id: number; value: string; validFrom: string; validTo: string | null } | undefined,
  name: string,
  asOf: string,
): ParameterValue<T> {
  if (!read) throw missingProblem(name, asOf);
  const row = { name, id: read.id, value: JSON.parse(read.value) as unknown } as Row;
  return { ...toValue<T>(row), validFrom: read.validFrom, validTo: read.validTo };
}

/** Read without the query builder: every gate batch reads its weight tolerance. */
const parameterRows = tableRows(policyParameters);

/** Several parameters in force on `asOf`, in one query; a missing one is the same problem as getParameter's. */
export async function getParameters(
  ex: Executor,
  names: readonly string[],
  asOf: string,
): Promise<Map<string, ParameterValue>> {
  const table = await cachedTable(ex);
  if (table) {
    const found = new Map<string, ParameterValue>();
    for (const name of names) {
      const row = inForce(table, name, asOf);
      if (!row) throw missingProblem(name, asOf);
      found.set(name, parsedRow(table, row));
    }
    return found;
  }
  const rows = names.length
    ? await parameterRows.select(
        ex,
        sql`select ${parameterRows.columns} from ${policyParameters} where name ${anyOf(names, 'text')} and
            valid_from <= ${asOf} and (valid_to is null or valid_to > ${asOf}) order by name, id desc`,
      )
    : [];
  const found = new Map<string, ParameterValue>();
  for (const row of rows) if (!found.has(row.name)) found.set(row.name, toValue(row));
  for (const name of names) if (!found.has(name)) await getParameter(ex, name, asOf);
  return found;
}

/** Every parameter in force on `asOf`, each parsed with its schema (what rules read). */
export async function listParameters(ex: Executor, asOf: string): Promise<ParameterValue[]> {
  const table = await cachedTable(ex);
  if (table) {
    const out: ParameterValue[] = [];
    for (const name of table.byName.keys()) {
      const row = inForce(table, name, asOf);
      if (row) out.push(parsedRow(table, row));
    }
    return out;
  }
  return (await latestRows(ex, asOf)).map((row) => toValue(row));
}

/** Every parameter in force on `asOf` as stored: an administrator sees (and replaces) a version breaking its schema. */
export async function listStoredParameters(ex: Executor, asOf: string): Promise<ParameterValue[]> {
  const rows = await latestRows(ex, asOf);
  return rows.map((r) => ({ name: r.name, value: r.value, version: r.id, validFrom: r.validFrom, validTo: r.validTo }));
}

async function latestRows(ex: Executor, asOf: string): Promise<Row[]> {
  const rows = await ex
    .select()
    .from(policyParameters)
    .where(
      and(
        lte(policyParameters.validFrom, asOf),
        or(isNull(policyParameters.validTo), gt(policyParameters.validTo, asOf)),
      ),
    )
    .orderBy(asc(policyParameters.name), desc(policyParameters.id));
  const seen = new Set<string>();
  const result: Row[] = [];
  for (const row of rows) {
    if (seen.has(row.name)) continue;
    seen.add(row.name);
    result.push(row);
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
  const def = definitions.get(input.name);
  if (!def) {
    const message = `Unknown policy parameter "${input.name}"; parameters are defined by the modules.`;
    throw problems.field('name', 'parameters.knownName', message);
  }
  const wrong = valueViolations(def, input.value);
  if (wrong.length) {
    throw problems.validation(wrong.map((v) => ({ path: `value${v.path}`, rule: v.rule, message: v.message })));
  }
  const violations = parameterChecks.flatMap((check) => check(input.name, input.value) ?? []);
  if (violations.length)
    throw problems.validation(violations.map((v) => ({ path: 'value', rule: v.rule, message: v.message })));
  forgetTransactionTables(tx);
  const [row] = await tx
    .insert(policyParameters)
    .values({
      name: input.name,
      value: input.value,
      validFrom: input.validFrom,
      validTo: input.validTo ?? null,
      setBy: actor,
      reason: input.reason,
      createdAt: now,
    })
    .returning();
  await appendAudit(tx, { actor, action: 'parameter.set', subject: `parameter:${input.name}`, change: row, at: now });
  return row!;
}

/**
 * Seeds the defaults of every definition once (only versions not there yet): one read of what is
 * there, one multi-row insert of what is missing, and an audit entry for each version added.
 */
export async function seedDefaultParameters(tx: Executor, now: Date): Promise<number> {
  const present = await tx
    .select({ name: policyParameters.name, validFrom: policyParameters.validFrom })
    .from(policyParameters);
  const seen = new Set(present.map((r) => `${r.name}\0${r.validFrom}`));
  const missing = [];
  for (const p of parameterDefinitions().flatMap((d) => d.defaults)) {
    const key = `${p.name}\0${p.validFrom}`;
    if (seen.has(key)) continue;
    seen.add(key);
    missing.push({
      name: p.name,
      value: p.value,
      validFrom: p.validFrom,
      validTo: p.validTo ?? null,
      setBy: 'system:seed',
      reason: p.reason,
      createdAt: now,
    });
  }
  if (!missing.length) return 0;
  forgetTransactionTables(tx);
  const rows = await tx.insert(policyParameters).values(missing).returning();
  // One entry per parameter, in id order as before, appended together (one append, not one each).
  await appendAuditMany(
    tx,
    rows
      .sort((a, b) => a.id - b.id)
      .map((row) => ({
        actor: 'system:seed',
        action: 'parameter.set',
        subject: `parameter:${row.name}`,
        change: row,
        at: now,
      })),
  );
  return rows.length;
}
