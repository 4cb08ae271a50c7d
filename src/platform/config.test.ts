import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

/** Settings read from the environment: defaults, and a refusal that names the variable and its range. */
const env = (extra: Record<string, string>) => ({
  TIDEGATE_SECRET: 'x'.repeat(40),
  TIDEGATE_DATA_DIR: 'memory://',
  ...extra,
});

describe('loadConfig', () => {
  it('decides one gate batch at a time unless told otherwise', () => {
    expect(loadConfig({}, env({})).gateBatchesInFlight).toBe(1);
    expect(loadConfig({}, env({ TIDEGATE_GATE_BATCHES_IN_FLIGHT: '' })).gateBatchesInFlight).toBe(1);
    expect(loadConfig({}, env({ TIDEGATE_GATE_BATCHES_IN_FLIGHT: '4' })).gateBatchesInFlight).toBe(4);
  });

  it.each(['0', '17', '1.5', 'two', '-1'])(
    'refuses TIDEGATE_GATE_BATCHES_IN_FLIGHT=%s, naming the variable and its range',
    (value) => {
      expect(() => loadConfig({}, env({ TIDEGATE_GATE_BATCHES_IN_FLIGHT: value }))).toThrow(
        `TIDEGATE_GATE_BATCHES_IN_FLIGHT must be a whole number from 1 to 16, got "${value}".`,
      );
    },
  );

  it('waits 50 ms between outbox rounds unless told otherwise, and refuses a gap out of range', () => {
    expect(loadConfig({}, env({})).outboxRoundGapMs).toBe(50);
    expect(loadConfig({}, env({ TIDEGATE_OUTBOX_ROUND_GAP_MS: '0' })).outboxRoundGapMs).toBe(0);
    expect(() => loadConfig({}, env({ TIDEGATE_OUTBOX_ROUND_GAP_MS: '10001' }))).toThrow(
      'TIDEGATE_OUTBOX_ROUND_GAP_MS must be a whole number from 0 to 10000, got "10001".',
    );
  });

  it('refuses a port out of range and a short secret', () => {
    expect(() => loadConfig({}, env({ PORT: '70000' }))).toThrow(/PORT must be a whole number from 0 to 65535/);
    expect(() => loadConfig({}, env({ TIDEGATE_SECRET: 'short' }))).toThrow(/at least 32 characters/);
  });
});

describe('security settings', () => {
  it('have safe defaults', () => {
    const c = loadConfig({}, env({}));
    expect(c.rateLimits).toEqual({ enabled: true, calcPerMinute: 120, clientPerMinute: 1200 });
    expect(c.loginThrottle).toEqual({
      maxFailuresPerUser: 10,
      maxFailuresPerAddress: 30,
      windowMinutes: 15,
      maxLockHours: 24,
    });
    expect(c.trustProxy).toBe(false);
    expect(c.hsts).toBe('auto');
    expect(c.webhookAllow).toEqual([]);
    expect(c.idempotencyLeaseSeconds).toBe(15);
  });

  it('read the environment and refuse what they cannot mean', () => {
    const c = loadConfig(
      {},
      env({
        TIDEGATE_RATE_LIMITS: 'off',
        TIDEGATE_WEBHOOK_ALLOW: '127.0.0.1/32, 10.20.0.0/16',
        TIDEGATE_TRUST_PROXY: '10.0.0.1,10.0.1.0/24',
        TIDEGATE_LOGIN_MAX_FAILURES: '5',
      }),
    );
    expect(c.rateLimits.enabled).toBe(false);
    expect(c.webhookAllow).toEqual(['127.0.0.1/32', '10.20.0.0/16']);
    expect(c.trustProxy).toBe('10.0.0.1/32,10.0.1.0/24');
    expect(c.loginThrottle.maxFailuresPerUser).toBe(5);
    expect(loadConfig({}, env({ TIDEGATE_TRUST_PROXY: 'true' })).trustProxy).toBe(true);
    expect(() => loadConfig({}, env({ TIDEGATE_RATE_LIMITS: 'no' }))).toThrow(
      'TIDEGATE_RATE_LIMITS must be one of on, off, got "no".',
    );
    expect(() => loadConfig({}, env({ TIDEGATE_WEBHOOK_ALLOW: 'intranet' }))).toThrow(
      'TIDEGATE_WEBHOOK_ALLOW: "intranet" is not an IP address or CIDR',
    );
    expect(() => loadConfig({}, env({ TIDEGATE_HSTS: 'always' }))).toThrow(
      'TIDEGATE_HSTS must be one of auto, on, off',
    );
    expect(() => loadConfig({}, env({ TIDEGATE_LOGIN_MAX_FAILURES: '0' }))).toThrow(
      'TIDEGATE_LOGIN_MAX_FAILURES must be a whole number from 1 to 1000',
    );
  });
});
