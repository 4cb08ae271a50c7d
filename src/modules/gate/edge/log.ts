/**
 * The gate's local decision log (degraded mode): append-only, hash-chained, each entry signed with
 * the device's Ed25519 key. The central service verifies the chain and the signatures on replay.
 * Shared by the edge component and the central replay (no I/O here).
 */
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../../kernel/canonicalJson.ts';
import type { GateDecision } from '../rules.ts';
import type { GateEventInput } from '../service/events.ts';

export const GENESIS = '0'.repeat(64);

/** A gate event as the lane logs it: the central service's input, with the time as an ISO date-time. */
export type LoggedEvent = Omit<GateEventInput, 'at'> & { at: string };

export interface LogEntry {
  seq: number;
  prevHash: string;
  event: LoggedEvent;
  decision: GateDecision;
  decidedAt: string;
  hash: string;
  signature: string;
}

export function entryHash(e: Pick<LogEntry, 'seq' | 'prevHash' | 'event' | 'decision' | 'decidedAt'>): string {
  return createHash('sha256')
    .update(
      canonicalJson({ seq: e.seq, prevHash: e.prevHash, event: e.event, decision: e.decision, decidedAt: e.decidedAt }),
    )
    .digest('hex');
}

export function signedEntry(
  prev: { seq: number; hash: string },
  event: LoggedEvent,
  decision: GateDecision,
  decidedAt: Date,
  key: KeyObject,
): LogEntry {
  const body = {
    seq: prev.seq + 1,
    prevHash: prev.hash,
    event,
    decision: JSON.parse(JSON.stringify(decision)) as GateDecision,
    decidedAt: decidedAt.toISOString(),
  };
  const hash = entryHash(body);
  return { ...body, hash, signature: sign(null, Buffer.from(hash, 'hex'), key).toString('base64') };
}

/**
 * A key rotation (docs/operations.md "Gate degraded mode"): the new public key and the first log
 * entry it signs, signed by the key in force, so that only the holder of the lane's key can hand
 * the log over to another key. The entries before `fromSeq` stay verifiable with the old key.
 */
export interface KeyRotation {
  publicKeyPem: string;
  fromSeq: number;
  endorsement: string;
}

function rotationMessage(publicKeyPem: string, fromSeq: number): Buffer {
  const message = { purpose: 'tidegate.gate.keyRotation', publicKeyPem: publicKeyPem.trim(), fromSeq };
  return Buffer.from(canonicalJson(message));
}

export function endorseRotation(publicKeyPem: string, fromSeq: number, currentKey: KeyObject): KeyRotation {
  const endorsement = sign(null, rotationMessage(publicKeyPem, fromSeq), currentKey).toString('base64');
  return { publicKeyPem, fromSeq, endorsement };
}

export function rotationEndorsed(r: KeyRotation, currentPublicKey: KeyObject): boolean {
  const signature = Buffer.from(r.endorsement, 'base64');
  return verify(null, rotationMessage(r.publicKeyPem, r.fromSeq), currentPublicKey, signature);
}
