import { seesRiskVerdicts, type Actor } from '../auth/roles.ts';
import { bodyDigest, LEGACY_FORMAT, type ProofLink, type StoredEntry } from './chain.ts';

/**
 * Who reads which audit entries in full. Officers read every entry. A department client reads the
 * records of the business it shares in — credit inputs and classes, enterprises and
 * qualifications, individuals (masked), policy parameters, exchange rates, webhooks — and of any
 * other entry (risk verdicts, declarations and their holds, inspections, books, gates) only what
 * proves it is in the chain: its number, time, place and hashes, with the body digest so that the
 * entry's hash and its inclusion proof still check. No client scope grants more today.
 */
const DEPARTMENT_ACTIONS = /^(credit|enterprise|qualification|individual|parameter|tax|webhook)\./;

export function readsEntryInFull(actor: Actor, action: string): boolean {
  return seesRiskVerdicts(actor) || (actor.role === 'department' && DEPARTMENT_ACTIONS.test(action));
}

export interface EntryContent {
  actor: string | null;
  action: string | null;
  subject: string | null;
  change: string | null;
  /** The format 2 body digest (SHA-256 of the content): what the entry's hash covers. */
  body: string | null;
  withheld: boolean;
}

/** The content of an entry as the reader may see it. */
export function entryContentFor(reader: Actor, e: StoredEntry): EntryContent {
  const body = e.format === LEGACY_FORMAT ? null : bodyDigest(e);
  if (readsEntryInFull(reader, e.action)) {
    return { actor: e.actor, action: e.action, subject: e.subject, change: e.change, body, withheld: false };
  }
  return { actor: null, action: null, subject: null, change: null, body, withheld: true };
}

export type ReaderLink = ProofLink | { pseq: number; format: typeof LEGACY_FORMAT; withheld: true; hash: string };

/**
 * Proof links as the reader may see them. Partitioned links carry body digests only; a link of the
 * one-chain format carries its entry, which is withheld (its hash only) when the reader may not read
 * that entry: such a proof can be followed, not recomputed, past that link.
 */
export function linksFor(reader: Actor, links: readonly ProofLink[]): ReaderLink[] {
  return links.map((l) => {
    if (l.format !== LEGACY_FORMAT || readsEntryInFull(reader, l.entry.action)) return l;
    return { pseq: l.pseq, format: LEGACY_FORMAT, withheld: true, hash: l.hash };
  });
}
