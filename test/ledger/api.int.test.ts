import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';

let t: TestApp;
let own: Awaited<ReturnType<typeof bookWithGoods>>;
let other: Awaited<ReturnType<typeof bookWithGoods>>;
let ent: string;

beforeAll(async () => {
  t = await startTestApp();
  own = await bookWithGoods(t.ctx, {
    regime: 'ZERO_TARIFF',
    items: [
      {
        hsCode: '8429520000',
        name: '挖掘机 excavator',
        unit: '台',
        originCountry: 'JP',
        quantity: '10',
        importedCny: '1000',
      },
    ],
  });
  other = await bookWithGoods(t.ctx, {
    regime: 'ZERO_TARIFF',
    items: [{ hsCode: '8429520000', name: '挖掘机', unit: '台', originCountry: 'JP', quantity: '1', importedCny: '1' }],
  });
  ent = await t.authFor('enterprise_user', { enterpriseId: own.enterpriseId });
});
afterAll(async () => {
  await t?.close();
});

describe('the ledger API', () => {
  it('an enterprise user sees its own books only; another book answers 404', async () => {
    const list = await t.request({ method: 'GET', url: '/api/v1/ledger/books', auth: ent });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((b: { id: string }) => b.id)).toEqual([own.bookId]);
    expect(
      (await t.request({ method: 'GET', url: `/api/v1/ledger/books/${other.bookId}/items`, auth: ent })).statusCode,
    ).toBe(404);
    const auditor = await t.authFor('auditor');
    const all = await t.request({ method: 'GET', url: '/api/v1/ledger/books', auth: auditor });
    expect(all.json().items.map((b: { id: string }) => b.id)).toEqual(
      expect.arrayContaining([own.bookId, other.bookId]),
    );
    const filed = await t.request({
      method: 'POST',
      url: '/api/v1/ledger/documents',
      auth: ent,
      body: {
        type: 'SCRAP',
        documentId: uuidv7(),
        bookId: other.bookId,
        reason: 'x',
        lines: [{ itemId: other.itemIds[0], quantity: '1' }],
      },
    });
    expect(filed.statusCode).toBe(404);
  });

  it('files a document; a failing line comes back as problem+json naming the field and rule', async () => {
    const bad = await t.request({
      method: 'POST',
      url: '/api/v1/ledger/documents',
      auth: ent,
      body: {
        type: 'FIRST_LINE_EXPORT',
        documentId: uuidv7(),
        bookId: own.bookId,
        lines: [
          { itemId: own.itemIds[0], quantity: '4' },
          { itemId: own.itemIds[0], quantity: '7' },
        ],
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors).toEqual([
      expect.objectContaining({ path: 'lines[1].quantity', rule: 'ledger.insufficientAvailable' }),
    ]);
    const unknown = await t.request({
      method: 'POST',
      url: '/api/v1/ledger/documents',
      auth: ent,
      body: {
        type: 'FIRST_LINE_EXPORT',
        documentId: uuidv7(),
        bookId: own.bookId,
        lines: [{ itemId: own.itemIds[0], quantity: '1', colour: 'red' }],
      },
    });
    expect(unknown.json().errors[0]).toMatchObject({ path: 'lines[0].colour', rule: 'schema.unrecognizedKey' });
    const ok = await t.request({
      method: 'POST',
      url: '/api/v1/ledger/documents',
      auth: ent,
      body: {
        type: 'FIRST_LINE_EXPORT',
        documentId: uuidv7(),
        bookId: own.bookId,
        reference: 'EXP-1',
        lines: [{ itemId: own.itemIds[0], quantity: '4' }],
      },
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({
      status: 'POSTED',
      movements: [{ from: 'stock', to: 'abroad', quantity: '4', importedCny: '400.00' }],
    });
    const items = await t.request({ method: 'GET', url: `/api/v1/ledger/books/${own.bookId}/items`, auth: ent });
    expect(items.json().items[0]).toMatchObject({ onHand: '6', available: '6', importedCny: '600.00' });
  });

  it('movement history filters and exports as CSV', async () => {
    const page = await t.request({
      method: 'GET',
      url: `/api/v1/ledger/books/${own.bookId}/movements?documentType=FIRST_LINE_EXPORT`,
      auth: ent,
    });
    expect(page.json()).toMatchObject({
      total: 1,
      items: [{ from: 'stock', to: 'abroad', documentType: 'FIRST_LINE_EXPORT' }],
    });
    const csv = await t.request({ method: 'GET', url: `/api/v1/ledger/books/${own.bookId}/movements.csv`, auth: ent });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(rows[0]).toMatch(/^seq,businessDate,itemNo/);
    expect(rows).toHaveLength(3);
  });

  it('an adjustment filed by the enterprise is approved by an auditor; the auditor runs the verifier', async () => {
    const filed = await t.request({
      method: 'POST',
      url: '/api/v1/ledger/documents',
      auth: ent,
      body: {
        type: 'ADJUSTMENT',
        documentId: uuidv7(),
        bookId: own.bookId,
        reason: '盘亏',
        lines: [{ itemId: own.itemIds[0], delta: '-1' }],
      },
    });
    expect(filed.json().status).toBe('PENDING_APPROVAL');
    const auditor = await t.authFor('auditor');
    const pending = await t.request({ method: 'GET', url: '/api/v1/ledger/adjustments/pending', auth: auditor });
    expect(pending.json().items.map((d: { id: string }) => d.id)).toContain(filed.json().id);
    const approved = await t.request({
      method: 'POST',
      url: `/api/v1/ledger/documents/${filed.json().id}/decision`,
      auth: auditor,
      body: { approve: true },
    });
    expect(approved.statusCode).toBe(200);
    expect(approved.json().status).toBe('POSTED');
    const v = await t.request({ method: 'POST', url: '/api/v1/ledger/verify', auth: auditor, body: {} });
    expect(v.json()).toMatchObject({ ok: true, firstProblem: null });
  });

  it('an officer records a direct release; its due day follows the 14-day parameter', async () => {
    const inspector = await t.authFor('inspector');
    const releaseId = uuidv7();
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/ledger/direct-releases',
      auth: inspector,
      body: { releaseId, bookId: own.bookId, reference: 'DR-2026-0009', releasedOn: '2026-11-20' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ id: releaseId, dueOn: '2026-12-04', enteredDocumentId: null });
    const bad = await t.request({
      method: 'POST',
      url: '/api/v1/ledger/direct-releases',
      auth: inspector,
      body: { releaseId: uuidv7(), bookId: own.bookId, reference: 'X', releasedOn: '2026-02-30' },
    });
    expect(bad.json().errors[0]).toMatchObject({ path: 'releasedOn', rule: 'date.calendar' });
    const entered = await t.request({
      method: 'POST',
      url: '/api/v1/ledger/documents',
      auth: ent,
      body: {
        type: 'FIRST_LINE_IMPORT',
        documentId: uuidv7(),
        bookId: own.bookId,
        directReleaseId: releaseId,
        lines: [{ itemId: own.itemIds[0], quantity: '1', importedCny: '100' }],
      },
    });
    expect(entered.json().flags).toMatchObject({ directRelease: { late: false } });
  });
});
