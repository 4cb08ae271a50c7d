import { randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { canonicalJson } from '../../kernel/canonicalJson.ts';
import { Problem, problems } from '../../kernel/problem.ts';
import { sha256Hex } from '../crypto.ts';
import type { AppContext } from '../context.ts';
import { pgArray, queryRows, type Tx } from '../db/client.ts';
import { actorLabel } from '../auth/roles.ts';
import { requestScope, type CommandRecorder } from '../requestScope.ts';
import { idempotencyRecords } from './schema.ts';
import { PROBLEM_CONTENT_TYPE } from './problemReply.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: Claim;
  }
}

interface Claim {
  actor: string;
  key: string;
  /** This request's claim: "<process>/<nonce>". */
  owner: string;
}

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,128}$/;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** A request still running after this long is not renewed any more (a hung handler must not hold its key for ever). */
const MAX_RENEW_MS = 15 * 60_000;

/**
 * Idempotency-Key on state-changing calls: the same key and body get the first response, the same
 * key with another body a 409.
 *
 * - A claim row is inserted before the handler runs, so two concurrent retries cannot both run it.
 * - The claim has a lease that its process renews while the request runs. A process that dies
 *   (kill -9, power loss) stops renewing; once the lease has run out a retry takes the claim over
 *   and runs the request again, instead of hearing "still running" for ever.
 * - Each command of the request records, in its own transaction, that it committed and what it
 *   returned (runCommand, requestScope.ts). A retry that takes over runs again only the commands
 *   that never committed and gets the recorded results of the others, so each runs exactly once —
 *   also when the process died between a commit and keeping the response. A request that lost its
 *   claim (a stalled process whose lease ran out) cannot commit any more: its command fails.
 */
export function registerIdempotency(app: FastifyInstance, ctx: AppContext): void {
  const leases = new Leases(ctx);
  app.addHook('onClose', async () => leases.stop());

  // The scope is opened after the body is read (reading it runs in the socket's async context) and
  // covers the handler and every command it runs.
  app.addHook('preValidation', (request, _reply, done) => {
    if (!MUTATING.has(request.method) || request.headers['idempotency-key'] === undefined) return done();
    requestScope.run({ recorder: undefined, commands: 0 }, done);
  });

  app.addHook('preHandler', async (request, reply) => {
    if (!MUTATING.has(request.method) || !request.actor) return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0]! : header;
    if (!KEY_PATTERN.test(key)) {
      const message = 'Use 8 to 128 letters, digits or _.:- (a UUID is ideal).';
      throw problems.validation([{ path: 'Idempotency-Key', message, rule: 'http.idempotencyKey' }]);
    }
    const actor = actorLabel(request.actor);
    const path = request.url.split('?')[0]!;
    const requestHash = sha256Hex(canonicalJson({ method: request.method, path, body: request.body ?? null }));
    const now = ctx.clock.now();
    const claim: Claim = { actor, key, owner: `${leases.process}/${randomUUID()}` };
    const leaseUntil = leases.until(now);
    const row = { actor, key, method: request.method, path, requestHash, status: null, body: null, createdAt: now };
    const inserted = await ctx.db
      .insert(idempotencyRecords)
      .values({ ...row, owner: claim.owner, leaseUntil })
      .onConflictDoNothing()
      .returning({ key: idempotencyRecords.key });
    let recorded: RecordedResults = new Map();
    if (inserted.length === 0) {
      const [prior] = await ctx.db
        .select()
        .from(idempotencyRecords)
        .where(and(eq(idempotencyRecords.actor, actor), eq(idempotencyRecords.key, key)));
      if (!prior) throw problems.conflict('The request with this Idempotency-Key was just abandoned; retry.');
      if (prior.requestHash !== requestHash) {
        const detail = `Idempotency-Key "${key}" was already used for a different request; use a new key for it.`;
        throw problems.conflict(detail, { code: 'idempotency-key-reuse' });
      }
      if (prior.status !== null) return replayResponse(reply, prior.status, prior.body);
      const expired = prior.leaseUntil === null || prior.leaseUntil <= now;
      const taken = expired ? await takeOver(ctx, claim, prior.owner, leaseUntil, now) : null;
      if (!taken) {
        reply.header('retry-after', '1');
        throw problems.conflict(`The first request with Idempotency-Key "${key}" is still running; retry in a moment.`);
      }
      request.log.info({ key, from: prior.owner }, 'idempotency claim taken over from a request whose process stopped');
      recorded = taken;
    }
    request.idempotency = claim;
    leases.hold(claim.owner);
    const scope = requestScope.getStore();
    if (scope) scope.recorder = recorderFor(ctx, claim, recorded, reply);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim) return payload;
    request.idempotency = undefined;
    leases.release(claim.owner);
    const mine = and(
      eq(idempotencyRecords.actor, claim.actor),
      eq(idempotencyRecords.key, claim.key),
      eq(idempotencyRecords.owner, claim.owner),
      isNull(idempotencyRecords.status),
    );
    if (reply.statusCode >= 400) {
      // A rejected request writes nothing, not even its key: the client may fix and retry. If one of
      // its commands committed, the claim stays (released at once), so a retry gets that command's result.
      const deleted = await ctx.db
        .delete(idempotencyRecords)
        .where(and(mine, isNull(idempotencyRecords.committedAt)))
        .returning({ key: idempotencyRecords.key });
      if (deleted.length === 0) {
        await ctx.db.update(idempotencyRecords).set({ leaseUntil: ctx.clock.now() }).where(mine);
      }
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
    await ctx.db
      .update(idempotencyRecords)
      .set({ status: reply.statusCode, body: body as object })
      .where(mine);
    return payload;
  });
  // However the request ended, its process stops renewing the claim.
  app.addHook('onResponse', async (request) => {
    if (request.idempotency) leases.release(request.idempotency.owner);
  });
}

function replayResponse(reply: FastifyReply, status: number, body: unknown) {
  reply.header('idempotent-replayed', 'true');
  reply.code(status).header('content-type', status >= 400 ? PROBLEM_CONTENT_TYPE : 'application/json; charset=utf-8');
  return reply.send(JSON.stringify(body));
}

/** Results recorded by command number; null when a result could not be kept (not plain data). */
type RecordedResults = Map<number, string | null>;

/**
 * Takes over the claim of a request whose process stopped renewing it. Only one retry wins (the
 * owner must still be the one read); the results its commands recorded come back with it.
 */
async function takeOver(
  ctx: AppContext,
  claim: Claim,
  previousOwner: string | null,
  leaseUntil: Date,
  now: Date,
): Promise<RecordedResults | null> {
  const rows = await queryRows<{ results: { i: number; v: string | null }[] | string | null }>(
    ctx.db,
    sql`update ${idempotencyRecords} set owner = ${claim.owner}, lease_until = ${leaseUntil.toISOString()}::timestamptz
        where actor = ${claim.actor} and key = ${claim.key} and status is null
          and owner is not distinct from ${previousOwner}::text
          and (lease_until is null or lease_until <= ${now.toISOString()}::timestamptz)
        returning results`,
  );
  if (rows.length === 0) return null;
  const results = typeof rows[0]!.results === 'string' ? JSON.parse(rows[0]!.results) : rows[0]!.results;
  return new Map((results ?? []).map((r: { i: number; v: string | null }) => [r.i, r.v]));
}

/** Exported for the test of a request that lost its claim; requests get theirs in the preHandler. */
export function recorderFor(
  ctx: AppContext,
  claim: Claim,
  recorded: RecordedResults,
  reply: Pick<FastifyReply, 'header'>,
): CommandRecorder {
  return {
    recorded(index) {
      if (!recorded.has(index)) return undefined;
      const stored = recorded.get(index);
      if (stored === null || stored === undefined) {
        const detail =
          `The first request with Idempotency-Key "${claim.key}" was carried out, but its answer was lost when the ` +
          'server stopped; read the result instead of sending the request again.';
        throw new Problem({ status: 409, code: 'idempotency-answer-lost', title: 'Conflict', detail });
      }
      reply.header('idempotent-replayed', 'true');
      return { value: deserialize(Buffer.from(stored, 'base64')) };
    },
    async committing(tx: Tx, index, result) {
      const kept = isPlainData(result) ? serialize(result).toString('base64') : null;
      const entry = JSON.stringify([{ i: index, v: kept }]);
      const at = ctx.clock.now().toISOString();
      const marked = await queryRows(
        tx,
        sql`update ${idempotencyRecords} set committed_at = coalesce(committed_at, ${at}::timestamptz),
              results = coalesce(results, '[]'::jsonb) || ${entry}::jsonb
            where actor = ${claim.actor} and key = ${claim.key} and owner = ${claim.owner} and status is null
            returning key`,
      );
      if (marked.length === 0) {
        const detail = `Idempotency-Key "${claim.key}": a retry took this request over (it ran too long).`;
        throw problems.conflict(detail);
      }
    },
  };
}

/** Values a command result can be kept as and given back unchanged: JSON-like data and dates. */
function isPlainData(value: unknown, depth = 0): boolean {
  if (value === null || value === undefined) return true;
  if (['string', 'number', 'boolean', 'bigint'].includes(typeof value)) return true;
  if (typeof value !== 'object' || depth > 32) return false;
  if (value instanceof Date) return true;
  if (Array.isArray(value)) return value.every((v) => isPlainData(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every((v) => isPlainData(v, depth + 1));
}

/**
 * The leases of this process's running requests, renewed together (one statement) a few times per
 * lease period while any request runs.
 */
class Leases {
  readonly process = randomUUID();
  private readonly held = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly leaseMs: number;

  constructor(private readonly ctx: AppContext) {
    this.leaseMs = ctx.config.idempotencyLeaseSeconds * 1000;
  }

  until(now: Date): Date {
    return new Date(now.getTime() + this.leaseMs);
  }

  hold(owner: string): void {
    this.held.set(owner, Date.now());
    this.timer ??= setInterval(() => void this.renew(), this.leaseMs / 3).unref();
  }

  release(owner: string): void {
    this.held.delete(owner);
    if (this.held.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async renew(): Promise<void> {
    const cutoff = Date.now() - MAX_RENEW_MS;
    for (const [owner, since] of this.held) if (since < cutoff) this.held.delete(owner);
    if (this.held.size === 0) return this.stop();
    try {
      const until = this.until(this.ctx.clock.now()).toISOString();
      await this.ctx.db.execute(sql`update ${idempotencyRecords} set lease_until = ${until}::timestamptz
        where owner = any(${pgArray([...this.held.keys()])}::text[]) and status is null`);
    } catch (err) {
      this.ctx.log.warn({ err }, 'could not renew the leases of running idempotent requests');
    }
  }
}
