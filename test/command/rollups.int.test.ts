import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { readEventsBetween } from '../../src/platform/outbox/service.ts';
import { applyEvents, rebuildRollups, ROLLUP_STREAMS } from '../../src/modules/command/service.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ seedDemo: true });
  await t.ctx.dispatcher.drain();
}, 900_000);
afterAll(async () => {
  await t?.close();
});

const rows = async (q: SQL) => (await queryRows<Record<string, unknown>>(t.ctx.db, q)).map((r) => JSON.stringify(r));
const sorted = async (q: SQL) => (await rows(q)).sort();
const HOUR = (c: string) => sql.raw(`to_char(date_trunc('hour', ${c} at time zone 'UTC'), 'YYYY-MM-DD"T"HH24')`);

/** Every rollup table's rows, in a stable order. */
async function snapshot() {
  return {
    gate: await sorted(sql`select port_code, ${HOUR('hour')} as h, passed, diverted from cmd_gate_hourly`),
    declarations: await sorted(sql`select ${HOUR('hour')} as h, state, n from cmd_declaration_hourly where n <> 0`),
    held: await sorted(sql`select declaration_id, since from cmd_held`),
    alerts: await sorted(sql`select ${HOUR('hour')} as h, level, n from cmd_alert_hourly`),
    tax: await sorted(
      sql`select ${HOUR('hour')} as h, bills, supplementary, duty::text, consumption_tax::text, vat::text, total::text
          from cmd_tax_hourly`,
    ),
    clearance: await sorted(sql`select port_code, ${HOUR('hour')} as h, measure, bucket, n from cmd_clearance_buckets`),
    dutyfree: await sorted(
      sql`select day::text, shop, category, sales, units, amount::text, returned::text from cmd_dutyfree_daily`,
    ),
  };
}

describe("the command centre's rollups", () => {
  it("hold what a direct count of the owners' tables gives", async () => {
    const s = await snapshot();
    expect(s.gate.length).toBeGreaterThan(0);
    expect(s.gate).toEqual(
      await sorted(sql`
        select port_code, ${HOUR('occurred_at')} as h, count(*) filter (where decision = 'PASS')::int as passed,
          count(*) filter (where decision = 'DIVERT')::int as diverted
        from gate_events group by 1, 2`),
    );
    expect(s.declarations.length).toBeGreaterThan(0);
    expect(s.declarations).toEqual(
      await sorted(
        sql`select ${HOUR('created_at')} as h, state, count(*)::int as n from decl_declarations group by 1, 2`,
      ),
    );
    expect(await sorted(sql`select declaration_id from cmd_held`)).toEqual(
      await sorted(sql`select id as declaration_id from decl_declarations where state = 'HELD'`),
    );
    expect(s.alerts.length).toBeGreaterThan(0);
    expect(s.alerts).toEqual(
      await sorted(sql`
        select ${HOUR('created_at')} as h, level, count(*)::int as n from risk_decisions
        where level in ('RED', 'YELLOW') group by 1, 2`),
    );
    expect(s.tax.length).toBeGreaterThan(0);
    expect(s.tax).toEqual(
      await sorted(sql`
        select ${HOUR('issued_at')} as h, count(*)::int as bills,
          count(*) filter (where kind = 'SUPPLEMENTARY')::int as supplementary, sum(duty)::numeric(18, 2)::text as duty,
          sum(consumption_tax)::numeric(18, 2)::text as consumption_tax, sum(vat)::numeric(18, 2)::text as vat,
          sum(total)::numeric(18, 2)::text as total
        from decl_tax_bills group by 1`),
    );
    expect(
      await sorted(
        sql`select port_code, sum(n)::int as n from cmd_clearance_buckets where measure = 'EXIT' group by 1`,
      ),
    ).toEqual(
      await sorted(sql`
        select port_code, count(*)::int as n from decl_declarations
        where state = 'EXITED' and kind in ('SECOND_LINE_EXIT', 'BATCH_EXIT') group by 1`),
    );
    expect(
      await sorted(sql`select day::text, shop, sales, amount::text from cmd_dutyfree_daily where category = '*'`),
    ).toEqual(
      await sorted(sql`
        select purchase_date::text as day, shop_code as shop, count(*)::int as sales,
          sum(amount)::numeric(18, 2)::text as amount
        from dutyfree_reservations where confirmed_at is not null group by 1, 2`),
    );
  });

  it("give clearance p50 and p90 within a bucket of percentile_cont's", async () => {
    const summary = (
      await t.request({
        method: 'GET',
        url: '/api/v1/command/summary?window=24h',
        auth: await t.authFor('command_viewer'),
      })
    ).json();
    const w = summary.window;
    const [exact] = await queryRows<Record<string, number | null>>(
      t.ctx.db,
      sql`
      with times as (
        select d.created_at as submitted,
          (select min(x.at) from decl_transitions x where x.declaration_id = d.id and x.to_state = 'EXITED') as exited
        from decl_declarations d where d.state = 'EXITED' and d.kind in ('SECOND_LINE_EXIT', 'BATCH_EXIT'))
      select count(*)::int as n,
        percentile_cont(0.5) within group (order by extract(epoch from (exited - submitted))) as p50,
        percentile_cont(0.9) within group (order by extract(epoch from (exited - submitted))) as p90
      from times where exited >= ${w.from}::timestamptz and exited < ${w.to}::timestamptz`,
    );
    expect(summary.clearance.overall.n).toBe(Number(exact!.n));
    // The demo's window may hold no exit: then both are empty, and there is no percentile to compare.
    if (Number(exact!.n) === 0) expect(summary.clearance.overall.exitP50).toBeNull();
    else
      for (const [mine, theirs] of [
        [summary.clearance.overall.exitP50, exact!.p50],
        [summary.clearance.overall.exitP90, exact!.p90],
      ]) {
        const ratio = Math.max(1, mine) / Math.max(1, Number(theirs));
        expect(ratio).toBeGreaterThan(2 ** -0.5);
        expect(ratio).toBeLessThan(2 ** 0.5);
      }
  });

  it('count an event once however often it is delivered', async () => {
    const before = await snapshot();
    const events = await readEventsBetween(t.ctx.db, 0, Number.MAX_SAFE_INTEGER, 100_000);
    for (const stream of ROLLUP_STREAMS) {
      const ours = events.filter((e) => stream.eventTypes.includes(e.eventType));
      expect(await applyEvents(t.ctx, stream, ours)).toBe(0);
      // One batch holding an event twice, and a batch delivered again.
      expect(await applyEvents(t.ctx, stream, [...ours.slice(-3), ...ours.slice(-3)])).toBe(0);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('rebuilt from scratch, equal the rollups kept event by event', async () => {
    const before = await snapshot();
    const seen: number[] = [];
    const result = await rebuildRollups(t.ctx, { pageSize: 97, onProgress: (done) => seen.push(done) });
    expect(result.events).toBeGreaterThan(97);
    expect(seen.at(-1)).toBe(result.events);
    expect(await snapshot()).toEqual(before);
    // The consumers carry on from the rebuild's marks: nothing delivered twice, nothing lost.
    await t.ctx.dispatcher.drain();
    expect(await snapshot()).toEqual(before);
  });
});
