import { z } from 'zod';
import type { ApiPlugin } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/http/authHook.ts';
import { OFFICER_ROLES, type Role } from '../../platform/auth/roles.ts';
import { isoDate } from '../../kernel/wire.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import * as service from './service.ts';
import { changeOut, creditInputBody, creditOut } from './wire.ts';

const tags = ['credit'];
const measuresOut = z.object({
  class: z.string(),
  subjectKind: z.string(),
  inspectionRate: z.union([z.object({ kind: z.literal('MULTIPLIER'), multiplier: z.string() }), z.object({ kind: z.literal('FLOOR'), minimumRate: z.string() })]),
  batchExitAllowed: z.boolean(),
  inspectWithoutRiskAlert: z.boolean(),
  auditFrequency: z.string(),
  parameterVersions: z.record(z.string(), z.number()),
});
const LOOKUP: Role[] = [...OFFICER_ROLES, 'department', 'enterprise_user'];
const FEEDERS: Role[] = ['admin', 'department', 'auditor'];
const kindParam = z.enum(['enterprise', 'individual']);
const toKind = (k: 'enterprise' | 'individual'): 'ENTERPRISE' | 'INDIVIDUAL' => (k === 'enterprise' ? 'ENTERPRISE' : 'INDIVIDUAL');

export const creditRoutes: ApiPlugin = (app, ctx) => {
  app.get('/api/v1/credit/:kind/:id', {
    config: { access: { roles: LOOKUP } },
    schema: {
      tags,
      summary: 'Credit class (二线口岸通关信用) of an enterprise (USCC) or individual (id), with reasons; any past or future date with asOf',
      params: z.object({ kind: kindParam, id: z.string().min(1).max(64) }),
      querystring: z.object({ asOf: isoDate.optional() }).strict(),
      response: { 200: creditOut },
    },
    handler: async (req) => service.getCredit(ctx, actorOf(req), toKind(req.params.kind), req.params.id, req.query.asOf),
  });

  app.get('/api/v1/credit/:kind/:id/history', {
    config: { access: { roles: LOOKUP } },
    schema: { tags, summary: 'Every recorded class change of a subject', params: z.object({ kind: kindParam, id: z.string().min(1).max(64) }), response: { 200: z.object({ items: z.array(changeOut) }) } },
    handler: async (req) => ({ items: await service.classHistory(ctx, actorOf(req), toKind(req.params.kind), req.params.id) }),
  });

  app.get('/api/v1/credit/:kind/:id/inputs', {
    config: { access: { roles: [...OFFICER_ROLES, 'department'] } },
    schema: { tags, summary: 'The inputs behind a class, by department, with withdrawals', params: z.object({ kind: kindParam, id: z.string().min(1).max(64) }), response: { 200: z.object({ items: z.array(z.record(z.string(), z.unknown())) }) } },
    handler: async (req) => ({ items: await service.listInputs(ctx, actorOf(req), toKind(req.params.kind), req.params.id) }),
  });

  app.get('/api/v1/credit/:kind/:id/measures', {
    config: { access: { roles: [...OFFICER_ROLES, 'department', 'enterprise_user'] } },
    schema: { tags, summary: 'Measures that apply to the subject by its class (inspection rate rule, batch exit, audit frequency)', params: z.object({ kind: kindParam, id: z.string().min(1).max(64) }), querystring: z.object({ asOf: isoDate.optional() }).strict(), response: { 200: measuresOut } },
    handler: async (req) => {
      await service.resolveSubject(ctx.db, actorOf(req), toKind(req.params.kind), req.params.id);
      return service.measuresForSubject(ctx.db, toKind(req.params.kind), req.params.id, req.query.asOf ?? shanghaiDate(ctx.clock.now()));
    },
  });

  app.post('/api/v1/credit/inputs', {
    config: { access: { roles: FEEDERS } },
    schema: { tags, summary: 'Record a sector rating, a legal event or an AEO action; the class is recomputed at once', body: creditInputBody, response: { 201: z.object({ inputId: z.string(), class: z.string(), classChanged: z.boolean() }) } },
    handler: async (req, reply) => reply.code(201).send(await service.recordInput(ctx, actorOf(req), req.body)),
  });

  app.post('/api/v1/credit/inputs/bulk', {
    config: { access: { roles: FEEDERS } },
    schema: {
      tags,
      summary: 'Record up to 1000 inputs at once (backfills); unknown subjects are reported by index and skipped',
      body: z.object({ records: z.array(creditInputBody).min(1).max(1000) }).strict(),
      response: { 200: z.object({ imported: z.number(), rejected: z.number(), subjectsRecomputed: z.number(), classChanges: z.number(), errors: z.array(z.object({ line: z.number(), path: z.string(), message: z.string() })) }) },
    },
    handler: async (req) => service.importInputs(ctx, actorOf(req), req.body.records.map((record, i) => ({ line: i, record }))),
  });

  app.post('/api/v1/credit/inputs/:inputId/withdraw', {
    config: { access: { roles: FEEDERS } },
    schema: { tags, summary: 'Withdraw an input that was wrong (a correction, never an edit)', params: z.object({ inputId: z.uuid() }), body: z.object({ date: isoDate.optional(), reason: z.string().trim().min(3).max(500) }).strict(), response: { 200: z.object({ inputId: z.string(), withdrawnOn: z.string(), class: z.string(), classChanged: z.boolean() }) } },
    handler: async (req) => service.withdrawInput(ctx, actorOf(req), req.params.inputId, req.body),
  });

  app.get('/api/v1/credit/changes', {
    config: { access: { roles: [...OFFICER_ROLES, 'department'] } },
    schema: { tags, summary: 'Cursor feed of class changes for departments: pass the last seq you processed as after', querystring: z.object({ after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(1000).default(100) }).strict(), response: { 200: z.object({ items: z.array(changeOut), next: z.number() }) } },
    handler: async (req) => service.changesAfter(ctx.db, req.query.after, req.query.limit),
  });

  app.get('/api/v1/credit/stats', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: { tags, summary: 'Subjects by class (command centre panel)', response: { 200: z.object({ items: z.array(z.object({ subjectKind: z.string(), class: z.string(), count: z.number() })) }) } },
    handler: async () => ({ items: await service.countsByClass(ctx) }),
  });

  app.post('/api/v1/credit/sweep', {
    config: { access: { roles: ['admin'] } },
    schema: { tags, summary: 'Run the automatic-removal sweep now (it also runs daily at 00:05 Asia/Shanghai)', response: { 200: z.object({ checked: z.number(), changed: z.number() }) } },
    handler: async () => service.sweep(ctx, shanghaiDate(ctx.clock.now())),
  });
};
