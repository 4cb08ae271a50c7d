import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { runCommand } from '../../src/platform/command.ts';
import { systemActor, type Actor } from '../../src/platform/auth/roles.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { Problem } from '../../src/kernel/problem.ts';
import { shanghaiDate } from '../../src/kernel/clock.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import {
  addItems,
  balanceOf,
  costBasisOf,
  decideAdjustment,
  fileDocument,
  importCatalogue,
  importItemsCsv,
  listAlerts,
  raiseOverdueAlerts,
  registerDirectRelease,
  valueAddedOf,
  verifyLedger,
  type DocumentInput,
} from '../../src/modules/ledger/service.ts';
import { createEnterprise, grantQualification } from '../../src/modules/subjects/service.ts';
import { randomUscc } from '../support/ledgerFixtures.ts';

let t: TestApp;
const actor = systemActor('test');
const auditorA: Actor = { kind: 'user', id: 'a', name: 'auditor-a', role: 'auditor', enterpriseId: null };
const auditorB: Actor = { kind: 'user', id: 'b', name: 'auditor-b', role: 'auditor', enterpriseId: null };

async function problemOf(p: Promise<unknown>): Promise<Problem> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Problem) return err;
    throw err;
  }
  throw new Error('expected a problem');
}
const file = (input: DocumentInput, who: Actor = actor) => fileDocument(t.ctx, who, input);
const count = async (table: string) =>
  Number((await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from ${sql.raw(table)}`))[0]!.n);

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('first-line import', () => {
  it('refuses goods in the taxed catalogue on a zero-tariff book, naming the line, and writes nothing', async () => {
    const b = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        { hsCode: '8429520000', name: '挖掘机', unit: '台', originCountry: 'JP', quantity: '1', importedCny: '100' },
      ],
    });
    const [car] = await addItems(t.ctx, actor, b.bookId, [
      { itemNo: 'CAR-1', hsCode: '8703236990', name: '小汽车 car', unit: '辆', originCountry: 'DE' },
    ]);
    const before = await count('ledger_movements');
    const p = await problemOf(
      file({
        type: 'FIRST_LINE_IMPORT',
        documentId: uuidv7(),
        bookId: b.bookId,
        lines: [
          { itemId: b.itemIds[0]!, quantity: '1', importedCny: '100' },
          { itemId: car!.id, quantity: '1', importedCny: '300000' },
        ],
      }),
    );
    expect(p.errors?.[0]).toMatchObject({ path: 'lines[1].itemId', rule: 'ledger.import.taxedCatalogue' });
    expect(await count('ledger_movements')).toBe(before);
    // The administrator's catalogue import ends the entry: then the car may enter.
    await importCatalogue(
      t.ctx,
      actor,
      'hsPrefix,description,validFrom,validTo\n8703,小汽车 motor cars,2025-12-18,2026-11-01',
    );
    // A car is a vehicle (交通工具): the beneficiary must hold that kind of goods too (beneficiary.scope).
    const vehicles = { kind: 'ZERO_TARIFF_BENEFICIARY', goodsCategory: 'TRANSPORT_VEHICLES_AND_YACHTS' } as const;
    await grantQualification(t.ctx, actor, b.uscc, { ...vehicles, validFrom: '2025-12-18', validTo: null });
    const ok = await file({
      type: 'FIRST_LINE_IMPORT',
      documentId: uuidv7(),
      bookId: b.bookId,
      lines: [{ itemId: car!.id, quantity: '1', importedCny: '300000' }],
    });
    expect(ok.status).toBe('POSTED');
    const bad = await problemOf(
      importCatalogue(t.ctx, actor, 'hsPrefix,description,validFrom\n87AB,x,2026-01-01\n8704,,2026-13-01'),
    );
    expect(bad.errors?.map((e) => [e.path, e.rule])).toEqual([
      ['csv[2].hsPrefix', 'ledger.catalogue.hsPrefix'],
      ['csv[3].description', 'ledger.catalogue.description'],
      ['csv[3].validFrom', 'ledger.date'],
    ]);
  });

  it('a catalogue entry or a parameter version that takes effect applies to the very next document', async () => {
    const b = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        { hsCode: '8428909000', name: '装载机', unit: '台', originCountry: 'JP', quantity: '1', importedCny: '100' },
      ],
    });
    const line = { itemId: b.itemIds[0]!, quantity: '1', importedCny: '100' };
    expect(
      (await file({ type: 'FIRST_LINE_IMPORT', documentId: uuidv7(), bookId: b.bookId, lines: [line] })).status,
    ).toBe('POSTED');
    // The catalogue gains the item's 10-digit code: the next document on the same book is refused.
    await importCatalogue(t.ctx, actor, 'hsPrefix,description,validFrom\n8428909000,装载机 loaders,2025-12-18');
    const refused = await problemOf(
      file({ type: 'FIRST_LINE_IMPORT', documentId: uuidv7(), bookId: b.bookId, lines: [line] }),
    );
    expect(refused.errors?.[0]).toMatchObject({ path: 'lines[0].itemId', rule: 'ledger.import.taxedCatalogue' });
    await importCatalogue(
      t.ctx,
      actor,
      'hsPrefix,description,validFrom,validTo\n8428909000,装载机 loaders,2025-12-18,2026-01-01',
    );
    expect(
      (await file({ type: 'FIRST_LINE_IMPORT', documentId: uuidv7(), bookId: b.bookId, lines: [line] })).status,
    ).toBe('POSTED');
    // A new version of the line limit, in force today: the next document obeys it, then the old value again.
    const today = shanghaiDate(t.ctx.clock.now());
    const limit = (value: number) =>
      runCommand(t.ctx, 'test.parameter', (tx) =>
        setParameter(
          tx,
          { name: 'ledger.maxLinesPerDocument', value, validFrom: today, reason: 'test' },
          'test',
          t.ctx.clock.now(),
        ),
      );
    await limit(1);
    const tooMany = await problemOf(
      file({ type: 'FIRST_LINE_IMPORT', documentId: uuidv7(), bookId: b.bookId, lines: [line, line] }),
    );
    expect(tooMany.errors?.[0]).toMatchObject({ path: 'lines', rule: 'ledger.tooManyLines' });
    await limit(1000);
    expect(
      (await file({ type: 'FIRST_LINE_IMPORT', documentId: uuidv7(), bookId: b.bookId, lines: [line, line] })).status,
    ).toBe('POSTED');
    expect(await balanceOf(t.ctx.db, b.bookId, b.itemIds[0]!)).toMatchObject({ onHand: '5' });
  });

  it('a non-beneficiary cannot keep a zero-tariff book; field errors name every bad field', async () => {
    const p = await problemOf(
      file({
        type: 'FIRST_LINE_IMPORT',
        documentId: 'nope',
        bookId: uuidv7(),
        lines: [{ itemId: 'x', quantity: '-1', importedCny: '1.234' }],
      }),
    );
    expect(p.errors?.map((e) => e.path)).toEqual([
      'documentId',
      'lines[0].itemId',
      'lines[0].quantity',
      'lines[0].importedCny',
    ]);
  });

  it('the same document id and content returns the stored document; other content is a 409', async () => {
    const b = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        { hsCode: '8429520000', name: '挖掘机', unit: '台', originCountry: 'JP', quantity: '1', importedCny: '100' },
      ],
    });
    const input: DocumentInput = {
      type: 'FIRST_LINE_IMPORT',
      documentId: uuidv7(),
      bookId: b.bookId,
      lines: [{ itemId: b.itemIds[0]!, quantity: '2', importedCny: '200' }],
    };
    const first = await file(input);
    const again = await file(input);
    expect(again.movements.map((m) => m.id)).toEqual(first.movements.map((m) => m.id));
    expect(await balanceOf(t.ctx.db, b.bookId, b.itemIds[0]!)).toMatchObject({ onHand: '3' });
    const p = await problemOf(
      file({ ...input, lines: [{ itemId: b.itemIds[0]!, quantity: '3', importedCny: '200' }] } as DocumentInput),
    );
    expect(p.status).toBe(409);
  });

  it('direct release: entered within 14 days is on time; overdue raises one alert; late entry is flagged', async () => {
    const b = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        { hsCode: '8429520000', name: '挖掘机', unit: '台', originCountry: 'JP', quantity: '1', importedCny: '100' },
      ],
    });
    const onTime = uuidv7();
    const late = uuidv7();
    await runCommand(t.ctx, 'r', (tx, batch) =>
      registerDirectRelease(
        tx,
        t.ctx,
        {
          releaseId: onTime,
          bookId: b.bookId,
          reference: 'DR-1',
          releasedOn: '2026-11-20',
          actor,
        },
        batch,
      ),
    );
    await runCommand(t.ctx, 'r', (tx, batch) =>
      registerDirectRelease(
        tx,
        t.ctx,
        {
          releaseId: late,
          bookId: b.bookId,
          reference: 'DR-2',
          releasedOn: '2026-11-01',
          actor,
        },
        batch,
      ),
    );
    const doc = await file({
      type: 'FIRST_LINE_IMPORT',
      documentId: uuidv7(),
      bookId: b.bookId,
      directReleaseId: onTime,
      lines: [{ itemId: b.itemIds[0]!, quantity: '1', importedCny: '100' }],
    });
    expect(doc.flags).toMatchObject({ directRelease: { late: false, dueOn: '2026-12-04' } });
    expect(await raiseOverdueAlerts(t.ctx)).toEqual({ alerted: 1 });
    expect(await raiseOverdueAlerts(t.ctx)).toEqual({ alerted: 0 });
    const lateDoc = await file({
      type: 'FIRST_LINE_IMPORT',
      documentId: uuidv7(),
      bookId: b.bookId,
      directReleaseId: late,
      lines: [{ itemId: b.itemIds[0]!, quantity: '1', importedCny: '100' }],
    });
    expect(lateDoc.flags).toMatchObject({ directRelease: { late: true, dueOn: '2026-11-15' } });
    const alerts = await listAlerts(t.ctx.db, { bookId: b.bookId });
    expect(alerts.map((a) => a.kind).sort()).toEqual(['DIRECT_RELEASE_ENTERED_LATE', 'DIRECT_RELEASE_OVERDUE']);
  });
});

describe('island transfer', () => {
  it('between beneficiaries: book to book, tax-free, cost carried', async () => {
    const from = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        {
          hsCode: '8429520000',
          name: '挖掘机',
          unit: '台',
          originCountry: 'JP',
          quantity: '4',
          importedCny: '1000000',
        },
      ],
    });
    const to = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        { hsCode: '8429520000', name: '挖掘机', unit: '台', originCountry: 'JP', quantity: '1', importedCny: '250000' },
      ],
    });
    const doc = await file({
      type: 'ISLAND_TRANSFER',
      documentId: uuidv7(),
      bookId: from.bookId,
      toEnterpriseId: to.enterpriseId,
      toBookId: to.bookId,
      lines: [{ itemId: from.itemIds[0]!, quantity: '1', toItemId: to.itemIds[0]! }],
    });
    expect(doc.tax).toMatchObject({ due: false, rule: 'tax.islandTransfer.betweenBeneficiaries' });
    expect(await balanceOf(t.ctx.db, from.bookId, from.itemIds[0]!)).toMatchObject({ onHand: '3' });
    expect(await balanceOf(t.ctx.db, to.bookId, to.itemIds[0]!)).toMatchObject({ onHand: '2' });
    expect(await costBasisOf(t.ctx.db, { bookId: to.bookId, itemId: to.itemIds[0]!, quantity: '2' })).toMatchObject({
      importedCny: '500000.00',
    });
    // Undone by a reversal: the receiver gives the goods back.
    const rev = await file({
      type: 'REVERSAL',
      documentId: uuidv7(),
      bookId: from.bookId,
      reversalOf: doc.id,
      reason: 'wrong receiver',
    });
    expect(rev.movements).toHaveLength(2);
    expect(await balanceOf(t.ctx.db, from.bookId, from.itemIds[0]!)).toMatchObject({ onHand: '4' });
    expect(await balanceOf(t.ctx.db, to.bookId, to.itemIds[0]!)).toMatchObject({ onHand: '1' });
    const twice = await problemOf(
      file({ type: 'REVERSAL', documentId: uuidv7(), bookId: from.bookId, reversalOf: doc.id, reason: 'again' }),
    );
    expect(twice.errors?.[0]).toMatchObject({ path: 'reversalOf', rule: 'ledger.reversal.alreadyReversed' });
  });

  it('to a non-beneficiary: the goods leave the book and the import taxes are computed', async () => {
    const from = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        { hsCode: '8429520000', name: '挖掘机', unit: '台', originCountry: 'JP', quantity: '2', importedCny: '200000' },
      ],
    });
    const buyer = await createEnterprise(t.ctx, actor, {
      uscc: randomUscc(),
      name: '非享惠企业',
      registeredInHainan: true,
      legalForm: 'INDEPENDENT_LEGAL_PERSON',
      industry: null as unknown as string,
      encouragedIndustry: false,
    });
    const missing = await problemOf(
      file({
        type: 'ISLAND_TRANSFER',
        documentId: uuidv7(),
        bookId: from.bookId,
        toEnterpriseId: buyer.id,
        lines: [{ itemId: from.itemIds[0]!, quantity: '1' }],
      }),
    );
    expect(missing.errors?.[0]).toMatchObject({ path: 'lines[0].dutyRate', rule: 'ledger.transfer.ratesRequired' });
    const doc = await file({
      type: 'ISLAND_TRANSFER',
      documentId: uuidv7(),
      bookId: from.bookId,
      toEnterpriseId: buyer.id,
      lines: [{ itemId: from.itemIds[0]!, quantity: '1', dutyRate: '0.05', vatRate: '0.13' }],
    });
    // 100,000 CNY (the cost basis moved): duty 5,000; VAT (100,000 + 5,000) × 13% = 13,650.
    expect(doc.tax).toMatchObject({
      due: true,
      rule: 'tax.islandTransfer.toNonBeneficiary',
      duty: '5000.00',
      vat: '13650.00',
      total: '18650.00',
    });
    expect(doc.movements).toEqual([
      expect.objectContaining({ from: 'stock', to: 'island', quantity: '1', importedCny: '100000.00' }),
    ]);
  });

  it('to a non-beneficiary, products of zero-tariff materials pay on their imported materials', async () => {
    // Pellets imported for 10,000 made into bags with 2,000 of domestic and 3,000 of Hainan-made inputs.
    const pellets = { hsCode: '3901100000', name: '聚乙烯粒子', unit: '千克', originCountry: 'SA', quantity: '1000' };
    const from = await bookWithGoods(t.ctx, { regime: 'ZERO_TARIFF', items: [{ ...pellets, importedCny: '10000' }] });
    const bagItem = { itemNo: `BAG-${from.bookId.slice(-6)}`, hsCode: '3923210000', name: '塑料袋', specification: '' };
    const [bags] = await addItems(t.ctx, actor, from.bookId, [{ ...bagItem, unit: '千克', originCountry: 'CN' }]);
    const outputs = [{ itemId: bags!.id, quantity: '1000', domesticCny: '2000', hainanMadeCny: '3000' }];
    const inputs = [{ itemId: from.itemIds[0]!, quantity: '1000' }];
    const businessDate = shanghaiDate(t.clock.now());
    const processing = { documentId: uuidv7(), bookId: from.bookId, reference: 'JG-BAGS', businessDate };
    await file({ type: 'PROCESSING', ...processing, inputs, outputs });
    const company = { uscc: randomUscc(), name: '非享惠企业 bags buyer', registeredInHainan: true };
    const kind = { legalForm: 'INDEPENDENT_LEGAL_PERSON' as const, industry: null as unknown as string };
    const buyer = await createEnterprise(t.ctx, actor, { ...company, ...kind, encouragedIndustry: false });
    const line = { itemId: bags!.id, quantity: '1000', valueCny: '30000', dutyRate: '0.065', vatRate: '0.13' };
    const transfer = { documentId: uuidv7(), bookId: from.bookId, toEnterpriseId: buyer.id, lines: [line] };
    const doc = await file({ type: 'ISLAND_TRANSFER', ...transfer });
    // On 10,000 (not the cost of 15,000 nor the price of 30,000): duty 650.00; VAT (10,650) × 13% = 1,384.50.
    const tax = { due: true, duty: '650.00', vat: '1384.50', total: '2034.50', lines: [{ dutiableValue: '10000.00' }] };
    expect(doc.tax).toMatchObject(tax);
  });

  it('relaxed-trade goods are never transferred', async () => {
    const from = await bookWithGoods(t.ctx, {
      regime: 'RELAXED_TRADE',
      items: [
        {
          hsCode: '3304990099',
          name: '护肤品',
          unit: '千克',
          originCountry: 'FR',
          quantity: '10',
          importedCny: '1000',
        },
      ],
    });
    const to = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        { hsCode: '8429520000', name: '挖掘机', unit: '台', originCountry: 'JP', quantity: '1', importedCny: '1' },
      ],
    });
    const p = await problemOf(
      file({
        type: 'ISLAND_TRANSFER',
        documentId: uuidv7(),
        bookId: from.bookId,
        toEnterpriseId: to.enterpriseId,
        toBookId: to.bookId,
        lines: [{ itemId: from.itemIds[0]!, quantity: '1', toItemId: to.itemIds[0]! }],
      }),
    );
    expect(p.errors?.[0]).toMatchObject({ path: 'bookId', rule: 'ledger.transfer.relaxedTrade' });
  });
});

describe('processing, scrap, export, adjustments', () => {
  it('jerky from zero-tariff beef carries the cost basis: the GACC example, ratio 0.4045', async () => {
    const b = await bookWithGoods(t.ctx, {
      regime: 'PROCESSING_VALUE_ADDED',
      items: [
        {
          hsCode: '0202300090',
          name: '冻去骨牛肉 frozen boneless beef',
          unit: '千克',
          originCountry: 'AU',
          quantity: '8000',
          importedCny: '356000',
        },
      ],
    });
    const [jerky] = await addItems(t.ctx, actor, b.bookId, [
      { itemNo: 'JERKY-200G', hsCode: '1602500090', name: '牛肉干 beef jerky', unit: '千克', originCountry: 'CN' },
    ]);
    const over = await problemOf(
      file({
        type: 'PROCESSING',
        documentId: uuidv7(),
        bookId: b.bookId,
        inputs: [{ itemId: b.itemIds[0]!, quantity: '8001' }],
        outputs: [{ itemId: jerky!.id, quantity: '4000' }],
      }),
    );
    expect(over.errors?.[0]).toMatchObject({ path: 'inputs[0].quantity', rule: 'ledger.insufficientAvailable' });
    const doc = await file({
      type: 'PROCESSING',
      documentId: uuidv7(),
      bookId: b.bookId,
      inputs: [{ itemId: b.itemIds[0]!, quantity: '8000' }],
      outputs: [{ itemId: jerky!.id, quantity: '4000', hainanMadeCny: '20000' }],
    });
    expect(doc.movements.map((m) => [m.from, m.to, m.quantity])).toEqual([
      ['stock', 'consumed', '8000'],
      ['produced', 'stock', '4000'],
    ]);
    const va = await valueAddedOf(
      t.ctx.db,
      { bookId: b.bookId, itemId: jerky!.id, quantity: '4000', salePrice: '500000' },
      '2026-11-23',
    );
    expect(va).toMatchObject({
      importedCny: '356000.00',
      domesticCny: '0.00',
      hainanMadeCny: '20000.00',
      ratio: '0.4045',
      meetsThreshold: true,
      threshold: '0.30',
    });
    const scrap = await file({
      type: 'SCRAP',
      documentId: uuidv7(),
      bookId: b.bookId,
      reason: '霉变 mould',
      lines: [{ itemId: jerky!.id, quantity: '10' }],
    });
    expect(scrap.movements[0]).toMatchObject({ to: 'scrapped', importedCny: '890.00' });
    const exp = await file({
      type: 'FIRST_LINE_EXPORT',
      documentId: uuidv7(),
      bookId: b.bookId,
      lines: [{ itemId: jerky!.id, quantity: '90' }],
    });
    expect(exp.movements[0]).toMatchObject({ from: 'stock', to: 'abroad', quantity: '90' });
    expect(await balanceOf(t.ctx.db, b.bookId, jerky!.id)).toMatchObject({ onHand: '3900' });
  });

  it('an adjustment waits for a second person; the filer cannot approve it', async () => {
    const b = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        { hsCode: '8429520000', name: '挖掘机', unit: '台', originCountry: 'JP', quantity: '5', importedCny: '500' },
      ],
    });
    const doc = await file(
      {
        type: 'ADJUSTMENT',
        documentId: uuidv7(),
        bookId: b.bookId,
        reason: '盘亏 stock-take shortage',
        lines: [{ itemId: b.itemIds[0]!, delta: '-2' }],
      },
      auditorA,
    );
    expect(doc.status).toBe('PENDING_APPROVAL');
    expect(doc.movements).toEqual([]);
    expect(await balanceOf(t.ctx.db, b.bookId, b.itemIds[0]!)).toMatchObject({ onHand: '5' });
    const self = await problemOf(decideAdjustment(t.ctx, auditorA, doc.id, { approve: true }));
    expect(self.errors?.[0]).toMatchObject({ rule: 'ledger.adjustment.fourEyes' });
    const approved = await decideAdjustment(t.ctx, auditorB, doc.id, { approve: true });
    expect(approved).toMatchObject({ status: 'POSTED', decidedBy: 'user:auditor-b' });
    expect(approved.movements[0]).toMatchObject({
      from: 'stock',
      to: 'adjustment',
      quantity: '2',
      importedCny: '200.00',
    });
    expect(await balanceOf(t.ctx.db, b.bookId, b.itemIds[0]!)).toMatchObject({ onHand: '3' });
    const again = await problemOf(decideAdjustment(t.ctx, auditorA, doc.id, { approve: false }));
    expect(again.status).toBe(409);
  });

  it('a reversal of an import whose goods were used fails naming the line', async () => {
    const b = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        { hsCode: '8429520000', name: '挖掘机', unit: '台', originCountry: 'JP', quantity: '5', importedCny: '500' },
      ],
    });
    await file({
      type: 'SCRAP',
      documentId: uuidv7(),
      bookId: b.bookId,
      reason: 'x',
      lines: [{ itemId: b.itemIds[0]!, quantity: '1' }],
    });
    const p = await problemOf(
      file({
        type: 'REVERSAL',
        documentId: uuidv7(),
        bookId: b.bookId,
        reversalOf: b.documentId,
        reason: 'entered twice',
      }),
    );
    expect(p.errors?.[0]).toMatchObject({ path: 'reversalOf.lines[0].quantity', rule: 'ledger.reversal.goodsUsed' });
  });
});

describe('item CSV import', () => {
  it('reports every bad row by line and field and imports nothing; a clean file imports all', async () => {
    const b = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        { hsCode: '8429520000', name: '挖掘机', unit: '台', originCountry: 'JP', quantity: '1', importedCny: '1' },
      ],
    });
    const bad = await problemOf(
      importItemsCsv(
        t.ctx,
        actor,
        b.bookId,
        'itemNo,hsCode,name,specification,unit,originCountry\nA1,8429520000,挖掘机,,台,JP\nA2,84295200,短码,,台,JP\nA1,8429520000,重复,,台,jp\n',
      ),
    );
    expect(bad.errors?.map((e) => [e.path, e.rule])).toEqual([
      ['csv[3].hsCode', 'HS.length'],
      ['csv[4].originCountry', 'ISO3166.format'], // the shared country check (kernel/country.ts), as declarations use
      ['csv[4].itemNo', 'ledger.item.duplicateInFile'],
    ]);
    const ok = await importItemsCsv(
      t.ctx,
      actor,
      b.bookId,
      'itemNo,hsCode,name,specification,unit,originCountry\nA1,8429520000,挖掘机,20t,台,JP\nA2,8479899990,包装机,,台,DE\n',
    );
    expect(ok).toMatchObject({ rows: 2, imported: 2 });
  });

  it('after all of it the verifier recomputes every balance and finds nothing wrong', async () => {
    const v = await verifyLedger(t.ctx.db);
    expect(v.firstProblem).toBeNull();
    expect(v.books).toBeGreaterThan(5);
  });
});
