import { describe, expect, it } from 'vitest';
import { addressKey, afterFailure, isLocked, lockLengthMs, retryAfterSeconds, type ThrottleState } from './throttle.ts';

const policy = { maxFailures: 10, windowMs: 15 * 60_000, maxLockMs: 24 * 3600_000 };
const t0 = new Date('2026-03-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

function fail(times: number, start: ThrottleState | null, startMs: number, stepMs: number) {
  let s = start;
  for (let i = 0; i < times; i++) s = afterFailure(s, at(startMs + i * stepMs), policy);
  return s!;
}

describe('login throttling', () => {
  it('locks on the 10th failure within 15 minutes, for 15 minutes', () => {
    const nine = fail(9, null, 0, 1000);
    expect(isLocked(nine, at(9000))).toBe(false);
    const ten = afterFailure(nine, at(9000), policy);
    expect(ten.lockedUntil).toEqual(at(9000 + 15 * 60_000));
    expect(ten.lockouts).toBe(1);
    expect(retryAfterSeconds(ten.lockedUntil!, at(9000))).toBe(900);
  });

  it('does not lock on 10 failures spread wider than the window', () => {
    const s = fail(10, null, 0, 2 * 60_000);
    expect(s.lockedUntil).toBeNull();
    expect(s.failures).toBeLessThan(10);
  });

  it('after a lock-out, each further failure locks again at once, twice as long each time, capped at 24 h', () => {
    let s = fail(10, null, 0, 1000);
    const lengths = [s.lockedUntil!.getTime() - s.lastFailureAt.getTime()];
    for (let i = 0; i < 10; i++) {
      const next = new Date(s.lockedUntil!.getTime() + 1000);
      s = afterFailure(s, next, policy);
      lengths.push(s.lockedUntil!.getTime() - next.getTime());
    }
    const minutes = lengths.map((ms) => ms / 60_000);
    expect(minutes.slice(0, 8)).toEqual([15, 30, 60, 120, 240, 480, 960, 1440]);
    expect(minutes.at(-1)).toBe(1440);
    expect(lockLengthMs(100, policy)).toBe(policy.maxLockMs);
  });

  it('300 wrong passwords at 23 a second: 10 tried, then locked for the rest', () => {
    let s: ThrottleState | null = null;
    let tried = 0;
    for (let i = 0; i < 300; i++) {
      const now = at(i * 43);
      if (isLocked(s, now)) continue;
      tried++;
      s = afterFailure(s, now, policy);
    }
    expect(tried).toBe(10);
  });

  it('forgets a key that stayed quiet and unlocked for 48 hours', () => {
    const locked = fail(10, null, 0, 1000);
    expect(afterFailure(locked, at(9000 + 47 * 3600_000), policy).lockouts).toBe(2);
    const later = afterFailure(locked, at(9000 + 48 * 3600_000), policy);
    expect(later).toMatchObject({ failures: 1, lockouts: 0, lockedUntil: null });
  });

  it('counts IPv4 addresses as they are and IPv6 addresses by their /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:abcd:12:1:2:3:4')).toBe('2001:db8:abcd:12::/64');
    expect(addressKey('2001:db8:abcd:12::99')).toBe('2001:db8:abcd:12::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});
