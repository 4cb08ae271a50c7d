import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createHash } from 'node:crypto';
import type { Tidegate } from '../../src/main.ts';
import { launchChromium, startDemoServer, stopDemoServer } from '../support/browser.ts';

let tg: Tidegate;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  tg = await startDemoServer('gate-browser-admin-pass', 'gate-browser-secret-0123456789abcdef0123');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
});

afterAll(async () => {
  await stopDemoServer(tg, browser);
});

const text = (id: string) => page.getByTestId(id).textContent();

describe('the gate and inspection pages in Chromium', () => {
  it("the command centre sees Xinhai's day; an inspector works a diverted truck with evidence", async () => {
    await page.goto(`${tg.url}/`);
    await page.getByTestId('login-username').fill('officer');
    await page.getByTestId('login-password').fill('officer-pass-2026');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-gate').click();
    await expect.poll(() => text('gate-passed')).toBe('82');
    await expect.poll(() => text('gate-diverted')).toBe('14');
    expect(await page.locator('[data-testid^="gate-lane-CNHAK-XINHAI-L"]').count()).toBe(6);
    await expect.poll(() => text('gate-reasons')).toContain('超重');
    await page.getByTestId('gate-port-select').selectOption('CNQHI-BOAO');
    await expect.poll(() => page.locator('[data-testid^="gate-lane-CNQHI-BOAO-L"]').count()).toBe(1);

    await page.getByTestId('nav-inspection').click();
    await page.getByTestId('inspection-task-0').locator('a').click();
    await page.getByTestId('task-assign').click();
    await expect.poll(() => text('task-status')).toBe('已领取');
    // The task is the officer's by their real name (the server resolves "me"), not a word the page sent.
    expect(await text('task-assignee')).toBe('查验关员 Inspection officer');
    await page.getByTestId('task-start').click();
    await expect.poll(() => text('task-status')).toBe('查验中');
    const photo = Buffer.from('gate photo: container door and seal');
    await page.getByTestId('evidence-file').setInputFiles({ name: 'seal.jpg', mimeType: 'image/jpeg', buffer: photo });
    await expect.poll(() => text('evidence-sha256')).toBe(createHash('sha256').update(photo).digest('hex'));
    // A discrepancy without corrected values is refused at its field, with the rule.
    await page.getByTestId('task-outcome').selectOption('DISCREPANCY');
    await page.getByTestId('task-complete').click();
    await expect.poll(() => text('task-corrections-error')).toBe('查验不符时，请填写更正后的数值。');
    expect(await text('error-technical')).toContain('inspection.discrepancyNeedsCorrections');
    await page.getByTestId('task-correction-value').fill('52000');
    await page.getByTestId('task-complete').click();
    await expect.poll(() => text('task-status')).toBe('已完成');
    expect(await text('task-result')).toContain('不符（更正）');
    expect(await text('task-result')).toContain('无陪同查验');
    // Finished, it leaves the to-do list and stays in the history, with who did it.
    await page.goto(`${tg.url}/#/inspection?view=done`);
    await expect.poll(() => page.locator('[data-testid^="inspection-task-"]').count()).toBeGreaterThan(0);
    expect(await text('inspection-table')).toContain('查验关员 Inspection officer');
  });
});
