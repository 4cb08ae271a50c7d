import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods, randomUscc } from '../support/ledgerFixtures.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
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

beforeAll(async () => {
  app = await startTestApp();
  treasury = await app.authFor('department', { name: 'treasury-src', scope: { department: 'treasury' } });
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
