import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { runCommand } from '../../src/platform/command.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import { balanceOf, getReservation, voidReservation } from '../../src/modules/ledger/service.ts';
import {
  cancelReleaseOrdersFor,
  getGateEvent,
  getReleaseOrder,
  openInspectionTask,
} from '../../src/modules/gate/service.ts';
import { GateEdge, type GateEdgeOptions } from '../../src/modules/gate/edge/gateEdge.ts';
import { endorseRotation } from '../../src/modules/gate/edge/log.ts';
import { exitBody } from '../declarations/helpers.ts';
import { orderWithGoods, plate } from './support.ts';

/**
 * Degraded mode: the gate-side component syncs its cache, the link is cut in the middle of a
 * stream of trucks, the gate decides locally and signs its log, things change centrally meanwhile
 * (an order cancelled, a reservation voided, an order passed at another lane), the link returns,
 * the log is replayed: the books are posted and the conflicts land in the officer queue.
 */
let t: TestApp;
let linkUp = true;
let edge: GateEdge;
let otherLane: string;

beforeAll(async () => {
  t = await startTestApp();
  const key = (
    await t.authFor('gate_device', {
      name: 'xinhai-edge-1',
      scope: { portCode: 'CNHAK-XINHAI', laneCode: 'CNHAK-XINHAI-L01' },
    })
  ).replace(/^ApiKey /, '');
  otherLane = await t.authFor('gate_device', {
    name: 'xinhai-edge-2',
    scope: { portCode: 'CNHAK-XINHAI', laneCode: 'CNHAK-XINHAI-L02' },
  });
  edge = new GateEdge({
    baseUrl: 'http://central',
    apiKey: key,
    portCode: 'CNHAK-XINHAI',
    laneCode: 'CNHAK-XINHAI-L01',
    clock: () => t.clock.now(),
    fetch: async (url, init) => {
      if (!linkUp) throw new TypeError('fetch failed: connect ECONNREFUSED');
      const res = await t.app.inject({
        method: init.method as 'GET',
        url: url.replace('http://central', ''),
        headers: init.headers,
        ...(init.body ? { payload: init.body } : {}),
      });
      return { status: res.statusCode, json: async () => res.json() };
    },
  });
});
afterAll(async () => {
  await t?.close();
});

const truck = (p: string, containers: string[], weightKg = '25000') => ({
  eventId: uuidv7(),
  direction: 'OUT' as const,
  plate: p,
  containers,
  weightKg,
  sealState: 'INTACT' as const,
  at: t.clock.now().toISOString(),
});

describe('gate degraded mode', () => {
  it('cut the link mid-stream, decide locally with a signed log, replay: books posted, conflicts reported', async () => {
    const live = await orderWithGoods(t.ctx);
    const a = await orderWithGoods(t.ctx);
    const b = await orderWithGoods(t.ctx);
    const c = await orderWithGoods(t.ctx);
    const d = await orderWithGoods(t.ctx);
    await edge.registerKey();
    expect(await edge.sync()).toBeGreaterThanOrEqual(5);

    // Link up: the central service decides.
    const first = await edge.handle(truck(live.input.plate, live.input.containers));
    expect(first).toMatchObject({ decision: 'PASS', offline: false });

    // The link drops.
    linkUp = false;
    const offA = await edge.handle(truck(a.input.plate, a.input.containers));
    expect(offA).toMatchObject({ decision: 'PASS', offline: true });
    const offUnknown = await edge.handle(truck(plate(), [], '9000'));
    expect(offUnknown).toMatchObject({ decision: 'DIVERT', offline: true, reasons: [{ code: 'UNKNOWN_PLATE' }] });
    const offAAgain = await edge.handle(truck(a.input.plate, a.input.containers));
    expect(offAAgain.reasons.map((r) => r.code)).toContain('ORDER_ALREADY_PASSED');
    const offB = await edge.handle(truck(b.input.plate, b.input.containers));
    const offC = await edge.handle(truck(c.input.plate, c.input.containers));
    const offD = await edge.handle(truck(d.input.plate, d.input.containers));
    expect([offB.decision, offC.decision, offD.decision]).toEqual(['PASS', 'PASS', 'PASS']);
    expect(edge.pending).toHaveLength(6);
    await expect(edge.replay()).rejects.toThrow();

    // Meanwhile, centrally: C's declaration is cancelled, D's reservation voided, B passes at another lane.
    await runCommand(t.ctx, 'x', (tx, batch) =>
      cancelReleaseOrdersFor(
        tx,
        t.ctx,
        {
          documentType: 'SECOND_LINE_EXIT',
          documentId: c.input.documentId,
          reason: 'declaration withdrawn',
          actor: systemActor('test'),
        },
        batch,
      ),
    );
    await runCommand(t.ctx, 'x', (tx, batch) =>
      voidReservation(
        tx,
        t.ctx,
        {
          reservationId: d.reservation.id,
          reason: 'expired paperwork',
          actor: systemActor('test'),
        },
        batch,
      ),
    );
    const bLive = await t.request({
      method: 'POST',
      url: '/api/v1/gate/events',
      auth: otherLane,
      body: { ...truck(b.input.plate, b.input.containers), portCode: 'CNHAK-XINHAI', laneCode: 'CNHAK-XINHAI-L02' },
    });
    expect(bLive.json().decision).toBe('PASS');

    // A tampered log is refused whole and writes nothing.
    linkUp = true;
    const tampered = edge.pending.map((e) => ({ ...e }));
    tampered[0] = { ...tampered[0]!, event: { ...tampered[0]!.event, weightKg: '1' } };
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/gate/replay',
      headers: { authorization: `ApiKey ${edge.opts.apiKey}` },
      payload: { entries: tampered },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors[0]).toMatchObject({ path: 'entries[0].hash', rule: 'gate.logHash' });
    expect((await balanceOf(t.ctx.db, a.book.bookId, a.book.itemIds[0]!)).reserved).toBe('40');

    // The link returns: replay.
    const [report] = await edge.replay();
    expect(report).toMatchObject({ replayedSeq: 6, posted: 1, diverted: 2 });
    expect(report!.conflicts.map((x) => x.kind).sort()).toEqual([
      'ORDER_CANCELLED',
      'OVER_POSTING',
      'RESERVATION_NOT_OPEN',
    ]);
    expect(edge.pending).toHaveLength(0);
    // A's goods left the book at replay; B was posted once (by the live lane), not twice.
    expect(await balanceOf(t.ctx.db, a.book.bookId, a.book.itemIds[0]!)).toMatchObject({ onHand: '60', reserved: '0' });
    expect((await getReservation(t.ctx.db, b.reservation.id))!.lines[0]).toMatchObject({ posted: '40' });
    expect(await balanceOf(t.ctx.db, b.book.bookId, b.book.itemIds[0]!)).toMatchObject({ onHand: '60' });

    // The officer queue shows them, and an officer settles one.
    const officer = await t.authFor('inspector');
    const queue = await t.request({ method: 'GET', url: '/api/v1/gate/conflicts?status=OPEN', auth: officer });
    expect(queue.json().items).toHaveLength(3);
    const settled = await t.request({
      method: 'POST',
      url: `/api/v1/gate/conflicts/${queue.json().items[0].id}/resolve`,
      auth: officer,
      body: { resolution: 'truck recalled; supplementary declaration filed' },
    });
    expect(settled.json()).toMatchObject({ status: 'RESOLVED' });

    // Replaying the same entries again (an answer lost on the way back) changes nothing.
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/gate/replay',
      headers: { authorization: `ApiKey ${edge.opts.apiKey}` },
      payload: { entries: edge.entries.slice(0, 6) },
    });
    expect(again.json()).toMatchObject({ recorded: 0, alreadyRecorded: 6, conflicts: [] });

    // After the link is back, the cache catches up with the cancellation and the passages.
    await edge.sync();
    const afterwards = await edge.handle(truck(c.input.plate, c.input.containers));
    expect(afterwards).toMatchObject({ decision: 'DIVERT', offline: false, reasons: [{ code: 'UNKNOWN_PLATE' }] });
  });
});

/** A lane's edge component on its own device (API client) and link, through the test app. */
async function laneEdge(name: string, laneCode: string, files: Pick<GateEdgeOptions, 'stateFile' | 'logFile'> = {}) {
  const link = { up: true };
  const apiKey = (await t.authFor('gate_device', { name, scope: { portCode: 'CNHAK-XINHAI', laneCode } })).replace(
    /^ApiKey /,
    '',
  );
  const make = () =>
    new GateEdge({
      baseUrl: 'http://central',
      apiKey,
      portCode: 'CNHAK-XINHAI',
      laneCode,
      clock: () => t.clock.now(),
      ...files,
      fetch: async (url, init) => {
        if (!link.up) throw new TypeError('fetch failed: connect ECONNREFUSED');
        const res = await t.app.inject({
          method: init.method as 'GET',
          url: url.replace('http://central', ''),
          headers: init.headers,
          ...(init.body ? { payload: init.body } : {}),
        });
        return { status: res.statusCode, json: async () => res.json() };
      },
    });
  return { link, apiKey, make, edge: make() };
}

type Order = Awaited<ReturnType<typeof orderWithGoods>>;
const truckOf = (o: Order, weightKg = '25000') => truck(o.input.plate, o.input.containers, weightKg);
const codes = (a: { reasons: { code: string }[] }) => a.reasons.map((r) => r.code);

async function tasksOf(documentType: string, documentId: string) {
  return queryRows<{ id: string; source: string; status: string }>(
    t.ctx.db,
    sql`select id, source, status from inspection_tasks where document_type = ${documentType} and document_id = ${documentId}`,
  );
}

describe('gate degraded mode: holds, inspections and exits', () => {
  it('an offline DIVERT holds the order at the lane: the same truck is diverted again, also after a sync before the replay; nothing is posted', async () => {
    const { edge, link } = await laneEdge('xinhai-edge-hold', 'CNHAK-XINHAI-L03');
    const o = await orderWithGoods(t.ctx);
    await edge.registerKey();
    await edge.sync();
    link.up = false;
    expect(codes(await edge.handle(truckOf(o, '40000')))).toContain('OVERWEIGHT');
    // Right weight this time: still held at the lane, as the centre holds it once the divert opens its task.
    const again = await edge.handle(truckOf(o));
    expect(again).toMatchObject({ decision: 'DIVERT', offline: true });
    expect(codes(again)).toContain('INSPECTION_HOLD');
    // The link comes back long enough for a sync, not yet for the replay: the centre does not know the divert.
    link.up = true;
    await edge.sync();
    link.up = false;
    expect(codes(await edge.handle(truckOf(o)))).toContain('INSPECTION_HOLD');

    link.up = true;
    const [report] = await edge.replay();
    expect(report).toMatchObject({ replayedSeq: 3, posted: 0, diverted: 3, conflicts: [] });
    expect((await getReservation(t.ctx.db, o.reservation.id))!.status).toBe('OPEN');
    expect(await balanceOf(t.ctx.db, o.book.bookId, o.book.itemIds[0]!)).toMatchObject({
      onHand: '100',
      reserved: '40',
    });
    expect(await tasksOf('SECOND_LINE_EXIT', o.input.documentId)).toEqual([
      expect.objectContaining({ source: 'GATE_DIVERT', status: 'OPEN' }),
    ]);
    expect((await getReleaseOrder(t.ctx.db, o.order.id))!.held).toBe(true);
    // Live again, the centre answers the same.
    const live = await edge.handle(truckOf(o));
    expect(live).toMatchObject({ decision: 'DIVERT', offline: false });
    expect(codes(live)).toContain('INSPECTION_HOLD');
  });

  it('replay raises INSPECTION_HOLD for an offline PASS of an order an inspection held meanwhile: nothing posted, the task stays open', async () => {
    const { edge, link } = await laneEdge('xinhai-edge-held', 'CNHAK-XINHAI-L04');
    const o = await orderWithGoods(t.ctx);
    await edge.registerKey();
    await edge.sync();
    link.up = false;
    // Centrally an officer selects the goods for inspection; the lane, offline, does not learn it.
    const { taskId } = await runCommand(t.ctx, 'inspection.open', (tx) =>
      openInspectionTask(tx, t.ctx, {
        source: 'OFFICER',
        documentType: 'SECOND_LINE_EXIT',
        documentId: o.input.documentId,
        releaseOrderId: o.order.id,
        portCode: 'CNHAK-XINHAI',
        reasons: [{ code: 'OFFICER_SELECTION', detail: '布控' }],
        actor: systemActor('test'),
      }),
    );
    const passed = truckOf(o);
    expect(await edge.handle(passed)).toMatchObject({ decision: 'PASS', offline: true });

    link.up = true;
    const [report] = await edge.replay();
    expect(report).toMatchObject({
      posted: 0,
      conflicts: [expect.objectContaining({ kind: 'INSPECTION_HOLD', eventId: passed.eventId })],
    });
    expect((await getReservation(t.ctx.db, o.reservation.id))!.status).toBe('OPEN');
    expect(await balanceOf(t.ctx.db, o.book.bookId, o.book.itemIds[0]!)).toMatchObject({
      onHand: '100',
      reserved: '40',
    });
    expect(await tasksOf('SECOND_LINE_EXIT', o.input.documentId)).toEqual([
      expect.objectContaining({ id: taskId, status: 'OPEN' }),
    ]);
    // The passage is on record as what happened (the truck left), without postings.
    expect(await getGateEvent(t.ctx.db, passed.eventId)).toMatchObject({ decision: 'PASS', postings: [] });
    const queue = (
      await t.request({ method: 'GET', url: '/api/v1/gate/conflicts?status=OPEN', auth: await t.authFor('inspector') })
    ).json();
    expect(queue.items).toContainEqual(
      expect.objectContaining({ kind: 'INSPECTION_HOLD', eventId: passed.eventId, releaseOrderId: o.order.id }),
    );
  });

  it('a replayed DIVERT opens no inspection task on a declaration that exited meanwhile: the truck gets it, an officer is told', async () => {
    for (const name of ['risk.randomFloorRate', 'risk.routineInspectionRate']) {
      await runCommand(t.ctx, 'parameter.set', (tx) =>
        setParameter(tx, { name, value: '0', validFrom: '2025-12-18', reason: 'test' }, 'system:test', t.clock.now()),
      );
    }
    const book = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      entryDate: '2026-11-02',
      items: [
        {
          hsCode: '0202300090',
          name: '冻牛肉 frozen beef',
          unit: 'KG',
          originCountry: 'AU',
          quantity: '100',
          importedCny: '35600',
        },
      ],
    });
    const declarant = await t.authFor('enterprise_user', { enterpriseId: book.enterpriseId });
    const body = exitBody(book.bookId, [
      { itemId: book.itemIds[0]!, quantity: '10', valueCny: '5000', netWeightKg: '800' },
    ]);
    body.transport.plate = plate();
    const filed = await t.request({ method: 'POST', url: '/api/v1/declarations/exits', auth: declarant, body });
    expect(filed.statusCode, filed.body).toBe(201);
    const declarationId = filed.json().id as string;
    expect(filed.json().state).toBe('RELEASED');

    const { edge, link } = await laneEdge('xinhai-edge-exit', 'CNHAK-XINHAI-L05');
    await edge.registerKey();
    await edge.sync();
    link.up = false;
    const lorry = (weightKg: string) => truck(body.transport.plate, body.transport.containers, weightKg);
    const diverted = lorry('5000');
    expect(codes(await edge.handle(diverted))).toContain('OVERWEIGHT');
    // The lorry leaves through another lane, live, before the divert reaches the centre.
    const other = await t.request({
      method: 'POST',
      url: '/api/v1/gate/events',
      auth: otherLane,
      body: { ...lorry('1000'), portCode: 'CNHAK-XINHAI', laneCode: 'CNHAK-XINHAI-L02' },
    });
    expect(other.json().decision).toBe('PASS');
    await t.ctx.dispatcher.drain();
    const state = async () =>
      (await t.request({ method: 'GET', url: `/api/v1/declarations/${declarationId}`, auth: declarant })).json().state;
    expect(await state()).toBe('EXITED');

    link.up = true;
    const [report] = await edge.replay();
    expect(report).toMatchObject({
      diverted: 1,
      conflicts: [expect.objectContaining({ kind: 'DIVERTED_ORDER_EXITED', eventId: diverted.eventId })],
    });
    await t.ctx.dispatcher.drain();
    expect(await tasksOf('SECOND_LINE_EXIT', declarationId)).toEqual([]);
    expect(await tasksOf('GATE_EVENT', diverted.eventId)).toEqual([
      expect.objectContaining({ source: 'GATE_DIVERT', status: 'OPEN' }),
    ]);
    expect(await state()).toBe('EXITED');

    // Live, a truck presenting the order that left is diverted as a truck too, not on the declaration.
    const late = await t.request({
      method: 'POST',
      url: '/api/v1/gate/events',
      auth: otherLane,
      body: { ...lorry('1000'), portCode: 'CNHAK-XINHAI', laneCode: 'CNHAK-XINHAI-L02' },
    });
    expect(late.json()).toMatchObject({ decision: 'DIVERT', inspectionTaskId: expect.any(String) });
    expect(codes(late.json())).toContain('ORDER_ALREADY_PASSED');
    expect(await tasksOf('SECOND_LINE_EXIT', declarationId)).toEqual([]);
  });
});

describe('gate degraded mode: the lane keeps its key', () => {
  it('a restart during an outage keeps the key, the cache and the log: the lane goes on deciding, and its log replays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidegate-edge-'));
    const files = { stateFile: join(dir, 'state.json'), logFile: join(dir, 'log.jsonl') };
    const lane = await laneEdge('xinhai-edge-restart', 'CNHAK-XINHAI-L06', files);
    const a = await orderWithGoods(t.ctx);
    const b = await orderWithGoods(t.ctx);
    await lane.edge.registerKey();
    await lane.edge.sync();
    expect(statSync(files.stateFile).mode & 0o777).toBe(0o600);
    lane.link.up = false;
    expect(await lane.edge.handle(truckOf(a))).toMatchObject({ decision: 'PASS', offline: true });

    // The gate machine restarts while the link is still down.
    const restarted = lane.make();
    expect(restarted.publicKeyPem).toBe(lane.edge.publicKeyPem);
    expect(restarted.pending).toHaveLength(1);
    expect(await restarted.handle(truckOf(b))).toMatchObject({ decision: 'PASS', offline: true });
    // What left before the restart is still known at the lane.
    expect(codes(await restarted.handle(truckOf(a)))).toContain('ORDER_ALREADY_PASSED');

    lane.link.up = true;
    await restarted.registerKey();
    const [report] = await restarted.replay();
    expect(report).toMatchObject({ replayedSeq: 3, posted: 2, diverted: 1 });
    expect(restarted.pending).toHaveLength(0);
    expect(await balanceOf(t.ctx.db, b.book.bookId, b.book.itemIds[0]!)).toMatchObject({ onHand: '60', reserved: '0' });
    // Not stuck deciding locally: the next truck goes to the centre; a later restart knows what was replayed.
    expect(await restarted.handle(truck(plate(), [], '9000'))).toMatchObject({ decision: 'DIVERT', offline: false });
    expect(lane.make().pending).toHaveLength(0);
  });

  it('a key rotation overlaps: entries the old key signed still replay; a second rotation waits for them; a rotation is endorsed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidegate-edge-'));
    const lane = await laneEdge('xinhai-edge-rotate', 'CNHAK-XINHAI-L03', {
      stateFile: join(dir, 'state.json'),
      logFile: join(dir, 'log.jsonl'),
    });
    const [o1, o2] = [await orderWithGoods(t.ctx), await orderWithGoods(t.ctx)];
    const { edge, link } = lane;
    await edge.registerKey();
    await edge.sync();
    const oldKey = edge.publicKeyPem;
    link.up = false;
    await edge.handle(truckOf(o1));
    link.up = true;
    await edge.rotateKey();
    expect(edge.publicKeyPem).not.toBe(oldKey);
    link.up = false;
    await edge.handle(truckOf(o2));
    link.up = true;
    // Entry 1 (old key) is not replayed yet: a second rotation would drop the key that verifies it.
    await expect(edge.rotateKey()).rejects.toThrow(/gate.keyRotationPending/);
    const [report] = await edge.replay();
    expect(report).toMatchObject({ replayedSeq: 2, posted: 2, conflicts: [] });
    const secondKey = edge.publicKeyPem;
    await edge.rotateKey();
    expect(lane.make().publicKeyPem).toBe(edge.publicKeyPem);

    const auth = `ApiKey ${lane.apiKey}`;
    const stranger = generateKeyPairSync('ed25519');
    const pem = stranger.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const forged = endorseRotation(pem, 10, stranger.privateKey);
    const refused = await t.request({ method: 'POST', url: '/api/v1/gate/devices/key', auth, body: forged });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([
      expect.objectContaining({ path: 'endorsement', rule: 'gate.keyEndorsement' }),
    ]);
    const retired = await t.request({
      method: 'POST',
      url: '/api/v1/gate/devices/key',
      auth,
      body: { publicKeyPem: secondKey },
    });
    expect(retired.statusCode).toBe(422);
    expect(retired.json().errors).toEqual([expect.objectContaining({ rule: 'gate.keyRetired' })]);
    // Any other key is refused unless the lane starts a new log, having lost its key and its log.
    const other = await t.request({
      method: 'POST',
      url: '/api/v1/gate/devices/key',
      auth,
      body: { publicKeyPem: oldKey },
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().errors).toEqual([expect.objectContaining({ rule: 'gate.keyMismatch' })]);
    const fresh = await t.request({
      method: 'POST',
      url: '/api/v1/gate/devices/key',
      auth,
      body: { publicKeyPem: pem, newLog: true },
    });
    expect(fresh.json()).toMatchObject({ replayedSeq: 0, keyFromSeq: 1 });
  });
});
