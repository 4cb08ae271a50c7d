import type { ApiPlugin } from '../../platform/http/server.ts';
import { OFFICER_ROLES } from '../../platform/auth/roles.ts';
import type { Db } from '../../platform/db/client.ts';
import { replicaRead } from '../../platform/http/reads.ts';
import { windowOf, type WindowName } from './rules.ts';
import { commandSummary, drill, singleFlight, startLiveFeed } from './service.ts';
import { drillOut, drillQuery, summaryOut, summaryQuery } from './wire.ts';

const tags = ['command'];

/** The command centre (指挥中心): the panels, the list behind each number, and live updates. */
export const commandRoutes: ApiPlugin = (app, ctx) => {
  const feed = startLiveFeed(ctx);
  // Open streams would hold the server open: end them before it closes.
  app.addHook('preClose', async () => feed.closeAll());
  // Every open centre reads again on the same `changed`: one computation serves those that overlap,
  // one per database the reads run on (a replica's answer never goes to a request that must read the primary).
  const flights = new Map<Db, (w: WindowName) => ReturnType<typeof commandSummary>>();
  const summary = (db: Db, w: WindowName) => {
    let flight = flights.get(db);
    if (!flight) {
      flight = singleFlight(
        (k: WindowName) => commandSummary(db, windowOf(k, ctx.clock.now())),
        () => feed.version,
      );
      flights.set(db, flight);
    }
    return flight(w);
  };

  app.get('/api/v1/command/summary', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary:
        "Every panel of the command centre: each port's trucks passed / diverted and queue, declarations by " +
        'state, the inspection backlog by age, RED/YELLOW alerts per hour, tax collected, clearance times ' +
        '(p50/p90 per port, trend), inspection and hit rates by credit class',
      querystring: summaryQuery,
      response: { 200: summaryOut },
    },
    handler: async (req) => replicaRead(ctx, req, (c) => summary(c.db, req.query.window)),
  });

  app.get('/api/v1/command/drill', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary: 'The list behind a number of the command centre (same window and filters as its panel), newest first',
      querystring: drillQuery,
      response: { 200: drillOut },
    },
    handler: async (req) => {
      const { window, ...q } = req.query;
      return replicaRead(ctx, req, (c) => drill(c.db, windowOf(window, ctx.clock.now()), q));
    },
  });

  app.get('/api/v1/command/stream', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary:
        'Server-sent events: `changed` (with the kinds of events that committed) whenever a panel may have ' +
        'moved; read the summary again on it',
    },
    handler: async (req, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': req.id,
      });
      const remove = feed.add(reply.raw);
      req.raw.on('close', remove);
    },
  });
};
