import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Tidegate } from '../../src/main.ts';
import { runCommand } from '../../src/platform/command.ts';
import { createApiClient } from '../../src/platform/auth/service.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { residentIdCheckDigit } from '../../src/kernel/residentId.ts';
import { RING_DEMO } from '../../src/modules/dutyfree/rings/demo.ts';
import { launchChromium, signIn, startDemoServer, stopDemoServer } from '../support/browser.ts';

let tg: Tidegate;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  tg = await startDemoServer('dutyfree-browser-admin-pass', 'dutyfree-browser-secret-0123456789abcdef01');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
});

afterAll(async () => {
  await stopDemoServer(tg, browser);
});

const text = (id: string) => page.getByTestId(id).textContent();

describe('the duty-free pages in Chromium', () => {
  it('the shop console: connect with the till key, look up quota, reserve, confirm, refuse over a limit, return', async () => {
    const { key } = await runCommand(tg.ctx, 'apiClient.create', (tx) =>
      createApiClient(
        tx,
        { name: 'browser-till-riyue', role: 'dutyfree_shop', scope: { shop: 'HAIKOU-RIYUE' } },
        systemActor('test'),
        new Date(),
      ),
    );
    const first17 = '44010619911111888';
    const idNumber = first17 + residentIdCheckDigit(first17);
    await page.goto(`${tg.url}/#/shop`);
    await page.getByTestId('shop-key').fill(key);
    await page.getByTestId('shop-connect').click();
    await expect.poll(() => text('shop-connected')).toContain('browser-till-riyue');

    await page.getByTestId('shop-quota-idnumber').fill(idNumber);
    await page.getByTestId('shop-quota-submit').click();
    await expect.poll(() => text('shop-quota-result')).toContain('剩余 100000.00');

    await page.getByTestId('shop-sale-idnumber').fill(idNumber);
    await page.getByTestId('shop-sale-name').fill('李四');
    await page.getByTestId('shop-sale-number').fill('HU7181');
    await page.getByTestId('shop-line-sku-0').fill('YSL-SLIM-21');
    await page.getByTestId('shop-line-name-0').fill('口红');
    await page.getByTestId('shop-line-price-0').fill('320.00');
    // 31 pieces of cosmetics on one trip: refused at the till, the rule named.
    await page.getByTestId('shop-line-quantity-0').fill('31');
    await page.getByTestId('shop-reserve').click();
    await page.getByTestId('error-box').waitFor();
    expect(await page.getByTestId('shop-sale').textContent()).toContain('dutyfree.categoryLimit');
    await page.getByTestId('shop-line-quantity-0').fill('3');
    await page.getByTestId('shop-reserve').click();
    await expect.poll(() => text('shop-reserved')).toContain('960.00');
    const reservationId = (await text('shop-reservation-id'))!;
    await page.getByTestId('shop-confirm').click();
    await expect.poll(() => page.getByTestId('shop-codes').locator('li').count()).toBe(3);
    const code = (await page.getByTestId('shop-codes').locator('li').first().textContent())!;

    await page.getByTestId('shop-return-reservation').fill(reservationId);
    await page.getByTestId('shop-return-codes').fill(code);
    await page.getByTestId('shop-return-submit').click();
    await expect.poll(() => text('shop-return-result')).toBe('已退 1 件，退回额度 320.00 元。');
    await page.getByTestId('shop-quota-submit').click();
    await expect.poll(() => text('shop-quota-result')).toContain('已用 640.00');

    // The buyer sees their own quota and score with a code from the receipt.
    const other = (await page.getByTestId('shop-codes').locator('li').nth(1).textContent())!;
    await page.goto(`${tg.url}/#/self`);
    await page.getByTestId('self-idnumber').fill(idNumber);
    await page.getByTestId('self-name').fill('李四');
    await page.getByTestId('self-code').fill(other);
    await page.getByTestId('self-submit').click();
    await expect.poll(() => text('self-quota')).toContain('剩余 99360.00');
    expect(await text('df-credit-score')).toContain('100 分 · B 良');
  });

  it('the officer ring view: the graph and shared links of a ring, a case decided by a second officer', async () => {
    await signIn(page, tg.url, 'officer', 'officer-pass-2026');
    await page.getByTestId('nav-dutyfree').click();
    await page.getByTestId('df-sales-chart').waitFor();
    await page.getByTestId('df-tab-cases').click();
    // The phone ring's case: proposed by this officer, so another must decide.
    await expect.poll(() => text('df-case-status-0')).toBe('待审核');
    expect(await text('df-case-0')).toContain('须由另一名关员审核');
    await page.getByTestId('df-case-0').getByRole('link').click();

    await expect
      .poll(() => page.getByTestId('df-ring-members').locator('tbody tr').count())
      .toBe(RING_DEMO.phoneRing.length);
    const links = await text('df-ring-links');
    expect(links).toContain('手机号 170****0101');
    expect(links).toContain('170****0202');
    // The graph: buyers and the two shared phones, drawn as SVG with their labels.
    await expect
      .poll(() => page.getByTestId('df-ring-graph').locator('svg text').allTextContents())
      .toEqual(
        expect.arrayContaining([expect.stringContaining('170****0101'), expect.stringContaining('170****0202')]),
      );
    expect(await text('df-ring-parts')).toContain('共用手机号');

    await signIn(page, tg.url, 'auditor', 'auditor-pass-2026');
    await page.goto(`${tg.url}/#/dutyfree/cases`);
    await page.getByTestId('df-case-note-0').fill('同意认定');
    await page.getByTestId('df-case-approve-0').click();
    await expect.poll(() => text('df-case-effects-0')).toContain(`已禁购 ${RING_DEMO.phoneRing.length} 人`);
  });
});
