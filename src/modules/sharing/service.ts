import { and, asc, eq, isNull, lte } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../platform/context.ts';
import { runCommand } from '../../platform/command.ts';
import { appendAudit } from '../../platform/audit/service.ts';
import { actorLabel, type Actor } from '../../platform/auth/roles.ts';
import { decrypt, encrypt } from '../../platform/crypto.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { problems } from '../../kernel/problem.ts';
import { changesAfter, latestChangeSeq } from '../credit/service.ts';
import { webhookSubscriptions } from './schema.ts';
import { backoffMs, signPayload } from './rules.ts';

type Subscription = typeof webhookSubscriptions.$inferSelect;

export const WEBHOOK_BATCH = 50;
export const WEBHOOK_TIMEOUT_MS = 5000;

function view(s: Subscription) {
  return { id: s.id, url: s.url, feed: s.feed, cursor: s.cursor, failures: s.failures, nextAttemptAt: s.nextAttemptAt.toISOString(), lastError: s.lastError, lastDeliveredAt: s.lastDeliveredAt?.toISOString() ?? null, createdAt: s.createdAt.toISOString() };
}

export async function registerWebhook(ctx: AppContext, actor: Actor, input: { url: string; fromStart?: boolean }) {
  if (actor.kind !== 'client' && actor.role !== 'admin') throw problems.forbidden('Webhooks belong to department clients.');
  return runCommand(ctx, 'webhook.register', async (tx) => {
    const now = ctx.clock.now();
    const secret = randomBytes(32).toString('base64url');
    const next = input.fromStart ? 0 : await latestChangeSeq(tx);
    const row: Subscription = { id: uuidv7(now.getTime()), clientId: actor.id, clientName: actor.name, url: input.url, secretEncrypted: encrypt(ctx.keys.webhook, secret), feed: 'credit.classChanges', cursor: next, failures: 0, nextAttemptAt: now, lastError: null, lastDeliveredAt: null, createdAt: now, disabledAt: null };
    await tx.insert(webhookSubscriptions).values(row);
    await appendAudit(tx, { actor: actorLabel(actor), action: 'webhook.register', subject: `webhook:${row.id}`, change: view(row), at: now });
    return { ...view(row), secret };
  });
}

export async function listWebhooks(ctx: AppContext, actor: Actor) {
  const rows = await ctx.db.select().from(webhookSubscriptions).where(actor.role === 'admin' ? isNull(webhookSubscriptions.disabledAt) : and(eq(webhookSubscriptions.clientId, actor.id), isNull(webhookSubscriptions.disabledAt))).orderBy(asc(webhookSubscriptions.createdAt));
  return rows.map(view);
}

/**
 * One delivery pass: every due subscription is served concurrently, each in order from its own
 * cursor; a failure backs that subscription off and touches no other. At-least-once: the cursor
 * moves only after the receiver answered 2xx, so a receiver must ignore a `seq` it has seen.
 */
export async function deliverWebhooks(ctx: AppContext): Promise<{ delivered: number; failed: number }> {
  const now = ctx.clock.now();
  const due = await ctx.db.select().from(webhookSubscriptions).where(and(isNull(webhookSubscriptions.disabledAt), lte(webhookSubscriptions.nextAttemptAt, now)));
  const results = await Promise.all(due.map((s) => deliverOne(ctx, s)));
  return { delivered: results.reduce((a, r) => a + r.delivered, 0), failed: results.filter((r) => r.failed).length };
}

async function deliverOne(ctx: AppContext, s: Subscription): Promise<{ delivered: number; failed: boolean }> {
  const secret = decrypt(ctx.keys.webhook, s.secretEncrypted);
  const { items } = await changesAfter(ctx.db, s.cursor, WEBHOOK_BATCH);
  let cursor = s.cursor;
  let error: string | null = null;
  for (const change of items) {
    const body = JSON.stringify({ feed: s.feed, subscription: s.id, change });
    const timestamp = Math.floor(ctx.clock.now().getTime() / 1000);
    try {
      const res = await fetch(s.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'tidegate-signature': signPayload(secret, timestamp, body), 'tidegate-delivery': `${s.id}:${change.seq}` },
        body,
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) throw new Error(`receiver answered ${res.status}`);
      cursor = change.seq;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      break;
    }
  }
  const now = ctx.clock.now();
  const failures = error ? s.failures + 1 : 0;
  await ctx.db
    .update(webhookSubscriptions)
    .set({ cursor, failures, lastError: error, nextAttemptAt: new Date(now.getTime() + (error ? backoffMs(failures) : 0)), ...(cursor !== s.cursor ? { lastDeliveredAt: now } : {}) })
    .where(eq(webhookSubscriptions.id, s.id));
  if (error) ctx.log.warn({ subscription: s.id, url: s.url, error, failures }, 'webhook delivery failed; will retry with back-off');
  return { delivered: cursor === s.cursor ? 0 : items.findIndex((c) => c.seq === cursor) + 1, failed: Boolean(error) };
}

/** Runs delivery passes every `intervalMs` until stopped. */
export function startWebhookDelivery(ctx: AppContext, intervalMs = 1000): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const loop = async () => {
    if (stopped) return;
    try {
      await deliverWebhooks(ctx);
    } catch (err) {
      ctx.log.error({ err }, 'webhook delivery pass failed');
    }
    if (!stopped) {
      timer = setTimeout(() => void loop(), intervalMs);
      timer.unref();
    }
  };
  timer = setTimeout(() => void loop(), intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
