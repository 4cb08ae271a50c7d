import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { forceRed } from '../support/riskFixtures.ts';
import { riskLeaks } from '../support/riskLeaks.ts';
import { runCommand } from '../../src/platform/command.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { balanceOf, getReservation } from '../../src/modules/ledger/service.ts';
import { exitBody } from './helpers.ts';

/**
 * Cancelling does not dodge an inspection (declarations README): over HTTP, a trader whose exit was
 * selected cannot cancel or amend it until the inspection ends, so cancel-then-refile cannot pass;
 * goods an officer sends back before their inspection ended carry the selection to their next
 * filing (an exit or a batch), once; and every withdrawal is a risk fact for the trader's next
 * declarations.
 */
let app: TestApp;

async function setParam(name: string, value: unknown) {
  await runCommand(app.ctx, 'parameter.set', (tx) =>
    setParameter(tx, { name, value, validFrom: '2025-12-18', reason: 'test' }, 'system:test', app.clock.now()),
  );
}

beforeAll(async () => {
  app = await startTestApp({ at: new Date('2026-11-05T02:00:00Z') });
  await setParam('risk.randomFloorRate', '0');
  await setParam('risk.routineInspectionRate', '0');
});

afterAll(async () => {
  await app?.close();
});

const laptops = {
  hsCode: '8471300000',
  name: '笔记本电脑 laptop',
  unit: 'SET',
  originCountry: 'JP',
  quantity: '20',
  importedCny: '100000',
};
const line = (itemId: string, q = '10') => [
  {
    itemId,
    quantity: q,
    valueCny: String(Number(q) * 6000),
    netWeightKg: String(Number(q) * 3),
    dutyRate: '0.05',
    vatRate: '0.13',
  },
];

async function count(table: string, where = 'true'): Promise<number> {
  const [r] = await queryRows<{ n: number }>(
    app.ctx.db,
    sql.raw(`select count(*)::int as n from ${table} where ${where}`),
  );
  return Number(r!.n);
}

async function file(auth: string, body: unknown, url = '/api/v1/declarations/exits') {
  const res = await app.request({ method: 'POST', url, auth, body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function inspect(taskId: string, outcome: 'MATCH' | 'SEIZURE') {
  const inspector = await app.authFor('inspector');
  expect(
    (await app.request({ method: 'POST', url: `/api/v1/inspection/tasks/${taskId}/start`, auth: inspector, body: {} }))
      .statusCode,
  ).toBe(200);
  const done = await app.request({
    method: 'POST',
    url: `/api/v1/inspection/tasks/${taskId}/complete`,
    auth: inspector,
    body: { attended: true, outcome, disposition: 'RELEASE' },
  });
  expect(done.statusCode, done.body).toBe(200);
  await app.ctx.dispatcher.drain();
}

const officerView = async (id: string) =>
  (
    await app.request({ method: 'GET', url: `/api/v1/declarations/${id}`, auth: await app.authFor('inspector') })
  ).json();
const taskOf = async (taskId: string) =>
  (
    await app.request({
      method: 'GET',
      url: `/api/v1/inspection/tasks/${taskId}`,
      auth: await app.authFor('inspector'),
    })
  ).json();

describe('cancelling does not dodge an inspection', () => {
  it('a held exit is neither cancelled nor amended until its inspection ends (nothing written), so cancel-then-refile cannot pass', async () => {
    const z = await bookWithGoods(app.ctx, { regime: 'ZERO_TARIFF', items: [laptops] });
    const auth = await app.authFor('enterprise_user', { enterpriseId: z.enterpriseId });
    const stopRed = await forceRed(app.ctx);
    const held = await file(auth, exitBody(z.bookId, line(z.itemIds[0]!, '20')));
    await stopRed();
    expect(held.state).toBe('HELD');

    const admin = await app.authFor('admin');
    // The RED decision's consumers (a joint-control case, among others) write on their own: let them
    // finish, so that what is counted below is only what the refused commands would write.
    await app.ctx.dispatcher.drain();
    const before = {
      transitions: await count('decl_transitions'),
      audit: await count('audit_entries'),
      declarations: await count('decl_declarations'),
    };
    for (const [who, url, body] of [
      [auth, `/api/v1/declarations/${held.id}/cancel`, { reason: 'buyer withdrew the order' }],
      [admin, `/api/v1/declarations/${held.id}/cancel`, { reason: 'asked by the trader' }],
      [auth, `/api/v1/declarations/${held.id}/amend`, exitBody(z.bookId, line(z.itemIds[0]!, '19'))],
    ] as const) {
      const res = await app.request({ method: 'POST', url, auth: who, body });
      expect(res.statusCode, res.body).toBe(409);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors).toEqual([expect.objectContaining({ path: 'id', rule: 'declarations.inspectionOpen' })]);
      expect(riskLeaks(res.json())).toEqual([]);
    }
    expect({
      transitions: await count('decl_transitions'),
      audit: await count('audit_entries'),
      declarations: await count('decl_declarations'),
    }).toEqual(before);
    expect((await getReservation(app.ctx.db, held.reservationId))!.status).toBe('OPEN');
    // The same goods filed again find nothing to reserve: they are bound to the held declaration.
    const refile = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/exits',
      auth,
      body: exitBody(z.bookId, line(z.itemIds[0]!, '20')),
    });
    expect(refile.statusCode).toBe(400);
    expect(refile.json().errors).toContainEqual(
      expect.objectContaining({ path: 'lines[0].quantity', rule: 'ledger.insufficientAvailable' }),
    );

    // Once the inspection has ended the declaration is the trader's again: released, and then cancelled.
    await inspect(held.inspectionTaskId, 'MATCH');
    expect((await officerView(held.id)).state).toBe('RELEASED');
    const cancelled = await app.request({
      method: 'POST',
      url: `/api/v1/declarations/${held.id}/cancel`,
      auth,
      body: { reason: 'buyer withdrew the order' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json().state).toBe('CANCELLED');
  });

  it('goods sent back before their inspection ended carry the selection to their next filing, exit or batch, once', async () => {
    const z = await bookWithGoods(app.ctx, {
      regime: 'ZERO_TARIFF',
      items: [laptops, { ...laptops, name: '平板电脑 tablet', hsCode: '8471300000' }],
    });
    const [item, other] = z.itemIds as [string, string];
    const auth = await app.authFor('enterprise_user', { enterpriseId: z.enterpriseId });
    const officer = await app.authFor('inspector');
    const stopRed = await forceRed(app.ctx);
    const first = await file(auth, exitBody(z.bookId, line(item, '10')));
    const second = await file(auth, exitBody(z.bookId, line(item, '10')));
    await stopRed();
    expect([first.state, second.state]).toEqual(['HELD', 'HELD']);
    // The officer sends both back uninspected (the trader asked to withdraw): the goods return to the book.
    for (const d of [first, second]) {
      const rejected = await app.request({
        method: 'POST',
        url: `/api/v1/declarations/${d.id}/reject`,
        auth: officer,
        body: { reason: 'withdrawn at the trader request' },
      });
      expect(rejected.statusCode, rejected.body).toBe(200);
    }
    expect((await balanceOf(app.ctx.db, z.bookId, item)).available).toMatch(/^20(\.0+)?$/);

    // Filed again with the risk engine now passing it, the exit of the same goods is held all the same.
    const again = await file(auth, exitBody(z.bookId, [...line(other, '1'), ...line(item, '5')]));
    expect(again.state).toBe('HELD');
    expect(again.stateReason).toContain('待查验');
    expect(riskLeaks(again)).toEqual([]);
    const seen = await officerView(again.id);
    expect(seen.risk).toMatchObject({ selected: false });
    expect(seen.transitions.at(-1)).toMatchObject({ to: 'HELD', rule: 'declarations.selectionInherited' });
    const task = await taskOf(again.inspectionTaskId);
    expect(task.reasons.map((r: { code: string }) => r.code)).toEqual(['INHERITED_SELECTION', 'INHERITED_SELECTION']);
    expect(task.reasons.map((r: { detail: string }) => r.detail).join(' ')).toContain(first.id);

    // That exit settled both selections: the next filing of the goods goes by the risk engine alone.
    await inspect(again.inspectionTaskId, 'MATCH');
    const batch = await file(auth, exitBody(z.bookId, line(item, '5')), '/api/v1/declarations/batches');
    expect(batch.state).toBe('RELEASED');
    expect(await count('decl_pending_selections', `enterprise_id = '${z.enterpriseId}' and settled_by is null`)).toBe(
      0,
    );

    // Nor is a batch a way round: goods of a third selection sent back leave by batch only after inspection.
    const stop = await forceRed(app.ctx);
    const third = await file(auth, exitBody(z.bookId, line(item, '5')));
    await stop();
    expect(
      (
        await app.request({
          method: 'POST',
          url: `/api/v1/declarations/${third.id}/reject`,
          auth: officer,
          body: { reason: 'withdrawn at the trader request' },
        })
      ).statusCode,
    ).toBe(200);
    const heldBatch = await file(auth, exitBody(z.bookId, line(item, '5')), '/api/v1/declarations/batches');
    expect(heldBatch).toMatchObject({ kind: 'BATCH_EXIT', state: 'HELD', releaseOrderId: null });
    expect((await officerView(heldBatch.id)).transitions.at(-1).rule).toBe('declarations.selectionInherited');
    await inspect(heldBatch.inspectionTaskId, 'MATCH');
    expect((await officerView(heldBatch.id)).state).toBe('RELEASED');
  });

  it("a cancellation and a selection sent back uninspected are facts of the trader's next declarations", async () => {
    const z = await bookWithGoods(app.ctx, { regime: 'ZERO_TARIFF', items: [laptops] });
    const auth = await app.authFor('enterprise_user', { enterpriseId: z.enterpriseId });
    const analyst = await app.authFor('risk_analyst');
    const factsOf = async (id: string) =>
      (await app.request({ method: 'GET', url: `/api/v1/risk/decisions/${id}`, auth: analyst })).json().facts.decl;

    const plain = await file(auth, exitBody(z.bookId, line(z.itemIds[0]!, '2')));
    expect(await factsOf(plain.id)).toMatchObject({ 'trader.cancellations': 0, 'trader.selectedNotInspected': 0 });
    expect(
      (
        await app.request({
          method: 'POST',
          url: `/api/v1/declarations/${plain.id}/cancel`,
          auth,
          body: { reason: 'buyer withdrew the order' },
        })
      ).statusCode,
    ).toBe(200);
    const stopRed = await forceRed(app.ctx);
    const held = await file(auth, exitBody(z.bookId, line(z.itemIds[0]!, '2')));
    await stopRed();
    expect(
      (
        await app.request({
          method: 'POST',
          url: `/api/v1/declarations/${held.id}/reject`,
          auth: await app.authFor('inspector'),
          body: { reason: 'withdrawn at the trader request' },
        })
      ).statusCode,
    ).toBe(200);

    const next = await file(auth, exitBody(z.bookId, line(z.itemIds[0]!, '1')));
    expect(await factsOf(next.id)).toMatchObject({ 'trader.cancellations': 1, 'trader.selectedNotInspected': 1 });
  });
});
