import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { Problem, problems, type FieldError, type ProblemBody } from '../../kernel/problem.ts';
import { connectionLost } from '../db/client.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** The rule of a 400 made from a database data exception: a wire type should have named the field. */
export const DATA_EXCEPTION_RULE = 'database.dataException';

/** "/lines/0/hsCode" -> "lines[0].hsCode": the field path a form or a client can point at. */
export function jsonPointerToPath(pointer: string): string {
  const parts = pointer.split('/').filter((p) => p !== '');
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

interface ValidationIssue {
  instancePath: string;
  message?: string;
  keyword?: string;
  params?: { params?: { rule?: string }; expected?: string; keys?: string[] };
}

function fieldErrorsFromValidation(issues: ValidationIssue[], context: string | undefined): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const base = jsonPointerToPath(issue.instancePath);
    const rule = issue.params?.params?.rule ?? (issue.keyword ? `schema.${issue.keyword}` : undefined);
    // Unknown keys are reported one per key so each can be pointed at.
    if (issue.keyword === 'unrecognized_keys' && issue.params?.keys?.length) {
      for (const key of issue.params.keys) {
        errors.push({
          path: base ? `${base}.${key}` : key,
          message: 'Unknown field; remove it.',
          rule: 'schema.unrecognizedKey',
        });
      }
      continue;
    }
    const path = base || (context === 'body' ? '' : (context ?? ''));
    errors.push({ path, message: issue.message ?? 'Invalid value', ...(rule ? { rule } : {}) });
  }
  return errors;
}

/** Maps anything thrown by a route to a problem body. 5xx details stay in the log, never in the reply. */
export function toProblem(err: unknown): Problem {
  if (err instanceof Problem) return err;
  const e = err as FastifyError & { validation?: ValidationIssue[]; validationContext?: string };
  if (hasZodFastifySchemaValidationErrors(e)) {
    const where =
      e.validationContext === 'querystring'
        ? 'query string'
        : e.validationContext === 'params'
          ? 'path'
          : e.validationContext === 'headers'
            ? 'headers'
            : 'body';
    const errors = fieldErrorsFromValidation(e.validation as ValidationIssue[], e.validationContext);
    return problems.validation(
      errors,
      `The request ${where} is invalid: ${errors.map((x) => `${x.path || '(root)'}: ${x.message}`).join('; ')}`,
    );
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new Problem({
        status: 413,
        code: 'body-too-large',
        title: 'Request body too large',
        detail: 'The request body is larger than the 1 MiB limit; split the document or upload it as a bulk import.',
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new Problem({
        status: 415,
        code: 'unsupported-media-type',
        title: 'Unsupported media type',
        detail: 'Send the body as JSON with "Content-Type: application/json".',
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problems.validation([{ path: '', message: 'The JSON body is empty.', rule: 'http.jsonBody' }]);
    case 'FST_ERR_BAD_URL':
      return problems.validation(
        [
          {
            path: '',
            message: 'The URL is not valid (a path segment is not well percent-encoded UTF-8).',
            rule: 'http.url',
          },
        ],
        'The URL is not valid: a path segment is not well percent-encoded UTF-8.',
      );
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new Problem({
        status: 414,
        code: 'uri-too-long',
        title: 'URI too long',
        detail: 'A path segment is longer than the API accepts.',
      });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problems.validation([{ path: '', message: 'The body is not valid JSON.', rule: 'http.jsonBody' }]);
  }
  if (e instanceof SyntaxError || (e?.statusCode === 400 && /JSON/i.test(e.message ?? ''))) {
    return problems.validation([{ path: '', message: 'The body is not valid JSON.', rule: 'http.jsonBody' }]);
  }
  const pgCode = (e as { code?: string })?.code ?? (e as { cause?: { code?: string } })?.cause?.code;
  if (pgCode === '23505') {
    // A concurrent request won the race for a unique value: the same answer as the explicit check.
    return problems.conflict('The record already exists (a concurrent request created it first).');
  }
  if (typeof pgCode === 'string' && pgCode.startsWith('22')) {
    // Class 22, data exception (a NUL byte, a value out of range, text that is not a date): the input
    // was wrong, not the server. The wire types refuse these by field first; this is the last resort.
    const message = 'A value in the request cannot be stored or compared (out of range or not valid text).';
    return problems.validation([{ path: '', message, rule: DATA_EXCEPTION_RULE }], message);
  }
  if (pgCode === '23514') {
    return problems.rule(
      'invariant',
      'Invariant violated',
      'The change would break a database invariant and was refused.',
    );
  }
  if (databaseUnavailable(err)) {
    // The connection broke during the command, or the server is a standby or shutting down (a
    // failover under way). The transaction either never committed or committed before the answer
    // was lost; sending the same request again (same requestId or Idempotency-Key) is safe and
    // says which: the client retries, it does not treat this as a refusal of its request.
    return new Problem({
      status: 503,
      code: 'database-unavailable',
      title: 'Database unavailable',
      detail:
        'The database connection was lost or the database is not accepting writes (a failover may be under way). ' +
        'Send the same request again, with the same requestId or Idempotency-Key.',
      extra: { retryAfterSeconds: 1 },
    });
  }
  if (e && typeof e === 'object' && isResponseSerializationError(e as never)) {
    return new Problem({
      status: 500,
      code: 'internal',
      title: 'Internal error',
      detail: 'The server built a response it could not validate; the error has been logged.',
    });
  }
  if (e?.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return new Problem({ status: e.statusCode, code: 'bad-request', title: 'Bad request', detail: e.message });
  }
  return new Problem({
    status: 500,
    code: 'internal',
    title: 'Internal error',
    detail:
      'Something went wrong on our side; it has been logged. Retry later, or report the request id to an ' +
      'administrator.',
  });
}

/**
 * Whether an error says the database could not be reached or could not take the command now: a
 * lost or refused connection (`connectionLost`), SQLSTATE class 08 (connection exception), a server
 * still starting (57P03), or a write on a read-only server (25006, a primary that became a standby).
 * Looks through the wrappers the drivers put around it.
 */
export function databaseUnavailable(err: unknown): boolean {
  if (connectionLost(err)) return true;
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('08') || code === '57P03' || code === '25006')) return true;
  }
  return false;
}

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  problem: Problem,
  extraHeaders?: Record<string, string>,
): FastifyReply {
  const body: ProblemBody = problem.toBody(request.url);
  body.requestId = request.id;
  reply.code(problem.status).header('content-type', PROBLEM_CONTENT_TYPE);
  // A refusal that says when to come back (a full queue, a locked log-in) says it in the header too.
  const retryAfter = problem.extra.retryAfterSeconds;
  if (typeof retryAfter === 'number' && Number.isFinite(retryAfter)) reply.header('retry-after', String(retryAfter));
  if (extraHeaders) reply.headers(extraHeaders);
  return reply.send(JSON.stringify(body));
}
