import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.ts';
import { orderWithGoods } from './support.ts';

let t: TestApp;
let device: string;
const LANE = 'CNHAK-XINHAI-L01';

beforeAll(async () => {
  t = await startTestApp();
  device = await t.authFor('gate_device', { name: 'xinhai-view', scope: { portCode: 'CNHAK-XINHAI', laneCode: LANE } });
});
afterAll(async () => {
  await t?.close();
});

/** A truck with a broken seal at Xinhai: diverted, with an inspection task on its release order. */
async function divertedTask() {
  const { input, order } = await orderWithGoods(t.ctx);
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/gate/events',
    auth: device,
    body: {
      eventId: uuidv7(),
      portCode: 'CNHAK-XINHAI',
      laneCode: LANE,
      direction: 'OUT',
      plate: input.plate,
      containers: input.containers,
      weightKg: '25100',
      sealState: 'BROKEN',
      at: t.clock.now().toISOString(),
    },
  });
  expect(res.json().decision).toBe('DIVERT');
  return { taskId: res.json().inspectionTaskId as string, input, order };
}

async function signIn(username: string, password: string) {
  const res = await t.request({ method: 'POST', url: '/api/v1/auth/login', body: { username, password } });
  expect(res.statusCode, res.body).toBe(200);
  return `Bearer ${res.json().token}`;
}

describe('inspection tasks as inspectors read them', () => {
  it('the list and the task name the plate, seals, containers and enterprise of the release order', async () => {
    const { taskId, input } = await divertedTask();
    const officer = await t.authFor('inspector');
    const list = await t.request({ method: 'GET', url: '/api/v1/inspection/tasks', auth: officer });
    const row = list.json().items.find((x: { id: string }) => x.id === taskId);
    expect(row).toMatchObject({ plate: input.plate, containers: input.containers, seals: input.seals });
    expect(row.enterprise.uscc).toMatch(/^[0-9A-Z]{18}$/);
    expect(row.enterprise.name.length).toBeGreaterThan(0);
    const one = await t.request({ method: 'GET', url: `/api/v1/inspection/tasks/${taskId}`, auth: officer });
    expect(one.json()).toMatchObject({ plate: input.plate, enterprise: row.enterprise, evidence: [] });
  });

  it('"me" assigns the task to the caller by their display name, and a start without assignee does the same', async () => {
    const admin = await signIn('admin', ADMIN_PASSWORD);
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/users',
      auth: admin,
      body: { username: 'zhang.chayan', password: 'zhang-password-2026', role: 'inspector', displayName: '张查验' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const zhang = await signIn('zhang.chayan', 'zhang-password-2026');
    const first = await divertedTask();
    const assigned = await t.request({
      method: 'POST',
      url: `/api/v1/inspection/tasks/${first.taskId}/assign`,
      auth: zhang,
      body: { assignee: 'me' },
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().assignee).toBe('张查验');
    const second = await divertedTask();
    const started = await t.request({
      method: 'POST',
      url: `/api/v1/inspection/tasks/${second.taskId}/start`,
      auth: zhang,
    });
    expect(started.json()).toMatchObject({ status: 'IN_PROGRESS', assignee: '张查验' });
    // A name typed by a supervisor is kept as typed.
    const third = await divertedTask();
    const named = await t.request({
      method: 'POST',
      url: `/api/v1/inspection/tasks/${third.taskId}/assign`,
      auth: zhang,
      body: { assignee: '王查验' },
    });
    expect(named.json().assignee).toBe('王查验');
    // Finished tasks stay listed under their status, with the assignee's name.
    const all = await t.request({ method: 'GET', url: '/api/v1/inspection/tasks?status=ALL', auth: zhang });
    expect(all.json().items.find((x: { id: string }) => x.id === first.taskId).assignee).toBe('张查验');
  });

  it('administrators list the users (no password hashes); other roles may not', async () => {
    const admin = await signIn('admin', ADMIN_PASSWORD);
    const res = await t.request({ method: 'GET', url: '/api/v1/users?role=admin', auth: admin });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((u: { username: string }) => u.username)).toContain('admin');
    expect(res.body).not.toContain('passwordHash');
    expect(res.body).not.toContain('argon2');
    const officer = await t.authFor('inspector');
    expect((await t.request({ method: 'GET', url: '/api/v1/users', auth: officer })).statusCode).toBe(403);
  });
});
