import { z } from 'zod';
import type { ApiPlugin } from '../http/server.ts';
import { actorOf } from '../http/authHook.ts';
import { ALL_ROLES, type Role } from './roles.ts';

/**
 * What the caller's role may call: read from the route table the server enforces (every route's
 * `config.access`), so the web app shows a button only when its request would be allowed.
 */
export const permissionRoutes: ApiPlugin = (app) => {
  app.get('/api/v1/auth/me/permissions', {
    config: { access: { roles: ALL_ROLES } },
    schema: {
      tags: ['auth'],
      summary:
        "The routes (method and path pattern) the caller's role is allowed, from the access table the server enforces",
      response: {
        200: z.object({ role: z.string(), routes: z.array(z.object({ method: z.string(), url: z.string() })) }),
      },
    },
    handler: async (req) => {
      const role = actorOf(req).role as Role;
      const routes = app.routeTable
        .filter((r) => r.access && ('public' in r.access || r.access.roles.includes(role)))
        .map((r) => ({ method: r.method, url: r.url }));
      return { role, routes };
    },
  });
};
