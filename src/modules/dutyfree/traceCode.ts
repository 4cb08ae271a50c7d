/**
 * Traceability codes (免税品溯源码): `HN`, 13 random characters of Crockford's base32 (no I, L, O,
 * U: nothing to misread on a label) and one check character, 16 in all. 65 random bits make codes
 * unguessable, so anyone may ask about a code without learning others. The check character is
 * ISO 7064 MOD 37-36 over the whole code: it catches every single wrong character and about 999 in
 * 1,000 swaps of two neighbours, so a mistyped code is mostly told from one never issued.
 */
const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const TRACE_CODE_PREFIX = 'HN';
export const TRACE_CODE_LENGTH = 16;
const BODY_LENGTH = TRACE_CODE_LENGTH - TRACE_CODE_PREFIX.length - 1;

/** ISO 7064 MOD 37-36 (hybrid system): the check character of alphanumeric text. */
export function checkCharacter(text: string): string {
  const m = 36;
  let product = m;
  for (const ch of text) {
    const value = ALPHANUMERIC.indexOf(ch);
    if (value < 0) throw new Error(`checkCharacter: '${ch}' is not 0-9 or A-Z`);
    let sum = (product + value) % m;
    if (sum === 0) sum = m;
    product = (2 * sum) % (m + 1);
  }
  return ALPHANUMERIC[(m + 1 - product) % m]!;
}

/** A new code from 13 random bytes (one base32 character from the low 5 bits of each). */
export function newTraceCode(random: Uint8Array): string {
  if (random.length < BODY_LENGTH) throw new Error(`newTraceCode needs ${BODY_LENGTH} random bytes`);
  let body = TRACE_CODE_PREFIX;
  for (let i = 0; i < BODY_LENGTH; i++) body += BASE32[random[i]! & 31];
  return body + checkCharacter(body);
}

/** How people type codes: lower case, spaces and dashes between groups. */
export function normaliseTraceCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

export type TraceCodeCheck = { valid: true } | { valid: false; reason: 'format' | 'checkCharacter' };

/** Whether the text can be a Tidegate code at all: shape, then check character. */
export function checkTraceCode(code: string): TraceCodeCheck {
  const shape = new RegExp(`^${TRACE_CODE_PREFIX}[${BASE32}]{${BODY_LENGTH}}[0-9A-Z]$`);
  if (!shape.test(code)) return { valid: false, reason: 'format' };
  return checkCharacter(code.slice(0, -1)) === code.slice(-1)
    ? { valid: true }
    : { valid: false, reason: 'checkCharacter' };
}
