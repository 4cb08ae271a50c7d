import type { ApiPlugin } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/http/authHook.ts';
import { OFFICER_ROLES } from '../../platform/auth/roles.ts';
import { problems } from '../../kernel/problem.ts';
import { z } from 'zod';
import { findEnterpriseByUscc } from '../subjects/service.ts';
import * as service from './service.ts';
import {
  certificateBody,
  certificateOut,
  certificateParams,
  certificatesQuery,
  checkBody,
  checkResponse,
} from './wire.ts';

const tags = ['origin'];

/** Certificates of origin (原产地证书) and their check against a declaration line (联网验核). */
export const originRoutes: ApiPlugin = (app, ctx) => {
  app.post('/api/v1/origin/certificates', {
    config: { access: { roles: ['department', 'admin', 'inspector'] } },
    schema: {
      tags,
      summary: 'Record a certificate of origin (pushed by a department or entered by an officer)',
      body: certificateBody,
      response: { 200: certificateOut },
    },
    handler: async (req) => service.recordCertificate(ctx, actorOf(req), req.body),
  });

  app.get('/api/v1/origin/certificates', {
    config: { access: { roles: [...OFFICER_ROLES, 'department'] } },
    schema: {
      tags,
      summary: 'Certificates of origin on record',
      querystring: certificatesQuery,
      response: { 200: z.object({ items: z.array(certificateOut) }) },
    },
    handler: async (req) => service.listCertificates(ctx, req.query),
  });

  app.get('/api/v1/origin/certificates/:agreement/:number', {
    config: { access: { roles: [...OFFICER_ROLES, 'department'] } },
    schema: {
      tags,
      summary: 'One certificate of origin',
      params: certificateParams,
      response: { 200: certificateOut },
    },
    handler: async (req) => service.getCertificate(ctx, req.params.agreement, req.params.number),
  });

  app.post('/api/v1/origin/check', {
    config: { access: { roles: [...OFFICER_ROLES, 'department', 'enterprise_user'] } },
    schema: {
      tags,
      summary: 'Check a certificate of origin against a declaration line (原产地证书联网验核)',
      body: checkBody,
      response: { 200: checkResponse },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      const e = await findEnterpriseByUscc(ctx.db, req.body.importerUscc);
      if (!e || (actor.role === 'enterprise_user' && actor.enterpriseId !== e.id)) {
        throw problems.notFound(`Enterprise ${req.body.importerUscc}`);
      }
      const bad = await service.certificateCheck(ctx.db, {
        certificateNumber: req.body.certificateNumber,
        agreement: req.body.agreement ?? null,
        hsCode: req.body.hsCode,
        originCountry: req.body.originCountry,
        enterpriseId: e.id,
        date: req.body.date,
      });
      return { valid: !bad, rule: bad?.rule ?? null, reason: bad?.reason ?? null, message: bad?.message ?? null };
    },
  });
};
