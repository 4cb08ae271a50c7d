import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { testDbKind } from '../support/db.ts';
import { loggableError, safeMessage } from '../../src/platform/db/errors.ts';

/**
 * A failed statement's parameters (names, identity numbers, amounts, password hashes) never reach
 * a log line or a problem+json answer: not through Drizzle's wrapper (its message and `params`), not
 * through the driver's error (postgres.js makes `parameters` enumerable because the client has a
 * `debug` hook; PGlite's error has `params`), not through PostgreSQL's own `detail` or the value it
 * quotes in a data exception's message. The SQLSTATE and the constraint stay.
 */
const PERSON = 'Zhang Wei 110101199003074512';
const ID_NUMBER = '110101199003074512';

let t: TestApp;
let admin: string;
const lines: string[] = [];

beforeAll(async () => {
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  t = await startTestApp({ logger });
  admin = await t.authFor('admin', { name: 'admin' });
  // A trigger that refuses some users the way the database refuses data: an internal error whose
  // detail holds the row, and a data exception that quotes the value it could not read.
  await t.ctx.db.execute(
    sql.raw(`create function tg_test_refuse() returns trigger language plpgsql as $$
      begin
        if new.display_name like 'REFUSE %' then
          raise exception 'refused by a test trigger' using errcode = 'XX000',
            detail = 'Failing row contains (' || new.display_name || ').';
        end if;
        if new.display_name like 'NUMBER %' then
          perform substr(new.display_name, 8)::int;
        end if;
        return new;
      end $$`),
  );
  await t.ctx.db.execute(
    sql.raw('create trigger tg_test_refuse before insert on users for each row execute function tg_test_refuse()'),
  );
});
afterAll(async () => {
  await t?.close();
});

function expectNoValues(text: string) {
  expect(text).not.toContain(ID_NUMBER);
  expect(text).not.toContain('$argon2');
  expect(text).not.toContain('test-password-123');
  expect(text).not.toMatch(/params:|"parameters"|"params"|"args"/);
}

const createUser = (username: string, displayName: string) =>
  t.request({
    method: 'POST',
    url: '/api/v1/users',
    auth: admin,
    body: { username, password: 'test-password-123', role: 'inspector', displayName },
  });

/** What the log holds about the request with this id. */
function logOf(requestId: string): Record<string, unknown>[] {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.reqId === requestId);
}

describe('a failed statement in a request', () => {
  it('a 500: the error handler logs the SQLSTATE and the statement, not its parameters or the row', async () => {
    const res = await createUser('refused-500', `REFUSE ${PERSON}`);
    expect(res.statusCode).toBe(500);
    expectNoValues(res.body);
    expect(res.body).not.toMatch(/insert into|"users"|refused by a test trigger/i);
    const logged = logOf(res.headers['x-request-id'] as string);
    const failure = logged.find((l) => l.msg === 'request failed');
    expect(failure).toBeDefined();
    const err = failure!.err as Record<string, unknown>;
    expect(err.code).toBe('XX000');
    expect(String(err.message)).toContain('insert into "users"');
    expect(String(err.message)).toContain('refused by a test trigger');
    expectNoValues(JSON.stringify(logged));
    expect(JSON.stringify(logged)).not.toContain('Zhang Wei');
  });

  it('a data exception: a 400 naming no value; the log keeps the SQLSTATE, not the quoted value', async () => {
    const res = await createUser('refused-400', `NUMBER ${ID_NUMBER}`);
    expect(res.statusCode).toBe(400);
    expectNoValues(res.body);
    expect(res.body).not.toMatch(/insert into|invalid input syntax/i);
    const logged = logOf(res.headers['x-request-id'] as string);
    const refusal = logged.find((l) => l.msg === 'request refused by the database');
    expect(refusal).toBeDefined();
    const err = refusal!.err as Record<string, unknown>;
    // The number does not fit: PostgreSQL's message quotes it.
    expect(err.code).toBe('22003');
    expect(String(err.message)).toContain('value "…" is out of range for type integer');
    expectNoValues(JSON.stringify(logged));
  });

  it('a unique key taken: a 409; nothing of the row in the answer or the log', async () => {
    expect((await createUser('taken-once', PERSON)).statusCode).toBe(201);
    const res = await createUser('taken-once', PERSON);
    expect(res.statusCode).toBe(409);
    expectNoValues(res.body);
    expectNoValues(JSON.stringify(logOf(res.headers['x-request-id'] as string)));
  });
});

describe('a failed statement outside a request', () => {
  async function failure(statement: Parameters<TestApp['ctx']['db']['execute']>[0]): Promise<unknown> {
    return t.ctx.db.execute(statement).then(
      () => expect.fail('the statement should have failed'),
      (err: unknown) => err,
    );
  }

  it('a unique violation keeps its SQLSTATE and constraint; message, stack and log hold no value', async () => {
    await t.ctx.db.execute(sql`create table tg_test_people (id_number text primary key, name text)`);
    await t.ctx.db.execute(sql`insert into tg_test_people values (${ID_NUMBER}, ${PERSON})`);
    const err = (await failure(sql`insert into tg_test_people values (${ID_NUMBER}, ${PERSON})`)) as Error;
    expectNoValues(err.message);
    expectNoValues(String(err.stack));
    expect(err.message).toBe('Failed query: insert into tg_test_people values ($1, $2)');
    const logged = loggableError(err) as Record<string, unknown>;
    expect(logged.code).toBe('23505');
    expect(logged.constraint).toBe('tg_test_people_pkey');
    expect(logged.table).toBe('tg_test_people');
    expect(String(logged.message)).toContain('violates unique constraint "tg_test_people_pkey"');
    expectNoValues(JSON.stringify(logged));
    expect(JSON.stringify(logged)).not.toContain('Zhang Wei');
  });

  it('a data exception: the quoted value leaves the message, the SQLSTATE stays', async () => {
    const err = await failure(sql`select ${`ID ${ID_NUMBER}`}::int`);
    const logged = loggableError(err) as Record<string, unknown>;
    expect(logged.code).toBe('22P02');
    expectNoValues(JSON.stringify(logged));
  });

  it.runIf(testDbKind() === 'postgres')('the driver error on its own (postgres.js with a debug hook)', async () => {
    const client = t.ctx.database.postgres!;
    const err = await client.unsafe('select $1::int', [`ID ${ID_NUMBER}`]).then(
      () => expect.fail('the statement should have failed'),
      (e: unknown) => e as Error & Record<string, unknown>,
    );
    // What postgres.js itself exposes once a debug hook is set: the reason for the serializer.
    expect(inspect(err)).toContain(ID_NUMBER);
    expect(safeMessage(err)).toBe('invalid input syntax for type integer: "…"');
    const logged = loggableError(err) as Record<string, unknown>;
    expect(logged.code).toBe('22P02');
    expect(logged.query).toBe('select $1::int');
    expectNoValues(JSON.stringify(logged));
  });

  it.runIf(testDbKind() === 'pglite')('the driver error on its own (PGlite)', async () => {
    const err = await t.ctx.database.pglite!.query('select $1::int', [`ID ${ID_NUMBER}`]).then(
      () => expect.fail('the statement should have failed'),
      (e: unknown) => e as Error & Record<string, unknown>,
    );
    expect(JSON.stringify(err)).toContain(ID_NUMBER);
    const logged = loggableError(err) as Record<string, unknown>;
    expect(logged.code).toBe('22P02');
    expectNoValues(JSON.stringify(logged));
  });

  it("a log line written with the application's logger", async () => {
    const err = await failure(sql`select ${`ID ${ID_NUMBER}`}::int`);
    const before = lines.length;
    t.ctx.log.error({ err }, 'a job failed');
    t.ctx.log.error(err as Error, 'a job failed');
    const written = lines.slice(before);
    expect(written).toHaveLength(2);
    for (const line of written) {
      expect((JSON.parse(line) as { err: { code: string } }).err.code).toBe('22P02');
      expectNoValues(line);
    }
  });
});
