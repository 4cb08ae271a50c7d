/**
 * The yellow list (黄名单) after a run: every buyer flagged on their own facts or as a member of a
 * ring at or above the threshold has one open entry, refreshed with the run's scores. A buyer
 * confirmed in a case is not listed again; a cleared buyer comes back only when a run weighs them
 * more than when they were cleared (new facts, a stronger ring).
 */
import { sql } from 'drizzle-orm';
import { queryRows, recordset, type Tx } from '../../../../platform/db/client.ts';
import { anyOf } from '../../../../platform/db/rows.ts';
import { uuidv7 } from '../../../../kernel/ids.ts';
import type { ScorePart } from '../rules.ts';
import { dutyfreeYellowList } from '../schema.ts';

export interface YellowInput {
  runId: string;
  now: Date;
  own: { buyerId: string; score: number; parts: ScorePart[] }[];
  rings: { ringId: string; score: number; members: { buyerId: string; score: number; parts: ScorePart[] }[] }[];
}

interface Candidate {
  buyerId: string;
  score: number;
  parts: ScorePart[];
  ringId: string | null;
  ringScore: number | null;
}

/** How much an entry weighs: the higher of the buyer's own score and the ring's. */
export const weightOf = (e: { score: number; ringScore: number | null }) => Math.max(e.score, e.ringScore ?? 0);

function candidates(input: YellowInput): Map<string, Candidate> {
  const out = new Map<string, Candidate>();
  for (const y of input.own) out.set(y.buyerId, { ...y, ringId: null, ringScore: null });
  for (const r of input.rings) {
    for (const m of r.members)
      out.set(m.buyerId, { buyerId: m.buyerId, score: m.score, parts: m.parts, ringId: r.ringId, ringScore: r.score });
  }
  return out;
}

export async function refreshYellowList(tx: Tx, input: YellowInput) {
  const wanted = candidates(input);
  const counts = { opened: 0, refreshed: 0, reopened: 0 };
  if (wanted.size === 0) return counts;
  const latest = await queryRows<{
    id: string;
    buyer_id: string;
    status: string;
    score: number;
    ring_score: number | null;
  }>(
    tx,
    sql`select distinct on (buyer_id) id, buyer_id, status, score, ring_score from ${dutyfreeYellowList}
        where buyer_id ${anyOf([...wanted.keys()], 'uuid')} order by buyer_id, opened_at desc, id desc`,
  );
  const before = new Map(latest.map((r) => [r.buyer_id, r]));
  const updates: Record<string, unknown>[] = [];
  const inserts: (typeof dutyfreeYellowList.$inferInsert)[] = [];
  for (const c of wanted.values()) {
    const e = before.get(c.buyerId);
    if (e && (e.status === 'OPEN' || e.status === 'PROPOSED')) {
      updates.push({ id: e.id, score: c.score, parts: c.parts, ring_id: c.ringId, ring_score: c.ringScore });
      counts.refreshed++;
      continue;
    }
    if (e?.status === 'CONFIRMED') continue;
    if (e?.status === 'CLEARED' && weightOf(c) <= weightOf({ score: e.score, ringScore: e.ring_score })) continue;
    if (e) counts.reopened++;
    else counts.opened++;
    inserts.push({
      id: uuidv7(input.now.getTime()),
      buyerId: c.buyerId,
      ringId: c.ringId,
      ringScore: c.ringScore,
      score: c.score,
      parts: c.parts,
      status: 'OPEN',
      firstRunId: input.runId,
      lastRunId: input.runId,
      openedAt: input.now,
      updatedAt: input.now,
    });
  }
  for (let i = 0; i < updates.length; i += 2000) {
    const rows = updates.slice(i, i + 2000);
    await tx.execute(sql`update ${dutyfreeYellowList} y
      set score = v.score, parts = v.parts, ring_id = v.ring_id, ring_score = v.ring_score,
          last_run_id = ${input.runId}, updated_at = ${input.now.toISOString()}
      from ${recordset(rows, 'id uuid, score int, parts jsonb, ring_id uuid, ring_score int')}
      where y.id = v.id`);
  }
  for (let i = 0; i < inserts.length; i += 1000) await tx.insert(dutyfreeYellowList).values(inserts.slice(i, i + 1000));
  return counts;
}
