/**
 * Every role's pages in Chromium: each renders, logs no console error, has no serious or critical
 * axe violation, shows no English word in zh-CN (outside what is English on purpose or is data), and
 * has no horizontal scroll at 390 px. One server and one browser for the file; a page that fails
 * leaves screenshots in .tmp/browser-failures/ (kept by CI as artefacts).
 */
import { mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tidegate } from '../../src/main.ts';
import { launchChromium, signIn, stopDemoServer } from '../support/browser.ts';
import { browserDbKind, startBrowserServer } from '../support/browserServer.ts';

const ADMIN_PASSWORD = 'roles-browser-admin-pass';
const FAILURES = '.tmp/browser-failures';
let tg: Tidegate;
let browser: Browser;

beforeAll(async () => {
  tg = await startBrowserServer(ADMIN_PASSWORD, 'roles-browser-secret-0123456789abcdef01234');
  browser = await launchChromium();
  mkdirSync(FAILURES, { recursive: true });
}, 400_000);
afterAll(async () => {
  await stopDemoServer(tg, browser);
});

/** English words a zh-CN screen shows, outside lang="en", data (codes, names people typed) and charts. */
const englishWords = (page: Page) =>
  page.evaluate(() => {
    const root = document.body.cloneNode(true) as HTMLElement;
    const data = '[lang="en"], [data-testid="who"], .mono, code, pre, script, style, svg, canvas, [data-raw]';
    root.querySelectorAll(data).forEach((e) => e.remove());
    document.body.append(root);
    root.style.position = 'absolute';
    const text = root.innerText;
    root.remove();
    // Codes are not words: ISO currency and country codes (USD, CN), HS, GB standards, P50/P90.
    return (text.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !/^([A-Z]{2,3}|USCC|JSON|SHA|P\d+)$/.test(w));
  });

interface Check {
  route: string;
  /** A test id the page shows once it has rendered. */
  ready: string;
  /** The page keeps a live stream open (the command centre's updates): the network is never idle there. */
  live?: boolean;
}

async function checkPage(page: Page, role: string, c: Check): Promise<string[]> {
  const problems: string[] = [];
  const errors: string[] = [];
  const onConsole = (m: { type(): string; text(): string }) => {
    if (m.type() === 'error') errors.push(m.text());
  };
  const onError = (e: Error) => errors.push(e.message);
  page.on('console', onConsole);
  page.on('pageerror', onError);
  try {
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(`${tg.url}/#${c.route}`);
    // A wait for the page, not a time limit on it: the command centre's summary can be slow on a busy machine.
    await page.getByTestId(c.ready).first().waitFor({ timeout: 45_000 });
    if (c.live) await page.getByTestId('spinner').first().waitFor({ state: 'detached', timeout: 45_000 });
    else await page.waitForLoadState('networkidle');
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    for (const v of axe.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
      problems.push(
        `axe ${v.id} (${v.impact}): ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(' | ')}`,
      );
    }
    const words = await englishWords(page);
    if (words.length) problems.push(`English words: ${[...new Set(words)].slice(0, 12).join(' ')}`);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(150);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > 390) problems.push(`horizontal scroll at 390 px: ${width} px wide`);
  } catch (e) {
    problems.push(`did not render: ${(e as Error).message.split('\n')[0]}`);
  }
  problems.push(...errors.map((e) => `console error: ${e}`));
  page.off('console', onConsole);
  page.off('pageerror', onError);
  if (problems.length) {
    const name = `${role}${c.route.replace(/[^a-z0-9]+/gi, '_')}`;
    await page.screenshot({ path: `${FAILURES}/${name}-390.png`, fullPage: true }).catch(() => {});
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.screenshot({ path: `${FAILURES}/${name}-1366.png`, fullPage: true }).catch(() => {});
  }
  return problems.map((p) => `${c.route}: ${p}`);
}

async function asRole(
  role: string,
  login: [string, string] | null,
  pages: Check[] | ((page: Page) => Promise<Check[]>),
): Promise<string[]> {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  try {
    if (login) await signIn(page, tg.url, login[0], login[1]);
    else await page.goto(`${tg.url}/`);
    const checks = typeof pages === 'function' ? await pages(page) : pages;
    const problems: string[] = [];
    for (const c of checks) problems.push(...(await checkPage(page, role, c)));
    return problems;
  } finally {
    await context.close();
  }
}

/** The first inspection task's route, read from the list as the inspector sees it. */
async function firstTask(page: Page, view: string): Promise<string> {
  await page.goto(`${tg.url}/#/inspection?view=${view}`);
  const link = page.getByTestId('inspection-task-0').locator('a').first();
  await link.waitFor();
  return (await link.getAttribute('href'))!.slice(1);
}

const COMMON: Check[] = [
  { route: '/declarations', ready: 'decl-table' },
  { route: '/calculator', ready: 'calc-submit' },
  { route: '/no/such/page', ready: 'not-found' },
];

describe(`every role's pages in Chromium (${browserDbKind()})`, { timeout: 600_000 }, () => {
  it('anonymous: the login page, the public calculator and the 404 page', async () => {
    const problems = await asRole('anonymous', null, [
      { route: '/', ready: 'login-submit' },
      { route: '/calculator', ready: 'calc-submit' },
    ]);
    expect(problems).toEqual([]);
  });

  it('administrator: command centre, workbench, risk, gate, inspection and ledger', async () => {
    const problems = await asRole('admin', ['admin', ADMIN_PASSWORD], async (page) => [
      { route: '/command', ready: 'command-centre', live: true },
      { route: '/workbench', ready: 'subjects-table' },
      { route: '/risk', ready: 'risk-alerts-table' },
      { route: '/gate', ready: 'gate-port-view' },
      { route: '/inspection', ready: 'inspection-table' },
      { route: await firstTask(page, 'all'), ready: 'task-status' },
      { route: '/ledger', ready: 'ledger-page' },
    ]);
    expect(problems).toEqual([]);
  });

  it('administrator: portal, audit chain, users, machine clients, parameters, declarations', async () => {
    const problems = await asRole(
      'admin',
      ['admin', ADMIN_PASSWORD],
      [
        { route: '/portal', ready: 'nav-portal' },
        { route: '/audit', ready: 'audit-anchor-now' },
        { route: '/admin/users', ready: 'admin-users' },
        { route: '/admin/clients', ready: 'admin-clients' },
        { route: '/admin/parameters', ready: 'admin-parameters' },
        ...COMMON,
      ],
    );
    expect(problems).toEqual([]);
  });

  it('inspector: inspection list, history and a task; the gate view; declarations', async () => {
    const problems = await asRole('inspector', ['officer', 'officer-pass-2026'], async (page) => [
      { route: '/inspection', ready: 'inspection-table' },
      { route: '/inspection?view=done', ready: 'inspection-table' },
      { route: await firstTask(page, 'open'), ready: 'task-status' },
      { route: '/gate', ready: 'gate-port-view' },
      { route: '/audit', ready: 'audit-page' },
      { route: '/firstline', ready: 'fl-table' },
      ...COMMON,
    ]);
    expect(problems).toEqual([]);
  });

  it('risk analyst: the risk area', async () => {
    const problems = await asRole(
      'risk_analyst',
      ['analyst', 'analyst-pass-2026'],
      [
        { route: '/risk', ready: 'risk-alerts-table' },
        { route: '/command', ready: 'command-centre', live: true },
        ...COMMON,
      ],
    );
    expect(problems).toEqual([]);
  });

  it('auditor: the audit chain, ledger and declarations', async () => {
    const problems = await asRole('auditor', ['auditor', 'auditor-pass-2026'], async (page) => {
      // The walk streams its progress (JSON lines) and ends with the demo's chain intact.
      await page.goto(`${tg.url}/#/audit`);
      const streamed = page.waitForResponse((r) => r.url().endsWith('/api/v1/audit/verify/stream'));
      await page.getByTestId('audit-verify').click();
      expect((await streamed).headers()['content-type']).toContain('application/x-ndjson');
      await page.locator('[data-testid="audit-verify-result"][data-ok="true"]').waitFor({ timeout: 60_000 });
      return [{ route: '/audit', ready: 'audit-verify' }, { route: '/ledger', ready: 'ledger-page' }, ...COMMON];
    });
    expect(problems).toEqual([]);
  });

  it('command viewer: the command centre and the inspection list, without actions', async () => {
    const problems = await asRole(
      'command_viewer',
      ['command', 'command-pass-2026'],
      [
        { route: '/command', ready: 'command-centre', live: true },
        { route: '/inspection', ready: 'inspection-table' },
        ...COMMON,
      ],
    );
    expect(problems).toEqual([]);
  });

  it('enterprise user: the portal, its ledger, declarations and the first line', async () => {
    const problems = await asRole(
      'enterprise_user',
      ['demo-ent', 'demo-ent-pass-2026'],
      [
        { route: '/portal', ready: 'nav-portal' },
        { route: '/ledger', ready: 'ledger-page' },
        { route: '/firstline', ready: 'fl-table' },
        { route: '/firstline?tab=new', ready: 'fl-form' },
        { route: '/firstline?tab=bills', ready: 'fl-bills' },
        ...COMMON,
      ],
    );
    expect(problems).toEqual([]);
  });
});
