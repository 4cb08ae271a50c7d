import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { DEMO_BUYERS } from '../../src/modules/dutyfree/demo.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ seedDemo: true });
});
afterAll(async () => {
  await t?.close();
});

describe('the duty-free demo', () => {
  it(
    'shows every case: sales of each kind, a held reservation, a return, a pick-up,' + ' a ban, a market finding',
    async () => {
      const rows = await queryRows<{ status: string; collection: string; n: number | string }>(
        t.ctx.db,
        sql`select status, collection, count(*) as n from dutyfree_reservations group by 1, 2 order by 1, 2`,
      );
      const kinds = rows.map((r) => `${r.status} ${r.collection}`);
      for (const c of ['DEPARTURE_PICKUP', 'MAIL', 'RETURN_PICKUP', 'BUY_AND_COLLECT'])
        expect(kinds).toContain(`CONFIRMED ${c}`);
      expect(kinds).toContain('RESERVED DEPARTURE_PICKUP');
      const facts = await queryRows<{ kind: string }>(
        t.ctx.db,
        sql`select kind from dutyfree_buyer_facts order by kind`,
      );
      // The kinds shown (the resale-ring demo adds bans and a finding of its own).
      expect([...new Set(facts.map((f) => f.kind))]).toEqual(['BANNED', 'CODE_FOUND_ON_MARKET', 'MISSED_DEPARTURE']);
      const officer = await t.authFor('inspector');
      const stayer = (
        await t.request({
          method: 'POST',
          url: '/api/v1/dutyfree/buyers/lookup',
          auth: officer,
          body: { idType: 'RESIDENT_ID', idNumber: DEMO_BUYERS.stayer.idNumber },
        })
      ).json();
      expect(stayer.bans).toHaveLength(1);
      const traveller = (
        await t.request({
          method: 'POST',
          url: '/api/v1/dutyfree/buyers/lookup',
          auth: officer,
          body: { idType: 'RESIDENT_ID', idNumber: DEMO_BUYERS.traveller.idNumber },
        })
      ).json();
      expect(traveller.recentSales).toHaveLength(2);
      const picked = await queryRows<{ n: number | string }>(
        t.ctx.db,
        sql`select count(*) as n from dutyfree_codes where pickup_point = 'CNHAK-MEILAN'`,
      );
      expect(Number(picked[0]!.n)).toBe(7);
    },
  );
});
