import { asc, desc, eq, gt, sql } from 'drizzle-orm';
import { canonicalJson } from '../../kernel/canonicalJson.ts';
import type { Executor } from '../db/client.ts';
import { auditEntries } from './schema.ts';
import { checkLink, entryHash, GENESIS_HASH, type ChainBreak } from './chain.ts';

/**
 * One chain for the whole platform: appends are serialised by a transaction-scoped advisory lock,
 * which also orders the outbox (see outbox/service.ts). Measured in docs/benchmarks.md; partition
 * the chain if this lock ever caps throughput.
 */
export const CHAIN_LOCK_ID = 7355609;

export interface AuditInput {
  actor: string;
  action: string;
  subject: string;
  change: unknown;
  at: Date;
}

export async function lockChain(tx: Executor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK_ID})`);
}

/** Appends one entry. Must run inside the command's transaction. */
export async function appendAudit(tx: Executor, input: AuditInput): Promise<{ seq: number; hash: string }> {
  await lockChain(tx);
  const [last] = await tx
    .select({ seq: auditEntries.seq, hash: auditEntries.hash })
    .from(auditEntries)
    .orderBy(desc(auditEntries.seq))
    .limit(1);
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
  // Millisecond precision: what timestamptz(3) stores is exactly what we hashed.
  const at = new Date(Math.floor(input.at.getTime()));
  const material = { seq, at, actor: input.actor, action: input.action, subject: input.subject, change: canonicalJson(input.change), prevHash };
  const hash = entryHash(material);
  await tx.insert(auditEntries).values({ ...material, hash });
  return { seq, hash };
}

export async function getAuditEntry(ex: Executor, seq: number) {
  const [row] = await ex.select().from(auditEntries).where(eq(auditEntries.seq, seq)).limit(1);
  return row ?? null;
}

export async function countAuditEntries(ex: Executor): Promise<number> {
  const [row] = await ex.select({ n: sql<number>`count(*)::int` }).from(auditEntries);
  return Number(row?.n ?? 0);
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBreak: ChainBreak | null;
  headSeq: number;
  headHash: string;
}

/** Re-walks the chain in pages; reports the first broken entry. */
export async function verifyChain(ex: Executor, onProgress?: (checked: number) => void, pageSize = 5000): Promise<VerifyResult> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const page = await ex
      .select()
      .from(auditEntries)
      .where(gt(auditEntries.seq, expectedSeq - 1))
      .orderBy(asc(auditEntries.seq))
      .limit(pageSize);
    for (const row of page) {
      const broken = checkLink(row, expectedSeq, prevHash);
      if (broken) return { ok: false, checked, firstBreak: broken, headSeq: expectedSeq - 1, headHash: prevHash };
      prevHash = row.hash;
      expectedSeq++;
      checked++;
    }
    onProgress?.(checked);
    if (page.length < pageSize) break;
  }
  return { ok: true, checked, firstBreak: null, headSeq: expectedSeq - 1, headHash: prevHash };
}
