import { canonicalJson } from '../../kernel/canonicalJson.ts';
import { sha256Hex } from '../crypto.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditMaterial {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  subject: string;
  /** canonical JSON text of the change */
  change: string;
  prevHash: string;
}

/** hash = SHA-256 of the canonical JSON of every field but the hash itself. Pure, so anyone can recompute it. */
export function entryHash(m: AuditMaterial): string {
  return sha256Hex(
    canonicalJson({
      seq: m.seq,
      at: m.at.toISOString(),
      actor: m.actor,
      action: m.action,
      subject: m.subject,
      change: m.change,
      prevHash: m.prevHash,
    }),
  );
}

export interface ChainBreak {
  seq: number;
  reason: string;
}

/**
 * Checks one entry against its predecessor. Walk in seq order from 1: a deleted row shows as a gap,
 * an edited row as a wrong hash, a reordered row as a wrong previous hash.
 */
export function checkLink(entry: AuditMaterial & { hash: string }, expectedSeq: number, expectedPrevHash: string): ChainBreak | null {
  if (entry.seq !== expectedSeq) {
    return { seq: expectedSeq, reason: `entry ${expectedSeq} is missing (next stored entry is ${entry.seq})` };
  }
  if (entry.prevHash !== expectedPrevHash) {
    return { seq: entry.seq, reason: `entry ${entry.seq} does not point at the hash of entry ${entry.seq - 1}` };
  }
  const recomputed = entryHash(entry);
  if (recomputed !== entry.hash) {
    return { seq: entry.seq, reason: `entry ${entry.seq} was altered: its content hashes to ${recomputed.slice(0, 12)}…, stored ${entry.hash.slice(0, 12)}…` };
  }
  return null;
}
