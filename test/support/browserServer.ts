import { randomBytes } from 'node:crypto';
import pino from 'pino';
import postgres from 'postgres';
import { startTidegate, type Tidegate } from '../../src/main.ts';
import { openDatabase } from '../../src/platform/db/client.ts';
import { serverUrl, TEST_DB_PREFIX } from './postgresTemplate.ts';

/**
 * The demo server a browser test drives, on in-memory PGlite, or with DATABASE_URL set on a fresh
 * database of that PostgreSQL server (named with the checkout's test tag, dropped on close).
 */
export async function startBrowserServer(adminPassword: string, secret: string): Promise<Tidegate> {
  const options = {
    port: 0,
    host: '127.0.0.1',
    seedDemo: true,
    adminPassword,
    secret,
    natsUrl: '',
    logger: pino({ level: 'silent' }),
  };
  if (!process.env.DATABASE_URL) {
    return startTidegate({ ...options, database: await openDatabase({ dataDir: 'memory://' }) });
  }
  const name = `${TEST_DB_PREFIX}browser_${randomBytes(4).toString('hex')}`;
  const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const db = await openDatabase({ databaseUrl: serverUrl(name), poolSize: 10 });
  const database = {
    ...db,
    close: async () => {
      await db.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
  return startTidegate({ ...options, database });
}

/** Which database a browser test runs on, for its report. */
export const browserDbKind = () => (process.env.DATABASE_URL ? 'postgres' : 'pglite');
