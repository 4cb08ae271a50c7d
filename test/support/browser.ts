import { chromium, type Browser } from 'playwright-core';
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
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function stopDemoServer(tg: Tidegate | undefined, browser: Browser | undefined): Promise<void> {
  await browser?.close();
  await tg?.close();
  await tg?.ctx.database.close();
}
