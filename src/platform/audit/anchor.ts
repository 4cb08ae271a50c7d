import { asc, desc, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { problems } from '../../kernel/problem.ts';
import type { Clock } from '../../kernel/clock.ts';
import { queryRows, recordset, type Db, type Executor } from '../db/client.ts';
import { auditAnchorHeads, auditAnchors, auditHeads, auditEntries } from './schema.ts';
import { anchorHash, emptyHead, GENESIS_HASH, headsRoot, type Head } from './chain.ts';
import { partitionCount } from './service.ts';

/**
 * Anchors: a root chain whose every entry commits the heads of all partitions under one Merkle
 * root. Whoever keeps the hash of the latest anchor (a department, a notary, a printout) can later
 * prove that no partition was rewritten before that moment. Only anchoring serialises, never a command.
 */

const ANCHOR_LOCK_ID = 7355610;

export type Anchor = typeof auditAnchors.$inferSelect;

export async function latestAnchor(ex: Executor): Promise<Anchor | null> {
  const [row] = await ex.select().from(auditAnchors).orderBy(desc(auditAnchors.seq)).limit(1);
  return row ?? null;
}

/** One page of the root chain, newest first. */
export async function listAnchors(ex: Executor, page: number, pageSize: number): Promise<Anchor[]> {
  return ex
    .select()
    .from(auditAnchors)
    .orderBy(desc(auditAnchors.seq))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
}

export async function countAnchors(ex: Executor): Promise<number> {
  const [row] = await ex.select({ n: sql<number>`count(*)::int` }).from(auditAnchors);
  return Number(row?.n ?? 0);
}

export async function getAnchor(ex: Executor, seq: number): Promise<Anchor | null> {
  const [row] = await ex.select().from(auditAnchors).where(eq(auditAnchors.seq, seq));
  return row ?? null;
}

/** The head of every partition as committed by anchor `anchorSeq` (the latest stored head at or before it). */
export async function anchoredHeads(ex: Executor, anchorSeq: number, partitions: number): Promise<Head[]> {
  const rows = await queryRows<{ partition: number; pseq: string | null; hash: string | null }>(
    ex,
    sql`select p as partition, h.pseq::text as pseq, h.hash from generate_series(0, ${partitions - 1}::int) p
        left join lateral (select ah.pseq, ah.hash from ${auditAnchorHeads} ah where ah.partition = p and ah.anchor_seq
          <= ${anchorSeq}
                           order by ah.anchor_seq desc limit 1) h on true
        order by p`,
  );
  return rows.map((r) =>
    r.pseq === null
      ? emptyHead(Number(r.partition))
      : { partition: Number(r.partition), pseq: Number(r.pseq), hash: r.hash! },
  );
}

/** The anchored head of one partition at anchor `anchorSeq`. */
export async function anchoredHead(ex: Executor, anchorSeq: number, partition: number): Promise<Head> {
  const [row] = await ex
    .select({ pseq: auditAnchorHeads.pseq, hash: auditAnchorHeads.hash })
    .from(auditAnchorHeads)
    .where(sql`${auditAnchorHeads.partition} = ${partition} and ${auditAnchorHeads.anchorSeq} <= ${anchorSeq}`)
    .orderBy(desc(auditAnchorHeads.anchorSeq))
    .limit(1);
  return row ? { partition, pseq: Number(row.pseq), hash: row.hash } : emptyHead(partition);
}

/** The first anchor that covers position `pseq` of `partition`, or null when none does yet. */
export async function firstAnchorCovering(ex: Executor, partition: number, pseq: number): Promise<number | null> {
  const [row] = await ex
    .select({ anchorSeq: auditAnchorHeads.anchorSeq })
    .from(auditAnchorHeads)
    .where(sql`${auditAnchorHeads.partition} = ${partition} and ${auditAnchorHeads.pseq} >= ${pseq}`)
    .orderBy(asc(auditAnchorHeads.pseq))
    .limit(1);
  return row ? Number(row.anchorSeq) : null;
}

export interface AnchorResult {
  anchor: Anchor;
  /** False when nothing moved since the latest anchor, which is returned instead. */
  created: boolean;
}

/**
 * Commits the current head of every partition, when any moved since the latest anchor. Returns
 * null while the log is empty. Refuses to anchor a head that went back: that is tampering to report.
 */
export async function anchorAudit(db: Db, at: Date): Promise<AnchorResult | null> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${ANCHOR_LOCK_ID})`);
    const partitions = await partitionCount(tx);
    if (partitions === null) return null;
    const heads = (
      await tx
        .select({ partition: auditHeads.partition, pseq: auditHeads.pseq, hash: auditHeads.hash })
        .from(auditHeads)
        .orderBy(asc(auditHeads.partition))
    ).map((h) => ({ ...h, pseq: Number(h.pseq) }));
    if (heads.length !== partitions || heads.some((h, i) => h.partition !== i))
      throw new Error(`expected heads for partitions 0..${partitions - 1}, found ${heads.length}`);
    const last = await latestAnchor(tx);
    const before = last ? await anchoredHeads(tx, last.seq, partitions) : heads.map((h) => emptyHead(h.partition));
    const moved = heads.filter((h, i) => h.pseq !== before[i]!.pseq || h.hash !== before[i]!.hash);
    const back = heads.find((h, i) => h.pseq < before[i]!.pseq);
    if (back) {
      throw problems.conflict(
        `The head of audit partition ${back.partition} is at ${back.pseq}, behind anchor ` +
          `${last!.seq} (${before[back.partition]!.pseq}); run \`tidegate audit verify\`.`,
      );
    }
    if (moved.length === 0) return last ? { anchor: last, created: false } : null;
    const material = {
      seq: (last?.seq ?? 0) + 1,
      at: new Date(Math.floor(at.getTime())),
      partitionCount: partitions,
      root: headsRoot(heads),
      prevHash: last?.hash ?? GENESIS_HASH,
    };
    const anchor = { ...material, hash: anchorHash(material) };
    await tx.insert(auditAnchors).values(anchor);
    // Each moved head with the hashes of the entries it covers since the previous anchored head,
    // gathered by the database (a minute of a busy port is tens of thousands of entries).
    const rows = moved.map((h) => ({ ...h, since: before[h.partition]!.pseq }));
    await tx.execute(sql`insert into ${auditAnchorHeads} (anchor_seq, partition, pseq, hash, hashes)
      select ${anchor.seq}::bigint, v.partition, v.pseq, v.hash,
        (select string_agg(decode(e.hash, 'hex'), ''::bytea order by e.pseq) from ${auditEntries} e
         where e.partition = v.partition and e.pseq > v.since and e.pseq <= v.pseq)
      from ${recordset(rows, 'partition int, pseq bigint, hash text, since bigint')}`);
    return { anchor, created: true };
  });
}

/**
 * Anchors every `intervalMs` while entries keep coming; several processes may run it, the lock makes them take turns.
 */
export function startAuditAnchoring(db: Db, clock: Clock, log: Logger, intervalMs: number): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      const r = await anchorAudit(db, clock.now());
      if (r?.created) log.info({ anchor: r.anchor.seq, root: r.anchor.root }, 'audit log anchored');
    } catch (err) {
      log.error({ err }, 'audit anchoring failed');
    }
  };
  const schedule = () => {
    timer = setTimeout(() => {
      running = tick().then(() => {
        if (!stopped) schedule();
      });
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
