import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import type { ApiPlugin, ZodApp } from '../http/server.ts';
import { actorOf } from '../http/authHook.ts';
import { runCommand } from '../command.ts';
import { problems } from '../../kernel/problem.ts';
import { jsonValue, text } from '../../kernel/wire.ts';
import { signToken } from './credentials.ts';
import { authenticatePassword, createApiClient, createUser, findUserById, publicUser } from './service.ts';
import { ALL_ROLES, CLIENT_ROLES, USER_ROLES } from './roles.ts';
import { clearUser, listLockouts, lockedProblem, lockedUntil, recordFailure, throttleKeys } from './lockouts.ts';
import { unlock } from './lockouts.ts';
import type { Executor } from '../db/client.ts';
import type { AppContext } from '../context.ts';

const userOut = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.string(),
  enterpriseId: z.string().nullable(),
  disabled: z.boolean(),
  createdAt: z.string(),
});
const tags = ['auth'];
const lockoutOut = z.object({
  kind: z.string(),
  key: z.string(),
  failures: z.number(),
  locked: z.boolean(),
  lockedUntil: z.string().nullable(),
  lockouts: z.number(),
  lastFailureAt: z.string(),
});

/** The 429 of a locked log-in: Retry-After on the reply, the problem to throw. */
function refuseLocked(reply: FastifyReply, until: Date, now: Date) {
  const problem = lockedProblem(until, now);
  reply.header('retry-after', String(problem.extra.retryAfterSeconds));
  return problem;
}

/**
 * Enterprises as the login routes need them: a user's enterprise for GET /auth/me, an enterprise
 * user's USCC checked when an administrator creates one. The subjects module implements it (its
 * index.ts); the platform defines the port so that it imports no module.
 */
export interface EnterpriseDirectory {
  /** The enterprise's public view, or null when there is none with that id. */
  viewById(ex: Executor, id: string): Promise<unknown | null>;
  idByUscc(ex: Executor, uscc: string): Promise<string | null>;
}

export const authRoutes =
  (enterprises: EnterpriseDirectory): ApiPlugin =>
  (app, ctx) =>
    registerAuthRoutes(app, ctx, enterprises);

function registerAuthRoutes(app: ZodApp, ctx: AppContext, enterprises: EnterpriseDirectory): void {
  app.post('/api/v1/auth/login', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: 'Log in with a username and password; returns a bearer token',
      body: z.object({ username: text.min(1).max(64), password: text.min(1).max(256) }).strict(),
      response: { 200: z.object({ token: z.string(), expiresIn: z.number(), user: userOut }) },
    },
    handler: async (req, reply) => {
      // Throttled per user name and per address (lockouts.ts): a locked log-in is refused before the
      // password is even checked, and is not counted again.
      const keys = throttleKeys(req.body.username, req.ip);
      const locked = await lockedUntil(ctx.db, keys, ctx.clock.now());
      if (locked) throw refuseLocked(reply, locked, ctx.clock.now());
      const user = await authenticatePassword(ctx.db, req.body.username, req.body.password);
      if (!user) {
        const lockedNow = await recordFailure(ctx, keys, ctx.clock.now());
        if (lockedNow) throw refuseLocked(reply, lockedNow, ctx.clock.now());
        throw problems.unauthorized('Wrong username or password.');
      }
      await clearUser(ctx.db, keys);
      const token = await signToken(
        ctx.keys.jwt,
        { sub: user.id, role: user.role as never, ent: user.enterpriseId, name: user.username },
        ctx.clock.now(),
      );
      return { token, expiresIn: 12 * 3600, user: publicUser(user) };
    },
  });

  app.get('/api/v1/auth/lockouts', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags,
      summary: 'Failed log-ins: user names and addresses locked now or failing in the current window',
      response: { 200: z.object({ items: z.array(lockoutOut) }) },
    },
    handler: async () => ({ items: await listLockouts(ctx) }),
  });

  app.post('/api/v1/auth/lockouts/unlock', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags,
      summary: 'Lift a log-in lock of a user name or an address and forget its failures (audited)',
      body: z.object({ kind: z.enum(['user', 'address']), key: text.min(1).max(128) }).strict(),
      response: { 200: z.object({ kind: z.string(), key: z.string(), unlocked: z.boolean(), wasLocked: z.boolean() }) },
    },
    handler: async (req) => unlock(ctx, actorOf(req), req.body),
  });

  app.get('/api/v1/me', {
    config: { access: { roles: ALL_ROLES } },
    schema: {
      tags,
      summary: 'Who am I: the user or client and, for an enterprise user, its enterprise',
      response: {
        200: z.object({
          actor: z.object({ kind: z.string(), name: z.string(), role: z.string() }),
          user: userOut.nullable(),
          enterprise: z.any().nullable(),
        }),
      },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      const user = actor.kind === 'user' ? await findUserById(ctx.db, actor.id) : null;
      const enterprise = actor.enterpriseId ? await enterprises.viewById(ctx.db, actor.enterpriseId) : null;
      return {
        actor: { kind: actor.kind, name: actor.name, role: actor.role },
        user: user ? publicUser(user) : null,
        enterprise,
      };
    },
  });

  app.post('/api/v1/users', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags,
      summary: 'Create a user',
      body: z
        .object({
          username: z
            .string()
            .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, 'Use 3-64 lower-case letters, digits, dot, dash or underscore.'),
          password: text.max(256),
          role: z.enum(USER_ROLES),
          displayName: text.max(100).optional(),
          enterpriseUscc: text.max(18).optional(),
        })
        .strict(),
      response: { 201: userOut },
    },
    handler: async (req, reply) => {
      const { enterpriseUscc, ...rest } = req.body;
      const user = await runCommand(ctx, 'user.create', async (tx) => {
        let enterpriseId: string | null = null;
        if (enterpriseUscc) {
          const id = await enterprises.idByUscc(tx, enterpriseUscc);
          if (!id)
            throw problems.field(
              'enterpriseUscc',
              'auth.enterpriseExists',
              `No enterprise with USCC ${enterpriseUscc}.`,
            );
          enterpriseId = id;
        }
        return createUser(tx, { ...rest, enterpriseId }, actorOf(req), ctx.clock.now());
      });
      return reply.code(201).send(publicUser(user));
    },
  });

  app.post('/api/v1/api-clients', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags,
      summary: 'Create a machine client; the key is returned once and stored hashed',
      body: z
        .object({ name: text.min(3).max(100), role: z.enum(CLIENT_ROLES), scope: z.record(text, jsonValue).optional() })
        .strict(),
      response: {
        201: z.object({
          key: z.string(),
          client: z.object({
            id: z.string(),
            name: z.string(),
            role: z.string(),
            keyPrefix: z.string(),
            scope: z.unknown(),
            createdAt: z.string(),
          }),
        }),
      },
    },
    handler: async (req, reply) => {
      const created = await runCommand(ctx, 'apiClient.create', (tx) =>
        createApiClient(tx, req.body, actorOf(req), ctx.clock.now()),
      );
      return reply
        .code(201)
        .send({ key: created.key, client: { ...created.client, createdAt: created.client.createdAt.toISOString() } });
    },
  });
}
