import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { runCommand } from '../../src/platform/command.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { balanceOf, getReservation, voidReservation } from '../../src/modules/ledger/service.ts';
import {
  cancelReleaseOrdersFor,
  getReleaseOrder,
  hasOpenInspectionHold,
  openInspectionTask,
} from '../../src/modules/gate/service.ts';
import { readEventsBetween } from '../../src/platform/outbox/service.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { sql } from 'drizzle-orm';
import { container, orderWithGoods, plate } from './support.ts';

let t: TestApp;
let device: string;
const LANE = 'CNHAK-XINHAI-L01';

beforeAll(async () => {
  t = await startTestApp();
  device = await t.authFor('gate_device', { name: 'xinhai-l01', scope: { portCode: 'CNHAK-XINHAI', laneCode: LANE } });
});
afterAll(async () => {
  await t?.close();
});

function event(o: {
  plate: string;
  containers: string[];
  weightKg?: string;
  sealState?: string;
  at?: Date;
  eventId?: string;
}) {
  return {
    eventId: o.eventId ?? uuidv7(),
    portCode: 'CNHAK-XINHAI',
    laneCode: LANE,
    direction: 'OUT',
    plate: o.plate,
    containers: o.containers,
    weightKg: o.weightKg ?? '25100',
    sealState: o.sealState ?? 'INTACT',
    at: (o.at ?? t.clock.now()).toISOString(),
  };
}

async function post(body: unknown, auth = device) {
  return t.request({ method: 'POST', url: '/api/v1/gate/events', auth, body });
}

async function gateEvents() {
  return (await readEventsBetween(t.ctx.db, 0, Number.MAX_SAFE_INTEGER, 100000)).filter(
    (e) => e.aggregateType === 'gate',
  );
}

describe('ports and lanes', () => {
  it('seeds the 10 second-line ports with 27 customs channels', async () => {
    const res = await t.request({ method: 'GET', url: '/api/v1/gate/lanes', auth: device });
    const lanes = res.json().items as { portCode: string }[];
    expect(lanes).toHaveLength(27);
    expect(new Set(lanes.map((l) => l.portCode)).size).toBe(10);
  });
});

describe('gate events over HTTP', () => {
  it('PASS posts the reservation to the mainland in the same transaction, and emits ReleaseOrderPassed', async () => {
    const { book, reservation, order, input } = await orderWithGoods(t.ctx);
    const res = await post(event({ plate: input.plate, containers: input.containers }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ decision: 'PASS', reasons: [], releaseOrderId: order.id, complete: true });
    const bal = await balanceOf(t.ctx.db, book.bookId, book.itemIds[0]!);
    expect(bal).toMatchObject({ onHand: '60', reserved: '0', available: '60' });
    expect((await getReservation(t.ctx.db, reservation.id))!.status).toBe('POSTED');
    expect((await getReleaseOrder(t.ctx.db, order.id))!.status).toBe('PASSED');
    const passed = (await gateEvents()).find(
      (e) =>
        e.eventType === 'ReleaseOrderPassed' && (e.payload as { releaseOrderId: string }).releaseOrderId === order.id,
    );
    expect(passed?.payload).toMatchObject({
      documentId: input.documentId,
      complete: true,
      postings: [{ reservationId: reservation.id, lines: [{ itemId: book.itemIds[0], quantity: '40' }] }],
    });
    // The ledger's event and the gate's, written together: one transaction, the posting first, each after its audit entry.
    const outbox = await queryRows<{ id: string; tx_id: string; event_type: string; audit_seq: string }>(
      t.ctx.db,
      sql`select id, tx_id::text, event_type, audit_seq from outbox_events where (aggregate_type = 'ledger' and event_type = 'ReservationPosted' and payload->>'reservationId' = ${reservation.id}) or (aggregate_type = 'gate' and aggregate_id = ${order.id} and event_type = 'ReleaseOrderPassed') order by id`,
    );
    expect(outbox.map((e) => e.event_type)).toEqual(['ReservationPosted', 'ReleaseOrderPassed']);
    expect(outbox[0]!.tx_id).toBe(outbox[1]!.tx_id);
    expect(Number(outbox[0]!.audit_seq)).toBeLessThan(Number(outbox[1]!.audit_seq));
  });

  it('the same event id always gets the same answer; other content under it is a 409', async () => {
    const { input } = await orderWithGoods(t.ctx);
    const e = event({ plate: input.plate, containers: input.containers });
    const first = await post(e);
    const again = await post(e);
    expect(again.json()).toEqual(first.json());
    expect(first.json().decision).toBe('PASS');
    const other = await post({ ...e, weightKg: '30000' });
    expect(other.statusCode).toBe(409);
    expect(other.json().errors[0]).toMatchObject({ path: 'eventId', rule: 'gate.idempotencyConflict' });
  });

  it('DIVERT lists every reason, opens an inspection task and holds the order until the inspection releases it', async () => {
    const { input, order, book } = await orderWithGoods(t.ctx);
    const res = await post(
      event({
        plate: input.plate,
        containers: [input.containers[0]!, 'CSQU3054384'],
        weightKg: '27000',
        sealState: 'BROKEN',
      }),
    );
    expect(res.json().decision).toBe('DIVERT');
    const codes = res
      .json()
      .reasons.map((r: { code: string }) => r.code)
      .sort();
    expect(codes).toEqual(['CONTAINER_CHECK_DIGIT', 'OVERWEIGHT', 'SEAL_BROKEN']);
    expect(res.json().reasons.find((r: { code: string }) => r.code === 'OVERWEIGHT')).toMatchObject({ byKg: '2000' });
    const taskId = res.json().inspectionTaskId as string;
    expect(taskId).toBeTruthy();
    expect(
      await hasOpenInspectionHold(t.ctx.db, { documentType: 'SECOND_LINE_EXIT', documentId: input.documentId }),
    ).toBe(true);
    // The book did not move.
    expect((await balanceOf(t.ctx.db, book.bookId, book.itemIds[0]!)).reserved).toBe('40');
    // Presenting correctly now: still held.
    const held = await post(event({ plate: input.plate, containers: input.containers }));
    expect(held.json()).toMatchObject({
      decision: 'DIVERT',
      reasons: [{ code: 'INSPECTION_HOLD' }],
      inspectionTaskId: taskId,
    });
    // The inspector works the task and releases the goods.
    const insp = await t.authFor('inspector');
    expect(
      (
        await t.request({
          method: 'POST',
          url: `/api/v1/inspection/tasks/${taskId}/assign`,
          auth: insp,
          body: { assignee: '王查验' },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await t.request({ method: 'POST', url: `/api/v1/inspection/tasks/${taskId}/start`, auth: insp })).json().status,
    ).toBe('IN_PROGRESS');
    const photo = Buffer.from('JPEG evidence bytes');
    const ev = await t.request({
      method: 'POST',
      url: `/api/v1/inspection/tasks/${taskId}/evidence`,
      auth: insp,
      body: { fileName: 'seal.jpg', contentType: 'image/jpeg', contentBase64: photo.toString('base64') },
    });
    expect(ev.statusCode, ev.body).toBe(201);
    expect(ev.json().sha256).toBe(createHash('sha256').update(photo).digest('hex'));
    const down = await t.request({
      method: 'GET',
      url: `/api/v1/inspection/tasks/${taskId}/evidence/${ev.json().id}`,
      auth: insp,
    });
    expect(down.rawPayload.equals(photo)).toBe(true);
    const done = await t.request({
      method: 'POST',
      url: `/api/v1/inspection/tasks/${taskId}/complete`,
      auth: insp,
      body: { outcome: 'MATCH', attended: false, disposition: 'RELEASE' },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'COMPLETED', outcome: 'MATCH', attended: false });
    expect((await getReleaseOrder(t.ctx.db, order.id))!.held).toBe(false);
    const pass = await post(event({ plate: input.plate, containers: input.containers }));
    expect(pass.json().decision).toBe('PASS');
    const completed = (await gateEvents()).find(
      (e) => e.eventType === 'InspectionCompleted' && (e.payload as { taskId: string }).taskId === taskId,
    );
    expect(completed?.payload).toMatchObject({
      outcome: 'MATCH',
      attended: false,
      documentId: input.documentId,
      corrections: [],
    });
  });

  it('unknown plate and expired order divert with their reasons; a device cannot speak for another lane', async () => {
    const unknown = await post(event({ plate: plate(), containers: [], weightKg: '9000' }));
    expect(unknown.json().reasons.map((r: { code: string }) => r.code)).toEqual(['UNKNOWN_PLATE']);
    const { input } = await orderWithGoods(t.ctx, {
      validFrom: new Date(t.clock.now().getTime() - 7200_000),
      validTo: new Date(t.clock.now().getTime() - 60_000),
    });
    const expired = await post(event({ plate: input.plate, containers: input.containers }));
    expect(expired.json().reasons.map((r: { code: string }) => r.code)).toEqual(['ORDER_EXPIRED']);
    const wrongLane = await post({
      ...event({ plate: input.plate, containers: input.containers }),
      laneCode: 'CNHAK-XINHAI-L02',
    });
    expect(wrongLane.statusCode).toBe(400);
    expect(wrongLane.json().errors[0]).toMatchObject({ path: 'laneCode', rule: 'gate.deviceScope' });
  });

  it('a rejected event names the field and writes nothing', async () => {
    const res = await post({ ...event({ plate: plate(), containers: [] }), weightKg: '12.5.0' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors[0].path).toBe('weightKg');
  });

  it('an inspection task about an unknown kind of document is refused, naming documentType, and not opened', async () => {
    const insp = await t.authFor('inspector');
    const before = (await t.request({ method: 'GET', url: '/api/v1/inspection/tasks', auth: insp })).json();
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/inspection/tasks',
      auth: insp,
      body: {
        documentType: 'LUNCH_ORDER',
        documentId: 'x-1',
        portCode: 'CNHAK-XINHAI',
        reasons: [{ code: 'TIP_OFF', detail: 'tip-off' }],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors).toContainEqual(
      expect.objectContaining({ path: 'documentType', rule: 'inspection.documentType' }),
    );
    expect((await t.request({ method: 'GET', url: '/api/v1/inspection/tasks', auth: insp })).json()).toEqual(before);
  });
});

describe('the contract functions', () => {
  it('issueReleaseOrder is idempotent by id and refuses bad check digits, naming the field', async () => {
    const { input, order } = await orderWithGoods(t.ctx);
    const again = await runCommand(t.ctx, 'x', async (tx) =>
      (await import('../../src/modules/gate/service.ts')).issueReleaseOrder(tx, t.ctx, input),
    );
    expect(again.id).toBe(order.id);
    const bad = t.request({
      method: 'POST',
      url: '/api/v1/gate/release-orders',
      auth: await t.authFor('admin', { name: 'admin' }),
      body: {
        ...input,
        releaseOrderId: uuidv7(),
        actor: undefined,
        containers: ['CSQU3054384'],
        validFrom: input.validFrom.toISOString(),
        validTo: input.validTo.toISOString(),
      },
    });
    const r = await bad;
    expect(r.statusCode).toBe(400);
    expect(r.json().errors).toEqual([expect.objectContaining({ path: 'containers[0]', rule: 'ISO6346.checkDigit' })]);
  });

  it('cancelReleaseOrdersFor cancels the open orders of the document; a cancelled order no longer matches', async () => {
    const { input, order } = await orderWithGoods(t.ctx);
    const n = await runCommand(t.ctx, 'x', (tx, batch) =>
      cancelReleaseOrdersFor(
        tx,
        t.ctx,
        {
          documentType: 'SECOND_LINE_EXIT',
          documentId: input.documentId,
          reason: 'declaration cancelled',
          actor: systemActor('test'),
        },
        batch,
      ),
    );
    expect(n).toBe(1);
    expect((await getReleaseOrder(t.ctx.db, order.id))!.status).toBe('CANCELLED');
    const res = await post(event({ plate: input.plate, containers: input.containers }));
    expect(res.json().reasons.map((r: { code: string }) => r.code)).toEqual(['UNKNOWN_PLATE']);
  });

  it('risk selection opens a task that holds the order (INSPECTION_HOLD); a reservation voided meanwhile diverts too', async () => {
    const { input, reservation } = await orderWithGoods(t.ctx);
    const { taskId } = await runCommand(t.ctx, 'x', (tx) =>
      openInspectionTask(tx, t.ctx, {
        taskId: uuidv7(),
        source: 'RISK_SELECTION',
        documentType: 'SECOND_LINE_EXIT',
        documentId: input.documentId,
        portCode: 'CNHAK-XINHAI',
        reasons: [{ code: 'RED', detail: 'risk level RED' }],
        actor: systemActor('risk'),
      }),
    );
    expect(taskId).toBeTruthy();
    const held = await post(event({ plate: input.plate, containers: input.containers }));
    expect(held.json().reasons.map((r: { code: string }) => r.code)).toEqual(['INSPECTION_HOLD']);
    const second = await orderWithGoods(t.ctx);
    await runCommand(t.ctx, 'x', (tx, batch) =>
      voidReservation(
        tx,
        t.ctx,
        { reservationId: second.reservation.id, reason: 'test', actor: systemActor('test') },
        batch,
      ),
    );
    const voided = await post(event({ plate: second.input.plate, containers: second.input.containers }));
    expect(voided.json().reasons.map((r: { code: string }) => r.code)).toEqual(['RESERVATION_NOT_OPEN']);
    void reservation;
  });

  it('a split order leaves in part: the containers on the truck post their goods, the last truck completes it', async () => {
    const c1 = container();
    const c2 = container();
    const book = await (await import('./support.ts')).goods(t.ctx, '100');
    const documentId = uuidv7();
    const res = await (await import('./support.ts')).reserve(t.ctx, book, '40', documentId);
    const item = book.itemIds[0]!;
    const { order, input } = await orderWithGoods(t.ctx, {
      documentId,
      enterpriseId: book.enterpriseId,
      containers: [c1, c2],
      reservationIds: [res.id],
      expectedGrossWeightKg: '50000',
      containerGoods: [
        { container: c1, grossWeightKg: '26000', goods: [{ reservationId: res.id, itemId: item, quantity: '25' }] },
        { container: c2, grossWeightKg: '24000', goods: [{ reservationId: res.id, itemId: item, quantity: '15' }] },
      ],
    });
    const first = await post(event({ plate: input.plate, containers: [c1], weightKg: '26100' }));
    expect(first.json()).toMatchObject({ decision: 'PASS', complete: false });
    expect(await balanceOf(t.ctx.db, book.bookId, item)).toMatchObject({ onHand: '75', reserved: '15' });
    const last = await post(event({ plate: input.plate, containers: [c2], weightKg: '23900' }));
    expect(last.json()).toMatchObject({ decision: 'PASS', complete: true });
    expect(await balanceOf(t.ctx.db, book.bookId, item)).toMatchObject({ onHand: '60', reserved: '0' });
    expect((await getReleaseOrder(t.ctx.db, order.id))!.status).toBe('PASSED');
    const again = await post(event({ plate: input.plate, containers: [c1], weightKg: '26100' }));
    expect(
      again
        .json()
        .reasons.map((r: { code: string }) => r.code)
        .sort(),
    ).toEqual(['CONTAINER_ALREADY_PASSED', 'ORDER_ALREADY_PASSED']);
    expect(await balanceOf(t.ctx.db, book.bookId, item)).toMatchObject({ onHand: '60', reserved: '0' });
  });
});
