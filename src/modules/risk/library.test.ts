import { describe, expect, it } from 'vitest';
import { BASELINE_LIBRARY } from './library.ts';
import { compileFeature } from './rules.ts';
import { FIELD_CATALOGUE } from './fields.ts';

describe('the baseline feature library', () => {
  it('has at least 40 features with unique codes, all of which compile against the catalogue', () => {
    expect(BASELINE_LIBRARY.length).toBeGreaterThanOrEqual(40);
    expect(new Set(BASELINE_LIBRARY.map((f) => f.code)).size).toBe(BASELINE_LIBRARY.length);
    for (const f of BASELINE_LIBRARY) {
      const r = compileFeature({ ...f, version: 1, forceLevel: f.forceLevel ?? null, expiresOn: null, mode: 'LIVE' });
      expect(r.ok, `${f.code}: ${r.ok ? '' : JSON.stringify(r.errors)}`).toBe(true);
      expect(Number(f.weight)).toBeGreaterThan(0);
      expect(Number(f.weight)).toBeLessThanOrEqual(100);
      expect(f.description.length).toBeGreaterThan(20);
    }
  });

  it('covers every feature mission.md names', () => {
    const codes = new Set(BASELINE_LIBRARY.map((f) => f.code));
    for (const c of [
      'PRICE_FAR_BELOW_REFERENCE',
      'WEIGHT_PER_UNIT_INCONSISTENT',
      'HS_DESCRIPTION_MISMATCH',
      'VALUE_ADDED_JUST_ABOVE_THRESHOLD',
      'ZERO_TARIFF_QUICK_EXIT',
      'NEW_TRADER_LARGE_VALUE',
      'DORMANT_TRADER_LARGE_VALUE',
      'TRADER_VALUE_SPIKE',
      'HIGH_RISK_ROUTE',
      'HIGH_RISK_ORIGIN',
      'FOCUS_CLASS',
      'PAST_VIOLATION_RECENT',
    ])
      expect(codes, c).toContain(c);
  });

  it('every catalogue field has a unique name and both languages', () => {
    expect(new Set(FIELD_CATALOGUE.map((f) => f.name)).size).toBe(FIELD_CATALOGUE.length);
    for (const f of FIELD_CATALOGUE) expect(f.zh && f.en, f.name).toBeTruthy();
  });
});
