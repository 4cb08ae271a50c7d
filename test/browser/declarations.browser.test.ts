import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import type { Tidegate } from '../../src/main.ts';
import { launchChromium, startDemoServer, stopDemoServer, signIn } from '../support/browser.ts';

let tg: Tidegate;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  tg = await startDemoServer('declarations-admin-pass', 'declarations-browser-secret-0123456789abcd');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
});

afterAll(async () => {
  await stopDemoServer(tg, browser);
});

async function login(username: string, password: string) {
  await signIn(page, tg.url, username, password);
}

async function apiGet(path: string, username: string, password: string) {
  const token = (
    await tg.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } })
  ).json().token;
  return (await tg.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${token}` } })).json();
}

const text = (id: string) => page.getByTestId(id).first().textContent();

describe('second-line exit pages in Chromium', () => {
  it('the jerky maker sees its exit released, duty exempt at 40.45% value added, with its tax bill', async () => {
    await login('demo-ent', 'demo-ent-pass-2026');
    await page.getByTestId('nav-declarations').click();
    await expect.poll(() => text('decl-tab-list')).toBe('申报单');
    await expect.poll(() => page.getByTestId('decl-table').locator('tbody tr').count()).toBeGreaterThan(0);
    await page.getByTestId('decl-table').locator('tbody tr').first().click();
    // The risk engine of the demo is live: the page shows whatever state it decided, as the API has it.
    const id = /declarations\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    const api = await apiGet(`/api/v1/declarations/${id}`, 'demo-ent', 'demo-ent-pass-2026');
    const label: Record<string, string> = { RELEASED: '已放行', HELD: '待查验', EXITED: '已出岛', ACCEPTED: '已接受' };
    await expect.poll(() => text('decl-state')).toBe(label[api.state]);
    // The declarant is given no risk verdict, and its page has no place for one.
    expect(api.risk).toBeUndefined();
    expect(await page.getByTestId('decl-risk').count()).toBe(0);
    expect(await text('decl-va-0')).toContain('0.4045');
    expect(await text('decl-duty')).toBe('0.00');
    expect(await text('decl-vat')).toBe('24030.00');
    expect(await text('decl-formula-0')).toContain('0.4045 ≥ 0.3');
    expect(await page.getByTestId('decl-trail').locator('li').count()).toBe(api.transitions.length);
    expect(await page.getByTestId('decl-movements').count()).toBe(1);
    mkdirSync('.tmp', { recursive: true });
    await page.screenshot({ path: '.tmp/declaration.png', fullPage: true });

    await page.goto(`${tg.url}/#/declarations`);
    await page.getByTestId('decl-tab-bills').click();
    await expect.poll(() => page.getByTestId('bill-table').locator('tbody tr').count()).toBe(api.taxBills.length);
    if (api.taxBills.length) expect(await text('bill-total')).toBe('24030.00');
  });

  it('shows a refused form with the field path and rule, in Chinese', async () => {
    await page.goto(`${tg.url}/#/declarations`);
    await page.getByTestId('decl-tab-new').click();
    // The book and items come from the ledger; asking for more than the book holds is refused at its line.
    await expect.poll(() => page.getByTestId('exit-book').locator('option').count()).toBeGreaterThan(1);
    await page.getByTestId('exit-book').selectOption({ index: 1 });
    await expect.poll(() => page.getByTestId('exit-line-0-item').locator('option').count()).toBeGreaterThan(1);
    await page.getByTestId('exit-line-0-item').selectOption({ index: 1 });
    await page.getByTestId('exit-plate').fill('琼A12345');
    await page.getByTestId('exit-consignee').fill('某公司');
    await page.getByTestId('exit-gross').fill('100');
    await page.getByTestId('exit-line-0-quantity').fill('99999999');
    await page.getByTestId('exit-line-0-value').fill('100');
    await page.getByTestId('exit-line-0-net').fill('1');
    // No duty rate is filled in for the declarant: the field starts empty and must be given.
    expect(await page.getByTestId('exit-line-0-duty').inputValue()).toBe('');
    await page.getByTestId('exit-line-0-duty').fill('0.05');
    await page.getByTestId('exit-submit').click();
    // At the field, in words; the rule code and the server's wording behind the technical detail.
    await expect.poll(() => text('exit-error-lines[0].quantity')).toBe('可用数量不足。');
    expect(await text('error-technical')).toContain('lines[0].quantity [ledger.insufficientAvailable]');
    expect(await page.getByTestId('error-technical').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
  });

  it('the white-list enterprise sees last month declared centrally and an officer sees the audit trail', async () => {
    await login('demo-batch', 'demo-batch-pass-2026');
    await page.getByTestId('nav-declarations').click();
    await page.getByTestId('decl-tab-month').click();
    const last = await page.evaluate(() => {
      const d = new Date(Date.now() + 8 * 3600_000);
      d.setUTCDate(1);
      d.setUTCMonth(d.getUTCMonth() - 1);
      return d.toISOString().slice(0, 7);
    });
    await page.getByTestId('decl-month-period').fill(last);
    await expect.poll(() => text('decl-month-count')).toBe('3');
    const month = await apiGet(`/api/v1/declarations/month?period=${last}`, 'demo-batch', 'demo-batch-pass-2026');
    await expect.poll(() => text('decl-month-centralized')).toContain(month.centralized.state);
    expect(await text('decl-month-facility')).toBe('正常');

    await login('officer', 'officer-pass-2026');
    await page.getByTestId('nav-declarations').click();
    await page.getByTestId('decl-filter-state').selectOption('ALL');
    await expect.poll(() => page.getByTestId('decl-table').locator('tbody tr').count()).toBeGreaterThan(3);
    await page.getByTestId('decl-table').locator('tbody tr', { hasText: '集中申报' }).first().click();
    await expect.poll(() => page.getByTestId('decl-trail').locator('li').count()).toBeGreaterThan(1);
    expect(await page.getByTestId('decl-risk').count()).toBe(1);
    expect(await page.getByTestId('bill-table').locator('tbody tr').count()).toBe(
      month.centralized.state === 'ACCEPTED' ? 1 : 0,
    );
  });
});
