import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { exitBody, jerkyMaker } from '../declarations/helpers.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { runCommand } from '../../src/platform/command.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import { addItems, costBasisOf, fileDocument } from '../../src/modules/ledger/service.ts';
import { grantQualification } from '../../src/modules/subjects/service.ts';

/**
 * A chain of three processors (A → B → C). A makes jerky (445 CNY of imported beef a kg) and sells
 * 20 kg to B for 12,000; B packs them into gift boxes (1,000 CNY of domestic packaging) and sells the
 * 20 kg to C for 16,000; C sells them to the mainland for 16,500.
 *
 * B's book holds A's jerky at the 12,000 it paid (8,900 imported content, 3,100 bought material).
 * B's own cumulative number must not carry that price: it carries B's own materials (1,000) and, for
 * A's goods, the materials of A's number (8,900), so A's value added (3,100) stays value added along
 * the chain: (16,000 − 9,900) ÷ 9,900 = 0.6162. C then counts each figure once:
 * (16,500 − 9,900) ÷ 9,900 = 0.6667, duty exempt, where a number carrying B's book at the price
 * (8,900 + 4,100) would give (16,500 − 13,000) ÷ 13,000 = 0.2692 and duty.
 */
let t: TestApp;
const actor = systemActor('test');
const jerky = { hsCode: '1602500090', name: '牛肉干 beef jerky', specification: '', unit: 'KG', originCountry: 'CN' };
const boxes = { ...jerky, name: '牛肉干礼盒 jerky gift box', specification: '20 x 1 kg' };
let a: { bookId: string; jerkyId: string; auth: string };
let b: { enterpriseId: string; bookId: string; jerkyId: string; boxId: string; auth: string };
let c: { enterpriseId: string; bookId: string; boxId: string; auth: string };

const post = (url: string, body: unknown, auth: string) => t.request({ method: 'POST', url, body, auth });

async function setParam(name: string, value: string) {
  await runCommand(t.ctx, 'parameter.set', (tx) =>
    setParameter(tx, { name, value, validFrom: '2025-12-18', reason: 'test' }, 'system:test', t.clock.now()),
  );
}

/** A processing enterprise that may receive goods from another (a zero-tariff beneficiary of materials). */
async function processor(itemNos: string[], item: typeof jerky) {
  const p = await bookWithGoods(t.ctx, {
    regime: 'PROCESSING_VALUE_ADDED',
    entryDate: '2026-11-02',
    items: [
      { hsCode: '0910110000', name: 'ginger', unit: 'KG', originCountry: 'TH', quantity: '10', importedCny: '1000' },
    ],
  });
  await grantQualification(t.ctx, actor, p.uscc, {
    kind: 'ZERO_TARIFF_BENEFICIARY',
    goodsCategory: 'RAW_AND_AUXILIARY_MATERIALS',
    validFrom: '2026-01-01',
    validTo: null,
  });
  const items = await addItems(
    t.ctx,
    actor,
    p.bookId,
    itemNos.map((itemNo, i) => ({ itemNo, ...(i === 0 ? item : boxes) })),
  );
  const auth = await t.authFor('enterprise_user', { enterpriseId: p.enterpriseId, name: `user-${itemNos[0]}` });
  return { ...p, items: items.map((x) => x!.id), auth };
}

async function transfer(from: string, to: { enterpriseId: string; bookId: string }, line: object) {
  const documentId = uuidv7();
  await fileDocument(t.ctx, actor, {
    type: 'ISLAND_TRANSFER',
    documentId,
    bookId: from,
    businessDate: '2026-11-20',
    toEnterpriseId: to.enterpriseId,
    toBookId: to.bookId,
    lines: [line as { itemId: string; quantity: string; toItemId: string; valueCny: string }],
  });
  return documentId;
}

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-11-23T02:00:00Z') });
  await setParam('risk.randomFloorRate', '0');
  await setParam('risk.routineInspectionRate', '0');
  const m = await jerkyMaker(t);
  a = {
    bookId: m.bookId,
    jerkyId: m.jerkyId,
    auth: await t.authFor('enterprise_user', { enterpriseId: m.enterpriseId }),
  };
  const pb = await processor(['B-JERKY', 'B-BOX'], jerky);
  b = { enterpriseId: pb.enterpriseId, bookId: pb.bookId, jerkyId: pb.items[0]!, boxId: pb.items[1]!, auth: pb.auth };
  const pc = await processor(['C-BOX'], boxes);
  c = { enterpriseId: pc.enterpriseId, bookId: pc.bookId, boxId: pc.items[0]!, auth: pc.auth };
}, 600_000);

afterAll(async () => {
  await t?.close();
});

describe('a chain of three processors', () => {
  let numberA = '';
  let numberB = '';

  it("A's number carries A's cost and price; B's book holds the jerky at the 12,000 B paid", async () => {
    const doc = await transfer(a.bookId, b, {
      itemId: a.jerkyId,
      quantity: '20',
      toItemId: b.jerkyId,
      valueCny: '12000',
    });
    const res = await post('/api/v1/value-added/cumulative-numbers', { transferDocumentId: doc }, a.auth);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      salePrice: '12000.00',
      importedMaterials: '8900.00',
      domesticMaterials: '0.00',
    });
    numberA = res.json().number;
    const basis = await costBasisOf(t.ctx.db, { bookId: b.bookId, itemId: b.jerkyId, quantity: '20' });
    expect(basis).toMatchObject({ importedCny: '8900.00', domesticCny: '3100.00' });
  });

  it("B's number, citing A's, carries A's materials and B's own (not the price B paid): 0.6162", async () => {
    await fileDocument(t.ctx, actor, {
      type: 'PROCESSING',
      documentId: uuidv7(),
      bookId: b.bookId,
      businessDate: '2026-11-21',
      inputs: [{ itemId: b.jerkyId, quantity: '20' }],
      outputs: [{ itemId: b.boxId, quantity: '20', domesticCny: '1000' }],
    });
    const doc = await transfer(b.bookId, c, { itemId: b.boxId, quantity: '20', toItemId: c.boxId, valueCny: '16000' });
    const asked = { transferDocumentId: doc, upstream: [{ cumulativeNumber: numberA, quantityUsed: '20' }] };
    const res = await post('/api/v1/value-added/cumulative-numbers', asked, b.auth);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      salePrice: '16000.00',
      importedMaterials: '8900.00',
      domesticMaterials: '1000.00',
      hainanMadeInputs: '0.00',
      ratio: '0.6162',
      carries: [{ cumulativeNumber: numberA, quantityUsed: '20' }],
    });
    numberB = res.json().number;
    // A's number is written off to B's: it cannot be cited again, by an exit of B or another number.
    const used = await queryRows<{ u: string; carried_by: string }>(
      t.ctx.db,
      sql`select n.quantity_used::text as u, u.carried_by from value_added_cumulative_numbers n
          join value_added_number_uses u on u.number = n.number where n.number = ${numberA}`,
    );
    expect(used).toEqual([{ u: '20.000000', carried_by: numberB }]);
    // Asked again, the same number; asked again with other citations, a conflict.
    const again = await post('/api/v1/value-added/cumulative-numbers', asked, b.auth);
    expect(again.json()).toMatchObject({ number: numberB });
    const other = await post(
      '/api/v1/value-added/cumulative-numbers',
      { ...asked, upstream: [{ cumulativeNumber: numberA, quantityUsed: '10' }] },
      b.auth,
    );
    expect(other.statusCode).toBe(409);
  });

  it("C's exit citing B's number counts each link's value added once: 0.6667, duty exempt", async () => {
    const body = exitBody(c.bookId, [{ itemId: c.boxId, quantity: '20', valueCny: '16500', netWeightKg: '20' }]);
    // The exit form cites the number with its issued figures.
    const cited = { salePrice: '16000.00', quantity: '20', importedMaterials: '8900.00', domesticMaterials: '1000.00' };
    (body.lines[0] as Record<string, unknown>).upstream = [{ cumulativeNumber: numberB, ...cited, quantityUsed: '20' }];
    const res = await post('/api/v1/declarations/exits', body, c.auth);
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json();
    expect(d.lines[0].valueAdded).toMatchObject({ ratio: '0.6667', meetsThreshold: true });
    expect(d.state).toBe('RELEASED');
    expect(d.taxes.duty).toBe('0.00');
  });
});
