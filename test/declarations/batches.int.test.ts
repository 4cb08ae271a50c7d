import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { runCommand } from '../../src/platform/command.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import { getReservation } from '../../src/modules/ledger/service.ts';
import { exitBody, passGate } from './helpers.ts';

/**
 * Batch exit with centralized declaration over HTTP: a white-list enterprise's batches leave on
 * their release lists through the gate during November, the month is declared centrally in
 * December with its taxes computed once and one tax bill; a month not declared by the 25th
 * suspends the facility until an officer lifts it.
 */
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ at: new Date('2026-11-05T02:00:00Z') });
  for (const name of ['risk.randomFloorRate', 'risk.routineInspectionRate']) {
    await runCommand(app.ctx, 'parameter.set', (tx) =>
      setParameter(tx, { name, value: '0', validFrom: '2025-12-18', reason: 'test' }, 'system:test', app.clock.now()),
    );
  }
});

afterAll(async () => {
  await app.close();
});

/** A fresh login after the clock moved (tokens expire). */
let logins = 0;
const login = (role: 'enterprise_user' | 'admin' | 'auditor' | 'department', enterpriseId?: string) =>
  app.authFor(role, { ...(enterpriseId ? { enterpriseId } : {}), name: `${role.replace('_', '-')}-${++logins}` });

const parts = {
  hsCode: '8431490000',
  name: '起重机零件 crane parts',
  unit: 'KG',
  originCountry: 'DE',
  quantity: '6000',
  importedCny: '900000',
};

describe('batch exit, centralized declaration (分批出岛、集中申报)', () => {
  it('batches leave through the gate; the month is declared once, taxed once, with one tax bill', async () => {
    app.clock.set(new Date('2026-11-05T02:00:00Z'));
    const b = await bookWithGoods(app.ctx, { regime: 'ZERO_TARIFF', entryDate: '2026-11-02', items: [parts] });
    let auth = await login('enterprise_user', b.enterpriseId);
    const line = (q: string, v: string) => [
      {
        itemId: b.itemIds[0]!,
        quantity: q,
        valueCny: v,
        netWeightKg: String(Number(q) / 2),
        dutyRate: '0.05',
        vatRate: '0.13',
      },
    ];
    const first = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/batches',
      auth,
      body: exitBody(b.bookId, line('1500', '240000')),
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ kind: 'BATCH_EXIT', state: 'RELEASED', period: '2026-11', taxes: null });
    // The next day, the truck is still on the island: the month cannot be declared with a batch on the road (nor before it ends).
    app.clock.set(new Date('2026-11-06T02:00:00Z'));
    auth = await login('enterprise_user', b.enterpriseId);
    const early = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/centralized',
      auth,
      body: { requestId: 'central-2026-11-a', period: '2026-11' },
    });
    expect(early.statusCode).toBe(400);
    expect(early.json().errors.map((e: { rule: string }) => e.rule)).toEqual(
      expect.arrayContaining(['declarations.centralized.periodOpen', 'declarations.centralized.batchNotExited']),
    );
    expect((await passGate(app, first.json())).decision).toBe('PASS');

    app.clock.set(new Date('2026-11-20T02:00:00Z'));
    auth = await login('enterprise_user', b.enterpriseId);
    const second = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/batches',
      auth,
      body: exitBody(b.bookId, line('1000', '160000')),
    });
    expect(second.statusCode, second.body).toBe(201);
    expect((await passGate(app, second.json())).decision).toBe('PASS');
    for (const d of [first.json(), second.json()]) {
      const after = (await app.request({ method: 'GET', url: `/api/v1/declarations/${d.id}`, auth })).json();
      expect(after.state).toBe('EXITED');
      expect(after.transitions.at(-1).reason).toContain('Passed the gate');
      expect((await getReservation(app.ctx.db, d.reservationId))!.status).toBe('POSTED');
    }

    app.clock.set(new Date('2026-12-02T02:00:00Z'));
    auth = await login('enterprise_user', b.enterpriseId);
    // The same request sent twice at once (a till that retries): both get the one declaration, neither "no batches".
    const fileMonth = () =>
      app.request({
        method: 'POST',
        url: '/api/v1/declarations/centralized',
        auth,
        body: { requestId: 'central-2026-11-b', period: '2026-11' },
      });
    const [res, twin] = await Promise.all([fileMonth(), fileMonth()]);
    expect(res.statusCode, res.body).toBe(201);
    expect(twin.statusCode, twin.body).toBe(201);
    const c = res.json();
    expect(twin.json().id).toBe(c.id);
    expect(c).toMatchObject({ kind: 'CENTRALIZED_DECLARATION', state: 'ACCEPTED', period: '2026-11' });
    // Taxed on the imported cost of the parts that left (900,000 for 6,000 kg: 225,000 and 150,000), not on their
    // prices of 240,000 and 160,000: duty 375,000 × 5% = 18,750.00 (11,250.00 + 7,500.00);
    // VAT (225,000 + 11,250) × 13% + (150,000 + 7,500) × 13% = 30,712.50 + 20,475.00
    expect(c.taxes).toMatchObject({ duty: '18750.00', vat: '51187.50', total: '69937.50' });
    expect(c.taxes.lines.map((l: { dutiableValue: string }) => l.dutiableValue)).toEqual(['225000.00', '150000.00']);
    expect(c.taxes.lines[0].steps.dutiableValue.formula).toBe(
      'imported materials 225000.00 CNY (account book cost basis; price 240000.00 CNY)',
    );
    const detail = (await app.request({ method: 'GET', url: `/api/v1/declarations/${c.id}`, auth })).json();
    expect(detail.batches.map((x: { id: string }) => x.id).sort()).toEqual([first.json().id, second.json().id].sort());
    expect(detail.taxBills).toHaveLength(1);
    expect(detail.taxBills[0]).toMatchObject({ kind: 'ORIGINAL', total: '69937.50' });
    const again = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/centralized',
      auth,
      body: { requestId: 'central-2026-11-b', period: '2026-11' },
    });
    expect(again.json().id).toBe(c.id);
    const twice = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/centralized',
      auth,
      body: { requestId: 'central-2026-11-c', period: '2026-11' },
    });
    expect(twice.json().errors.map((e: { rule: string }) => e.rule)).toContain('declarations.centralized.noBatches');

    const month = (await app.request({ method: 'GET', url: '/api/v1/declarations/month?period=2026-11', auth })).json();
    expect(month).toMatchObject({
      period: '2026-11',
      dueDate: '2026-12-25',
      overdue: false,
      facility: { status: 'ACTIVE' },
    });
    expect(month.centralized.id).toBe(c.id);
    const csv = await app.request({ method: 'GET', url: '/api/v1/tax-bills/export.csv', auth });
    expect(csv.body.trim().split('\n')).toHaveLength(1 + 2 + 1);
  });

  it('a batch corrected at inspection after its month was declared: the centralized declaration is taxed again and bills the difference', async () => {
    app.clock.set(new Date('2026-11-05T02:00:00Z'));
    const b = await bookWithGoods(app.ctx, { regime: 'ZERO_TARIFF', entryDate: '2026-11-02', items: [parts] });
    let auth = await login('enterprise_user', b.enterpriseId);
    const line = [
      {
        itemId: b.itemIds[0]!,
        quantity: '1500',
        valueCny: '240000',
        netWeightKg: '750',
        dutyRate: '0.05',
        vatRate: '0.13',
      },
    ];
    const batch = (
      await app.request({ method: 'POST', url: '/api/v1/declarations/batches', auth, body: exitBody(b.bookId, line) })
    ).json();
    expect((await passGate(app, batch)).decision).toBe('PASS');
    app.clock.set(new Date('2026-12-02T02:00:00Z'));
    auth = await login('enterprise_user', b.enterpriseId);
    const c = (
      await app.request({
        method: 'POST',
        url: '/api/v1/declarations/centralized',
        auth,
        body: { requestId: `central-corr-${b.uscc}`, period: '2026-11' },
      })
    ).json();
    // 225,000 of imported parts: duty 11,250.00; VAT 236,250 × 13% = 30,712.50
    expect(c.taxes, JSON.stringify(c)).toMatchObject({ duty: '11250.00', vat: '30712.50', total: '41962.50' });

    // A post-clearance check finds 1,600 kg of parts left on that truck, not 1,500.
    const inspector = await app.authFor('inspector', { name: `inspector-${++logins}` });
    const task = await app.request({
      method: 'POST',
      url: '/api/v1/inspection/tasks',
      auth: inspector,
      body: {
        documentType: 'BATCH_EXIT',
        documentId: batch.id,
        portCode: batch.portCode,
        reasons: [{ code: 'AUDIT', detail: 'post-clearance check of the books' }],
      },
    });
    expect(task.statusCode, task.body).toBe(200);
    const taskId = task.json().taskId;
    expect(
      (
        await app.request({
          method: 'POST',
          url: `/api/v1/inspection/tasks/${taskId}/start`,
          auth: inspector,
          body: {},
        })
      ).statusCode,
    ).toBe(200);
    const done = await app.request({
      method: 'POST',
      url: `/api/v1/inspection/tasks/${taskId}/complete`,
      auth: inspector,
      body: {
        attended: false,
        outcome: 'DISCREPANCY',
        corrections: [{ lineIndex: 0, quantity: '1600' }],
        disposition: 'RELEASE',
      },
    });
    expect(done.statusCode, done.body).toBe(200);
    await app.ctx.dispatcher.drain();

    const corrected = (await app.request({ method: 'GET', url: `/api/v1/declarations/${batch.id}`, auth })).json();
    expect(corrected.lines[0]).toMatchObject({ quantity: '1600', costBasis: { importedCny: '240000.00' } });
    const after = (await app.request({ method: 'GET', url: `/api/v1/declarations/${c.id}`, auth })).json();
    // 240,000 of imported parts: duty 12,000.00; VAT 252,000 × 13% = 32,760.00; owed 750.00 + 2,047.50
    expect(after.taxes).toMatchObject({ duty: '12000.00', vat: '32760.00', total: '44760.00' });
    expect(after.taxBills.map((x: { kind: string; total: string }) => `${x.kind} ${x.total}`)).toEqual([
      'ORIGINAL 41962.50',
      'SUPPLEMENTARY 2797.50',
    ]);
  });

  it('a FOCUS enterprise may not use batch exit', async () => {
    app.clock.set(new Date('2026-11-06T02:00:00Z'));
    const b = await bookWithGoods(app.ctx, { regime: 'ZERO_TARIFF', entryDate: '2026-11-02', items: [parts] });
    const customs = await login('department');
    const focus = await app.request({
      method: 'POST',
      url: '/api/v1/credit/inputs',
      auth: customs,
      body: {
        subjectKind: 'ENTERPRISE',
        subject: b.uscc,
        source: 'customs',
        effectiveDate: '2026-11-01',
        input: { type: 'EVENT', kind: 'SMUGGLING_PENALTY' },
      },
    });
    expect(focus.json().class, focus.body).toBe('FOCUS');
    const auth = await login('enterprise_user', b.enterpriseId);
    const res = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/batches',
      auth,
      body: exitBody(b.bookId, [{ itemId: b.itemIds[0]!, quantity: '10', valueCny: '1600', netWeightKg: '10' }]),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0]).toMatchObject({ rule: 'declarations.batch.creditClass' });
  });

  it('a month not declared by the 25th raises one alert and suspends batch exit until an officer lifts it', async () => {
    app.clock.set(new Date('2026-11-10T02:00:00Z'));
    const b = await bookWithGoods(app.ctx, { regime: 'ZERO_TARIFF', entryDate: '2026-11-02', items: [parts] });
    let auth = await login('enterprise_user', b.enterpriseId);
    const body = () =>
      exitBody(b.bookId, [{ itemId: b.itemIds[0]!, quantity: '10', valueCny: '1600', netWeightKg: '10' }]);
    expect(
      (await app.request({ method: 'POST', url: '/api/v1/declarations/batches', auth, body: body() })).statusCode,
    ).toBe(201);
    app.clock.set(new Date('2026-12-25T02:00:00Z'));
    let admin = await login('admin');
    const quiet = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/centralized/check',
      auth: admin,
      body: {},
    });
    expect(quiet.json().alerts, quiet.body).toBe(0);
    app.clock.set(new Date('2026-12-26T02:00:00Z'));
    admin = await login('admin');
    auth = await login('enterprise_user', b.enterpriseId);
    const check = await app.request({
      method: 'POST',
      url: '/api/v1/declarations/centralized/check',
      auth: admin,
      body: {},
    });
    expect(check.json().alerts).toBeGreaterThanOrEqual(1);
    expect(
      (
        await app.request({ method: 'POST', url: '/api/v1/declarations/centralized/check', auth: admin, body: {} })
      ).json().alerts,
    ).toBe(0);
    const facility = (
      await app.request({ method: 'GET', url: `/api/v1/declarations/batch-facility/${b.uscc}`, auth })
    ).json();
    expect(facility).toMatchObject({ status: 'SUSPENDED', period: '2026-11' });
    const refused = await app.request({ method: 'POST', url: '/api/v1/declarations/batches', auth, body: body() });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors[0].rule).toBe('declarations.batch.suspended');
    const auditor = await login('auditor');
    const lifted = await app.request({
      method: 'POST',
      url: `/api/v1/declarations/batch-facility/${b.uscc}/lift`,
      auth: auditor,
      body: { reason: 'centralized declaration filed late, penalty decided' },
    });
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(lifted.json().status).toBe('ACTIVE');
    expect(
      (await app.request({ method: 'POST', url: '/api/v1/declarations/batches', auth, body: body() })).statusCode,
    ).toBe(201);
  });
});
