import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { verifyChain } from '../../src/platform/audit/verify.ts';
import { GATE_EVENT_PARTITIONS, getGateEvent } from '../../src/modules/gate/service.ts';
import {
  archivePartitions,
  ensureMonthPartitions,
  listArchived,
  restorePartition,
} from '../../src/platform/partitions/service.ts';
import { container, plate } from './support.ts';

/** gate_events partitioned by month of decided_at: an event id is still decided once, across months and archives. */
let t: TestApp;
let device: string;
let dir: string;
const spec = GATE_EVENT_PARTITIONS;

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-11-23T02:00:00Z') });
  device = await t.authFor('gate_device', {
    name: 'xinhai-1',
    scope: { portCode: 'CNHAK-XINHAI', laneCode: 'CNHAK-XINHAI-L01' },
  });
  dir = mkdtempSync(join(tmpdir(), 'tidegate-gate-archive-'));
});
afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const body = (eventId = uuidv7()) => ({
  eventId,
  portCode: 'CNHAK-XINHAI',
  laneCode: 'CNHAK-XINHAI-L01',
  direction: 'OUT',
  plate: plate(),
  containers: [container()],
  weightKg: '18000',
  sealState: 'INTACT',
  at: t.clock.now().toISOString(),
});
const send = (b: unknown) => t.request({ method: 'POST', url: '/api/v1/gate/events', auth: device, body: b });
const rowsOf = async (eventId: string) =>
  queryRows<{ p: string }>(
    t.ctx.db,
    sql`select tableoid::regclass::text as p from gate_events where event_id = ${eventId}`,
  );

describe('gate_events partitioned by month', () => {
  const first = { body: {} as ReturnType<typeof body>, answer: {} as unknown };

  it('stores an event in the month it was decided, and answers a resent copy from it', async () => {
    first.body = body();
    const a = await send(first.body);
    expect(a.statusCode, a.body).toBe(200);
    first.answer = a.json();
    expect(await rowsOf(first.body.eventId)).toEqual([{ p: 'gate_events_p2026_11' }]);
    const again = await send(first.body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.answer);
    const other = await send({ ...first.body, weightKg: '19000' });
    expect(other.statusCode).toBe(409);
    expect(await rowsOf(first.body.eventId)).toHaveLength(1);
  });

  it('refuses a second row of one event id in another month (the key alone would not)', async () => {
    const copy = sql`insert into gate_events select event_id, device_id, port_code, lane_code, direction, plate,
      containers, weight_kg, seal_state, occurred_at, request_hash, decision, reasons, release_order_id, postings,
      inspection_task_id, source, decided_at + interval '40 days' from gate_events where event_id = ${first.body.eventId}`;
    const err = await t.ctx.db.execute(copy).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const cause = (err as { cause?: { code?: string } }).cause ?? (err as { code?: string });
    expect(cause.code).toBe('23505');
    expect(await rowsOf(first.body.eventId)).toHaveLength(1);
  });

  it('archives November; the archived event id is still not decided again; a restore brings it back', async () => {
    t.clock.set(new Date('2027-01-05T02:00:00Z'));
    await ensureMonthPartitions(t.ctx.db, [spec], t.clock.now());
    const [r] = await archivePartitions(t.ctx.db, spec, '2026-12', {
      dir,
      actor: 'system:test',
      now: t.clock.now(),
    });
    expect(r).toMatchObject({ partition: 'gate_events_p2026_11', rows: 1 });
    expect((await listArchived(t.ctx.db, 'gate_events'))[0]).toMatchObject({ sha256: r!.sha256, rows: 1 });
    expect(await rowsOf(first.body.eventId)).toEqual([]);
    const resent = await send(first.body);
    expect(resent.statusCode, resent.body).toBe(409);
    expect(resent.json().errors[0]).toMatchObject({ rule: 'gate.eventArchived' });
    expect(await rowsOf(first.body.eventId)).toEqual([]);
    expect((await verifyChain(t.ctx.db)).ok).toBe(true);

    const back = await restorePartition(t.ctx.db, spec, '2026-11', { actor: 'system:test', now: t.clock.now() });
    expect(back.rows).toBe(1);
    expect(await rowsOf(first.body.eventId)).toEqual([{ p: 'gate_events_p2026_11' }]);
    expect(await getGateEvent(t.ctx.db, first.body.eventId)).toEqual(first.answer);
    const afterRestore = await send(first.body);
    expect(afterRestore.statusCode).toBe(200);
    expect(afterRestore.json()).toEqual(first.answer);
    expect((await verifyChain(t.ctx.db)).ok).toBe(true);
  });
});
