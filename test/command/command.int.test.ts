import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { runCommand } from '../../src/platform/command.ts';
import { enqueueEvents } from '../../src/platform/outbox/service.ts';
import { DEFAULT_DISPATCH, Dispatcher } from '../../src/platform/outbox/dispatcher.ts';
import { startLiveFeed } from '../../src/modules/command/service.ts';

let t: TestApp;
let viewer: string;

beforeAll(async () => {
  t = await startTestApp({ seedDemo: true });
  viewer = await t.authFor('command_viewer');
  // The panels read rollups the outbox consumers keep: the demo's events are applied first.
  await t.ctx.dispatcher.drain();
});
afterAll(async () => {
  await t?.close();
});

const get = async (url: string, auth = viewer) => {
  const res = await t.request({ method: 'GET', url, auth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);

describe('the command centre summary', () => {
  it("agrees with the gate's port view, and every number with the list behind it", async () => {
    const s = await get('/api/v1/command/summary?window=24h');
    expect(s.ports).toHaveLength(10);
    expect(
      s.ports.every(
        (p: { location: number[] }) =>
          p.location[0]! > 108 && p.location[0]! < 112 && p.location[1]! > 18 && p.location[1]! < 21,
      ),
    ).toBe(true);
    const xinhai = s.ports.find((p: { code: string }) => p.code === 'CNHAK-XINHAI');
    const view = await get('/api/v1/gate/ports/CNHAK-XINHAI/view');
    expect(xinhai.passed).toBe(sum(view.hours, (h: { passed: number }) => h.passed));
    expect(xinhai.diverted).toBe(sum(view.hours, (h: { diverted: number }) => h.diverted));
    expect(xinhai.diverted).toBe(14);
    expect(xinhai.queue).toBe(view.openInspections);
    expect(sum(s.gateHours, (h: { passed: number; diverted: number }) => h.passed + h.diverted)).toBe(
      sum(s.ports, (p: { passed: number; diverted: number }) => p.passed + p.diverted),
    );

    const drill = (q: string) => get(`/api/v1/command/drill?window=24h&${q}`);
    expect((await drill('panel=gate&port=CNHAK-XINHAI&decision=DIVERT')).total).toBe(14);
    const busiest = s.gateHours.reduce((a: { passed: number; hour: number }, b: { passed: number; hour: number }) =>
      b.passed > a.passed ? b : a,
    );
    expect((await drill(`panel=gate&decision=PASS&hour=${busiest.hour}`)).total).toBe(busiest.passed);
    for (const st of s.declarations.byState.filter((x: { count: number }) => x.count > 0)) {
      expect((await drill(`panel=declarations&state=${st.state}`)).total).toBe(st.count);
    }
    expect((await drill('panel=held')).total).toBe(s.declarations.heldNow);
    expect((await drill('panel=held&overdue=true')).total).toBe(s.declarations.heldOverdue);
    expect(s.inspections.total).toBeGreaterThan(0);
    for (const b of s.inspections.byAge) {
      expect((await drill(`panel=inspections&bucket=${b.bucket}`)).total).toBe(b.open + b.assigned + b.inProgress);
    }
    expect((await drill('panel=inspections&port=CNHAK-XINHAI')).total).toBe(xinhai.queue);
    expect((await drill('panel=alerts&level=RED')).total).toBe(s.alerts.red);
    expect((await drill('panel=alerts&level=YELLOW')).total).toBe(s.alerts.yellow);
    const bills = await drill('panel=taxBills');
    expect(bills.total).toBe(s.tax.bills);
    // Decimal strings, summed in SQL: the panel's total is the sum of the bills' totals to the fen.
    const fen = sum(bills.items, (b: { total: string }) => Math.round(Number(b.total) * 100));
    expect(Math.round(Number(s.tax.total) * 100)).toBe(fen);
    expect((await drill('panel=clearance')).total).toBe(s.clearance.overall.n);
    for (const p of s.clearance.ports.filter((x: { n: number }) => x.n > 0)) {
      expect(p.exitP90).toBeGreaterThanOrEqual(p.exitP50);
      expect(p.releaseP50).toBeLessThanOrEqual(p.exitP50);
    }
    const focus = s.credit.classes.find((c: { creditClass: string }) => c.creditClass === 'FOCUS');
    expect(s.credit.classes.reduce((n: number, c: { assessed: number }) => n + c.assessed, 0)).toBeGreaterThan(0);
    expect((await drill('panel=credit&creditClass=FOCUS&selected=true')).total).toBe(focus.selected);
  });

  it('a truck at the gate moves its port at once: one more diverted, one more in the queue', async () => {
    const before = await get('/api/v1/command/summary?window=today');
    const device = await t.authFor('gate_device', {
      name: 'cc-boao-l01',
      scope: { portCode: 'CNQHI-BOAO', laneCode: 'CNQHI-BOAO-L01' },
    });
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/gate/events',
      auth: device,
      body: {
        eventId: 'cc-test-1',
        portCode: 'CNQHI-BOAO',
        laneCode: 'CNQHI-BOAO-L01',
        direction: 'OUT',
        plate: '琼C99999',
        containers: [],
        weightKg: '12000',
        sealState: 'INTACT',
        at: t.clock.now().toISOString(),
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().decision).toBe('DIVERT');
    await t.ctx.dispatcher.drain();
    const after = await get('/api/v1/command/summary?window=today');
    const port = (s: typeof before) => s.ports.find((p: { code: string }) => p.code === 'CNQHI-BOAO');
    expect(port(after).diverted).toBe(port(before).diverted + 1);
    expect(port(after).queue).toBe(port(before).queue + 1);
    expect(after.inspections.total).toBe(before.inspections.total + 1);
  });

  it('is for officers: a trader is refused, bad filters name the field', async () => {
    const [ent] = await queryRows<{ id: string }>(t.ctx.db, sql`select id from enterprises limit 1`);
    const trader = await t.authFor('enterprise_user', { enterpriseId: ent!.id });
    expect((await t.request({ method: 'GET', url: '/api/v1/command/summary', auth: trader })).statusCode).toBe(403);
    const bad = await t.request({ method: 'GET', url: '/api/v1/command/drill?panel=gate&port=CNXXX', auth: viewer });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().errors)).toContain('port');
  });
});

describe('live updates', () => {
  it('a live consumer starts at the horizon, keeps no cursor row, reads nothing while nobody listens', async () => {
    const enqueue = (id: string) =>
      runCommand(t.ctx, 'test.enqueue', (tx) =>
        enqueueEvents(tx, [
          { aggregateType: 'test', aggregateId: id, eventType: 'LiveTest', payload: {}, occurredAt: new Date() },
        ]),
      );
    await enqueue('before-1');
    const d = new Dispatcher(t.ctx.db, t.ctx.clock, t.ctx.log, DEFAULT_DISPATCH);
    let listening = false;
    const got: string[] = [];
    d.subscribe('test-live', async (e) => void got.push(e.aggregateId), {
      eventTypes: ['LiveTest'],
      live: { listening: () => listening },
    });
    await d.drain();
    await enqueue('unheard-1');
    await d.drain();
    listening = true;
    await enqueue('heard-1');
    await enqueue('heard-2');
    await d.drain();
    expect(got).toEqual(['heard-1', 'heard-2']);
    const rows = await queryRows(t.ctx.db, sql`select 1 from outbox_cursors where consumer = 'test-live'`);
    expect(rows).toHaveLength(0);
  });

  it('an open stream hears a gate event as one `changed` message naming its kinds', async () => {
    const d = new Dispatcher(t.ctx.db, t.ctx.clock, t.ctx.log, DEFAULT_DISPATCH);
    const feed = startLiveFeed({ ...t.ctx, dispatcher: d }, { coalesceMs: 20 });
    const chunks: string[] = [];
    const res = { write: (c: string) => void chunks.push(c), end: () => void chunks.push('END') };
    const remove = feed.add(res as never);
    await d.drain();
    const device = await t.authFor('gate_device', {
      name: 'cc-boao-l01b',
      scope: { portCode: 'CNQHI-BOAO', laneCode: 'CNQHI-BOAO-L01' },
    });
    const post = await t.request({
      method: 'POST',
      url: '/api/v1/gate/events',
      auth: device,
      body: {
        eventId: 'cc-test-2',
        portCode: 'CNQHI-BOAO',
        laneCode: 'CNQHI-BOAO-L01',
        direction: 'OUT',
        plate: '琼C88888',
        containers: [],
        weightKg: '12000',
        sealState: 'INTACT',
        at: t.clock.now().toISOString(),
      },
    });
    expect(post.statusCode).toBe(200);
    await d.drain();
    // The message leaves after the coalescing interval (20 ms) and the replica check: waited for, not
    // a fixed time; then a few intervals more, in which no second message may follow.
    const changedSoFar = () => chunks.filter((c) => c.includes('event: changed'));
    for (const deadline = Date.now() + 60_000; changedSoFar().length === 0 && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    const changed = chunks.filter((c) => c.includes('event: changed'));
    expect(changed).toHaveLength(1);
    expect(changed[0]).toContain('"ReleaseOrderDiverted":1');
    remove();
    feed.closeAll();
    expect(feed.size).toBe(0);
  });
});

describe('permissions', () => {
  it('serves each role the routes the server allows it, from the enforced access table', async () => {
    const routes = async (auth: string) =>
      (await get('/api/v1/auth/me/permissions', auth)).routes.map(
        (r: { method: string; url: string }) => `${r.method} ${r.url}`,
      );
    const viewerRoutes = await routes(viewer);
    expect(viewerRoutes).toContain('GET /api/v1/command/summary');
    expect(viewerRoutes).not.toContain('POST /api/v1/inspection/tasks/:taskId/assign');
    expect(viewerRoutes).not.toContain('POST /api/v1/enterprises');
    const inspectorRoutes = await routes(await t.authFor('inspector'));
    expect(inspectorRoutes).toContain('POST /api/v1/inspection/tasks/:taskId/assign');
    // Every route listed for the viewer is one whose access names its role (or is public).
    for (const r of t.app.routeTable) {
      const allowed = r.access && ('public' in r.access || r.access.roles.includes('command_viewer'));
      expect(viewerRoutes.includes(`${r.method} ${r.url}`)).toBe(Boolean(allowed));
    }
  });
});
