/**
 * What a deployment shows besides the API: the interactive docs (/docs, /openapi.json, which list
 * every route, admin ones included) and the Prometheus metrics (/metrics). Development serves both
 * to anyone, as the quick start says; production (TIDEGATE_ENV=production) asks a login for the docs
 * and a bearer token for the metrics, and turns the metrics off when no token is configured.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { problems } from '../../kernel/problem.ts';
import type { AppContext } from '../context.ts';
import { resolveActor } from './authHook.ts';

/** Whether /docs and /openapi.json are served at all. */
export const docsServed = (ctx: AppContext) => ctx.config.apiDocs !== 'off';

/** Whether /metrics is served: always in development, with a token in production. */
export const metricsServed = (ctx: AppContext) =>
  ctx.config.environment !== 'production' || ctx.config.metricsToken !== undefined;

/** onRequest hook of the docs routes: in 'login' mode any authenticated caller (bearer token or API key). */
export function docsGuard(ctx: AppContext) {
  return async (request: FastifyRequest) => {
    if (ctx.config.apiDocs !== 'login') return;
    const actor = await resolveActor(ctx, request);
    if (!actor) {
      throw problems.unauthorized(
        'The API docs need a login here: send "Authorization: Bearer <token>" or "Authorization: ApiKey <key>".',
      );
    }
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** onRequest hook of /metrics: with a token, only `Authorization: Bearer <token>` (compared in constant time). */
export function metricsGuard(ctx: AppContext) {
  const token = ctx.config.metricsToken;
  const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
  return async (request: FastifyRequest) => {
    if (!expected) return;
    const given = request.headers.authorization;
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) {
      throw problems.unauthorized(
        'The metrics need the scrape token: send "Authorization: Bearer <TIDEGATE_METRICS_TOKEN>".',
      );
    }
  };
}
