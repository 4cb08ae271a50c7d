import type { Violation } from './violation.ts';

// 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character set (no I, O, Z, S, V).
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters: C18 = 31 − (Σ value × weight mod 31), 31 → 0. */
export function usccCheckChar(first17: string): string {
  if (first17.length !== 17) throw new Error('usccCheckChar needs exactly 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARSET.indexOf(first17[i]!);
    if (v < 0) throw new Error(`'${first17[i]}' is not a USCC character`);
    sum += v * WEIGHTS[i]!;
  }
  return USCC_CHARSET[(31 - (sum % 31)) % 31]!;
}

export function validateUscc(input: unknown): Violation | null {
  if (typeof input !== 'string' || input.length === 0)
    return { rule: 'GB32100.required', message: 'Give the 18-character unified social credit code (GB 32100-2015).' };
  if (input.length !== 18)
    return {
      rule: 'GB32100.length',
      message: `A unified social credit code has 18 characters (GB 32100-2015), got ${input.length}.`,
    };
  if (input !== input.toUpperCase())
    return {
      rule: 'GB32100.upperCase',
      message: 'Write the unified social credit code in capital letters (GB 32100-2015).',
    };
  for (let i = 0; i < 18; i++) {
    if (!USCC_CHARSET.includes(input[i]!)) {
      return {
        rule: 'GB32100.charset',
        message:
          `Character ${i + 1} ('${input[i]}') is not allowed in a unified social credit code: ` +
          `use digits and capital letters except I, O, Z, S, V (GB 32100-2015).`,
      };
    }
  }
  if (!/^\d{6}$/.test(input.slice(2, 8)))
    return {
      rule: 'GB32100.divisionCode',
      message:
        'Characters 3-8 of a unified social credit code are the administrative division code, 6 ' +
        'digits (GB 32100-2015).',
    };
  const expected = usccCheckChar(input.slice(0, 17));
  if (input[17] !== expected)
    return {
      rule: 'GB32100.checkCharacter',
      message: `USCC check character must be '${expected}' (GB 32100-2015), got '${input[17]}'.`,
    };
  return null;
}

export function isValidUscc(input: unknown): boolean {
  return validateUscc(input) === null;
}
