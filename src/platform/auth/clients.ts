/**
 * The lists an administrator keeps: the users, and the machine clients (departments, gate devices,
 * duty-free shops) with their revocation. Creation is POST /api/v1/api-clients (routes.ts). A revoked key is refused
 * from then
 * on (in other server processes within API_KEY_CACHE_MS); the row stays, for the audit trail.
 */
import { and, asc, eq, isNull, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { ApiPlugin } from '../http/server.ts';
import { actorOf } from '../http/authHook.ts';
import { runCommand } from '../command.ts';
import type { Executor } from '../db/client.ts';
import { appendAudit } from '../audit/service.ts';
import { problems } from '../../kernel/problem.ts';
import { text } from '../../kernel/wire.ts';
import { apiClients, users } from './schema.ts';
import { forgetCachedApiKeys, publicUser } from './service.ts';
import { actorLabel, CLIENT_ROLES, USER_ROLES, type Actor } from './roles.ts';

type ClientRow = typeof apiClients.$inferSelect;

export function clientView(r: ClientRow) {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    keyPrefix: r.keyPrefix,
    scope: r.scope as Record<string, unknown>,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}

export async function listApiClients(ex: Executor, filter: { role?: string; includeRevoked?: boolean }) {
  const where: SQL[] = [];
  if (filter.role) where.push(eq(apiClients.role, filter.role));
  if (!filter.includeRevoked) where.push(isNull(apiClients.revokedAt));
  const rows = await ex
    .select()
    .from(apiClients)
    .where(and(...where))
    .orderBy(asc(apiClients.role), asc(apiClients.name), asc(apiClients.createdAt));
  return rows.map(clientView);
}

/** Revokes a client's key. Revoking a revoked client answers it again unchanged. */
export async function revokeApiClient(tx: Executor, id: string, reason: string, actor: Actor, now: Date) {
  const [row] = await tx.select().from(apiClients).where(eq(apiClients.id, id)).for('update').limit(1);
  if (!row) throw problems.notFound(`API client ${id}`);
  if (row.revokedAt) return clientView(row);
  const [revoked] = await tx.update(apiClients).set({ revokedAt: now }).where(eq(apiClients.id, id)).returning();
  await appendAudit(tx, {
    actor: actorLabel(actor),
    action: 'apiClient.revoke',
    subject: `apiClient:${id}`,
    change: { ...clientView(revoked!), reason },
    at: now,
  });
  return clientView(revoked!);
}

export const clientOut = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string(),
  keyPrefix: z.string(),
  scope: z.record(z.string(), z.unknown()),
  createdBy: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export const userOut = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(USER_ROLES),
  enterpriseId: z.string().nullable(),
  disabled: z.boolean(),
  createdAt: z.string(),
});
const tags = ['auth'];

export const clientRoutes: ApiPlugin = (app, ctx) => {
  app.get('/api/v1/users', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags,
      summary: 'Users, by role and name (without their password hashes)',
      querystring: z.object({ role: z.enum(USER_ROLES).optional() }).strict(),
      response: { 200: z.object({ items: z.array(userOut) }) },
    },
    handler: async (req) => {
      const rows = await ctx.db
        .select()
        .from(users)
        .where(req.query.role ? eq(users.role, req.query.role) : undefined)
        .orderBy(asc(users.role), asc(users.username));
      return { items: rows.map(publicUser) };
    },
  });

  app.get('/api/v1/api-clients', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags,
      summary:
        'Machine clients (departments, gate devices, duty-free shops), without their keys; ' +
        'revoked ones with includeRevoked=true',
      querystring: z
        .object({ role: z.enum(CLIENT_ROLES).optional(), includeRevoked: z.enum(['true', 'false']).optional() })
        .strict(),
      response: { 200: z.object({ items: z.array(clientOut) }) },
    },
    handler: async (req) => ({
      items: await listApiClients(ctx.db, {
        role: req.query.role,
        includeRevoked: req.query.includeRevoked === 'true',
      }),
    }),
  });

  app.post('/api/v1/api-clients/:id/revoke', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags,
      summary: "Revoke a machine client's key (the client stays listed, revoked)",
      params: z.object({ id: z.uuid() }),
      body: z
        .object({ reason: text.trim().min(5, 'Say why the key is revoked (at least 5 characters).').max(1000) })
        .strict(),
      response: { 200: clientOut },
    },
    handler: async (req) => {
      const revoked = await runCommand(ctx, 'apiClient.revoke', (tx) =>
        revokeApiClient(tx, req.params.id, req.body.reason, actorOf(req), ctx.clock.now()),
      );
      forgetCachedApiKeys(ctx.db);
      return revoked;
    },
  });
};
