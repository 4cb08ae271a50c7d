import { z } from 'zod';
import type { ApiPlugin } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/http/authHook.ts';
import { OFFICER_ROLES, type Role } from '../../platform/auth/roles.ts';
import { problems } from '../../kernel/problem.ts';
import { runCommand } from '../../platform/command.ts';
import { validateSecondLinePortCode } from '../../kernel/ports.ts';
import { isoDateTime, text } from '../../kernel/wire.ts';
import * as service from './service.ts';
import {
  conflictOut,
  completeBody,
  deviceKeyBody,
  evidenceBody,
  evidenceOut,
  gateAnswerOut,
  gateEventBody,
  issueBody,
  laneOut,
  openTaskBody,
  orderOut,
  portViewOut,
  replayBody,
  replayOut,
  syncOut,
  shipmentOut,
  taskOut,
} from './wire.ts';

const tags = ['gate'];
const INSPECTORS: Role[] = ['admin', 'inspector'];
const ISSUERS: Role[] = ['admin', 'auditor'];
const taskParams = z.object({ taskId: z.uuid() });

function portOrProblem(portCode: string, path = 'portCode') {
  const v = validateSecondLinePortCode(portCode);
  if (v) throw problems.field(path, v.rule, v.message);
}

/** Second-line gates (二线卡口) and inspection (查验). `POST /api/v1/gate/events` is a fixed public contract. */
export const gateRoutes: ApiPlugin = (app, ctx) => {
  app.post('/api/v1/gate/events', {
    config: { access: { roles: ['gate_device'] } },
    schema: {
      tags,
      summary:
        'A truck at a second-line lane: PASS when an open release order matches (plate, containers, ' +
        'weight within tolerance, seals intact, no inspection hold), else DIVERT with every reason. ' +
        'The same eventId always gets the same answer; a PASS posts the reserved book quantities.',
      body: gateEventBody,
      response: { 200: gateAnswerOut },
    },
    handler: async (req) => {
      const b = req.body;
      portOrProblem(b.portCode);
      return service.recordGateEvent(ctx, actorOf(req), { ...b, at: new Date(b.at) });
    },
  });

  app.get('/api/v1/gate/lanes', {
    config: { access: { roles: [...OFFICER_ROLES, 'gate_device'] } },
    schema: {
      tags,
      summary: 'Customs channels (通道) of the 10 second-line ports (27 in all)',
      querystring: z.object({ portCode: text.max(64).optional() }).strict(),
      response: { 200: z.object({ items: z.array(laneOut) }) },
    },
    handler: async (req) => ({ items: await service.listLanes(ctx.db, req.query.portCode) }),
  });

  app.post('/api/v1/gate/release-orders', {
    config: { access: { roles: ISSUERS } },
    schema: {
      tags,
      summary:
        'Issue a release order (放行指令) over ledger reservations (declarations issue them on ' +
        'acceptance; officers for manual cases). Idempotent by releaseOrderId.',
      body: issueBody,
      response: { 200: orderOut },
    },
    handler: async (req) => {
      const b = req.body;
      return runCommand(ctx, 'gate.releaseOrder.issue', (tx) =>
        service.issueReleaseOrder(tx, ctx, {
          ...b,
          validFrom: new Date(b.validFrom),
          validTo: new Date(b.validTo),
          actor: actorOf(req),
        }),
      );
    },
  });

  app.get('/api/v1/gate/release-orders/sync', {
    config: { access: { roles: ['gate_device', 'admin'] } },
    schema: {
      tags,
      summary:
        "Gate-side cache feed: the port's release orders changed after a version cursor (cancelled and passed " +
        'ones too), with the weight tolerance in force',
      querystring: z
        .object({
          portCode: text.max(64),
          after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
          limit: z.coerce.number().int().min(1).max(1000).default(500),
        })
        .strict(),
      response: { 200: syncOut },
    },
    handler: async (req) => {
      portOrProblem(req.query.portCode);
      service.assertDeviceScope(actorOf(req), req.query.portCode);
      const page = await service.releaseOrderChanges(ctx.db, {
        portCode: req.query.portCode,
        after: req.query.after,
        limit: req.query.limit,
      });
      return { ...page, tolerance: await service.gateTolerance(ctx.db, ctx.clock.now()) };
    },
  });

  app.get('/api/v1/gate/release-orders/:id', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: { tags, summary: 'One release order', params: z.object({ id: z.uuid() }), response: { 200: orderOut } },
    handler: async (req) => {
      const o = await service.getReleaseOrder(ctx.db, req.params.id);
      if (!o) throw problems.notFound(`Release order ${req.params.id}`);
      return o;
    },
  });

  app.post('/api/v1/gate/devices/key', {
    config: { access: { roles: ['gate_device'] } },
    schema: {
      tags,
      summary:
        "Register the device's Ed25519 public key for its signed offline decision log (the same key again " +
        'changes nothing); a rotation names the first entry the new key signs and is endorsed by the current ' +
        'key, which keeps verifying the entries before it; newLog for a lane that lost its key',
      body: deviceKeyBody,
      response: { 200: z.object({ deviceId: z.string(), replayedSeq: z.number(), keyFromSeq: z.number() }) },
    },
    handler: async (req) => {
      const { publicKeyPem, fromSeq, endorsement, newLog } = req.body;
      if ((fromSeq === undefined) !== (endorsement === undefined)) {
        const missing = fromSeq === undefined ? 'fromSeq' : 'endorsement';
        throw problems.field(missing, 'gate.keyRotation', 'a rotation gives both fromSeq and endorsement');
      }
      if (newLog && fromSeq !== undefined) {
        throw problems.field('newLog', 'gate.keyRotation', 'a rotation continues the log; newLog starts another');
      }
      const rotation = fromSeq === undefined ? undefined : { fromSeq, endorsement: endorsement! };
      return service.registerDeviceKey(ctx, actorOf(req), publicKeyPem, rotation, newLog ?? false);
    },
  });

  app.post('/api/v1/gate/replay', {
    config: { access: { roles: ['gate_device'] } },
    bodyLimit: 8 * 1024 * 1024,
    schema: {
      tags,
      summary:
        "Replay the device's signed offline decision log when the link returns: the books are posted, conflicts " +
        'go to the officer queue',
      body: replayBody,
      response: { 200: replayOut },
    },
    handler: async (req) => service.replayDeviceLog(ctx, actorOf(req), req.body.entries as never),
  });

  app.get('/api/v1/gate/conflicts', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary: 'Officer queue: offline decisions the books could not take on replay',
      querystring: z.object({ status: z.enum(['OPEN', 'RESOLVED']).optional() }).strict(),
      response: { 200: z.object({ items: z.array(conflictOut) }) },
    },
    handler: async (req) => ({
      items: await service.listConflicts(ctx.db, {
        ...(req.query.status ? { status: req.query.status } : {}),
        limit: 500,
      }),
    }),
  });

  app.post('/api/v1/gate/conflicts/:id/resolve', {
    config: { access: { roles: ['admin', 'inspector', 'auditor'] } },
    schema: {
      tags,
      summary: 'Settle a replay conflict, saying how',
      params: z.object({ id: z.uuid() }),
      body: z.object({ resolution: text.min(1).max(1000) }).strict(),
      response: { 200: conflictOut },
    },
    handler: async (req) => service.resolveConflict(ctx, actorOf(req), req.params.id, req.body.resolution),
  });

  app.get('/api/v1/gate/ports/:portCode/view', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary:
        'Command-centre port view over the 24 hours before `until` (default now): lanes, trucks ' +
        'passed and diverted per hour, divert reasons, open inspections',
      params: z.object({ portCode: text.max(64) }),
      querystring: z.object({ until: isoDateTime.optional() }).strict(),
      response: { 200: portViewOut },
    },
    handler: async (req) => {
      portOrProblem(req.params.portCode);
      return service.portView(
        ctx.db,
        req.params.portCode,
        req.query.until ? new Date(req.query.until) : ctx.clock.now(),
      );
    },
  });

  app.get('/api/v1/inspection/tasks', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary: 'Inspection tasks, newest first (default: not yet completed)',
      querystring: z.object({ status: text.max(200).optional(), portCode: text.max(64).optional() }).strict(),
      response: { 200: z.object({ items: z.array(taskOut.extend(shipmentOut)) }) },
    },
    handler: async (req) => {
      const status = req.query.status ? req.query.status.split(',') : ['OPEN', 'ASSIGNED', 'IN_PROGRESS'];
      const tasks = await service.listTasks(ctx.db, {
        status: status.includes('ALL') ? [] : status,
        ...(req.query.portCode ? { portCode: req.query.portCode } : {}),
        limit: 500,
      });
      return { items: await service.withShipments(ctx.db, tasks) };
    },
  });

  app.post('/api/v1/inspection/tasks', {
    config: { access: { roles: ['admin', 'inspector', 'risk_analyst'] } },
    schema: {
      tags,
      summary: 'Open an inspection task (officer); risk selection and gate diverts open theirs through the service',
      body: openTaskBody,
      response: { 200: z.object({ taskId: z.string() }) },
    },
    handler: async (req) =>
      runCommand(ctx, 'inspection.open', (tx) =>
        service.openInspectionTask(tx, ctx, { ...req.body, source: 'OFFICER', actor: actorOf(req) }),
      ),
  });

  app.get('/api/v1/inspection/tasks/:taskId', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary: 'One inspection task with its evidence',
      params: taskParams,
      response: { 200: taskOut.extend({ ...shipmentOut, evidence: z.array(evidenceOut) }) },
    },
    handler: async (req) => {
      const t = await service.getTask(ctx.db, req.params.taskId);
      if (!t) throw problems.notFound(`Inspection task ${req.params.taskId}`);
      const [withShipment] = await service.withShipments(ctx.db, [t]);
      return { ...withShipment!, evidence: await service.listEvidence(ctx.db, t.id) };
    },
  });

  app.post('/api/v1/inspection/tasks/:taskId/assign', {
    config: { access: { roles: INSPECTORS } },
    schema: {
      tags,
      summary: 'Assign the task to an inspector (`me`: the caller, stored by their display name)',
      params: taskParams,
      body: z.object({ assignee: text.min(1).max(100) }).strict(),
      response: { 200: taskOut },
    },
    handler: async (req) =>
      runCommand(ctx, 'inspection.assign', (tx) =>
        service.assignTask(tx, ctx, { taskId: req.params.taskId, assignee: req.body.assignee, actor: actorOf(req) }),
      ),
  });

  app.post('/api/v1/inspection/tasks/:taskId/start', {
    config: { access: { roles: INSPECTORS } },
    schema: { tags, summary: 'Start the inspection', params: taskParams, response: { 200: taskOut } },
    handler: async (req) =>
      runCommand(ctx, 'inspection.start', (tx) =>
        service.startTask(tx, ctx, { taskId: req.params.taskId, actor: actorOf(req) }),
      ),
  });

  app.post('/api/v1/inspection/tasks/:taskId/evidence', {
    config: { access: { roles: INSPECTORS } },
    bodyLimit: 15 * 1024 * 1024,
    schema: {
      tags,
      summary: 'Attach an evidence file (base64); stored with its SHA-256',
      params: taskParams,
      body: evidenceBody,
      response: { 201: evidenceOut },
    },
    handler: async (req, reply) => {
      const content = Buffer.from(req.body.contentBase64, 'base64');
      const e = await runCommand(ctx, 'inspection.evidence', (tx) =>
        service.addEvidence(tx, ctx, {
          taskId: req.params.taskId,
          fileName: req.body.fileName,
          contentType: req.body.contentType,
          content,
          actor: actorOf(req),
        }),
      );
      return reply.code(201).send(e);
    },
  });

  app.get('/api/v1/inspection/tasks/:taskId/evidence/:evidenceId', {
    config: { access: { roles: OFFICER_ROLES } },
    schema: {
      tags,
      summary: 'Download an evidence file (checked against its SHA-256)',
      params: z.object({ taskId: z.uuid(), evidenceId: z.uuid() }),
    },
    handler: async (req, reply) => {
      const f = await service.evidenceFile(ctx.db, req.params.taskId, req.params.evidenceId);
      return reply
        .header('content-type', f.contentType)
        .header('x-content-sha256', f.sha256)
        .header('content-disposition', `attachment; filename="${encodeURIComponent(f.fileName)}"`)
        .send(f.content);
    },
  });

  app.post('/api/v1/inspection/tasks/:taskId/complete', {
    config: { access: { roles: INSPECTORS } },
    schema: {
      tags,
      summary:
        'Record the outcome (MATCH, DISCREPANCY with corrected values, SEIZURE), whether the trader ' +
        'attended (无陪同查验 allowed), and release or keep the goods',
      params: taskParams,
      body: completeBody,
      response: { 200: taskOut },
    },
    handler: async (req) =>
      runCommand(ctx, 'inspection.complete', (tx, batch) =>
        service.completeTask(tx, ctx, { taskId: req.params.taskId, ...req.body, actor: actorOf(req) }, batch),
      ),
  });
};
