import { z } from 'zod';
import type { ApiPlugin } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/http/authHook.ts';
import { ALL_ROLES, OFFICER_ROLES } from '../../platform/auth/roles.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { problems } from '../../kernel/problem.ts';
import * as service from './service.ts';
import { parseRestrictedCsv, type ListFileError } from './listFile.ts';
import {
  entryOut,
  importListBody,
  importListResponse,
  licenceNumberParams,
  licenceOut,
  licencesQuery,
  listQuery,
  pushLicenceBody,
  screenQuery,
  screenResponse,
  useLicenceBody,
  useLicenceResponse,
  usesResponse,
} from './wire.ts';

const tags = ['licences'];

function rowProblem(errors: readonly ListFileError[]) {
  const fieldErrors = errors
    .slice(0, 200)
    .map((e) => ({ path: `csv[${e.line}].${e.path}`, message: `line ${e.line}: ${e.message}`, rule: e.rule }));
  const detail =
    `${errors.length} row error(s); nothing was loaded. csv[N] is line N of the file ` + `(the header is line 1).`;
  return problems.validation(fieldErrors, detail);
}

/** Prohibited and restricted goods (禁限目录) and licences (许可证件). */
export const licenceRoutes: ApiPlugin = (app, ctx) => {
  const today = () => shanghaiDate(ctx.clock.now());

  app.post('/api/v1/restricted-goods/import', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags,
      summary: 'Load the prohibited and restricted goods list from CSV; all or nothing, each bad row named by line',
      body: importListBody,
      response: { 200: importListResponse },
    },
    handler: async (req) => {
      const parsed = parseRestrictedCsv(req.body.csv);
      if (parsed.errors.length) throw rowProblem(parsed.errors);
      return service.importRestrictedList(ctx, actorOf(req), parsed.rows, { source: req.body.source ?? 'CSV import' });
    },
  });

  app.get('/api/v1/restricted-goods', {
    config: { access: { roles: [...ALL_ROLES] } },
    schema: {
      tags,
      summary: 'The prohibited and restricted goods list in force on a day (default today)',
      querystring: listQuery,
      response: { 200: z.object({ asOf: z.string(), items: z.array(entryOut) }) },
    },
    handler: async (req) => {
      const asOf = req.query.asOf ?? today();
      return { asOf, items: await service.restrictedListOn(ctx.db, asOf) };
    },
  });

  app.get('/api/v1/restricted-goods/check', {
    config: { access: { roles: [...ALL_ROLES] } },
    schema: {
      tags,
      summary: 'Whether goods (code and description) are prohibited or restricted in a direction on a day',
      querystring: screenQuery,
      response: { 200: screenResponse },
    },
    handler: async (req) => {
      const date = req.query.date ?? today();
      const { hsCode, description, direction } = req.query;
      const [s] = await service.screenGoods(ctx.db, { lines: [{ hsCode, description }], direction, date });
      const verdict: 'PROHIBITED' | 'RESTRICTED' | 'FREE' = s!.prohibited.length
        ? 'PROHIBITED'
        : s!.restricted.length
          ? 'RESTRICTED'
          : 'FREE';
      return { hsCode, direction, date, verdict, ...s! };
    },
  });

  app.post('/api/v1/licences', {
    config: { access: { roles: ['department', 'admin'] } },
    schema: {
      tags,
      summary: 'Register or amend a licence (the issuing department pushes it); never below what was written off',
      body: pushLicenceBody,
      response: { 200: licenceOut },
    },
    handler: async (req) => service.pushLicence(ctx, actorOf(req), req.body),
  });

  app.get('/api/v1/licences', {
    config: { access: { roles: [...OFFICER_ROLES, 'department', 'enterprise_user'] } },
    schema: {
      tags,
      summary: 'Licences (an enterprise sees its own), with what is used and left',
      querystring: licencesQuery,
      response: { 200: z.object({ items: z.array(licenceOut) }) },
    },
    handler: async (req) => service.listLicences(ctx, actorOf(req), req.query),
  });

  app.get('/api/v1/licences/:number', {
    config: { access: { roles: [...OFFICER_ROLES, 'department', 'enterprise_user'] } },
    schema: {
      tags,
      summary: 'A licence and its write-offs',
      params: licenceNumberParams,
      response: { 200: usesResponse },
    },
    handler: async (req) => service.licenceUsesOf(ctx, actorOf(req), req.params.number),
  });

  app.post('/api/v1/licences/:number/uses', {
    config: { access: { roles: ['admin', 'inspector'] } },
    schema: {
      tags,
      summary: 'Write a licence off for one use (核销); refused when expired or exhausted, never below zero',
      params: licenceNumberParams,
      body: useLicenceBody,
      response: { 201: useLicenceResponse },
    },
    handler: async (req, reply) => {
      const number = req.params.number;
      const found = await service.getLicence(ctx, actorOf(req), number);
      const use = { ...req.body, licenceNumber: number, enterpriseId: found.holderEnterpriseId };
      reply.code(201);
      return service.useLicence(ctx, actorOf(req), use);
    },
  });
};
