import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import { canonicalJson } from '../../kernel/canonicalJson.ts';
import { pgArray, queryRows, recordset, together, type Executor } from '../db/client.ts';
import { auditEntries, auditPartitioning, auditHeads } from './schema.ts';
import {
  bodyDigest,
  GENESIS_HASH,
  partitionedHash,
  partitionHash,
  PARTITIONED_FORMAT,
  type StoredEntry,
} from './chain.ts';

/**
 * The audit log is N hash chains. A command appends to the chain of its subject's partition and
 * holds only that partition's head until it commits, so commands on different partitions never
 * wait for each other (architecture rule 7); anchors (anchor.ts) tie the partitions together.
 */

/** Partitions chosen for a database that never had them chosen explicitly (tests, scripts on a bare database). */
export const DEFAULT_AUDIT_PARTITIONS = 64;

export interface AuditInput {
  actor: string;
  action: string;
  subject: string;
  change: unknown;
  at: Date;
  /**
   * Which chain the entry joins; defaults to `subject`. A partition is a point of serialisation:
   * appends whose keys fall in the same partition queue behind each other until they commit. Pass
   * `enterprise:<uscc>` for anything an enterprise owns when its whole history should be one chain,
   * in order; pass the unit a module already serialises on (e.g. a book) when one enterprise's
   * commands must run side by side.
   */
  partitionKey?: string;
}

export interface AppendedEntry {
  /** Global entry number (`GET /api/v1/audit/entries/{seq}`). */
  seq: number;
  hash: string;
  partition: number;
  /** Position in the partition's chain, gap-free from 1. */
  pseq: number;
}

/**
 * Locks the heads of the keys' partitions (held until commit), in ascending partition order, and
 * draws `count` global seqs after the locks, so seq grows along every chain. Null before
 * partitioning is set up.
 */
async function lockHeads(tx: Executor, keys: readonly number[], count: number) {
  const rows = await queryRows<{ key: string; partition: number; pseq: string; hash: string; seqs: string[] }>(
    tx,
    sql`with wanted as materialized (
          select k, (k % c.partitions)::int as partition from ${auditPartitioning} c, unnest(${pgArray(keys)}::bigint[])
            k),
        heads as materialized (
          select h.partition, h.pseq, h.hash from ${auditHeads} h
          where h.partition in (select partition from wanted) order by h.partition for update of h),
        seqs as materialized (
          select array_agg(s::text order by s) as seqs from (select nextval('audit_entries_seq') as s from (select
            count(*) from heads) locked, generate_series(1, ${count}::int)) drawn)
        select w.k::text as key, h.partition, h.pseq::text as pseq, h.hash, seqs.seqs from wanted w join heads h using
          (partition) cross join seqs`,
  );
  if (rows.length === 0) return null;
  const heads = new Map<number, { partition: number; pseq: number; hash: string }>();
  const byKey = new Map<number, { partition: number; pseq: number; hash: string }>();
  for (const r of rows) {
    const head = heads.get(r.partition) ?? { partition: Number(r.partition), pseq: Number(r.pseq), hash: r.hash };
    heads.set(r.partition, head);
    byKey.set(Number(r.key), head);
  }
  return { byKey, seqs: rows[0]!.seqs.map(Number).sort((a, b) => a - b) };
}

/**
 * Locks the heads of the partitions these keys fall in, in ascending partition order, for the rest
 * of the transaction. A command that appends to several partitions and also takes hot row locks
 * (a port's inspection capacity, say) calls this first, so its later appends wait for nothing and
 * two such commands never wait on each other's partitions in a circle. Without partitioning set up
 * yet (a new database) it does nothing: the first append sets it up.
 */
export async function lockAuditPartitions(tx: Executor, partitionKeys: readonly string[]): Promise<void> {
  const keys = [...new Set(partitionKeys.map((k) => partitionHash(k)))];
  if (keys.length === 0) return;
  await tx.execute(sql`
    select h.partition from ${auditHeads} h
    where h.partition in (select (k::bigint % c.partitions)::int from ${auditPartitioning} c,
      unnest(${pgArray(keys)}::bigint[]) k)
    order by h.partition
    for update of h`);
}

/** Appends one entry. Must run inside the command's transaction. */
export async function appendAudit(tx: Executor, input: AuditInput): Promise<AppendedEntry> {
  return (await appendAuditMany(tx, [input]))[0]!;
}

/**
 * Appends several entries in two statements whatever their number: lock the heads of their
 * partitions (ascending) and draw their seqs, then write every entry and move every head. Entries
 * of one partition are chained in the order given. `andThen` issues the caller's statements that
 * need the seqs (movements, outbox events) together with the audit writes. Must run inside the
 * command's transaction.
 */
export function appendAuditMany(
  tx: Executor,
  inputs: readonly AuditInput[],
  andThen?: (entries: AppendedEntry[]) => Promise<unknown>,
): Promise<AppendedEntry[]> {
  if (inputs.length === 0) return andThen ? andThen([]).then(() => []) : Promise.resolve([]);
  // Appends issued side by side in one transaction (pipelined statements of different modules)
  // would read the same head: each waits for the one issued before it.
  const previous = lastAppend.get(tx) ?? Promise.resolve();
  const appended = previous.then(() => appendNow(tx, inputs, andThen));
  lastAppend.set(
    tx,
    appended.then(
      () => undefined,
      () => undefined,
    ),
  );
  return appended;
}

const lastAppend = new WeakMap<Executor, Promise<void>>();

async function appendNow(
  tx: Executor,
  inputs: readonly AuditInput[],
  andThen?: (entries: AppendedEntry[]) => Promise<unknown>,
): Promise<AppendedEntry[]> {
  const keys = inputs.map((i) => partitionHash(i.partitionKey ?? i.subject));
  const unique = [...new Set(keys)];
  let locked = await lockHeads(tx, unique, inputs.length);
  if (!locked) {
    await ensurePartitioning(tx, DEFAULT_AUDIT_PARTITIONS);
    locked = await lockHeads(tx, unique, inputs.length);
    if (!locked) throw new Error('audit partitioning is configured but the head of a partition is missing');
  }
  const { byKey, seqs } = locked;
  const out: AppendedEntry[] = [];
  const rows: Record<string, unknown>[] = [];
  inputs.forEach((input, i) => {
    const head = byKey.get(keys[i]!);
    if (!head) throw new Error('audit partitioning is configured but the head of a partition is missing');
    // Millisecond precision: what timestamptz(3) stores is exactly what we hashed.
    const at = new Date(Math.floor(input.at.getTime()));
    const entry = {
      seq: seqs[i]!,
      at,
      actor: input.actor,
      action: input.action,
      subject: input.subject,
      change: canonicalJson(input.change),
      partition: head.partition,
      pseq: head.pseq + 1,
      prevHash: head.hash,
    };
    const hash = partitionedHash(entry, bodyDigest(entry));
    head.pseq = entry.pseq;
    head.hash = hash;
    rows.push({
      seq: entry.seq,
      partition: entry.partition,
      pseq: entry.pseq,
      at: at.toISOString(),
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      change: entry.change,
      prev_hash: entry.prevHash,
      hash,
    });
    out.push({ seq: entry.seq, hash, partition: entry.partition, pseq: entry.pseq });
  });
  // Each head moves to the last entry written on its chain. Two statements, pipelined: the head
  // trigger checks that the entry it moves onto exists, which it sees only from a later statement.
  const last = new Map(out.map((e) => [e.partition, e]));
  const heads = [...last.values()].map((e) => ({ partition: e.partition, pseq: e.pseq, hash: e.hash, seq: e.seq }));
  await together([
    tx.execute(sql`insert into ${auditEntries} (seq, partition, pseq, format, at, actor, action, subject, change,
        prev_hash, hash)
      select seq, partition, pseq, ${PARTITIONED_FORMAT}, at, actor, action, subject, change, prev_hash, hash
      from ${recordset(
        rows,
        'seq bigint, partition int, pseq bigint, at timestamptz, actor text, action text, ' +
          'subject text, change text, prev_hash text, hash text',
      )}`),
    tx.execute(
      sql`update ${auditHeads} h set pseq = v.pseq, hash = v.hash, seq = v.seq from ${recordset(
        heads,
        'partition ' + 'int, pseq bigint, hash text, seq bigint',
      )} where h.partition = v.partition`,
    ),
    // What the caller writes with the entries' seqs rides in the same round trip.
    andThen ? andThen(out) : Promise.resolve(),
  ] as const);
  return out;
}

/**
 * Records the partition count if none is recorded yet and makes sure every partition has a head
 * (taken from its last entry, so entries from before partitioning keep their place in partition 0).
 * Returns the count in force, which is the recorded one when it differs from `wanted`.
 */
export async function ensurePartitioning(ex: Executor, wanted: number): Promise<number> {
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > 1024)
    throw new Error(`audit partitions must be a whole number from 1 to 1024, got ${wanted}`);
  await ex.execute(
    sql`insert into ${auditPartitioning} (id, partitions, chosen_at) values (true, ${wanted}, now()) on conflict
        do nothing`,
  );
  await ex.execute(sql`
    insert into ${auditHeads} (partition, pseq, hash, seq)
    select p, coalesce(last.pseq, 0), coalesce(last.hash, ${GENESIS_HASH}), last.seq
    from generate_series(0, (select partitions - 1 from ${auditPartitioning})) p
    left join lateral (select e.pseq, e.hash, e.seq from ${auditEntries} e where e.partition = p order by e.pseq desc
      limit 1) last on true
    on conflict (partition) do nothing`);
  return (await partitionCount(ex))!;
}

/**
 * Called at every start, right after the migrations, so that the first database a deployment
 * creates gets the configured partition count (not the default of the first append).
 */
export async function choosePartitioning(ex: Executor, configured: number, log: Logger): Promise<number> {
  const partitions = await ensurePartitioning(ex, configured);
  if (partitions !== configured)
    log.warn(
      { recorded: partitions, configured },
      'this database chose its audit partitions before; TIDEGATE_AUDIT_PARTITIONS is ignored',
    );
  return partitions;
}

/** The recorded partition count, or null before the first append. */
export async function partitionCount(ex: Executor): Promise<number | null> {
  const [row] = await ex.select({ partitions: auditPartitioning.partitions }).from(auditPartitioning);
  return row?.partitions ?? null;
}

export async function getAuditEntry(ex: Executor, seq: number): Promise<StoredEntry | null> {
  const [row] = await ex.select().from(auditEntries).where(eq(auditEntries.seq, seq)).limit(1);
  return row ?? null;
}

/** Position `pseq` of a partition's chain. */
export async function getPartitionEntry(ex: Executor, partition: number, pseq: number): Promise<StoredEntry | null> {
  const [row] = await ex
    .select()
    .from(auditEntries)
    .where(and(eq(auditEntries.partition, partition), eq(auditEntries.pseq, pseq)))
    .limit(1);
  return row ?? null;
}

export async function countAuditEntries(ex: Executor): Promise<number> {
  const [row] = await ex.select({ n: sql<number>`count(*)::int` }).from(auditEntries);
  return Number(row?.n ?? 0);
}

/**
 * @deprecated Neither `appendAudit` nor `enqueueEvents` takes this lock any more, and nothing needs
 * it: a feed that reads a serial id reads up to `settledHorizon()` (outbox/horizon.ts) instead.
 * Kept only so that code written against it still compiles; it serialises whoever takes it.
 */
export const CHAIN_LOCK_ID = 7355609;

/** @deprecated See CHAIN_LOCK_ID. */
export async function lockChain(tx: Executor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK_ID})`);
}

export { verifyChain, type VerifyResult } from './verify.ts';
