import { z } from 'zod';
import type { ApiPlugin } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/http/authHook.ts';
import { OFFICER_ROLES, type Role } from '../../platform/auth/roles.ts';
import { registerParameterCheck } from '../../platform/parameters/service.ts';
import { problemSchema } from '../../kernel/wire.ts';
import { dutyfreeParameterViolations } from './rules.ts';
import * as service from './service.ts';
import {
  banOut,
  buyerLookupBody,
  buyerOut,
  codeOfficerOut,
  codeParams,
  codePublicOut,
  departuresBody,
  departuresOut,
  factOut,
  findingBody,
  liftBody,
  pickupBody,
  pickupOut,
  quotaLookupBody,
  quotaOut,
  quotaQuery,
  reservationIdParams,
  reservationOut,
  reserveBody,
  reserveOut,
  returnBody,
  returnOut,
  shopOut,
  statusOut,
  violationCheckBody,
  violationCheckOut,
} from './wire.ts';

const tags = ['dutyfree'];
const SHOP: Role[] = ['dutyfree_shop'];
const SHOP_AND_OFFICERS: Role[] = ['dutyfree_shop', ...OFFICER_ROLES];
const refusal = { 409: problemSchema, 422: problemSchema };

export const dutyfreeRoutes: ApiPlugin = (app, ctx) => {
  registerParameterCheck(dutyfreeParameterViolations);

  app.post('/api/v1/dutyfree/reservations', {
    config: { access: { roles: SHOP } },
    schema: {
      tags,
      summary:
        "Check and hold a buyer's quota at the till (离岛免税 reserve); 422 names the rule that refused the sale",
      body: reserveBody,
      response: { 201: reserveOut, ...refusal },
    },
    handler: async (req, reply) => reply.code(201).send(await service.reserve(ctx, actorOf(req), req.body)),
  });

  app.post('/api/v1/dutyfree/reservations/:id/confirm', {
    config: { access: { roles: SHOP } },
    schema: {
      tags,
      summary: 'Confirm the sale: held quota becomes used, every unit gets a traceability code',
      params: reservationIdParams,
      response: { 200: statusOut, ...refusal },
    },
    handler: async (req) => service.confirm(ctx, actorOf(req), req.params.id),
  });

  app.post('/api/v1/dutyfree/reservations/:id/cancel', {
    config: { access: { roles: SHOP } },
    schema: {
      tags,
      summary: 'Cancel an open reservation: the held quota goes back',
      params: reservationIdParams,
      response: { 200: statusOut, ...refusal },
    },
    handler: async (req) => service.cancel(ctx, actorOf(req), req.params.id),
  });

  app.post('/api/v1/dutyfree/reservations/:id/returns', {
    config: { access: { roles: SHOP } },
    schema: {
      tags,
      summary: 'Return units of a confirmed sale by their codes: their value goes back to the quota',
      params: reservationIdParams,
      body: returnBody,
      response: { 200: returnOut, ...refusal },
    },
    handler: async (req) => service.returnUnits(ctx, actorOf(req), req.params.id, req.body.codes),
  });

  app.get('/api/v1/dutyfree/reservations/:id', {
    config: { access: { roles: SHOP_AND_OFFICERS } },
    schema: {
      tags,
      summary: 'A reservation or sale (a shop sees its own only)',
      params: reservationIdParams,
      response: { 200: reservationOut },
    },
    handler: async (req) => service.getReservation(ctx, actorOf(req), req.params.id),
  });

  app.get('/api/v1/dutyfree/quota', {
    config: { access: { roles: SHOP_AND_OFFICERS } },
    schema: {
      tags,
      summary: "A buyer's quota of a year: quota, used (confirmed), reserved (held), left",
      querystring: quotaQuery,
      response: { 200: quotaOut },
    },
    handler: async (req) => service.quotaOf(ctx, req.query),
  });

  app.post('/api/v1/dutyfree/quota/lookup', {
    config: { access: { roles: SHOP_AND_OFFICERS } },
    schema: {
      tags,
      summary: 'The same as GET /api/v1/dutyfree/quota with the ID number in the body, never in a URL or a log',
      body: quotaLookupBody,
      response: { 200: quotaOut },
    },
    handler: async (req) => service.quotaOf(ctx, req.body),
  });

  app.post('/api/v1/dutyfree/pickups', {
    config: { access: { roles: SHOP } },
    schema: {
      tags,
      summary: "Pick-up scan at a port counter (离岛提货): units handed over, the buyer's departure recorded",
      body: pickupBody,
      response: { 200: pickupOut, ...refusal },
    },
    handler: async (req) => service.recordPickup(ctx, actorOf(req), req.body),
  });

  app.post('/api/v1/dutyfree/departures', {
    config: { access: { roles: ['department', 'admin', 'inspector'] } },
    schema: {
      tags,
      summary: 'Departures off the island reported by carriers (airlines, railway, shipping lines)',
      body: departuresBody,
      response: { 200: departuresOut },
    },
    handler: async (req) => service.recordDepartures(ctx, actorOf(req), req.body.departures),
  });

  app.get('/api/v1/dutyfree/codes/:code', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: 'Is this traceability code (免税品溯源码) genuine, and when was it sold; an officer sees the sale',
      params: codeParams,
      response: { 200: z.union([codeOfficerOut, codePublicOut]) },
    },
    handler: async (req) => service.lookupCode(ctx, req.actor, req.params.code),
  });

  app.post('/api/v1/dutyfree/codes/:code/findings', {
    config: { access: { roles: ['admin', 'inspector'] } },
    schema: {
      tags,
      summary: 'Record a code found on the market: a fact against the buyer the unit was sold to',
      params: codeParams,
      body: findingBody,
      response: { 201: factOut },
    },
    handler: async (req, reply) =>
      reply.code(201).send(await service.recordFinding(ctx, actorOf(req), req.params.code, req.body)),
  });

  app.post('/api/v1/dutyfree/buyers/lookup', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary: "A buyer's quotas, bans, facts and latest sales (ID number in the body)",
      body: buyerLookupBody,
      response: { 200: buyerOut },
    },
    handler: async (req) => service.buyerDossier(ctx, actorOf(req), req.body.idType, req.body.idNumber),
  });

  app.post('/api/v1/dutyfree/bans/:id/lift', {
    config: { access: { roles: ['admin', 'inspector'] } },
    schema: {
      tags,
      summary: 'Lift a ban with a reason (the ban stays on record)',
      params: reservationIdParams,
      body: liftBody,
      response: { 200: banOut },
    },
    handler: async (req) => {
      const lifted = await service.liftBan(ctx, actorOf(req), req.params.id, req.body.reason);
      return {
        banId: lifted.banId,
        buyerId: lifted.buyerId,
        reason: lifted.reason,
        validFrom: lifted.validFrom,
        validTo: lifted.validTo,
        liftedAt: lifted.liftedAt,
        liftReason: lifted.liftReason,
      };
    },
  });

  app.post('/api/v1/dutyfree/departure-check', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags,
      summary: 'Run the missed-departure check now (it runs daily at 00:15 Asia/Shanghai)',
      body: violationCheckBody,
      response: { 200: violationCheckOut },
    },
    handler: async (req) => service.checkMissedDepartures(ctx, { today: req.body.date }),
  });

  app.get('/api/v1/dutyfree/shops', {
    config: { access: { roles: SHOP_AND_OFFICERS } },
    schema: {
      tags,
      summary: "The offshore duty-free shops; a dutyfree_shop client's scope names one",
      response: { 200: z.object({ items: z.array(shopOut) }) },
    },
    handler: async () => ({ items: await service.listShops(ctx) }),
  });
};
