import { canonicalJson } from '../../kernel/canonicalJson.ts';
import { hash as nodeHash } from 'node:crypto';
import { sha256Hex } from '../crypto.ts';
import { leafHash, merkleRoot, rootFromPath, type PathStep } from './merkle.ts';

/**
 * The audit log is N hash chains (partitions) plus a root chain of anchors. Everything here is pure,
 * so anyone holding the rows can recompute it; docs/decisions/0005-partitioned-audit-chain.md spells
 * the formulas out.
 */

export const GENESIS_HASH = '0'.repeat(64);

/** Entries written while the log was one chain: kept, and still checked, with their original hash. */
export const LEGACY_FORMAT = 1;
/** Entries of a partitioned chain: the hash covers a digest of the body, so proofs need not reveal other entries. */
export const PARTITIONED_FORMAT = 2;

/** What the command recorded. `change` is the canonical JSON text, exactly the bytes that were hashed. */
export interface EntryBody {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  subject: string;
  change: string;
}

/** Where the entry sits: partition, gap-free position in it, and the hash of its predecessor there. */
export interface EntryLink {
  partition: number;
  pseq: number;
  format: number;
  prevHash: string;
}

export type StoredEntry = EntryBody & EntryLink & { hash: string };

/** body = SHA-256(canonical JSON of seq, at, actor, action, subject, change). */
export function bodyDigest(b: EntryBody): string {
  return sha256Hex(
    canonicalJson({
      seq: b.seq,
      at: b.at.toISOString(),
      actor: b.actor,
      action: b.action,
      subject: b.subject,
      change: b.change,
    }),
  );
}

/** hash = SHA-256(canonical JSON of format, partition, pseq, prevHash, body). */
export function partitionedHash(link: Omit<EntryLink, 'format'>, body: string): string {
  return sha256Hex(
    canonicalJson({
      format: PARTITIONED_FORMAT,
      partition: link.partition,
      pseq: link.pseq,
      prevHash: link.prevHash,
      body,
    }),
  );
}

/** The one-chain formula: SHA-256(canonical JSON of seq, at, actor, action, subject, change, prevHash). */
export function legacyHash(b: EntryBody, prevHash: string): string {
  return sha256Hex(
    canonicalJson({
      seq: b.seq,
      at: b.at.toISOString(),
      actor: b.actor,
      action: b.action,
      subject: b.subject,
      change: b.change,
      prevHash,
    }),
  );
}

export function entryHash(e: EntryBody & EntryLink): string {
  if (e.format === LEGACY_FORMAT) return legacyHash(e, e.prevHash);
  if (e.format === PARTITIONED_FORMAT) return partitionedHash(e, bodyDigest(e));
  throw new Error(`unknown audit entry format ${e.format}`);
}

/** First 32 bits of SHA-256 of the key: stable across processes and languages. */
export function partitionHash(key: string): number {
  return Buffer.from(sha256Hex(key).slice(0, 8), 'hex').readUInt32BE(0);
}

export function partitionOf(key: string, partitions: number): number {
  return partitionHash(key) % partitions;
}

/** A place where the log does not hold together. `seq` is null when the broken entry is missing altogether. */
export interface ChainBreak {
  seq: number | null;
  partition: number | null;
  pseq: number | null;
  anchor: number | null;
  reason: string;
}

export const entryBreak = (partition: number, pseq: number, seq: number | null, reason: string): ChainBreak => ({
  seq,
  partition,
  pseq,
  anchor: null,
  reason,
});
export const anchorBreak = (anchor: number, reason: string): ChainBreak => ({
  seq: null,
  partition: null,
  pseq: null,
  anchor,
  reason,
});

/** What the walk of one partition expects next. */
export interface WalkState {
  partition: number;
  pseq: number;
  prevHash: string;
  /** Global seq of the previous entry: it must grow along the chain. */
  seq: number;
  /** Once a partitioned entry is seen, no legacy entry may follow. */
  partitionedSeen: boolean;
}

export const startOfPartition = (partition: number): WalkState => ({
  partition,
  pseq: 0,
  prevHash: GENESIS_HASH,
  seq: 0,
  partitionedSeen: false,
});

/**
 * Checks the next stored entry of a partition, walked in pseq order: a deleted entry shows as a
 * gap, an edited one as a wrong hash, a reordered or moved one as a wrong position or previous hash.
 */
export function checkLink(e: StoredEntry, s: WalkState): ChainBreak | null {
  const here = (reason: string) => entryBreak(s.partition, s.pseq + 1, e.seq, reason);
  const name = `entry ${s.partition}#${s.pseq + 1}`;
  if (e.pseq < s.pseq + 1)
    return entryBreak(
      s.partition,
      e.pseq,
      e.seq,
      `entry ${s.partition}#${e.pseq} is stored twice (seq ${e.seq} repeats a position)`,
    );
  if (e.pseq > s.pseq + 1)
    return entryBreak(
      s.partition,
      s.pseq + 1,
      null,
      `${name} is missing (the next stored entry is ${s.partition}#${e.pseq}, seq ${e.seq})`,
    );
  if (e.prevHash !== s.prevHash)
    return here(`${name} (seq ${e.seq}) does not point at the hash of ${s.partition}#${s.pseq}`);
  if (e.format === LEGACY_FORMAT && (e.partition !== 0 || e.seq !== e.pseq || s.partitionedSeen)) {
    return here(`${name} (seq ${e.seq}) claims the one-chain format outside the start of partition 0`);
  }
  if (e.format !== LEGACY_FORMAT && e.format !== PARTITIONED_FORMAT)
    return here(`${name} (seq ${e.seq}) has an unknown format ${e.format}`);
  if (e.seq <= s.seq) return here(`${name} (seq ${e.seq}) is out of order: the entry before it has seq ${s.seq}`);
  if (Number.isNaN(e.at.getTime())) return here(`${name} (seq ${e.seq}) was altered: its time is no date`);
  const recomputed = entryHash(e);
  if (recomputed !== e.hash)
    return here(
      `${name} (seq ${e.seq}) was altered: its content hashes to ${recomputed.slice(0, 12)}…, stored ` +
        `${e.hash.slice(0, 12)}…`,
    );
  return null;
}

export function advance(s: WalkState, e: StoredEntry): WalkState {
  return {
    partition: s.partition,
    pseq: e.pseq,
    prevHash: e.hash,
    seq: e.seq,
    partitionedSeen: s.partitionedSeen || e.format === PARTITIONED_FORMAT,
  };
}

// ---- anchors: the root chain -------------------------------------------------------------------

/** The head a partition had when an anchor was made; pseq 0 and the genesis hash while it is empty. */
export interface Head {
  partition: number;
  pseq: number;
  hash: string;
}

export const emptyHead = (partition: number): Head => ({ partition, pseq: 0, hash: GENESIS_HASH });

/** Leaf of partition p in an anchor's Merkle tree: leafHash(canonical JSON of partition, pseq, hash). */
export function headLeaf(h: Head): string {
  return leafHash(canonicalJson({ partition: h.partition, pseq: h.pseq, hash: h.hash }));
}

export function headsRoot(heads: readonly Head[]): string {
  return merkleRoot(heads.map(headLeaf));
}

export interface AnchorMaterial {
  seq: number;
  /** A Date, or its ISO text as the API returns it. */
  at: Date | string;
  partitionCount: number;
  root: string;
  prevHash: string;
}

/** hash = SHA-256(canonical JSON of seq, at, partitionCount, root, prevHash). */
export function anchorHash(a: AnchorMaterial): string {
  return sha256Hex(
    canonicalJson({
      seq: a.seq,
      at: new Date(a.at).toISOString(),
      partitionCount: a.partitionCount,
      root: a.root,
      prevHash: a.prevHash,
    }),
  );
}

// ---- inclusion proofs --------------------------------------------------------------------------

/** One later entry of the same partition: its body digest, or for a one-chain entry its whole content. */
export type ProofLink =
  | { pseq: number; format: typeof PARTITIONED_FORMAT; body: string; hash: string }
  | {
      pseq: number;
      format: typeof LEGACY_FORMAT;
      entry: { seq: number; at: string; actor: string; action: string; subject: string; change: string };
      hash: string;
    };

export interface InclusionProof {
  anchor: AnchorMaterial & { hash: string };
  /** The head of the entry's partition that the anchor committed to. */
  head: Head;
  /** Entries after the proven one, up to and including the head, in order. */
  links: ProofLink[];
  /** From the head's leaf up to the anchor's root. */
  merklePath: PathStep[];
}

/** Recomputes the way from an entry to the anchor's hash. Null when the proof holds, else why not. */
export function checkInclusionProof(entry: StoredEntry, proof: InclusionProof): string | null {
  let hash = entryHash(entry);
  if (hash !== entry.hash) return `the entry's content hashes to ${hash}, not to its stored hash`;
  if (proof.head.partition !== entry.partition)
    return `the proof is for partition ${proof.head.partition}, the entry is in ${entry.partition}`;
  let pseq = entry.pseq;
  for (const link of proof.links) {
    if (link.pseq !== pseq + 1) return `link ${link.pseq} does not follow ${entry.partition}#${pseq}`;
    const next =
      link.format === PARTITIONED_FORMAT
        ? partitionedHash({ partition: entry.partition, pseq: link.pseq, prevHash: hash }, link.body)
        : legacyHash({ ...link.entry, at: new Date(link.entry.at) }, hash);
    if (next !== link.hash) return `link ${entry.partition}#${link.pseq} hashes to ${next}, not ${link.hash}`;
    hash = next;
    pseq = link.pseq;
  }
  if (pseq !== proof.head.pseq || hash !== proof.head.hash)
    return (
      `the links end at ${entry.partition}#${pseq} ${hash}, not at the anchored head ${proof.head.pseq} ` +
      `${proof.head.hash}`
    );
  const root = rootFromPath(headLeaf(proof.head), proof.merklePath);
  if (root !== proof.anchor.root)
    return `the Merkle path leads to ${root}, not to the anchor's root ${proof.anchor.root}`;
  const anchor = anchorHash(proof.anchor);
  if (anchor !== proof.anchor.hash) return `the anchor hashes to ${anchor}, not ${proof.anchor.hash}`;
  return null;
}

// ---- the verifier's fast path ------------------------------------------------------------------

/**
 * An entry as the verifier streams it: `at` already in ISO text (the database formats it), the
 * numbers as the driver returns them. The fast path builds the same canonical JSON text as
 * `bodyDigest`/`partitionedHash` without an object, a key sort or a Date per entry, and hashes with
 * the one-shot `crypto.hash`; `chain.test.ts` checks it against the reference formulas.
 */
export interface StreamedEntry {
  seq: number | string;
  partition: number;
  pseq: number | string;
  format: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  change: string;
  prev_hash: string;
  hash: string;
}

const oneShot = (data: string): string => nodeHash('sha256', data, 'hex');

/** The partitioned (format 2) hash of a streamed entry, the text of `at` as stored (ISO, milliseconds, UTC). */
export function fastPartitionedHash(e: StreamedEntry, prevHash: string): string {
  const body = oneShot(
    `{"action":${JSON.stringify(e.action)},"actor":${JSON.stringify(e.actor)},"at":"${e.at}","change":${JSON.stringify(
      e.change,
    )},"seq":${Number(e.seq)},"subject":${JSON.stringify(e.subject)}}`,
  );
  return oneShot(
    `{"body":"${body}","format":${PARTITIONED_FORMAT},"partition":${e.partition},` +
      `"prevHash":"${prevHash}","pseq":${Number(e.pseq)}}`,
  );
}

/** The stored entry the reference functions take, for the slow path that names a break. */
export function toStoredEntry(e: StreamedEntry): StoredEntry {
  return {
    seq: Number(e.seq),
    partition: e.partition,
    pseq: Number(e.pseq),
    format: e.format,
    at: new Date(e.at),
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    change: e.change,
    prevHash: e.prev_hash,
    hash: e.hash,
  };
}

// ---- the verifier's fast path on bytes ---------------------------------------------------------

/**
 * Where an entry's four texts sit in a buffer of UTF-8 bytes (a binary COPY row): from index `at` of
 * `spans`, the start and the byte length of actor, action, subject and change, in that order.
 */
export interface EntryTextSpans {
  src: Uint8Array;
  spans: Int32Array;
  at: number;
}

/** After a backslash, the letter JSON.stringify writes for these bytes; 0 where it writes \u00XX instead (below 0x20). */
const SHORT_ESCAPES = new Uint8Array(256);
for (const [byte, letter] of [
  [0x22, '"'],
  [0x5c, '\\'],
  [0x08, 'b'],
  [0x09, 't'],
  [0x0a, 'n'],
  [0x0c, 'f'],
  [0x0d, 'r'],
] as const)
  SHORT_ESCAPES[byte] = letter.charCodeAt(0);
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/** Where the body text and then the link text are written; grown for a larger entry. */
let scratch = Buffer.allocUnsafe(1 << 16);
const link = Buffer.allocUnsafe(256);

/** 1 for the bytes JSON.stringify escapes: the quote, the backslash and the controls below 0x20. */
const ESCAPED = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) ESCAPED[b] = 1;
ESCAPED[0x22] = ESCAPED[0x5c] = 1;

/** The escape of one byte at `o`, as JSON.stringify writes it. */
function writeEscape(out: Buffer, b: number, o: number): number {
  out[o++] = 0x5c;
  const letter = SHORT_ESCAPES[b]!;
  if (letter !== 0) {
    out[o] = letter;
    return o + 1;
  }
  out[o++] = 0x75;
  out[o++] = 0x30;
  out[o++] = 0x30;
  out[o++] = HEX_DIGITS[b >> 4]!;
  out[o] = HEX_DIGITS[b & 15]!;
  return o + 1;
}

/**
 * `JSON.stringify` of the text in `src[start, start + length)`, written as UTF-8 at `o` of the
 * scratch buffer: the quote, the backslash and the controls below 0x20 escaped as it does them, all
 * else (UTF-8 sequences included) as is. A PostgreSQL text in UTF-8 holds no lone surrogate, the one
 * thing JSON.stringify escapes above 0x1f besides those. A plain loop over the bytes: faster here
 * than decoding to a string for the native JSON.stringify and encoding back (about 2.5 times), and
 * than copying the runs between escapes or testing four bytes at a time (JSON has a quote every few
 * bytes).
 */
function writeJsonString(src: Uint8Array, start: number, length: number, o: number): number {
  const out = scratch;
  out[o++] = 0x22;
  for (let i = start, end = start + length; i < end; i++) {
    const b = src[i]!;
    if (ESCAPED[b] === 0) out[o++] = b;
    else o = writeEscape(out, b, o);
  }
  out[o++] = 0x22;
  return o;
}

/** ASCII text (the fixed parts of the formulas, hex hashes, ISO times) at `o` of `out`. */
function writeAscii(out: Buffer, text: string, o: number): number {
  for (let i = 0; i < text.length; i++) out[o++] = text.charCodeAt(i);
  return o;
}

/** A safe integer in decimal, as a template literal writes the number. */
function writeInteger(out: Buffer, n: number, o: number): number {
  if (n < 0) {
    out[o++] = 0x2d;
    n = -n;
  }
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  for (let i = o + digits - 1; i >= o; i--) {
    out[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  return o + digits;
}

/** Two, three or four decimal digits of `n` at `o`. */
function writeDigits(out: Buffer, n: number, digits: number, o: number): number {
  for (let i = o + digits - 1; i >= o; i--) {
    out[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  return o + digits;
}

/**
 * `new Date(ms).toISOString()` at `o`, without the Date and the string, for the years 0 to 9999
 * (the others through the Date: they take a sign and six digits). The civil date of a day number
 * is Howard Hinnant's `civil_from_days`.
 */
function writeIsoTime(out: Buffer, ms: number, o: number): number {
  const day = Math.floor(ms / 86_400_000);
  let rest = ms - day * 86_400_000;
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 0 || y > 9999) return writeAscii(out, new Date(ms).toISOString(), o);
  o = writeDigits(out, y, 4, o);
  out[o++] = 0x2d;
  o = writeDigits(out, m, 2, o);
  out[o++] = 0x2d;
  o = writeDigits(out, d, 2, o);
  out[o++] = 0x54;
  o = writeDigits(out, Math.floor(rest / 3_600_000), 2, o);
  rest %= 3_600_000;
  out[o++] = 0x3a;
  o = writeDigits(out, Math.floor(rest / 60_000), 2, o);
  rest %= 60_000;
  out[o++] = 0x3a;
  o = writeDigits(out, Math.floor(rest / 1000), 2, o);
  out[o++] = 0x2e;
  o = writeDigits(out, rest % 1000, 3, o);
  out[o] = 0x5a;
  return o + 1;
}

/**
 * The partitioned (format 2) hash of an entry whose texts are UTF-8 bytes in a buffer: the same text
 * as `fastPartitionedHash` (and so `bodyDigest`/`partitionedHash`) builds, written as bytes instead
 * of strings; `chain.test.ts` checks it against the reference formulas. `seq` and `pseq` are safe
 * integers, `atMillis` a time a Date holds, `prevHash` hex (else the result is '', which matches no hash).
 */
export function bytesPartitionedHash(
  t: EntryTextSpans,
  atMillis: number,
  seq: number,
  partition: number,
  pseq: number,
  prevHash: string,
): string {
  // Not a time a Date holds, or not a hash: no match here; the reference path says what is wrong.
  if (!(Math.abs(atMillis) <= 8.64e15) || prevHash.length !== 64) return '';
  const { src, spans, at } = t;
  const actor = spans[at]!;
  const actorLength = spans[at + 1]!;
  const action = spans[at + 2]!;
  const actionLength = spans[at + 3]!;
  const subject = spans[at + 4]!;
  const subjectLength = spans[at + 5]!;
  const change = spans[at + 6]!;
  const changeLength = spans[at + 7]!;
  // A null text (length -1) is not the empty one: the reference path hashes it as null.
  if ((actorLength | actionLength | subjectLength | changeLength) < 0) return '';
  // Each byte takes at most 6 escaped (\u00XX); the rest is under 128 bytes.
  const most = 6 * (actorLength + actionLength + subjectLength + changeLength) + 128;
  if (scratch.length < most) scratch = Buffer.allocUnsafe(Math.max(most, scratch.length * 2));
  const out = scratch;
  let o = writeAscii(out, '{"action":', 0);
  o = writeJsonString(src, action, actionLength, o);
  o = writeAscii(out, ',"actor":', o);
  o = writeJsonString(src, actor, actorLength, o);
  o = writeAscii(out, ',"at":"', o);
  o = writeIsoTime(out, atMillis, o);
  o = writeAscii(out, '","change":', o);
  o = writeJsonString(src, change, changeLength, o);
  o = writeAscii(out, ',"seq":', o);
  o = writeInteger(out, seq, o);
  o = writeAscii(out, ',"subject":', o);
  o = writeJsonString(src, subject, subjectLength, o);
  out[o++] = 0x7d;
  const body = nodeHash('sha256', out.subarray(0, o), 'hex');
  o = writeAscii(link, '{"body":"', 0);
  o += link.write(body, o, 'latin1');
  o = writeAscii(link, `","format":${PARTITIONED_FORMAT},"partition":`, o);
  o = writeInteger(link, partition, o);
  o = writeAscii(link, ',"prevHash":"', o);
  o += link.write(prevHash, o, 'latin1');
  o = writeAscii(link, '","pseq":', o);
  o = writeInteger(link, pseq, o);
  link[o++] = 0x7d;
  return nodeHash('sha256', link.subarray(0, o), 'hex');
}
