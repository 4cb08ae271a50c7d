import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { runCommand } from '../../src/platform/command.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import { balanceOf } from '../../src/modules/ledger/service.ts';
import { exitBody, passGate } from '../declarations/helpers.ts';
import { container, plate } from './support.ts';

/**
 * End to end over HTTP: an exit declaration is reserved, taxed and released with a release order;
 * the truck passes the gate and the book is posted, the declaration EXITED. A second truck is
 * diverted (overweight), inspected, a discrepancy is recorded and the taxes are re-computed into a
 * supplementary bill; once released it passes.
 */
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
  for (const [name, value] of [
    ['risk.randomFloorRate', '0'],
    ['risk.routineInspectionRate', '0'],
  ] as const) {
    await runCommand(app.ctx, 'parameter.set', (tx) =>
      setParameter(
        tx,
        { name, value, validFrom: '2025-12-18', reason: 'test: no random draws' },
        'system:test',
        app.clock.now(),
      ),
    );
  }
});
afterAll(async () => {
  await app?.close();
});

describe('exit declaration → release order → gate → book', () => {
  it('PASS posts the book and the declaration exits; a DIVERT is inspected, the discrepancy re-computes the taxes', async () => {
    const z = await bookWithGoods(app.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        {
          hsCode: '9506310000',
          name: '高尔夫球杆 golf clubs',
          unit: 'SET',
          originCountry: 'US',
          quantity: '500',
          importedCny: '80000',
        },
      ],
    });
    const ent = await app.authFor('enterprise_user', { enterpriseId: z.enterpriseId });
    const file = async (quantity: string, valueCny: string) => {
      const body = exitBody(z.bookId, [
        { itemId: z.itemIds[0]!, quantity, valueCny, netWeightKg: '800', dutyRate: '0.10', vatRate: '0.13' },
      ]);
      body.transport = { ...body.transport, plate: plate(), containers: [container()], expectedGrossWeightKg: '1000' };
      const res = await app.request({ method: 'POST', url: '/api/v1/declarations/exits', auth: ent, body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };

    // 1. Released, passes, posted, exited.
    const d1 = await file('200', '40000');
    expect(d1.state).toBe('RELEASED');
    expect(await balanceOf(app.ctx.db, z.bookId, z.itemIds[0]!)).toMatchObject({ onHand: '500', reserved: '200' });
    const pass = await passGate(app, d1);
    expect(pass).toMatchObject({ decision: 'PASS', complete: true });
    expect(await balanceOf(app.ctx.db, z.bookId, z.itemIds[0]!)).toMatchObject({ onHand: '300', reserved: '0' });
    const after1 = (await app.request({ method: 'GET', url: `/api/v1/declarations/${d1.id}`, auth: ent })).json();
    expect(after1.state).toBe('EXITED');

    // 2. Overweight: diverted to inspection; the discrepancy (quantity under-declared) re-computes the taxes.
    const d2 = await file('100', '20000');
    const divert = await passGate(app, d2, { weightKg: '1800' });
    expect(divert.decision).toBe('DIVERT');
    expect(divert.reasons.map((r) => r.code)).toEqual(['OVERWEIGHT']);
    const taskId = divert.inspectionTaskId!;
    const insp = await app.authFor('inspector');
    for (const step of ['assign', 'start'] as const) {
      const r = await app.request({
        method: 'POST',
        url: `/api/v1/inspection/tasks/${taskId}/${step}`,
        auth: insp,
        ...(step === 'assign' ? { body: { assignee: '李查验' } } : {}),
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    const done = await app.request({
      method: 'POST',
      url: `/api/v1/inspection/tasks/${taskId}/complete`,
      auth: insp,
      body: {
        outcome: 'DISCREPANCY',
        attended: true,
        corrections: [{ lineIndex: 0, quantity: '150', valueCny: '30000' }],
        disposition: 'RELEASE',
      },
    });
    expect(done.statusCode, done.body).toBe(200);
    await app.ctx.dispatcher.drain();
    const after2 = (await app.request({ method: 'GET', url: `/api/v1/declarations/${d2.id}`, auth: ent })).json();
    const bills = after2.taxBills as { kind: string; amounts?: { total: string }; total?: string }[];
    expect(bills.map((b) => b.kind).sort()).toEqual(['ORIGINAL', 'SUPPLEMENTARY']);
    const supplementary = bills.find((b) => b.kind === 'SUPPLEMENTARY')!;
    // 150 sets, not 100: the imported content (the taxable base) rises from 16,000 to 24,000 CNY;
    // duty +800.00, VAT (8,800 × 13%) +1,144.00.
    expect(JSON.stringify(supplementary)).toContain('1944.00');
    // Released by the inspection, the truck (now at the right weight) passes and the book is posted.
    const pass2 = await passGate(app, d2);
    expect(pass2.decision).toBe('PASS');
    expect(await balanceOf(app.ctx.db, z.bookId, z.itemIds[0]!)).toMatchObject({ onHand: '200', reserved: '0' });
    expect((await app.request({ method: 'GET', url: `/api/v1/declarations/${d2.id}`, auth: ent })).json().state).toBe(
      'EXITED',
    );
  });
});
