import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Tidegate } from '../../src/main.ts';
import { launchChromium, signIn, startDemoServer, stopDemoServer } from '../support/browser.ts';

/**
 * The content security policy (platform/http/security.ts) as a browser enforces it: the web app's
 * areas and the API docs load and work with no violation reported.
 */
const ADMIN_PASSWORD = 'csp-admin-pass-123';
let tg: Tidegate;
let browser: Browser;
let page: Page;
const violations: string[] = [];

beforeAll(async () => {
  tg = await startDemoServer(ADMIN_PASSWORD, 'csp-test-secret-0123456789abcdef0123456789');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { reportViolation(v: string): void }).reportViolation(
        `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`,
      ),
    );
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
});
afterAll(async () => {
  await stopDemoServer(tg, browser);
});

describe('the content security policy in Chromium', () => {
  it('the web app: sign-in and every area render with no violation', async () => {
    const res = await page.goto(`${tg.url}/`);
    expect(res!.headers()['content-security-policy']).toContain("script-src 'self'");
    await signIn(page, tg.url, 'admin', ADMIN_PASSWORD);
    for (const area of ['command', 'workbench', 'ledger', 'declarations', 'gate', 'inspection', 'risk', 'calculator']) {
      const nav = page.getByTestId(`nav-${area}`);
      if ((await nav.count()) === 0) continue;
      await nav.click();
      // The command centre keeps a server-sent event stream open: wait for the area's requests, not for silence.
      await page.waitForLoadState('load');
      await page.waitForTimeout(1500);
    }
    expect(violations).toEqual([]);
  });

  it('the API docs: Swagger UI renders the operations and opens one', async () => {
    await page.goto(`${tg.url}/docs/`);
    await page.locator('.swagger-ui .info .title').waitFor();
    const operation = page.locator('.opblock-summary').first();
    await operation.waitFor();
    await operation.click();
    await page.locator('.opblock-body').first().waitFor();
    expect(violations).toEqual([]);
  });

  it('an injected inline script is refused and reported (what the two checks above would catch)', async () => {
    await page.goto(`${tg.url}/`);
    const ran = await page.evaluate(() => {
      const w = window as unknown as { injected?: boolean };
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.appendChild(script);
      return w.injected === true;
    });
    expect(ran).toBe(false);
    await expect.poll(() => violations.some((v) => v.startsWith('script-src'))).toBe(true);
    violations.length = 0;
  });
});
