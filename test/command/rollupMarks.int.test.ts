import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openTestDatabase } from '../support/db.ts';
import { queryRows, type Database } from '../../src/platform/db/client.ts';
import { enqueueEvents, readEventsBetween, type NewEvent } from '../../src/platform/outbox/service.ts';
import { fixedClock } from '../../src/kernel/clock.ts';
import type { AppContext } from '../../src/platform/context.ts';
import { typedEvent } from '../../src/platform/outbox/contract.ts';
import { applyEvents, rebuildRollups, ROLLUP_STREAMS } from '../../src/modules/command/service.ts';
import { RISK_EVENTS } from '../../src/modules/risk/events.ts';
import { DECLARATIONS_EVENTS } from '../../src/modules/declarations/events.ts';
import { DUTYFREE_EVENTS } from '../../src/modules/dutyfree/events.ts';

// The rollups' processed-event marks on a bare database (no server, no demo): alerts, tax bills and
// duty-free sales, whose events carry all the rollups need.
let database: Database;
let ctx: AppContext;
const at = (h: number) => new Date(Date.UTC(2026, 10, 23, h, 17));

// The payloads are built by their publishers' catalogues (typedEvent), so they are the shapes the
// owners emit: a payload the owner would refuse is refused here too.
const riskAssessed = (level: 'RED' | 'YELLOW' | 'BLUE', n: number) => ({
  declarationId: `d${n}`,
  enterpriseId: 'e',
  uscc: '91460000MA5T000000',
  kind: 'SECOND_LINE_EXIT',
  port: 'CNHAK-PORT',
  level,
  score: level === 'RED' ? '0.9' : '0.1',
  features: [],
  model: null,
  selected: level === 'RED',
  action: level === 'RED' ? ('INSPECT' as const) : ('RELEASE' as const),
  reasons: level === 'RED' ? ['RISK_RED' as const] : [],
  draw: 0.5,
  expectedRevenue: '0.00',
  versions: { featureSet: 1, model: null, shadowModel: null, parameters: {} },
  inputHash: `h${n}`,
});
const bill = (kind: 'ORIGINAL' | 'SUPPLEMENTARY', duty: string, vat: string, total: string, n: number) => ({
  billId: `b${n}`,
  billNo: `B${n}`,
  declarationId: `d${n}`,
  enterpriseId: 'e',
  kind,
  duty,
  consumptionTax: '0.00',
  vat,
  total,
});

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = { db: database.db, clock: fixedClock(at(9)) } as unknown as AppContext;
  const events: NewEvent[] = [];
  const of = (aggregateType: string, hour: number) => ({
    aggregateType,
    aggregateId: String(events.length),
    occurredAt: at(hour),
  });
  for (const [level, hour] of [
    ['RED', 1],
    ['RED', 1],
    ['YELLOW', 1],
    ['BLUE', 1],
    ['YELLOW', 2],
  ] as const)
    events.push(
      typedEvent(RISK_EVENTS, 'RiskAssessed', {
        ...of('declaration', hour),
        payload: riskAssessed(level, events.length),
      }),
    );
  for (const b of [bill('ORIGINAL', '10.10', '1.31', '11.41', 1), bill('SUPPLEMENTARY', '0.20', '0.03', '0.23', 2)])
    events.push(typedEvent(DECLARATIONS_EVENTS, 'TaxBillIssued', { ...of('declaration', 3), payload: b }));
  const sale = { reservationId: 'r', buyerId: 'b', shop: 'S1', quotaYear: 2026, amount: '100.50', tripId: 't' };
  const confirmed = { ...sale, purchaseDate: '2026-11-23', collection: 'DEPARTURE', units: 2 };
  for (const payload of [
    { ...confirmed, categories: ['perfume', 'watches'] },
    { ...confirmed, amount: '9.50', units: 1, categories: ['perfume'] },
  ])
    events.push(typedEvent(DUTYFREE_EVENTS, 'DutyFreeConfirmed', { ...of('dutyfree-buyer', 4), payload }));
  await database.db.transaction(async (tx) => enqueueEvents(tx as never, events));
});
afterAll(async () => {
  await database?.close();
});

const snapshot = async () => ({
  alerts: await queryRows(database.db, sql`select hour, level, n from cmd_alert_hourly order by 1, 2`),
  tax: await queryRows(
    database.db,
    sql`select hour, bills, supplementary, duty::text, vat::text, total::text from cmd_tax_hourly order by 1`,
  ),
  dutyfree: await queryRows(
    database.db,
    sql`select day::text, shop, category, sales, units, amount::text from cmd_dutyfree_daily order by 1, 2, 3`,
  ),
});

async function deliverAll() {
  const events = await readEventsBetween(database.db, 0, Number.MAX_SAFE_INTEGER, 1000);
  let applied = 0;
  for (const stream of ROLLUP_STREAMS) applied += await applyEvents(ctx, stream, events);
  return applied;
}

describe('rollup consumers', () => {
  it('count each event once, however often it is delivered', async () => {
    expect(await deliverAll()).toBe(9);
    const once = await snapshot();
    expect(once.alerts.map((r) => [r.level, Number(r.n)])).toEqual([
      ['RED', 2],
      ['YELLOW', 1],
      ['YELLOW', 1],
    ]);
    expect(once.tax).toHaveLength(1);
    expect(once.tax[0]).toMatchObject({ bills: 2, supplementary: 1, duty: '10.30', vat: '1.34', total: '11.64' });
    expect(once.dutyfree.map((r) => [r.category, Number(r.sales), Number(r.units), r.amount])).toEqual([
      ['*', 2, 3, '110.00'],
      ['perfume', 2, 0, '0.00'],
      ['watches', 1, 0, '0.00'],
    ]);
    expect(await deliverAll()).toBe(0);
    expect(await snapshot()).toEqual(once);
  });

  it('rebuilt from scratch, equal what the consumers kept', async () => {
    const kept = await snapshot();
    const progress: number[] = [];
    const r = await rebuildRollups(ctx, { pageSize: 4, onProgress: (done) => progress.push(done) });
    expect(r.events).toBe(9);
    expect(progress).toEqual([0, 4, 8, 9]);
    expect(await snapshot()).toEqual(kept);
    expect(await deliverAll()).toBe(0);
  });
});
