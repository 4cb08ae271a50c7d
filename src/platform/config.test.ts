import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

/** Settings read from the environment: defaults, and a refusal that names the variable and its range. */
const env = (extra: Record<string, string>) => ({ TIDEGATE_SECRET: 'x'.repeat(40), TIDEGATE_DATA_DIR: 'memory://', ...extra });

describe('loadConfig', () => {
  it('decides one gate batch at a time unless told otherwise', () => {
    expect(loadConfig({}, env({})).gateBatchesInFlight).toBe(1);
    expect(loadConfig({}, env({ TIDEGATE_GATE_BATCHES_IN_FLIGHT: '' })).gateBatchesInFlight).toBe(1);
    expect(loadConfig({}, env({ TIDEGATE_GATE_BATCHES_IN_FLIGHT: '4' })).gateBatchesInFlight).toBe(4);
  });

  it.each(['0', '17', '1.5', 'two', '-1'])('refuses TIDEGATE_GATE_BATCHES_IN_FLIGHT=%s, naming the variable and its range', (value) => {
    expect(() => loadConfig({}, env({ TIDEGATE_GATE_BATCHES_IN_FLIGHT: value }))).toThrow(`TIDEGATE_GATE_BATCHES_IN_FLIGHT must be a whole number from 1 to 16, got "${value}".`);
  });

  it('waits 50 ms between outbox rounds unless told otherwise, and refuses a gap out of range', () => {
    expect(loadConfig({}, env({})).outboxRoundGapMs).toBe(50);
    expect(loadConfig({}, env({ TIDEGATE_OUTBOX_ROUND_GAP_MS: '0' })).outboxRoundGapMs).toBe(0);
    expect(() => loadConfig({}, env({ TIDEGATE_OUTBOX_ROUND_GAP_MS: '10001' }))).toThrow('TIDEGATE_OUTBOX_ROUND_GAP_MS must be a whole number from 0 to 10000, got "10001".');
  });

  it('refuses a port out of range and a short secret', () => {
    expect(() => loadConfig({}, env({ PORT: '70000' }))).toThrow(/PORT must be a whole number from 0 to 65535/);
    expect(() => loadConfig({}, env({ TIDEGATE_SECRET: 'short' }))).toThrow(/at least 32 characters/);
  });
});
