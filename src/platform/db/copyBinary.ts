/**
 * Rows of a select streamed with `COPY (…) TO STDOUT (FORMAT binary)` and read in place: no object,
 * no string and no number is made per row unless the caller asks for one. postgres.js parses each
 * row of a plain query into an object of decoded values (strings for text, a Date for a time), and
 * for a verifier reading every audit entry that was most of its CPU; in binary COPY a text value
 * arrives as its UTF-8 bytes behind a 4-byte length, an integer as its big-endian bytes.
 *
 * The stream comes through postgres.js's `.readable()` (simple protocol: no parameters, so the
 * caller puts its numbers in the text itself). PostgreSQL's binary COPY layout: an 11-byte
 * signature, a 4-byte flags word, a 4-byte header-extension length and that many bytes; then each
 * row as a 16-bit field count and, per field, a 32-bit length (-1 for null) and the bytes; then a
 * 16-bit -1. Chunks may end anywhere: what does not complete a row waits for the next chunk.
 */
import { finished } from 'node:stream/promises';
import type postgres from 'postgres';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** Complete rows in one buffer. Field f of row r starts at `spans[2 * (r * fields + f)]`, its length (-1: null) follows. */
export interface RowBlock {
  buf: Buffer;
  rows: number;
  spans: Int32Array;
}

/**
 * Streams the rows of `select` (the text of a query, with its values written in) in blocks of
 * complete rows, each with `fields` columns. A block and its `spans` are valid until the next one is
 * asked for. Leaving the loop early reads the rest of the stream away (the connection goes back to
 * the pool clean); an error of the server or the connection ends the loop with it.
 */
export async function* copyBinaryRows(client: postgres.Sql, select: string, fields: number): AsyncGenerator<RowBlock> {
  const stream = await client.unsafe(`copy (${select}) to stdout (format binary)`).readable();
  const block: RowBlock = { buf: Buffer.alloc(0), rows: 0, spans: new Int32Array(fields * 2 * 256) };
  let rest: Buffer | null = null;
  let headerRead = false;
  let ended = false;
  try {
    for await (const chunk of stream.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      const buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
      rest = null;
      let pos = 0;
      if (!headerRead) {
        if (buf.length < 19) {
          rest = buf;
          continue;
        }
        if (!buf.subarray(0, 11).equals(SIGNATURE)) throw new Error('COPY: not a binary COPY stream');
        const extension = buf.readInt32BE(15);
        if (buf.length < 19 + extension) {
          rest = buf;
          continue;
        }
        pos = 19 + extension;
        headerRead = true;
      }
      block.buf = buf;
      block.rows = 0;
      for (;;) {
        if (pos + 2 > buf.length) break;
        const count = buf.readInt16BE(pos);
        if (count === -1) {
          ended = true;
          break;
        }
        if (count !== fields) throw new Error(`COPY: a row of ${count} fields, expected ${fields}`);
        const end = rowEnd(buf, pos + 2, fields, block);
        if (end < 0) break;
        block.rows++;
        pos = end;
      }
      if (pos < buf.length && !ended) rest = buf.subarray(pos);
      if (block.rows > 0) yield block;
    }
    if (!ended) throw new Error('COPY: the stream ended before its trailer');
  } finally {
    if (!stream.readableEnded && !stream.destroyed) {
      // Left early: the rest goes unread, so the connection finishes the statement.
      stream.resume();
      await finished(stream).catch(() => {});
    }
    // postgres.js pauses the connection's socket when the stream's buffer is full and resumes it
    // from the stream's read(), which Node does not call once the stream has ended: when the last
    // rows filled the buffer, the rest of the reply (the statement's completion) would wait forever
    // and the connection with it. Resumed once more here (a no-op when it was not paused).
    if (stream.readableEnded) {
      try {
        (stream as unknown as { _read(size: number): void })._read(0);
      } catch {
        // The connection has gone: nothing to resume.
      }
    }
  }
}

/** Records the fields of the row at `pos` in `block.spans` (grown as needed); -1 when the row is not complete. */
function rowEnd(buf: Buffer, pos: number, fields: number, block: RowBlock): number {
  let at = block.rows * fields * 2;
  if (at + fields * 2 > block.spans.length) {
    const grown = new Int32Array(block.spans.length * 2);
    grown.set(block.spans);
    block.spans = grown;
  }
  const spans = block.spans;
  for (let f = 0; f < fields; f++) {
    if (pos + 4 > buf.length) return -1;
    const length = buf.readInt32BE(pos);
    pos += 4;
    spans[at++] = pos;
    spans[at++] = length;
    if (length > 0) pos += length;
    if (pos > buf.length) return -1;
  }
  return pos;
}

/** A bigint field as a number, or NaN when it is beyond 2^53 (the caller then reads it as `int8Text`). */
export function int8(buf: Buffer, at: number): number {
  const high = buf.readInt32BE(at);
  if (high >= 0x200000 || high < -0x200000) return Number.NaN;
  return high * 0x100000000 + buf.readUInt32BE(at + 4);
}

export const int8Text = (buf: Buffer, at: number): string => buf.readBigInt64BE(at).toString();

/**
 * Milliseconds since 1970 of a timestamptz field (PostgreSQL sends microseconds since 2000-01-01 UTC),
 * rounded down as a JavaScript Date reads the text of a time with microseconds. In integers: a
 * quotient in floating point could round up to the next millisecond.
 */
export function timestampMillis(buf: Buffer, at: number): number {
  const micros = int8(buf, at);
  if (Number.isNaN(micros)) {
    const big = buf.readBigInt64BE(at);
    return Number(big / 1000n - (big % 1000n < 0n ? 1n : 0n)) + 946_684_800_000;
  }
  const below = ((micros % 1000) + 1000) % 1000;
  return (micros - below) / 1000 + 946_684_800_000;
}
