import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { exitBody } from '../declarations/helpers.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { runCommand } from '../../src/platform/command.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import { addItems, costBasisOf, fileDocument } from '../../src/modules/ledger/service.ts';
import { grantQualification } from '../../src/modules/subjects/service.ts';
import { writeOffCitedNumbers } from '../../src/modules/valueadded/service.ts';

/**
 * The cumulative number along an exit: the downstream book carries the upstream goods at the transfer
 * price, an exit citing the number counts each figure once, a number is written off per use like a
 * book (never below zero, also when cited at the same moment) and given back when the exit is
 * cancelled, and an exit whose exemption rests on a ratio in the review band waits for the officer.
 */
let t: TestApp;
const actor = systemActor('test');
let up: { bookId: string; jerkyId: string; auth: string };
let down: { enterpriseId: string; bookId: string; jerkyId: string; auth: string };
let inspector: string;
const numbers: string[] = [];

const post = (url: string, body: unknown, auth: string) => t.request({ method: 'POST', url, body, auth });
const get = (url: string, auth: string) => t.request({ method: 'GET', url, auth });
const one = async (q: string) => {
  const rows = await t.ctx.db.execute(sql.raw(q));
  const list = (rows as unknown as { rows?: Record<string, unknown>[] }).rows ?? (rows as unknown as []);
  return list[0] as Record<string, unknown>;
};
const count = async (table: string) => Number((await one(`select count(*)::int as n from ${table}`)).n);
const used = async (number: string) =>
  String(
    (await one(`select quantity_used::text as u from value_added_cumulative_numbers where number = '${number}'`)).u,
  );

async function setParam(name: string, value: unknown) {
  await runCommand(t.ctx, 'parameter.set', (tx) =>
    setParameter(tx, { name, value, validFrom: '2025-12-18', reason: 'test' }, 'system:test', t.clock.now()),
  );
}

/** An exit of the downstream's jerky citing `number` for as much as it sends. */
function exitOf(quantity: string, valueCny: string, number: string) {
  const body = exitBody(down.bookId, [{ itemId: down.jerkyId, quantity, valueCny, netWeightKg: quantity }]);
  (body.lines[0] as Record<string, unknown>).upstream = [
    {
      cumulativeNumber: number,
      salePrice: '12000.00',
      quantity: '20',
      importedMaterials: '8900.00',
      domesticMaterials: '0.00',
      quantityUsed: quantity,
    },
  ];
  return body;
}

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-11-23T02:00:00Z') });
  await setParam('risk.randomFloorRate', '0');
  await setParam('risk.routineInspectionRate', '0');
  inspector = await t.authFor('inspector', { name: 'inspector-chen' });
  // Upstream: 1,000 kg of beef (356,000 CNY imported) made into 800 kg of jerky: 445 CNY of beef a kg.
  const u = await bookWithGoods(t.ctx, {
    regime: 'PROCESSING_VALUE_ADDED',
    entryDate: '2026-11-02',
    items: [
      { hsCode: '0202300090', name: 'beef', unit: 'KG', originCountry: 'AU', quantity: '1000', importedCny: '356000' },
    ],
  });
  const jerkyItem = {
    hsCode: '1602500090',
    name: '牛肉干 beef jerky',
    specification: '',
    unit: 'KG',
    originCountry: 'CN',
  };
  const [jerky] = await addItems(t.ctx, actor, u.bookId, [{ itemNo: 'UP-JERKY', ...jerkyItem }]);
  await fileDocument(t.ctx, actor, {
    type: 'PROCESSING',
    documentId: uuidv7(),
    bookId: u.bookId,
    businessDate: '2026-11-10',
    inputs: [{ itemId: u.itemIds[0]!, quantity: '1000' }],
    outputs: [{ itemId: jerky!.id, quantity: '800' }],
  });
  up = {
    bookId: u.bookId,
    jerkyId: jerky!.id,
    auth: await t.authFor('enterprise_user', { enterpriseId: u.enterpriseId }),
  };
  const d = await bookWithGoods(t.ctx, {
    regime: 'PROCESSING_VALUE_ADDED',
    entryDate: '2026-11-02',
    items: [
      { hsCode: '0910110000', name: 'ginger', unit: 'KG', originCountry: 'TH', quantity: '10', importedCny: '1000' },
    ],
  });
  await grantQualification(t.ctx, actor, d.uscc, {
    kind: 'ZERO_TARIFF_BENEFICIARY',
    goodsCategory: 'RAW_AND_AUXILIARY_MATERIALS',
    validFrom: '2026-01-01',
    validTo: null,
  });
  const [inJerky] = await addItems(t.ctx, actor, d.bookId, [{ itemNo: 'DOWN-JERKY', ...jerkyItem }]);
  down = {
    enterpriseId: d.enterpriseId,
    bookId: d.bookId,
    jerkyId: inJerky!.id,
    auth: await t.authFor('enterprise_user', { enterpriseId: d.enterpriseId }),
  };
}, 600_000);
afterAll(async () => {
  await t?.close();
});

describe("the downstream's book carries the transfer price", () => {
  it('a transfer between processing books without a price is refused, writing nothing', async () => {
    const before = await count('ledger_documents');
    await expect(
      fileDocument(t.ctx, actor, {
        type: 'ISLAND_TRANSFER',
        documentId: uuidv7(),
        bookId: up.bookId,
        businessDate: '2026-11-20',
        toEnterpriseId: down.enterpriseId,
        toBookId: down.bookId,
        lines: [{ itemId: up.jerkyId, quantity: '20', toItemId: down.jerkyId }],
      }),
    ).rejects.toMatchObject({ errors: [expect.objectContaining({ rule: 'ledger.transfer.priceRequired' })] });
    expect(await count('ledger_documents')).toBe(before);
  });

  it('two lines of 20 kg at 12,000 each: the book holds 24,000 (17,800 imported content), not the 17,800 cost', async () => {
    const transferId = uuidv7();
    await fileDocument(t.ctx, actor, {
      type: 'ISLAND_TRANSFER',
      documentId: transferId,
      bookId: up.bookId,
      businessDate: '2026-11-20',
      toEnterpriseId: down.enterpriseId,
      toBookId: down.bookId,
      lines: [
        { itemId: up.jerkyId, quantity: '20', toItemId: down.jerkyId, valueCny: '12000' },
        { itemId: up.jerkyId, quantity: '20', toItemId: down.jerkyId, valueCny: '12000' },
      ],
    });
    const basis = await costBasisOf(t.ctx.db, { bookId: down.bookId, itemId: down.jerkyId, quantity: '40' });
    expect(basis).toMatchObject({ importedCny: '17800.00', domesticCny: '6200.00', hainanMadeCny: '0.00' });
    for (const lineNo of [0, 1]) {
      const res = await post(
        '/api/v1/value-added/cumulative-numbers',
        { transferDocumentId: transferId, lineNo },
        up.auth,
      );
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({
        quantity: '20',
        quantityUsed: '0',
        quantityLeft: '20',
        importedMaterials: '8900.00',
      });
      numbers.push(res.json().number);
    }
    // The book alone: the jerky at its price, (6,500 − 6,000) ÷ 6,000; the number: (6,500 − 4,450) ÷ 4,450.
    const a = await post(
      '/api/v1/value-added/assessments',
      { bookId: down.bookId, itemId: down.jerkyId, quantity: '10', salePrice: '6500' },
      down.auth,
    );
    expect(a.json()).toMatchObject({ ratio: '0.0833', outcome: 'BELOW' });
  });
});

describe('an exit citing the number', () => {
  it('counts each figure once (0.4607, duty exempt) and writes the number off; too much is refused', async () => {
    const res = await post('/api/v1/declarations/exits', exitOf('10', '6500', numbers[0]!), down.auth);
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json();
    expect(d.state).toBe('RELEASED');
    expect(d.lines[0].valueAdded).toMatchObject({ ratio: '0.4607', meetsThreshold: true });
    expect(d.lines[0].valueAdded.confirmationNumber).toBeTruthy();
    expect(await used(numbers[0]!)).toBe('10.000000');
    const n = (await get(`/api/v1/value-added/cumulative-numbers/${numbers[0]}`, down.auth)).json();
    expect(n).toMatchObject({ quantityUsed: '10', quantityLeft: '10' });

    const before = await count('decl_declarations');
    const over = await post('/api/v1/declarations/exits', exitOf('11', '7150', numbers[0]!), down.auth);
    expect(over.statusCode, over.body).toBe(422);
    expect(over.headers['content-type']).toContain('application/problem+json');
    expect(over.json().errors).toEqual([
      expect.objectContaining({ path: 'lines[0].upstream[0].quantityUsed', rule: 'valueAdded.cumulativeExhausted' }),
    ]);
    expect(await count('decl_declarations')).toBe(before);
    expect(await used(numbers[0]!)).toBe('10.000000');

    // Cancelled, the exit gives its 10 back.
    const cancel = await post(`/api/v1/declarations/${d.id}/cancel`, { reason: 'buyer withdrew' }, down.auth);
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(await used(numbers[0]!)).toBe('0.000000');
  });

  it('parallel exits citing 5 each of a number of 20: exactly four pass, the others are refused', async () => {
    const all = await Promise.all(
      Array.from({ length: 6 }, () => post('/api/v1/declarations/exits', exitOf('5', '3250', numbers[0]!), down.auth)),
    );
    const codes = all.map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, 201, 201, 201, 422, 422]);
    for (const r of all.filter((x) => x.statusCode === 422))
      expect(r.json().errors[0].rule).toBe('valueAdded.cumulativeExhausted');
    expect(await used(numbers[0]!)).toBe('20.000000');
  });

  it('write-offs at the same moment (each its own transaction) never take a number below zero', async () => {
    const tries = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        runCommand(t.ctx, 'test.writeOff', (tx) =>
          writeOffCitedNumbers(
            tx,
            t.ctx,
            actor,
            {
              declarationId: uuidv7(),
              lineIndex: 0,
              uses: [{ cumulativeNumber: numbers[1]!, quantityUsed: '3' }],
              partitionKey: `test:${i}`,
            },
            () => 'upstream[0]',
          ),
        ),
      ),
    );
    expect(tries.filter((r) => r.status === 'fulfilled')).toHaveLength(6);
    for (const r of tries.filter((x) => x.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        errors: [expect.objectContaining({ rule: 'valueAdded.cumulativeExhausted' })],
      });
    expect(await used(numbers[1]!)).toBe('18.000000');
    // Give the 18 back for the review below (the uses named no real declaration).
    await t.ctx.db.execute(
      sql.raw(`update value_added_cumulative_numbers set quantity_used = 0 where number = '${numbers[1]}'`),
    );
  });
});

describe('an exit whose exemption rests on a ratio in the review band', () => {
  it('waits ACCEPTED without a release order or bill; approved, it is released duty-free', async () => {
    // (5,800 − 4,450) ÷ 4,450 = 0.3034: exempt only by the chain, in [0.30, 0.35).
    const res = await post('/api/v1/declarations/exits', exitOf('10', '5800', numbers[1]!), down.auth);
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json();
    expect(d.state).toBe('ACCEPTED');
    expect(d.releaseOrderId ?? null).toBeNull();
    expect(d.lines[0].valueAdded).toMatchObject({ ratio: '0.3034', review: 'PENDING', confirmationNumber: null });
    // The trader sees the hold and why, and nothing of a risk selection.
    const mine = (await get(`/api/v1/declarations/${d.id}`, down.auth)).json();
    expect(mine.state).toBe('ACCEPTED');
    expect(mine.stateReason).toMatch(/review of the value-added ratio/);
    expect(mine).not.toHaveProperty('risk');
    expect(JSON.stringify(mine)).not.toMatch(/risk engine|inspection task/i);
    expect(mine.taxBills ?? []).toHaveLength(0);
    const queue = (await get('/api/v1/value-added/reviews', inspector)).json().items;
    const review = queue.find((r: { declarationId: string | null }) => r.declarationId === d.id);
    expect(review).toMatchObject({ ratio: '0.3034', status: 'PENDING', lineIndex: 0 });

    const ok = await post(`/api/v1/value-added/reviews/${review.id}/decision`, { decision: 'APPROVE' }, inspector);
    expect(ok.statusCode, ok.body).toBe(200);
    await t.ctx.dispatcher.drain();
    const after = (await get(`/api/v1/declarations/${d.id}`, down.auth)).json();
    expect(after.state).toBe('RELEASED');
    expect(after.releaseOrderId).toBeTruthy();
    expect(after.lines[0].valueAdded).toMatchObject({ review: 'APPROVED', meetsThreshold: true });
    expect(after.lines[0].valueAdded.confirmationNumber).toBeTruthy();
    expect(after.taxBills).toHaveLength(1);
    expect(after.taxBills[0].duty).toBe('0.00');
  });

  it('rejected, the line is taxed as below the threshold: duty on the imported content, then released', async () => {
    const res = await post('/api/v1/declarations/exits', exitOf('10', '5800', numbers[1]!), down.auth);
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json();
    expect(d.state).toBe('ACCEPTED');
    const queue = (await get('/api/v1/value-added/reviews', inspector)).json().items;
    const review = queue.find((r: { declarationId: string | null }) => r.declarationId === d.id);
    const no = await post(
      `/api/v1/value-added/reviews/${review.id}/decision`,
      { decision: 'REJECT', reason: 'work hours do not support the ratio' },
      inspector,
    );
    expect(no.statusCode, no.body).toBe(200);
    await t.ctx.dispatcher.drain();
    const after = (await get(`/api/v1/declarations/${d.id}`, down.auth)).json();
    expect(after.lines[0].valueAdded).toMatchObject({
      review: 'REJECTED',
      meetsThreshold: false,
      confirmationNumber: null,
    });
    // Duty 12% of the 4,450.00 imported content.
    expect(after.taxBills).toHaveLength(1);
    expect(after.taxBills[0].duty).toBe('534.00');
    expect(after.state).toBe('RELEASED');
    // Delivered again, the decision changes nothing.
    await t.ctx.dispatcher.drain();
    expect((await get(`/api/v1/declarations/${d.id}`, down.auth)).json().taxBills).toHaveLength(1);
  });
});
