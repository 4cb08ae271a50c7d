import { z } from 'zod';
import type { ApiPlugin } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/http/authHook.ts';
import { replicaRead } from '../../platform/http/reads.ts';
import { OFFICER_ROLES, type Role } from '../../platform/auth/roles.ts';
import { isoDate, text } from '../../kernel/wire.ts';
import * as service from './service.ts';
import { FIELD_CATALOGUE, SALE_FIELD_CATALOGUE } from './fields.ts';
import { FUNCTION_NAMES } from './expression.ts';
import {
  alertItemOut,
  alertQuery,
  backtestOut,
  backtestWindow,
  decisionDetailOut,
  featureBody,
  featureCode,
  featureSummaryOut,
  featureVersionOut,
  modelOut,
  modelPerformanceOut,
  statsPointOut,
  trainBody,
  validateBody,
} from './wire.ts';

const tags = ['risk'];
/** Detection rules are confidential: analysts write them, auditors and administrators oversee them. */
const RULE_READERS: Role[] = ['admin', 'risk_analyst', 'auditor'];
const ANALYSTS: Role[] = ['risk_analyst'];
const versionParams = z.object({ code: featureCode, version: z.coerce.number().int().min(1).max(1_000_000) });
const modelParams = z.object({ version: z.coerce.number().int().min(1).max(1_000_000) });
const featureRef = z.object({ code: featureCode, version: z.number().int().min(1).max(1_000_000) }).strict();

const overviewBlock = z.object({
  assessed: z.number(),
  selected: z.number(),
  unbiasedSample: z.number(),
  outcomes: z.number(),
  hits: z.number(),
  unbiasedOutcomes: z.number(),
  unbiasedHits: z.number(),
  revenueRecovered: z.string(),
  inspectionRate: z.number().nullable(),
  hitRate: z.number().nullable(),
  unbiasedHitRate: z.number().nullable(),
});

export const riskRoutes: ApiPlugin = (app, ctx) => {
  app.get('/api/v1/risk/alerts', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary:
        'Alert queue (布控指令队列): risk decisions newest first, RED and YELLOW by default; filter by ' +
        'level, port, trader (USCC), dates, selection',
      querystring: alertQuery,
      response: {
        200: z.object({ items: z.array(alertItemOut), total: z.number(), page: z.number(), pageSize: z.number() }),
      },
    },
    handler: async (req) => replicaRead(ctx, req, (c) => service.listAlerts(c, req.query)),
  });

  app.get('/api/v1/risk/overview', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary: 'Decisions, inspection and hit rates by level, credit class, port and week',
      querystring: z.object({ from: isoDate.optional(), to: isoDate.optional() }).strict(),
      response: {
        200: z.object({
          from: z.string(),
          to: z.string(),
          total: overviewBlock,
          byLevel: z.array(overviewBlock.extend({ level: z.string() })),
          byClass: z.array(overviewBlock.extend({ creditClass: z.string() })),
          byPort: z.array(overviewBlock.extend({ port: z.string() })),
          byWeek: z.array(overviewBlock.extend({ week: z.string(), red: overviewBlock })),
        }),
      },
    },
    handler: async (req) => replicaRead(ctx, req, (c) => service.riskOverview(c, req.query)),
  });

  app.get('/api/v1/risk/decisions/:declarationId', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary:
        'A risk decision with its explanation: fired features and evidence, model score and drivers, ' +
        'random draw, selection, versions',
      params: z.object({ declarationId: z.uuid() }),
      response: { 200: decisionDetailOut },
    },
    handler: async (req) => service.getDecision(ctx, req.params.declarationId),
  });

  app.get('/api/v1/risk/decisions/:declarationId/replay', {
    config: { access: { roles: RULE_READERS } },
    schema: {
      tags,
      summary: 'Recompute a decision from its stored facts and versions and compare (reproducibility)',
      params: z.object({ declarationId: z.uuid() }),
      response: {
        200: z.object({
          declarationId: z.string(),
          identical: z.boolean(),
          differences: z.array(z.string()),
          original: z.record(z.string(), z.unknown()),
          replayed: z.record(z.string(), z.unknown()),
        }),
      },
    },
    handler: async (req) => service.replayDecision(ctx, req.params.declarationId),
  });

  app.get('/api/v1/risk/fields', {
    config: { access: { roles: RULE_READERS } },
    schema: {
      tags,
      summary: 'The facts and functions a feature expression may use',
      response: {
        200: z.object({
          fields: z.array(
            z.object({ name: z.string(), type: z.string(), scope: z.string(), zh: z.string(), en: z.string() }),
          ),
          functions: z.array(z.string()),
        }),
      },
    },
    handler: async () => ({
      fields: [...FIELD_CATALOGUE, ...SALE_FIELD_CATALOGUE].map((f) => ({ ...f })),
      functions: FUNCTION_NAMES,
    }),
  });

  app.post('/api/v1/risk/features/validate', {
    config: { access: { roles: RULE_READERS } },
    schema: {
      tags,
      summary: 'Check a feature expression without saving it (the editor calls this as the analyst types)',
      body: validateBody,
      response: {
        200: z.object({
          ok: z.boolean(),
          fields: z.array(z.string()),
          errors: z.array(z.object({ path: z.string(), message: z.string(), rule: z.string(), column: z.number() })),
        }),
      },
    },
    handler: async (req) => {
      const r = service.expressionProblem(req.body.expression, req.body.scope);
      return r.ok ? { ok: true, fields: r.fields, errors: [] } : { ok: false, fields: [], errors: r.errors };
    },
  });

  app.get('/api/v1/risk/features', {
    config: { access: { roles: RULE_READERS } },
    schema: {
      tags,
      summary:
        'The feature library (风险特征库): each feature with its pending or live version and its 90-day hit rate and yield',
      querystring: z.object({ status: z.enum(['DRAFT', 'SHADOW', 'LIVE', 'RETIRED']).optional() }).strict(),
      response: { 200: z.object({ items: z.array(featureSummaryOut) }) },
    },
    handler: async (req) => ({ items: await service.listFeatures(ctx, req.query) }),
  });

  app.post('/api/v1/risk/features', {
    config: { access: { roles: ANALYSTS } },
    schema: {
      tags,
      summary:
        'Save a draft: a new feature, or a new version of an existing code. An expression that does ' +
        'not compile is refused with its column',
      body: featureBody,
      response: { 201: featureVersionOut },
    },
    handler: async (req, reply) => reply.code(201).send(await service.createFeatureDraft(ctx, actorOf(req), req.body)),
  });

  app.post('/api/v1/risk/features/backtest', {
    config: { access: { roles: ANALYSTS } },
    schema: {
      tags,
      summary: 'Backtest several versions in one pass over past declarations',
      body: backtestWindow.extend({ items: z.array(featureRef).min(1).max(200) }).strict(),
      response: { 200: z.object({ items: z.array(backtestOut) }) },
    },
    handler: async (req) => ({ items: await service.backtestFeatures(ctx, actorOf(req), req.body.items, req.body) }),
  });

  app.post('/api/v1/risk/features/approve', {
    config: { access: { roles: ANALYSTS } },
    schema: {
      tags,
      summary: 'Approve several backtested versions at once (four eyes: never your own); one new feature-set version',
      body: z.object({ items: z.array(featureRef).min(1).max(200) }).strict(),
      response: { 200: z.object({ items: z.array(featureVersionOut) }) },
    },
    handler: async (req) => ({ items: await service.approveFeatures(ctx, actorOf(req), req.body.items) }),
  });

  app.get('/api/v1/risk/features/:code', {
    config: { access: { roles: RULE_READERS } },
    schema: {
      tags,
      summary: 'Every version of a feature, newest first, with its latest backtest',
      params: z.object({ code: featureCode }),
      response: { 200: z.object({ items: z.array(featureVersionOut) }) },
    },
    handler: async (req) => ({ items: await service.getFeature(ctx, req.params.code) }),
  });

  app.get('/api/v1/risk/features/:code/stats', {
    config: { access: { roles: RULE_READERS } },
    schema: {
      tags,
      summary: 'Hit rate and yield of a feature over time',
      params: z.object({ code: featureCode }),
      querystring: z
        .object({
          version: z.coerce.number().int().min(1).optional(),
          bucket: z.enum(['day', 'week']).default('week'),
          from: isoDate.optional(),
          to: isoDate.optional(),
        })
        .strict(),
      response: { 200: z.object({ items: z.array(statsPointOut) }) },
    },
    handler: async (req) => ({ items: await service.featureStats(ctx, req.params.code, req.query) }),
  });

  app.post('/api/v1/risk/features/:code/versions/:version/backtest', {
    config: { access: { roles: ANALYSTS } },
    schema: {
      tags,
      summary:
        'Backtest a version over past declarations: hits, would-be inspection rate, precision and ' +
        'recall on known outcomes, revenue',
      params: versionParams,
      body: backtestWindow,
      response: { 200: backtestOut },
    },
    handler: async (req) => service.backtestFeature(ctx, actorOf(req), req.params.code, req.params.version, req.body),
  });

  app.post('/api/v1/risk/features/:code/versions/:version/shadow', {
    config: { access: { roles: ANALYSTS } },
    schema: {
      tags,
      summary: 'Run a draft in shadow mode: scored with every declaration, recorded, never acted on',
      params: versionParams,
      response: { 200: featureVersionOut },
    },
    handler: async (req) => service.shadowFeature(ctx, actorOf(req), req.params.code, req.params.version),
  });

  app.post('/api/v1/risk/features/:code/versions/:version/approve', {
    config: { access: { roles: ANALYSTS } },
    schema: {
      tags,
      summary: 'Make a backtested version live; only an analyst other than its author may',
      params: versionParams,
      response: { 200: featureVersionOut },
    },
    handler: async (req) => (await service.approveFeatures(ctx, actorOf(req), [req.params]))[0]!,
  });

  app.post('/api/v1/risk/features/:code/versions/:version/retire', {
    config: { access: { roles: ANALYSTS } },
    schema: {
      tags,
      summary: 'Retire a version (it stops counting from the next feature-set version)',
      params: versionParams,
      body: z.object({ reason: text.trim().min(5).max(500) }).strict(),
      response: { 200: featureVersionOut },
    },
    handler: async (req) =>
      service.retireFeature(ctx, actorOf(req), req.params.code, req.params.version, req.body.reason),
  });

  app.get('/api/v1/risk/models', {
    config: { access: { roles: RULE_READERS } },
    schema: {
      tags,
      summary: 'Model versions with their validation metrics and latest backtest, newest first',
      response: { 200: z.object({ items: z.array(modelOut) }) },
    },
    handler: async () => ({ items: await service.listModels(ctx) }),
  });

  app.get('/api/v1/risk/models/performance', {
    config: { access: { roles: RULE_READERS } },
    schema: {
      tags,
      summary: 'Week by week, how the scoring models did on declarations with an outcome',
      querystring: z.object({ from: isoDate.optional(), to: isoDate.optional() }).strict(),
      response: { 200: z.object({ items: z.array(modelPerformanceOut) }) },
    },
    handler: async (req) => ({ items: await service.modelPerformance(ctx, req.query) }),
  });

  app.post('/api/v1/risk/models/train', {
    config: { access: { roles: ANALYSTS } },
    schema: {
      tags,
      summary: 'Train a model on the labelled declarations (newest share held out for validation); stored as a draft',
      body: trainBody,
      response: { 201: modelOut },
    },
    handler: async (req, reply) => reply.code(201).send(await service.trainRiskModel(ctx, actorOf(req), req.body)),
  });

  app.post('/api/v1/risk/models/:version/backtest', {
    config: { access: { roles: ANALYSTS } },
    schema: {
      tags,
      summary: 'Score past declarations with a model version: metrics on known outcomes, would-be RED rate',
      params: modelParams,
      body: backtestWindow,
      response: { 200: backtestOut },
    },
    handler: async (req) => service.backtestModel(ctx, actorOf(req), req.params.version, req.body),
  });

  app.post('/api/v1/risk/models/:version/shadow', {
    config: { access: { roles: ANALYSTS } },
    schema: {
      tags,
      summary: 'Run a model in shadow mode (scored and recorded, never acted on)',
      params: modelParams,
      response: { 200: modelOut },
    },
    handler: async (req) => service.shadowModel(ctx, actorOf(req), req.params.version),
  });

  app.post('/api/v1/risk/models/:version/approve', {
    config: { access: { roles: ANALYSTS } },
    schema: {
      tags,
      summary: 'Make a backtested model live; only an analyst other than the one who trained it may',
      params: modelParams,
      response: { 200: modelOut },
    },
    handler: async (req) => service.approveModel(ctx, actorOf(req), req.params.version),
  });

  app.post('/api/v1/risk/models/:version/retire', {
    config: { access: { roles: ANALYSTS } },
    schema: {
      tags,
      summary: 'Retire a model version (a live one stops scoring)',
      params: modelParams,
      response: { 200: modelOut },
    },
    handler: async (req) => service.retireModel(ctx, actorOf(req), req.params.version),
  });
};
