import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/app.ts';
import { sleep } from '../support/async.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { nightlyDetection } from '../../src/modules/dutyfree/rings/scheduler.ts';
import { addDays } from '../../src/modules/credit/dates.ts';
import { RING_EVENTS } from '../../src/modules/dutyfree/rings/events.ts';
import { count, expectProblem, item, newBuyer, saleBody, shopKey } from './support.ts';

let t: TestApp;
let haitang: string;
let riyue: string;
let analyst: string;
let inspectorA: string;
let inspectorB: string;
let viewer: string;

const post = (url: string, auth: string | undefined, body?: unknown) =>
  t.request({ method: 'POST', url, ...(auth ? { auth } : {}), ...(body !== undefined ? { body } : {}) });
const get = (url: string, auth: string) => t.request({ method: 'GET', url, auth });
const DAY = 86_400_000;

type Buyer = ReturnType<typeof newBuyer>;

/** Reserve and confirm a sale at a shop; returns the traceability codes. */
async function sell(shop: string, buyer: Buyer, items: ReturnType<typeof item>[], extra: Record<string, unknown> = {}) {
  const r = await post('/api/v1/dutyfree/reservations', shop, {
    ...saleBody(t, buyer, items),
    requestId: randomUUID(),
    ...extra,
  });
  expect(r.statusCode, r.body).toBe(201);
  const c = await post(`/api/v1/dutyfree/reservations/${r.json().reservationId}/confirm`, shop);
  expect(c.statusCode, c.body).toBe(200);
  return {
    reservationId: r.json().reservationId as string,
    codes: c.json().codes.flatMap((l: { codes: string[] }) => l.codes) as string[],
  };
}

/** Waits until the outbox consumers caught up with `check` (for as long as a loaded machine may need). */
async function eventually<T>(check: () => Promise<T | null | undefined>, ms = 120_000): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error('condition not met in time');
    t.ctx.dispatcher.kick();
    await sleep(100);
  }
}

const carriers = [newBuyer(), newBuyer(), newBuyer(), newBuyer()];
const family = [newBuyer(), newBuyer(), newBuyer()];
const loner = newBuyer();
const cosmetics = (n: number) =>
  item({ sku: 'CS-LIP', name: '口红 lipstick', category: 'COSMETICS', unitPrice: '300.00', quantity: n });

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-09-01T02:00:00Z') });
  haitang = await shopKey(t, 'SANYA-HAITANG');
  riyue = await shopKey(t, 'HAIKOU-RIYUE');
  // Four carriers paid from one organiser's card come every ten days for 30 lipsticks each.
  for (let trip = 0; trip < 3; trip++) {
    for (const b of carriers)
      await sell(haitang, b, [cosmetics(30)], {
        paymentAccount: '6222020200112233445',
        phone: `1390000${carriers.indexOf(b)}000`,
      });
    // A family pays once with the father's card and shares his phone.
    if (trip === 0)
      for (const b of family)
        await sell(riyue, b, [cosmetics(2)], { paymentAccount: '6228480000998877', phone: '13811112222' });
    t.clock.advance(10 * DAY);
  }
  await sell(riyue, loner, [cosmetics(1)]);
  // Officers log in on the day they work (tokens expire; the shops' keys do not).
  analyst = await t.authFor('risk_analyst');
  inspectorA = await t.authFor('inspector', { name: 'inspector-a' });
  inspectorB = await t.authFor('inspector', { name: 'inspector-b' });
  viewer = await t.authFor('command_viewer');
}, 600_000);
afterAll(async () => {
  await t?.close();
});

describe('resale rings: detection over the sales in the database', () => {
  let ringId: string;

  it('finds the carriers as one ring with their shared card, and leaves the family alone', async () => {
    const res = await post('/api/v1/dutyfree/rings/detect', analyst, {});
    expect(res.statusCode, res.body).toBe(200);
    const run = res.json();
    expect(run).toMatchObject({ buyers: 8, sales: 16, rings: 1, yellow: { opened: 4, refreshed: 0, reopened: 0 } });
    const yellow = (await get('/api/v1/dutyfree/yellow-list', viewer)).json();
    expect(yellow.total).toBe(4);
    ringId = yellow.items[0].ringId;
    expect(new Set(yellow.items.map((i: { ringId: string }) => i.ringId))).toEqual(new Set([ringId]));
    // A command-centre viewer sees buyers masked.
    expect(yellow.items[0].buyer.masked).toBe(true);
    const ring = (await get(`/api/v1/dutyfree/rings/${ringId}`, inspectorA)).json();
    expect(ring.size).toBe(4);
    expect(ring.score).toBeGreaterThanOrEqual(45);
    const card = ring.links.find((l: { kind: string }) => l.kind === 'ACCOUNT');
    expect(card).toMatchObject({ label: '****3445' });
    expect(card.buyers).toHaveLength(4);
    // Each carrier: cosmetics again within 30 days (twice), at the limit every trip, three departures in 21 days.
    expect(ring.members[0].facts).toMatchObject({ repeatCategory: 2, trips: 3, nearMaxTrips: 3, frequentTripRuns: 1 });
    expect(ring.members[0].parts.map((p: { code: string }) => p.code)).toEqual([
      'REPEAT_CATEGORY',
      'NEAR_MAX_EVERY_TRIP',
      'FREQUENT_TRIPS',
    ]);
    // An inspector sees the carriers in clear.
    expect(ring.members.map((m: { buyer: { idNumber: string } }) => m.buyer.idNumber).sort()).toEqual(
      carriers.map((c) => c.idNumber).sort(),
    );
  });

  it('today’s sales by shop and category carry the shops’ and categories’ names', async () => {
    const day = (await get('/api/v1/dutyfree/sales/by-shop?date=2026-10-01', viewer)).json();
    const riyue = day.items.find((i: { shop: string }) => i.shop === 'HAIKOU-RIYUE');
    expect(riyue).toMatchObject({
      shopName: { zh: '海口日月广场免税店' },
      category: 'COSMETICS',
      categoryName: { zh: '化妆品' },
    });
    expect(riyue.units).toBe(1);
  });

  it('a second run refreshes the open entries instead of adding to them', async () => {
    const run = (await post('/api/v1/dutyfree/rings/detect', analyst, {})).json();
    expect(run.yellow).toEqual({ opened: 0, refreshed: 4, reopened: 0 });
    expect(await count(t, 'dutyfree_yellow_list')).toBe(4);
  });

  it('the nightly run stores one run for yesterday however often it is started', async () => {
    expect(await nightlyDetection(t.ctx)).toBe(true);
    expect(await nightlyDetection(t.ctx)).toBe(false);
  });

  it('a case needs a second officer; approval bans, deducts the score and records the credit input', async () => {
    const entries = (await get('/api/v1/dutyfree/yellow-list', inspectorA))
      .json()
      .items.map((i: { entryId: string }) => i.entryId);
    const proposed = await post('/api/v1/dutyfree/cases', inspectorA, {
      proposal: 'CONFIRM',
      entryIds: entries,
      ringId,
      note: '同一付款卡代付，每次限量购买化妆品',
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const caseId = proposed.json().caseId;
    // Entries in a case cannot go into another.
    expectProblem(
      await post('/api/v1/dutyfree/cases', inspectorB, {
        proposal: 'CLEAR',
        entryIds: entries.slice(0, 1),
        note: 'nothing found',
      }),
      422,
      'dutyfree.case.entryNotOpen',
      'entryIds[0]',
    );
    const before = await count(t, 'dutyfree_bans');
    expectProblem(
      await post(`/api/v1/dutyfree/cases/${caseId}/decision`, inspectorA, {
        decision: 'APPROVE',
        note: 'approve my own',
      }),
      422,
      'dutyfree.case.fourEyes',
    );
    expect(await count(t, 'dutyfree_bans')).toBe(before);
    const decided = await post(`/api/v1/dutyfree/cases/${caseId}/decision`, inspectorB, {
      decision: 'APPROVE',
      note: '证据充分 evidence holds',
    });
    expect(decided.statusCode, decided.body).toBe(200);
    const { effects } = decided.json();
    expect(effects).toHaveLength(4);
    expect(effects.every((e: { banId: string | null }) => e.banId)).toBe(true);
    expect(effects[0].banTo.slice(0, 4)).toBe('2029');
    expectProblem(
      await post(`/api/v1/dutyfree/cases/${caseId}/decision`, inspectorB, { decision: 'REJECT', note: 'again' }),
      409,
    );

    // A banned carrier is refused at the till.
    const refused = await post('/api/v1/dutyfree/reservations', haitang, saleBody(t, carriers[0]!, [cosmetics(1)]));
    expectProblem(refused, 422, 'dutyfree.banned');

    // Score: resale case −40 at once, the ban −20 when its event is delivered: 40, level D.
    const person = { idType: carriers[0]!.idType, idNumber: carriers[0]!.idNumber };
    const score = await eventually(async () => {
      const s = (await post('/api/v1/personal-credit/lookup', inspectorA, person)).json();
      return s.reasons.length === 2 ? s : null;
    });
    expect(score).toMatchObject({ score: 40, level: 'D', reviewEverySale: true });
    expect(score.reasons.map((r: { code: string }) => r.code).sort()).toEqual(['dutyfree.ban', 'dutyfree.resaleCase']);

    // The second-line credit: the individual is registered from the resident ID and put on FOCUS.
    const individual = await eventually(async () => {
      const r = await post('/api/v1/individuals/lookup', inspectorA, person);
      return r.statusCode === 200 ? (r.json() as { id: string }) : null;
    });
    const credit = await eventually(async () => {
      const c = (await get(`/api/v1/credit/individual/${individual.id}`, inspectorA)).json();
      return c.class === 'FOCUS' ? c : null;
    });
    expect(credit.reasons[0]).toMatchObject({ rule: expect.any(String), source: 'customs' });
    const yellow = (await get('/api/v1/dutyfree/yellow-list?status=CONFIRMED', inspectorA)).json();
    expect(yellow.total).toBe(4);
  });

  it('a rejected proposal puts entries back in the queue; a cleared buyer stays off until scored higher', async () => {
    const b = newBuyer();
    // Two trips booked the same day (two departures): the second buys the same category again.
    await sell(riyue, b, [cosmetics(1)]);
    const later = saleBody(t, b, [cosmetics(1)]).departure;
    await sell(riyue, b, [cosmetics(1)], { departure: { ...later, number: 'CZ6720', date: addDays(later.date, 3) } });
    await post('/api/v1/dutyfree/rings/detect', analyst, {});
    const entry = (await get('/api/v1/dutyfree/yellow-list', inspectorA))
      .json()
      .items.find((i: { ringId: string | null }) => i.ringId === null);
    expect(entry.parts).toEqual([{ code: 'REPEAT_CATEGORY', points: 15, value: 1 }]);
    const proposed = (
      await post('/api/v1/dutyfree/cases', inspectorA, {
        proposal: 'CLEAR',
        entryIds: [entry.entryId],
        note: 'a resident who likes lipstick',
      })
    ).json();
    await post(`/api/v1/dutyfree/cases/${proposed.caseId}/decision`, inspectorB, {
      decision: 'REJECT',
      note: 'look at the trips first',
    });
    expect(
      (await get('/api/v1/dutyfree/yellow-list', inspectorA)).json().items.map((i: { entryId: string }) => i.entryId),
    ).toContain(entry.entryId);
    const again = (
      await post('/api/v1/dutyfree/cases', inspectorB, {
        proposal: 'CLEAR',
        entryIds: [entry.entryId],
        note: 'trips checked',
      })
    ).json();
    expect(
      (
        await post(`/api/v1/dutyfree/cases/${again.caseId}/decision`, inspectorA, {
          decision: 'APPROVE',
          note: 'agreed',
        })
      ).json().effects,
    ).toEqual([]);
    expect((await post('/api/v1/dutyfree/rings/detect', analyst, {})).json().yellow.reopened).toBe(0);
    const cases = (await get('/api/v1/dutyfree/cases', viewer)).json().items;
    expect(cases.map((c: { status: string }) => c.status)).toEqual(['APPROVED', 'REJECTED', 'APPROVED']);
  });
});

describe('events', () => {
  it('every resale-ring event written above has the published payload shape', async () => {
    const rows = await queryRows<{ event_type: string; payload: unknown }>(
      t.ctx.db,
      sql`select event_type, payload from outbox_events
          where event_type = any(${`{${Object.keys(RING_EVENTS).join(',')}}`}::text[])`,
    );
    expect(rows.length).toBe(carriers.length);
    for (const r of rows) {
      const payload = typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload;
      expect(RING_EVENTS[r.event_type as keyof typeof RING_EVENTS].safeParse(payload).error).toBeUndefined();
    }
  });
});

describe('personal credit: level D puts every sale under review', () => {
  it('an officer’s penalty record brings a buyer to D; their next sale is reviewed', async () => {
    const b = newBuyer();
    const body = {
      requestId: randomUUID(),
      idType: b.idType,
      idNumber: b.idNumber,
      code: 'customs.smugglingPenalty',
      occurredOn: '2026-09-30',
      reason: '携带超量免税品出岛 行政处罚',
    };
    const rec = await post('/api/v1/personal-credit/records', inspectorA, body);
    expect(rec.statusCode, rec.body).toBe(201);
    expect((await post('/api/v1/personal-credit/records', inspectorA, body)).json().created).toBe(false);
    expectProblem(await post('/api/v1/personal-credit/records', inspectorA, { ...body, reason: 'other words' }), 409);
    const { reservationId } = await sell(riyue, b, [cosmetics(2)]);
    const review = await eventually(async () =>
      (await get('/api/v1/dutyfree/sale-reviews', inspectorA))
        .json()
        .items.find((r: { reservationId: string }) => r.reservationId === reservationId),
    );
    expect(review).toMatchObject({ level: 'D', score: 50, status: 'OPEN' });
    const closed = await post(`/api/v1/dutyfree/sale-reviews/${reservationId}`, inspectorB, {
      outcome: 'NORMAL',
      note: '自用 personal use',
    });
    expect(closed.json()).toEqual({ reservationId, status: 'DONE', outcome: 'NORMAL' });
    // Withdrawn, the record stops counting and the next sale is not reviewed.
    await post(`/api/v1/personal-credit/records/${rec.json().record.id}/withdraw`, inspectorB, {
      reason: '处罚已撤销 penalty annulled',
    });
    const after = await sell(riyue, b, [cosmetics(1)]);
    // Every consumer has read the sale's events (not a fixed wait, which a loaded machine outlasts).
    await t.ctx.dispatcher.drain();
    const rows = await queryRows(
      t.ctx.db,
      sql`select 1 from dutyfree_sale_reviews where reservation_id = ${after.reservationId}`,
    );
    expect(rows).toHaveLength(0);
  });
});

describe('the person’s own view', () => {
  it('shows quota and score with a code from the receipt; any mismatch is the same 404', async () => {
    const b = newBuyer();
    const { codes } = await sell(riyue, b, [cosmetics(3)]);
    const ok = await post('/api/v1/dutyfree/self', undefined, { ...b, code: codes[0] });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      quota: { used: '900.00', left: '99100.00' },
      credit: { score: 100, level: 'B', reasons: [] },
    });
    const wrongName = await post('/api/v1/dutyfree/self', undefined, { ...b, name: '王五', code: codes[0] });
    const wrongCode = await post('/api/v1/dutyfree/self', undefined, { ...b, code: 'X'.repeat(12) });
    const stranger = await post('/api/v1/dutyfree/self', undefined, { ...newBuyer(), code: codes[0] });
    for (const r of [wrongName, wrongCode, stranger])
      expect([r.statusCode, r.json().detail]).toEqual([404, wrongName.json().detail]);
    for (const r of [wrongName, wrongCode, stranger]) expect(r.json().token).toBeUndefined();
  });

  it('a proof gives a token to read the own quota, purchases and score for 15 minutes, nothing else', async () => {
    const b = newBuyer();
    const { codes } = await sell(riyue, b, [cosmetics(2)]);
    await sell(riyue, b, [cosmetics(1)]);
    const proof = await post('/api/v1/dutyfree/self', undefined, { ...b, code: codes[0] });
    expect(proof.statusCode, proof.body).toBe(200);
    const { token, expiresAt, ...first } = proof.json();
    expect(new Date(expiresAt).getTime() - t.clock.now().getTime()).toBe(15 * 60_000);
    // Both sales (at the same instant of the test clock, so in either order).
    expect(first.purchases.map((p: { amount: string; status: string }) => `${p.amount} ${p.status}`).sort()).toEqual([
      '300.00 CONFIRMED',
      '600.00 CONFIRMED',
    ]);
    expect(JSON.stringify(proof.json())).not.toContain(b.idNumber);
    expect(Buffer.from(token.split('.')[1], 'base64url').toString()).not.toContain(b.idNumber.slice(6, 14));
    const again = await t.request({
      method: 'GET',
      url: '/api/v1/dutyfree/self',
      headers: { 'x-dutyfree-self-token': token },
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual(first);
    // Not a login: as a Bearer token every other route refuses it; a changed token or a late one is a 401.
    expect(
      (await get('/api/v1/dutyfree/quota?idType=RESIDENT_ID&idNumber=' + b.idNumber, `Bearer ${token}`)).statusCode,
    ).toBe(401);
    const forged = `${token.slice(0, -4)}AAAA`;
    const late = async (tok: string) =>
      t.request({ method: 'GET', url: '/api/v1/dutyfree/self', headers: { 'x-dutyfree-self-token': tok } });
    expect((await late(forged)).statusCode).toBe(401);
    // Without the token the traveller is told to prove who they are: 401, not a malformed request.
    expect((await t.request({ method: 'GET', url: '/api/v1/dutyfree/self' })).statusCode).toBe(401);
    t.clock.advance(15 * 60_000 + 1000);
    try {
      const expired = await late(token);
      expect(expired.statusCode).toBe(401);
      expect(String(expired.headers['content-type'])).toContain('application/problem+json');
    } finally {
      t.clock.advance(-(15 * 60_000 + 1000));
    }
  });
});
