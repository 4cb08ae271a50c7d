import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { runCommand } from '../../src/platform/command.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { exitBody } from '../declarations/helpers.ts';

/**
 * Items (料号) are checked with the rules of the declarations that will carry their goods, so
 * goods on a book can always leave; an enterprise corrects an item's master data while nothing is
 * reserved on it. All over HTTP, as the enterprise does it.
 */
let t: TestApp;

async function setParam(name: string, value: unknown) {
  await runCommand(t.ctx, 'parameter.set', (tx) =>
    setParameter(tx, { name, value, validFrom: '2025-12-18', reason: 'test' }, 'system:test', t.clock.now()),
  );
}

async function count(query: ReturnType<typeof sql>): Promise<number> {
  const [r] = await queryRows<{ n: number }>(t.ctx.db, query);
  return Number(r!.n);
}
const auditCount = (action: string) =>
  count(sql`select count(*)::int as n from audit_entries where action = ${action}`);
const itemRows = () => count(sql`select count(*)::int as n from ledger_items`);

/** An excavator maker's book (8429 is not in the taxed catalogue): 10 machines of German origin. */
async function excavators() {
  const book = await bookWithGoods(t.ctx, {
    regime: 'ZERO_TARIFF',
    items: [
      {
        hsCode: '8429520000',
        name: '挖掘机 excavator',
        unit: '台',
        originCountry: 'DE',
        quantity: '10',
        importedCny: '1000000',
      },
    ],
  });
  const auth = await t.authFor('enterprise_user', { enterpriseId: book.enterpriseId });
  return { ...book, itemId: book.itemIds[0]!, auth };
}

/** What a book item looked like when the ledger still took 3-letter origins: stored before the rule. */
async function storedBeforeTheRule(itemId: string, originCountry: string) {
  await t.ctx.db.transaction(async (tx) => {
    await tx.execute(sql`alter table ledger_items drop constraint ledger_items_origin_ck`);
    await tx.execute(sql`update ledger_items set origin_country = ${originCountry} where id = ${itemId}`);
    await tx.execute(
      sql.raw(
        `alter table ledger_items add constraint ledger_items_origin_ck check (origin_country ~ '^[A-Z]{2}$') not valid`,
      ),
    );
  });
}

const exitOf = (b: { bookId: string; itemId: string }) =>
  exitBody(b.bookId, [
    { itemId: b.itemId, quantity: '1', valueCny: '120000', netWeightKg: '900', dutyRate: '0.05', vatRate: '0.13' },
  ]);

beforeAll(async () => {
  t = await startTestApp();
  // No random selection: every exit here is released.
  await setParam('risk.randomFloorRate', '0');
  await setParam('risk.routineInspectionRate', '0');
});
afterAll(async () => {
  await t?.close();
});

describe("book items are checked with the declarations' rules", () => {
  it('refuses a 3-letter or unknown origin, an HS code outside HS 2022 and a blank name, naming each field; nothing is written', async () => {
    const b = await excavators();
    const before = await itemRows();
    const item = { itemNo: 'EXC-2', hsCode: '8429520000', name: '挖掘机', unit: '台', originCountry: 'DE' };
    const res = await t.request({
      method: 'POST',
      url: `/api/v1/ledger/books/${b.bookId}/items`,
      auth: b.auth,
      body: {
        items: [
          { ...item, originCountry: 'DEU' },
          { ...item, itemNo: 'EXC-3', originCountry: 'XX' },
          { ...item, itemNo: 'EXC-4', hsCode: '0101990000' },
          { ...item, itemNo: 'EXC-5', name: '   ' },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors).toEqual([
      expect.objectContaining({
        path: 'items[0].originCountry',
        rule: 'ISO3166.format',
        message: expect.stringContaining('DEU looks like an alpha-3 code'),
      }),
      expect.objectContaining({ path: 'items[1].originCountry', rule: 'ISO3166.unknown' }),
      expect.objectContaining({ path: 'items[2].hsCode', rule: 'HS.unknownSubheading' }),
      expect.objectContaining({ path: 'items[3].name', rule: 'ledger.item.name' }),
    ]);
    expect(await itemRows()).toBe(before);
    const ok = await t.request({
      method: 'POST',
      url: `/api/v1/ledger/books/${b.bookId}/items`,
      auth: b.auth,
      body: { items: [item] },
    });
    expect(ok.statusCode).toBe(201);
  });

  it('the CSV import names the line of a 3-letter origin and imports nothing', async () => {
    const b = await excavators();
    const before = await itemRows();
    const csv =
      'itemNo,hsCode,name,specification,unit,originCountry\nEXC-7,8429520000,挖掘机,20t,台,JP\nEXC-8,8429520000,挖掘机,30t,台,JPN\n';
    const res = await t.request({
      method: 'POST',
      url: `/api/v1/ledger/books/${b.bookId}/items/import`,
      auth: b.auth,
      body: { csv },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      expect.objectContaining({ path: 'csv[3].originCountry', rule: 'ISO3166.format' }),
    ]);
    expect(await itemRows()).toBe(before);
  });
});

describe("correcting an item's master data", () => {
  it('an item stored with origin DEU cannot leave; corrected to DE (audited), its goods are declared and released', async () => {
    const b = await excavators();
    await storedBeforeTheRule(b.itemId, 'DEU');
    const stuck = await t.request({ method: 'POST', url: '/api/v1/declarations/exits', auth: b.auth, body: exitOf(b) });
    expect(stuck.statusCode).toBe(400);
    expect(stuck.json().errors).toEqual([expect.objectContaining({ path: expect.stringContaining('originCountry') })]);

    // Correcting the name alone is refused: the item as corrected must pass every rule, its origin too.
    const url = `/api/v1/ledger/books/${b.bookId}/items/${b.itemId}/correction`;
    const nameOnly = await t.request({
      method: 'POST',
      url,
      auth: b.auth,
      body: { name: '履带式挖掘机 crawler excavator', reason: '品名规范' },
    });
    expect(nameOnly.statusCode).toBe(400);
    expect(nameOnly.json().errors).toEqual([
      expect.objectContaining({ path: 'originCountry', rule: 'ISO3166.format' }),
    ]);
    expect(await auditCount('ledger.correctItem')).toBe(0);

    const fixed = await t.request({
      method: 'POST',
      url,
      auth: b.auth,
      body: { originCountry: 'DE', specification: '21 t', reason: '原产国代码应为两位字母代码' },
    });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect(fixed.json()).toMatchObject({
      id: b.itemId,
      originCountry: 'DE',
      specification: '21 t',
      hsCode: '8429520000',
      name: '挖掘机 excavator',
    });
    const [entry] = await queryRows<{ actor: string; subject: string; change: string }>(
      t.ctx.db,
      sql`select actor, subject, change from audit_entries where action = 'ledger.correctItem'`,
    );
    expect(entry!.subject).toBe(`ledger-book:${b.bookId}`);
    expect(JSON.parse(entry!.change)).toMatchObject({
      itemId: b.itemId,
      before: { originCountry: 'DEU', specification: '' },
      after: { originCountry: 'DE', specification: '21 t' },
      reason: '原产国代码应为两位字母代码',
    });
    const [event] = await queryRows<{ payload: { itemId: string } }>(
      t.ctx.db,
      sql`select payload from outbox_events where event_type = 'ItemCorrected'`,
    );
    expect(event!.payload).toMatchObject({ itemId: b.itemId, enterpriseId: b.enterpriseId });

    const items = await t.request({ method: 'GET', url: `/api/v1/ledger/books/${b.bookId}/items`, auth: b.auth });
    expect(items.json().items[0]).toMatchObject({ originCountry: 'DE', onHand: '10' });
    const leaves = await t.request({
      method: 'POST',
      url: '/api/v1/declarations/exits',
      auth: b.auth,
      body: exitOf(b),
    });
    expect(leaves.statusCode, leaves.body).toBe(201);
    expect(leaves.json()).toMatchObject({
      state: 'RELEASED',
      lines: [expect.objectContaining({ originCountry: 'DE' })],
    });
  });

  it('is refused with ledger.item.reserved while a declaration holds the goods, and allowed once it is cancelled', async () => {
    const b = await excavators();
    const declared = await t.request({
      method: 'POST',
      url: '/api/v1/declarations/exits',
      auth: b.auth,
      body: exitOf(b),
    });
    expect(declared.statusCode, declared.body).toBe(201);
    const url = `/api/v1/ledger/books/${b.bookId}/items/${b.itemId}/correction`;
    const audits = await auditCount('ledger.correctItem');
    const refused = await t.request({
      method: 'POST',
      url,
      auth: b.auth,
      body: { hsCode: '8429590000', reason: '归类更正' },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().errors).toEqual([
      expect.objectContaining({
        path: 'itemId',
        rule: 'ledger.item.reserved',
        message: expect.stringContaining('SECOND_LINE_EXIT'),
      }),
    ]);
    expect(await auditCount('ledger.correctItem')).toBe(audits);
    const unchanged = await t.request({ method: 'GET', url: `/api/v1/ledger/books/${b.bookId}/items`, auth: b.auth });
    expect(unchanged.json().items[0].hsCode).toBe('8429520000');

    const cancelled = await t.request({
      method: 'POST',
      url: `/api/v1/declarations/${declared.json().id}/cancel`,
      auth: b.auth,
      body: { reason: '更正料号后重新申报' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const corrected = await t.request({
      method: 'POST',
      url,
      auth: b.auth,
      body: { hsCode: '8429590000', reason: '归类更正' },
    });
    expect(corrected.statusCode, corrected.body).toBe(200);
    expect(corrected.json().hsCode).toBe('8429590000');
    expect(await auditCount('ledger.correctItem')).toBe(audits + 1);
  });

  it('checks the corrected values like a new item, keeps a zero-tariff book out of the taxed catalogue, and writes nothing for no change', async () => {
    const b = await excavators();
    const url = `/api/v1/ledger/books/${b.bookId}/items/${b.itemId}/correction`;
    const bad = await t.request({
      method: 'POST',
      url,
      auth: b.auth,
      body: { hsCode: '84295200', originCountry: 'UK', reason: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([
      expect.objectContaining({ path: 'hsCode', rule: 'HS.length' }),
      expect.objectContaining({ path: 'originCountry', rule: 'ISO3166.unknown' }),
    ]);
    const wine = await t.request({ method: 'POST', url, auth: b.auth, body: { hsCode: '2204210000', reason: 'x' } });
    expect(wine.statusCode).toBe(400);
    expect(wine.json().errors).toEqual([
      expect.objectContaining({ path: 'hsCode', rule: 'ledger.item.taxedCatalogue' }),
    ]);
    const empty = await t.request({ method: 'POST', url, auth: b.auth, body: { reason: 'nothing' } });
    expect(empty.json().errors).toEqual([expect.objectContaining({ rule: 'ledger.item.correctionEmpty' })]);
    const audits = await auditCount('ledger.correctItem');
    const same = await t.request({ method: 'POST', url, auth: b.auth, body: { originCountry: 'DE', reason: 'again' } });
    expect(same.statusCode).toBe(200);
    expect(await auditCount('ledger.correctItem')).toBe(audits);
  });

  it('only the enterprise and the officers who file for it correct its items', async () => {
    const b = await excavators();
    const other = await excavators();
    const body = { name: '挖掘机', reason: 'x' };
    const url = `/api/v1/ledger/books/${b.bookId}/items/${b.itemId}/correction`;
    expect((await t.request({ method: 'POST', url, auth: other.auth, body })).statusCode).toBe(404);
    expect((await t.request({ method: 'POST', url, auth: await t.authFor('inspector'), body })).statusCode).toBe(403);
    expect(
      (
        await t.request({
          method: 'POST',
          url: `/api/v1/ledger/books/${b.bookId}/items/${other.itemId}/correction`,
          auth: b.auth,
          body,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await t.request({
          method: 'POST',
          url,
          auth: await t.authFor('auditor'),
          body: { name: '挖掘机 excavator (officer)', reason: '代企业更正' },
        })
      ).statusCode,
    ).toBe(200);
  });
});
