import { isIP } from 'node:net';

/**
 * Login throttling: failed logins counted per user name and per client address. Pure: the state
 * and the time come in, the next state goes out (lockouts.ts keeps it in the database).
 *
 * `maxFailures` failures within `windowMs` lock the key for `windowMs`; after that every further
 * failure locks it again at once, each time twice as long, up to `maxLockMs` (exponential back-off).
 * A key that is not locked and saw no failure for twice `maxLockMs` is forgotten.
 */
export interface ThrottlePolicy {
  maxFailures: number;
  windowMs: number;
  maxLockMs: number;
}

export interface ThrottleState {
  failures: number;
  windowStartedAt: Date;
  lockedUntil: Date | null;
  /** Lock-outs in a row, the last of which decides the next one's length. */
  lockouts: number;
  lastFailureAt: Date;
}

export function isLocked(state: Pick<ThrottleState, 'lockedUntil'> | null, now: Date): boolean {
  return state?.lockedUntil != null && state.lockedUntil.getTime() > now.getTime();
}

/** Whether the key's history is forgotten at `now`: not locked, and quiet for twice the longest lock. */
export function isForgotten(state: ThrottleState, now: Date, p: ThrottlePolicy): boolean {
  return !isLocked(state, now) && now.getTime() - state.lastFailureAt.getTime() >= 2 * p.maxLockMs;
}

/** The length of lock-out number `n` (1, 2, …): the window, doubled for each earlier one, capped. */
export function lockLengthMs(n: number, p: ThrottlePolicy): number {
  return Math.min(p.maxLockMs, p.windowMs * 2 ** Math.min(Math.max(n - 1, 0), 30));
}

/** The state after one more failure at `now`. */
export function afterFailure(prev: ThrottleState | null, now: Date, p: ThrottlePolicy): ThrottleState {
  const fresh: ThrottleState = {
    failures: 0,
    windowStartedAt: now,
    lockedUntil: null,
    lockouts: 0,
    lastFailureAt: now,
  };
  const s = prev && !isForgotten(prev, now, p) ? { ...prev } : fresh;
  if (now.getTime() - s.windowStartedAt.getTime() >= p.windowMs) {
    s.failures = 0;
    s.windowStartedAt = now;
  }
  s.failures += 1;
  s.lastFailureAt = now;
  if (s.lockouts > 0 || s.failures >= p.maxFailures) {
    s.lockouts += 1;
    s.lockedUntil = new Date(now.getTime() + lockLengthMs(s.lockouts, p));
    s.failures = 0;
    s.windowStartedAt = now;
  }
  return s;
}

/** Whole seconds until the lock ends (the Retry-After header), at least 1. */
export function retryAfterSeconds(lockedUntil: Date, now: Date): number {
  return Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
}

/**
 * The address a failure is counted against: an IPv4 address as it is (also when it arrives
 * IPv4-mapped), an IPv6 address by its /64, which one subscriber usually holds whole.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIP(ip) !== 6) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = Array<string>(8 - left.length - right.length).fill('0');
  const groups = ip.includes('::') ? [...left, ...zeros, ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
