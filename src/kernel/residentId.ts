import type { Violation } from './violation.ts';

// 居民身份证号码 (GB 11643-1999): 6-digit address code, 8-digit birth date, 3-digit order, check.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
const PROVINCES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
  '91',
]);

export function residentIdCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('residentIdCheckDigit needs 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/** Birth date as YYYY-MM-DD (positions 7-14). */
export function residentIdBirthDate(id: string): string {
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

function isCalendarDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function validateResidentId(input: unknown, asOf: Date): Violation | null {
  if (typeof input !== 'string' || input.length === 0)
    return { rule: 'GB11643.required', message: 'Give the 18-character resident identity number (GB 11643).' };
  if (!/^\d{17}[\dX]$/.test(input))
    return {
      rule: 'GB11643.format',
      message: 'A resident identity number is 17 digits and a check character 0-9 or X (GB 11643).',
    };
  if (!PROVINCES.has(input.slice(0, 2)))
    return {
      rule: 'GB11643.addressCode',
      message: `'${input.slice(0, 2)}' is not a province code (GB 11643 address code).`,
    };
  const birth = residentIdBirthDate(input);
  if (!isCalendarDate(birth) || birth < '1900-01-01' || birth > asOf.toISOString().slice(0, 10)) {
    return {
      rule: 'GB11643.birthDate',
      message: `Characters 7-14 must be a real birth date not in the future (GB 11643), got ${birth}.`,
    };
  }
  const expected = residentIdCheckDigit(input.slice(0, 17));
  if (input[17] !== expected)
    return {
      rule: 'GB11643.checkDigit',
      message: `Resident ID check digit must be '${expected}' (GB 11643), got '${input[17]}'.`,
    };
  return null;
}

/** Passport numbers: 5-17 capital letters and digits, with at least one digit. */
export function validatePassportNumber(input: unknown): Violation | null {
  if (typeof input !== 'string' || !/^[A-Z0-9]{5,17}$/.test(input) || !/\d/.test(input)) {
    return {
      rule: 'passport.format',
      message: 'A passport number is 5 to 17 capital letters and digits, with at least one digit.',
    };
  }
  return null;
}
