import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/platform/db/client.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { demoUscc } from '../../src/seed/demo.ts';
import {
  checkInclusionProof,
  headsRoot,
  type InclusionProof,
  type StoredEntry,
} from '../../src/platform/audit/chain.ts';

let t: TestApp;
let admin: string;
let department: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.authFor('admin', { name: 'admin' });
  department = await t.authFor('department');
});
afterAll(async () => {
  await t?.close();
});

async function createEnterprise(n: number): Promise<number> {
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/enterprises',
    auth: admin,
    body: {
      uscc: demoUscc(`91460100MA5TPRF${String(n).padStart(2, '0')}`),
      name: `证明测试企业 ${n}`,
      registeredInHainan: true,
    },
  });
  expect(res.statusCode).toBe(201);
  const [entry] = await queryRows<{ seq: number }>(
    t.ctx.db,
    sql`select seq::int as seq from audit_entries where subject = ${'enterprise:' + res.json().uscc}`,
  );
  return Number(entry!.seq);
}

/** The entry as a verifier holds it, from the JSON the API returned. */
function asStored(body: any): StoredEntry {
  return {
    seq: body.seq,
    at: new Date(body.at),
    actor: body.actor,
    action: body.action,
    subject: body.subject,
    change: body.change,
    partition: body.partition,
    pseq: body.pseq,
    format: body.format,
    prevHash: body.prevHash,
    hash: body.hash,
  };
}

describe('audit entries with inclusion proofs', () => {
  const seqs: number[] = [];

  it('an entry no anchor covers yet has no proof', async () => {
    for (let i = 0; i < 6; i++) seqs.push(await createEnterprise(i));
    const res = await t.request({ method: 'GET', url: `/api/v1/audit/entries/${seqs[0]}`, auth: department });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ seq: seqs[0], hashValid: true, proof: null });
  });

  it('after anchoring, every entry proves against the latest anchor; a changed proof does not', async () => {
    const anchor = await t.request({ method: 'POST', url: '/api/v1/audit/anchors', auth: admin, body: {} });
    expect(anchor.statusCode).toBe(200);
    expect(anchor.json()).toMatchObject({ seq: 1, created: true, partitionCount: 64 });
    // Nothing moved: the same anchor comes back.
    expect((await t.request({ method: 'POST', url: '/api/v1/audit/anchors', auth: admin })).json()).toMatchObject({
      seq: 1,
      created: false,
    });

    for (const seq of [1, 2, ...seqs]) {
      const body = (await t.request({ method: 'GET', url: `/api/v1/audit/entries/${seq}`, auth: department })).json();
      expect(body.proof, `entry ${seq}`).not.toBeNull();
      expect(body.proof.anchor.hash).toBe(anchor.json().hash);
      expect(checkInclusionProof(asStored(body), body.proof), `entry ${seq}`).toBeNull();
    }

    const body = (await t.request({ method: 'GET', url: '/api/v1/audit/entries/1', auth: department })).json();
    const proof: InclusionProof = body.proof;
    expect(checkInclusionProof({ ...asStored(body), change: '{"forged":true}' }, proof)).toMatch(/hashes to/);
    if (proof.links.length > 0) {
      const links = proof.links.map((l, i) => (i === 0 && l.format === 2 ? { ...l, body: 'a'.repeat(64) } : l));
      expect(checkInclusionProof(asStored(body), { ...proof, links })).toMatch(/link/);
    }
    const path = proof.merklePath.map((s, i) => (i === 0 ? { ...s, hash: 'b'.repeat(64) } : s));
    expect(checkInclusionProof(asStored(body), { ...proof, merklePath: path })).toMatch(/Merkle path/);
    expect(
      checkInclusionProof(asStored(body), { ...proof, anchor: { ...proof.anchor, root: 'c'.repeat(64) } }),
    ).toMatch(/Merkle path/);
  });

  it('the anchor lists the heads whose Merkle root it holds; a later anchor proves older entries too', async () => {
    const latest = (await t.request({ method: 'GET', url: '/api/v1/audit/anchors/latest', auth: department })).json();
    expect(latest.heads).toHaveLength(64);
    expect(headsRoot(latest.heads)).toBe(latest.root);
    expect((await t.request({ method: 'GET', url: '/api/v1/audit/anchors/1', auth: department })).json()).toEqual(
      latest,
    );

    const later = await createEnterprise(20);
    expect((await t.request({ method: 'POST', url: '/api/v1/audit/anchors', auth: admin })).json()).toMatchObject({
      seq: 2,
      created: true,
    });
    const second = (await t.request({ method: 'GET', url: '/api/v1/audit/anchors/2', auth: department })).json();
    expect(second.prevHash).toBe(latest.hash);
    const list = (await t.request({ method: 'GET', url: '/api/v1/audit/anchors?pageSize=1', auth: department })).json();
    expect(list.total).toBe(2);
    const { heads: _, ...secondAnchor } = second;
    expect(list.items).toEqual([secondAnchor]);

    const old = (await t.request({ method: 'GET', url: `/api/v1/audit/entries/${seqs[0]}`, auth: department })).json();
    expect(old.proof.anchor.seq).toBe(2);
    expect(checkInclusionProof(asStored(old), old.proof)).toBeNull();
    const pinned = (
      await t.request({ method: 'GET', url: `/api/v1/audit/entries/${seqs[0]}?anchor=1`, auth: department })
    ).json();
    expect(pinned.proof.anchor.seq).toBe(1);
    expect(checkInclusionProof(asStored(pinned), pinned.proof)).toBeNull();

    const tooEarly = await t.request({
      method: 'GET',
      url: `/api/v1/audit/entries/${later}?anchor=1`,
      auth: department,
    });
    expect(tooEarly.statusCode).toBe(422);
    expect(tooEarly.json()).toMatchObject({
      type: 'urn:tidegate:error:anchor-before-entry',
      errors: [{ path: 'anchor', rule: 'audit.anchorCoversEntry' }],
    });
    expect(
      (await t.request({ method: 'GET', url: `/api/v1/audit/entries/${later}?anchor=9`, auth: department })).statusCode,
    ).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/v1/audit/anchors/9', auth: department })).statusCode).toBe(404);
  });

  it('verify over the API covers the partitions and the anchors', async () => {
    const res = (await t.request({ method: 'POST', url: '/api/v1/audit/verify', auth: admin })).json();
    expect(res).toMatchObject({ ok: true, partitions: 64, anchors: 2, breaks: [], firstBreak: null });
    expect(res.checked).toBeGreaterThan(seqs.length);

    const streamed = await t.request({ method: 'POST', url: '/api/v1/audit/verify/stream', auth: admin });
    expect(streamed.statusCode).toBe(200);
    expect(streamed.headers['content-type']).toContain('application/x-ndjson');
    const lines = streamed.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // The total is the rows the log held when the walk began (entries and anchors), as the CLI's bar counts them.
    expect(lines[0]).toMatchObject({ type: 'progress', checked: 0 });
    expect(lines[0].total).toBeGreaterThanOrEqual(res.checked);
    expect(lines.at(-1)).toEqual({ type: 'result', result: res });
    const progress = lines.filter((l) => l.type === 'progress').map((l) => l.checked);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('the streamed walk is for those who may verify, and says so as problem+json', async () => {
    const res = await t.request({ method: 'POST', url: '/api/v1/audit/verify/stream', auth: department });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});
