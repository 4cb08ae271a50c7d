import type { Violation } from './violation.ts';

// ISO 6346 container numbers: owner code (3 letters), category (U, J or Z), 6-digit serial, check digit.
// Letters count from A = 10 upwards, skipping multiples of 11 (11, 22, 33).
const LETTER_VALUES: Record<string, number> = (() => {
  const values: Record<string, number> = {};
  let v = 10;
  for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
    if (v % 11 === 0) v++;
    values[ch] = v++;
  }
  return values;
})();

export function containerCheckDigit(first10: string): number {
  if (!/^[A-Z]{4}\d{6}$/.test(first10)) throw new Error('containerCheckDigit needs 4 letters and 6 digits');
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const ch = first10[i]!;
    const value = i < 4 ? LETTER_VALUES[ch]! : Number(ch);
    sum += value * 2 ** i;
  }
  return (sum % 11) % 10;
}

export function validateContainerNumber(input: unknown): Violation | null {
  if (typeof input !== 'string' || !/^[A-Z]{3}[UJZ]\d{7}$/.test(input)) {
    return {
      rule: 'ISO6346.format',
      message:
        'A container number is 3 letters of owner code, U, J or Z, 6 digits and a check digit (ISO ' +
        '6346), e.g. CSQU3054383.',
    };
  }
  const expected = containerCheckDigit(input.slice(0, 10));
  if (Number(input[10]) !== expected)
    return {
      rule: 'ISO6346.checkDigit',
      message: `Container check digit must be ${expected} (ISO 6346), got ${input[10]}.`,
    };
  return null;
}
