import { and, asc, eq, gt, lte } from 'drizzle-orm';
import { Problem, problems } from '../../kernel/problem.ts';
import type { Executor } from '../db/client.ts';
import { auditEntries } from './schema.ts';
import {
  bodyDigest,
  headLeaf,
  LEGACY_FORMAT,
  PARTITIONED_FORMAT,
  type InclusionProof,
  type ProofLink,
  type StoredEntry,
} from './chain.ts';
import { merklePath } from './merkle.ts';
import { anchoredHead, anchoredHeads, firstAnchorCovering, getAnchor, latestAnchor } from './anchor.ts';

/** A proof walks the partition from the entry to the anchored head; beyond this, ask for an earlier anchor. */
export const MAX_PROOF_LINKS = 2000;

function toLink(e: StoredEntry): ProofLink {
  if (e.format === LEGACY_FORMAT) {
    return {
      pseq: e.pseq,
      format: LEGACY_FORMAT,
      entry: {
        seq: e.seq,
        at: e.at.toISOString(),
        actor: e.actor,
        action: e.action,
        subject: e.subject,
        change: e.change,
      },
      hash: e.hash,
    };
  }
  return { pseq: e.pseq, format: PARTITIONED_FORMAT, body: bodyDigest(e), hash: e.hash };
}

/**
 * What a reader needs to check `entry` against an anchor (the latest unless `anchorSeq` is given):
 * the later entries of its partition up to the anchored head (body digests only, so the proof
 * shows nothing of other entries), and the Merkle path from that head to the anchor's root.
 * Null when no anchor covers the entry yet.
 */
export async function inclusionProof(
  ex: Executor,
  entry: StoredEntry,
  anchorSeq?: number,
): Promise<InclusionProof | null> {
  const anchor = anchorSeq === undefined ? await latestAnchor(ex) : await getAnchor(ex, anchorSeq);
  if (!anchor) {
    if (anchorSeq === undefined) return null;
    throw problems.notFound(`Audit anchor ${anchorSeq}`);
  }
  const head = await anchoredHead(ex, anchor.seq, entry.partition);
  if (head.pseq < entry.pseq) {
    if (anchorSeq === undefined) return null;
    throw problems.rule(
      'anchor-before-entry',
      'Anchor made before the entry',
      `Anchor ${anchor.seq} committed partition ${entry.partition} up to ${head.pseq}, before entry ` +
        `${entry.seq} (${entry.partition}#${entry.pseq}); use a later anchor.`,
      [{ path: 'anchor', message: 'this anchor does not cover the entry', rule: 'audit.anchorCoversEntry' }],
    );
  }
  if (head.pseq - entry.pseq > MAX_PROOF_LINKS) {
    const first = await firstAnchorCovering(ex, entry.partition, entry.pseq);
    throw new Problem({
      status: 422,
      code: 'proof-too-long',
      title: 'Proof too long',
      detail:
        `Entry ${entry.seq} is ${head.pseq - entry.pseq} entries behind the head anchor ` +
        `${anchor.seq} committed (limit ${MAX_PROOF_LINKS}); ask for the proof against anchor ` +
        `${first}, the first that covers it, and follow the anchors' prevHash from there.`,
      errors: [{ path: 'anchor', message: `use anchor=${first}`, rule: 'audit.maxProofLinks' }],
      extra: { firstCoveringAnchor: first },
    });
  }
  const rows = await ex
    .select()
    .from(auditEntries)
    .where(
      and(
        eq(auditEntries.partition, entry.partition),
        gt(auditEntries.pseq, entry.pseq),
        lte(auditEntries.pseq, head.pseq),
      ),
    )
    .orderBy(asc(auditEntries.pseq));
  const heads = await anchoredHeads(ex, anchor.seq, anchor.partitionCount);
  return {
    anchor: {
      seq: anchor.seq,
      at: anchor.at,
      partitionCount: anchor.partitionCount,
      root: anchor.root,
      prevHash: anchor.prevHash,
      hash: anchor.hash,
    },
    head,
    links: rows.map(toLink),
    merklePath: merklePath(heads.map(headLeaf), entry.partition),
  };
}
