import { z } from 'zod';
import type { ApiPlugin } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/http/authHook.ts';
import { replicaRead } from '../../platform/http/reads.ts';
import { OFFICER_ROLES } from '../../platform/auth/roles.ts';
import * as service from './service.ts';
import { billWithPayment, listBillsWithPayment } from './billPayments.ts';
import { billOut, decideBody, firstLineBody, firstLineOut, idParams, listQuery } from './wire.ts';

const tags = ['first line'];
const READERS = [...OFFICER_ROLES, 'enterprise_user'] as const;

/** First-line declarations (一线进出境申报) and their bills. */
export const firstLineRoutes: ApiPlugin = (app, ctx) => {
  app.post('/api/v1/firstline/declarations', {
    config: { access: { roles: ['enterprise_user'] } },
    schema: {
      tags,
      summary: 'File a first-line declaration (import into a book or taxed, export from a book or general)',
      body: firstLineBody,
      response: { 201: firstLineOut },
    },
    handler: async (req, reply) => {
      reply.code(201);
      return service.fileFirstLine(ctx, actorOf(req), req.body);
    },
  });

  app.get('/api/v1/firstline/declarations', {
    config: { access: { roles: [...READERS] } },
    schema: {
      tags,
      summary: 'First-line declarations, newest first, by state, direction and enterprise (a trader sees its own)',
      querystring: listQuery,
      response: { 200: z.object({ items: z.array(firstLineOut), total: z.number() }) },
    },
    handler: async (req) => replicaRead(ctx, req, (c) => service.listFirstLine(c, actorOf(req), req.query)),
  });

  app.get('/api/v1/firstline/declarations/:id', {
    config: { access: { roles: [...READERS] } },
    schema: { tags, summary: 'One first-line declaration', params: idParams, response: { 200: firstLineOut } },
    handler: async (req) => service.getFirstLine(ctx, actorOf(req), req.params.id),
  });

  app.post('/api/v1/firstline/declarations/:id/decide', {
    config: { access: { roles: ['inspector', 'admin'] } },
    schema: {
      tags,
      summary: 'Release or refuse a held first-line declaration (after inspection)',
      params: idParams,
      body: decideBody,
      response: { 200: firstLineOut },
    },
    handler: async (req) => service.decideFirstLine(ctx, actorOf(req), req.params.id, req.body),
  });

  app.get('/api/v1/firstline/bills', {
    config: { access: { roles: [...READERS] } },
    schema: {
      tags,
      summary: 'Tax bills of first-line declarations',
      response: { 200: z.object({ items: z.array(billOut) }) },
    },
    handler: async (req) => replicaRead(ctx, req, (c) => listBillsWithPayment(c, actorOf(req))),
  });

  app.get('/api/v1/firstline/bills/:id', {
    config: { access: { roles: [...READERS] } },
    schema: { tags, summary: 'One first-line tax bill', params: idParams, response: { 200: billOut } },
    handler: async (req) => billWithPayment(ctx, actorOf(req), req.params.id),
  });
};
