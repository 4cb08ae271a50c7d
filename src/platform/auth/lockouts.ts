import { and, desc, eq, gt, lt, or, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Executor } from '../db/client.ts';
import { runCommand } from '../command.ts';
import { appendAudit } from '../audit/service.ts';
import { Problem, problems } from '../../kernel/problem.ts';
import { actorLabel, type Actor } from './roles.ts';
import { loginThrottle } from './schema.ts';
import { addressKey, afterFailure, isLocked, retryAfterSeconds } from './throttle.ts';
import type { ThrottlePolicy, ThrottleState } from './throttle.ts';

/**
 * Login throttling kept in the database, so every API process counts the same failures: one row
 * per user name and one per client address (throttle.ts decides). Lock-outs and unlocks are
 * audited; a login that is refused because of a lock is not counted again.
 */
export type ThrottleKind = 'user' | 'address';
export interface ThrottleKey {
  kind: ThrottleKind;
  key: string;
}

export function throttleKeys(username: string, ip: string): ThrottleKey[] {
  return [
    { kind: 'address', key: addressKey(ip) },
    { kind: 'user', key: username.trim().toLowerCase() },
  ];
}

export function policyOf(ctx: AppContext, kind: ThrottleKind): ThrottlePolicy {
  const c = ctx.config.loginThrottle;
  return {
    maxFailures: kind === 'user' ? c.maxFailuresPerUser : c.maxFailuresPerAddress,
    windowMs: c.windowMinutes * 60_000,
    maxLockMs: c.maxLockHours * 3600_000,
  };
}

const thisKey = (k: ThrottleKey) => and(eq(loginThrottle.kind, k.kind), eq(loginThrottle.key, k.key));

/** The 429 of a locked log-in, with its Retry-After in seconds. */
export function lockedProblem(lockedUntil: Date, now: Date): Problem {
  const seconds = retryAfterSeconds(lockedUntil, now);
  return new Problem({
    status: 429,
    code: 'login-locked',
    title: 'Too many failed log-ins',
    detail:
      `Too many failed log-ins for this user name or from this address: try again in ` +
      `${Math.ceil(seconds / 60)} minute(s), or ask an administrator to unlock it.`,
    extra: { retryAfterSeconds: seconds, lockedUntil: lockedUntil.toISOString() },
  });
}

/** When the latest lock on these keys ends, or null when none is locked now. */
export async function lockedUntil(ex: Executor, keys: readonly ThrottleKey[], now: Date): Promise<Date | null> {
  const rows = await ex
    .select({ lockedUntil: loginThrottle.lockedUntil })
    .from(loginThrottle)
    .where(or(...keys.map(thisKey)));
  const locks = rows.filter((r) => isLocked(r, now)).map((r) => r.lockedUntil!.getTime());
  return locks.length ? new Date(Math.max(...locks)) : null;
}

/**
 * Counts one failed log-in against each key, in one transaction (rows locked in key order, so two
 * processes counting the same keys wait for each other). Returns when the keys are locked until,
 * if this failure locked one of them.
 */
export async function recordFailure(ctx: AppContext, keys: readonly ThrottleKey[], now: Date): Promise<Date | null> {
  return runCommand(ctx, 'auth.loginFailure', async (tx) => {
    let until: Date | null = null;
    for (const k of [...keys].sort((a, b) => (a.kind + a.key < b.kind + b.key ? -1 : 1))) {
      const first = { ...k, failures: 0, windowStartedAt: now, lockedUntil: null, lockouts: 0, lastFailureAt: now };
      await tx.insert(loginThrottle).values(first).onConflictDoNothing();
      const [row] = await tx.select().from(loginThrottle).where(thisKey(k)).for('update');
      const policy = policyOf(ctx, k.kind);
      const next = afterFailure(row as ThrottleState, now, policy);
      await tx.update(loginThrottle).set(next).where(thisKey(k));
      // afterFailure moves lockedUntil only when this failure locks the key.
      if (next.lockedUntil && next.lockedUntil.getTime() !== row!.lockedUntil?.getTime()) {
        if (!until || next.lockedUntil > until) until = next.lockedUntil;
        await appendAudit(tx, {
          actor: 'system:auth',
          action: 'auth.loginLocked',
          subject: `login:${k.kind}:${k.key}`,
          change: {
            kind: k.kind,
            key: k.key,
            lockedUntil: next.lockedUntil.toISOString(),
            lockout: next.lockouts,
            maxFailures: policy.maxFailures,
            windowMinutes: policy.windowMs / 60_000,
          },
          at: now,
        });
        const fields = { kind: k.kind, key: k.key, lockedUntil: next.lockedUntil, lockout: next.lockouts };
        ctx.log.warn(fields, 'log-in locked after repeated failures');
      }
    }
    // Keys long quiet are forgotten (and the table stays small whatever names are tried).
    const quietSince = new Date(now.getTime() - 2 * policyOf(ctx, 'user').maxLockMs);
    const unlocked = or(sql`${loginThrottle.lockedUntil} is null`, lt(loginThrottle.lockedUntil, now));
    await tx.delete(loginThrottle).where(and(lt(loginThrottle.lastFailureAt, quietSince), unlocked));
    return until;
  });
}

/** A successful log-in clears its user name's failures (never the address's: one good account must not reset it). */
export async function clearUser(ex: Executor, keys: readonly ThrottleKey[]): Promise<void> {
  const user = keys.find((k) => k.kind === 'user');
  if (user) await ex.delete(loginThrottle).where(thisKey(user));
}

/** Keys locked now or with failures in their current window, latest failure first. */
export async function listLockouts(ctx: AppContext) {
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - ctx.config.loginThrottle.windowMinutes * 60_000);
  const failingNow = and(gt(loginThrottle.failures, 0), gt(loginThrottle.windowStartedAt, since));
  const rows = await ctx.db
    .select()
    .from(loginThrottle)
    .where(or(gt(loginThrottle.lockedUntil, now), failingNow))
    .orderBy(desc(loginThrottle.lastFailureAt))
    .limit(500);
  return rows.map((r) => ({
    kind: r.kind,
    key: r.key,
    failures: r.failures,
    locked: isLocked(r, now),
    lockedUntil: r.lockedUntil?.toISOString() ?? null,
    lockouts: r.lockouts,
    lastFailureAt: r.lastFailureAt.toISOString(),
  }));
}

/** An administrator lifts a lock and forgets the key's failures. Audited. */
export async function unlock(ctx: AppContext, actor: Actor, k: ThrottleKey) {
  const key = k.kind === 'address' ? addressKey(k.key) : k.key.trim().toLowerCase();
  return runCommand(ctx, 'auth.unlock', async (tx) => {
    const now = ctx.clock.now();
    const [row] = await tx
      .delete(loginThrottle)
      .where(thisKey({ kind: k.kind, key }))
      .returning();
    if (!row) throw problems.notFound(`Failed log-ins for ${k.kind} "${key}"`);
    const wasLockedUntil = row.lockedUntil?.toISOString() ?? null;
    const change = { kind: k.kind, key, wasLockedUntil, failures: row.failures, lockouts: row.lockouts };
    const subject = `login:${k.kind}:${key}`;
    await appendAudit(tx, { actor: actorLabel(actor), action: 'auth.loginUnlocked', subject, change, at: now });
    return { kind: k.kind, key, unlocked: true, wasLocked: isLocked(row, now) };
  });
}
