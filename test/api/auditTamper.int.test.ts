import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { openTestDatabase } from '../support/db.ts';
import { queryRows, type Database } from '../../src/platform/db/client.ts';
import { appendAudit, ensurePartitioning, getPartitionEntry, verifyChain } from '../../src/platform/audit/service.ts';
import { anchorAudit } from '../../src/platform/audit/anchor.ts';
import {
  anchorHash,
  bodyDigest,
  GENESIS_HASH,
  partitionedHash,
  type ChainBreak,
} from '../../src/platform/audit/chain.ts';

/**
 * Tampering happens below the application: the tamperer has switched off the append-only and
 * head triggers. The log has 4 partitions; 24 entries are anchored, then 8 more are appended.
 */
const PARTITIONS = 4;
let database: Database;

beforeAll(async () => {
  database = await openTestDatabase();
  await ensurePartitioning(database.db, PARTITIONS);
});
afterAll(async () => {
  await database?.close();
});

const TRIGGERS = [
  ['audit_entries', 'audit_entries_append_only'],
  ['audit_heads', 'audit_heads_move_by_one'],
  ['audit_anchors', 'audit_anchors_append_only'],
  ['audit_anchor_heads', 'audit_anchor_heads_append_only'],
] as const;

async function asTamperer(...statements: SQL[]) {
  await database.db.transaction(async (tx) => {
    for (const [table, trigger] of TRIGGERS)
      await tx.execute(sql.raw(`alter table ${table} disable trigger ${trigger}`));
    for (const s of statements) await tx.execute(s);
    for (const [table, trigger] of TRIGGERS)
      await tx.execute(sql.raw(`alter table ${table} enable trigger ${trigger}`));
  });
}

async function append(i: number) {
  return database.db.transaction((tx) =>
    appendAudit(tx, {
      actor: 'user:test',
      action: 'thing.do',
      subject: `thing:${i}`,
      change: { i, amount: `${i}.50` },
      at: new Date(Date.UTC(2026, 10, 23, 0, 0, i)),
    }),
  );
}

/** The entries of one partition, in chain order. */
async function chainOf(partition: number) {
  return queryRows<{ seq: number; pseq: number }>(
    database.db,
    sql`select seq::int as seq, pseq::int as pseq from audit_entries where partition = ${partition} order by pseq`,
  );
}

/** A partition and its middle entry, for each partition (every partition gets tampered with in turn). */
async function middles() {
  const out: { partition: number; pseq: number; seq: number; length: number }[] = [];
  for (let p = 0; p < PARTITIONS; p++) {
    const chain = await chainOf(p);
    const mid = chain[Math.floor(chain.length / 2) - 1]!;
    out.push({ partition: p, pseq: mid.pseq, seq: mid.seq, length: chain.length });
  }
  return out;
}

function breakOf(breaks: ChainBreak[], partition: number) {
  return breaks.find((b) => b.partition === partition);
}

beforeEach(async () => {
  await asTamperer(
    sql`delete from audit_entries`,
    sql`delete from audit_anchor_heads`,
    sql`delete from audit_anchors`,
    sql`update audit_heads set pseq = 0, hash = ${GENESIS_HASH}, seq = null`,
  );
  for (let i = 0; i < 24; i++) await append(i);
  await anchorAudit(database.db, new Date(Date.UTC(2026, 10, 23, 1)));
  for (let i = 24; i < 32; i++) await append(i);
});

describe('audit log tamper detection, in any partition', () => {
  it('an intact log verifies: every partition in use, one anchor', async () => {
    for (let p = 0; p < PARTITIONS; p++) expect((await chainOf(p)).length).toBeGreaterThanOrEqual(4);
    expect(await verifyChain(database.db, undefined, 3)).toMatchObject({
      ok: true,
      checked: 32,
      partitions: PARTITIONS,
      anchors: 1,
      breaks: [],
    });
  });

  it('editing the content of an entry is detected at that entry', async () => {
    for (const m of await middles()) {
      await asTamperer(sql`update audit_entries set change = '{"amount":"9999.50"}' where seq = ${m.seq}`);
      const r = await verifyChain(database.db, undefined, 3);
      expect(r.ok).toBe(false);
      expect(breakOf(r.breaks, m.partition)).toMatchObject({
        seq: m.seq,
        pseq: m.pseq,
        reason: expect.stringContaining('altered'),
      });
    }
  });

  it('editing an entry and recomputing its hash is found at that entry: the next points at its old hash', async () => {
    for (const m of await middles()) {
      const e = (await getPartitionEntry(database.db, m.partition, m.pseq))!;
      const forged = { ...e, actor: 'user:mallory' };
      await asTamperer(
        sql`update audit_entries set actor = ${forged.actor}, hash = ${partitionedHash(forged, bodyDigest(forged))} where seq = ${m.seq}`,
      );
      const r = await verifyChain(database.db);
      const reason = expect.stringContaining('was altered and its hash recomputed');
      expect(breakOf(r.breaks, m.partition)).toMatchObject({ seq: m.seq, pseq: m.pseq, reason });
    }
  });

  /** Alters the change at the given positions of a partition and re-hashes its chain from there to the head. */
  async function rewrite(p: number, altered: number[]) {
    const chain = await chainOf(p);
    const from = Math.min(...altered);
    const statements: SQL[] = [];
    let prevHash = (await getPartitionEntry(database.db, p, from))!.prevHash;
    for (const { pseq } of chain.filter((c) => c.pseq >= from)) {
      const e = (await getPartitionEntry(database.db, p, pseq))!;
      const forged = { ...e, prevHash, change: altered.includes(pseq) ? '{"amount":"0.01"}' : e.change };
      const hash = partitionedHash(forged, bodyDigest(forged));
      statements.push(
        sql`update audit_entries set change = ${forged.change}, prev_hash = ${prevHash}, hash = ${hash} where seq = ${e.seq}`,
      );
      prevHash = hash;
    }
    statements.push(sql`update audit_heads set hash = ${prevHash} where partition = ${p}`);
    await asTamperer(...statements);
  }

  const anchoredPseqs = async (p: number) => {
    const rows = await queryRows<{ pseq: number }>(
      database.db,
      sql`select pseq::int as pseq from audit_anchor_heads where partition = ${p} order by anchor_seq`,
    );
    return rows.map((r) => r.pseq);
  };

  it('rewriting the rest of a partition: the anchor catches it, the first altered entry is named', async () => {
    const p = 2;
    const first = (await getPartitionEntry(database.db, p, 1))!;
    await rewrite(p, [1]);
    const r = await verifyChain(database.db);
    expect(r.breaks).toHaveLength(1);
    const reason = expect.stringContaining('no longer hashes to the hash anchor 1 recorded for it');
    expect(r.breaks[0]).toMatchObject({ partition: p, pseq: 1, seq: first.seq, reason });
    expect(r.firstBreak).toEqual(r.breaks[0]);
  });

  it('the first altered entry is named in every partition, wherever it sits under the anchor', async () => {
    for (const m of await middles()) {
      const [head] = await anchoredPseqs(m.partition);
      expect(m.pseq).toBeLessThan(head!);
      await rewrite(m.partition, [m.pseq, head!]);
      const r = await verifyChain(database.db);
      const reason = expect.stringContaining('re-hashed to hide it');
      expect(breakOf(r.breaks, m.partition)).toMatchObject({ seq: m.seq, pseq: m.pseq, reason });
    }
  });

  it('several anchors: an entry altered after the first anchored head is named by the next anchor', async () => {
    await anchorAudit(database.db, new Date(Date.UTC(2026, 10, 23, 2)));
    const p = 1;
    const [firstHead, secondHead] = await anchoredPseqs(p);
    expect(secondHead).toBeGreaterThan(firstHead! + 1);
    const target = (await getPartitionEntry(database.db, p, firstHead! + 1))!;
    await rewrite(p, [target.pseq]);
    const r = await verifyChain(database.db);
    const reason = expect.stringContaining('anchor 2 recorded');
    expect(r.breaks).toEqual([expect.objectContaining({ partition: p, pseq: target.pseq, seq: target.seq, reason })]);
  });

  it('an anchor made before entry hashes were recorded still catches the rewrite, at its head', async () => {
    const p = 3;
    const [head] = await anchoredPseqs(p);
    await asTamperer(sql`update audit_anchor_heads set hashes = null`);
    await rewrite(p, [1]);
    const r = await verifyChain(database.db);
    const reason = expect.stringContaining('is not the entry anchor 1 committed to');
    expect(r.breaks).toEqual([expect.objectContaining({ partition: p, pseq: head, reason })]);
  });

  it('an anchor records the hash of each entry it covered since the previous anchored head', async () => {
    await anchorAudit(database.db, new Date(Date.UTC(2026, 10, 23, 2)));
    const rows = await queryRows<{ partition: number; anchor_seq: number; pseq: number; hashes: string }>(
      database.db,
      sql`select partition, anchor_seq::int, pseq::int, encode(hashes, 'hex') as hashes
          from audit_anchor_heads order by partition, anchor_seq`,
    );
    const entries = await queryRows<{ partition: number; pseq: number; hash: string }>(
      database.db,
      sql`select partition, pseq::int as pseq, hash from audit_entries order by partition, pseq`,
    );
    expect(rows).toHaveLength(2 * PARTITIONS);
    for (const r of rows) {
      const before = rows.filter((x) => x.partition === r.partition && x.anchor_seq < r.anchor_seq).at(-1)?.pseq ?? 0;
      const covered = entries.filter((e) => e.partition === r.partition && e.pseq > before && e.pseq <= r.pseq);
      expect(r.hashes).toBe(covered.map((e) => e.hash).join(''));
    }
  });

  it('deleting an entry is detected as a gap', async () => {
    for (const m of await middles()) {
      await asTamperer(sql`delete from audit_entries where seq = ${m.seq}`);
      const r = await verifyChain(database.db, undefined, 4);
      expect(breakOf(r.breaks, m.partition)).toMatchObject({
        pseq: m.pseq,
        seq: null,
        reason: expect.stringContaining('missing'),
      });
    }
  });

  it('deleting the newest entries of a partition is detected by its head, and by the anchor when they were anchored', async () => {
    const chain = await chainOf(1);
    await asTamperer(sql`delete from audit_entries where partition = 1 and pseq = ${chain.length}`);
    expect(breakOf((await verifyChain(database.db)).breaks, 1)).toMatchObject({
      pseq: chain.length,
      reason: expect.stringContaining('recorded head'),
    });
    // Now cut the partition back below what the anchor committed, and fix the head up too.
    const anchored = (
      await queryRows<{ pseq: number }>(
        database.db,
        sql`select pseq::int as pseq from audit_anchor_heads where partition = 1`,
      )
    )[0]!.pseq;
    const keep = (await getPartitionEntry(database.db, 1, anchored - 1))!;
    await asTamperer(
      sql`delete from audit_entries where partition = 1 and pseq >= ${anchored}`,
      sql`update audit_heads set pseq = ${keep.pseq}, hash = ${keep.hash} where partition = 1`,
    );
    expect(breakOf((await verifyChain(database.db)).breaks, 1)).toMatchObject({
      pseq: anchored,
      reason: expect.stringContaining('anchor 1 committed partition 1'),
    });
  });

  it('reordering two entries of a partition is detected', async () => {
    for (const m of await middles()) {
      await asTamperer(
        sql`update audit_entries set pseq = 100000 where partition = ${m.partition} and pseq = ${m.pseq}`,
        sql`update audit_entries set pseq = ${m.pseq} where partition = ${m.partition} and pseq = ${m.pseq + 1}`,
        sql`update audit_entries set pseq = ${m.pseq + 1} where partition = ${m.partition} and pseq = 100000`,
      );
      const r = await verifyChain(database.db);
      expect(breakOf(r.breaks, m.partition)).toMatchObject({ pseq: m.pseq });
    }
  });

  it('moving an entry to another partition is detected in both', async () => {
    const m = (await middles())[0]!;
    const target = (await chainOf(3)).length + 1;
    await asTamperer(
      sql`update audit_entries set partition = 3, pseq = ${target} where seq = ${m.seq}`,
      sql`update audit_heads set pseq = ${target} where partition = 3`,
    );
    const r = await verifyChain(database.db);
    expect(breakOf(r.breaks, 0)).toMatchObject({ pseq: m.pseq, reason: expect.stringContaining('missing') });
    expect(breakOf(r.breaks, 3)).toMatchObject({ pseq: target, seq: m.seq });
  });

  it('inserting a forged entry is detected where it went in', async () => {
    const m = (await middles())[2]!;
    const before = (await getPartitionEntry(database.db, m.partition, m.pseq))!;
    // The forger shifts the later entries up by one to make room, and links the forgery properly.
    const forged = {
      ...before,
      seq: 10_000,
      pseq: m.pseq + 1,
      actor: 'user:mallory',
      change: '{"forged":true}',
      prevHash: before.hash,
    };
    await asTamperer(
      sql`update audit_entries set pseq = pseq + 1000 where partition = ${m.partition} and pseq > ${m.pseq}`,
      sql`update audit_entries set pseq = pseq - 999 where partition = ${m.partition} and pseq > ${m.pseq + 1000}`,
      sql`insert into audit_entries (seq, partition, pseq, format, at, actor, action, subject, change, prev_hash, hash)
          values (${forged.seq}, ${forged.partition}, ${forged.pseq}, 2, ${forged.at.toISOString()}::timestamptz, ${forged.actor}, ${forged.action}, ${forged.subject}, ${forged.change}, ${forged.prevHash}, ${partitionedHash(forged, bodyDigest(forged))})`,
    );
    const r = await verifyChain(database.db);
    expect(breakOf(r.breaks, m.partition)).toMatchObject({ pseq: m.pseq + 2 });
  });

  it('changing the time of an entry is detected', async () => {
    const m = (await middles())[1]!;
    await asTamperer(sql`update audit_entries set at = at + interval '1 hour' where seq = ${m.seq}`);
    expect(breakOf((await verifyChain(database.db)).breaks, m.partition)).toMatchObject({ seq: m.seq, pseq: m.pseq });
  });

  it('texts that need escaping verify, and an edit to one is found, however the entries are read', async () => {
    // On PostgreSQL the walk reads each partition as one binary COPY stream and hashes the bytes;
    // `stream: false` reads pages of rows as strings (as on PGlite). Both must agree everywhere.
    const odd = ['quote " and backslash \\', 'controls \u0001\u001f\n\t\r', 'é € 😀 \u2028', ''];
    for (const [i, text] of odd.entries())
      await database.db.transaction((tx) =>
        appendAudit(tx, {
          actor: `user:${text}`,
          action: 'thing.do',
          subject: `thing:${text}`,
          change: { text, nested: { list: [text, i] } },
          at: new Date(Date.UTC(2026, 10, 23, 3, 0, i)),
        }),
      );
    const both = async () => {
      const [streamed, paged] = [
        await verifyChain(database.db),
        await verifyChain(database.db, undefined, 3, { stream: false }),
      ];
      expect(streamed).toEqual(paged);
      return streamed;
    };
    expect(await both()).toMatchObject({ ok: true, checked: 32 + odd.length });
    const [e] = await queryRows<{ seq: number; partition: number; pseq: number }>(
      database.db,
      sql`select seq::int as seq, partition, pseq::int as pseq from audit_entries where subject like '%😀%'`,
    );
    await asTamperer(sql`update audit_entries set change = replace(change, '😀', '😁') where seq = ${e!.seq}`);
    expect(breakOf((await both()).breaks, e!.partition)).toMatchObject({ seq: e!.seq, pseq: e!.pseq });
  });

  it('an entry whose change was set to null (its not-null constraint dropped) is a break', async () => {
    const m = (await middles())[2]!;
    await asTamperer(
      sql`alter table audit_entries alter column change drop not null`,
      sql`update audit_entries set change = null where seq = ${m.seq}`,
    );
    try {
      for (const stream of [true, false])
        expect(breakOf((await verifyChain(database.db, undefined, 3, { stream })).breaks, m.partition)).toMatchObject({
          seq: m.seq,
          pseq: m.pseq,
        });
    } finally {
      await asTamperer(sql`delete from audit_entries where change is null`);
      await database.db.execute(sql`alter table audit_entries alter column change set not null`);
    }
  });

  it('altering the root of an anchor is detected at that anchor', async () => {
    await anchorAudit(database.db, new Date(Date.UTC(2026, 10, 23, 2)));
    expect((await verifyChain(database.db)).ok).toBe(true);
    await asTamperer(sql`update audit_anchors set root = ${'f'.repeat(64)} where seq = 1`);
    expect((await verifyChain(database.db)).breaks).toEqual([
      expect.objectContaining({ anchor: 1, reason: expect.stringContaining('root') }),
    ]);
  });

  it('altering a head an anchor committed to is detected in the root chain and in the partition', async () => {
    await asTamperer(
      sql`update audit_anchor_heads set hash = ${'e'.repeat(64)} where anchor_seq = 1 and partition = 2`,
    );
    const r = await verifyChain(database.db);
    expect(r.breaks).toContainEqual(expect.objectContaining({ anchor: 1, reason: expect.stringContaining('root') }));
    expect(breakOf(r.breaks, 2)).toMatchObject({ reason: expect.stringContaining('anchor 1 committed to') });
  });

  it('re-hashing an altered anchor breaks the link of the next anchor', async () => {
    await anchorAudit(database.db, new Date(Date.UTC(2026, 10, 23, 2)));
    const [a] = await queryRows<{ at: string; partition_count: number; root: string; prev_hash: string }>(
      database.db,
      sql`select at::text, partition_count, root, prev_hash from audit_anchors where seq = 1`,
    );
    const at = new Date(Date.UTC(2026, 10, 22));
    const hash = anchorHash({ seq: 1, at, partitionCount: a!.partition_count, root: a!.root, prevHash: a!.prev_hash });
    await asTamperer(sql`update audit_anchors set at = ${at.toISOString()}::timestamptz, hash = ${hash} where seq = 1`);
    expect((await verifyChain(database.db)).breaks).toEqual([
      expect.objectContaining({ anchor: 2, reason: expect.stringContaining('does not point at') }),
    ]);
  });

  it('a deleted anchor leaves a gap in the root chain', async () => {
    await anchorAudit(database.db, new Date(Date.UTC(2026, 10, 23, 2)));
    await asTamperer(
      sql`delete from audit_anchor_heads where anchor_seq = 1`,
      sql`delete from audit_anchors where seq = 1`,
    );
    const r = await verifyChain(database.db);
    expect(r.breaks).toContainEqual(expect.objectContaining({ anchor: 1, reason: expect.stringContaining('missing') }));
  });

  it('the application itself can neither change nor delete entries, anchors, or move a head other than by one', async () => {
    await expect(database.db.execute(sql`update audit_entries set actor = 'x' where pseq = 1`)).rejects.toThrow();
    await expect(database.db.execute(sql`delete from audit_anchors`)).rejects.toThrow();
    await expect(database.db.execute(sql`update audit_anchor_heads set pseq = 1`)).rejects.toThrow();
    await expect(
      database.db.execute(sql`update audit_heads set pseq = pseq + 2 where partition = 0`),
    ).rejects.toThrow();
    await expect(database.db.execute(sql`update audit_partitioning set partitions = 8`)).rejects.toThrow();
  });
});
