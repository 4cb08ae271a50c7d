import { z } from 'zod';
import type { ApiPlugin } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/http/authHook.ts';
import { FEED_NAMES, listWebhooks, registerWebhook } from './service.ts';

const tags = ['sharing'];
const subscriptionOut = z.object({
  id: z.string(),
  url: z.string(),
  feed: z.string(),
  cursor: z.number(),
  failures: z.number(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  lastDeliveredAt: z.string().nullable(),
  createdAt: z.string(),
});

export const sharingRoutes: ApiPlugin = (app, ctx) => {
  app.post('/api/v1/webhooks', {
    config: { access: { roles: ['department', 'admin'] } },
    schema: {
      tags,
      summary:
        "Register a webhook for a feed (credit class changes by default; jointControl.cases for a department's " +
        'joint-control cases); deliveries are signed with HMAC-SHA256 (header Tidegate-Signature: ' +
        't=<unix>,v1=<hex of HMAC(secret, "<t>.<body>")>) and retried with back-off',
      body: z
        .object({
          url: z.url({ protocol: /^https?$/ }).max(500),
          fromStart: z.boolean().default(false),
          feed: z.enum(FEED_NAMES).default('credit.classChanges'),
        })
        .strict(),
      response: { 201: subscriptionOut.extend({ secret: z.string().describe('The HMAC key, shown once') }) },
    },
    handler: async (req, reply) => reply.code(201).send(await registerWebhook(ctx, actorOf(req), req.body)),
  });

  app.get('/api/v1/webhooks', {
    config: { access: { roles: ['department', 'admin'] } },
    schema: {
      tags,
      summary: 'My webhooks with their delivery state (an admin sees all)',
      response: { 200: z.object({ items: z.array(subscriptionOut) }) },
    },
    handler: async (req) => ({ items: await listWebhooks(ctx, actorOf(req)) }),
  });
};
