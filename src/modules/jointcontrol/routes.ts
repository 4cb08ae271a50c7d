import { z } from 'zod';
import type { ApiPlugin } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/http/authHook.ts';
import { OFFICER_ROLES, type Role } from '../../platform/auth/roles.ts';
import * as service from './service.ts';
import { acknowledgeBody, caseOut, closeBody, feedOut, feedQuery, listQuery, outcomeBody } from './wire.ts';

const tags = ['joint-control'];
/** Officers read cases; a department reads those shared with it. Never an enterprise (risk confidentiality). */
const READERS: Role[] = [...OFFICER_ROLES, 'department'];
/** Officers who work cases close them. */
const CLOSERS: Role[] = ['admin', 'inspector', 'auditor'];
const caseId = z.object({ id: z.uuid() });

export const jointControlRoutes: ApiPlugin = (app, ctx) => {
  app.get('/api/v1/jointcontrol/feed', {
    config: { access: { roles: ['department'] } },
    schema: {
      tags,
      summary:
        'Cursor feed of joint-control cases for a department (联合监管): cases opened for it and closed, ' +
        'desensitised by data class; pass the last seq you processed as after (webhook feed: jointControl.cases)',
      querystring: feedQuery,
      response: { 200: feedOut },
    },
    handler: async (req) => service.feedOf(ctx, actorOf(req), req.query.after, req.query.limit),
  });

  app.get('/api/v1/jointcontrol/cases', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'Joint-control cases newest first, with the departments’ acknowledgements and outcomes',
      querystring: listQuery,
      response: {
        200: z.object({ items: z.array(caseOut), total: z.number(), page: z.number(), pageSize: z.number() }),
      },
    },
    handler: async (req) => service.listCases(ctx, actorOf(req), req.query),
  });

  app.get('/api/v1/jointcontrol/cases/:id', {
    config: { access: { roles: READERS } },
    schema: { tags, summary: 'One joint-control case', params: caseId, response: { 200: caseOut } },
    handler: async (req) => service.getCase(ctx, actorOf(req), req.params.id),
  });

  app.post('/api/v1/jointcontrol/cases/:id/acknowledge', {
    config: { access: { roles: ['department'] } },
    schema: {
      tags,
      summary:
        'A department acknowledges a case shared with it (OPEN → ACKNOWLEDGED; else 422 jointControl.transition)',
      params: caseId,
      body: acknowledgeBody,
      response: { 200: caseOut },
    },
    handler: async (req) => service.acknowledgeCase(ctx, actorOf(req), req.params.id, req.body),
  });

  app.post('/api/v1/jointcontrol/cases/:id/outcome', {
    config: { access: { roles: ['department'] } },
    schema: {
      tags,
      summary:
        'A department reports what it found and did ' +
        '(ACKNOWLEDGED → OUTCOME_REPORTED; else 422 jointControl.transition)',
      params: caseId,
      body: outcomeBody,
      response: { 200: caseOut },
    },
    handler: async (req) => service.reportOutcome(ctx, actorOf(req), req.params.id, req.body),
  });

  app.post('/api/v1/jointcontrol/cases/:id/close', {
    config: { access: { roles: CLOSERS } },
    schema: {
      tags,
      summary: 'An officer closes a case, with a reason (any state but CLOSED; else 422 jointControl.transition)',
      params: caseId,
      body: closeBody,
      response: { 200: caseOut },
    },
    handler: async (req) => service.closeCase(ctx, actorOf(req), req.params.id, req.body),
  });
};
