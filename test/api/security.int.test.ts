import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApp, TEST_SECRET, type TestApp } from '../support/app.ts';
import { startTidegate, type Tidegate } from '../../src/main.ts';
import { WEB_DIST } from '../../src/platform/http/server.ts';

/**
 * Security headers on every response (helmet): a content security policy the web app and the API
 * docs work under, nosniff, no framing, no referrer, HSTS behind TLS. Request limits with
 * RateLimit-* headers for the public calculators (per address) and machine clients (per API key),
 * and TIDEGATE_RATE_LIMITS=off for load tests.
 */
let t: TestApp;
let unlimited: Tidegate;
const ENV = { TIDEGATE_RATE_LIMIT_CALC_PER_MINUTE: '5', TIDEGATE_RATE_LIMIT_CLIENT_PER_MINUTE: '5' };

async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(before))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

beforeAll(async () => {
  t = await withEnv(ENV, () => startTestApp());
  unlimited = await withEnv({ ...ENV, TIDEGATE_RATE_LIMITS: 'off' }, () =>
    startTidegate({
      database: t.ctx.database,
      clock: t.clock,
      listen: false,
      schedule: false,
      secret: TEST_SECRET,
      dataDir: 'memory://',
      natsUrl: '',
      logger: pino({ level: 'silent' }),
    }),
  );
});
afterAll(async () => {
  await unlimited?.close();
  await t?.close();
});

function directives(res: LightMyRequestResponse): Map<string, string> {
  const csp = String(res.headers['content-security-policy'] ?? '');
  return new Map(
    csp
      .split(';')
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values.join(' ')];
      }),
  );
}

function expectSecurityHeaders(res: LightMyRequestResponse, what: string) {
  const csp = directives(res);
  expect(csp.get('default-src'), what).toBe("'self'");
  expect(csp.get('script-src'), what).toBe("'self'");
  expect(csp.get('script-src-attr'), what).toBe("'none'");
  expect(csp.get('object-src'), what).toBe("'none'");
  expect(csp.get('frame-ancestors'), what).toBe("'none'");
  expect(csp.get('base-uri'), what).toBe("'self'");
  expect(res.headers['x-content-type-options'], what).toBe('nosniff');
  expect(res.headers['x-frame-options'], what).toBe('DENY');
  expect(res.headers['referrer-policy'], what).toBe('no-referrer');
}

describe('security headers', () => {
  it('are on every kind of response: API answers, problems, the web app, the API docs, operations', async () => {
    const admin = await t.authFor('admin', { name: 'admin' });
    const answers: [string, LightMyRequestResponse][] = [
      ['an API answer', await t.request({ method: 'GET', url: '/api/v1/me', auth: admin })],
      ['a 401 problem', await t.request({ method: 'GET', url: '/api/v1/me' })],
      ['a 404 problem', await t.request({ method: 'GET', url: '/api/v1/no-such-thing' })],
      ['a 400 problem', await t.request({ method: 'POST', url: '/api/v1/auth/login', body: { username: '' } })],
      ['the liveness probe', await t.request({ method: 'GET', url: '/healthz' })],
      ['the API docs', await t.request({ method: 'GET', url: '/docs/', auth: admin })],
      ['the OpenAPI document', await t.request({ method: 'GET', url: '/openapi.json', auth: admin })],
    ];
    if (existsSync(WEB_DIST)) {
      answers.push(['the web app', await t.request({ method: 'GET', url: '/', headers: { accept: 'text/html' } })]);
      answers.push([
        'a page of the web app',
        await t.request({ method: 'GET', url: '/ledger/books', headers: { accept: 'text/html' } }),
      ]);
    }
    for (const [what, res] of answers) {
      expect(res.statusCode, what).toBeLessThan(500);
      expectSecurityHeaders(res, what);
      // Plain HTTP: no HSTS, and no upgrading of this origin's requests to HTTPS.
      expect(res.headers['strict-transport-security'], what).toBeUndefined();
      expect(directives(res).has('upgrade-insecure-requests'), what).toBe(false);
    }
  });

  it('send HSTS (and upgrade-insecure-requests) when the request came over TLS through a proxy', async () => {
    const res = await t.request({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-proto': 'https' } });
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(directives(res).has('upgrade-insecure-requests')).toBe(true);
    expectSecurityHeaders(res, 'over TLS');
  });

  it('the web app and the API docs run under the policy: every script is a file of this origin, none inline', async () => {
    const admin = await t.authFor('admin', { name: 'admin' });
    const pages = [(await t.request({ method: 'GET', url: '/docs/', auth: admin })).body];
    if (existsSync(WEB_DIST)) pages.push(readFileSync(join(WEB_DIST, 'index.html'), 'utf8'));
    for (const html of pages) {
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attrs, body] of scripts) {
        const src = /\bsrc="([^"]+)"/.exec(attrs!)?.[1];
        expect(src, `inline script: ${body!.slice(0, 80)}`).toBeDefined();
        expect(src!).not.toMatch(/^(https?:)?\/\//);
        expect(body!.trim()).toBe('');
      }
      expect(html).not.toMatch(/\son[a-z]+="/i);
    }
    const initializer = await t.request({ method: 'GET', url: '/docs/static/swagger-initializer.js', auth: admin });
    expect(initializer.statusCode).toBe(200);
  });
});

describe('request limits', () => {
  const rate = (address: string) => ({
    method: 'GET' as const,
    url: '/api/v1/calc/exchange-rate?currency=USD&declarationDate=2026-03-02',
    remoteAddress: address,
  });

  it('the public calculators: per address, with RateLimit-* headers, then 429 problem with Retry-After', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await t.app.inject(rate('203.0.113.10')));
    expect(answers.slice(0, 5).map((a) => a.statusCode)).not.toContain(429);
    expect(answers.slice(0, 5).map((a) => a.headers['ratelimit-remaining'])).toEqual(['4', '3', '2', '1', '0']);
    expect(answers[0]!.headers['ratelimit-limit']).toBe('5');
    expect(Number(answers[0]!.headers['ratelimit-reset'])).toBeGreaterThan(0);
    const refused = answers[5]!;
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ type: 'urn:tidegate:error:rate-limited', status: 429 });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expectSecurityHeaders(refused, 'a 429');
    // Another address has its own allowance.
    expect((await t.app.inject(rate('203.0.113.11'))).statusCode).not.toBe(429);
  });

  it('machine clients: per API key on every route; users are not limited', async () => {
    const dept = await t.authFor('department', { name: 'limited-bureau' });
    const other = await t.authFor('department', { name: 'other-bureau' });
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await t.request({ method: 'GET', url: '/api/v1/parameters', auth: dept })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const fresh = await t.request({ method: 'GET', url: '/api/v1/parameters', auth: other });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers['ratelimit-remaining']).toBe('4');
    const officer = await t.authFor('inspector');
    for (let i = 0; i < 7; i++) {
      const res = await t.request({ method: 'GET', url: '/api/v1/parameters', auth: officer });
      expect(res.statusCode).toBe(200);
      expect(res.headers['ratelimit-limit']).toBeUndefined();
    }
  });

  it('TIDEGATE_RATE_LIMITS=off turns them off (load tests), headers stay', async () => {
    for (let i = 0; i < 8; i++) {
      const res = await unlimited.app.inject(rate('203.0.113.12'));
      expect(res.statusCode).not.toBe(429);
      expect(res.headers['ratelimit-limit']).toBeUndefined();
      expectSecurityHeaders(res, 'without limits');
    }
  });
});
