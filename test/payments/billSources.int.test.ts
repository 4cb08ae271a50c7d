import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods, randomUscc } from '../support/ledgerFixtures.ts';
import { readFileSync } from 'node:fs';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { runCommand } from '../../src/platform/command.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { createEnterprise } from '../../src/modules/subjects/service.ts';

/**
 * Bills of every source get paid (issue 17 item 7): a taxable island transfer issues a bill (numbered
 * like the declarations' bills) that treasury notices pay and the overdue sweep marks; first-line
 * bills have the same payment state; the late-payment surcharge (滞纳金) is shown and must be paid.
 */
let app: TestApp;
let logins = 0;
let treasury: string;
const login = (role: 'enterprise_user' | 'admin' | 'inspector', enterpriseId?: string) =>
  app.authFor(role, { ...(enterpriseId ? { enterpriseId } : {}), name: `${role.replace('_', '-')}-src-${++logins}` });

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

function notice(billId: string, body: Record<string, unknown>, auth = treasury) {
  return app.request({ method: 'POST', url: `/api/v1/tax-bills/${billId}/payment-notices`, auth, body });
}

/** A beneficiary's excavator (100,000 CNY of imported cost) transferred over HTTP to a non-beneficiary. */
async function taxableTransfer(importedCny = '200000') {
  const from = await bookWithGoods(app.ctx, {
    regime: 'ZERO_TARIFF',
    entryDate: '2026-11-02',
    items: [{ hsCode: '8429520000', name: '挖掘机', unit: '台', originCountry: 'JP', quantity: '2', importedCny }],
  });
  const buyer = await createEnterprise(app.ctx, systemActor('test'), {
    uscc: randomUscc(),
    name: '非享惠企业 non-beneficiary',
    registeredInHainan: true,
    legalForm: 'INDEPENDENT_LEGAL_PERSON',
    industry: 'trade',
    encouragedIndustry: false,
  });
  const auth = await login('enterprise_user', from.enterpriseId);
  const res = await app.request({
    method: 'POST',
    url: '/api/v1/ledger/documents',
    auth,
    body: {
      type: 'ISLAND_TRANSFER',
      documentId: uuidv7(),
      bookId: from.bookId,
      toEnterpriseId: buyer.id,
      reference: 'HT-2026-118',
      lines: [{ itemId: from.itemIds[0]!, quantity: '1', dutyRate: '0.05', vatRate: '0.13' }],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const doc = res.json();
  await app.ctx.dispatcher.drain();
  const bills = (await app.request({ method: 'GET', url: '/api/v1/tax-bills', auth })).json();
  const bill = bills.items.find((b: { declarationId: string }) => b.declarationId === doc.id);
  return { from, auth, doc, bill };
}

async function setParam(name: string, value: unknown) {
  await runCommand(app.ctx, 'parameter.set', (tx) =>
    setParameter(tx, { name, value, validFrom: '2025-12-18', reason: 'test' }, 'system:test', app.clock.now()),
  );
}

/** A taxed-catalogue import of wine (10,000 CNY) on the first line, released at once with its bill. */
async function firstLineBill() {
  const world = await bookWithGoods(app.ctx, {
    regime: 'ZERO_TARIFF',
    entryDate: '2026-11-02',
    items: [
      { hsCode: '8431490000', name: '起重机零件', unit: 'KG', originCountry: 'DE', quantity: '1', importedCny: '1' },
    ],
  });
  const auth = await login('enterprise_user', world.enterpriseId);
  const res = await app.request({
    method: 'POST',
    url: '/api/v1/firstline/declarations',
    auth,
    body: {
      requestId: uuidv7(),
      direction: 'IMPORT',
      port: 'CNYPG-PORT',
      transportMode: 'SEA',
      counterpartCountry: 'SG',
      foreignParty: 'Straits Trading Pte Ltd',
      lines: [
        {
          kind: 'TAXED',
          hsCode: '2204210000',
          description: '葡萄酒 bottled wine',
          unit: 'L',
          originCountry: 'FR',
          quantity: '100',
          netWeightKg: '120',
          valueCny: '10000',
        },
      ],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const d = res.json();
  expect(d.state).toBe('RELEASED');
  const bill = await app.request({ method: 'GET', url: `/api/v1/firstline/bills/${d.billId}`, auth });
  expect(bill.statusCode, bill.body).toBe(200);
  return { auth, d, bill: bill.json() };
}

beforeAll(async () => {
  app = await startTestApp();
  await setParam('risk.randomFloorRate', '0');
  await setParam('risk.routineInspectionRate', '0');
  treasury = await app.authFor('department', { name: 'treasury-src', scope: { department: 'treasury' } });
  const admin = await login('admin');
  const tariff = readFileSync('src/modules/tariff/sample/tariff-2025.csv', 'utf8');
  const loaded = await app.request({
    method: 'POST',
    url: '/api/v1/tariff/import',
    auth: admin,
    body: { csv: tariff, source: 'sample' },
  });
  expect(loaded.statusCode, loaded.body).toBe(200);
}, 600_000);

afterAll(async () => {
  await app?.close();
});

describe('a taxable island transfer issues a bill that gets paid', () => {
  it('issues one bill numbered like the others, UNPAID, due in 15 days; the exact notice pays it', async () => {
    const { doc, bill, auth } = await taxableTransfer();
    // 100,000 CNY moved: duty 5,000.00; VAT (100,000 + 5,000) × 13% = 13,650.00.
    expect(doc.tax).toMatchObject({ due: true, total: '18650.00' });
    expect(bill).toMatchObject({
      kind: 'ORIGINAL',
      duty: '5000.00',
      consumptionTax: '0.00',
      vat: '13650.00',
      total: '18650.00',
      businessDate: '2026-11-23',
      payment: { state: 'UNPAID', dueDate: '2026-12-08' },
    });
    expect(bill.billNo).toMatch(/^SD20261123\d{8}$/);
    expect(bill.cause).toMatch(/tax\.islandTransfer\.toNonBeneficiary/);
    expect(bill.figures.lines[0]).toMatchObject({
      hsCode: '8429520000',
      dutiableValue: '100000.00',
      rates: { dutyRate: '0.05', vatRate: '0.13' },
    });
    const [entry] = await queryRows<{ subject: string }>(
      app.ctx.db,
      sql`select subject from audit_entries where seq = ${bill.auditSeq}`,
    );
    expect(entry!.subject).toBe(`ledger-document:${doc.id}`);

    // A replayed outbox issues no second bill.
    await app.ctx.dispatcher.drain();
    expect(await count(`select count(*)::int as n from decl_tax_bills where declaration_id = '${doc.id}'`)).toBe(1);

    const before = await writes();
    const short = await notice(bill.id, { noticeId: 'GK-TR-0', kind: 'PAYMENT', amount: '18649.99' });
    expect(short.statusCode).toBe(422);
    expect(short.json().errors[0]).toMatchObject({ path: 'amount', rule: 'bill.amountMismatch' });
    expect(await writes()).toEqual(before);

    const paid = await notice(bill.id, { noticeId: 'GK-TR-1', kind: 'PAYMENT', amount: '18650.00' });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({ from: 'UNPAID', state: 'PAID' });
    await app.ctx.dispatcher.drain(); // the release subscriber finds no declaration to release and passes
    const seen = (await app.request({ method: 'GET', url: `/api/v1/tax-bills/${bill.id}`, auth })).json();
    expect(seen.payment.state).toBe('PAID');
  });

  it('a transfer between beneficiaries issues none', async () => {
    const from = await bookWithGoods(app.ctx, {
      regime: 'ZERO_TARIFF',
      entryDate: '2026-11-02',
      items: [
        { hsCode: '8429520000', name: '挖掘机', unit: '台', originCountry: 'JP', quantity: '2', importedCny: '1' },
      ],
    });
    const to = await bookWithGoods(app.ctx, {
      regime: 'ZERO_TARIFF',
      entryDate: '2026-11-02',
      items: [
        { hsCode: '8429520000', name: '挖掘机', unit: '台', originCountry: 'JP', quantity: '1', importedCny: '1' },
      ],
    });
    const auth = await login('enterprise_user', from.enterpriseId);
    const res = await app.request({
      method: 'POST',
      url: '/api/v1/ledger/documents',
      auth,
      body: {
        type: 'ISLAND_TRANSFER',
        documentId: uuidv7(),
        bookId: from.bookId,
        toEnterpriseId: to.enterpriseId,
        toBookId: to.bookId,
        lines: [{ itemId: from.itemIds[0]!, quantity: '1', toItemId: to.itemIds[0]! }],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    await app.ctx.dispatcher.drain();
    expect(await count(`select count(*)::int as n from decl_tax_bills where declaration_id = '${res.json().id}'`)).toBe(
      0,
    );
  });
});

describe('first-line bills have a payment state', () => {
  let unpaid: { id: string; total: string };

  it('a taxed-catalogue import bill is UNPAID, due in 15 days, and paid by the exact notice', async () => {
    const { bill, auth } = await firstLineBill();
    // 10,000 × 14% = 1,400.00; 11,400 ÷ 0.9 × 0.1 = 1,266.67; 12,666.67 × 13% = 1,646.67.
    expect(bill).toMatchObject({
      total: '4313.34',
      issuedOn: '2026-11-23',
      payment: { state: 'UNPAID', dueDate: '2026-12-08', amountDue: '4313.34', surcharge: { days: 0, amount: '0.00' } },
    });
    const officer = await login('inspector');
    const seen = await app.request({ method: 'GET', url: `/api/v1/tax-bills/${bill.id}/payment`, auth: officer });
    expect(seen.statusCode, seen.body).toBe(200);
    expect(seen.json()).toMatchObject({ billNo: bill.number, state: 'UNPAID', total: '4313.34' });

    const before = await writes();
    const wrong = await notice(bill.id, { noticeId: 'GK-FL-0', kind: 'PAYMENT', amount: '4313.33' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().errors[0]).toMatchObject({ path: 'amount', rule: 'bill.amountMismatch' });
    expect(await writes()).toEqual(before);
    const paid = await notice(bill.id, { noticeId: 'GK-FL-1', kind: 'PAYMENT', amount: '4313.34' });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({ from: 'UNPAID', state: 'PAID', billNo: bill.number });
    await app.ctx.dispatcher.drain();
    const after = await app.request({ method: 'GET', url: `/api/v1/firstline/bills/${bill.id}`, auth });
    expect(after.json().payment).toMatchObject({ state: 'PAID', amountDue: '0.00' });

    unpaid = (await firstLineBill()).bill;
  });

  it('the sweep marks an unpaid first-line bill OVERDUE past its due date, with its alert', async () => {
    app.clock.set(new Date('2026-12-09T02:00:00Z'));
    const admin = await login('admin');
    const sweep = await app.request({ method: 'POST', url: '/api/v1/tax-bills/overdue-sweep', auth: admin });
    expect(sweep.statusCode, sweep.body).toBe(200);
    const seen = (
      await app.request({ method: 'GET', url: `/api/v1/tax-bills/${unpaid.id}/payment`, auth: admin })
    ).json();
    expect(seen).toMatchObject({ state: 'OVERDUE', dueDate: '2026-12-08' });
    // 4,313.34 × 0.0005 × 1 day = 2.16: under the 50 CNY minimum, not collected; the tax alone settles it.
    expect(seen.surcharge).toMatchObject({ days: 1, amount: '0.00', collected: false });
    const alerts = (await app.request({ method: 'GET', url: '/api/v1/tax-bills/overdue-alerts', auth: admin })).json();
    expect(alerts.items.filter((a: { billId: string }) => a.billId === unpaid.id)).toHaveLength(1);
    const paid = await notice(unpaid.id, { noticeId: 'GK-FL-LATE', kind: 'PAYMENT', amount: unpaid.total });
    expect(paid.json()).toMatchObject({ from: 'OVERDUE', state: 'PAID' });
    await app.ctx.dispatcher.drain();
    app.clock.set(new Date('2026-11-23T02:00:00Z'));
  });
});

describe('the late-payment surcharge (滞纳金)', () => {
  it('is shown on an overdue bill and a payment must cover it, to the fen', async () => {
    // 1,000,000 CNY moved: duty 50,000.00; VAT 1,050,000 × 13% = 136,500.00; total 186,500.00.
    const { bill } = await taxableTransfer('2000000');
    expect(bill.total).toBe('186500.00');
    expect(bill.payment.surcharge).toMatchObject({ days: 0, amount: '0.00' });

    app.clock.set(new Date('2026-12-10T03:00:00Z')); // two days past the due date 2026-12-08
    const admin = await login('admin');
    await app.request({ method: 'POST', url: '/api/v1/tax-bills/overdue-sweep', auth: admin });
    const seen = (await app.request({ method: 'GET', url: `/api/v1/tax-bills/${bill.id}`, auth: admin })).json();
    // 186,500 × 0.0005 × 2 = 186.50.
    expect(seen.payment).toMatchObject({
      state: 'OVERDUE',
      amountDue: '186686.50',
      surcharge: {
        asOf: '2026-12-10',
        days: 2,
        amount: '186.50',
        collected: true,
        periods: [{ from: '2026-12-09', to: '2026-12-10', days: 2, rate: '0.0005' }],
      },
    });
    expect(seen.payment.surcharge.periods[0].version).toEqual(expect.any(Number));

    const before = await writes();
    const taxOnly = await notice(bill.id, { noticeId: 'GK-SUR-0', kind: 'PAYMENT', amount: '186500.00' });
    expect(taxOnly.statusCode).toBe(422);
    expect(taxOnly.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(taxOnly.json().errors[0]).toMatchObject({ path: 'amount', rule: 'bill.amountMismatch' });
    expect(taxOnly.json().errors[0].message).toMatch(/surcharge of 186\.50 CNY/);
    const fenShort = await notice(bill.id, { noticeId: 'GK-SUR-1', kind: 'PAYMENT', amount: '186686.49' });
    expect(fenShort.json().errors[0]).toMatchObject({ rule: 'bill.amountMismatch' });
    expect(await writes()).toEqual(before);

    const paid = await notice(bill.id, { noticeId: 'GK-SUR-2', kind: 'PAYMENT', amount: '186686.50' });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({
      from: 'OVERDUE',
      state: 'PAID',
      payment: { amountDue: '0.00', surcharge: { days: 2, amount: '186.50' } },
    });
    const payment = (
      await app.request({ method: 'GET', url: `/api/v1/tax-bills/${bill.id}/payment`, auth: admin })
    ).json();
    const [entry] = await queryRows<{ change: string }>(
      app.ctx.db,
      sql`select change from audit_entries where seq = ${payment.notices[0].auditSeq}`,
    );
    expect(JSON.parse(entry!.change)).toMatchObject({ tax: '186500.00', surcharge: { amount: '186.50', days: 2 } });

    // Days later the paid bill still shows what its payment covered, not a surcharge that kept running.
    app.clock.set(new Date('2026-12-20T03:00:00Z'));
    const later = (
      await app.request({ method: 'GET', url: `/api/v1/tax-bills/${bill.id}`, auth: await login('admin') })
    ).json();
    expect(later.payment).toMatchObject({ state: 'PAID', amountDue: '0.00', surcharge: { days: 2, amount: '186.50' } });
    await app.ctx.dispatcher.drain();
  });
});
