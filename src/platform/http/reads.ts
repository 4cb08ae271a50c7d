import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { ReadRequest, ReadTarget } from '../db/reads.ts';

/** A request with this header (any value but `0` or `false`) reads from the primary only. */
export const READ_PRIMARY_HEADER = 'x-tidegate-read-primary';
/** Names where a replica-tolerant read ran (`primary` or `replica`), sent only when a replica is configured. */
export const READ_FROM_HEADER = 'x-tidegate-read-from';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Where each request's replica-tolerant reads ran, for the answer's header. */
const servedFrom = new WeakMap<FastifyRequest, ReadTarget>();

function readRequestOf(req: FastifyRequest): ReadRequest {
  const asked = req.headers[READ_PRIMARY_HEADER];
  const value = Array.isArray(asked) ? asked[0] : asked;
  const primary = value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
  return { primary, who: req.actor ? `${req.actor.kind}:${req.actor.id}` : undefined };
}

/**
 * Runs a read that may be a moment old (a list, a command-centre panel, an export) on the read
 * replica when the request allows it (platform/db/reads.ts says when it does not); `read` gets the
 * context with `db` pointing where it runs. Only for pure reads: nothing in `read` may write or
 * start a command.
 */
export async function replicaRead<T>(
  ctx: AppContext,
  req: FastifyRequest,
  read: (ctx: AppContext) => Promise<T>,
): Promise<T> {
  return ctx.reads.run(readRequestOf(req), async (db, target) => {
    // A request whose reads ran in both places (a replica that failed mid-way) names the last.
    if (ctx.reads.configured) servedFrom.set(req, target);
    return read(db === ctx.db ? ctx : { ...ctx, db });
  });
}

/**
 * With a replica configured: remembers each caller's writes (any request but GET, HEAD and OPTIONS,
 * noted as its answer is sent, after its transaction committed) so that its next reads stay on the
 * primary, and names where a replica-tolerant read ran in the answer.
 */
export function registerReadRouting(app: FastifyInstance, ctx: AppContext): void {
  if (!ctx.reads.configured) return;
  app.addHook('onSend', async (req, reply, payload) => {
    if (!SAFE_METHODS.has(req.method) && req.actor) ctx.reads.noteWrite(`${req.actor.kind}:${req.actor.id}`);
    const from = servedFrom.get(req);
    if (from) reply.header(READ_FROM_HEADER, from);
    return payload;
  });
}
