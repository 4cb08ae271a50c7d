import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { runCommand } from '../../src/platform/command.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { balanceOf, getReservation, voidReservation } from '../../src/modules/ledger/service.ts';
import { cancelReleaseOrdersFor } from '../../src/modules/gate/service.ts';
import { GateEdge } from '../../src/modules/gate/edge/gateEdge.ts';
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
  const key = (await t.authFor('gate_device', { name: 'xinhai-edge-1', scope: { portCode: 'CNHAK-XINHAI', laneCode: 'CNHAK-XINHAI-L01' } })).replace(/^ApiKey /, '');
  otherLane = await t.authFor('gate_device', { name: 'xinhai-edge-2', scope: { portCode: 'CNHAK-XINHAI', laneCode: 'CNHAK-XINHAI-L02' } });
  edge = new GateEdge({
    baseUrl: 'http://central',
    apiKey: key,
    portCode: 'CNHAK-XINHAI',
    laneCode: 'CNHAK-XINHAI-L01',
    clock: () => t.clock.now(),
    fetch: async (url, init) => {
      if (!linkUp) throw new TypeError('fetch failed: connect ECONNREFUSED');
      const res = await t.app.inject({ method: init.method as 'GET', url: url.replace('http://central', ''), headers: init.headers, ...(init.body ? { payload: init.body } : {}) });
      return { status: res.statusCode, json: async () => res.json() };
    },
  });
});
afterAll(async () => {
  await t?.close();
});

const truck = (p: string, containers: string[], weightKg = '25000') => ({ eventId: uuidv7(), direction: 'OUT' as const, plate: p, containers, weightKg, sealState: 'INTACT' as const, at: t.clock.now().toISOString() });

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
    await runCommand(t.ctx, 'x', (tx) => cancelReleaseOrdersFor(tx, t.ctx, { documentType: 'SECOND_LINE_EXIT', documentId: c.input.documentId, reason: 'declaration withdrawn', actor: systemActor('test') }));
    await runCommand(t.ctx, 'x', (tx) => voidReservation(tx, t.ctx, { reservationId: d.reservation.id, reason: 'expired paperwork', actor: systemActor('test') }));
    const bLive = await t.request({ method: 'POST', url: '/api/v1/gate/events', auth: otherLane, body: { ...truck(b.input.plate, b.input.containers), portCode: 'CNHAK-XINHAI', laneCode: 'CNHAK-XINHAI-L02' } });
    expect(bLive.json().decision).toBe('PASS');

    // A tampered log is refused whole and writes nothing.
    linkUp = true;
    const tampered = edge.pending.map((e) => ({ ...e }));
    tampered[0] = { ...tampered[0]!, event: { ...tampered[0]!.event, weightKg: '1' } };
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/gate/replay', headers: { authorization: `ApiKey ${edge.opts.apiKey}` }, payload: { entries: tampered } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors[0]).toMatchObject({ path: 'entries[0].hash', rule: 'gate.logHash' });
    expect((await balanceOf(t.ctx.db, a.book.bookId, a.book.itemIds[0]!)).reserved).toBe('40');

    // The link returns: replay.
    const [report] = await edge.replay();
    expect(report).toMatchObject({ replayedSeq: 6, posted: 1, diverted: 2 });
    expect(report!.conflicts.map((x) => x.kind).sort()).toEqual(['ORDER_CANCELLED', 'OVER_POSTING', 'RESERVATION_NOT_OPEN']);
    expect(edge.pending).toHaveLength(0);
    // A's goods left the book at replay; B was posted once (by the live lane), not twice.
    expect(await balanceOf(t.ctx.db, a.book.bookId, a.book.itemIds[0]!)).toMatchObject({ onHand: '60', reserved: '0' });
    expect((await getReservation(t.ctx.db, b.reservation.id))!.lines[0]).toMatchObject({ posted: '40' });
    expect(await balanceOf(t.ctx.db, b.book.bookId, b.book.itemIds[0]!)).toMatchObject({ onHand: '60' });

    // The officer queue shows them, and an officer settles one.
    const officer = await t.authFor('inspector');
    const queue = await t.request({ method: 'GET', url: '/api/v1/gate/conflicts?status=OPEN', auth: officer });
    expect(queue.json().items).toHaveLength(3);
    const settled = await t.request({ method: 'POST', url: `/api/v1/gate/conflicts/${queue.json().items[0].id}/resolve`, auth: officer, body: { resolution: 'truck recalled; supplementary declaration filed' } });
    expect(settled.json()).toMatchObject({ status: 'RESOLVED' });

    // Replaying the same entries again (an answer lost on the way back) changes nothing.
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/gate/replay', headers: { authorization: `ApiKey ${edge.opts.apiKey}` }, payload: { entries: edge.entries.slice(0, 6) } });
    expect(again.json()).toMatchObject({ recorded: 0, alreadyRecorded: 6, conflicts: [] });

    // After the link is back, the cache catches up with the cancellation and the passages.
    await edge.sync();
    const afterwards = await edge.handle(truck(c.input.plate, c.input.containers));
    expect(afterwards).toMatchObject({ decision: 'DIVERT', offline: false, reasons: [{ code: 'UNKNOWN_PLATE' }] });
  });
});
