import { randomBytes } from 'node:crypto';

/** UUIDv7 (RFC 9562): time-ordered, so ids double as idempotency keys and index well. */
export function uuidv7(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  const ms = BigInt(now);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let lastOrderedMs = -1;
let lastOrderedTail = 0n;
const TAIL_BITS = 74n; // rand_a (12 bits) + rand_b (62 bits)
const TAIL_MAX = (1n << TAIL_BITS) - 1n;

/**
 * A UUIDv7 that sorts after every id this process made with it before, even within one millisecond
 * or when the clock stands still or steps back (RFC 9562 §6.2, method 2: the random tail is
 * incremented). Use it where the order of ids is the order of arrival, e.g. inputs of the same day.
 */
export function uuidv7Ordered(now: number = Date.now()): string {
  if (now > lastOrderedMs) {
    lastOrderedMs = now;
    // Leave headroom above the random start so increments within the millisecond never overflow.
    lastOrderedTail = BigInt(`0x${randomBytes(10).toString('hex')}`) & (TAIL_MAX >> 1n);
  } else {
    lastOrderedTail += 1n + BigInt(randomBytes(1)[0]!);
    if (lastOrderedTail > TAIL_MAX) {
      lastOrderedMs += 1;
      lastOrderedTail = 0n;
    }
  }
  const ms = BigInt(lastOrderedMs);
  const randA = (lastOrderedTail >> 62n) & 0xfffn;
  const randB = lastOrderedTail & ((1n << 62n) - 1n);
  const hi = (ms << 16n) | (0x7n << 12n) | randA; // 48-bit time, version 7, rand_a
  const lo = (0b10n << 62n) | randB; // variant 10, rand_b
  const hex = hi.toString(16).padStart(16, '0') + lo.toString(16).padStart(16, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
