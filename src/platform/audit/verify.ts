import { and, asc, desc, eq, gt, gte, lte, or, lt, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { auditAnchorHeads, auditAnchors, auditEntries, auditHeads } from './schema.ts';
import { advance, anchorBreak, anchorHash, checkLink, emptyHead, entryBreak, GENESIS_HASH, headsRoot, startOfPartition, type ChainBreak, type Head } from './chain.ts';
import { partitionCount } from './service.ts';

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
async function* paged<T>(fetch: (after: number) => Promise<T[]>, keyOf: (row: T) => number, pageSize: number): AsyncGenerator<T> {
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
async function verifyPartition(ex: Executor, partition: number, head: Head | undefined, lastAnchor: number, pageSize: number, onEntry: () => void): Promise<{ checked: number; broken: ChainBreak | null }> {
  if (!head) return { checked: 0, broken: entryBreak(partition, 1, null, `partition ${partition} has no recorded head`) };
  const anchored = paged<AnchoredHead>(
    (after) =>
      ex
        .select({ anchorSeq: auditAnchorHeads.anchorSeq, pseq: auditAnchorHeads.pseq, hash: auditAnchorHeads.hash })
        .from(auditAnchorHeads)
        .where(and(eq(auditAnchorHeads.partition, partition), gt(auditAnchorHeads.anchorSeq, after), lte(auditAnchorHeads.anchorSeq, lastAnchor)))
        .orderBy(asc(auditAnchorHeads.anchorSeq))
        .limit(pageSize),
    (r) => r.anchorSeq,
    pageSize,
  );
  let next = (await anchored.next()).value as AnchoredHead | undefined;
  let state = startOfPartition(partition);
  let checked = 0;
  let anchoredPseq = 0;
  const entries = paged(
    (after) =>
      ex
        .select()
        .from(auditEntries)
        .where(and(eq(auditEntries.partition, partition), gt(auditEntries.pseq, after), lte(auditEntries.pseq, head.pseq)))
        .orderBy(asc(auditEntries.pseq), asc(auditEntries.seq))
        .limit(pageSize),
    (r) => r.pseq,
    pageSize,
  );
  for await (const row of entries) {
    const e = { ...row, pseq: Number(row.pseq), seq: Number(row.seq) };
    const broken = checkLink(e, state);
    if (broken) return { checked, broken };
    state = advance(state, e);
    checked++;
    onEntry();
    while (next && next.pseq <= e.pseq) {
      if (next.pseq < anchoredPseq) return { checked, broken: entryBreak(partition, next.pseq, null, `anchor ${next.anchorSeq} took partition ${partition} back to ${next.pseq} after an earlier anchor committed ${anchoredPseq}`) };
      if (next.pseq === e.pseq && next.hash !== e.hash) {
        return { checked, broken: entryBreak(partition, e.pseq, e.seq, `entry ${partition}#${e.pseq} (seq ${e.seq}) is not the entry anchor ${next.anchorSeq} committed to: the partition was rewritten up to here`) };
      }
      anchoredPseq = next.pseq;
      next = (await anchored.next()).value as AnchoredHead | undefined;
    }
  }
  if (next) {
    return { checked, broken: entryBreak(partition, state.pseq + 1, null, `entry ${partition}#${state.pseq + 1} is missing: anchor ${next.anchorSeq} committed partition ${partition} up to ${next.pseq}, the chain ends at ${state.pseq}`) };
  }
  if (head.pseq !== state.pseq || head.hash !== state.prevHash) {
    return { checked, broken: entryBreak(partition, state.pseq + 1, null, `partition ${partition} ends at ${state.pseq} but its recorded head is at ${head.pseq}: entries were removed from its end, or the head was altered`) };
  }
  return { checked, broken: null };
}

/** Walks the root chain: each anchor's link, its hash, and that its root is the Merkle root of the heads it committed. */
async function verifyAnchors(ex: Executor, partitions: number, lastAnchor: number, pageSize: number, onAnchor: () => void): Promise<{ anchors: number; latest: VerifyResult['latestAnchor']; broken: ChainBreak | null }> {
  const heads: Head[] = Array.from({ length: partitions }, (_, p) => emptyHead(p));
  let expected = 1;
  let prevHash = GENESIS_HASH;
  let latest: VerifyResult['latestAnchor'] = null;
  for (;;) {
    const page = await ex.select().from(auditAnchors).where(and(gte(auditAnchors.seq, expected), lte(auditAnchors.seq, lastAnchor))).orderBy(asc(auditAnchors.seq)).limit(pageSize);
    if (page.length === 0) break;
    const last = Number(page[page.length - 1]!.seq);
    const moved = await ex.select().from(auditAnchorHeads).where(and(gte(auditAnchorHeads.anchorSeq, expected), lte(auditAnchorHeads.anchorSeq, last))).orderBy(asc(auditAnchorHeads.anchorSeq));
    let m = 0;
    for (const a of page) {
      const seq = Number(a.seq);
      if (seq !== expected) return { anchors: expected - 1, latest, broken: anchorBreak(expected, `anchor ${expected} is missing (the next stored anchor is ${seq})`) };
      if (a.prevHash !== prevHash) return { anchors: expected - 1, latest, broken: anchorBreak(seq, `anchor ${seq} does not point at the hash of anchor ${seq - 1}`) };
      if (a.partitionCount !== partitions) return { anchors: expected - 1, latest, broken: anchorBreak(seq, `anchor ${seq} counts ${a.partitionCount} partitions, the log has ${partitions}`) };
      for (; m < moved.length && Number(moved[m]!.anchorSeq) === seq; m++) {
        const h = moved[m]!;
        if (h.partition < 0 || h.partition >= partitions) return { anchors: expected - 1, latest, broken: anchorBreak(seq, `anchor ${seq} names partition ${h.partition}, outside 0..${partitions - 1}`) };
        heads[h.partition] = { partition: h.partition, pseq: Number(h.pseq), hash: h.hash };
      }
      const root = headsRoot(heads);
      if (root !== a.root) return { anchors: expected - 1, latest, broken: anchorBreak(seq, `anchor ${seq}'s root is not the Merkle root of the heads it committed: they were altered`) };
      const hash = anchorHash({ ...a, seq });
      if (hash !== a.hash) return { anchors: expected - 1, latest, broken: anchorBreak(seq, `anchor ${seq} was altered: it hashes to ${hash.slice(0, 12)}…, stored ${a.hash.slice(0, 12)}…`) };
      prevHash = a.hash;
      latest = { seq, root: a.root, hash: a.hash };
      expected++;
      onAnchor();
    }
  }
  return { anchors: expected - 1, latest, broken: null };
}

/**
 * Re-walks every partition and the anchors and reports the first break of each. Safe while
 * commands keep appending: the latest anchor, then the heads, are read first, and only what they
 * cover (committed, append-only) is walked. Tampering with any
 * stored entry (edit, delete, reorder, insert, move to another partition) breaks its partition's
 * chain; rewriting a partition consistently up to its end breaks the anchors that committed to it.
 */
export async function verifyChain(ex: Executor, onProgress?: (checked: number) => void, pageSize = 5000): Promise<VerifyResult> {
  const partitions = (await partitionCount(ex)) ?? 0;
  const [newest] = await ex.select({ seq: auditAnchors.seq }).from(auditAnchors).orderBy(desc(auditAnchors.seq)).limit(1);
  const lastAnchor = Number(newest?.seq ?? 0);
  const heads = new Map((await ex.select().from(auditHeads)).map((h) => [h.partition, { partition: h.partition, pseq: Number(h.pseq), hash: h.hash }]));
  const breaks: ChainBreak[] = [];
  let checked = 0;
  const tick = () => {
    checked++;
    if (checked % pageSize === 0) onProgress?.(checked);
  };
  const [stray] = await ex
    .select()
    .from(auditEntries)
    .where(or(lt(auditEntries.partition, 0), sql`${auditEntries.partition} >= ${partitions}`))
    .orderBy(asc(auditEntries.seq))
    .limit(1);
  if (stray) breaks.push(entryBreak(stray.partition, Number(stray.pseq), Number(stray.seq), `entry ${stray.seq} sits in partition ${stray.partition}, outside the ${partitions} partitions of this log`));
  for (let p = 0; p < partitions; p++) {
    const r = await verifyPartition(ex, p, heads.get(p), lastAnchor, pageSize, tick);
    if (r.broken) breaks.push(r.broken);
  }
  const anchors = await verifyAnchors(ex, partitions, lastAnchor, pageSize, tick);
  onProgress?.(checked);
  const entryBreaks = breaks.sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity));
  if (anchors.broken) entryBreaks.push(anchors.broken);
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
