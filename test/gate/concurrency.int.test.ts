import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { balanceOf, getReservation, verifyLedger } from '../../src/modules/ledger/service.ts';
import { getTask, recordGateEvent, type GateEventInput } from '../../src/modules/gate/service.ts';
import { authenticateApiKey } from '../../src/platform/auth/service.ts';
import { verifyChain } from '../../src/platform/audit/verify.ts';
import { container, goods, orderWithGoods, plate, reserve } from './support.ts';

/**
 * Many trucks presenting the same release order at the same moment on different lanes: the order's
 * row lock makes them decide one after the other, so the book is posted at most what was reserved.
 * On PostgreSQL the requests really run side by side (a pool of 20).
 */
let t: TestApp;
const devices: string[] = [];

beforeAll(async () => {
  t = await startTestApp();
  for (let lane = 1; lane <= 6; lane++) {
    const laneCode = `CNHAK-XINHAI-L0${lane}`;
    devices.push(
      await t.authFor('gate_device', { name: `xinhai-${lane}`, scope: { portCode: 'CNHAK-XINHAI', laneCode } }),
    );
  }
});
afterAll(async () => {
  await t?.close();
});

const ev = (plate: string, containers: string[], lane: number, weightKg: string) => ({
  eventId: uuidv7(),
  portCode: 'CNHAK-XINHAI',
  laneCode: `CNHAK-XINHAI-L0${lane}`,
  direction: 'OUT',
  plate,
  containers,
  weightKg,
  sealState: 'INTACT',
  at: t.clock.now().toISOString(),
});

describe('concurrent events for one release order', () => {
  it('30 simultaneous presentations of one order: exactly one PASS, the reservation posted once', async () => {
    const { book, reservation, input } = await orderWithGoods(t.ctx, { reserveQuantity: '40' });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t.request({
          method: 'POST',
          url: '/api/v1/gate/events',
          auth: devices[i % 6],
          body: ev(input.plate, input.containers, (i % 6) + 1, '25000'),
        }),
      ),
    );
    for (const a of answers) expect(a.statusCode, a.body).toBe(200);
    const decisions = answers.map((a) => a.json().decision);
    expect(decisions.filter((d) => d === 'PASS')).toHaveLength(1);
    expect(await balanceOf(t.ctx.db, book.bookId, book.itemIds[0]!)).toMatchObject({ onHand: '60', reserved: '0' });
    const r = (await getReservation(t.ctx.db, reservation.id))!;
    expect(r.lines[0]).toMatchObject({ reserved: '40', posted: '40' });
    expect((await verifyLedger(t.ctx.db)).ok).toBe(true);
  });

  it('the same event sent 12 times at the same moment (a gate retrying): one decision, the same answer to every copy', async () => {
    const { book, reservation, input } = await orderWithGoods(t.ctx, { reserveQuantity: '40' });
    const body = ev(input.plate, input.containers, 1, '25000');
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        t.request({ method: 'POST', url: '/api/v1/gate/events', auth: devices[0], body }),
      ),
    );
    for (const a of answers) expect(a.statusCode, a.body).toBe(200);
    const first = answers[0]!.json();
    expect(first.decision).toBe('PASS');
    for (const a of answers) expect(a.json()).toEqual(first);
    expect((await getReservation(t.ctx.db, reservation.id))!.lines[0]).toMatchObject({ reserved: '40', posted: '40' });
    expect(await balanceOf(t.ctx.db, book.bookId, book.itemIds[0]!)).toMatchObject({ onHand: '60', reserved: '0' });
  });

  it('a split order presented by many trucks at once: every container posts once, never more than reserved', async () => {
    const book = await goods(t.ctx, '100');
    const documentId = uuidv7();
    const res = await reserve(t.ctx, book, '40', documentId);
    const item = book.itemIds[0]!;
    const cs = [container(), container(), container(), container()];
    const { input } = await orderWithGoods(t.ctx, {
      documentId,
      enterpriseId: book.enterpriseId,
      containers: cs,
      reservationIds: [res.id],
      expectedGrossWeightKg: '40000',
      containerGoods: cs.map((c) => ({
        container: c,
        grossWeightKg: '10000',
        goods: [{ reservationId: res.id, itemId: item, quantity: '10' }],
      })),
    });
    // Each container presented by three trucks at the same moment.
    const sends = cs.flatMap((c, k) =>
      [0, 1, 2].map((j) =>
        t.request({
          method: 'POST',
          url: '/api/v1/gate/events',
          auth: devices[(k + j) % 6],
          body: ev(input.plate, [c], ((k + j) % 6) + 1, '10000'),
        }),
      ),
    );
    const answers = await Promise.all(sends);
    const passes = answers.filter((a) => a.json().decision === 'PASS');
    expect(passes.length).toBeLessThanOrEqual(4);
    const posted = (await getReservation(t.ctx.db, res.id))!.lines.reduce((s, l) => s + Number(l.posted), 0);
    expect(posted).toBe(passes.length * 10);
    expect(posted).toBeLessThanOrEqual(40);
    expect(await balanceOf(t.ctx.db, book.bookId, item)).toMatchObject({ onHand: String(100 - posted) });
  });

  it('trucks arriving together are decided in shared transactions, each with the answer it would get alone', async () => {
    const histogram = t.ctx.metrics.gateBatchEvents;
    const observed = async () => {
      const values = (await histogram.get()).values;
      return {
        batches: values.find((v) => v.metricName === 'tidegate_gate_batch_events_count')?.value ?? 0,
        events: values.find((v) => v.metricName === 'tidegate_gate_batch_events_sum')?.value ?? 0,
      };
    };
    const orders = await Promise.all(
      Array.from({ length: 10 }, () => orderWithGoods(t.ctx, { reserveQuantity: '40' })),
    );
    const lanes = await Promise.all(
      devices.map((header) => authenticateApiKey(t.ctx.db, header.replace(/^ApiKey /, ''))),
    );
    const at = (e: ReturnType<typeof ev>) => ({ ...e, at: new Date(e.at) }) as GateEventInput;
    const passing = orders.slice(0, 8).map((o, i) => ev(o.input.plate, o.input.containers, (i % 6) + 1, '25000'));
    const overweight = ev(orders[8]!.input.plate, orders[8]!.input.containers, 1, '28000');
    const brokenSeal = { ...ev(orders[9]!.input.plate, orders[9]!.input.containers, 2, '25000'), sealState: 'BROKEN' };
    const unknown = [ev(plate(), [], 3, '9000'), ev(plate(), [], 4, '9000')];
    // The first passing event again under its id with another weight: refused, nothing written.
    const conflicting = { ...passing[0]!, weightKg: '25001' };
    const events = [...passing, overweight, brokenSeal, ...unknown, conflicting];
    const before = await observed();
    // All handed to the service in one tick, as the lanes' requests arriving at one moment: the
    // first starts a transaction at once, the others wait for it and go together in the next.
    const settled = await Promise.allSettled(
      events.map((e) => recordGateEvent(t.ctx, lanes[Number(e.laneCode.slice(-1)) - 1]!, at(e))),
    );
    const after = await observed();

    const answer = (k: number) => {
      const r = settled[k]!;
      if (r.status === 'rejected') throw r.reason;
      return r.value;
    };
    for (const [k, o] of orders.slice(0, 8).entries()) {
      expect(answer(k)).toMatchObject({ decision: 'PASS', releaseOrderId: o.order.id, reasons: [] });
      expect((await getReservation(t.ctx.db, o.reservation.id))!.lines[0]).toMatchObject({
        reserved: '40',
        posted: '40',
      });
      expect(await balanceOf(t.ctx.db, o.book.bookId, o.book.itemIds[0]!)).toMatchObject({
        onHand: '60',
        reserved: '0',
      });
    }
    const codes = (k: number) => answer(k).reasons.map((r) => r.code);
    expect(codes(8)).toEqual(['OVERWEIGHT']);
    expect(codes(9)).toEqual(['SEAL_BROKEN']);
    expect(codes(10)).toEqual(['UNKNOWN_PLATE']);
    expect(codes(11)).toEqual(['UNKNOWN_PLATE']);
    for (const k of [8, 9, 10, 11])
      expect(await getTask(t.ctx.db, answer(k).inspectionTaskId!)).toMatchObject({
        source: 'GATE_DIVERT',
        status: 'OPEN',
      });
    for (const o of orders.slice(8))
      expect((await getReservation(t.ctx.db, o.reservation.id))!.lines[0]).toMatchObject({
        reserved: '40',
        posted: '0',
      });
    const refused = settled[12]!;
    expect(refused.status).toBe('rejected');
    expect((refused as PromiseRejectedResult).reason).toMatchObject({
      status: 409,
      extra: { errors: [{ path: 'eventId', rule: 'gate.idempotencyConflict' }] },
    });

    // 13 events in 2 transactions: the first alone, then the other 12 together. The refused copy
    // could join the second only because its id's first event had committed in the first (a
    // transaction never holds two events of one id or one plate).
    expect(after.events - before.events).toBe(13);
    expect(after.batches - before.batches).toBe(2);
    expect((await verifyLedger(t.ctx.db)).ok).toBe(true);
    expect((await verifyChain(t.ctx.db)).ok).toBe(true);
  });
});
