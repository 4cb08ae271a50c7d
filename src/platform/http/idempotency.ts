import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { canonicalJson } from '../../kernel/canonicalJson.ts';
import { problems } from '../../kernel/problem.ts';
import { sha256Hex } from '../crypto.ts';
import type { AppContext } from '../context.ts';
import { actorLabel } from '../auth/roles.ts';
import { idempotencyRecords } from './schema.ts';
import { PROBLEM_CONTENT_TYPE } from './problemReply.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { actor: string; key: string };
  }
}

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,128}$/;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Idempotency-Key on state-changing calls: the same key and body get the first response, the same
 * key with another body a 409. A claim row is inserted before the handler runs, so two concurrent
 * retries cannot both execute the command.
 */
export function registerIdempotency(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('preHandler', async (request, reply) => {
    if (!MUTATING.has(request.method) || !request.actor) return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0]! : header;
    if (!KEY_PATTERN.test(key)) {
      throw problems.validation([{ path: 'Idempotency-Key', message: 'Use 8 to 128 letters, digits or _.:- (a UUID is ideal).', rule: 'http.idempotencyKey' }]);
    }
    const actor = actorLabel(request.actor);
    const path = request.url.split('?')[0]!;
    const requestHash = sha256Hex(canonicalJson({ method: request.method, path, body: request.body ?? null }));
    const inserted = await ctx.db
      .insert(idempotencyRecords)
      .values({ actor, key, method: request.method, path, requestHash, status: null, body: null, createdAt: ctx.clock.now() })
      .onConflictDoNothing()
      .returning({ key: idempotencyRecords.key });
    if (inserted.length === 0) {
      const [prior] = await ctx.db.select().from(idempotencyRecords).where(and(eq(idempotencyRecords.actor, actor), eq(idempotencyRecords.key, key)));
      if (!prior) throw problems.conflict('The request with this Idempotency-Key was just abandoned; retry.');
      if (prior.requestHash !== requestHash) {
        throw problems.conflict(`Idempotency-Key "${key}" was already used for a different request; use a new key for a new request.`, { code: 'idempotency-key-reuse' });
      }
      if (prior.status === null) throw problems.conflict(`The first request with Idempotency-Key "${key}" is still running; retry in a moment.`);
      reply.header('idempotent-replayed', 'true');
      reply.code(prior.status).header('content-type', prior.status >= 400 ? PROBLEM_CONTENT_TYPE : 'application/json; charset=utf-8');
      return reply.send(JSON.stringify(prior.body));
    }
    request.idempotency = { actor, key };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim) return payload;
    request.idempotency = undefined;
    const where = and(eq(idempotencyRecords.actor, claim.actor), eq(idempotencyRecords.key, claim.key));
    if (reply.statusCode >= 400) {
      // A rejected request writes nothing, not even its key: the client may fix and retry.
      await ctx.db.delete(idempotencyRecords).where(where);
      return payload;
    }
    let body: unknown = null;
    if (typeof payload === 'string') {
      try {
        body = JSON.parse(payload);
      } catch {
        body = payload;
      }
    }
    await ctx.db.update(idempotencyRecords).set({ status: reply.statusCode, body: body as object }).where(where);
    return payload;
  });
}
