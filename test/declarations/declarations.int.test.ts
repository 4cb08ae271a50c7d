import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { runCommand } from '../../src/platform/command.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import { addItems, balanceOf, fileDocument, getReservation } from '../../src/modules/ledger/service.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { exitBody } from './helpers.ts';

/**
 * Second-line exits end to end over HTTP: goods enter the book by a first-line import, are
 * processed, and leave by an exit declaration that reserves them, is taxed, risk-scored and
 * released with a release order; plus the refusals, idempotency, amendments and cancellations.
 */
let app: TestApp;
const actor = systemActor('test');

async function setParam(name: string, value: unknown) {
  await runCommand(app.ctx, 'parameter.set', (tx) =>
    setParameter(tx, { name, value, validFrom: '2025-12-18', reason: 'test' }, 'system:test', app.clock.now()),
  );
}

let seq = 0;

async function count(table: string): Promise<number> {
  const [r] = await queryRows<{ n: number }>(app.ctx.db, sql.raw(`select count(*)::int as n from ${table}`));
  return Number(r!.n);
}

/** The jerky maker: beef enters by a first-line import, is processed into jerky on the book. */
async function jerkyMaker() {
  const beef = await bookWithGoods(app.ctx, {
    regime: 'PROCESSING_VALUE_ADDED',
    entryDate: '2026-11-02',
    items: [
      {
        hsCode: '0202300090',
        name: '冻去骨牛肉 frozen boneless beef',
        unit: 'KG',
        originCountry: 'AU',
        quantity: '1000',
        importedCny: '356000',
      },
    ],
  });
  const [jerky] = await addItems(app.ctx, actor, beef.bookId, [
    {
      itemNo: `JERKY-${++seq}`,
      hsCode: '1602500090',
      name: '牛肉干 beef jerky',
      specification: '100g',
      unit: 'KG',
      originCountry: 'CN',
    },
  ]);
  await fileDocument(app.ctx, actor, {
    type: 'PROCESSING',
    documentId: uuidv7(),
    bookId: beef.bookId,
    reference: 'JG-2026-11',
    businessDate: '2026-11-10',
    inputs: [{ itemId: beef.itemIds[0]!, quantity: '1000' }],
    outputs: [{ itemId: jerky!.id, quantity: '800' }],
  });
  return { ...beef, jerkyId: jerky!.id, beefId: beef.itemIds[0]! };
}

beforeAll(async () => {
  app = await startTestApp();
  // Deterministic selection: no random draws unless a test asks for one.
  await setParam('risk.randomFloorRate', '0');
  await setParam('risk.routineInspectionRate', '0');
});

afterAll(async () => {
  await app.close();
});

describe('second-line exit (二线出岛) over HTTP', () => {
  it('import → processing → exit at 40.45% value added: duty exempt with a confirmation number, VAT on the beef, reserved, released with a release order', async () => {
    const m = await jerkyMaker();
    const auth = await app.authFor('enterprise_user', { enterpriseId: m.enterpriseId });
    const res = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/exits',
      auth,
      body: exitBody(m.bookId, [{ itemId: m.jerkyId, quantity: '800', valueCny: '500000', netWeightKg: '800' }]),
    });
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json();
    expect(d.state).toBe('RELEASED');
    expect(d.lines[0].valueAdded).toMatchObject({ ratio: '0.4045', meetsThreshold: true, threshold: '0.30' });
    expect(d.lines[0].valueAdded.confirmationNumber).toMatch(/^QR20266401\d{10}$/);
    // duty exempt; VAT (356,000.00 + 0) × 9% = 32,040.00
    expect(d.taxes).toMatchObject({ duty: '0.00', consumptionTax: '0.00', vat: '32040.00', total: '32040.00' });
    expect(d.taxes.lines[0].steps.duty.rule).toBe('tax.secondLine.valueAddedDutyExemption');
    // The declarant is not told the risk verdict; an officer reads it on the same declaration.
    expect(d.risk).toBeUndefined();
    const seen = (
      await app.request({ method: 'GET', url: `/api/v1/declarations/${d.id}`, auth: await app.authFor('inspector') })
    ).json();
    expect(seen.risk).toMatchObject({ decidedBy: 'risk.assessDeclaration' });
    expect(seen.risk.versions).toBeTruthy();
    expect(d.releaseOrderId).toBeTruthy();

    const detail = (await app.request({ method: 'GET', url: `/api/v1/declarations/${d.id}`, auth })).json();
    expect(detail.transitions.map((t: { to: string }) => t.to)).toEqual(['SUBMITTED', 'ACCEPTED', 'RELEASED']);
    expect(
      detail.transitions.every((t: { reason: string; auditSeq: number }) => t.reason.length > 0 && t.auditSeq > 0),
    ).toBe(true);
    expect(detail.reservation).toMatchObject({
      status: 'OPEN',
      lines: [{ itemId: m.jerkyId, reserved: expect.stringMatching(/^800(\.0+)?$/) }],
    });
    expect(detail.taxBills).toHaveLength(1);
    expect(detail.taxBills[0]).toMatchObject({ kind: 'ORIGINAL', duty: '0.00', vat: '32040.00', total: '32040.00' });
    expect(detail.taxBills[0].figures.parameterVersions['tax.valueAddedThreshold']).toBeGreaterThan(0);
    expect((await balanceOf(app.ctx.db, m.bookId, m.jerkyId)).available).toMatch(/^0(\.0+)?$/);

    const csv = await app.request({ method: 'GET', url: `/api/v1/tax-bills/${detail.taxBills[0].id}/csv`, auth });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain(',TOTAL,');
    expect(csv.body).toContain('32040.00');
  });

  it('zero-tariff goods sold to the mainland pay all three taxes, on their imported content', async () => {
    const z = await bookWithGoods(app.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        {
          hsCode: '9506310000',
          name: '高尔夫球杆 golf clubs',
          unit: 'SET',
          originCountry: 'US',
          quantity: '500',
          importedCny: '80000',
        },
      ],
    });
    const auth = await app.authFor('enterprise_user', { enterpriseId: z.enterpriseId });
    const res = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/exits',
      auth,
      body: exitBody(z.bookId, [
        {
          itemId: z.itemIds[0]!,
          quantity: '500',
          valueCny: '100000',
          netWeightKg: '500',
          dutyRate: '0.10',
          consumptionTaxRate: '0.15',
          vatRate: '0.13',
        },
      ]),
    });
    expect(res.statusCode, res.body).toBe(201);
    // On the imported content, 80,000 (not the price of 100,000): 80,000 × 10% = 8,000.00;
    // (80,000 + 8,000) ÷ 0.85 × 0.15 = 15,529.41; (103,529.41) × 13% = 13,458.82
    expect(res.json().taxes).toMatchObject({
      duty: '8000.00',
      consumptionTax: '15529.41',
      vat: '13458.82',
      total: '36988.23',
    });
    expect(res.json().taxes.lines[0].dutiableValue).toBe('80000.00');
    // The answer (built from the rows the transitions return, not read back) is what a read finds.
    const { transitions, taxBills, versions, batches, reservation, ...stored } = (
      await app.request({ method: 'GET', url: `/api/v1/declarations/${res.json().id}`, auth })
    ).json();
    expect(transitions.map((t: { to: string }) => t.to)).toEqual(['SUBMITTED', 'ACCEPTED', 'RELEASED']);
    expect([taxBills.length, versions.length, batches.length, reservation.status]).toEqual([1, 1, 0, 'OPEN']);
    expect(res.json()).toEqual(stored);
  });

  it('products of zero-tariff materials pay on the imported materials they hold: pellets made into bags', async () => {
    // Pellets imported zero-tariff for 10,000 are made into bags with 2,000 of domestic materials and 3,000 of
    // recognised Hainan-made inputs, and sold to the mainland for 30,000.
    const z = await bookWithGoods(app.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        {
          hsCode: '3901100000',
          name: '聚乙烯粒子 PE pellets',
          unit: 'KG',
          originCountry: 'SA',
          quantity: '1000',
          importedCny: '10000',
        },
      ],
    });
    const [bags] = await addItems(app.ctx, actor, z.bookId, [
      {
        itemNo: `BAG-${++seq}`,
        hsCode: '3923210000',
        name: '塑料袋 plastic bags',
        specification: '30 x 40 cm',
        unit: 'KG',
        originCountry: 'CN',
      },
    ]);
    const outputs = [{ itemId: bags!.id, quantity: '1000', domesticCny: '2000', hainanMadeCny: '3000' }];
    await fileDocument(app.ctx, actor, {
      type: 'PROCESSING',
      documentId: uuidv7(),
      bookId: z.bookId,
      reference: `ZZ-${seq}`,
      businessDate: '2026-11-10',
      inputs: [{ itemId: z.itemIds[0]!, quantity: '1000' }],
      outputs,
    });
    const auth = await app.authFor('enterprise_user', { enterpriseId: z.enterpriseId });
    const res = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/exits',
      auth,
      body: exitBody(z.bookId, [
        {
          itemId: bags!.id,
          quantity: '1000',
          valueCny: '30000',
          netWeightKg: '1000',
          dutyRate: '0.065',
          vatRate: '0.13',
        },
      ]),
    });
    expect(res.statusCode, res.body).toBe(201);
    // duty 10,000 × 6.5% = 650.00; VAT (10,000 + 650) × 13% = 1,384.50 (on the price it was 1,950.00 + 4,153.50)
    expect(res.json().taxes).toMatchObject({
      duty: '650.00',
      consumptionTax: '0.00',
      vat: '1384.50',
      total: '2034.50',
    });
    expect(res.json().taxes.lines[0].steps.dutiableValue).toMatchObject({
      amount: '10000.00',
      rule: 'tax.secondLine.importedContent',
      formula:
        'imported materials 10000.00 CNY (account book cost basis; domestic 2000.00 and Hainan-made 3000.00 left out; price 30000.00 CNY)',
    });
    const bill = (await app.request({ method: 'GET', url: `/api/v1/declarations/${res.json().id}`, auth })).json()
      .taxBills[0];
    expect(bill).toMatchObject({ kind: 'ORIGINAL', duty: '650.00', vat: '1384.50', total: '2034.50' });
  });

  it('a duty rate of 0, or none, on goods that owe duty is refused, naming the field and the rule, writing nothing', async () => {
    const z = await bookWithGoods(app.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        {
          hsCode: '9506310000',
          name: '高尔夫球杆 golf clubs',
          unit: 'SET',
          originCountry: 'US',
          quantity: '10',
          importedCny: '8000',
        },
      ],
    });
    const auth = await app.authFor('enterprise_user', { enterpriseId: z.enterpriseId });
    const before = await count('decl_declarations');
    const line = { itemId: z.itemIds[0]!, quantity: '10', valueCny: '10000', netWeightKg: '10', vatRate: '0.13' };
    for (const [url, dutyRate] of [
      ['exits', '0'],
      ['exits', '0.000'],
      ['batches', '0'],
    ] as const) {
      const r = await app.request({
        method: 'POST',
        url: `/api/v1/declarations/${url}`,
        auth,
        body: exitBody(z.bookId, [{ ...line, dutyRate }]),
      });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().errors).toEqual([
        expect.objectContaining({ path: 'lines[0].dutyRate', rule: 'declarations.dutyRateRequired' }),
      ]);
    }
    const missing = exitBody(z.bookId, [line]) as { lines: Record<string, unknown>[] };
    delete missing.lines[0]!.dutyRate;
    // No rate given: the tariff table's would be taken; it has no line for these goods, so none is assumed either.
    const r = await app.request({ method: 'POST', url: '/api/v1/declarations/exits', auth, body: missing });
    expect([r.statusCode, r.json().errors[0].path, r.json().errors[0].rule]).toEqual([
      422,
      'lines[0].dutyRate',
      'tariff.lineMissing',
    ]);
    expect(await count('decl_declarations')).toBe(before);
    expect((await balanceOf(app.ctx.db, z.bookId, z.itemIds[0]!)).reserved).toMatch(/^0(\.0+)?$/);
    // A specific duty is a duty: 0 ad valorem with 3.5 per unit is accepted.
    const specific = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/exits',
      auth,
      body: exitBody(z.bookId, [{ ...line, dutyRate: '0', specificDutyPerUnit: '3.5' }]),
    });
    expect(specific.statusCode, specific.body).toBe(201);
  });

  it('an exit whose duty is exactly 50.00 CNY does not pay it; its VAT is judged on its own and paid', async () => {
    const z = await bookWithGoods(app.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        {
          hsCode: '8471300000',
          name: '笔记本电脑 laptop',
          unit: 'SET',
          originCountry: 'JP',
          quantity: '1',
          importedCny: '1000',
        },
      ],
    });
    const auth = await app.authFor('enterprise_user', { enterpriseId: z.enterpriseId });
    const res = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/exits',
      auth,
      body: exitBody(z.bookId, [
        { itemId: z.itemIds[0]!, quantity: '1', valueCny: '1500', netWeightKg: '3', dutyRate: '0.05', vatRate: '0.13' },
      ]),
    });
    expect(res.statusCode, res.body).toBe(201);
    // duty 1,000 × 5% = 50.00: not collected (50 元以下 includes 50); VAT 1,000 × 13% = 130.00
    expect(res.json().taxes).toMatchObject({
      duty: '0.00',
      vat: '130.00',
      total: '130.00',
      dutyWaived: true,
      notCollected: { duty: true, consumptionTax: false, vat: false },
    });
    expect(res.json().taxes.lines[0].steps.duty).toMatchObject({ status: 'WAIVED', rule: 'tax.notCollected.duty' });
  });

  it('refuses relaxed-trade goods, a shortfall and an item of another book, naming path and rule, writing nothing', async () => {
    const relaxed = await bookWithGoods(app.ctx, {
      regime: 'RELAXED_TRADE',
      items: [
        {
          hsCode: '8703239090',
          name: '小汽车 car',
          unit: 'SET',
          originCountry: 'DE',
          quantity: '2',
          importedCny: '400000',
        },
      ],
    });
    const auth = await app.authFor('enterprise_user', { enterpriseId: relaxed.enterpriseId });
    const before = await count('decl_declarations');
    const r1 = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/exits',
      auth,
      body: exitBody(relaxed.bookId, [
        { itemId: relaxed.itemIds[0]!, quantity: '1', valueCny: '200000', netWeightKg: '900' },
      ]),
    });
    expect(r1.statusCode).toBe(400);
    expect(r1.headers['content-type']).toContain('application/problem+json');
    expect(r1.json().errors).toContainEqual(
      expect.objectContaining({ path: 'bookId', rule: 'declarations.relaxedTradeToMainland' }),
    );

    const z = await bookWithGoods(app.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        {
          hsCode: '8471300000',
          name: '笔记本电脑 laptop',
          unit: 'SET',
          originCountry: 'JP',
          quantity: '10',
          importedCny: '50000',
        },
      ],
    });
    const zAuth = await app.authFor('enterprise_user', { enterpriseId: z.enterpriseId });
    const r2 = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/exits',
      auth: zAuth,
      body: exitBody(z.bookId, [
        { itemId: z.itemIds[0]!, quantity: '11', valueCny: '60000', netWeightKg: '30', vatRate: '0.13' },
      ]),
    });
    expect(r2.statusCode).toBe(400);
    expect(r2.json().errors).toContainEqual(
      expect.objectContaining({ path: 'lines[0].quantity', rule: 'ledger.insufficientAvailable' }),
    );

    const r3 = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/exits',
      auth: zAuth,
      body: exitBody(z.bookId, [{ itemId: relaxed.itemIds[0]!, quantity: '1', valueCny: '1', netWeightKg: '1' }]),
    });
    expect(r3.statusCode).toBe(400);
    expect(r3.json().errors).toContainEqual(
      expect.objectContaining({ path: 'lines[0].itemId', rule: 'declarations.itemOfBook' }),
    );

    const r4 = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/exits',
      auth: zAuth,
      body: {
        ...exitBody(z.bookId, [{ itemId: z.itemIds[0]!, quantity: '1', valueCny: '1', netWeightKg: '1' }]),
        portCode: 'CNXXX-NOPE',
      },
    });
    expect(r4.statusCode).toBe(400);
    expect(r4.json().errors[0]).toMatchObject({ path: 'portCode' });

    expect(await count('decl_declarations')).toBe(before);
    expect((await balanceOf(app.ctx.db, z.bookId, z.itemIds[0]!)).reserved).toMatch(/^0(\.0+)?$/);
  });

  it('is idempotent by requestId; an enterprise sees only its own; amend voids and re-reserves in one go; cancel releases the goods', async () => {
    const z = await bookWithGoods(app.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        {
          hsCode: '8471300000',
          name: '笔记本电脑 laptop',
          unit: 'SET',
          originCountry: 'JP',
          quantity: '10',
          importedCny: '50000',
        },
      ],
    });
    const auth = await app.authFor('enterprise_user', { enterpriseId: z.enterpriseId });
    const body = exitBody(z.bookId, [
      {
        itemId: z.itemIds[0]!,
        quantity: '10',
        valueCny: '60000',
        netWeightKg: '30',
        dutyRate: '0.05',
        vatRate: '0.13',
      },
    ]);
    const a = await app.request({ method: 'POST', url: '/api/v1/declarations/exits', auth, body });
    const b = await app.request({ method: 'POST', url: '/api/v1/declarations/exits', auth, body });
    expect(a.statusCode, a.body).toBe(201);
    expect(b.json().id).toBe(a.json().id);
    const c = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/exits',
      auth,
      body: { ...body, remarks: 'other' },
    });
    expect(c.statusCode).toBe(409);

    const other = await bookWithGoods(app.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        { hsCode: '8471300000', name: 'x', unit: 'SET', originCountry: 'JP', quantity: '1', importedCny: '1000' },
      ],
    });
    const otherAuth = await app.authFor('enterprise_user', { enterpriseId: other.enterpriseId });
    expect(
      (await app.request({ method: 'GET', url: `/api/v1/declarations/${a.json().id}`, auth: otherAuth })).statusCode,
    ).toBe(404);
    const list = (await app.request({ method: 'GET', url: '/api/v1/declarations', auth: otherAuth })).json();
    expect(list.items.every((d: { enterpriseId: string }) => d.enterpriseId === other.enterpriseId)).toBe(true);
    // A trader that names another enterprise's USCC still reads its own: the list and the bills reveal nothing.
    for (const url of ['/api/v1/declarations', '/api/v1/tax-bills']) {
      const own = (await app.request({ method: 'GET', url, auth: otherAuth })).json();
      const asked = await app.request({ method: 'GET', url: `${url}?uscc=${z.uscc}`, auth: otherAuth });
      expect(asked.json(), url).toEqual(own);
    }
    const officer = await app.authFor('inspector');
    const theirs = await app.request({ method: 'GET', url: `/api/v1/declarations?uscc=${z.uscc}`, auth: officer });
    expect(theirs.json().items.map((d: { id: string }) => d.id)).toContain(a.json().id);

    const first = a.json();
    const amended = await app.request({
      method: 'POST',
      url: `/api/v1/declarations/${first.id}/amend`,
      auth,
      body: exitBody(z.bookId, [
        {
          itemId: z.itemIds[0]!,
          quantity: '6',
          valueCny: '36000',
          netWeightKg: '18',
          dutyRate: '0.05',
          vatRate: '0.13',
        },
      ]),
    });
    expect(amended.statusCode, amended.body).toBe(201);
    const v2 = amended.json();
    expect(v2).toMatchObject({ version: 2, previousId: first.id, rootId: first.id, state: 'RELEASED' });
    expect((await getReservation(app.ctx.db, first.reservationId))!.status).toBe('VOID');
    expect((await getReservation(app.ctx.db, v2.reservationId))!.status).toBe('OPEN');
    const old = (await app.request({ method: 'GET', url: `/api/v1/declarations/${first.id}`, auth })).json();
    expect(old.state).toBe('AMENDED');
    expect(old.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect((await balanceOf(app.ctx.db, z.bookId, z.itemIds[0]!)).available).toMatch(/^4(\.0+)?$/);

    const cancelled = await app.request({
      method: 'POST',
      url: `/api/v1/declarations/${v2.id}/cancel`,
      auth,
      body: { reason: 'buyer withdrew the order' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ state: 'CANCELLED', stateReason: 'buyer withdrew the order' });
    expect((await balanceOf(app.ctx.db, z.bookId, z.itemIds[0]!)).available).toMatch(/^10(\.0+)?$/);
    const again = await app.request({
      method: 'POST',
      url: `/api/v1/declarations/${v2.id}/cancel`,
      auth,
      body: { reason: 'twice' },
    });
    expect(again.statusCode).toBe(409);
  });

  it('risk selection holds the declaration with an inspection task; an officer rejects it and the goods return to the book', async () => {
    await setParam('risk.randomFloorRate', '1');
    try {
      const z = await bookWithGoods(app.ctx, {
        regime: 'ZERO_TARIFF',
        items: [
          {
            hsCode: '8471300000',
            name: '笔记本电脑 laptop',
            unit: 'SET',
            originCountry: 'JP',
            quantity: '5',
            importedCny: '25000',
          },
        ],
      });
      const auth = await app.authFor('enterprise_user', { enterpriseId: z.enterpriseId });
      const res = await app.request({
        method: 'POST',
        url: '/api/v1/declarations/exits',
        auth,
        body: exitBody(z.bookId, [
          {
            itemId: z.itemIds[0]!,
            quantity: '5',
            valueCny: '30000',
            netWeightKg: '15',
            dutyRate: '0.05',
            vatRate: '0.13',
          },
        ]),
      });
      expect(res.statusCode, res.body).toBe(201);
      const d = res.json();
      expect(d.state).toBe('HELD');
      expect(d.inspectionTaskId).toBeTruthy();
      expect(d.releaseOrderId).toBeNull();
      const officer = await app.authFor('inspector');
      const held = (await app.request({ method: 'GET', url: '/api/v1/declarations?state=HELD', auth: officer })).json();
      expect(held.items.map((x: { id: string }) => x.id)).toContain(d.id);
      const rejected = await app.request({
        method: 'POST',
        url: `/api/v1/declarations/${d.id}/reject`,
        auth: officer,
        body: { reason: 'goods do not match the invoice' },
      });
      expect(rejected.statusCode, rejected.body).toBe(200);
      expect(rejected.json().state).toBe('REJECTED');
      expect((await getReservation(app.ctx.db, d.reservationId))!.status).toBe('VOID');
      expect((await app.request({ method: 'GET', url: `/api/v1/tax-bills`, auth })).json().total).toBe(0);
    } finally {
      await setParam('risk.randomFloorRate', '0');
    }
  });
});

describe('the declaration list as officers work it', () => {
  it('names each declarant, filters by port, sorts both ways and pages', async () => {
    const officer = await app.authFor('inspector');
    const get = async (q: string) => {
      const res = await app.request({ method: 'GET', url: `/api/v1/declarations?${q}`, auth: officer });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as {
        items: { id: string; portCode: string; enterprise: { uscc: string; name: string } }[];
        total: number;
        totalExact: boolean;
      };
    };
    const all = await get('pageSize=200');
    expect(all.total).toBeGreaterThan(2);
    // Under the counting bound (service/read.ts) the total counts every match.
    expect(all).toMatchObject({ total: all.items.length, totalExact: true });
    for (const d of all.items) {
      expect(d.enterprise.uscc).toMatch(/^[0-9A-Z]{18}$/);
      expect(d.enterprise.name.length).toBeGreaterThan(0);
    }
    const oldest = await get('pageSize=200&sort=createdAt');
    expect(oldest.items.map((d) => d.id)).toEqual(all.items.map((d) => d.id).reverse());
    const port = all.items[0]!.portCode;
    const atPort = await get(`pageSize=200&port=${port}`);
    expect(atPort.items.length).toBe(all.items.filter((d) => d.portCode === port).length);
    expect(atPort.items.every((d) => d.portCode === port)).toBe(true);
    expect(atPort).toMatchObject({ total: atPort.items.length, totalExact: true });
    const second = await get('pageSize=1&page=2');
    expect(second.items.map((d) => d.id)).toEqual([all.items[1]!.id]);
    expect(second).toMatchObject({ total: all.total, totalExact: true });
    const refused = await app.request({ method: 'GET', url: '/api/v1/declarations?sort=enterprise', auth: officer });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors[0].path).toBe('sort');
  });
});
