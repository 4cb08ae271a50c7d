import { z } from 'zod';
import type { ApiPlugin } from '../http/server.ts';
import { actorOf } from '../http/authHook.ts';
import { runCommand } from '../command.ts';
import { OFFICER_ROLES } from '../auth/roles.ts';
import { actorLabel } from '../auth/roles.ts';
import { isoDate, jsonValue, text } from '../../kernel/wire.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { listStoredParameters, parameterHistory, setParameter } from './service.ts';

export const parameterOut = z.object({
  name: z.string(),
  value: z.unknown(),
  version: z.number(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
});
export const versionOut = z.object({
  id: z.number(),
  name: z.string(),
  value: z.unknown(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  setBy: z.string(),
  reason: z.string(),
  createdAt: z.string(),
});
const tags = ['parameters'];

function versionView(r: {
  id: number;
  name: string;
  value: unknown;
  validFrom: string;
  validTo: string | null;
  setBy: string;
  reason: string;
  createdAt: Date;
}) {
  return { ...r, createdAt: r.createdAt.toISOString() };
}

export const parameterRoutes: ApiPlugin = (app, ctx) => {
  app.get('/api/v1/parameters', {
    config: { access: { roles: [...OFFICER_ROLES, 'department'] } },
    schema: {
      tags,
      summary: 'Policy parameters in force on a date (default: today, Asia/Shanghai)',
      querystring: z.object({ asOf: isoDate.optional() }).strict(),
      response: { 200: z.object({ asOf: z.string(), items: z.array(parameterOut) }) },
    },
    handler: async (req) => {
      const asOf = req.query.asOf ?? shanghaiDate(ctx.clock.now());
      return { asOf, items: await listStoredParameters(ctx.db, asOf) };
    },
  });

  app.get('/api/v1/parameters/:name/versions', {
    config: { access: { roles: [...OFFICER_ROLES, 'department'] } },
    schema: {
      tags,
      summary: 'Every version of one parameter, with who set it and why',
      params: z.object({ name: text.max(100) }),
      response: { 200: z.object({ items: z.array(versionOut) }) },
    },
    handler: async (req) => ({ items: (await parameterHistory(ctx.db, req.params.name)).map(versionView) }),
  });

  app.post('/api/v1/parameters', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags,
      summary: 'Set a new version of a policy parameter (effective-dated, append-only)',
      body: z
        .object({
          name: text.min(3).max(100),
          value: jsonValue.refine((v) => v !== undefined, 'value is required'),
          validFrom: isoDate,
          validTo: isoDate.nullish(),
          reason: text.trim().min(5, 'Say why the parameter changes (at least 5 characters).').max(1000),
        })
        .strict(),
      response: { 201: versionOut },
    },
    handler: async (req, reply) => {
      const row = await runCommand(ctx, 'parameter.set', (tx) =>
        setParameter(tx, req.body, actorLabel(actorOf(req)), ctx.clock.now()),
      );
      return reply.code(201).send(versionView(row));
    },
  });
};
