import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { runCommand } from '../../src/platform/command.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { exitBody } from '../declarations/helpers.ts';

/**
 * Bills that get paid, end to end over HTTP: a treasury client's payment notice marks a bill PAID
 * (idempotent by its id, exact to the fen, once under concurrency), a FOCUS enterprise's goods wait
 * for a payment or guarantee before release, and the overdue sweep (clock moved) marks unpaid bills
 * OVERDUE, raises an alert and counts in credit.
 */
let app: TestApp;
let logins = 0;
/** A fresh login after the clock moved (tokens expire); clients keep their key. */
const login = (role: 'enterprise_user' | 'admin' | 'inspector', enterpriseId?: string) =>
  app.authFor(role, { ...(enterpriseId ? { enterpriseId } : {}), name: `${role.replace('_', '-')}-pay-${++logins}` });

const parts = {
  hsCode: '8431490000',
  name: '起重机零件 crane parts',
  unit: 'KG',
  originCountry: 'DE',
  quantity: '6000',
  importedCny: '900000',
};

async function setParam(name: string, value: unknown) {
  await runCommand(app.ctx, 'parameter.set', (tx) =>
    setParameter(tx, { name, value, validFrom: '2025-12-18', reason: 'test' }, 'system:test', app.clock.now()),
  );
}

async function count(query: string): Promise<number> {
  const [r] = await queryRows<{ n: number }>(app.ctx.db, sql.raw(query));
  return Number(r!.n);
}

const writes = async () => ({
  notices: await count('select count(*)::int as n from pay_notices'),
  states: await count('select count(*)::int as n from pay_bill_states'),
  audit: await count('select count(*)::int as n from audit_entries'),
  outbox: await count('select count(*)::int as n from outbox_events'),
});

let treasury: string;

/** A zero-tariff enterprise's taxed exit of 10 kg of parts (1,500 CNY): returns the declaration and its bill. */
async function taxedExit(enterpriseId?: string) {
  const b = await bookWithGoods(app.ctx, {
    regime: 'ZERO_TARIFF',
    entryDate: '2026-11-02',
    items: [parts],
    ...(enterpriseId ? { enterpriseId } : {}),
  });
  const auth = await login('enterprise_user', b.enterpriseId);
  const res = await app.request({
    method: 'POST',
    url: '/api/v1/declarations/exits',
    auth,
    body: exitBody(b.bookId, [{ itemId: b.itemIds[0]!, quantity: '10', valueCny: '1500', netWeightKg: '10' }]),
  });
  expect(res.statusCode, res.body).toBe(201);
  const d = res.json();
  const detail = (await app.request({ method: 'GET', url: `/api/v1/declarations/${d.id}`, auth })).json();
  expect(detail.taxBills).toHaveLength(1);
  return { b, auth, d, detail, bill: detail.taxBills[0] };
}

function notice(billId: string, body: Record<string, unknown>, auth = treasury) {
  return app.request({ method: 'POST', url: `/api/v1/tax-bills/${billId}/payment-notices`, auth, body });
}

beforeAll(async () => {
  app = await startTestApp();
  await setParam('risk.randomFloorRate', '0');
  await setParam('risk.routineInspectionRate', '0');
  treasury = await app.authFor('department', { name: 'treasury-haikou', scope: { department: 'treasury' } });
}, 600_000);

afterAll(async () => {
  await app.close();
});

describe('bill payment over HTTP', () => {
  it('a WHITELIST exit leaves at once; its bill, UNPAID and due in 15 days, is PAID by the exact notice', async () => {
    const { d, bill, auth } = await taxedExit();
    expect(d.state).toBe('RELEASED');
    expect(bill.total).not.toBe('0.00');
    expect(bill.payment).toMatchObject({ state: 'UNPAID', dueDate: '2026-12-08', paidAt: null });

    const res = await notice(bill.id, {
      noticeId: 'GK-2026-0001',
      kind: 'PAYMENT',
      amount: bill.total,
      reference: 'TX1',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ from: 'UNPAID', state: 'PAID', alreadyApplied: false });

    const seen = await app.request({ method: 'GET', url: `/api/v1/tax-bills/${bill.id}`, auth });
    expect(seen.json().payment).toMatchObject({ state: 'PAID', dueDate: '2026-12-08' });
    const payment = (await app.request({ method: 'GET', url: `/api/v1/tax-bills/${bill.id}/payment`, auth })).json();
    expect(payment.notices).toMatchObject([{ noticeId: 'GK-2026-0001', department: 'treasury', to: 'PAID' }]);
    const [entry] = await queryRows<{ action: string; change: string }>(
      app.ctx.db,
      sql`select action, change from audit_entries where seq = ${payment.notices[0].auditSeq}`,
    );
    expect(entry).toMatchObject({ action: 'payments.stateChanged' });
    expect(JSON.parse(entry!.change)).toMatchObject({ from: 'UNPAID', to: 'PAID', amount: bill.total });

    // The same notice again answers the first result; the same id with other content is refused.
    const again = await notice(bill.id, {
      noticeId: 'GK-2026-0001',
      kind: 'PAYMENT',
      amount: bill.total,
      reference: 'TX1',
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ state: 'PAID', alreadyApplied: true });
    const before = await writes();
    const other = await notice(bill.id, {
      noticeId: 'GK-2026-0001',
      kind: 'PAYMENT',
      amount: bill.total,
      reference: 'TX2',
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().errors[0]).toMatchObject({ rule: 'bill.noticeConflict' });
    const second = await notice(bill.id, { noticeId: 'GK-2026-0002', kind: 'PAYMENT', amount: bill.total });
    expect(second.statusCode).toBe(409);
    expect(second.json().errors[0]).toMatchObject({ rule: 'bill.alreadyPaid' });
    expect(await writes()).toEqual(before);
  });

  it('refuses a fen off (bill.amountMismatch), a foreign department and a bad amount, writing nothing', async () => {
    const { bill } = await taxedExit();
    const police = await app.authFor('department', { name: 'police-pay', scope: { department: 'police' } });
    const before = await writes();
    const oneFenShort = (Number.parseFloat(bill.total) * 100 - 1) / 100;
    const res = await notice(bill.id, { noticeId: 'GK-MISMATCH-1', kind: 'PAYMENT', amount: oneFenShort.toFixed(2) });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json().errors[0]).toMatchObject({ path: 'amount', rule: 'bill.amountMismatch' });

    const foreign = await notice(bill.id, { noticeId: 'P-1', kind: 'PAYMENT', amount: bill.total }, police);
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().errors[0]).toMatchObject({ rule: 'bill.notTreasury' });

    const fraction = await notice(bill.id, { noticeId: 'GK-FRACTION', kind: 'PAYMENT', amount: `${bill.total}1` });
    expect(fraction.statusCode).toBe(400);
    const short = await notice(bill.id, {
      noticeId: 'GK-G-1',
      kind: 'GUARANTEE',
      amount: '1.00',
      validUntil: '2027-01-31',
    });
    expect(short.json().errors[0]).toMatchObject({ rule: 'bill.guaranteeInsufficient' });
    expect(await writes()).toEqual(before);
    const seen = await app.request({
      method: 'GET',
      url: `/api/v1/tax-bills/${bill.id}/payment`,
      auth: await login('inspector'),
    });
    expect(seen.json()).toMatchObject({ state: 'UNPAID', notices: [] });
  });

  it('parallel identical notices pay the bill once; parallel notices of other ids are refused', async () => {
    const { bill } = await taxedExit();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => notice(bill.id, { noticeId: 'GK-PAR-1', kind: 'PAYMENT', amount: bill.total })),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(12).fill(200));
    expect(answers.filter((a) => a.json().alreadyApplied === false)).toHaveLength(1);
    expect(await count(`select count(*)::int as n from pay_notices where bill_id = '${bill.id}'`)).toBe(1);
    expect(await count(`select count(*)::int as n from audit_entries where subject = 'taxBill:${bill.id}'`)).toBe(1);

    const other = await taxedExit();
    const many = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        notice(other.bill.id, { noticeId: `GK-PAR-2-${i}`, kind: 'PAYMENT', amount: other.bill.total }),
      ),
    );
    expect(many.filter((a) => a.statusCode === 200)).toHaveLength(1);
    expect(many.filter((a) => a.statusCode === 409).every((a) => a.json().errors[0].rule === 'bill.alreadyPaid')).toBe(
      true,
    );
    expect(many.filter((a) => a.statusCode === 409)).toHaveLength(7);
    expect(await count(`select count(*)::int as n from pay_notices where bill_id = '${other.bill.id}'`)).toBe(1);
  });

  it('a class that may not pay later (payments.payLaterClasses) waits ACCEPTED; a guarantee releases it', async () => {
    await setParam('payments.payLaterClasses', ['ADVANCED_CERTIFIED']);
    const { d, bill, auth } = await taxedExit();
    await setParam('payments.payLaterClasses', ['ADVANCED_CERTIFIED', 'WHITELIST']);
    const officer = await login('inspector');
    const detail = (await app.request({ method: 'GET', url: `/api/v1/declarations/${d.id}`, auth: officer })).json();
    expect(detail.state).toBe('ACCEPTED');
    expect(detail.releaseOrderId ?? null).toBeNull();
    expect(detail.transitions.at(-1).reason).toMatch(/waits for the payment or a guarantee/);
    const early = await notice(bill.id, {
      noticeId: 'BG-2026-76',
      kind: 'GUARANTEE',
      amount: bill.total,
      validUntil: '2026-12-01',
    });
    expect(early.json().errors[0]).toMatchObject({ rule: 'bill.guaranteeExpiry' });

    const res = await notice(bill.id, {
      noticeId: 'BG-2026-77',
      kind: 'GUARANTEE',
      amount: bill.total,
      reference: 'BOC-GUAR-77',
      validUntil: '2026-12-31',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ state: 'GUARANTEED', payment: { guaranteeReference: 'BOC-GUAR-77' } });
    await app.ctx.dispatcher.drain();
    const released = (await app.request({ method: 'GET', url: `/api/v1/declarations/${d.id}`, auth })).json();
    expect(released.state).toBe('RELEASED');
    expect(released.releaseOrderId).toBeTruthy();
    expect(released.taxBills[0].payment.state).toBe('GUARANTEED');
  });

  it('the sweep past the due date marks OVERDUE once, alerts and counts in credit; paying clears it', async () => {
    const { b, bill } = await taxedExit();
    app.clock.set(new Date('2026-12-08T15:00:00Z')); // 23:00 on the due day in Shanghai: still on time
    const admin = await login('admin');
    const onTime = await app.request({ method: 'POST', url: '/api/v1/tax-bills/overdue-sweep', auth: admin });
    expect(onTime.statusCode, onTime.body).toBe(200);
    const stillUnpaid = await app.request({ method: 'GET', url: `/api/v1/tax-bills/${bill.id}/payment`, auth: admin });
    expect(stillUnpaid.json().state).toBe('UNPAID');

    app.clock.set(new Date('2026-12-09T02:00:00Z'));
    const admin2 = await login('admin');
    const sweep = await app.request({ method: 'POST', url: '/api/v1/tax-bills/overdue-sweep', auth: admin2 });
    expect(sweep.statusCode, sweep.body).toBe(200);
    expect(sweep.json().overdue).toBeGreaterThanOrEqual(1);
    const overdue = (
      await app.request({ method: 'GET', url: `/api/v1/tax-bills/${bill.id}/payment`, auth: admin2 })
    ).json();
    expect(overdue).toMatchObject({ state: 'OVERDUE', dueDate: '2026-12-08' });
    const again = await app.request({ method: 'POST', url: '/api/v1/tax-bills/overdue-sweep', auth: admin2 });
    expect(again.json()).toMatchObject({ overdue: 0, creditFed: 0 });
    const alerts = (await app.request({ method: 'GET', url: '/api/v1/tax-bills/overdue-alerts', auth: admin2 })).json();
    expect(alerts.items.filter((a: { billId: string }) => a.billId === bill.id)).toHaveLength(1);
    const credit = (
      await app.request({ method: 'GET', url: `/api/v1/credit/enterprise/${b.uscc}`, auth: admin2 })
    ).json();
    expect(credit.class).toBe('FOCUS');
    expect(JSON.stringify(credit.reasons)).toMatch(/customs_tax|customs/);

    // A guarantee no longer helps an overdue bill; the late payment does, and the rating is raised again.
    const late = await notice(bill.id, {
      noticeId: 'BG-LATE',
      kind: 'GUARANTEE',
      amount: bill.total,
      validUntil: '2027-01-31',
    });
    expect(late.json().errors[0]).toMatchObject({ rule: 'bill.overdueGuarantee' });
    app.clock.set(new Date('2026-12-09T03:00:00Z'));
    const paid = await notice(bill.id, { noticeId: 'GK-LATE-1', kind: 'PAYMENT', amount: bill.total });
    expect(paid.json()).toMatchObject({ from: 'OVERDUE', state: 'PAID' });
    await app.ctx.dispatcher.drain();
    const after = (
      await app.request({ method: 'GET', url: `/api/v1/credit/enterprise/${b.uscc}`, auth: admin2 })
    ).json();
    expect(after.class).toBe('WHITELIST');
  });
});
