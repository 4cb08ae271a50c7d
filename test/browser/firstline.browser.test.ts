/**
 * The first-line pages in Chromium: a trader files a taxed-catalogue import that is released with its
 * bill (rates from the tariff table, none typed), a prohibited good is refused naming the rule and writes
 * nothing, and a declaration held by risk shows the trader no verdict while an officer sees it and decides.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import type { Tidegate } from '../../src/main.ts';
import { shanghaiDate } from '../../src/kernel/clock.ts';
import { runCommand } from '../../src/platform/command.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { setParameter } from '../../src/platform/parameters/service.ts';
import { launchChromium, signIn, stopDemoServer } from '../support/browser.ts';
import { browserDbKind, startBrowserServer } from '../support/browserServer.ts';
import { forceRed } from '../support/riskFixtures.ts';
import { randomUscc } from '../support/ledgerFixtures.ts';

let tg: Tidegate;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  tg = await startBrowserServer('firstline-browser-admin-pass', 'firstline-browser-secret-0123456789abcdef0');
  // No random selection: a declaration is held only when a test makes risk hold it.
  for (const name of ['risk.randomFloorRate', 'risk.routineInspectionRate']) {
    await runCommand(tg.ctx, 'parameter.set', (tx) =>
      setParameter(
        tx,
        { name, value: '0', validFrom: shanghaiDate(new Date()), reason: 'browser test' },
        'system:test',
        new Date(),
      ),
    );
  }
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
}, 400_000);

afterAll(async () => {
  await stopDemoServer(tg, browser);
});

const text = (id: string) => page.getByTestId(id).first().textContent();
const declarations = async () =>
  (await queryRows<{ n: number }>(tg.ctx.db, sql`select count(*)::int as n from firstline_declarations`))[0]!.n;

/** Fills the new-declaration form with one taxed import line. */
interface Line {
  code: string;
  origin: string;
  unit: string;
  description: string;
  quantity: string;
  value: string;
}
async function fileTaxed(line: Line) {
  await page.goto(`${tg.url}/#/firstline?tab=new`);
  await page.getByTestId('fl-form').waitFor();
  await page.getByTestId('fl-counterpart').fill(line.origin);
  await page.getByTestId('fl-party').fill('Maison Bordelaise SARL');
  await page.getByTestId('fl-line-kind-0').selectOption('TAXED');
  await page.getByTestId('fl-line-hsCode-0').fill(line.code);
  await page.getByTestId('fl-line-originCountry-0').fill(line.origin);
  await page.getByTestId('fl-line-unit-0').fill(line.unit);
  await page.getByTestId('fl-line-description-0').fill(line.description);
  await page.getByTestId('fl-line-quantity-0').fill(line.quantity);
  await page.getByTestId('fl-line-netWeightKg-0').fill(line.quantity);
  await page.getByTestId('fl-line-valueCny-0').fill(line.value);
}

describe(`the first-line pages in Chromium (${browserDbKind()})`, { timeout: 300_000 }, () => {
  it('a trader files a taxed import: no rate typed, released with its bill and payment state', async () => {
    await signIn(page, tg.url, 'demo-ent', 'demo-ent-pass-2026');
    await page.getByTestId('nav-firstline').click();
    await page.getByTestId('fl-table').waitFor();
    await fileTaxed({
      code: '2204210000',
      origin: 'FR',
      unit: 'L',
      description: '瓶装葡萄酒',
      quantity: '600',
      value: '48000',
    });
    // The tariff table's rates, looked up by code and origin: the form has no rate field.
    await expect.poll(() => text('fl-line-rates-0')).toContain('增值税 0.13');
    expect(await page.getByTestId('fl-form').locator('input[data-testid*="Rate"]').count()).toBe(0);
    await page.getByTestId('fl-submit').click();

    await page.getByTestId('fl-detail').waitFor();
    await expect.poll(() => text('fl-state')).toBe('已放行');
    expect(await page.getByTestId('fl-risk').count()).toBe(0);
    expect(await text('fl-rate-0')).toContain('最惠国税率');
    const total = (await text('fl-tax-total'))!;
    expect(Number(total.replace(/,/g, ''))).toBeGreaterThan(0);
    await page.getByTestId('fl-bill-link').click();
    await page.getByTestId('fl-bill').waitFor();
    expect(await text('fl-bill-total')).toBe(total);
    // Just issued: unpaid, with its due date.
    expect(await text('fl-bill-payment')).toMatch(/^未缴 · 缴款期限 \d{4}-\d{2}-\d{2}$/);
    await page.getByTestId('fl-bill-declaration').click();
    await page.getByTestId('fl-detail').waitFor();
  });

  it('a prohibited good is refused naming the rule, and nothing is written', async () => {
    const before = await declarations();
    await fileTaxed({
      code: '9601100000',
      origin: 'TH',
      unit: 'KG',
      description: '象牙雕刻 carved ivory',
      quantity: '2',
      value: '900',
    });
    await page.getByTestId('fl-submit').click();
    await page.getByTestId('error-box').waitFor();
    await expect.poll(() => text('fl-line-hsCode-0-error')).toContain('禁止进出境');
    expect(await text('error-box')).toContain('firstLine.prohibited');
    expect(await page.getByTestId('fl-form').isVisible()).toBe(true);
    expect(await declarations()).toBe(before);
  });

  it('held by risk: the trader sees no verdict; an officer sees it, finds it by filter and releases it', async () => {
    const stop = await forceRed(tg.ctx, "decl.kind == 'FIRST_LINE_IMPORT'");
    try {
      await fileTaxed({
        code: '2204210000',
        origin: 'FR',
        unit: 'L',
        description: '瓶装葡萄酒',
        quantity: '120',
        value: '9600',
      });
      await page.getByTestId('fl-submit').click();
      await page.getByTestId('fl-detail').waitFor();
      await expect.poll(() => text('fl-state')).toBe('待查验');
      const id = page.url().split('/firstline/')[1]!;
      const shown = (await page.locator('main').textContent())!;
      for (const word of ['RED', 'TEST_FORCE_RED', '风险', 'risk']) expect(shown).not.toContain(word);
      expect(await page.getByTestId('fl-decide').count()).toBe(0);
      // Nor does the list the trader reads (the answer behind it carries no verdict).
      const answer = await page.evaluate(async (u) => {
        const token = sessionStorage.getItem('tidegate.token');
        return (await fetch(u, { headers: { authorization: `Bearer ${token}` } })).text();
      }, '/api/v1/firstline/declarations?state=HELD');
      expect(answer).toContain(id);
      expect(answer).not.toMatch(/"risk"|RED|Held for inspection: risk/);

      const [{ uscc }] = (await queryRows<{ uscc: string }>(
        tg.ctx.db,
        sql`select e.uscc from firstline_declarations d join enterprises e on e.id = d.enterprise_id
            where d.id = ${id}`,
      )) as [{ uscc: string }];
      // The officer's filters are asked of the server, not applied in the browser.
      const asked: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/api/v1/firstline/declarations?')) asked.push(decodeURIComponent(r.url()));
      });
      await signIn(page, tg.url, 'officer', 'officer-pass-2026');
      await page.getByTestId('nav-firstline').click();
      await page.getByTestId('fl-filter-state').selectOption('HELD');
      await page.getByTestId('fl-filter-dir').selectOption('IMPORT');
      const link = page.getByTestId('fl-table').locator(`a[href="#/firstline/${id}"]`);
      await expect.poll(() => link.count()).toBe(1);
      expect(page.url()).toContain('state=HELD');
      await page.getByTestId('fl-filter-uscc').fill(randomUscc());
      await expect.poll(() => page.getByTestId('fl-open').count()).toBe(0);
      await page.getByTestId('fl-filter-uscc').fill(uscc);
      await expect.poll(() => link.count()).toBe(1);
      expect(asked.some((u) => /state=HELD/.test(u) && /direction=IMPORT/.test(u) && u.includes(`uscc=${uscc}`))).toBe(
        true,
      );
      await link.click();
      await expect.poll(() => text('fl-risk-level')).toContain('RED');
      expect(await text('fl-reason')).toContain('risk RED');
      // A reason is required: too short is refused at its field.
      await page.getByTestId('fl-decide-reason').fill('ok');
      await page.getByTestId('fl-release').click();
      await page.getByTestId('error-box').waitFor();
      await page.getByTestId('fl-decide-reason').fill('查验无误，准予放行');
      await page.getByTestId('fl-release').click();
      await expect.poll(() => text('fl-state')).toBe('已放行');
      expect(await page.getByTestId('fl-decide').count()).toBe(0);
    } finally {
      await stop();
    }
  });
});
