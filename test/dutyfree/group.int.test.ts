import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/app.ts';
import { testDbKind } from '../support/db.ts';
import { pgArray, queryRows } from '../../src/platform/db/client.ts';
import { Problem } from '../../src/kernel/problem.ts';
import { GroupCommit } from '../../src/modules/dutyfree/service/group.ts';
import { personHash } from '../../src/modules/dutyfree/service.ts';
import { expectProblem, item, newBuyer, saleBody, shopKey, SHOPS } from './support.ts';

let t: TestApp;
let keys: string[];

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-11-23T02:00:00Z') });
  keys = await Promise.all(SHOPS.map((s) => shopKey(t, s)));
});
afterAll(async () => {
  await t?.close();
});

async function rowsOf(buyers: { idType: string; idNumber: string }[]) {
  const list = pgArray(buyers.map((b) => personHash(t.ctx, b.idType, b.idNumber)));
  const [row] = await queryRows<{ buyers: number; trips: number; reservations: number; audit: number }>(
    t.ctx.db,
    sql`select (select count(*)::int from dutyfree_buyers where id_number_hash = any(${list}::text[])) as buyers,
          (select count(*)::int from dutyfree_trips tr join dutyfree_buyers b on b.id = tr.buyer_id
            where b.id_number_hash = any(${list}::text[])) as trips,
          (select count(*)::int from dutyfree_reservations r join dutyfree_buyers b on b.id = r.buyer_id
            where b.id_number_hash = any(${list}::text[])) as reservations,
          (select count(*)::int from audit_entries a join dutyfree_reservations r
            on a.subject = 'dutyfree-reservation:' || r.id::text join dutyfree_buyers b on b.id = r.buyer_id
            where b.id_number_hash = any(${list}::text[])) as audit`,
  );
  return row!;
}

describe(`reservations and confirmations of many tills in one group (${testDbKind()})`, () => {
  it('a refusal writes nothing and fails no other request; a requestId sent twice at once is one sale', {
    timeout: 300_000,
  }, async () => {
    const adults = Array.from({ length: 20 }, () => newBuyer());
    const minors = Array.from({ length: 4 }, () => newBuyer({ birth: '2012-03-01' }));
    const bodies = [...adults, ...minors].map((b, i) => ({
      requestId: randomUUID(),
      ...saleBody(t, b, [item({ sku: `SKU-G-${i}`, unitPrice: `${1000 + i}.25`, quantity: 2 })]),
    }));
    // Each body of the first four adults twice (same requestId, same body), all at the same moment.
    const sent = [...bodies, ...bodies.slice(0, 4)].map((body, i) => ({ body, shop: (i % 24) % SHOPS.length }));
    const answers = await Promise.all(
      sent.map((s) =>
        t.request({ method: 'POST', url: '/api/v1/dutyfree/reservations', auth: keys[s.shop]!, body: s.body }),
      ),
    );
    const ids = new Map<string, string>();
    answers.forEach((res, k) => {
      const isMinor = k >= 20 && k < 24;
      if (isMinor) {
        expectProblem(res, 422, 'dutyfree.age');
        return;
      }
      expect(res.statusCode, res.body).toBe(201);
      const requestId = sent[k]!.body.requestId;
      const id = res.json().reservationId as string;
      if (ids.has(requestId)) expect(id).toBe(ids.get(requestId));
      else ids.set(requestId, id);
    });
    expect(ids.size).toBe(20);
    // The refused wrote nothing: no buyer, trip, reservation or audit entry of theirs.
    expect(await rowsOf(minors)).toEqual({ buyers: 0, trips: 0, reservations: 0, audit: 0 });
    expect(await rowsOf(adults)).toEqual({ buyers: 20, trips: 20, reservations: 20, audit: 20 });

    // Every sale confirmed at once, the first four twice: one set of codes each, the same answer twice.
    const reservationIds = [...ids.values()];
    const toConfirm = [...reservationIds, ...reservationIds.slice(0, 4)];
    const confirmed = await Promise.all(
      toConfirm.map((id) =>
        t.request({
          method: 'POST',
          url: `/api/v1/dutyfree/reservations/${id}/confirm`,
          // Sale i was reserved by shop i mod 12, which confirms it.
          auth: keys[reservationIds.indexOf(id) % SHOPS.length]!,
          body: {},
        }),
      ),
    );
    const codesOf = new Map<string, string[]>();
    confirmed.forEach((res, k) => {
      expect(res.statusCode, res.body).toBe(200);
      const codes = (res.json().codes as { codes: string[] }[]).flatMap((l) => l.codes);
      expect(codes).toHaveLength(2);
      const id = toConfirm[k]!;
      if (codesOf.has(id)) expect(codes).toEqual(codesOf.get(id));
      else codesOf.set(id, codes);
    });
    const all = [...codesOf.values()].flat();
    expect(new Set(all).size).toBe(40);
    const [sums] = await queryRows<{ used: string; reserved: string; sold: number }>(
      t.ctx.db,
      sql`select sum(q.used)::text as used, sum(q.reserved)::text as reserved,
            (select count(*)::int from dutyfree_codes c
              where c.reservation_id = any(${pgArray(reservationIds)}::uuid[])) as sold
          from dutyfree_quotas q join dutyfree_reservations r on r.buyer_id = q.buyer_id and r.quota_year = q.year
          where r.id = any(${pgArray(reservationIds)}::uuid[])`,
    );
    // Buyer i bought 2 × (1000 + i).25: 20 buyers, Σ = 2 × (20 × 1000.25 + 190).
    expect(sums).toEqual({ used: '40390.00', reserved: '0.00', sold: 40 });
    // Two audit entries (reserve, confirm) per sale.
    expect((await rowsOf(adults)).audit).toBe(40);
  });

  it('a full queue refuses at once with 503 and a time to come back, writing nothing', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const group = new GroupCommit<number, number>(
      t.ctx,
      'dutyfree.test',
      async (_tx, _batch, n) => {
        await held;
        return n;
      },
      { maxGroup: 64, maxQueued: 1 },
    );
    const first = group.submit(1, ['a'], 'a');
    const second = group.submit(2, ['b'], 'b');
    expect(group.queued).toBe(1);
    const third = await group.submit(3, ['c'], 'c').catch((e: unknown) => e);
    expect(third).toBeInstanceOf(Problem);
    expect((third as Problem).status).toBe(503);
    expect((third as Problem).extra).toMatchObject({ rule: 'dutyfree.queueFull', retryAfterSeconds: 1 });
    release();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
  });
});
