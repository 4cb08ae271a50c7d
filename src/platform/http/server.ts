import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import FindMyWay from 'find-my-way';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { Problem, problems } from '../../kernel/problem.ts';
import type { AppContext } from '../context.ts';
import { ping } from '../db/client.ts';
import { registerAuth, type RouteAccess } from './authHook.ts';
import { registerIdempotency } from './idempotency.ts';
import { registerReadRouting } from './reads.ts';
import { registerRateLimits, registerSecurityHeaders } from './security.ts';
import { DATA_EXCEPTION_RULE, sendProblem, toProblem } from './problemReply.ts';
import { registerCompression, registerWebApp, sendNotFoundPage } from './webAssets.ts';
import { docsGuard, docsServed, metricsGuard, metricsServed } from './exposure.ts';

export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export type App = FastifyInstance;
export interface RouteEntry {
  method: string;
  url: string;
  access: RouteAccess | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every API route with the roles it allows: the source of the route x role tests. */
    routeTable: RouteEntry[];
  }
}

export type ZodApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;
export type ApiPlugin = (app: ZodApp, ctx: AppContext) => void | Promise<void>;

export async function buildServer(ctx: AppContext, plugins: ApiPlugin[]): Promise<ZodApp> {
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    bodyLimit: ctx.config.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true },
    // Registering ~200 routes with their schemas on a busy 2-core machine can take longer than the
    // default 10 s per plugin; a slow start is not a broken one (readiness is what /readyz answers).
    pluginTimeout: 120_000,
    // Whose X-Forwarded-For/-Proto to believe (TIDEGATE_TRUST_PROXY): request.ip is what login
    // throttling and the calculators' limits count by.
    trustProxy: ctx.config.trustProxy,
    // What the router refuses before a route runs (bad percent-encoding, an over-long segment) is a problem too.
    frameworkErrors: (err, request, reply) => sendProblem(reply, request, toProblem(err)),
  });
  // JSON only: a text/plain body is a 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // A mirror of the routes, to tell "wrong method" (405) from "no such path" (404). Built at the first
  // request no route matched, not at start: inserting every route into a second router is a tenth of
  // building the server, and most processes never answer a 404.
  const mirrored: { method: string; url: string }[] = [];
  let routeMirror: ReturnType<typeof FindMyWay> | undefined;
  const mirror = () => {
    if (routeMirror) return routeMirror;
    routeMirror = FindMyWay();
    for (const { method, url } of mirrored) {
      try {
        routeMirror.on(method as 'GET', url, () => {});
      } catch {
        /* duplicates (HEAD for GET) are fine */
      }
    }
    return routeMirror;
  };
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.url.startsWith('/api/')) {
      for (const m of methods)
        if (m !== 'HEAD') routeTable.push({ method: m, url: route.url, access: route.config?.access });
    }
    for (const m of methods) mirrored.push({ method: m, url: route.url });
    routeMirror = undefined;
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    ctx.metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.setErrorHandler((err, request, reply) => {
    const problem = toProblem(err);
    if (problem.status >= 500) request.log.error({ err }, 'request failed');
    // A data exception the wire types let through: refused, but worth a field check in the schema.
    else if (problem.errors?.some((e) => e.rule === DATA_EXCEPTION_RULE)) {
      request.log.warn({ err }, 'request refused by the database');
    } else request.log.info({ type: problem.type, status: problem.status }, 'request rejected');
    return sendProblem(reply, request, problem);
  });

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter((m) => mirror().find(m, path));
    if (allowed.length) {
      const problem = new Problem({
        status: 405,
        code: 'method-not-allowed',
        title: 'Method not allowed',
        detail: `${request.method} is not allowed on ${path}; use ${allowed.join(' or ')}.`,
      });
      return sendProblem(reply, request, problem, { allow: allowed.join(', ') });
    }
    const isPage =
      request.method === 'GET' && !path.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html');
    if (isPage && existsSync(WEB_DIST)) return sendNotFoundPage(reply);
    return sendProblem(reply, request, problems.notFound(`${request.method} ${path}`));
  });

  await registerCompression(app);
  // Before any route: helmet's headers go on every response, the limits apply to every route.
  await registerSecurityHeaders(app, ctx);
  await registerRateLimits(app, ctx);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tidegate API',
        description: 'Smart customs supervision for the free trade port (海关智慧监管平台).',
        version: '1.0.0',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'ApiKey <key>' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  if (docsServed(ctx)) {
    await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiHooks: { onRequest: docsGuard(ctx) } });
  }
  if (existsSync(WEB_DIST)) {
    await registerWebApp(app, WEB_DIST);
  }

  registerAuth(app, ctx);
  registerIdempotency(app, ctx);
  registerReadRouting(app, ctx);

  const api = app.withTypeProvider<ZodTypeProvider>() as unknown as ZodApp;
  api.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  api.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await ping(ctx.db);
      // The replica is reported, not required: while it is down its reads run on the primary.
      const replica = ctx.reads.status();
      return { status: 'ready', database: ctx.database.kind, ...(replica ? { replica } : {}) };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: ctx.database.kind });
    }
  });
  if (metricsServed(ctx)) {
    api.get('/metrics', { schema: { hide: true }, onRequest: metricsGuard(ctx) }, async (_req, reply) => {
      reply.header('content-type', ctx.metrics.registry.contentType);
      return ctx.metrics.registry.metrics();
    });
  }
  if (docsServed(ctx)) {
    api.get('/openapi.json', { schema: { hide: true }, onRequest: docsGuard(ctx) }, async () => app.swagger());
  }

  for (const plugin of plugins) await plugin(api, ctx);
  await app.ready();
  return app as unknown as ZodApp;
}
