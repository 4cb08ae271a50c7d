import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { testDbKind } from '../support/db.ts';
import { getParameter } from '../../src/platform/parameters/service.ts';
import { policyParameters } from '../../src/platform/parameters/schema.ts';
import { Problem } from '../../src/kernel/problem.ts';
import { queryRows } from '../../src/platform/db/client.ts';

/**
 * Policy parameters have a schema each. "abc" for ledger.reservationTtlHours was stored and every
 * exit declaration then failed with a 500; -5 made reservations that had expired when made.
 */
let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.authFor('admin', { name: 'admin' });
});
afterAll(async () => {
  await t?.close();
});

async function footprint() {
  return queryRows(
    t.ctx.db,
    sql`select (select count(*) from policy_parameters)::int as parameters,
    (select count(*) from audit_entries)::int as audit`,
  );
}

const setParameter = (name: string, value: unknown) =>
  t.request({
    method: 'POST',
    url: '/api/v1/parameters',
    auth: admin,
    body: { name, value, validFrom: '2027-01-01', reason: 'checking the schema' },
  });
const setTtl = (value: unknown) => setParameter('ledger.reservationTtlHours', value);

describe(`policy parameter schemas on ${testDbKind()}`, () => {
  it('a value outside the schema is a 400 naming the value and the rule, and nothing is written', async () => {
    const before = await footprint();
    for (const value of ['abc', -5, 0, 721, 2.5, { hours: 72 }]) {
      const res = await setTtl(value);
      expect(res.statusCode, JSON.stringify(value)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const message = 'Use a whole number of hours from 1 to 720.';
      expect(res.json().errors).toEqual([{ path: 'value', rule: 'parameters.ledger.reservationTtlHours', message }]);
    }
    expect(await footprint()).toEqual(before);
    expect((await setTtl(96)).statusCode).toBe(201);
  });

  it('nested values name the field inside the value', async () => {
    const res = await setParameter('tax.exchangeRateDay', { monthsBack: 1, weekday: 9, ordinal: 3, holidayOrdinal: 4 });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ path: 'value.weekday', rule: 'parameters.tax.exchangeRateDay' });
  });

  it('a stored value that breaks its schema is a problem when read, never a value a rule uses', async () => {
    // Written around the API, as a database from before the schemas could hold it.
    const legacy = { value: 'abc', validFrom: '2028-01-01', setBy: 'test', reason: 'legacy', createdAt: t.clock.now() };
    await t.ctx.db.insert(policyParameters).values({ name: 'ledger.reservationTtlHours', ...legacy });
    const read = getParameter(t.ctx.db, 'ledger.reservationTtlHours', '2028-01-02');
    await expect(read).rejects.toBeInstanceOf(Problem);
    await expect(read).rejects.toMatchObject({ status: 422, type: 'urn:tidegate:error:parameter-invalid' });
    // The list an administrator reads still shows it, so it can be replaced.
    const list = await t.request({ method: 'GET', url: '/api/v1/parameters?asOf=2028-01-02', auth: admin });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.find((p: { name: string }) => p.name === 'ledger.reservationTtlHours').value).toBe('abc');
  });
});
