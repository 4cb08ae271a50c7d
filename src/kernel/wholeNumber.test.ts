import { describe, expect, it } from 'vitest';
import { wholeNumber } from './wholeNumber.ts';

describe('wholeNumber', () => {
  it('reads integers given as numbers or digit strings', () => {
    expect(wholeNumber(2026, 'year')).toBe(2026);
    expect(wholeNumber('2026', 'year')).toBe(2026);
    expect(wholeNumber('-3', 'offset')).toBe(-3);
  });
  it('refuses fractions, empty strings, money-like text and unsafe integers, naming the value', () => {
    expect(() => wholeNumber(18.5, 'age')).toThrow('age must be a whole number, not 18.5.');
    expect(() => wholeNumber('', 'age')).toThrow(RangeError);
    expect(() => wholeNumber('100.00', 'year')).toThrow(RangeError);
    expect(() => wholeNumber('9007199254740993', 'year')).toThrow(RangeError);
    expect(() => wholeNumber(null, 'year')).toThrow(RangeError);
  });
});
