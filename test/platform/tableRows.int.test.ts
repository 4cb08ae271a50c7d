import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { openTestDatabase, testDbKind } from '../support/db.ts';
import type { Database } from '../../src/platform/db/client.ts';
import { anyOf, tableRows } from '../../src/platform/db/rows.ts';
import { queryRows, recordset } from '../../src/platform/db/client.ts';
import { gateReleaseOrders, inspectionTasks } from '../../src/modules/gate/schema.ts';

/** Rows read and written without the query builder are exactly the rows Drizzle reads and writes. */
describe(`tableRows on ${testDbKind()}`, () => {
  let database: Database;
  const tasks = tableRows(inspectionTasks);
  const orders = tableRows(gateReleaseOrders);

  const task = (
    id: string,
    over: Partial<typeof inspectionTasks.$inferSelect> = {},
  ): typeof inspectionTasks.$inferSelect => ({
    id,
    source: 'GATE_DIVERT',
    documentType: 'GATE_EVENT',
    documentId: `evt-"quoted", 'single' \\ back`,
    releaseOrderId: null,
    portCode: 'CNHAK-XINHAI',
    reasons: [{ code: 'UNKNOWN_PLATE', detail: '琼Z000001 没有放行指令' }],
    status: 'OPEN',
    assignee: null,
    outcome: null,
    attended: false,
    corrections: null,
    disposition: null,
    note: null,
    contentHash: 'ab'.repeat(32),
    createdBy: 'device:gate-1',
    createdAt: new Date('2026-11-24T08:00:00.123Z'),
    startedAt: null,
    completedAt: null,
    ...over,
  });

  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('inserts rows that Drizzle reads back unchanged, and reads what Drizzle wrote as Drizzle does', async () => {
    const mine = [
      task('0193a1c2-0000-7000-8000-000000000001'),
      task('0193a1c2-0000-7000-8000-000000000002', {
        attended: true,
        corrections: [{ lineIndex: 0, quantity: '12.500' }],
        startedAt: new Date('2026-11-24T09:30:00Z'),
        note: 'null',
      }),
    ];
    await tasks.insert(database.db, mine);
    const viaDrizzle = await database.db
      .select()
      .from(inspectionTasks)
      .where(
        sql`${inspectionTasks.id} ${anyOf(
          mine.map((t) => t.id),
          'uuid',
        )}`,
      )
      .orderBy(inspectionTasks.id);
    expect(viaDrizzle).toEqual(mine);

    const theirs = task('0193a1c2-0000-7000-8000-000000000003', {
      status: 'COMPLETED',
      outcome: 'MATCH',
      disposition: 'RELEASE',
      completedAt: new Date('2026-11-24T10:00:00.999Z'),
    });
    await database.db.insert(inspectionTasks).values(theirs);
    const read = await tasks.select(
      database.db,
      sql`select ${tasks.columns} from ${tasks.table} where id ${anyOf([theirs.id], 'uuid')}`,
    );
    expect(read).toEqual([theirs]);
    expect(read[0]!.completedAt).toBeInstanceOf(Date);
  });

  it('keeps numerics as exact strings, bigints as numbers and nullable jsonb as null', async () => {
    const order: typeof gateReleaseOrders.$inferSelect = {
      id: '0193a1c2-0000-7000-8000-0000000000a1',
      enterpriseId: '0193a1c2-0000-7000-8000-0000000000e1',
      documentType: 'SECOND_LINE_EXIT',
      documentId: 'D-1',
      portCode: 'CNHAK-XINHAI',
      plate: '琼B12345',
      containers: ['BNCU1000005'],
      seals: ['SEAL-0001'],
      expectedGrossWeightKg: '24000.125',
      containerGoods: null,
      validFrom: new Date('2026-11-24T00:00:00Z'),
      validTo: new Date('2026-11-25T00:00:00Z'),
      reservationIds: ['0193a1c2-0000-7000-8000-0000000000b1'],
      status: 'OPEN',
      passedContainers: [],
      held: false,
      contentHash: 'cd'.repeat(32),
      version: 9007199254740,
      createdBy: 'user:officer',
      createdAt: new Date('2026-11-24T00:00:00Z'),
      closedAt: null,
      cancelReason: null,
    };
    await orders.insert(database.db, [order]);
    const [viaDrizzle] = await database.db.select().from(gateReleaseOrders).where(eq(gateReleaseOrders.id, order.id));
    expect(viaDrizzle).toEqual(order);
    const read = await orders.select(
      database.db,
      sql`select ${orders.columns} from gate_release_orders where plate ${anyOf(['琼B12345', 'other', 'a "quoted", {braced} \\\\ value'], 'text')}`,
    );
    expect(read).toEqual([order]);
    expect(read[0]!.expectedGrossWeightKg).toBe('24000.125');
  });

  it('an empty list matches nothing, and writing no rows writes nothing', async () => {
    expect(
      await tasks.select(database.db, sql`select ${tasks.columns} from ${tasks.table} where id ${anyOf([], 'uuid')}`),
    ).toEqual([]);
    await tasks.insert(database.db, []);
    const [{ n }] = (await database.db.select({ n: sql<number>`count(*)::int` }).from(inspectionTasks)) as [
      { n: number },
    ];
    expect(n).toBe(3);
  });

  it('an update joined to a recordset of a few rows looks them up by key, not by scanning the table', async () => {
    await database.db.execute(sql`create table recordset_probe (id uuid primary key, n int not null)`);
    await database.db.execute(
      sql`insert into recordset_probe select gen_random_uuid(), 0 from generate_series(1, 20000)`,
    );
    await database.db.execute(sql`analyze recordset_probe`);
    const [a, b] = await queryRows<{ id: string }>(
      database.db,
      sql`select id from recordset_probe order by id limit 2`,
    );
    const update = (prefix: string) =>
      sql`${sql.raw(prefix)} update recordset_probe p set n = v.n from ${recordset(
        [
          { id: a!.id, n: 1 },
          { id: b!.id, n: 2 },
        ],
        'id uuid, n int',
      )} where p.id = v.id`;
    const [plan] = await queryRows<{ 'QUERY PLAN': unknown }>(database.db, update('explain (format json)'));
    const text = JSON.stringify(plan!['QUERY PLAN']);
    expect(text).toContain('recordset_probe_pkey');
    expect(text).not.toContain('"Seq Scan"');
    await database.db.execute(update(''));
    expect(await queryRows(database.db, sql`select n from recordset_probe where n > 0 order by n`)).toEqual([
      { n: 1 },
      { n: 2 },
    ]);
  });
});
