import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { startTidegate, type StartOptions, type Tidegate } from '../../src/main.ts';
import { fixedClock } from '../../src/kernel/clock.ts';
import type { Database } from '../../src/platform/db/client.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { openTestDatabase, testDbKind } from '../support/db.ts';
import { ADMIN_PASSWORD, TEST_SECRET } from '../support/app.ts';

/**
 * Development serves the API docs and the metrics to anyone (the README's quick start); production
 * asks a login for the docs (which list the admin routes) and a token for the metrics.
 */
const TOKEN = 'scrape-token-0123456789';
let database: Database;
const running: Tidegate[] = [];

async function start(over: StartOptions): Promise<Tidegate> {
  const tg = await startTidegate({
    database,
    clock: fixedClock(new Date('2026-11-23T02:00:00Z')),
    listen: false,
    schedule: false,
    adminPassword: ADMIN_PASSWORD,
    secret: TEST_SECRET,
    dataDir: 'memory://',
    natsUrl: '',
    logger: pino({ level: 'silent' }),
    ...over,
  });
  running.push(tg);
  return tg;
}

const get = (tg: Tidegate, url: string, authorization?: string) =>
  tg.app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });

async function bearer(tg: Tidegate): Promise<string> {
  const payload = { username: 'admin', password: ADMIN_PASSWORD };
  const res = await tg.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload });
  return `Bearer ${res.json().token}`;
}

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  for (const tg of running) await tg.close();
  await database?.close();
});

describe(`docs and metrics exposure on ${testDbKind()}`, () => {
  it('configuration: production defaults the docs to login; a short metrics token is refused', () => {
    const config = (env: NodeJS.ProcessEnv) => loadConfig({ dataDir: 'memory://' }, env);
    expect(config({})).toMatchObject({ environment: 'development', apiDocs: 'public', metricsToken: undefined });
    expect(config({ TIDEGATE_ENV: 'production' })).toMatchObject({ environment: 'production', apiDocs: 'login' });
    expect(config({ TIDEGATE_ENV: 'production', TIDEGATE_API_DOCS: 'off' }).apiDocs).toBe('off');
    expect(() => config({ TIDEGATE_METRICS_TOKEN: 'short' })).toThrow(/at least 16/);
    expect(() => config({ TIDEGATE_ENV: 'prod' })).toThrow(/TIDEGATE_ENV/);
  });

  it('development (the default): docs and metrics are open, as the quick start says', async () => {
    const tg = await start({});
    expect((await get(tg, '/openapi.json')).statusCode).toBe(200);
    expect((await get(tg, '/docs/json')).statusCode).toBe(200);
    expect((await get(tg, '/docs')).statusCode).toBeLessThan(400);
    expect((await get(tg, '/metrics')).statusCode).toBe(200);
  });

  it('production: the docs need a login and /metrics is off without a token', async () => {
    const tg = await start({ environment: 'production' });
    for (const url of ['/openapi.json', '/docs/json', '/docs', '/docs/static/index.html']) {
      const res = await get(tg, url);
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).not.toContain('/api/v1/users');
    }
    const spec = await get(tg, '/openapi.json', await bearer(tg));
    expect(spec.statusCode).toBe(200);
    expect(Object.keys(spec.json().paths)).toContain('/api/v1/users');
    expect((await get(tg, '/openapi.json', 'Bearer not-a-token')).statusCode).toBe(401);
    expect((await get(tg, '/metrics')).statusCode).toBe(404);
    // The API itself is unchanged.
    expect((await get(tg, '/healthz')).statusCode).toBe(200);
  });

  it('production with a metrics token: /metrics answers only the token; docs can be turned off', async () => {
    const tg = await start({ environment: 'production', metricsToken: TOKEN, apiDocs: 'off' });
    expect((await get(tg, '/metrics')).statusCode).toBe(401);
    expect((await get(tg, '/metrics', `Bearer ${TOKEN}x`)).statusCode).toBe(401);
    expect((await get(tg, '/metrics', await bearer(tg))).statusCode).toBe(401);
    const scraped = await get(tg, '/metrics', `Bearer ${TOKEN}`);
    expect(scraped.statusCode).toBe(200);
    expect(scraped.body).toContain('http_request_duration');
    const token = await bearer(tg);
    for (const url of ['/openapi.json', '/docs/json']) expect((await get(tg, url, token)).statusCode, url).toBe(404);
  });
});
