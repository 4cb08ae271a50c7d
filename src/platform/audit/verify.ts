import { and, asc, desc, eq, gt, gte, lte, or, lt, sql } from 'drizzle-orm';
import { queryRows, serverClientOf, type Executor } from '../db/client.ts';
import { copyBinaryRows, int8, int8Text, timestampMillis } from '../db/copyBinary.ts';
import { quotedTableName } from '../db/rows.ts';
import { auditAnchorHeads, auditAnchors, auditEntries, auditHeads } from './schema.ts';
import {
  advance,
  anchorBreak,
  anchorHash,
  bytesPartitionedHash,
  checkLink,
  emptyHead,
  entryBreak,
  entryHash,
  GENESIS_HASH,
  headsRoot,
  fastPartitionedHash,
  PARTITIONED_FORMAT,
  startOfPartition,
  toStoredEntry,
  type EntryTextSpans,
  type StreamedEntry,
  type ChainBreak,
  type Head,
  type StoredEntry,
  type WalkState,
} from './chain.ts';
import { partitionCount } from './service.ts';
import { anchoredHeads } from './anchor.ts';
import { readCheckpoints, writeCheckpoints, type Checkpoint } from '../verify/checkpoints.ts';
import type postgres from 'postgres';

/** Where the last successful verification ended in one partition. */
interface PartitionCheckpoint {
  pseq: number;
  hash: string;
  seq: number;
  partitionedSeen: boolean;
}

export interface VerifyResult {
  ok: boolean;
  /** Entries whose link and hash were checked. */
  checked: number;
  partitions: number;
  anchors: number;
  latestAnchor: { seq: number; root: string; hash: string } | null;
  /** The first break of each broken partition, then the first break of the root chain. */
  breaks: ChainBreak[];
  /** The earliest of `breaks` (by global seq where the entry still exists). */
  firstBreak: ChainBreak | null;
}

type AnchoredHead = { anchorSeq: number; pseq: number; hash: string };

/** Pages through rows ordered by a numeric key, so a log of any size is walked in constant memory. */
async function* paged<T>(
  fetch: (after: number) => Promise<T[]>,
  keyOf: (row: T) => number,
  pageSize: number,
): AsyncGenerator<T> {
  let after = -1;
  for (;;) {
    const page = await fetch(after);
    yield* page;
    if (page.length < pageSize) return;
    after = keyOf(page[page.length - 1]!);
  }
}

/**
 * Walks one partition in order up to its head as read when the verification started (later
 * appends are for the next run), checking every link and every head an anchor up to `lastAnchor`
 * committed to it; then that the chain does reach that head (entries deleted from the end leave no gap).
 */
async function verifyPartition(
  ex: Executor,
  partition: number,
  head: Head | undefined,
  lastAnchor: number,
  pageSize: number,
  onEntries: (n: number) => void,
  from: PartitionCheckpoint | undefined,
  copy: postgres.Sql | undefined,
): Promise<{ checked: number; broken: ChainBreak | null; state: WalkState }> {
  let state = startOfPartition(partition);
  if (!head)
    return {
      checked: 0,
      state,
      broken: entryBreak(partition, 1, null, `partition ${partition} has no recorded head`),
    };
  let anchoredPseq = 0;
  let anchoredHash = GENESIS_HASH;
  if (from && from.pseq > 0) {
    // Incremental: the chain up to the checkpoint verified before; its last entry must still be
    // there with the hash it had, and the walk goes on from it.
    const [kept] = await queryRows<{ hash: string; seq: string }>(
      ex,
      sql`select hash, seq::text as seq from ${auditEntries} where partition = ${partition} and pseq = ${from.pseq}`,
    );
    if (!kept || kept.hash !== from.hash || Number(kept.seq) !== from.seq)
      return {
        checked: 0,
        state,
        broken: entryBreak(
          partition,
          from.pseq,
          kept ? Number(kept.seq) : null,
          `entry ${partition}#${from.pseq} is not the entry the last verification ended at: ` +
            'it was altered or removed since (run a full verification)',
        ),
      };
    state = { partition, pseq: from.pseq, prevHash: from.hash, seq: from.seq, partitionedSeen: from.partitionedSeen };
    const [anchoredBefore] = await queryRows<{ pseq: string; hash: string }>(
      ex,
      sql`select pseq::text as pseq, hash from ${auditAnchorHeads}
          where partition = ${partition} and pseq <= ${from.pseq} and anchor_seq <= ${lastAnchor}
          order by pseq desc limit 1`,
    );
    if (anchoredBefore) {
      anchoredPseq = Number(anchoredBefore.pseq);
      anchoredHash = anchoredBefore.hash;
    }
  }
  const startPseq = state.pseq;
  const anchored = paged<AnchoredHead>(
    (after) =>
      ex
        .select({ anchorSeq: auditAnchorHeads.anchorSeq, pseq: auditAnchorHeads.pseq, hash: auditAnchorHeads.hash })
        .from(auditAnchorHeads)
        .where(
          and(
            eq(auditAnchorHeads.partition, partition),
            gt(auditAnchorHeads.anchorSeq, after),
            lte(auditAnchorHeads.anchorSeq, lastAnchor),
            gt(auditAnchorHeads.pseq, startPseq),
          ),
        )
        .orderBy(asc(auditAnchorHeads.anchorSeq))
        .limit(pageSize),
    (r) => r.anchorSeq,
    pageSize,
  );
  let next = (await anchored.next()).value as AnchoredHead | undefined;
  let checked = 0;
  let pending = 0;
  /** The reference checks, which name the break: for an entry the fast path did not pass. */
  const check = (row: StreamedEntry): ChainBreak | null => {
    const e = toStoredEntry(row);
    const broken = checkLink(e, state);
    if (broken) return rehashedBefore(e, state) ?? broken;
    state = advance(state, e);
    return null;
  };
  if (copy) {
    // On PostgreSQL, the partition in one binary COPY stream, read in place (`fastCopied`).
    const texts: EntryTextSpans = { src: Buffer.alloc(0), spans: new Int32Array(0), at: 0 };
    for await (const block of copyBinaryRows(copy, copiedEntries(partition, state.pseq, head.pseq), COPIED_FIELDS)) {
      const { buf, spans } = block;
      texts.src = buf;
      texts.spans = spans;
      for (let r = 0; r < block.rows; r++) {
        const f = r * COPIED_FIELDS * 2;
        texts.at = f + 10;
        const fast = fastCopied(texts, state);
        let broken: ChainBreak | null = null;
        if (fast) {
          const [pseq, seq] = [int8(buf, spans[f + 4]!), int8(buf, spans[f]!)];
          state = { partition, pseq, prevHash: fast, seq, partitionedSeen: true };
        } else broken = check(copiedEntry(buf, spans, f));
        checked++;
        pending++;
        // Awaited only where an anchored head is due: a resolved await per entry is a cost of its own.
        if (!broken && next && next.pseq <= state.pseq)
          broken = await checkAnchored(state.pseq, state.prevHash, state.seq);
        if (broken) {
          onEntries(pending);
          return { checked, state, broken };
        }
      }
      if (pending >= 2000) {
        onEntries(pending);
        pending = 0;
      }
    }
    onEntries(pending);
  } else {
    // A keyset cursor over (partition, pseq): one index range scan per page, constant memory.
    // Each entry is checked on the fast path (its hash from the streamed text); only an entry that
    // does not hold goes through the reference checks, which name the break.
    let after = state.pseq;
    for (;;) {
      const page = await queryRows<StreamedEntry>(
        ex,
        sql`select seq, partition, pseq, format,
              to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at,
              actor, action, subject, change, prev_hash, hash
            from ${auditEntries}
            where partition = ${partition} and pseq > ${after} and pseq <= ${head.pseq}
            order by pseq, seq limit ${pageSize}`,
      );
      for (let i = 0; i < page.length; i++) {
        const row = page[i]!;
        const pseq = Number(row.pseq);
        const seq = Number(row.seq);
        const fast =
          row.format === PARTITIONED_FORMAT &&
          pseq === state.pseq + 1 &&
          seq > state.seq &&
          row.prev_hash === state.prevHash &&
          fastPartitionedHash(row, row.prev_hash) === row.hash;
        let broken: ChainBreak | null = null;
        if (fast) state = { partition, pseq, prevHash: row.hash, seq, partitionedSeen: true };
        else broken = check(row);
        checked++;
        pending++;
        if (!broken && next && next.pseq <= pseq) broken = await checkAnchored(pseq, row.hash, seq);
        if (broken) {
          onEntries(pending);
          return { checked, state, broken };
        }
      }
      onEntries(pending);
      pending = 0;
      if (page.length < pageSize) break;
      after = Number(page[page.length - 1]!.pseq);
    }
  }
  /** Every anchored head at or below this entry: it must be this entry where it names its position. */
  async function checkAnchored(pseq: number, hash: string, seq: number): Promise<ChainBreak | null> {
    const e = { pseq, hash, seq };
    while (next && next.pseq <= e.pseq) {
      if (next.pseq < anchoredPseq)
        return entryBreak(
          partition,
          next.pseq,
          null,
          `anchor ${next.anchorSeq} took partition ${partition} back to ${next.pseq} after an earlier anchor ` +
            `committed ${anchoredPseq}`,
        );
      if (next.pseq === e.pseq && next.hash !== e.hash) {
        const from = { pseq: anchoredPseq, hash: anchoredHash };
        const first = await firstAlteredEntry(ex, partition, next, from, pageSize);
        const reason =
          `entry ${partition}#${e.pseq} (seq ${e.seq}) is not the entry anchor ${next.anchorSeq} committed to: ` +
          'the partition was rewritten up to here';
        return first ?? entryBreak(partition, e.pseq, e.seq, reason);
      }
      anchoredPseq = next.pseq;
      anchoredHash = next.hash;
      next = (await anchored.next()).value as AnchoredHead | undefined;
    }
    return null;
  }
  if (next) {
    return {
      checked,
      state,
      broken: entryBreak(
        partition,
        state.pseq + 1,
        null,
        `entry ${partition}#${state.pseq + 1} is missing: anchor ${next.anchorSeq} committed partition ` +
          `${partition} up to ${next.pseq}, the chain ends at ${state.pseq}`,
      ),
    };
  }
  if (head.pseq !== state.pseq || head.hash !== state.prevHash) {
    return {
      checked,
      state,
      broken: entryBreak(
        partition,
        state.pseq + 1,
        null,
        `partition ${partition} ends at ${state.pseq} but its recorded head is at ${head.pseq}: entries were ` +
          `removed from its end, or the head was altered`,
      ),
    };
  }
  return { checked, state, broken: null };
}

// ---- entries streamed with binary COPY (PostgreSQL) ----------------------------------------------

/**
 * The columns of an entry in a binary COPY row, cast to the types whose bytes `fastCopied` reads (a
 * no-op for the table as migrated): seq, partition, pseq, format, at, actor, action, subject,
 * change, prev_hash, hash.
 */
const COPIED_FIELDS = 11;
const ENTRIES = quotedTableName(auditEntries);

/** The select a partition's COPY streams: its entries after `after` up to `upTo`, in chain order. */
function copiedEntries(partition: number, after: number, upTo: number): string {
  // COPY takes no parameters: the numbers are written into the text, so they must be integers.
  for (const n of [partition, after, upTo]) if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return `select seq::int8, partition::int4, pseq::int8, format::int2, at::timestamptz, actor::text, action::text,
    subject::text, change::text, prev_hash::text, hash::text from ${ENTRIES}
    where partition = ${partition} and pseq > ${after} and pseq <= ${upTo} order by pseq, seq`;
}

/** Whether the 64 bytes at `at` are the text of `hash`. */
function sameHash(buf: Uint8Array, at: number, hash: string): boolean {
  if (hash.length !== 64) return false;
  for (let i = 0; i < 64; i++) if (buf[at + i] !== hash.charCodeAt(i)) return false;
  return true;
}

/**
 * The fast path on a copied row (`t.at` points at its actor): when it is the next partitioned entry of
 * the walk, in order, pointing at the hash before it and hashing from its stored content to its
 * stored hash, that hash; else null and the reference checks take it. Nothing is decoded into a
 * string but the ISO time and the two hashes.
 */
function fastCopied(t: EntryTextSpans, s: WalkState): string | null {
  const { src: buf, spans } = t;
  const f = t.at - 10;
  // Every fixed-size field there (a null has length -1), and the two hashes of 64 characters.
  if (spans[f + 1] !== 8 || spans[f + 3] !== 4 || spans[f + 5] !== 8 || spans[f + 7] !== 2 || spans[f + 9] !== 8)
    return null;
  if (spans[f + 19] !== 64 || spans[f + 21] !== 64) return null;
  const b = buf as Buffer;
  if (b.readInt16BE(spans[f + 6]!) !== PARTITIONED_FORMAT) return null;
  const pseq = int8(b, spans[f + 4]!);
  const seq = int8(b, spans[f]!);
  if (pseq !== s.pseq + 1 || !(seq > s.seq) || !sameHash(buf, spans[f + 18]!, s.prevHash)) return null;
  const partition = b.readInt32BE(spans[f + 2]!);
  const hash = bytesPartitionedHash(t, timestampMillis(b, spans[f + 8]!), seq, partition, pseq, s.prevHash);
  return hash !== '' && sameHash(buf, spans[f + 20]!, hash) ? hash : null;
}

/** A copied row decoded as the reference checks take it (nulls stay null, as the driver gives them). */
function copiedEntry(buf: Buffer, spans: Int32Array, f: number): StreamedEntry {
  const at = (k: number) => spans[f + 2 * k]!;
  const isNull = (k: number) => spans[f + 2 * k + 1]! < 0;
  const text = (k: number) => (isNull(k) ? null : buf.toString('utf8', at(k), at(k) + spans[f + 2 * k + 1]!));
  const millis = isNull(4) ? Number.NaN : timestampMillis(buf, at(4));
  return {
    seq: isNull(0) ? null : int8Text(buf, at(0)),
    partition: isNull(1) ? null : buf.readInt32BE(at(1)),
    pseq: isNull(2) ? null : int8Text(buf, at(2)),
    format: isNull(3) ? null : buf.readInt16BE(at(3)),
    // A time no Date holds reads as an invalid date, which the reference checks name.
    at: Math.abs(millis) <= 8.64e15 ? new Date(millis).toISOString() : 'invalid',
    actor: text(5),
    action: text(6),
    subject: text(7),
    change: text(8),
    prev_hash: text(9),
    hash: text(10),
  } as StreamedEntry;
}

/**
 * The client to stream entries with, when the database is a PostgreSQL server opened here and not a
 * transaction (`serverClientOf`), and its text is UTF-8: binary COPY hands over a text's bytes as
 * stored, and only valid UTF-8 reads the same as bytes and as the driver's strings.
 */
async function copyClientFor(ex: Executor): Promise<postgres.Sql | undefined> {
  const client = serverClientOf(ex);
  if (!client) return undefined;
  const [row] = await client.unsafe<{ encoding: string }[]>(`select current_setting('server_encoding') as encoding`);
  return row?.encoding === 'UTF8' ? client : undefined;
}

/**
 * An entry edited and given a recomputed hash breaks the link of the entry after it, which still
 * points at the hash it had. When that next entry is otherwise sound (in place, in order, hashing
 * to its own hash), the altered one is the entry before it: name that one.
 */
function rehashedBefore(e: StoredEntry, s: WalkState): ChainBreak | null {
  if (s.pseq === 0 || e.pseq !== s.pseq + 1 || e.prevHash === s.prevHash) return null;
  if (checkLink(e, { ...s, prevHash: e.prevHash })) return null;
  const name = (pseq: number, seq: number) => `entry ${s.partition}#${pseq} (seq ${seq})`;
  const reason = `${name(s.pseq, s.seq)} was altered and its hash recomputed`;
  return entryBreak(s.partition, s.pseq, s.seq, `${reason}: ${name(e.pseq, e.seq)} still points at its old hash`);
}

/**
 * A partition rewritten and re-hashed consistently up to its end only shows at the head an anchor
 * committed to. The anchor also recorded the hash of every entry it covered (`hashes`), from the
 * one after the previous anchored head (`from`, which verified) up to that head: walking those
 * entries again, the first whose stored content no longer hashes, from the recorded hash before
 * it, to the recorded hash of its own is the first altered entry. Null when the anchor recorded no
 * hashes (made before they were recorded) or its record does not end at the head it committed to.
 */
async function firstAlteredEntry(
  ex: Executor,
  partition: number,
  head: AnchoredHead,
  from: { pseq: number; hash: string },
  pageSize: number,
): Promise<ChainBreak | null> {
  const [row] = await queryRows<{ hashes: string | null }>(
    ex,
    sql`select encode(hashes, 'hex') as hashes from ${auditAnchorHeads}
        where partition = ${partition} and anchor_seq = ${head.anchorSeq}`,
  );
  const recorded = row?.hashes ?? null;
  if (!recorded || recorded.length !== (head.pseq - from.pseq) * 64 || recorded.slice(-64) !== head.hash) return null;
  const [start, to] = [from.pseq, head.pseq];
  const offset = (pseq: number) => (pseq - from.pseq - 1) * 64;
  const hashAt = (pseq: number) => (pseq === from.pseq ? from.hash : recorded.slice(offset(pseq), offset(pseq) + 64));
  const entries = paged(
    (after) =>
      ex
        .select()
        .from(auditEntries)
        .where(
          and(
            eq(auditEntries.partition, partition),
            gt(auditEntries.pseq, Math.max(after, start)),
            lte(auditEntries.pseq, to),
          ),
        )
        .orderBy(asc(auditEntries.pseq))
        .limit(pageSize),
    (r) => r.pseq,
    pageSize,
  );
  for await (const row of entries) {
    const e = { ...row, pseq: Number(row.pseq), seq: Number(row.seq) };
    if (entryHash({ ...e, prevHash: hashAt(e.pseq - 1) }) !== hashAt(e.pseq)) {
      const rest = e.pseq < to ? `; the entries after it up to ${partition}#${to} were re-hashed to hide it` : '';
      const what = `entry ${partition}#${e.pseq} (seq ${e.seq}) was altered`;
      const why = `its content no longer hashes to the hash anchor ${head.anchorSeq} recorded for it`;
      return entryBreak(partition, e.pseq, e.seq, `${what}: ${why}${rest}`);
    }
  }
  return null;
}

/**
 * Walks the root chain: each anchor's link, its hash, and that its root is the Merkle root of the heads it
 * committed.
 */
async function verifyAnchors(
  ex: Executor,
  partitions: number,
  lastAnchor: number,
  pageSize: number,
  onAnchor: () => void,
  from?: { seq: number; hash: string },
): Promise<{ anchors: number; latest: VerifyResult['latestAnchor']; broken: ChainBreak | null }> {
  let heads: Head[] = Array.from({ length: partitions }, (_, p) => emptyHead(p));
  let expected = 1;
  let prevHash = GENESIS_HASH;
  let latest: VerifyResult['latestAnchor'] = null;
  if (from && from.seq > 0) {
    // Incremental: the anchor the last verification ended at must still be there, unchanged, with
    // the heads it committed; the walk goes on from it.
    const [a] = await ex.select().from(auditAnchors).where(eq(auditAnchors.seq, from.seq));
    heads = await anchoredHeads(ex, from.seq, partitions);
    if (!a || a.hash !== from.hash || anchorHash({ ...a, seq: from.seq }) !== a.hash || headsRoot(heads) !== a.root)
      return {
        anchors: 0,
        latest,
        broken: anchorBreak(
          from.seq,
          `anchor ${from.seq}, where the last verification ended, was altered or removed since (run a full ` +
            `verification)`,
        ),
      };
    expected = from.seq + 1;
    prevHash = a.hash;
    latest = { seq: from.seq, root: a.root, hash: a.hash };
  }
  const first = expected;
  for (;;) {
    const page = await ex
      .select()
      .from(auditAnchors)
      .where(and(gte(auditAnchors.seq, expected), lte(auditAnchors.seq, lastAnchor)))
      .orderBy(asc(auditAnchors.seq))
      .limit(pageSize);
    if (page.length === 0) break;
    const last = Number(page[page.length - 1]!.seq);
    const h = auditAnchorHeads;
    const moved = await ex
      .select({ anchorSeq: h.anchorSeq, partition: h.partition, pseq: h.pseq, hash: h.hash })
      .from(h)
      .where(and(gte(h.anchorSeq, expected), lte(h.anchorSeq, last)))
      .orderBy(asc(h.anchorSeq));
    let m = 0;
    for (const a of page) {
      const seq = Number(a.seq);
      if (seq !== expected)
        return {
          anchors: expected - first,
          latest,
          broken: anchorBreak(expected, `anchor ${expected} is missing (the next stored anchor is ${seq})`),
        };
      if (a.prevHash !== prevHash)
        return {
          anchors: expected - first,
          latest,
          broken: anchorBreak(seq, `anchor ${seq} does not point at the hash of anchor ${seq - 1}`),
        };
      if (a.partitionCount !== partitions)
        return {
          anchors: expected - first,
          latest,
          broken: anchorBreak(seq, `anchor ${seq} counts ${a.partitionCount} partitions, the log has ${partitions}`),
        };
      for (; m < moved.length && Number(moved[m]!.anchorSeq) === seq; m++) {
        const h = moved[m]!;
        if (h.partition < 0 || h.partition >= partitions)
          return {
            anchors: expected - first,
            latest,
            broken: anchorBreak(seq, `anchor ${seq} names partition ${h.partition}, outside 0..${partitions - 1}`),
          };
        heads[h.partition] = { partition: h.partition, pseq: Number(h.pseq), hash: h.hash };
      }
      const root = headsRoot(heads);
      if (root !== a.root)
        return {
          anchors: expected - first,
          latest,
          broken: anchorBreak(
            seq,
            `anchor ${seq}'s root is not the Merkle root of the heads it committed: they were altered`,
          ),
        };
      const hash = anchorHash({ ...a, seq });
      if (hash !== a.hash)
        return {
          anchors: expected - first,
          latest,
          broken: anchorBreak(
            seq,
            `anchor ${seq} was altered: it hashes to ${hash.slice(0, 12)}…, stored ${a.hash.slice(0, 12)}…`,
          ),
        };
      prevHash = a.hash;
      latest = { seq, root: a.root, hash: a.hash };
      expected++;
      onAnchor();
    }
  }
  return { anchors: expected - first, latest, broken: null };
}

/**
 * Re-walks every partition and the anchors and reports the first break of each. Safe while
 * commands keep appending: the latest anchor, then the heads, are read first, and only what they
 * cover (committed, append-only) is walked. Tampering with any
 * stored entry (edit, delete, reorder, insert, move to another partition) breaks its partition's
 * chain; rewriting a partition consistently up to its end breaks the anchors that committed to it.
 */
export interface VerifyOptions {
  /**
   * Go on from where the last successful verification ended (its checkpoints) instead of from the
   * start: only what was appended since is walked, after checking that each partition's and the
   * root chain's last verified entry is still there unchanged. A full run (the default) walks all.
   */
  incremental?: boolean;
  /** Record where this run ended when it finds the log intact (the command line does). */
  saveCheckpoint?: boolean;
  /** The time recorded with the checkpoints. */
  now?: Date;
  /**
   * On PostgreSQL, read each partition as one binary COPY stream (the default); false reads it in
   * pages of rows, as on PGlite and inside a transaction.
   */
  stream?: boolean;
}

export async function verifyChain(
  ex: Executor,
  onProgress?: (checked: number) => void,
  pageSize = 5000,
  opts: VerifyOptions = {},
): Promise<VerifyResult> {
  const partitions = (await partitionCount(ex)) ?? 0;
  const [newest] = await ex
    .select({ seq: auditAnchors.seq })
    .from(auditAnchors)
    .orderBy(desc(auditAnchors.seq))
    .limit(1);
  const lastAnchor = Number(newest?.seq ?? 0);
  const heads = new Map(
    (await ex.select().from(auditHeads)).map((h) => [
      h.partition,
      { partition: h.partition, pseq: Number(h.pseq), hash: h.hash },
    ]),
  );
  const breaks: ChainBreak[] = [];
  let checked = 0;
  const tick = () => {
    checked++;
    if (checked % pageSize === 0) onProgress?.(checked);
  };
  const addEntries = (n: number) => {
    checked += n;
    if (n > 0) onProgress?.(checked);
  };
  const saved = opts.incremental ? await readCheckpoints(ex, 'audit') : new Map<string, Checkpoint>();
  const savedAnchor = opts.incremental ? (await readCheckpoints(ex, 'audit-anchors')).get('root') : undefined;
  const reached: Checkpoint[] = [];
  const copy = opts.stream === false ? undefined : await copyClientFor(ex);
  const [stray] = await ex
    .select()
    .from(auditEntries)
    .where(or(lt(auditEntries.partition, 0), sql`${auditEntries.partition} >= ${partitions}`))
    .orderBy(asc(auditEntries.seq))
    .limit(1);
  if (stray)
    breaks.push(
      entryBreak(
        stray.partition,
        Number(stray.pseq),
        Number(stray.seq),
        `entry ${stray.seq} sits in partition ${stray.partition}, outside the ${partitions} partitions of this log`,
      ),
    );
  for (let p = 0; p < partitions; p++) {
    const c = saved.get(String(p));
    const from = c ? { pseq: c.position, hash: c.hash, seq: c.seq, partitionedSeen: c.flag } : undefined;
    const r = await verifyPartition(ex, p, heads.get(p), lastAnchor, pageSize, addEntries, from, copy);
    if (r.broken) breaks.push(r.broken);
    else
      reached.push({
        key: String(p),
        position: r.state.pseq,
        hash: r.state.prevHash,
        seq: r.state.seq,
        flag: r.state.partitionedSeen,
      });
  }
  const anchors = await verifyAnchors(
    ex,
    partitions,
    lastAnchor,
    pageSize,
    tick,
    savedAnchor && {
      seq: savedAnchor.position,
      hash: savedAnchor.hash,
    },
  );
  onProgress?.(checked);
  const entryBreaks = breaks.sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity));
  if (anchors.broken) entryBreaks.push(anchors.broken);
  if (entryBreaks.length === 0 && opts.saveCheckpoint) {
    const now = opts.now ?? new Date();
    await writeCheckpoints(ex, 'audit', reached, now);
    if (anchors.latest)
      await writeCheckpoints(
        ex,
        'audit-anchors',
        [
          {
            key: 'root',
            position: anchors.latest.seq,
            hash: anchors.latest.hash,
            seq: anchors.latest.seq,
            flag: false,
          },
        ],
        now,
      );
  }
  return {
    ok: entryBreaks.length === 0,
    checked: checked - anchors.anchors,
    partitions,
    anchors: anchors.anchors,
    latestAnchor: anchors.latest,
    breaks: entryBreaks,
    firstBreak: entryBreaks[0] ?? null,
  };
}
