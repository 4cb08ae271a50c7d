import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { runCommand } from '../../src/platform/command.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';

/**
 * Goods categories of zero-tariff beneficiaries (item 5): a qualification covers a kind of goods,
 * judged from the item's code; outside it the goods do not enter a zero-tariff book (ledger document
 * and first-line declaration alike), and a category given up stops tax-free transfers from its day.
 */
let t: TestApp;
let officer: string;

const post = (url: string, body: unknown, auth: string) => t.request({ method: 'POST', url, body, auth });
const count = async (table: string) =>
  Number((await queryRows<{ n: number }>(t.ctx.db, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n);
const rubber = {
  hsCode: '4001220000',
  name: '天然橡胶 natural rubber',
  unit: 'KG',
  originCountry: 'TH',
  quantity: '1000',
  importedCny: '12000',
};
const machine = {
  hsCode: '8479899990',
  name: '包装机 packing machine',
  unit: 'SET',
  originCountry: 'DE',
  quantity: '2',
  importedCny: '200000',
};

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-11-23T02:00:00Z') });
  for (const name of ['risk.randomFloorRate', 'risk.routineInspectionRate']) {
    await runCommand(t.ctx, 'parameter.set', (tx) =>
      setParameter(tx, { name, value: '0', validFrom: '2025-12-18', reason: 'test' }, 'system:test', t.clock.now()),
    );
  }
  officer = await t.authFor('inspector');
});
afterAll(async () => {
  await t?.close();
});

describe('beneficiary goods categories', () => {
  it('a raw-materials beneficiary takes in rubber zero-tariff, not a machine (ledger document and first line)', async () => {
    const w = await bookWithGoods(t.ctx, { regime: 'ZERO_TARIFF', entryDate: '2026-11-02', items: [rubber] });
    const trader = await t.authFor('enterprise_user', { enterpriseId: w.enterpriseId });
    const quals = (
      await t.request({ method: 'GET', url: `/api/v1/enterprises/${w.uscc}/qualifications`, auth: trader })
    ).json().items;
    expect(quals.map((q: { goodsCategory: string }) => q.goodsCategory)).toEqual(['RAW_AND_AUXILIARY_MATERIALS']);
    const added = await post(
      `/api/v1/ledger/books/${w.bookId}/items`,
      { items: [{ itemNo: 'M1', hsCode: machine.hsCode, name: machine.name, unit: 'SET', originCountry: 'DE' }] },
      trader,
    );
    expect(added.statusCode, added.body).toBe(201);
    const machineId = added.json().items[0].id as string;
    const before = await count('ledger_movements');
    const doc = {
      documentId: uuidv7(),
      type: 'FIRST_LINE_IMPORT',
      bookId: w.bookId,
      lines: [
        { itemId: w.itemIds[0], quantity: '10', importedCny: '120' },
        { itemId: machineId, quantity: '1', importedCny: '100000' },
      ],
    };
    const refused = await post('/api/v1/ledger/documents', doc, trader);
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().errors.map((e: { path: string; rule: string }) => [e.path, e.rule])).toEqual([
      ['lines[1].itemId', 'beneficiary.scope'],
    ]);
    expect(await count('ledger_movements')).toBe(before);
    const rubberOnly = await post(
      '/api/v1/ledger/documents',
      { ...doc, documentId: uuidv7(), lines: [doc.lines[0]] },
      trader,
    );
    expect(rubberOnly.statusCode, rubberOnly.body).toBe(201);

    const line = {
      kind: 'BOOK',
      itemId: machineId,
      description: 'packing machine',
      quantity: '1',
      netWeightKg: '800',
      valueCny: '100000',
    };
    const fl = await post(
      '/api/v1/firstline/declarations',
      { requestId: uuidv7(), direction: 'IMPORT', port: 'CNYPG-PORT', bookId: w.bookId, lines: [line] },
      trader,
    );
    expect(fl.statusCode, fl.body).toBe(422);
    expect(fl.json().errors[0]).toMatchObject({ path: 'lines[0].itemId', rule: 'beneficiary.scope' });
  });

  it('a category given up stops tax-free transfers of those goods from that day', async () => {
    const sender = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      entryDate: '2026-11-02',
      items: [machine, rubber],
    });
    const receiver = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      entryDate: '2026-11-02',
      items: [machine, rubber],
    });
    const auth = await t.authFor('enterprise_user', { enterpriseId: sender.enterpriseId });
    const transfer = (itemIdx: number) => ({
      documentId: uuidv7(),
      type: 'ISLAND_TRANSFER',
      bookId: sender.bookId,
      toEnterpriseId: receiver.enterpriseId,
      toBookId: receiver.bookId,
      lines: [{ itemId: sender.itemIds[itemIdx], toItemId: receiver.itemIds[itemIdx], quantity: '1' }],
    });
    const first = await post('/api/v1/ledger/documents', transfer(0), auth);
    expect(first.statusCode, first.body).toBe(201);

    // The sender gives up production equipment from today.
    const admin = await t.authFor('admin', { name: 'admin' });
    const quals = (
      await t.request({ method: 'GET', url: `/api/v1/enterprises/${sender.uscc}/qualifications`, auth: admin })
    ).json().items;
    const equipment = quals.find((q: { goodsCategory: string }) => q.goodsCategory === 'PRODUCTION_EQUIPMENT');
    const given = await post(
      `/api/v1/enterprises/${sender.uscc}/qualifications/${equipment.id}/relinquish`,
      { date: '2026-11-23', reason: 'equipment no longer used zero-tariff' },
      admin,
    );
    expect(given.statusCode, given.body).toBe(200);
    const before = await count('ledger_movements');
    const refused = await post('/api/v1/ledger/documents', transfer(0), auth);
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json().errors[0]).toMatchObject({ path: 'lines[0].itemId', rule: 'beneficiary.scope' });
    expect(refused.json().errors[0].message).toContain('the sender');
    expect(await count('ledger_movements')).toBe(before);
    // Raw materials still move tax-free.
    const raw = await post('/api/v1/ledger/documents', transfer(1), auth);
    expect(raw.statusCode, raw.body).toBe(201);
  });
});
