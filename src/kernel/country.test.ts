import { describe, expect, it } from 'vitest';
import { COUNTRY_CODES, validateCountryCode } from './country.ts';

describe('ISO 3166-1 alpha-2 country codes', () => {
  it('holds the 249 assigned codes, every one a region the runtime names', () => {
    expect(COUNTRY_CODES.size).toBe(249);
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    for (const code of COUNTRY_CODES) expect(names.of(code)).not.toBe(code);
  });

  it.each(['DE', 'AU', 'CN', 'HK', 'MO', 'TW', 'JP', 'IT', 'SS', 'BQ'])('accepts %s', (code) => {
    expect(validateCountryCode(code)).toBeNull();
  });

  it.each([
    ['DEU', 'ISO3166.format'],
    ['de', 'ISO3166.format'],
    ['D', 'ISO3166.format'],
    ['', 'ISO3166.format'],
    [42, 'ISO3166.format'],
    ['XX', 'ISO3166.unknown'],
    ['EU', 'ISO3166.unknown'],
    ['UK', 'ISO3166.unknown'],
    ['YU', 'ISO3166.unknown'],
  ])('refuses %s with %s', (code, rule) => {
    expect(validateCountryCode(code)?.rule).toBe(rule);
  });

  it('says an alpha-3 code is one', () => {
    expect(validateCountryCode('DEU')?.message).toContain('DEU looks like an alpha-3 code');
  });
});
