import { z } from 'zod';
import type { ApiPlugin } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/http/authHook.ts';
import { OFFICER_ROLES, type Role } from '../../platform/auth/roles.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { isoDate } from '../../kernel/wire.ts';
import * as service from './service.ts';
import { lookupBody, pointsOut, recordBody, recordOut, scoreOut, withdrawBody } from './wire.ts';

const tags = ['personal-credit'];
/** Who may record and withdraw behaviours: officers who work cases and audits. */
const RECORDERS: Role[] = ['admin', 'inspector', 'auditor'];

export const personalCreditRoutes: ApiPlugin = (app, ctx) => {
  app.post('/api/v1/personal-credit/lookup', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary: 'A person’s score (人员信用评价), level A-D and the records behind it, on a date (today by default)',
      body: lookupBody,
      response: { 200: scoreOut },
    },
    handler: async (req) => service.scoreByIdNumber(ctx, req.body),
  });

  app.post('/api/v1/personal-credit/records', {
    config: { access: { roles: RECORDERS } },
    schema: {
      tags,
      summary:
        'Record a behaviour (a penalty, good conduct…) with its date and reason; points from personalCredit.points',
      body: recordBody,
      response: { 201: z.object({ record: recordOut, created: z.boolean() }) },
    },
    handler: async (req, reply) => reply.code(201).send(await service.recordByOfficer(ctx, actorOf(req), req.body)),
  });

  app.post('/api/v1/personal-credit/records/:id/withdraw', {
    config: { access: { roles: RECORDERS } },
    schema: {
      tags,
      summary: 'Withdraw a wrong record from a date, with a reason (the record is kept, marked withdrawn)',
      params: z.object({ id: z.uuid() }),
      body: withdrawBody,
      response: { 200: recordOut },
    },
    handler: async (req) => service.withdrawRecord(ctx, actorOf(req), req.params.id, req.body),
  });

  app.get('/api/v1/personal-credit/points', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: 'The behaviour codes with their points and validity, and the level thresholds, in force on a date',
      querystring: z.object({ asOf: isoDate.optional() }).strict(),
      response: { 200: pointsOut },
    },
    handler: async (req) => service.pointsTable(ctx.db, req.query.asOf ?? shanghaiDate(ctx.clock.now())),
  });
};
