import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import { Problem } from '../../kernel/problem.ts';
import type { AppContext } from '../context.ts';
import { addressKey } from '../auth/throttle.ts';

/**
 * Security headers on every response (helmet) and request limits for the public calculators and
 * machine clients (rate-limit). Registered before any route, so every route gets both.
 */

/**
 * The content security policy. The web app (web/dist, built by Vite) and the API docs (/docs,
 * Swagger UI) load scripts, styles, fonts and images from this origin only and call the API on it;
 * neither uses inline scripts. Inline style attributes are allowed: the charts and Swagger UI set
 * element styles. Nothing may frame Tidegate.
 */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  manifestSrc: ["'self'"],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  workerSrc: ["'self'", 'blob:'],
};

const HSTS = { maxAge: 365 * 24 * 3600, includeSubDomains: true };

/** Whether the browser reached us over TLS: directly, per a trusted proxy, or as X-Forwarded-Proto says. */
function overTls(request: FastifyRequest, mode: AppContext['config']['hsts']): boolean {
  if (mode !== 'auto') return mode === 'on';
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return request.protocol === 'https' || first === 'https';
}

/** Helmet's options for a request over plain HTTP, or (`tls`) one that came over TLS. */
export function helmetOptions(tls: boolean): Parameters<typeof helmet>[0] {
  return {
    // Plain HTTP on a department network is a supported set-up: upgrade-insecure-requests and HSTS
    // only for requests that came over TLS.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...CSP_DIRECTIVES, upgradeInsecureRequests: tls ? [] : null },
    },
    strictTransportSecurity: tls ? HSTS : false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  };
}

/**
 * Helmet's two sets of headers, each built once: @fastify/helmet built helmet's middleware anew for
 * every request (the policy's directives parsed and checked each time), 4 % of the server's CPU at
 * the duty-free till and 6 % of a quota look-up's. The headers are the same.
 */
export async function registerSecurityHeaders(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const plain = helmet(helmetOptions(false));
  const tls = helmet(helmetOptions(true));
  app.addHook('onRequest', (request, reply, done) => {
    (overTls(request, ctx.config.hsts) ? tls : plain)(request.raw, reply.raw, (err?: unknown) => done(err as Error));
  });
}

/**
 * Per-minute limits (TIDEGATE_RATE_LIMIT_*): the public calculators per client address, machine
 * clients per API key on every route. Counted after authentication (the key is known) and before
 * the body is read; answered with RateLimit-Limit, -Remaining and -Reset (and Retry-After on a 429).
 * Counted in each API process's memory. TIDEGATE_RATE_LIMITS=off turns them off (load tests,
 * benchmarks); login throttling (auth/lockouts.ts) stays on regardless.
 */
export async function registerRateLimits(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const limits = ctx.config.rateLimits;
  if (!limits.enabled) return;
  const isCalculator = (request: FastifyRequest) => request.routeOptions.url?.startsWith('/api/v1/calc/') ?? false;
  await app.register(fastifyRateLimit, {
    global: true,
    hook: 'preParsing',
    timeWindow: 60_000,
    enableDraftSpec: true,
    keyGenerator: (request) =>
      request.actor?.kind === 'client' ? `client:${request.actor.id}` : `address:${addressKey(request.ip)}`,
    allowList: (request, key) => !key.startsWith('client:') && !isCalculator(request),
    max: (_request, key) => (key.startsWith('client:') ? limits.clientPerMinute : limits.calcPerMinute),
    errorResponseBuilder: (request, context) =>
      new Problem({
        status: 429,
        code: 'rate-limited',
        title: 'Too many requests',
        detail:
          `${request.actor?.kind === 'client' ? 'This API key' : 'This address'} sent more than ${context.max} ` +
          `requests in a minute here; retry in ${context.after}.`,
      }),
  });
}
