import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import type { Tidegate } from '../../src/main.ts';
import { runCommand } from '../../src/platform/command.ts';
import { createApiClient } from '../../src/platform/auth/service.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { launchChromium, signIn, startDemoServer, stopDemoServer } from '../support/browser.ts';

let tg: Tidegate;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const failedRequests: string[] = [];

beforeAll(async () => {
  tg = await startDemoServer('command-browser-admin-pass', 'command-browser-secret-0123456789abcdef01');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on(
    'response',
    (r) => r.status() >= 400 && failedRequests.push(`${r.status()} ${r.request().method()} ${r.url()}`),
  );
  mkdirSync('.tmp', { recursive: true });
});

afterAll(async () => {
  await stopDemoServer(tg, browser);
});

async function summary(window = 'today') {
  const token = (
    await tg.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'command', password: 'command-pass-2026' },
    })
  ).json().token;
  return (
    await tg.app.inject({
      method: 'GET',
      url: `/api/v1/command/summary?window=${window}`,
      headers: { authorization: `Bearer ${token}` },
    })
  ).json();
}

const text = (id: string) => page.getByTestId(id).textContent();

describe('the command centre in Chromium', () => {
  it('renders the map, the panels and the numbers the API computes', async () => {
    await signIn(page, tg.url, 'command', 'command-pass-2026', 'command-centre');
    expect(await page.title()).toBe('指挥中心 · 潮闸 Tidegate');
    await page.getByTestId('cc-window-24h').click();
    const s = await summary('24h');
    const xinhai = s.ports.find((p: { code: string }) => p.code === 'CNHAK-XINHAI');
    await expect.poll(() => text('cc-port-CNHAK-XINHAI-diverted')).toBe(String(xinhai.diverted));
    expect(await text('cc-port-CNHAK-XINHAI-passed')).toBe(String(xinhai.passed));
    expect(await text('cc-kpi-red')).toBe(String(s.alerts.red));
    // The map is drawn from the Hainan geometry: region outlines and the ten ports, with their labels.
    const map = page.getByTestId('cc-map-chart');
    await expect.poll(() => map.locator('svg path').count()).toBeGreaterThan(19);
    await expect.poll(() => map.locator('svg').textContent()).toContain('新海港');
    expect(await map.locator('svg').textContent()).toContain('儋州市');
    // Charts have axis names and legends.
    expect(await page.getByTestId('cc-gate-chart').locator('svg').textContent()).toContain('车辆（辆）');
    expect(await page.getByTestId('cc-gate-chart').locator('svg').textContent()).toContain('分流');
    await expect.poll(() => text('cc-live')).toBe('实时更新');
    // No English word on the zh-CN screen, outside what is English on purpose (lang="en": the language
    // switch, technical detail) and names people typed (the signed-in user's display name).
    const words = await page.evaluate(() => {
      const root = document.body.cloneNode(true) as HTMLElement;
      root.querySelectorAll('[lang="en"], [data-testid="who"], script, style').forEach((e) => e.remove());
      return (root.innerText.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !/^(GB|HS|CNY|P\d+)$/.test(w));
    });
    expect(words).toEqual([]);
    await page.screenshot({ path: '.tmp/command-centre.png', fullPage: true });
  });

  it('updates within 2 s of a gate event, by server-sent events', async () => {
    const before = Number(await text('cc-port-CNQHI-BOAO-diverted'));
    const { key } = await runCommand(tg.ctx, 'apiClient.create', (tx) =>
      createApiClient(
        tx,
        { name: 'cc-browser-boao', role: 'gate_device', scope: { portCode: 'CNQHI-BOAO', laneCode: 'CNQHI-BOAO-L01' } },
        systemActor('test'),
        new Date(),
      ),
    );
    const started = Date.now();
    const res = await fetch(`${tg.url}/api/v1/gate/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `ApiKey ${key}` },
      body: JSON.stringify({
        eventId: 'cc-browser-1',
        portCode: 'CNQHI-BOAO',
        laneCode: 'CNQHI-BOAO-L01',
        direction: 'OUT',
        plate: '琼C77777',
        containers: [],
        weightKg: '12000',
        sealState: 'INTACT',
        at: new Date().toISOString(),
      }),
    });
    expect(res.status).toBe(200);
    await page
      .getByTestId('cc-port-CNQHI-BOAO-diverted')
      .filter({ hasText: String(before + 1) })
      .waitFor({ timeout: 2000 });
    const took = Date.now() - started;
    expect(took).toBeLessThan(2000);
    console.log(`command centre updated ${took} ms after the gate event`);
  });

  it('opens the list behind a number, and closes it with Escape', async () => {
    const s = await summary('24h');
    const xinhai = s.ports.find((p: { code: string }) => p.code === 'CNHAK-XINHAI');
    await page.getByTestId('cc-port-CNHAK-XINHAI-diverted').click();
    await expect.poll(() => text('cc-drill-total')).toContain(`共 ${xinhai.diverted} 条`);
    expect(await page.getByTestId('cc-drill-table').locator('tbody tr').count()).toBe(xinhai.diverted);
    expect(await page.getByTestId('cc-drill-table').textContent()).toContain('分流查验');
    await page.screenshot({ path: '.tmp/command-drill.png' });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('cc-drill').count()).toBe(0);
  });

  it("shows a command viewer no button its role may not use (from the server's access table)", async () => {
    await page.goto(`${tg.url}/#/inspection`);
    await page.getByTestId('inspection-task-0').locator('a').click();
    await expect.poll(() => text('task-status')).toBe('待领取');
    await page.getByTestId('task-reasons').waitFor();
    expect(await page.getByTestId('task-assign').count()).toBe(0);
    expect(await page.getByTestId('task-start').count()).toBe(0);
    await page.goto(`${tg.url}/#/workbench`);
    await page.getByTestId('subjects-table').waitFor();
    expect(await page.getByTestId('field-uscc').count()).toBe(0);
    // An inspector, on the same task, has them.
    // Signed out through the app (not by wiping its storage under it while it reads).
    await page.getByTestId('logout').click();
    await signIn(page, tg.url, 'officer', 'officer-pass-2026', 'command-centre');
    await page.goto(`${tg.url}/#/inspection`);
    await page.getByTestId('inspection-task-0').locator('a').click();
    await page.getByTestId('task-assign').waitFor();
    expect(await page.getByTestId('task-start').count()).toBe(1);
    await page.getByTestId('logout').click();
    await signIn(page, tg.url, 'command', 'command-pass-2026', 'command-centre');
  });

  it('fits a phone: no horizontal scroll at 390 px, and no script errors anywhere', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    await page.screenshot({ path: '.tmp/command-centre-390.png', fullPage: true });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1440, height: 1000 });
    expect({ consoleErrors, failedRequests }).toEqual({ consoleErrors: [], failedRequests: [] });
  });
});
