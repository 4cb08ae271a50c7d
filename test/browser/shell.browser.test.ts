import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import type { Tidegate } from '../../src/main.ts';
import { launchChromium, startDemoServer, stopDemoServer } from '../support/browser.ts';
import { DEMO_ENTERPRISES, demoUscc } from '../../src/seed/demo.ts';
import { residentIdCheckDigit } from '../../src/kernel/residentId.ts';

const ADMIN_PASSWORD = 'browser-admin-pass';
let tg: Tidegate;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  tg = await startDemoServer(ADMIN_PASSWORD, 'browser-test-secret-0123456789abcdef0123');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await stopDemoServer(tg, browser);
});

async function login(username: string, password: string) {
  await page.goto(`${tg.url}/`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

describe('the web shell in Chromium', () => {
  it('logs in as admin, in Chinese by default, and switches to English and back', async () => {
    await login('admin', ADMIN_PASSWORD);
    await expect.poll(() => page.getByTestId('nav-command').textContent()).toBe('指挥中心');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('nav-command').textContent()).toBe('Command centre');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    // The demo also registers the risk simulation's traders, some AEO, some on the focus list: the cards show what the API counts.
    const token = (
      await tg.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'admin', password: ADMIN_PASSWORD },
      })
    ).json().token;
    const get = (url: string) =>
      tg.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());
    const registered = (await get('/api/v1/enterprises?pageSize=1')).total;
    const classes: { subjectKind: string; class: string; count: number }[] = (await get('/api/v1/credit/stats')).items;
    const count = (kind: string, cls: string) =>
      classes.filter((c) => c.subjectKind === kind && c.class === cls).reduce((s, c) => s + c.count, 0);
    expect(registered).toBeGreaterThan(6);
    expect(count('ENTERPRISE', 'FOCUS')).toBeGreaterThanOrEqual(2);
    expect(count('ENTERPRISE', 'ADVANCED_CERTIFIED')).toBeGreaterThanOrEqual(1);
    await expect
      .poll(() => page.getByTestId('card-enterprises').textContent())
      .toMatch(new RegExp(`Registered enterprises\\s*${registered}`));
    await expect
      .poll(() => page.getByTestId('card-class-FOCUS').textContent())
      .toMatch(new RegExp(`Focus list\\s*${count('ENTERPRISE', 'FOCUS')}`));
    await expect
      .poll(() => page.getByTestId('card-class-ADVANCED_CERTIFIED').textContent())
      .toMatch(new RegExp(`\\(AEO\\)\\s*${count('ENTERPRISE', 'ADVANCED_CERTIFIED')}`));
    // Travellers on the focus list: the demo's penalised traveller and those its duty-free cases list.
    expect(count('INDIVIDUAL', 'FOCUS')).toBeGreaterThanOrEqual(1);
    await expect
      .poll(() => page.getByTestId('card-individuals-focus').textContent())
      .toMatch(new RegExp(`Individuals on the focus list\\s*${count('INDIVIDUAL', 'FOCUS')}$`));
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('nav-workbench').textContent()).toBe('关员工作台');
  });

  it('creates an enterprise and finds it in the search', async () => {
    await page.getByTestId('nav-workbench').click();
    const uscc = demoUscc('91460100MA5TBRW01');
    await page.getByTestId('field-uscc').fill(uscc);
    await page.getByTestId('field-name').fill('浏览器测试科技有限公司');
    await page.getByTestId('field-industry').fill('软件');
    await page.getByTestId('enterprise-submit').click();
    await expect.poll(() => page.getByTestId('form-done').textContent()).toContain('浏览器测试科技有限公司');
    await page.getByTestId('subjects-search').fill('浏览器测试');
    await page.getByTestId('subjects-search-submit').click();
    await expect.poll(() => page.getByTestId('subjects-table').textContent()).toContain(uscc);
  });

  it('shows the server error next to the uscc field for an invalid code, and registers nothing', async () => {
    await page.getByTestId('field-uscc').fill('91460100MA5TBRW010');
    await page.getByTestId('field-name').fill('错误代码有限公司');
    await page.getByTestId('enterprise-submit').click();
    await expect.poll(() => page.getByTestId('field-error-uscc').textContent()).toMatch(/GB 32100/);
    const count = await tg.app.inject({
      method: 'GET',
      url: '/api/v1/enterprises?q=%E9%94%99%E8%AF%AF%E4%BB%A3%E7%A0%81',
      headers: {
        authorization: `Bearer ${(await tg.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: ADMIN_PASSWORD } })).json().token}`,
      },
    });
    expect(count.json().total).toBe(0);
    mkdirSync('.tmp', { recursive: true });
    await page.screenshot({ path: '.tmp/workbench.png', fullPage: true });
  });

  it('an officer looks up a credit class with its reasons, history and inputs', async () => {
    const logistics = DEMO_ENTERPRISES.find((e) => e.key === 'logistics')!;
    await page.getByTestId('credit-uscc').fill(logistics.uscc);
    await page.getByTestId('credit-submit').click();
    await expect.poll(() => page.getByTestId('credit-class').textContent()).toBe('重点关注名单');
    // The reason in words, with the input behind it and the day it stops applying.
    const reasons = page.getByTestId('credit-reasons');
    await expect.poll(() => reasons.textContent()).toContain('走私行政处罚');
    await expect.poll(() => reasons.textContent()).toContain('海关缉私');
    await expect.poll(() => reasons.textContent()).toContain('琼缉违字〔2023〕118号');
    await expect.poll(() => reasons.textContent()).toMatch(/\d{4}-\d{2}-\d{2} 起不再适用/);
    await expect.poll(() => page.getByTestId('credit-measures').textContent()).toContain('查验率不低于 80%');
    await expect.poll(() => page.getByTestId('credit-timeline').textContent()).toContain('白名单 → 重点关注名单');
    await expect.poll(() => page.getByTestId('credit-inputs').textContent()).toContain('SMUGGLING_PENALTY');
    await expect.poll(() => page.getByTestId('credit-inputs').textContent()).toContain('交通运输');
    // A traveller, looked up by the number on the ID card.
    await page.getByTestId('credit-kind').selectOption('individual');
    await page.getByTestId('credit-uscc').fill(`44030119851120456${residentIdCheckDigit('44030119851120456')}`);
    await page.getByTestId('credit-submit').click();
    await expect.poll(() => page.getByTestId('credit-person').textContent()).toContain('李明');
    await expect.poll(() => page.getByTestId('credit-class').textContent()).toBe('重点关注名单');
    await expect.poll(() => page.getByTestId('credit-measures').textContent()).not.toContain('分批出岛');
    await page.screenshot({ path: '.tmp/credit.png', fullPage: true });
  });

  it('an enterprise user sees only the enterprise portal with its credit class', async () => {
    await page.getByTestId('logout').click();
    await login('demo-ent', 'demo-ent-pass-2026');
    await expect.poll(() => page.getByTestId('portal-enterprise').textContent()).toContain('海南椰风食品加工有限公司');
    await expect.poll(() => page.getByTestId('portal-credit-class').textContent()).toBe('白名单');
    // Its own history: a listing entered in error, withdrawn ten days later.
    await expect
      .poll(() => page.getByTestId('portal-credit-timeline').textContent())
      .toContain('白名单 → 重点关注名单');
    await expect
      .poll(() => page.getByTestId('portal-credit-timeline').textContent())
      .toContain('重点关注名单 → 白名单');
    await expect.poll(() => page.getByTestId('credit-measures').textContent()).toContain('可分批出岛、集中申报');
    expect(await page.getByTestId('nav-command').count()).toBe(0);
    expect(await page.getByTestId('nav-workbench').count()).toBe(0);
    await page.screenshot({ path: '.tmp/portal.png', fullPage: true });
  });

  it('the policy calculator works without logging in', async () => {
    await page.getByTestId('logout').click();
    await page.getByTestId('calculator-link').click();
    await page.getByTestId('calc-submit').click();
    await expect.poll(() => page.getByTestId('calc-total').textContent()).toBe('3958.82');
    await page.getByTestId('va-submit').click();
    await expect.poll(() => page.getByTestId('va-result').textContent()).toContain('0.4045');
  });
});
