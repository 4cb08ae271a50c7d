import { describe, expect, it } from 'vitest';
import { msUntilNextRun } from './scheduler.ts';

describe('daily sweep time (00:05 Asia/Shanghai)', () => {
  it.each([
    ['2026-11-23T16:00:00Z', 5 * 60_000], // 00:00 in Shanghai → 5 minutes
    ['2026-11-23T16:05:00Z', 86_400_000], // exactly 00:05 → tomorrow
    ['2026-11-23T02:00:00Z', (14 * 60 + 5) * 60_000], // 10:00 in Shanghai → 14 h 5 min
  ])('%s', (iso, ms) => {
    expect(msUntilNextRun(new Date(iso))).toBe(ms);
  });
});
