import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Tidegate } from '../../src/main.ts';
import { launchChromium, signIn, startDemoServer, stopDemoServer } from '../support/browser.ts';

let tg: Tidegate;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  tg = await startDemoServer('load-browser-admin-pass', 'load-browser-secret-0123456789abcdef012345');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
});

afterAll(async () => {
  await stopDemoServer(tg, browser);
});

interface Loaded {
  name: string;
  transfer: number;
  decoded: number;
}
const scripts = () =>
  page.evaluate(() =>
    (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .filter((e) => e.initiatorType === 'script' || e.initiatorType === 'link' || /\.js$/.test(e.name))
      .filter((e) => /\.js$/.test(new URL(e.name).pathname))
      .map((e) => ({ name: new URL(e.name).pathname, transfer: e.transferSize, decoded: e.decodedBodySize })),
  ) as Promise<Loaded[]>;

describe('fast to load', () => {
  it("the login page loads at most 150 KB of script over the wire, and no area's chunk", async () => {
    const context = await browser.newContext();
    const fresh = await context.newPage();
    await fresh.goto(`${tg.url}/`);
    await fresh.getByTestId('login-submit').waitFor();
    const loaded = (await fresh.evaluate(() =>
      (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((e) => /\.js$/.test(new URL(e.name).pathname))
        .map((e) => ({ name: new URL(e.name).pathname, transfer: e.transferSize, decoded: e.decodedBodySize })),
    )) as Loaded[];
    await context.close();
    const transfer = loaded.reduce((s, e) => s + e.transfer, 0);
    const decoded = loaded.reduce((s, e) => s + e.decoded, 0);
    console.log(
      `login page: ${loaded.length} scripts, ${(transfer / 1024).toFixed(1)} KB transferred, ` +
        `${(decoded / 1024).toFixed(1)} KB decoded`,
    );
    expect(transfer).toBeGreaterThan(0);
    expect(transfer).toBeLessThanOrEqual(150 * 1024);
    expect(loaded.some((e) => /CommandCentrePage|RiskPage|LedgerPage|DeclarationsPage|\/en-/.test(e.name))).toBe(false);
  });

  it('hashed assets are immutable for a year and sent compressed; the page and its 404 revalidate', async () => {
    const index = await fetch(`${tg.url}/`, { headers: { accept: 'text/html', 'accept-encoding': 'br, gzip' } });
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const entry = /src="(\/assets\/index-[^"]+\.js)"/.exec(html)![1]!;
    const js = await fetch(`${tg.url}${entry}`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-encoding')).toBe('br');
    const gz = await fetch(`${tg.url}${entry}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    const icon = await fetch(`${tg.url}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toContain('image/svg+xml');
    const missing = await fetch(`${tg.url}/no/such/page`, { headers: { accept: 'text/html' } });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('页面不存在');
    // API answers are compressed too (a list of 1 KB and more).
    const login = await fetch(`${tg.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'command', password: 'command-pass-2026' }),
    });
    const { token } = (await login.json()) as { token: string };
    const summary = await fetch(`${tg.url}/api/v1/command/summary`, {
      headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'br' },
    });
    expect(summary.status).toBe(200);
    expect(summary.headers.get('content-encoding')).toBe('br');
    expect(((await summary.json()) as { ports: unknown[] }).ports).toHaveLength(10);
  });

  it('every area has its own tab title; an unknown route shows the 404 page', async () => {
    await signIn(page, tg.url, 'auditor', 'auditor-pass-2026', 'command-centre');
    expect(await page.title()).toBe('指挥中心 · 潮闸 Tidegate');
    for (const [route, title] of [
      ['/declarations', '二线出岛'],
      ['/ledger', '电子账册'],
      ['/inspection', '查验'],
    ] as const) {
      await page.goto(`${tg.url}/#${route}`);
      await expect.poll(() => page.title()).toMatch(new RegExp(`^${title}`));
    }
    await page.goto(`${tg.url}/#/nowhere`);
    await page.getByTestId('not-found').waitFor();
    expect(await page.title()).toBe('页面不存在 · 潮闸 Tidegate');
    const command = (await scripts()).filter((e) => /CommandCentrePage/.test(e.name));
    expect(command).toHaveLength(1);
  });
});
