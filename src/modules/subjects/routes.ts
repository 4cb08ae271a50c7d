import { z } from 'zod';
import type { ApiPlugin } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/http/authHook.ts';
import { OFFICER_ROLES, type Role } from '../../platform/auth/roles.ts';
import { text } from '../../kernel/wire.ts';
import * as service from './service.ts';
import {
  createEnterpriseBody,
  createIndividualBody,
  enterpriseOut,
  enterprisePage,
  enterpriseSearchQuery,
  grantQualificationBody,
  individualOut,
  qualificationOut,
  relinquishBody,
  usccField,
} from './wire.ts';

const REGISTRARS: Role[] = ['admin', 'auditor'];
const READERS: Role[] = [...OFFICER_ROLES, 'department', 'enterprise_user'];
const tags = ['subjects'];

export const subjectsRoutes: ApiPlugin = (app, ctx) => {
  app.post('/api/v1/enterprises', {
    config: { access: { roles: REGISTRARS } },
    schema: { tags, summary: 'Register an enterprise', body: createEnterpriseBody, response: { 201: enterpriseOut } },
    handler: async (req, reply) => reply.code(201).send(await service.createEnterprise(ctx, actorOf(req), req.body)),
  });

  app.get('/api/v1/enterprises', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'Search enterprises by name or USCC (an enterprise user sees only its own)',
      querystring: enterpriseSearchQuery,
      response: { 200: enterprisePage },
    },
    handler: async (req) => service.searchEnterprises(ctx, actorOf(req), req.query),
  });

  app.get('/api/v1/enterprises/:uscc', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'Get an enterprise',
      params: z.object({ uscc: usccField }),
      response: { 200: enterpriseOut },
    },
    handler: async (req) => service.getEnterprise(ctx, actorOf(req), req.params.uscc),
  });

  app.get('/api/v1/enterprises/:uscc/qualifications', {
    config: { access: { roles: READERS } },
    schema: {
      tags,
      summary: 'Qualifications of an enterprise',
      params: z.object({ uscc: usccField }),
      response: { 200: z.object({ items: z.array(qualificationOut) }) },
    },
    handler: async (req) => ({ items: await service.listQualifications(ctx, actorOf(req), req.params.uscc) }),
  });

  app.post('/api/v1/enterprises/:uscc/qualifications', {
    config: { access: { roles: REGISTRARS } },
    schema: {
      tags,
      summary: 'Grant a qualification for a period',
      params: z.object({ uscc: usccField }),
      body: grantQualificationBody,
      response: { 201: qualificationOut },
    },
    handler: async (req, reply) =>
      reply.code(201).send(await service.grantQualification(ctx, actorOf(req), req.params.uscc, req.body)),
  });

  app.post('/api/v1/enterprises/:uscc/qualifications/:id/relinquish', {
    config: { access: { roles: [...REGISTRARS, 'enterprise_user'] } },
    schema: {
      tags,
      summary: 'Give up a qualification (starts the re-application bar)',
      params: z.object({ uscc: usccField, id: z.uuid() }),
      body: relinquishBody,
      response: { 200: qualificationOut },
    },
    handler: async (req) =>
      service.relinquishQualification(ctx, actorOf(req), req.params.uscc, req.params.id, req.body),
  });

  app.post('/api/v1/individuals', {
    config: { access: { roles: ['admin', 'inspector', 'auditor'] } },
    schema: {
      tags,
      summary: 'Register an individual (ID number and name encrypted at rest)',
      body: createIndividualBody,
      response: { 201: individualOut },
    },
    handler: async (req, reply) => reply.code(201).send(await service.createIndividual(ctx, actorOf(req), req.body)),
  });

  app.get('/api/v1/individuals/:id', {
    config: { access: { roles: [...OFFICER_ROLES, 'department'] } },
    schema: {
      tags,
      summary: 'Get an individual (masked unless the role needs personal data)',
      params: z.object({ id: z.uuid() }),
      response: { 200: individualOut },
    },
    handler: async (req) => service.getIndividual(ctx, actorOf(req), req.params.id),
  });

  app.post('/api/v1/individuals/lookup', {
    config: { access: { roles: [...OFFICER_ROLES, 'department', 'dutyfree_shop'] } },
    schema: {
      tags,
      summary: 'Find an individual by ID number (sent in the body, never in a URL)',
      body: z.object({ idType: z.enum(['RESIDENT_ID', 'PASSPORT']), idNumber: text.min(1).max(32) }).strict(),
      response: { 200: individualOut },
    },
    handler: async (req) => service.findIndividualByIdNumber(ctx, actorOf(req), req.body.idType, req.body.idNumber),
  });
};
