import { and, asc, eq, isNull, lt, lte, or } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/client.ts';
import { runCommand } from '../../platform/command.ts';
import { appendAudit } from '../../platform/audit/service.ts';
import { actorLabel, type Actor } from '../../platform/auth/roles.ts';
import { decrypt, encrypt } from '../../platform/crypto.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { problems } from '../../kernel/problem.ts';
import { changesAfter, latestChangeSeq } from '../credit/service.ts';
import { changesFor } from '../credit/service.ts';
import { FEED_NAME as JOINT_CONTROL_FEED, feedFor, latestFeedSeq } from '../jointcontrol/service.ts';
import { apiClients } from '../../platform/auth/schema.ts';
import { webhookSubscriptions } from './schema.ts';
import { backoffMs, signPayload } from './rules.ts';
import { DeliveryError, postWebhook, webhookUrlViolation } from './outbound.ts';

type Subscription = typeof webhookSubscriptions.$inferSelect;

export const WEBHOOK_BATCH = 50;
export const WEBHOOK_TIMEOUT_MS = 5000;
/** How long a delivery pass owns a subscription: longer than a full batch of timeouts. */
const LEASE_MS = WEBHOOK_BATCH * WEBHOOK_TIMEOUT_MS + 60_000;

/** The subscriber of a feed, as its source needs it: a department client speaks for its scope's department. */
interface Subscriber {
  clientId: string;
  /** From the client's scope; null for an admin, a client without one, or a revoked client. */
  department: string | null;
}

/**
 * A feed departments may subscribe to. Every feed is delivered by the one delivery loop below, each
 * subscription from its own cursor; a source says where "now" is and what comes after a cursor.
 */
interface FeedSource {
  /** Why this subscriber may not have the feed, or null. */
  refuse(subscriber: Subscriber): string | null;
  /** Read inside the registering transaction (on PGlite a read beside it would wait for it forever). */
  latest(ex: Executor, subscriber: Subscriber): Promise<number>;
  after(ctx: AppContext, subscriber: Subscriber, cursor: number, limit: number): Promise<{ seq: number }[]>;
}

const FEEDS: Record<string, FeedSource> = {
  'credit.classChanges': {
    refuse: () => null,
    latest: (ex) => latestChangeSeq(ex),
    // What a department may read of a change, by data class (credit/classification.ts).
    after: async (ctx, _s, cursor, limit) =>
      changesFor('department', await changesAfter(ctx.db, cursor, limit)).items as { seq: number }[],
  },
  [JOINT_CONTROL_FEED]: {
    refuse: (s) =>
      s.department ? null : 'Joint-control cases go to department clients whose scope names their department.',
    latest: (ex, s) => latestFeedSeq(ex, s.department!),
    // A client revoked or moved out of its department since it subscribed is sent nothing.
    after: async (ctx, s, cursor, limit) =>
      s.department ? (await feedFor(ctx, s.department, cursor, limit)).items : [],
  },
};
export const FEED_NAMES = Object.keys(FEEDS) as [string, ...string[]];

async function subscriberOf(ex: AppContext['db'], clientId: string): Promise<Subscriber> {
  const [row] = await ex
    .select({ scope: apiClients.scope, role: apiClients.role })
    .from(apiClients)
    .where(and(eq(apiClients.id, clientId), isNull(apiClients.revokedAt)))
    .limit(1);
  const d = row?.role === 'department' ? (row.scope as Record<string, unknown>).department : undefined;
  return { clientId, department: typeof d === 'string' && d !== '' ? d : null };
}

function view(s: Subscription) {
  return {
    id: s.id,
    url: s.url,
    feed: s.feed,
    cursor: s.cursor,
    failures: s.failures,
    nextAttemptAt: s.nextAttemptAt.toISOString(),
    lastError: s.lastError,
    lastDeliveredAt: s.lastDeliveredAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
  };
}

export async function registerWebhook(
  ctx: AppContext,
  actor: Actor,
  input: { url: string; fromStart?: boolean; feed?: string },
) {
  if (actor.kind !== 'client' && actor.role !== 'admin')
    throw problems.forbidden('Webhooks belong to department clients.');
  const feed = input.feed ?? 'credit.classChanges';
  const source = FEEDS[feed];
  if (!source) throw problems.field('feed', 'sharing.feed', `feed must be one of ${FEED_NAMES.join(', ')}.`);
  const subscriber: Subscriber = {
    clientId: actor.id,
    department: actor.kind === 'client' && typeof actor.scope?.department === 'string' ? actor.scope.department : null,
  };
  const refusal = source.refuse(subscriber);
  if (refusal) throw problems.field('feed', 'sharing.feedScope', refusal);
  const violation = await webhookUrlViolation(input.url, ctx.config.webhookAllow);
  if (violation) throw problems.validation([violation]);
  return runCommand(ctx, 'webhook.register', async (tx) => {
    const now = ctx.clock.now();
    const secret = randomBytes(32).toString('base64url');
    const next = input.fromStart ? 0 : await source.latest(tx, subscriber);
    const row: Subscription = {
      id: uuidv7(now.getTime()),
      clientId: actor.id,
      clientName: actor.name,
      url: input.url,
      secretEncrypted: encrypt(ctx.keys.webhook, secret),
      feed,
      cursor: next,
      failures: 0,
      nextAttemptAt: now,
      lastError: null,
      lastDeliveredAt: null,
      leaseUntil: null,
      createdAt: now,
      disabledAt: null,
    };
    await tx.insert(webhookSubscriptions).values(row);
    await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'webhook.register',
      subject: `webhook:${row.id}`,
      change: view(row),
      at: now,
    });
    return { ...view(row), secret };
  });
}

export async function listWebhooks(ctx: AppContext, actor: Actor) {
  const rows = await ctx.db
    .select()
    .from(webhookSubscriptions)
    .where(
      actor.role === 'admin'
        ? isNull(webhookSubscriptions.disabledAt)
        : and(eq(webhookSubscriptions.clientId, actor.id), isNull(webhookSubscriptions.disabledAt)),
    )
    .orderBy(asc(webhookSubscriptions.createdAt));
  return rows.map(view);
}

/** Subscriptions due for delivery and not owned by another pass. */
function dueNow(now: Date) {
  return and(
    isNull(webhookSubscriptions.disabledAt),
    lte(webhookSubscriptions.nextAttemptAt, now),
    or(isNull(webhookSubscriptions.leaseUntil), lt(webhookSubscriptions.leaseUntil, now)),
  );
}

/**
 * Takes a subscription for one delivery pass. The conditional update is atomic, so when several API
 * processes run delivery, each subscription is served by one of them at a time, in order.
 */
async function claim(ctx: AppContext, id: string): Promise<Subscription | null> {
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .update(webhookSubscriptions)
    .set({ leaseUntil: new Date(now.getTime() + LEASE_MS) })
    .where(and(eq(webhookSubscriptions.id, id), dueNow(now)))
    .returning();
  return row ?? null;
}

/**
 * One delivery pass over every due subscription, concurrently, each in order from its own cursor;
 * a failure backs that subscription off and touches no other. At-least-once: the cursor moves only
 * after the receiver answered 2xx, so a receiver must ignore a `seq` it has seen.
 */
export async function deliverWebhooks(ctx: AppContext): Promise<{ delivered: number; failed: number }> {
  const due = await ctx.db
    .select({ id: webhookSubscriptions.id })
    .from(webhookSubscriptions)
    .where(dueNow(ctx.clock.now()));
  const results = await Promise.all(
    due.map(async ({ id }) => {
      const s = await claim(ctx, id);
      return s ? deliverOne(ctx, s) : { delivered: 0, failed: false };
    }),
  );
  return { delivered: results.reduce((a, r) => a + r.delivered, 0), failed: results.filter((r) => r.failed).length };
}

async function deliverOne(
  ctx: AppContext,
  s: Subscription,
  stopping: () => boolean = () => false,
): Promise<{ delivered: number; failed: boolean }> {
  const secret = decrypt(ctx.keys.webhook, s.secretEncrypted);
  const source = FEEDS[s.feed];
  const items = source ? await source.after(ctx, await subscriberOf(ctx.db, s.clientId), s.cursor, WEBHOOK_BATCH) : [];
  let cursor = s.cursor;
  let error: string | null = null;
  for (const change of items) {
    if (stopping()) break;
    const body = JSON.stringify({ feed: s.feed, subscription: s.id, change });
    const timestamp = Math.floor(ctx.clock.now().getTime() / 1000);
    try {
      const headers = {
        'content-type': 'application/json',
        'tidegate-signature': signPayload(secret, timestamp, body),
        'tidegate-delivery': `${s.id}:${change.seq}`,
      };
      await postWebhook(s.url, headers, body, ctx.config.webhookAllow, WEBHOOK_TIMEOUT_MS);
      cursor = change.seq;
    } catch (err) {
      // Only our own words reach lastError: the receiver's answer and internal error texts never do.
      if (!(err instanceof DeliveryError)) {
        ctx.log.warn({ err, subscription: s.id }, 'webhook delivery failed unexpectedly');
      }
      error = err instanceof DeliveryError ? err.message : 'delivery failed';
      break;
    }
  }
  const now = ctx.clock.now();
  const failures = error ? s.failures + 1 : 0;
  await ctx.db
    .update(webhookSubscriptions)
    .set({
      cursor,
      failures,
      lastError: error,
      leaseUntil: null,
      nextAttemptAt: new Date(now.getTime() + (error ? backoffMs(failures) : 0)),
      ...(cursor !== s.cursor ? { lastDeliveredAt: now } : {}),
    })
    .where(eq(webhookSubscriptions.id, s.id));
  if (error)
    ctx.log.warn(
      { subscription: s.id, url: s.url, error, failures },
      'webhook delivery failed; will retry with back-off',
    );
  return { delivered: cursor === s.cursor ? 0 : items.findIndex((c) => c.seq === cursor) + 1, failed: Boolean(error) };
}

/**
 * Delivers in the background: every `intervalMs` each due subscription not already being served
 * starts its own pass. A department that answers slowly (or times out) occupies only its own pass;
 * the others keep being served on every tick.
 */
export function startWebhookDelivery(ctx: AppContext, intervalMs = 1000): () => Promise<void> {
  let stopped = false;
  const inFlight = new Map<string, Promise<unknown>>();
  const tick = async () => {
    const due = await ctx.db
      .select({ id: webhookSubscriptions.id })
      .from(webhookSubscriptions)
      .where(dueNow(ctx.clock.now()));
    for (const { id } of due) {
      if (stopped || inFlight.has(id)) continue;
      const pass = claim(ctx, id)
        .then((s) => (s ? deliverOne(ctx, s, () => stopped) : undefined))
        .catch((err: unknown) => ctx.log.error({ err, subscription: id }, 'webhook delivery pass failed'))
        .finally(() => inFlight.delete(id));
      inFlight.set(id, pass);
    }
  };
  const timer = setInterval(() => {
    if (!stopped) tick().catch((err: unknown) => ctx.log.error({ err }, 'webhook delivery tick failed'));
  }, intervalMs);
  timer.unref();
  // Stopping lets each pass finish the delivery it is in (and save its cursor), then returns.
  return async () => {
    stopped = true;
    clearInterval(timer);
    await Promise.allSettled([...inFlight.values()]);
  };
}
