import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { randomUscc } from '../support/ledgerFixtures.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { canonicalJson } from '../../src/kernel/canonicalJson.ts';
import { sha256Hex } from '../../src/platform/crypto.ts';
import { recorderFor } from '../../src/platform/http/idempotency.ts';
import { requestScope } from '../../src/platform/requestScope.ts';
import { createEnterprise } from '../../src/modules/subjects/service.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';

/**
 * An Idempotency-Key whose first request was in flight when its process died (kill -9): the claim's
 * lease runs out, a retry of the same key and body takes it over and the command runs exactly once —
 * again if it never committed, not again if it did (its recorded result is the answer). The rows
 * below are what a crash leaves; test/ledger/crash.int.test.ts kills a real server.
 */
let t: TestApp;
let admin: string;
const path = '/api/v1/enterprises';

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.authFor('admin', { name: 'admin' });
});
afterAll(async () => {
  await t?.close();
});

// Every field given, so the body the route hashes (after defaults) is the body sent.
const enterpriseBody = () => ({
  uscc: randomUscc(),
  name: '幂等测试企业 Idempotent Co.',
  registeredInHainan: true,
  legalForm: 'INDEPENDENT_LEGAL_PERSON' as const,
  encouragedIndustry: false,
});
const hashOf = (body: unknown) => sha256Hex(canonicalJson({ method: 'POST', path, body }));
const enterprisesWith = async (uscc: string) =>
  Number(
    (await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from enterprises where uscc = ${uscc}`))[0]!
      .n,
  );
const at = (msFromNow: number) => new Date(t.clock.now().getTime() + msFromNow).toISOString();

/** The claim a request of a dead process left behind. */
async function orphanClaim(key: string, body: unknown, leaseUntil: string) {
  await t.ctx.db.execute(sql`insert into idempotency_records (actor, key, method, path, request_hash, status, body, created_at, owner, lease_until)
    values ('user:admin', ${key}, 'POST', ${path}, ${hashOf(body)}, null, null, ${at(-60_000)}::timestamptz, 'dead-process/1', ${leaseUntil}::timestamptz)`);
}

describe('idempotency after a crash', () => {
  it('a request that died before committing: "still running" while its lease lasts, then run again exactly once', async () => {
    const body = enterpriseBody();
    await orphanClaim('crash-key-00001', body, at(5_000));
    const early = await t.request({
      method: 'POST',
      url: path,
      auth: admin,
      body,
      headers: { 'idempotency-key': 'crash-key-00001' },
    });
    expect(early.statusCode).toBe(409);
    expect(early.headers['retry-after']).toBe('1');
    expect(await enterprisesWith(body.uscc)).toBe(0);

    t.clock.advance(6_000);
    const retries = await Promise.all(
      [1, 2, 3].map(() =>
        t.request({ method: 'POST', url: path, auth: admin, body, headers: { 'idempotency-key': 'crash-key-00001' } }),
      ),
    );
    // One ran the command; the others met its claim while it ran (409) or got its stored answer.
    const created = retries.filter((r) => r.statusCode === 201 && !r.headers['idempotent-replayed']);
    expect(created).toHaveLength(1);
    for (const r of retries) {
      expect([201, 409]).toContain(r.statusCode);
      if (r.statusCode === 201) expect(r.json()).toEqual(created[0]!.json());
    }
    expect(await enterprisesWith(body.uscc)).toBe(1);
    const again = await t.request({
      method: 'POST',
      url: path,
      auth: admin,
      body,
      headers: { 'idempotency-key': 'crash-key-00001' },
    });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(created[0]!.json());
  });

  it('a request that died after its command committed, before its answer was kept: the retry answers with the recorded result and runs nothing', async () => {
    const body = enterpriseBody();
    const first = await t.request({
      method: 'POST',
      url: path,
      auth: admin,
      body,
      headers: { 'idempotency-key': 'crash-key-00002' },
    });
    expect(first.statusCode).toBe(201);
    // What the process had kept when it died: the commit (and its result), not the response.
    await t.ctx.db.execute(
      sql`update idempotency_records set status = null, body = null, owner = 'dead-process/2', lease_until = ${at(-1)}::timestamptz where key = 'crash-key-00002'`,
    );
    const retry = await t.request({
      method: 'POST',
      url: path,
      auth: admin,
      body,
      headers: { 'idempotency-key': 'crash-key-00002' },
    });
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.json()).toEqual(first.json());
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await enterprisesWith(body.uscc)).toBe(1);
    const [row] = await queryRows<{ status: number }>(
      t.ctx.db,
      sql`select status from idempotency_records where key = 'crash-key-00002'`,
    );
    expect(row!.status).toBe(201);
  });

  it('a request whose claim was taken over cannot commit any more: its command writes nothing', async () => {
    const body = enterpriseBody();
    await orphanClaim('crash-key-00003', body, at(60_000));
    // The stalled request still believes it holds the claim; the row says another owner does.
    const stalled = recorderFor(
      t.ctx,
      { actor: 'user:admin', key: 'crash-key-00003', owner: 'stalled-process/1' },
      new Map(),
      { header: () => undefined } as never,
    );
    const attempt = requestScope.run({ recorder: stalled, commands: 0 }, () =>
      createEnterprise(t.ctx, systemActor('test'), body),
    );
    await expect(attempt).rejects.toMatchObject({ status: 409 });
    expect(await enterprisesWith(body.uscc)).toBe(0);
  });

  it('a claim from before leases (no owner, no lease) is taken over at once', async () => {
    const body = enterpriseBody();
    await t.ctx.db.execute(sql`insert into idempotency_records (actor, key, method, path, request_hash, status, body, created_at)
      values ('user:admin', 'crash-key-00004', 'POST', ${path}, ${hashOf(body)}, null, null, ${at(-86_400_000)}::timestamptz)`);
    const retry = await t.request({
      method: 'POST',
      url: path,
      auth: admin,
      body,
      headers: { 'idempotency-key': 'crash-key-00004' },
    });
    expect(retry.statusCode, retry.body).toBe(201);
    expect(await enterprisesWith(body.uscc)).toBe(1);
  });
});
