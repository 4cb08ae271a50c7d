import type { FastifyInstance, FastifyRequest } from 'fastify';
import { problems } from '../../kernel/problem.ts';
import type { AppContext } from '../context.ts';
import { verifyToken } from '../auth/credentials.ts';
import { authenticateApiKey, findUserById, userActor } from '../auth/service.ts';
import type { Actor, Role } from '../auth/roles.ts';

/** Every route says who may call it: a list of roles, or 'public'. A route that says nothing is refused at start-up. */
export type RouteAccess = { roles: readonly Role[] } | { public: true };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export async function resolveActor(ctx: AppContext, request: FastifyRequest): Promise<Actor | null> {
  const header = request.headers.authorization;
  if (!header) return null;
  const [scheme, value] = header.split(' ', 2);
  if (!value) throw problems.unauthorized('Malformed Authorization header: use "Bearer <token>" or "ApiKey <key>".');
  if (scheme === 'Bearer') {
    const claims = await verifyToken(ctx.keys.jwt, value, ctx.clock.now());
    if (!claims) throw problems.unauthorized('The token is invalid or has expired; log in again.');
    // The account may have been disabled since the token was issued.
    const user = await findUserById(ctx.db, claims.sub);
    if (!user || user.disabled) throw problems.unauthorized('The account is disabled or no longer exists.');
    return userActor(user);
  }
  if (scheme === 'ApiKey') {
    const actor = await authenticateApiKey(ctx.db, value);
    if (!actor) throw problems.unauthorized('The API key is invalid or has been revoked.');
    return actor;
  }
  throw problems.unauthorized(`Unknown authorization scheme "${scheme}": use Bearer or ApiKey.`);
}

export function registerAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('actor', null);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    if (!route.config?.access)
      throw new Error(`Route ${route.method} ${route.url} must declare config.access (roles or public)`);
  });
  // onRequest, before the body is parsed or validated: who you are is checked before what you sent.
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access) return;
    if ('public' in access) {
      request.actor = await resolveActor(ctx, request).catch(() => null);
      return;
    }
    const actor = await resolveActor(ctx, request);
    if (!actor) throw problems.unauthorized();
    if (!access.roles.includes(actor.role as Role)) {
      throw problems.forbidden(
        `Role "${actor.role}" may not ${request.method} ${request.routeOptions.url}; allowed: ` +
          `${access.roles.join(', ')}.`,
      );
    }
    request.actor = actor;
  });
}

/** The actor of an authenticated route (the hook guarantees one). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw problems.unauthorized();
  return request.actor;
}
