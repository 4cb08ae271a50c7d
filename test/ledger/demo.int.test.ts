import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ seedDemo: true });
});
afterAll(async () => {
  await t?.close();
});

describe('the demo books', () => {
  it('the jerky maker sees its books; its jerky carries the beef cost basis of the GACC example (0.4045)', async () => {
    const login = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      body: { username: 'demo-ent', password: 'demo-ent-pass-2026' },
    });
    const auth = `Bearer ${login.json().token}`;
    const books = (await t.request({ method: 'GET', url: '/api/v1/ledger/books', auth })).json().items as {
      id: string;
      regime: string;
    }[];
    expect(books.map((b) => b.regime).sort()).toEqual(['PROCESSING_VALUE_ADDED', 'ZERO_TARIFF']);
    const processing = books.find((b) => b.regime === 'PROCESSING_VALUE_ADDED')!;
    const items = (await t.request({ method: 'GET', url: `/api/v1/ledger/books/${processing.id}/items`, auth })).json()
      .items as { id: string; itemNo: string; onHand: string; importedCny: string }[];
    const jerky = items.find((i) => i.itemNo === 'JERKY-200G')!;
    expect(jerky).toMatchObject({ onHand: '4000', importedCny: '356000.00' });
    const va = await t.request({
      method: 'GET',
      url: `/api/v1/ledger/books/${processing.id}/items/${jerky.id}/value-added?quantity=4000&salePrice=500000`,
      auth,
    });
    expect(va.json()).toMatchObject({ ratio: '0.4045', meetsThreshold: true });
    const zt = books.find((b) => b.regime === 'ZERO_TARIFF')!;
    const ztItems = (await t.request({ method: 'GET', url: `/api/v1/ledger/books/${zt.id}/items`, auth })).json().items;
    expect(ztItems[0]).toMatchObject({ itemNo: 'EQ-OVEN-01', onHand: '1', importedCny: '420000.00' });
  });

  it('an auditor sees the pending stock-take adjustment and the verifier is clean', async () => {
    const auditor = await t.authFor('auditor');
    const pending = (
      await t.request({ method: 'GET', url: '/api/v1/ledger/adjustments/pending', auth: auditor })
    ).json().items;
    expect(pending).toHaveLength(1);
    expect(
      (await t.request({ method: 'POST', url: '/api/v1/ledger/verify', auth: auditor, body: {} })).json(),
    ).toMatchObject({ ok: true });
  });
});
