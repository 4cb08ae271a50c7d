import { describe, expect, it } from 'vitest';
import { DATA_EXCEPTION_RULE, toProblem } from './problemReply.ts';

describe('toProblem, the last resort', () => {
  it.each([
    ['22P05', 'untranslatable character (a NUL in jsonb)'],
    ['22021', 'character not in repertoire (a NUL in text)'],
    ['22007', 'invalid datetime format'],
    ['22008', 'datetime field overflow (year 0000)'],
    ['22P02', 'invalid text representation (not a uuid)'],
    ['22003', 'numeric value out of range'],
  ])('a database data exception %s (%s) is a 400, not a 500', (code) => {
    const direct = toProblem(Object.assign(new Error('db said no'), { code }));
    expect(direct.status).toBe(400);
    expect(direct.errors?.[0]?.rule).toBe(DATA_EXCEPTION_RULE);
    // Drizzle wraps the driver's error: the code is on the cause.
    const cause = Object.assign(new Error('db said no'), { code });
    const wrapped = toProblem(Object.assign(new Error('Failed query'), { cause }));
    expect(wrapped.status).toBe(400);
  });

  it('other database failures stay 500s with nothing of the error in the reply', () => {
    const p = toProblem(Object.assign(new Error('internal error: secret host 10.0.0.5'), { code: 'XX000' }));
    expect(p.status).toBe(500);
    expect(JSON.stringify(p.toBody())).not.toContain('10.0.0.5');
  });

  it.each([
    ['08006', 'connection failure'],
    ['57P01', 'administrator shutdown (a primary stopped for a switchover)'],
    ['25006', 'read-only transaction (a demoted primary)'],
    ['CONNECTION_CLOSED', "postgres.js's connection closed during the query"],
    ['ECONNREFUSED', 'no server on the port'],
  ])('a lost or refused database (%s, %s) is a 503 to send again, naming nothing of the server', (code) => {
    const cause = Object.assign(new Error('connection reset: secret host 10.0.0.5'), { code });
    for (const err of [cause, Object.assign(new Error('Failed query'), { cause })]) {
      const p = toProblem(err);
      expect(p.status).toBe(503);
      expect(p.type).toMatch(/database-unavailable$/);
      expect(p.extra.retryAfterSeconds).toBe(1);
      expect(JSON.stringify(p.toBody())).not.toContain('10.0.0.5');
    }
  });
});
