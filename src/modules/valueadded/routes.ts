import { z } from 'zod';
import type { ApiPlugin } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/http/authHook.ts';
import { OFFICER_ROLES } from '../../platform/auth/roles.ts';
import * as service from './service.ts';
import {
  assessmentBody,
  assessmentOut,
  decisionBody,
  evidenceBody,
  evidenceOut,
  evidenceQuery,
  issueBody,
  numberOut,
  numberParams,
  reviewOut,
  reviewParams,
  reviewsQuery,
} from './wire.ts';

const tags = ['value-added'];

/** Cumulative numbers (累计编号), the downstream's ratio, evidence and the officers' review queue. */
export const valueAddedRoutes: ApiPlugin = (app, ctx) => {
  app.post('/api/v1/value-added/cumulative-numbers', {
    config: { access: { roles: ['enterprise_user', 'admin', 'inspector'] } },
    schema: {
      tags,
      summary: 'Issue the cumulative number (累计编号) of a line of an island transfer between processing books',
      description:
        "The figures come from the upstream book's movement (its cost of the goods moved), never from the " +
        'request; the price from the transfer line, or the request when the transfer carries none.',
      body: issueBody,
      response: { 201: numberOut },
    },
    handler: async (req, reply) => {
      reply.code(201);
      return service.issueCumulativeNumber(ctx, actorOf(req), req.body);
    },
  });

  app.get('/api/v1/value-added/cumulative-numbers', {
    config: { access: { roles: [...OFFICER_ROLES, 'enterprise_user'] } },
    schema: {
      tags,
      summary: 'Cumulative numbers issued (an enterprise: those it gave or received)',
      response: { 200: z.object({ items: z.array(numberOut) }) },
    },
    handler: async (req) => service.listCumulativeNumbers(ctx.db, actorOf(req)),
  });

  app.get('/api/v1/value-added/cumulative-numbers/:number', {
    config: { access: { roles: [...OFFICER_ROLES, 'enterprise_user'] } },
    schema: {
      tags,
      summary: 'One cumulative number and its figures',
      params: numberParams,
      response: { 200: numberOut },
    },
    handler: async (req) => service.getCumulativeNumber(ctx.db, actorOf(req), req.params.number),
  });

  app.post('/api/v1/value-added/assessments', {
    config: { access: { roles: ['enterprise_user', 'admin', 'inspector'] } },
    schema: {
      tags,
      summary: "The value-added ratio of goods leaving a processing book, the cited numbers' upstream value counted",
      description:
        'A cited figure other than the issued one is refused (valueAdded.cumulativeMismatch); a ratio in the ' +
        "review band (tax.valueAddedThreshold to valueAdded.reviewBandUpper) is queued for an officer's review.",
      body: assessmentBody,
      response: { 200: assessmentOut },
    },
    handler: async (req) => service.assessValueAdded(ctx, actorOf(req), req.body),
  });

  app.post('/api/v1/value-added/evidence', {
    config: { access: { roles: ['enterprise_user'] } },
    schema: {
      tags,
      summary: 'Upload evidence of a ratio (invoice, work hours, energy): its SHA-256 goes into the audit log',
      body: evidenceBody,
      response: { 201: evidenceOut },
    },
    handler: async (req, reply) => {
      reply.code(201);
      return service.uploadEvidence(ctx, actorOf(req), req.body);
    },
  });

  app.get('/api/v1/value-added/evidence', {
    config: { access: { roles: [...OFFICER_ROLES, 'enterprise_user'] } },
    schema: {
      tags,
      summary: 'Evidence on record (an enterprise: its own)',
      querystring: evidenceQuery,
      response: { 200: z.object({ items: z.array(evidenceOut) }) },
    },
    handler: async (req) => service.listEvidence(ctx.db, actorOf(req), req.query),
  });

  app.get('/api/v1/value-added/reviews', {
    config: { access: { roles: [...OFFICER_ROLES] } },
    schema: {
      tags,
      summary: 'The review queue of ratios just above the threshold (default: pending, oldest first)',
      querystring: reviewsQuery,
      response: { 200: z.object({ items: z.array(reviewOut) }) },
    },
    handler: async (req) => service.listReviews(ctx.db, req.query),
  });

  app.post('/api/v1/value-added/reviews/:id/decision', {
    config: { access: { roles: ['inspector', 'admin'] } },
    schema: {
      tags,
      summary: 'Approve or reject a queued ratio (a named officer, not the one who asked)',
      params: reviewParams,
      body: decisionBody,
      response: { 200: reviewOut },
    },
    handler: async (req) => service.decideReview(ctx, actorOf(req), req.params.id, req.body),
  });
};
