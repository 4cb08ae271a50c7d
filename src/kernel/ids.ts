import { randomBytes } from 'node:crypto';

/**
 * Random bytes for ids, drawn from the CSPRNG 4 KiB at a time: one draw per id was a system call
 * per id, and a gate batch mints several ids per truck.
 */
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let poolOffset = POOL_SIZE;

function randomChunk(n: number): Buffer {
  if (poolOffset + n > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const chunk = pool.subarray(poolOffset, poolOffset + n);
  poolOffset += n;
  return chunk;
}

/** UUIDv7 (RFC 9562): time-ordered, so ids double as idempotency keys and index well. */
export function uuidv7(now: number = Date.now()): string {
  const bytes = Buffer.from(randomChunk(16));
  // 48 bits of milliseconds, big-endian; exact in a double (below 2^53).
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let lastOrderedMs = -1;
let orderedHead = ''; // time, version and rand_a, and the first two bytes of rand_b: fixed within a millisecond
let orderedCounter = 0; // the last 48 bits of rand_b, counted up within a millisecond
const COUNTER_LIMIT = 2 ** 48;

/**
 * A UUIDv7 that sorts after every id this process made with it before, even within one millisecond
 * or when the clock stands still or steps back (RFC 9562 §6.2, method 2: a counter in the random
 * bits, seeded randomly each millisecond). Use it where the order of ids is the order of arrival,
 * e.g. inputs of the same day.
 */
export function uuidv7Ordered(now: number = Date.now()): string {
  if (now > lastOrderedMs || orderedCounter >= COUNTER_LIMIT - 1) {
    lastOrderedMs = Math.max(now, lastOrderedMs + (now > lastOrderedMs ? 0 : 1));
    const random = randomBytes(10);
    random[0] = (random[0]! & 0x0f) | 0x70; // version 7
    random[2] = (random[2]! & 0x3f) | 0x80; // variant 10
    orderedHead = lastOrderedMs.toString(16).padStart(12, '0') + random.subarray(0, 4).toString('hex');
    // Start in the lower half so a million ids within the millisecond never overflow.
    orderedCounter = random.readUIntBE(4, 6) % (COUNTER_LIMIT / 2);
  } else {
    orderedCounter += 1;
  }
  const hex = orderedHead + orderedCounter.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
