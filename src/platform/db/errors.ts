import { DrizzleQueryError } from 'drizzle-orm';
import type { Logger } from 'pino';

/**
 * What of a failed statement may leave the process. A database error can carry the statement's
 * parameters (names, identity numbers, amounts, password hashes) in several places: Drizzle's
 * wrapper puts them in its message ("Failed query: …\nparams: …") and in `params`; PGlite's error
 * has `params`; postgres.js, because the client has a `debug` hook (statement counts and the
 * transaction marks need it), makes its errors' `parameters`, `args` and `types` enumerable, and
 * those cannot be hidden again (it defines them non-configurable). PostgreSQL itself quotes the
 * offending value in the message of a data exception (`invalid input syntax for type integer:
 * "…"`) and the key or the whole row in `detail`. What stays: the SQLSTATE, the constraint, table,
 * column and schema it names (the problem+json mapping and whoever reads the log need them) and the
 * statement's text, whose values are all `$n` placeholders.
 */

/** Properties that hold values of the statement (or of the row it wrote), never written to a log. */
const VALUE_PROPERTIES = new Set([
  'parameters',
  'params',
  'args',
  'types',
  'queryOptions',
  'detail',
  'hint',
  'where',
  'internal_query',
  'internalQuery',
  'raw',
]);

/** postgres.js's names for the fields PostgreSQL reports, as PGlite (and the log) name them. */
const FIELD_NAMES: Record<string, string> = {
  constraint_name: 'constraint',
  table_name: 'table',
  column_name: 'column',
  schema_name: 'schema',
  'data type_name': 'dataType',
};

/** How deep a chain of causes is followed (Drizzle's wrapper → the driver's error is two). */
const MAX_CAUSES = 5;

type ErrorLike = Error & Record<string, unknown>;

function isErrorLike(value: unknown): value is ErrorLike {
  return (
    value instanceof Error || (typeof value === 'object' && value !== null && 'message' in value && 'stack' in value)
  );
}

/** An error PostgreSQL (through either driver) reported: a five-character SQLSTATE and a severity. */
function fromServer(e: ErrorLike): boolean {
  return typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string';
}

/** The names the error itself gives (constraint, table, column…): quoted in its message, they may stay. */
function namedObjects(e: ErrorLike): Set<string> {
  const names = new Set<string>();
  for (const key of ['constraint', 'table', 'column', 'schema']) {
    for (const name of [e[key], e[`${key}_name`]]) if (typeof name === 'string') names.add(name);
  }
  return names;
}

/**
 * The message without the values it may quote. Drizzle's keeps the statement, not its parameters.
 * PostgreSQL quotes a value in double quotes: in a data exception (class 22) everything from the
 * first quote to the last is the value and goes (the value may itself hold quotes); elsewhere a
 * quoted word stays only if the error names it as its constraint, table, column or schema.
 */
export function safeMessage(err: unknown): string {
  if (!isErrorLike(err)) return String(err);
  const message = String(err.message ?? '');
  if (err instanceof DrizzleQueryError) return failedQueryMessage(err);
  if (!fromServer(err) || !message.includes('"')) return message;
  if ((err.code as string).startsWith('22')) {
    const first = message.indexOf('"');
    const last = message.lastIndexOf('"');
    return `${message.slice(0, first)}"…"${last > first ? message.slice(last + 1) : ''}`;
  }
  const parts = message.split('"');
  // An odd number of quotes: a value held one; nothing after the first is kept.
  if (parts.length % 2 === 0) return `${parts[0]}"…"`;
  const names = namedObjects(err);
  return parts.map((p, i) => (i % 2 === 1 ? (names.has(p) ? p : '…') : p)).join('"');
}

function failedQueryMessage(err: DrizzleQueryError): string {
  return typeof err.query === 'string' ? `Failed query: ${err.query}` : 'Failed query';
}

/** The stack with its first line (the type and the message, which may span lines) written from the safe message. */
function safeStack(e: ErrorLike): string | undefined {
  if (typeof e.stack !== 'string') return undefined;
  const header = `${e.name}: ${e.message}`;
  // The header as captured when the message has not changed since; otherwise up to the first frame.
  const frames = e.stack.startsWith(header) ? header.length : e.stack.indexOf('\n    at ');
  return `${e.name}: ${safeMessage(e)}${frames >= 0 ? e.stack.slice(frames) : ''}`;
}

function causesOf(err: ErrorLike): ErrorLike[] {
  const chain: ErrorLike[] = [err];
  for (let e = err.cause; isErrorLike(e) && chain.length < MAX_CAUSES && !chain.includes(e); e = e.cause) chain.push(e);
  return chain;
}

/**
 * An error as a log may hold it: the pino `err` serializer of the application's logger. Like
 * pino's own (type, message and stack joined along the causes, the other enumerable properties
 * copied), but every message passes `safeMessage`, the properties that hold values are left out, and
 * the SQLSTATE and the names the database gave (constraint, table, column) are lifted from the cause
 * that has them, so that a wrapped driver error still shows them at the top.
 */
export function loggableError(err: unknown): unknown {
  if (!isErrorLike(err)) return err;
  const chain = causesOf(err);
  const out: Record<string, unknown> = {
    type: err.constructor?.name ?? err.name,
    message: chain.map(safeMessage).join(': '),
    stack: chain
      .map(safeStack)
      .filter((s) => s !== undefined)
      .join('\ncaused by: '),
  };
  for (const e of chain) {
    for (const key of Object.keys(e)) {
      const value = e[key];
      if (VALUE_PROPERTIES.has(key) || key === 'cause' || key === 'message' || key === 'stack') continue;
      const name = FIELD_NAMES[key] ?? key;
      if (out[name] !== undefined || value === undefined) continue;
      out[name] = isErrorLike(value) ? safeMessage(value) : value;
    }
  }
  if (Array.isArray(err.errors)) out.aggregateErrors = err.errors.map(loggableError);
  return out;
}

let guarded = false;

/**
 * Keeps the parameters off Drizzle's query errors as they are made. Its constructor assigns `query`,
 * then `params`, then captures the stack; the assignment of `params` lands on this setter, which
 * keeps the values nowhere and rewrites the message to the statement alone before the stack (whose
 * first line is the message) is taken. Whatever then prints the error or its message (a log line,
 * the outbox cursor's last error, the command line's answer) has no parameters to print.
 */
export function keepParametersOffQueryErrors(): void {
  if (guarded) return;
  guarded = true;
  Object.defineProperty(DrizzleQueryError.prototype, 'params', {
    configurable: true,
    get: () => undefined,
    set(this: DrizzleQueryError) {
      this.message = failedQueryMessage(this);
    },
  });
}

/**
 * The application's logger (its own or the one it was given): every `err` written through it or
 * its children (each request's logger among them) passes `loggableError`.
 */
export function withSafeErrors(log: Logger): Logger {
  return log.child({}, { serializers: { err: loggableError } });
}
