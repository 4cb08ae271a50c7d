import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Decimal as D } from 'decimal.js';
import type { Tidegate } from '../../src/main.ts';
import { launchChromium, startDemoServer, stopDemoServer, signIn } from '../support/browser.ts';

/**
 * The officers' value-added review queue in Chromium: an exit of the demo jerky priced into the review
 * band waits in the queue; withdrawn (cancelled by the trader, or rejected by an officer when the risk
 * engine held it), its review leaves the pending tab and is listed as closed, with the reason.
 */
let tg: Tidegate;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  tg = await startDemoServer('va-reviews-admin-pass', 'va-reviews-browser-secret-0123456789abcdef');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
});

afterAll(async () => {
  await stopDemoServer(tg, browser);
});

async function api(method: 'GET' | 'POST', path: string, who: [string, string], payload?: object) {
  const login = { username: who[0], password: who[1] };
  const token = (await tg.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: login })).json().token;
  const headers = { authorization: `Bearer ${token}` };
  return tg.app.inject({ method, url: path, headers, ...(payload ? { payload } : {}) });
}

const ENT: [string, string] = ['demo-ent', 'demo-ent-pass-2026'];
const OFFICER: [string, string] = ['officer', 'officer-pass-2026'];

describe('value-added review queue', () => {
  it('a review whose exit is withdrawn is listed as closed with the reason, not as pending', async () => {
    const list = (await api('GET', '/api/v1/declarations?kind=SECOND_LINE_EXIT&pageSize=200', ENT)).json();
    const jerky = list.items.find((d: { regime: string | null }) => d.regime === 'PROCESSING_VALUE_ADDED');
    expect(jerky).toBeTruthy();
    const full = (await api('GET', `/api/v1/declarations/${jerky.id}`, ENT)).json();
    const goods = { bookId: full.bookId, itemId: full.lines[0].itemId, quantity: '10' };
    // The book's materials of 10 kg from the ratio at 10,000; then a price at a ratio of 0.32, in [0.30, 0.35).
    const probe = (await api('POST', '/api/v1/value-added/assessments', ENT, { ...goods, salePrice: '10000' })).json();
    const materials = new D(10000).div(new D(probe.ratio).plus(1));
    const price = materials.times('1.32').toFixed(2);
    const filed = await api('POST', '/api/v1/declarations/exits', ENT, {
      requestId: `va-review-${Date.now()}`,
      bookId: full.bookId,
      portCode: full.portCode,
      destination: { region: 'CN-MAINLAND', province: '广东' },
      consignee: { name: '广州某食品公司' },
      contact: { name: '申报员', phone: '0898-00000000' },
      transport: { mode: 'ROAD', plate: '琼A12345', containers: [], seals: [], expectedGrossWeightKg: '12' },
      packages: { count: 1, kind: '箱' },
      lines: [
        { itemId: goods.itemId, quantity: '10', valueCny: price, netWeightKg: '10', dutyRate: '0.12', vatRate: '0.13' },
      ],
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const d = filed.json();
    expect(d.lines[0].valueAdded.review).toBe('PENDING');

    await signIn(page, tg.url, OFFICER[0], OFFICER[1]);
    await page.goto(`${tg.url}/#/value-added`);
    const pending = page.getByTestId('va-reviews').locator('article', { hasText: d.lines[0].valueAdded.ratio });
    await expect.poll(() => pending.count()).toBeGreaterThan(0);

    // The demo's risk engine is live: a held exit is rejected by an officer, an accepted one cancelled by the trader.
    const withdrawn =
      d.state === 'HELD'
        ? await api('POST', `/api/v1/declarations/${d.id}/reject`, OFFICER, { reason: 'goods not presented' })
        : await api('POST', `/api/v1/declarations/${d.id}/cancel`, ENT, { reason: 'buyer withdrew' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);

    await page.reload();
    await page.getByTestId('va-status-CLOSED').click();
    const closed = page.getByTestId('va-reviews').locator('article', { hasText: d.lines[0].valueAdded.ratio });
    await expect.poll(() => closed.count()).toBe(1);
    expect(await closed.textContent()).toMatch(d.state === 'HELD' ? /goods not presented/ : /buyer withdrew/);
    await page.getByTestId('va-status-PENDING').click();
    const stillPending = (await api('GET', '/api/v1/value-added/reviews', OFFICER)).json().items;
    expect(stillPending.some((r: { declarationId: string }) => r.declarationId === d.id)).toBe(false);
  });
});
