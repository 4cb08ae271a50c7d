import { createHash } from 'node:crypto';

/**
 * Merkle tree hashing as in RFC 6962 (Certificate Transparency), so any standard verifier can
 * check our anchors: leaves and inner nodes are hashed with different prefixes (0x00 / 0x01), which
 * stops a leaf from being passed off as an inner node; a tree of n leaves splits at the largest
 * power of two below n. Hashes are lowercase hex.
 */

function sha256(...parts: Buffer[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** SHA-256(0x00 ‖ UTF-8 of the leaf's text). */
export function leafHash(text: string): string {
  return sha256(LEAF_PREFIX, Buffer.from(text, 'utf8'));
}

/** SHA-256(0x01 ‖ left ‖ right), on the 32-byte digests. */
export function nodeHash(left: string, right: string): string {
  return sha256(NODE_PREFIX, Buffer.from(left, 'hex'), Buffer.from(right, 'hex'));
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Root over leaf hashes (already passed through `leafHash`). */
export function merkleRoot(leaves: readonly string[]): string {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0]!;
  const k = largestPowerOfTwoBelow(leaves.length);
  return nodeHash(merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)));
}

/** One step of an audit path: the sibling's hash and on which side of us it sits. */
export interface PathStep {
  side: 'left' | 'right';
  hash: string;
}

/** Audit path of leaf `index`, from the leaf up to (not including) the root. */
export function merklePath(leaves: readonly string[], index: number): PathStep[] {
  if (index < 0 || index >= leaves.length) throw new RangeError(`leaf ${index} is outside a tree of ${leaves.length}`);
  if (leaves.length === 1) return [];
  const k = largestPowerOfTwoBelow(leaves.length);
  if (index < k)
    return [...merklePath(leaves.slice(0, k), index), { side: 'right', hash: merkleRoot(leaves.slice(k)) }];
  return [...merklePath(leaves.slice(k), index - k), { side: 'left', hash: merkleRoot(leaves.slice(0, k)) }];
}

/** The root a leaf and its audit path lead to; equal to the anchored root when the leaf is in the tree. */
export function rootFromPath(leaf: string, path: readonly PathStep[]): string {
  return path.reduce((acc, step) => (step.side === 'left' ? nodeHash(step.hash, acc) : nodeHash(acc, step.hash)), leaf);
}
