import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { sleep } from '../support/async.ts';
import { RING_DEMO } from '../../src/modules/dutyfree/rings/demo.ts';

let t: TestApp;
let auditor: string;

beforeAll(async () => {
  t = await startTestApp({ seedDemo: true });
  const login = await t.request({
    method: 'POST',
    url: '/api/v1/auth/login',
    body: { username: 'auditor', password: 'auditor-pass-2026' },
  });
  auditor = `Bearer ${login.json().token}`;
}, 600_000);
afterAll(async () => {
  await t?.close();
});

const get = (url: string) => t.request({ method: 'GET', url, auth: auditor });
const score = async (p: { idType: string; idNumber: string }) =>
  (
    await t.request({
      method: 'POST',
      url: '/api/v1/personal-credit/lookup',
      auth: auditor,
      body: { idType: p.idType, idNumber: p.idNumber },
    })
  ).json();

describe('the resale-ring demo', () => {
  it('has a run with both rings, a confirmed case, a case awaiting a second officer, own entries', async () => {
    const runs = (await get('/api/v1/dutyfree/rings/runs')).json().items;
    expect(runs).toHaveLength(1);
    expect(runs[0].rings).toBe(2);
    const cases = (await get('/api/v1/dutyfree/cases')).json().items;
    expect(cases.map((c: { status: string }) => c.status).sort()).toEqual(['APPROVED', 'PROPOSED']);
    const approved = cases.find((c: { status: string }) => c.status === 'APPROVED');
    expect(approved.effects).toHaveLength(RING_DEMO.payerRing.length);
    const open = (await get('/api/v1/dutyfree/yellow-list')).json().items;
    // The resident on her own facts (the duty-free demo's reseller, whose bag turned up online, is there too).
    const own = open
      .filter((e: { ringId: string | null }) => e.ringId === null)
      .map((e: { buyer: { idNumber: string } }) => e.buyer.idNumber);
    expect(own).toContain(RING_DEMO.lipstickResident.idNumber);
    expect(open.every((e: { ringId: string | null }) => e.ringId === null)).toBe(true);
    const proposed = (await get('/api/v1/dutyfree/yellow-list?status=PROPOSED')).json();
    expect(proposed.total).toBe(RING_DEMO.phoneRing.length);
    const ring = (await get(`/api/v1/dutyfree/rings/${proposed.items[0].ringId}`)).json();
    expect(
      ring.links
        .filter((l: { kind: string }) => l.kind === 'PHONE')
        .map((l: { label: string }) => l.label)
        .sort(),
    ).toEqual(['170****0101', '170****0202']);
    expect(ring.members.some((m: { facts: { marketCodes: number } }) => m.facts.marketCodes === 1)).toBe(true);
  });

  it('scores: carriers at D once bans arrive, the penalised at D with a sale to review, the praised at A', async () => {
    // Polled until the consumers have scored them, for as long as a loaded machine may need.
    const deadline = Date.now() + 120_000;
    while ((await score(RING_DEMO.payerRing[0]!)).reasons.length < 2 && Date.now() < deadline) {
      t.ctx.dispatcher.kick();
      await sleep(100);
    }
    expect(await score(RING_DEMO.payerRing[0]!)).toMatchObject({ score: 40, level: 'D' });
    expect(await score(RING_DEMO.penalised)).toMatchObject({ score: 50, level: 'D', reviewEverySale: true });
    expect(await score(RING_DEMO.praised)).toMatchObject({ score: 105, level: 'A' });
    while ((await get('/api/v1/dutyfree/sale-reviews')).json().items.length === 0 && Date.now() < deadline)
      await sleep(100);
    const reviews = (await get('/api/v1/dutyfree/sale-reviews')).json().items;
    expect(reviews.map((r: { buyer: { idNumber: string } }) => r.buyer.idNumber)).toEqual([
      RING_DEMO.penalised.idNumber,
    ]);
  });
});
