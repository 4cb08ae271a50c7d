import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { runCommand } from '../../src/platform/command.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import { exitBody, jerkyMaker, passGate } from './helpers.ts';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/platform/db/client.ts';
import { readEventsBetween } from '../../src/platform/outbox/service.ts';
import { handleEvent, handleEvents } from '../../src/modules/declarations/service/events.ts';
import { verifyChain } from '../../src/platform/audit/service.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';

/**
 * What the gate's inspections do to a declaration, through the gate's events: a held exit whose
 * inspection matches is released and leaves; a discrepancy found after the bill was issued adds a
 * supplementary bill for the tax on the corrected value; a seizure rejects the declaration.
 */
let app: TestApp;

async function setParam(name: string, value: string) {
  await runCommand(app.ctx, 'parameter.set', (tx) =>
    setParameter(tx, { name, value, validFrom: '2025-12-18', reason: 'test' }, 'system:test', app.clock.now()),
  );
}

beforeAll(async () => {
  app = await startTestApp();
  await setParam('risk.randomFloorRate', '0');
  await setParam('risk.routineInspectionRate', '0');
});

afterAll(async () => {
  await app.close();
});

const laptops = {
  hsCode: '8471300000',
  name: '笔记本电脑 laptop',
  unit: 'SET',
  originCountry: 'JP',
  quantity: '10',
  importedCny: '50000',
};

async function inspect(taskId: string, body: object) {
  const inspector = await app.authFor('inspector');
  expect(
    (await app.request({ method: 'POST', url: `/api/v1/inspection/tasks/${taskId}/start`, auth: inspector, body: {} }))
      .statusCode,
  ).toBe(200);
  const done = await app.request({
    method: 'POST',
    url: `/api/v1/inspection/tasks/${taskId}/complete`,
    auth: inspector,
    body: { attended: true, ...body },
  });
  expect(done.statusCode, done.body).toBe(200);
  await app.ctx.dispatcher.drain();
}

describe('inspection results on a declaration', () => {
  it('a held exit whose inspection matches is accepted, released and leaves through the gate', async () => {
    await setParam('risk.randomFloorRate', '1');
    const z = await bookWithGoods(app.ctx, { regime: 'ZERO_TARIFF', items: [laptops] });
    const auth = await app.authFor('enterprise_user', { enterpriseId: z.enterpriseId });
    const res = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/exits',
      auth,
      body: exitBody(z.bookId, [
        {
          itemId: z.itemIds[0]!,
          quantity: '10',
          valueCny: '60000',
          netWeightKg: '30',
          dutyRate: '0.05',
          vatRate: '0.13',
        },
      ]),
    });
    await setParam('risk.randomFloorRate', '0');
    const d = res.json();
    expect(d.state, res.body).toBe('HELD');
    const officer = await app.authFor('inspector');
    const tooEarly = await app.request({
      method: 'POST',
      url: `/api/v1/declarations/${d.id}/accept`,
      auth: officer,
      body: { reason: 'looks fine' },
    });
    expect(tooEarly.statusCode).toBe(409);
    await inspect(d.inspectionTaskId, { outcome: 'MATCH', disposition: 'RELEASE' });
    const after = (await app.request({ method: 'GET', url: `/api/v1/declarations/${d.id}`, auth })).json();
    expect(after.state).toBe('RELEASED');
    expect(after.transitions.map((t: { to: string }) => t.to)).toEqual(['SUBMITTED', 'HELD', 'ACCEPTED', 'RELEASED']);
    expect(after.taxBills).toHaveLength(1);
    expect((await passGate(app, after)).decision).toBe('PASS');
    expect((await app.request({ method: 'GET', url: `/api/v1/declarations/${d.id}`, auth })).json().state).toBe(
      'EXITED',
    );
  });

  it('a discrepancy after billing adds a supplementary bill for the increase; a seizure rejects', async () => {
    const z = await bookWithGoods(app.ctx, { regime: 'ZERO_TARIFF', items: [laptops] });
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
    const d = res.json();
    expect(d.state, res.body).toBe('RELEASED');
    // On the imported content of 5 laptops, 25,000 (not their price of 30,000): duty 1,250.00; VAT (26,250) × 13% = 3,412.50
    expect(d.taxes).toMatchObject({ duty: '1250.00', vat: '3412.50' });
    const officer = await app.authFor('inspector');
    const opened = await app.request({
      method: 'POST',
      url: '/api/v1/inspection/tasks',
      auth: officer,
      body: {
        documentType: 'SECOND_LINE_EXIT',
        documentId: d.id,
        portCode: d.portCode,
        reasons: [{ code: 'PRICE_CHECK', detail: 'invoice price far below reference' }],
      },
    });
    expect(opened.statusCode, opened.body).toBe(200);
    // Six laptops were on the truck, not five: the imported content is 30,000.
    await inspect(opened.json().taskId, {
      outcome: 'DISCREPANCY',
      corrections: [{ lineIndex: 0, quantity: '6', valueCny: '36000' }],
      disposition: 'RELEASE',
    });
    const after = (await app.request({ method: 'GET', url: `/api/v1/declarations/${d.id}`, auth })).json();
    // corrected: 30,000 × 5% = 1,500.00; VAT 31,500 × 13% = 4,095.00 → owed 250.00 + 682.50
    expect(after.taxes).toMatchObject({ duty: '1500.00', vat: '4095.00' });
    expect(after.taxBills.map((b: { kind: string; total: string }) => `${b.kind} ${b.total}`)).toEqual([
      'ORIGINAL 4662.50',
      'SUPPLEMENTARY 932.50',
    ]);

    const y = await bookWithGoods(app.ctx, { regime: 'ZERO_TARIFF', items: [laptops] });
    const yAuth = await app.authFor('enterprise_user', { enterpriseId: y.enterpriseId });
    const e = (
      await app.request({
        method: 'POST',
        url: '/api/v1/declarations/exits',
        auth: yAuth,
        body: exitBody(y.bookId, [
          {
            itemId: y.itemIds[0]!,
            quantity: '5',
            valueCny: '30000',
            netWeightKg: '15',
            dutyRate: '0.05',
            vatRate: '0.13',
          },
        ]),
      })
    ).json();
    const task = (
      await app.request({
        method: 'POST',
        url: '/api/v1/inspection/tasks',
        auth: officer,
        body: {
          documentType: 'SECOND_LINE_EXIT',
          documentId: e.id,
          portCode: e.portCode,
          reasons: [{ code: 'TIP_OFF', detail: 'anti-smuggling tip-off' }],
        },
      })
    ).json();
    await inspect(task.taskId, { outcome: 'SEIZURE', disposition: 'KEEP' });
    const seized = (await app.request({ method: 'GET', url: `/api/v1/declarations/${e.id}`, auth: yAuth })).json();
    expect(seized.state).toBe('REJECTED');
    expect(seized.reservation.status).toBe('VOID');
  });

  it('a gate event delivered again changes nothing; a partial pass and an unknown declaration claim nothing', async () => {
    const z = await bookWithGoods(app.ctx, { regime: 'ZERO_TARIFF', items: [laptops] });
    const auth = await app.authFor('enterprise_user', { enterpriseId: z.enterpriseId });
    const d = (
      await app.request({
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
      })
    ).json();
    const officer = await app.authFor('inspector');
    const task = (
      await app.request({
        method: 'POST',
        url: '/api/v1/inspection/tasks',
        auth: officer,
        body: {
          documentType: 'SECOND_LINE_EXIT',
          documentId: d.id,
          portCode: d.portCode,
          reasons: [{ code: 'PRICE_CHECK', detail: 'invoice price far below reference' }],
        },
      })
    ).json();
    await inspect(task.taskId, {
      outcome: 'DISCREPANCY',
      corrections: [{ lineIndex: 0, quantity: '6', valueCny: '36000' }],
      disposition: 'RELEASE',
    });
    const bills = async () =>
      (await app.request({ method: 'GET', url: `/api/v1/declarations/${d.id}`, auth }))
        .json()
        .taxBills.map((b: { kind: string; total: string }) => `${b.kind} ${b.total}`);
    expect(await bills()).toEqual(['ORIGINAL 4662.50', 'SUPPLEMENTARY 932.50']);
    const claimed = async () =>
      Number((await queryRows<{ n: string }>(app.ctx.db, sql`select count(*) as n from decl_processed_events`))[0]!.n);
    const before = await claimed();

    // At-least-once delivery: the same event handled again bills nothing more.
    const completed = (await readEventsBetween(app.ctx.db, 0, Number.MAX_SAFE_INTEGER, 10_000)).find(
      (e) => e.eventType === 'InspectionCompleted' && (e.payload as { taskId: string }).taskId === task.taskId,
    )!;
    await handleEvent(app.ctx, completed);
    expect(await bills()).toEqual(['ORIGINAL 4662.50', 'SUPPLEMENTARY 932.50']);

    // Part of a batch exit's containers leaving, and a pass for a declaration this system never saw: nothing to do, nothing claimed.
    const passed = (documentId: string, complete: boolean) => ({
      ...completed,
      id: completed.id + 1_000_000 + Number(complete),
      eventType: 'ReleaseOrderPassed',
      payload: {
        releaseOrderId: uuidv7(),
        documentType: 'SECOND_LINE_EXIT',
        documentId,
        portCode: d.portCode,
        passedAt: app.clock.now().toISOString(),
        complete,
        gateEventId: 'evt-x',
      },
    });
    await handleEvent(app.ctx, passed(d.id, false));
    await handleEvent(app.ctx, passed(uuidv7(), true));
    expect(await claimed()).toBe(before);
    expect((await app.request({ method: 'GET', url: `/api/v1/declarations/${d.id}`, auth })).json().state).toBe(
      'RELEASED',
    );
  });
  it('a correction re-runs the whole tax decision: the jerky re-priced from 500,000 to 450,000 loses its exemption and its number, and owes the difference', async () => {
    const m = await jerkyMaker(app);
    const auth = await app.authFor('enterprise_user', { enterpriseId: m.enterpriseId });
    const res = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/exits',
      auth,
      body: exitBody(m.bookId, [{ itemId: m.jerkyId, quantity: '800', valueCny: '500000', netWeightKg: '800' }]),
    });
    const d = res.json();
    expect(d.state, res.body).toBe('RELEASED');
    // (500,000 − 356,000) ÷ 356,000 = 40.45% ≥ 30%: no duty; VAT 356,000 × 9% = 32,040.00
    expect(d.lines[0].valueAdded).toMatchObject({ ratio: '0.4045', meetsThreshold: true });
    const number = d.lines[0].valueAdded.confirmationNumber;
    expect(number).toMatch(/^QR\d{18}$/);
    expect(d.taxes).toMatchObject({ duty: '0.00', vat: '32040.00', total: '32040.00' });

    const officer = await app.authFor('inspector');
    const opened = await app.request({
      method: 'POST',
      url: '/api/v1/inspection/tasks',
      auth: officer,
      body: {
        documentType: 'SECOND_LINE_EXIT',
        documentId: d.id,
        portCode: d.portCode,
        reasons: [{ code: 'PRICE_CHECK', detail: 'invoice price above the buyer contract' }],
      },
    });
    expect(opened.statusCode, opened.body).toBe(200);
    await inspect(opened.json().taskId, {
      outcome: 'DISCREPANCY',
      corrections: [{ lineIndex: 0, valueCny: '450000' }],
      disposition: 'RELEASE',
    });

    const after = (await app.request({ method: 'GET', url: `/api/v1/declarations/${d.id}`, auth })).json();
    // (450,000 − 356,000) ÷ 356,000 = 26.40% < 30%: duty 356,000 × 12% = 42,720.00; VAT (356,000 + 42,720) × 9% = 35,884.80
    expect(after.lines[0].valueAdded).toMatchObject({
      ratio: '0.2640',
      meetsThreshold: false,
      confirmationNumber: null,
      withdrawnConfirmationNumber: number,
    });
    expect(after.taxes).toMatchObject({ duty: '42720.00', vat: '35884.80', total: '78604.80' });
    expect(after.taxes.lines[0].steps.duty).toMatchObject({ status: 'DUE', formula: '356000.00 × 0.12 = 42720.00' });
    // Billed 32,040.00; owed 78,604.80: the supplementary bill is the difference, 42,720.00 + 3,844.80.
    expect(after.taxBills.map((b: { kind: string; total: string }) => `${b.kind} ${b.total}`)).toEqual([
      'ORIGINAL 32040.00',
      'SUPPLEMENTARY 46564.80',
    ]);
    expect(after.taxBills[1]).toMatchObject({ duty: '42720.00', consumptionTax: '0.00', vat: '3844.80' });
    expect(after.taxBills[1].cause).toContain(`confirmation ${number} withdrawn`);

    // The withdrawal is in the declarant's audit chain and published, as the issue was.
    const events = await readEventsBetween(app.ctx.db, 0, Number.MAX_SAFE_INTEGER, 100_000);
    const withdrawn = events.filter(
      (e) =>
        e.eventType === 'ConfirmationNumberWithdrawn' &&
        (e.payload as { declarationId: string }).declarationId === d.id,
    );
    expect(withdrawn.map((e) => (e.payload as { number: string; ratio: string }).number)).toEqual([number]);
    const audit = await queryRows<{ action: string; change: string }>(
      app.ctx.db,
      sql`select action, change from audit_entries where subject = ${`declaration:${d.id}`} order by seq`,
    );
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['declarations.retax', 'declarations.confirmationWithdrawn']),
    );
    expect(JSON.parse(audit.find((a) => a.action === 'declarations.confirmationWithdrawn')!.change)).toMatchObject({
      number,
      ratio: '0.2640',
      threshold: '0.30',
    });
    expect((await verifyChain(app.ctx.db)).ok).toBe(true);
  });

  it('a held exit corrected at inspection is accepted with the re-decided taxes on its one bill', async () => {
    await setParam('risk.randomFloorRate', '1');
    const m = await jerkyMaker(app);
    const auth = await app.authFor('enterprise_user', { enterpriseId: m.enterpriseId });
    const res = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/exits',
      auth,
      body: exitBody(m.bookId, [{ itemId: m.jerkyId, quantity: '800', valueCny: '500000', netWeightKg: '800' }]),
    });
    await setParam('risk.randomFloorRate', '0');
    const d = res.json();
    expect(d.state, res.body).toBe('HELD');
    const number = d.lines[0].valueAdded.confirmationNumber;
    await inspect(d.inspectionTaskId, {
      outcome: 'DISCREPANCY',
      corrections: [{ lineIndex: 0, valueCny: '450000' }],
      disposition: 'RELEASE',
    });
    const after = (await app.request({ method: 'GET', url: `/api/v1/declarations/${d.id}`, auth })).json();
    expect(after.state).toBe('RELEASED');
    expect(after.lines[0].valueAdded).toMatchObject({
      ratio: '0.2640',
      confirmationNumber: null,
      withdrawnConfirmationNumber: number,
    });
    expect(after.taxBills.map((b: { kind: string; total: string }) => `${b.kind} ${b.total}`)).toEqual([
      'ORIGINAL 78604.80',
    ]);
  });

  // Last in the file: it stops the background dispatcher and hands the events over itself.
  it('a batch of gate events is one transaction: passes of several declarants exit together, an inspection result first when it came first; the batch again changes nothing', async () => {
    await app.ctx.dispatcher.stop();
    const a = await bookWithGoods(app.ctx, { regime: 'ZERO_TARIFF', items: [laptops] });
    const b = await bookWithGoods(app.ctx, { regime: 'ZERO_TARIFF', items: [laptops] });
    const authA = await app.authFor('enterprise_user', { enterpriseId: a.enterpriseId });
    const authB = await app.authFor('enterprise_user', { enterpriseId: b.enterpriseId });
    const exit = async (book: typeof a, auth: typeof authA) =>
      (
        await app.request({
          method: 'POST',
          url: '/api/v1/declarations/exits',
          auth,
          body: exitBody(book.bookId, [
            {
              itemId: book.itemIds[0]!,
              quantity: '1',
              valueCny: '6000',
              netWeightKg: '3',
              dutyRate: '0.05',
              vatRate: '0.13',
            },
          ]),
        })
      ).json();
    const d1 = await exit(a, authA);
    const d2 = await exit(b, authB);
    await setParam('risk.randomFloorRate', '1');
    const d3 = await exit(a, authA);
    await setParam('risk.randomFloorRate', '0');
    expect([d1.state, d2.state, d3.state]).toEqual(['RELEASED', 'RELEASED', 'HELD']);
    const inspector = await app.authFor('inspector');
    expect(
      (
        await app.request({
          method: 'POST',
          url: `/api/v1/inspection/tasks/${d3.inspectionTaskId}/start`,
          auth: inspector,
          body: {},
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await app.request({
          method: 'POST',
          url: `/api/v1/inspection/tasks/${d3.inspectionTaskId}/complete`,
          auth: inspector,
          body: { attended: false, outcome: 'MATCH', disposition: 'RELEASE' },
        })
      ).statusCode,
    ).toBe(200);

    const all = await readEventsBetween(app.ctx.db, 0, Number.MAX_SAFE_INTEGER, 100_000);
    const completed = all.find(
      (e) => e.eventType === 'InspectionCompleted' && (e.payload as { taskId: string }).taskId === d3.inspectionTaskId,
    )!;
    let next = all.at(-1)!.id + 2_000_000;
    const pass = (d: { id: string; portCode: string }, complete = true) => ({
      ...completed,
      id: ++next,
      eventType: 'ReleaseOrderPassed',
      payload: {
        releaseOrderId: uuidv7(),
        documentType: 'SECOND_LINE_EXIT',
        documentId: d.id,
        portCode: d.portCode,
        passedAt: app.clock.now().toISOString(),
        complete,
        gateEventId: `evt-${next}`,
      },
    });
    // d3 passes after its inspection released it, in the same batch; d1 passes twice; d2's first pass is partial.
    const batch = [
      pass(d1),
      pass(d2, false),
      completed,
      pass(d3),
      pass(d2),
      pass(d1),
      pass({ id: uuidv7(), portCode: d1.portCode }),
    ];
    const claimed = async () =>
      Number((await queryRows<{ n: string }>(app.ctx.db, sql`select count(*) as n from decl_processed_events`))[0]!.n);
    const before = await claimed();
    await handleEvents(app.ctx, batch);

    const view = async (d: { id: string }, auth: typeof authA) =>
      (await app.request({ method: 'GET', url: `/api/v1/declarations/${d.id}`, auth })).json();
    const states = async () =>
      [
        (await view(d1, authA)).transitions,
        (await view(d2, authB)).transitions,
        (await view(d3, authA)).transitions,
      ].map((ts: { to: string }[]) => ts.map((x) => x.to).join(' '));
    expect(await states()).toEqual([
      'SUBMITTED ACCEPTED RELEASED EXITED',
      'SUBMITTED ACCEPTED RELEASED EXITED',
      'SUBMITTED HELD ACCEPTED RELEASED EXITED',
    ]);
    // Five events were about declarations that exist and were not partial passes.
    expect((await claimed()) - before).toBe(5);

    await handleEvents(app.ctx, batch);
    expect(await states()).toEqual([
      'SUBMITTED ACCEPTED RELEASED EXITED',
      'SUBMITTED ACCEPTED RELEASED EXITED',
      'SUBMITTED HELD ACCEPTED RELEASED EXITED',
    ]);
    expect((await claimed()) - before).toBe(5);
    expect((await verifyChain(app.ctx.db)).ok).toBe(true);
  });
});
