import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { ApiPlugin } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/http/authHook.ts';
import { replicaRead } from '../../platform/http/reads.ts';
import { OFFICER_ROLES, type Role } from '../../platform/auth/roles.ts';
import { isoDate, text } from '../../kernel/wire.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import * as service from './service.ts';
import { forReader } from './audience.ts';
import {
  centralizedBody,
  declarationDetailOut,
  declarationListOut,
  declarationOut,
  exitDeclarationBody,
  listQuery,
  monthOut,
  reasonBody,
  taxBillOut,
} from './wire.ts';

const tags = ['declarations'];
const READERS: Role[] = [...OFFICER_ROLES, 'enterprise_user'];
const DECLARANT: Role[] = ['enterprise_user'];
const HOLD_OFFICERS: Role[] = ['admin', 'inspector'];
const idParams = z.object({ id: z.uuid() });
/** The projection of what a route answers for its caller: the declarant never sees a risk verdict (audience.ts). */
const reader = (req: FastifyRequest) => forReader(actorOf(req));

/** Second-line exit declarations, batch exits and centralized declarations, and tax bills. */
export const declarationsRoutes: ApiPlugin = (app, ctx) => {
  app.post('/api/v1/declarations/exits', {
    config: { access: { roles: DECLARANT } },
    schema: {
      tags,
      summary:
        'File a second-line exit declaration (二线出岛): reserves the book quantities, decides value added and ' +
        'taxes, risk-scores, then releases (release order) or holds (inspection)',
      body: exitDeclarationBody,
      response: { 201: declarationOut },
    },
    handler: async (req, reply) =>
      reply.code(201).send(reader(req).one(await service.submitExit(ctx, actorOf(req), req.body, 'SECOND_LINE_EXIT'))),
  });

  app.post('/api/v1/declarations/batches', {
    config: { access: { roles: DECLARANT } },
    schema: {
      tags,
      summary:
        'Let a batch leave on its release list (分批出岛): ADVANCED_CERTIFIED and WHITELIST enterprises; declared ' +
        'with the month by the centralized declaration',
      body: exitDeclarationBody,
      response: { 201: declarationOut },
    },
    handler: async (req, reply) =>
      reply.code(201).send(reader(req).one(await service.submitExit(ctx, actorOf(req), req.body, 'BATCH_EXIT'))),
  });

  app.post('/api/v1/declarations/centralized', {
    config: { access: { roles: DECLARANT } },
    schema: {
      tags,
      summary: "File the month's centralized declaration (集中申报): all batches that left, taxed once, one tax bill",
      body: centralizedBody,
      response: { 201: declarationOut },
    },
    handler: async (req, reply) =>
      reply.code(201).send(reader(req).one(await service.fileCentralized(ctx, actorOf(req), req.body))),
  });

  app.get('/api/v1/declarations/month', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: "A month's batch exits, its centralized declaration and due date, and the batch-exit facility",
      querystring: z
        .object({
          uscc: text.max(18).optional(),
          period: z
            .string()
            .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
            .optional(),
        })
        .strict(),
      response: { 200: monthOut },
    },
    handler: async (req) => reader(req).month(await service.monthOf(ctx, actorOf(req), req.query)),
  });

  app.get('/api/v1/declarations', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'Declarations, newest first (an enterprise user sees its own)',
      querystring: listQuery,
      response: { 200: declarationListOut },
    },
    handler: async (req) =>
      reader(req).list(await replicaRead(ctx, req, (c) => service.listDeclarations(c, actorOf(req), req.query))),
  });

  app.get('/api/v1/declarations/:id', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'A declaration with its state history and reasons, tax bills, versions and book reservation',
      params: idParams,
      response: { 200: declarationDetailOut },
    },
    handler: async (req) => reader(req).one(await service.getDeclaration(ctx, actorOf(req), req.params.id)),
  });

  app.post('/api/v1/declarations/:id/amend', {
    config: { access: { roles: DECLARANT } },
    schema: {
      tags,
      summary:
        'Amend: a new linked version; the old version is AMENDED, its reservation voided and the new one ' +
        'reserved in one transaction',
      params: idParams,
      body: exitDeclarationBody,
      response: { 201: declarationOut },
    },
    handler: async (req, reply) => {
      const prev = await service.getDeclaration(ctx, actorOf(req), req.params.id);
      return reply.code(201).send(
        reader(req).one(
          await service.submitExit(ctx, actorOf(req), req.body, prev.kind as 'SECOND_LINE_EXIT' | 'BATCH_EXIT', {
            previousId: req.params.id,
          }),
        ),
      );
    },
  });

  app.post('/api/v1/declarations/:id/cancel', {
    config: { access: { roles: ['enterprise_user', 'admin'] } },
    schema: {
      tags,
      summary: 'Cancel a declaration whose goods have not left: reservation voided, release orders cancelled',
      params: idParams,
      body: reasonBody,
      response: { 200: declarationOut },
    },
    handler: async (req) =>
      reader(req).one(await service.cancelDeclaration(ctx, actorOf(req), req.params.id, req.body.reason)),
  });

  app.post('/api/v1/declarations/:id/accept', {
    config: { access: { roles: HOLD_OFFICERS } },
    schema: {
      tags,
      summary: 'Officer: accept a HELD declaration (its inspection closed): tax bill and release order',
      params: idParams,
      body: reasonBody,
      response: { 200: declarationOut },
    },
    handler: async (req) => service.decideHeld(ctx, actorOf(req), req.params.id, 'ACCEPT', req.body.reason),
  });

  app.post('/api/v1/declarations/:id/reject', {
    config: { access: { roles: HOLD_OFFICERS } },
    schema: {
      tags,
      summary: 'Officer: reject a HELD declaration with a reason: the reserved goods return to the book',
      params: idParams,
      body: reasonBody,
      response: { 200: declarationOut },
    },
    handler: async (req) => service.decideHeld(ctx, actorOf(req), req.params.id, 'REJECT', req.body.reason),
  });

  app.get('/api/v1/declarations/batch-facility/:uscc', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'Whether the batch-exit facility of an enterprise is active or suspended, and why',
      params: z.object({ uscc: text.max(18) }),
      response: { 200: z.object({ status: z.string(), reason: z.string(), period: z.string().nullable() }) },
    },
    handler: async (req) => (await service.monthOf(ctx, actorOf(req), { uscc: req.params.uscc })).facility,
  });

  app.post('/api/v1/declarations/batch-facility/:uscc/lift', {
    config: { access: { roles: ['admin', 'auditor'] } },
    schema: {
      tags,
      summary: 'Officer: lift the suspension of a batch-exit facility, with a reason',
      params: z.object({ uscc: text.max(18) }),
      body: reasonBody,
      response: { 200: z.object({ status: z.string(), reason: z.string(), period: z.string().nullable() }) },
    },
    handler: async (req) => service.liftSuspension(ctx, actorOf(req), req.params.uscc, req.body.reason),
  });

  app.post('/api/v1/declarations/centralized/check', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags,
      summary:
        'Run the deadline check now: late or missing centralized declarations raise an alert and suspend batch exit',
      body: z.object({ date: isoDate.optional() }).strict(),
      response: { 200: z.object({ date: z.string(), alerts: z.number() }) },
    },
    handler: async (req) => service.checkCentralizedDeadlines(ctx, req.body.date ?? shanghaiDate(ctx.clock.now())),
  });

  app.get('/api/v1/tax-bills', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'Tax bills (税单), newest first (an enterprise user sees its own)',
      querystring: z
        .object({
          uscc: text.max(18).optional(),
          page: z.coerce.number().int().min(1).max(100_000).default(1),
          pageSize: z.coerce.number().int().min(1).max(200).default(20),
        })
        .strict(),
      response: { 200: z.object({ items: z.array(taxBillOut), total: z.number() }) },
    },
    handler: async (req) => replicaRead(ctx, req, (c) => service.listTaxBills(c, actorOf(req), req.query)),
  });

  app.get('/api/v1/tax-bills/export.csv', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'Export tax bills as CSV: one row per line, a total row per bill',
      querystring: z.object({ uscc: text.max(18).optional() }).strict(),
    },
    handler: async (req, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="tax-bills.csv"')
        .send(await replicaRead(ctx, req, (c) => service.taxBillsCsv(c, actorOf(req), { uscc: req.query.uscc }))),
  });

  app.get('/api/v1/tax-bills/:id', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'A tax bill with every rate, formula and parameter version used',
      params: idParams,
      response: { 200: taxBillOut },
    },
    handler: async (req) => service.getTaxBill(ctx, actorOf(req), req.params.id),
  });

  app.get('/api/v1/tax-bills/:id/csv', {
    config: { access: { roles: READERS } },
    schema: { tags, summary: 'One tax bill as CSV', params: idParams },
    handler: async (req, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="tax-bill-${req.params.id}.csv"`)
        .send(await service.taxBillsCsv(ctx, actorOf(req), { id: req.params.id })),
  });
};
