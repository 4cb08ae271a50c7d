import { z } from 'zod';
import type { ApiPlugin } from '../../../platform/http/server.ts';
import { actorOf } from '../../../platform/http/authHook.ts';
import { replicaRead } from '../../../platform/http/reads.ts';
import { OFFICER_ROLES, actorLabel, type Role } from '../../../platform/auth/roles.ts';
import { isoDate, problemSchema, text } from '../../../kernel/wire.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { decideCase, proposeCase } from './service/cases.ts';
import { detectRings } from './service/detect.ts';
import {
  buyerProfile,
  getRing,
  listCases,
  listRuns,
  listSaleReviews,
  listYellow,
  riskRefusals,
  salesOfDay,
} from './service/read.ts';
import { reviewSale } from './service/reviews.ts';
import { selfView, selfViewByToken } from './service/self.ts';
import * as w from './wire.ts';

const tags = ['dutyfree-rings'];
/** Officers who work cases: they propose, and another of them decides. */
const CASE_OFFICERS: Role[] = ['admin', 'inspector', 'auditor', 'risk_analyst'];
const DETECTORS: Role[] = ['admin', 'risk_analyst'];
const refusals = { 409: problemSchema, 422: problemSchema };

export const ringRoutes: ApiPlugin = (app, ctx) => {
  app.post('/api/v1/dutyfree/rings/detect', {
    config: { access: { roles: DETECTORS } },
    schema: {
      tags,
      summary:
        'Run resale-ring (套代购) detection now over the window ending on `to` (also nightly); refreshes the yellow list',
      body: w.detectBody,
      response: { 200: w.runSummaryOut },
    },
    handler: async (req) => detectRings(ctx, { to: req.body.to, actor: actorLabel(actorOf(req)) }),
  });

  app.get('/api/v1/dutyfree/rings/runs', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary: 'The latest detection runs with what each read and found',
      response: { 200: z.object({ items: z.array(w.runOut) }) },
    },
    handler: async (req) => ({ items: await replicaRead(ctx, req, (c) => listRuns(c)) }),
  });

  app.get('/api/v1/dutyfree/rings/:id', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary: 'A ring: its score and why, its members and facts, its shared links (payer, account, phone…), masked',
      params: z.object({ id: z.uuid() }),
      response: { 200: w.ringOut },
    },
    handler: async (req) => getRing(ctx, actorOf(req), req.params.id),
  });

  app.get('/api/v1/dutyfree/yellow-list', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary: 'The yellow list (黄名单) by status, heaviest first',
      querystring: w.yellowQuery,
      response: { 200: w.yellowOut },
    },
    handler: async (req) => replicaRead(ctx, req, (c) => listYellow(c, actorOf(req), req.query)),
  });

  app.post('/api/v1/dutyfree/cases', {
    config: { access: { roles: CASE_OFFICERS } },
    schema: {
      tags,
      summary: 'Propose a case: confirm yellow-listed buyers as a resale ring, or clear them; another officer decides',
      body: w.proposeBody,
      response: { 201: w.proposedOut, ...refusals },
    },
    handler: async (req, reply) => reply.code(201).send(await proposeCase(ctx, actorOf(req), req.body)),
  });

  app.get('/api/v1/dutyfree/cases', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary: 'Cases, newest first',
      querystring: z.object({ status: z.enum(['PROPOSED', 'APPROVED', 'REJECTED']).optional() }).strict(),
      response: { 200: z.object({ items: z.array(w.caseOut) }) },
    },
    handler: async (req) => ({ items: await replicaRead(ctx, req, (c) => listCases(c, req.query)) }),
  });

  app.post('/api/v1/dutyfree/cases/:id/decision', {
    config: { access: { roles: CASE_OFFICERS } },
    schema: {
      tags,
      summary:
        'Approve or reject a proposed case (not its proposer). Approving a confirmation bans the buyers, ' +
        'deducts their score and records their credit input',
      params: z.object({ id: z.uuid() }),
      body: w.decisionBody,
      response: { 200: w.decidedOut, ...refusals },
    },
    handler: async (req) => decideCase(ctx, actorOf(req), req.params.id, req.body),
  });

  app.get('/api/v1/dutyfree/buyers/:id/profile', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary: 'A buyer’s trips, rings, yellow-list entries and personal credit score',
      params: z.object({ id: z.uuid() }),
      response: { 200: w.profileOut },
    },
    handler: async (req) => buyerProfile(ctx, actorOf(req), req.params.id),
  });

  app.get('/api/v1/dutyfree/sales/by-shop', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary: 'Confirmed sales of a day by shop and category (today by default)',
      querystring: z.object({ date: isoDate.optional() }).strict(),
      response: { 200: w.salesOfDayOut },
    },
    handler: async (req) => replicaRead(ctx, req, (c) => salesOfDay(c, req.query.date)),
  });

  app.get('/api/v1/dutyfree/risk-refusals', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary: 'Sales the risk engine refused at the till on a day (today by default), with rule, score and facts',
      querystring: z.object({ date: isoDate.optional(), shop: text.min(1).max(40).optional() }).strict(),
      response: { 200: z.object({ date: z.string(), items: z.array(w.riskRefusalOut) }) },
    },
    handler: async (req) => {
      const date = req.query.date ?? shanghaiDate(ctx.clock.now());
      return { date, items: await replicaRead(ctx, req, (c) => riskRefusals(c.db, { date, shop: req.query.shop })) };
    },
  });

  app.get('/api/v1/dutyfree/sale-reviews', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary: 'Sales to review because of the buyer’s personal credit level (D: every sale)',
      querystring: z.object({ status: z.enum(['OPEN', 'DONE']).default('OPEN') }).strict(),
      response: { 200: z.object({ items: z.array(w.reviewOut) }) },
    },
    handler: async (req) => ({
      items: await replicaRead(ctx, req, (c) => listSaleReviews(c, actorOf(req), req.query)),
    }),
  });

  app.post('/api/v1/dutyfree/sale-reviews/:reservationId', {
    config: { access: { roles: CASE_OFFICERS } },
    schema: {
      tags,
      summary: 'Close a sale review: normal, or suspect (with a note)',
      params: z.object({ reservationId: z.uuid() }),
      body: w.reviewBody,
      response: {
        200: z.object({ reservationId: z.string(), status: z.literal('DONE'), outcome: z.enum(['NORMAL', 'SUSPECT']) }),
        409: problemSchema,
      },
    },
    handler: async (req) => reviewSale(ctx, actorOf(req), req.params.reservationId, req.body),
  });

  app.post('/api/v1/dutyfree/self', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary:
        'Your own quota, purchases and personal credit score (本人查询): ID, name and a traceability code from your ' +
        'receipt; answers a token to read them again for 15 minutes',
      body: w.selfBody,
      response: { 200: w.selfOut, 404: problemSchema },
    },
    handler: async (req) => selfView(ctx, req.body),
  });

  app.get('/api/v1/dutyfree/self', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary:
        'Your own view again, with the token the proof above gave (header x-dutyfree-self-token), while it lasts',
      // Optional here so that a request without the token is told to prove who they are (401), not 400.
      headers: z.object({ 'x-dutyfree-self-token': z.string().min(20).max(4000).optional() }),
      response: { 200: w.selfViewOut, 401: problemSchema },
    },
    handler: async (req) => selfViewByToken(ctx, req.headers['x-dutyfree-self-token'] ?? ''),
  });
};
