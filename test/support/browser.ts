import { chromium, type Browser, type Page } from 'playwright-core';
import pino from 'pino';
import { startTidegate, type Tidegate } from '../../src/main.ts';
import { openDatabase } from '../../src/platform/db/client.ts';

/** A real server on a free port with the demo data, on in-memory PGlite: what a browser test drives. */
export async function startDemoServer(adminPassword: string, secret: string): Promise<Tidegate> {
  return startTidegate({
    database: await openDatabase({ dataDir: 'memory://' }),
    port: 0,
    host: '127.0.0.1',
    seedDemo: true,
    adminPassword,
    secret,
    natsUrl: '',
    logger: pino({ level: 'silent' }),
  });
}

/** Debian's chromium (never a downloaded browser), quiet and offline. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function stopDemoServer(tg: Tidegate | undefined, browser: Browser | undefined): Promise<void> {
  await browser?.close();
  await tg?.close();
  await tg?.ctx.database.close();
}

/**
 * Signs in through the login form as a fresh session (the token lives in sessionStorage) and waits
 * for the signed-in header, then for `waitFor` (a test id of the page the user should land on).
 */
export async function signIn(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
  waitFor = 'who',
): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.evaluate(() => sessionStorage.clear());
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId(waitFor).waitFor();
}
