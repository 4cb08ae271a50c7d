import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import type { Tidegate } from '../../src/main.ts';
import { launchChromium, startDemoServer, stopDemoServer, signIn } from '../support/browser.ts';

let tg: Tidegate;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  tg = await startDemoServer('ledger-browser-admin-pass', 'ledger-browser-secret-0123456789abcdef012');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
});

afterAll(async () => {
  await stopDemoServer(tg, browser);
});

async function login(username: string, password: string) {
  await signIn(page, tg.url, username, password, 'nav-ledger');
}

const text = (id: string) => page.getByTestId(id).textContent();

describe('the account-book pages in Chromium', () => {
  it('the jerky maker sees its books and balances, and a failing line is shown at its field', async () => {
    await login('demo-ent', 'demo-ent-pass-2026');
    await page.getByTestId('nav-ledger').click();
    await page.getByTestId('ledger-books').waitFor();
    await page.locator('[data-testid^="ledger-book-PV"]').click();
    await expect.poll(() => text('ledger-item-JERKY-200G-onhand')).toBe('4000');
    // An export of more jerky than is available: the error stands under the line's quantity, with its rule.
    await page.getByTestId('doc-type').selectOption('FIRST_LINE_EXPORT');
    await page.getByTestId('doc-line0-item').selectOption({ label: 'JERKY-200G 牛肉干 beef jerky' });
    await page.getByTestId('doc-line0-quantity').fill('5000');
    await page.getByTestId('doc-submit').click();
    await expect.poll(() => text('doc-line0-quantity-error')).toBe('可用数量不足。');
    expect(await text('error-technical')).toContain('[ledger.insufficientAvailable]');
    await page.getByTestId('doc-line0-quantity').fill('100');
    await page.getByTestId('doc-submit').click();
    await expect.poll(() => text('doc-done')).toContain('已记账');
    await expect.poll(() => text('ledger-item-JERKY-200G-onhand')).toBe('3900');
    await page.getByTestId('mv-filter-type').selectOption('FIRST_LINE_EXPORT');
    await expect.poll(() => text('mv-total')).toContain('1');
    mkdirSync('.tmp', { recursive: true });
    await page.screenshot({ path: '.tmp/ledger-enterprise.png', fullPage: true });
  });

  it('an auditor approves the pending stock-take adjustment and runs the verifier', async () => {
    await login('auditor', 'auditor-pass-2026');
    await page.getByTestId('nav-ledger').click();
    await page.getByTestId('ledger-pending').waitFor();
    await page.locator('[data-testid^="approve-"]').first().click();
    await expect.poll(async () => page.locator('[data-testid^="approve-"]').count()).toBe(0);
    await page.getByTestId('ledger-verify').click();
    await expect.poll(() => text('ledger-verify-result')).toContain('校验通过');
    await page.locator('[data-testid^="ledger-book-PV"]').click();
    await expect.poll(() => text('ledger-item-JERKY-200G-onhand')).toBe('3888');
    await page.screenshot({ path: '.tmp/ledger-auditor.png', fullPage: true });
  });
});
