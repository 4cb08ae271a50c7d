import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import type { Tidegate } from '../../src/main.ts';
import { launchChromium, startDemoServer, stopDemoServer } from '../support/browser.ts';

let tg: Tidegate;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  tg = await startDemoServer('calculator-admin-pass', 'calculator-test-secret-0123456789abcdef01');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(`${tg.url}/#/calculator`);
});

afterAll(async () => {
  await stopDemoServer(tg, browser);
});

const text = (id: string) => page.getByTestId(id).textContent();

/** What the API answers for the same request: the page must show exactly these figures. */
async function apiScenario(body: unknown) {
  const res = await fetch(`${tg.url}/api/v1/calc/scenario`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as {
    total: string;
    duty: string;
    consumptionTax: string;
    vat: string;
    lines: { conversion: { rateDate: string } | null }[];
  };
}

describe('the policy calculator page, without logging in', () => {
  it('opens in Chinese on the GACC jerky example: no duty at 40.45% value added, VAT on the beef, each with its rule', async () => {
    await expect.poll(() => text('sc-form')).toContain('流转路径');
    await page.getByTestId('sc-submit').click();
    await expect.poll(() => text('sc-total')).toBe('32040.00');
    expect(await text('sc-line0-duty')).toContain('免征');
    expect(await text('sc-line0-duty')).toContain('加工增值达到或超过30%');
    expect(await text('sc-line0-vat')).toContain('(356000.00 + 0.00 + 0.00) × 0.09 = 32040.00');
    expect(await text('sc-va')).toContain('0.4045');
    mkdirSync('.tmp', { recursive: true });
    await page.screenshot({ path: '.tmp/calculator.png', fullPage: true });
  });

  it('converts a foreign currency at the rate of its day and shows the same figures as the API', async () => {
    await page.getByTestId('sc-example-cosmetics').click();
    await page.getByTestId('sc-submit').click();
    const expected = await apiScenario({
      route: { kind: 'SECOND_LINE_EXIT', goods: 'ZERO_TARIFF', domesticVatPaid: true },
      currency: 'JPY',
      lines: [
        {
          hsCode: '3304990000',
          description: '护肤品 skin care',
          value: '2000000',
          importedContentValue: '1500000',
          dutyRate: '0.05',
          consumptionTaxRate: '0.15',
          vatRate: '0.13',
        },
      ],
    });
    await expect.poll(() => text('sc-total')).toBe(expected.total);
    expect(await text('sc-ct')).toBe(expected.consumptionTax);
    expect(await text('sc-vat')).toBe('0.00');
    expect(await text('sc-result-line0')).toContain(expected.lines[0]!.conversion!.rateDate);
    expect(await text('sc-line0-vat')).toContain('不再征收进口环节增值税');
  });

  it('a first-line import by a beneficiary: the goods outside the catalogue are exempt, the car in it pays', async () => {
    await page.getByTestId('sc-example-equipment').click();
    await page.getByTestId('sc-submit').click();
    await expect.poll(() => text('sc-line0-duty-amount')).toBe('0.00');
    expect(await text('sc-line0-duty')).toContain('免征');
    expect(await text('sc-line1-duty')).toContain('应征');
    expect(await text('sc-line1-consumptionTax')).toContain('÷ (1 − 0.05) × 0.05');
    // The beneficiary box unticked: the machine pays too.
    await page.getByTestId('sc-importerIsBeneficiary').uncheck();
    await page.getByTestId('sc-submit').click();
    await expect.poll(() => text('sc-line0-duty')).toContain('应征');
  });

  it('names a missing rate (currency and day) and a bad field instead of guessing', async () => {
    await page.getByTestId('sc-declarationDate').fill('2024-06-03');
    await page.getByTestId('sc-submit').click();
    await expect.poll(() => text('sc-error')).toContain('USD');
    expect(await text('sc-error')).toContain('2024-05-15');
    expect(await page.getByTestId('sc-result').count()).toBe(0);
    await page.getByTestId('sc-declarationDate').fill('');
    await page.getByTestId('sc-line0-hsCode').fill('12');
    await page.getByTestId('sc-submit').click();
    await expect.poll(() => page.getByTestId('sc-line0-hsCode').getAttribute('aria-invalid')).toBe('true');
  });

  it('speaks English on request, rules included', async () => {
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('sc-example-jerky').click();
    await page.getByTestId('sc-submit').click();
    await expect.poll(() => text('sc-line0-duty')).toContain('exempt');
    expect(await text('sc-line0-duty')).toContain('Value added at or above 30%');
    expect(await text('sc-notes')).toContain('imported materials they hold');
    await page.getByTestId('lang-switch').click();
  });
});
