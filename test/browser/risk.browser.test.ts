import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import type { Tidegate } from '../../src/main.ts';
import { launchChromium, startDemoServer, stopDemoServer, signIn } from '../support/browser.ts';

let tg: Tidegate;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  tg = await startDemoServer('browser-admin-pass', 'browser-risk-secret-0123456789abcdef0123');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  mkdirSync('.tmp', { recursive: true });
});

afterAll(async () => {
  await stopDemoServer(tg, browser);
});

async function login(username: string, password: string) {
  await signIn(page, tg.url, username, password, 'nav-risk');
}

describe('the risk pages in Chromium', () => {
  it('an inspector filters the alert queue and opens a red declaration with its explanation', async () => {
    await login('officer', 'officer-pass-2026');
    await page.getByTestId('nav-risk').click();
    await expect.poll(() => page.getByTestId('risk-alert-row').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('risk-tab-features').count()).toBe(0);
    await page.getByTestId('risk-filter-YELLOW').uncheck();
    await expect
      .poll(async () =>
        (await page.getByTestId('risk-alerts-table').locator('tbody .level-badge').allTextContents()).every(
          (x) => x === '红色',
        ),
      )
      .toBe(true);
    await page.getByTestId('risk-alert-row').first().click();
    await expect.poll(() => page.getByTestId('risk-decision-level').textContent()).toBe('红色');
    expect(await page.getByTestId('risk-score-bar').locator('span').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('risk-decision-selection').textContent()).toContain('红色风险布控');
    expect(await page.getByTestId('risk-decision-versions').textContent()).toMatch(/特征库版本\s*\d+/);
    await page.screenshot({ path: '.tmp/risk-decision.png', fullPage: true });
  });

  it('a second analyst approves the draft another analyst backtested, and the replay of a decision is identical', async () => {
    await login('analyst', 'analyst-pass-2026');
    await page.getByTestId('nav-risk').click();
    await page.getByTestId('risk-alert-row').first().click();
    await page.getByTestId('risk-replay').click();
    await expect.poll(() => page.getByTestId('risk-replay-result').textContent()).toBe('复现结果与原研判完全一致');
    await page.getByTestId('risk-tab-features').click();
    await expect
      .poll(() => page.getByTestId('risk-features-table').locator('tbody tr').count())
      .toBeGreaterThanOrEqual(56);
    await page.getByTestId('risk-feature-row-VALUE_ADDED_NARROW_MARGIN_LARGE_EXIT').click();
    await expect.poll(() => page.getByTestId('risk-feature-status').textContent()).toBe('草稿');
    await expect.poll(() => page.getByTestId('risk-bt-declarations').textContent()).toMatch(/\d+/);
    await page.getByTestId('risk-feature-approve').click();
    await expect.poll(() => page.getByTestId('risk-feature-status').textContent()).toBe('生效');
    await page.screenshot({ path: '.tmp/risk-feature.png', fullPage: true });
  });

  it('an analyst writes a feature: the editor names the column of an error, the draft needs a backtest and another analyst', async () => {
    await page.getByTestId('risk-tab-features').click();
    await page.getByTestId('risk-feature-new').click();
    await page.getByTestId('risk-field-code').fill('BROWSER_TEST_LARGE_BEEF');
    await page.getByTestId('risk-field-name').fill('大额冷冻牛肉 Large frozen beef');
    await page
      .getByTestId('risk-field-description')
      .fill('Frozen beef lines over two hundred thousand CNY, written in the browser test.');
    await page.getByTestId('risk-field-expression').fill("line.hsHeading == '0202' and line.valu > 200000");
    await expect
      .poll(() => page.getByTestId('risk-expression-error').textContent())
      .toMatch(/column 30: Unknown field "line.valu"/);
    await page.getByTestId('risk-field-expression').fill("line.hsHeading == '0202' and line.valueCny > 200000");
    await expect.poll(() => page.getByTestId('risk-expression-ok').textContent()).toContain('line.valueCny');
    await page.getByTestId('risk-feature-save').click();
    await expect.poll(() => page.getByTestId('risk-feature-status').textContent()).toBe('草稿');
    expect(await page.getByTestId('risk-feature-approve').isDisabled()).toBe(true);
    await page.getByTestId('risk-feature-backtest').click();
    await expect.poll(() => page.getByTestId('risk-bt-hits').textContent()).toMatch(/^\d+ \(/);
    await page.screenshot({ path: '.tmp/risk-editor.png', fullPage: true });
  });

  it('the model page shows the live model with its metrics, in English too', async () => {
    await page.getByTestId('risk-tab-models').click();
    await expect.poll(() => page.getByTestId('risk-model-row-1').textContent()).toContain('生效');
    await page.getByTestId('risk-model-versions-chart').waitFor();
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('risk-tab-models').textContent()).toBe('Models');
    await expect.poll(() => page.getByTestId('risk-model-row-1').textContent()).toContain('Live');
    await page.screenshot({ path: '.tmp/risk-models.png', fullPage: true });
    await page.getByTestId('lang-switch').click();
  });
});
