import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { startTestApp, type TestApp } from '../support/app.ts';
import { testDbKind } from '../support/db.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { item, newBuyer, saleBody, shopKey, SHOPS } from './support.ts';

let t: TestApp;
let keys: string[];

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-11-23T02:00:00Z') });
  keys = await Promise.all(SHOPS.map((s) => shopKey(t, s)));
});
afterAll(async () => {
  await t?.close();
});

/** What the tables say about the buyer's year: the quota row, and the reservations summed by status. */
async function ledgerOf(buyerIdNumber: string) {
  const [row] = await queryRows<{ quota: string; used: string; reserved: string; confirmed: string; held: string }>(
    t.ctx.db,
    sql`select q.quota::text as quota, q.used::text as used, q.reserved::text as reserved,
          coalesce((select sum(r.amount - r.returned_amount) from dutyfree_reservations r where r.buyer_id = q.buyer_id
            and r.quota_year = q.year and r.status = 'CONFIRMED'), 0)::text as confirmed,
          coalesce((select sum(r.amount) from dutyfree_reservations r where r.buyer_id = q.buyer_id
            and r.quota_year = q.year and r.status = 'RESERVED'), 0)::text as held
        from dutyfree_quotas q join dutyfree_buyers b on b.id = q.buyer_id
        where b.id_number_masked = ${buyerIdNumber.slice(0, 3) + '*'.repeat(13) + buyerIdNumber.slice(-2)}
          and q.year = 2026`,
  );
  return row!;
}

/** Amounts from 50.00 to 349.99 CNY with every fen different: 1,000 of them add up to far more than the quota. */
const amountOf = (i: number) => `${50 + ((i * 37) % 300)}.${String((i * 53) % 100).padStart(2, '0')}`;

describe(`1,000 reservations for one buyer from 12 shops at once (${testDbKind()})`, () => {
  it('never hold more than the quota, exact to the fen, and settle to the same sums', {
    timeout: 300_000,
  }, async () => {
    const buyer = newBuyer();
    const sent = Array.from({ length: 1000 }, (_, i) => ({ i, amount: amountOf(i), shop: i % SHOPS.length }));
    const answers = await Promise.all(
      sent.map((s) =>
        t.request({
          method: 'POST',
          url: '/api/v1/dutyfree/reservations',
          auth: keys[s.shop]!,
          body: {
            requestId: randomUUID(),
            ...saleBody(t, buyer, [item({ sku: `SKU-${s.i}`, unitPrice: s.amount })]),
          },
        }),
      ),
    );
    const accepted: { id: string; amount: string; shop: number }[] = [];
    const refused: string[] = [];
    answers.forEach((res, k) => {
      if (res.statusCode === 201)
        accepted.push({ id: res.json().reservationId, amount: sent[k]!.amount, shop: sent[k]!.shop });
      else {
        expect(res.statusCode, res.body).toBe(422);
        expect(res.json().errors.map((e: { rule: string }) => e.rule)).toEqual(['dutyfree.quota']);
        refused.push(sent[k]!.amount);
      }
    });
    const held = accepted.reduce((s, a) => s.plus(a.amount), new Decimal(0));
    expect(accepted.length).toBeGreaterThan(300);
    expect(refused.length).toBeGreaterThan(100);
    expect(held.lte(100000)).toBe(true);
    // Serialised per buyer: a sale was refused only when it did not fit, so nothing refused fits what is left.
    const left = new Decimal(100000).minus(held);
    expect(left.lt(Decimal.min(...refused))).toBe(true);
    const rows = await ledgerOf(buyer.idNumber);
    expect(rows).toEqual({
      quota: '100000.00',
      used: '0.00',
      reserved: held.toFixed(2),
      confirmed: '0',
      held: held.toFixed(2),
    });

    // Then, all at once: confirm every other one, cancel the rest, and 200 more reservations from every shop.
    const more = Array.from({ length: 200 }, (_, i) => ({
      i: 1000 + i,
      amount: amountOf(1000 + i),
      shop: i % SHOPS.length,
    }));
    const settle = accepted.map((a, k) =>
      t.request({
        method: 'POST',
        url: `/api/v1/dutyfree/reservations/${a.id}/${k % 2 === 0 ? 'confirm' : 'cancel'}`,
        auth: keys[a.shop]!,
      }),
    );
    const extra = more.map((s) =>
      t.request({
        method: 'POST',
        url: '/api/v1/dutyfree/reservations',
        auth: keys[s.shop]!,
        body: saleBody(t, buyer, [item({ sku: `SKU-${s.i}`, unitPrice: s.amount })]),
      }),
    );
    const [settled, extraAnswers] = await Promise.all([Promise.all(settle), Promise.all(extra)]);
    for (const s of settled) expect(s.statusCode, s.body).toBe(200);
    const confirmed = accepted.filter((_, k) => k % 2 === 0).reduce((s, a) => s.plus(a.amount), new Decimal(0));
    const extraHeld = extraAnswers.reduce((s, res, k) => {
      if (res.statusCode === 201) return s.plus(more[k]!.amount);
      expect(res.statusCode, res.body).toBe(422);
      return s;
    }, new Decimal(0));
    const after = await ledgerOf(buyer.idNumber);
    expect(after.used).toBe(confirmed.toFixed(2));
    expect(after.reserved).toBe(extraHeld.toFixed(2));
    expect(new Decimal(after.confirmed).toFixed(2)).toBe(after.used);
    expect(new Decimal(after.held).toFixed(2)).toBe(after.reserved);
    expect(new Decimal(after.used).plus(after.reserved).lte(after.quota)).toBe(true);
    const view = (
      await t.request({
        method: 'GET',
        url: `/api/v1/dutyfree/quota?idType=RESIDENT_ID&idNumber=${buyer.idNumber}`,
        auth: keys[0]!,
      })
    ).json();
    expect(view).toEqual({
      year: 2026,
      quota: '100000.00',
      used: after.used,
      reserved: after.reserved,
      left: new Decimal(100000).minus(after.used).minus(after.reserved).toFixed(2),
    });
  });
});
