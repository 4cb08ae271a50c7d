import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { runServiceSimulation } from '../../src/modules/dutyfree/sim/run.ts';
import { DutyfreeSimulation } from '../../src/modules/dutyfree/sim/generator.ts';
import { detectRings } from '../../src/modules/dutyfree/rings/service/detect.ts';
import { personHash } from '../../src/modules/dutyfree/service.ts';
import { count } from './support.ts';

let t: TestApp;
// A thin slice of Hainan (0.04%: some 8 shoppers a day) over five weeks, with the rings at full size.
const options = { seed: 3, startDate: '2026-09-20', days: 35, scale: 0.0004, concurrency: 4 };

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-10-30T02:00:00Z') });
});
afterAll(async () => {
  await t?.close();
});

describe('tidegate dutyfree simulate, through the service', () => {
  let first: Awaited<ReturnType<typeof runServiceSimulation>>;

  it('sells every simulated sale at the tills, reports the departures, and the tills refuse nothing', async () => {
    first = await runServiceSimulation(t.ctx, options);
    expect(first.days).toBe(35);
    expect(first.sales).toBeGreaterThan(400);
    expect(first.refused).toEqual({});
    expect(await count(t, 'dutyfree_reservations')).toBe(first.sales);
    const [shops] = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(distinct shop_code)::int as n from dutyfree_reservations`,
    );
    expect(shops!.n).toBe(12);
    expect(first.departures).toBeGreaterThan(0);
    // Every buyer who took goods at once has the carrier's departure on record: nobody is banned.
    expect(await count(t, 'dutyfree_bans')).toBe(0);
  }, 300_000);

  it('is deterministic: the same seed again answers the first results and adds no sale', async () => {
    const before = await count(t, 'audit_entries');
    const again = await runServiceSimulation(t.ctx, { ...options, days: 4 });
    const [firstDays] = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from dutyfree_reservations where purchase_date < '2026-09-24'`,
    );
    expect(again.sales).toBe(firstDays!.n);
    expect(await count(t, 'dutyfree_reservations')).toBe(first.sales);
    // A replayed sale is answered from the first; only the carriers' reports and findings write again.
    expect(await count(t, 'dutyfree_codes')).toBe(
      Number(
        (
          await queryRows<{ n: number }>(t.ctx.db, sql`select sum(quantity)::int as n from dutyfree_reservation_items`)
        )[0]!.n,
      ),
    );
    expect(await count(t, 'audit_entries')).toBeGreaterThanOrEqual(before);
  }, 300_000);

  it('ring detection over the simulated sales flags planted carriers only', async () => {
    const run = await detectRings(t.ctx, { to: '2026-10-24', actor: 'system:test' });
    expect(run.sales).toBe(first.sales);
    const sim = new DutyfreeSimulation(options);
    const carriers = new Set(
      sim.rings.flatMap((r) => r.members).map((i) => personHash(t.ctx, sim.person(i).idType, sim.person(i).idNumber)),
    );
    const flagged = await queryRows<{ h: string }>(
      t.ctx.db,
      sql`select b.id_number_hash as h from dutyfree_ring_members m join dutyfree_buyers b on b.id = m.buyer_id`,
    );
    expect(run.rings).toBeGreaterThan(0);
    for (const f of flagged) expect(carriers.has(f.h)).toBe(true);
  }, 300_000);
});
