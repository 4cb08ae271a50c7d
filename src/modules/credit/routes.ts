import { z } from 'zod';
import type { ApiPlugin } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/http/authHook.ts';
import { OFFICER_ROLES, type Role } from '../../platform/auth/roles.ts';
import { isoDate, text } from '../../kernel/wire.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { registerParameterCheck } from '../../platform/parameters/service.ts';
import { creditParameterValueViolations } from './measures.ts';
import * as service from './service.ts';
import { changesFor } from './classification.ts';
import type { ReaderRole } from '../../kernel/dataClass.ts';
import {
  bulkResultOut,
  changeOut,
  creditInputBody,
  creditOut,
  inputOut,
  measuresOut,
  timelineOut,
  withdrawalBody,
} from './wire.ts';

const tags = ['credit'];
const LOOKUP: Role[] = [...OFFICER_ROLES, 'department', 'enterprise_user'];
const FEEDERS: Role[] = ['admin', 'department', 'auditor'];
const subjectParams = z.object({ kind: z.enum(['enterprise', 'individual']), id: text.min(1).max(64) });
const toKind = (k: 'enterprise' | 'individual'): 'ENTERPRISE' | 'INDIVIDUAL' =>
  k === 'enterprise' ? 'ENTERPRISE' : 'INDIVIDUAL';

export const creditRoutes: ApiPlugin = (app, ctx) => {
  registerParameterCheck(creditParameterValueViolations);

  app.get('/api/v1/credit/:kind/:id', {
    config: { access: { roles: LOOKUP } },
    schema: {
      tags,
      summary:
        'Credit class (二线口岸通关信用) of an enterprise (USCC) or individual (id), with reasons; any past or future ' +
        'date with asOf',
      params: subjectParams,
      querystring: z.object({ asOf: isoDate.optional() }).strict(),
      response: { 200: creditOut },
    },
    handler: async (req) =>
      service.getCredit(ctx, actorOf(req), toKind(req.params.kind), req.params.id, req.query.asOf),
  });

  app.get('/api/v1/credit/:kind/:id/history', {
    config: { access: { roles: LOOKUP } },
    schema: {
      tags,
      summary:
        'Class changes of a subject: as published (items) and as the rules derive them from the inputs by ' +
        'effective date (timeline)',
      params: subjectParams,
      response: { 200: z.object({ items: z.array(changeOut), timeline: z.array(timelineOut) }) },
    },
    handler: async (req) => service.classHistory(ctx, actorOf(req), toKind(req.params.kind), req.params.id),
  });

  app.get('/api/v1/credit/:kind/:id/inputs', {
    config: { access: { roles: [...OFFICER_ROLES, 'department'] } },
    schema: {
      tags,
      summary: 'The inputs behind a class, with withdrawals and the audit entry that recorded each',
      params: subjectParams,
      response: { 200: z.object({ items: z.array(inputOut) }) },
    },
    handler: async (req) => ({
      items: await service.listInputs(ctx, actorOf(req), toKind(req.params.kind), req.params.id),
    }),
  });

  app.get('/api/v1/credit/:kind/:id/measures', {
    config: { access: { roles: LOOKUP } },
    schema: {
      tags,
      summary: 'Measures that apply to the subject by its class (inspection rate rule, batch exit, audit frequency)',
      params: subjectParams,
      querystring: z.object({ asOf: isoDate.optional() }).strict(),
      response: { 200: measuresOut },
    },
    handler: async (req) =>
      service.getMeasures(ctx, actorOf(req), toKind(req.params.kind), req.params.id, req.query.asOf),
  });

  app.post('/api/v1/credit/inputs', {
    config: { access: { roles: FEEDERS } },
    schema: {
      tags,
      summary: 'Record a sector rating, a legal event or an AEO action; the class is recomputed at once',
      body: creditInputBody,
      response: {
        201: z.object({
          inputId: z.string(),
          class: z.string(),
          classChanged: z.boolean(),
          alreadyRecorded: z.boolean(),
        }),
      },
    },
    handler: async (req, reply) => reply.code(201).send(await service.recordInput(ctx, actorOf(req), req.body)),
  });

  app.post('/api/v1/credit/inputs/bulk', {
    config: { access: { roles: FEEDERS } },
    schema: {
      tags,
      summary:
        `Record up to ${service.BULK_LIMIT} inputs at once, all or nothing: one bad record refuses the ` +
        `request, naming records[i] and the rule. For larger backfills use \`tidegate credit import\`.`,
      body: z.object({ records: z.array(creditInputBody).min(1).max(service.BULK_LIMIT) }).strict(),
      response: { 200: bulkResultOut },
    },
    handler: async (req) => service.importInputs(ctx, actorOf(req), req.body.records),
  });

  app.post('/api/v1/credit/inputs/:inputId/withdraw', {
    config: { access: { roles: FEEDERS } },
    schema: {
      tags,
      summary: 'Withdraw an input that was wrong (a correction, never an edit); it stops counting from date',
      params: z.object({ inputId: z.uuid() }),
      body: withdrawalBody,
      response: {
        200: z.object({ inputId: z.string(), withdrawnOn: z.string(), class: z.string(), classChanged: z.boolean() }),
      },
    },
    handler: async (req) => service.withdrawInput(ctx, actorOf(req), req.params.inputId, req.body),
  });

  app.get('/api/v1/credit/changes', {
    config: { access: { roles: [...OFFICER_ROLES, 'department'] } },
    schema: {
      tags,
      summary: 'Cursor feed of class changes for departments: pass the last seq you processed as after',
      querystring: z
        .object({
          after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        })
        .strict(),
      response: { 200: z.object({ items: z.array(changeOut), next: z.number() }) },
    },
    // Desensitised by data class for the reader's role: a department gets no decision numbers.
    handler: async (req) =>
      changesFor(actorOf(req).role as ReaderRole, await service.changesAfter(ctx.db, req.query.after, req.query.limit)),
  });

  app.get('/api/v1/credit/stats', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary: 'Classified subjects by class (command centre panel)',
      response: {
        200: z.object({ items: z.array(z.object({ subjectKind: z.string(), class: z.string(), count: z.number() })) }),
      },
    },
    handler: async () => ({ items: await service.countsByClass(ctx) }),
  });

  app.post('/api/v1/credit/sweep', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags,
      summary: 'Run the automatic-removal sweep now (it also runs daily at 00:05 Asia/Shanghai)',
      response: { 200: z.object({ checked: z.number(), changed: z.number() }) },
    },
    handler: async () => service.sweep(ctx, shanghaiDate(ctx.clock.now())),
  });
};
