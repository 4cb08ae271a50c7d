/**
 * Cases (案件) with four eyes: an officer proposes to confirm yellow-listed buyers as part of a
 * resale ring, or to clear them; another officer approves or rejects. Approving a confirmation
 * bans each buyer (dutyfree.banYears, reason RESALE), deducts their personal credit score
 * (dutyfree.resaleCase) and publishes DutyFreeResaleCaseConfirmed, from which the individual's
 * second-line credit input follows (conduct.ts). Each step is one command with its audit entry.
 */
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../../platform/context.ts';
import { queryRows, type Tx } from '../../../../platform/db/client.ts';
import { anyOf } from '../../../../platform/db/rows.ts';
import { runCommand } from '../../../../platform/command.ts';
import { appendAudit } from '../../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../../platform/outbox/service.ts';
import { typedEvent } from '../../../../platform/outbox/contract.ts';
import { getParameter } from '../../../../platform/parameters/service.ts';
import { actorLabel, type Actor } from '../../../../platform/auth/roles.ts';
import { shanghaiDate } from '../../../../kernel/clock.ts';
import { uuidv7Ordered } from '../../../../kernel/ids.ts';
import { problems } from '../../../../kernel/problem.ts';
import { addYears } from '../../../../kernel/dates.ts';
import { recordBehaviour } from '../../../personalcredit/service.ts';
import { ban, DUTYFREE_AGGREGATE } from '../../service.ts';
import { RING_EVENTS, type RingEvent } from '../events.ts';
import { dutyfreeRingCases, dutyfreeYellowList } from '../schema.ts';
import { dutyfreeBans, dutyfreeBuyers } from '../../schema.ts';

export const CASE_RULES = {
  fourEyes: 'dutyfree.case.fourEyes',
  entryNotOpen: 'dutyfree.case.entryNotOpen',
  notProposed: 'dutyfree.case.notProposed',
} as const;

export interface ProposeBody {
  proposal: 'CONFIRM' | 'CLEAR';
  entryIds: string[];
  ringId?: string;
  note: string;
}

interface EntryRow {
  id: string;
  buyer_id: string;
  status: string;
}

const caseKey = (id: string) => `dutyfree-case:${id}`;

export async function proposeCase(ctx: AppContext, actor: Actor, body: ProposeBody) {
  return runCommand(ctx, 'dutyfree.caseProposed', async (tx) => {
    const now = ctx.clock.now();
    const ids = [...new Set(body.entryIds)].sort();
    const rows = await queryRows<EntryRow>(
      tx,
      sql`select id, buyer_id, status from ${dutyfreeYellowList} where id ${anyOf(ids, 'uuid')} order by id for update`,
    );
    const found = new Map(rows.map((r) => [r.id, r]));
    const errors = body.entryIds.flatMap((id, i) => {
      const e = found.get(id);
      if (!e)
        return [{ path: `entryIds[${i}]`, rule: CASE_RULES.entryNotOpen, message: `No yellow-list entry ${id}.` }];
      if (e.status !== 'OPEN')
        return [
          { path: `entryIds[${i}]`, rule: CASE_RULES.entryNotOpen, message: `Entry ${id} is ${e.status}, not OPEN.` },
        ];
      return [];
    });
    if (errors.length)
      throw problems.rule(
        'case-entries',
        'Entries not open',
        'Only OPEN yellow-list entries can be put in a case.',
        errors,
      );
    // Ordered: cases proposed in one millisecond still list in the order they came.
    const id = uuidv7Ordered(now.getTime());
    const buyerIds = [...new Set(rows.map((r) => r.buyer_id))].sort();
    const by = actorLabel(actor);
    await tx.execute(sql`insert into ${dutyfreeRingCases}
        (id, proposal, ring_id, buyer_ids, entry_ids, note, status, proposed_by, proposed_at)
      values (${id}, ${body.proposal}, ${body.ringId ?? null}, ${JSON.stringify(buyerIds)}::jsonb,
              ${JSON.stringify(ids)}::jsonb, ${body.note},
              'PROPOSED', ${by}, ${now.toISOString()})`);
    await tx.execute(
      sql`update ${dutyfreeYellowList} set status = 'PROPOSED', case_id = ${id}, updated_at = ${now.toISOString()}
          where id ${anyOf(ids, 'uuid')}`,
    );
    const change = {
      id,
      proposal: body.proposal,
      ringId: body.ringId ?? null,
      buyerIds,
      entryIds: ids,
      note: body.note,
    };
    await appendAudit(tx, { actor: by, action: 'dutyfree.caseProposed', subject: caseKey(id), change, at: now });
    return { caseId: id, status: 'PROPOSED' as const, proposal: body.proposal, buyerIds, entryIds: ids };
  });
}

interface CaseRow {
  id: string;
  proposal: 'CONFIRM' | 'CLEAR';
  status: string;
  proposed_by: string;
  buyer_ids: string[] | string;
  entry_ids: string[] | string;
}

const list = (v: string[] | string): string[] => (typeof v === 'string' ? (JSON.parse(v) as string[]) : v);

export interface Effect {
  buyerId: string;
  banId: string | null;
  banFrom: string | null;
  banTo: string | null;
  creditRecordId: string;
}

/** Bans, score deduction and the event for the second-line credit input: one buyer of an approved case. */
async function confirmBuyer(
  tx: Tx,
  ctx: AppContext,
  caseId: string,
  buyerId: string,
  by: string,
  now: Date,
): Promise<Effect> {
  const today = shanghaiDate(now);
  const [buyer] = await queryRows<{ id_type: string; id_number_hash: string }>(
    tx,
    sql`select id_type, id_number_hash from ${dutyfreeBuyers} where id = ${buyerId} for update`,
  );
  if (!buyer) throw problems.notFound(`Duty-free buyer ${buyerId}`);
  const inForce = await queryRows(
    tx,
    sql`select 1 from ${dutyfreeBans}
        where buyer_id = ${buyerId} and lifted_at is null and valid_from <= ${today} and valid_to > ${today}`,
  );
  let banned: Pick<Effect, 'banId' | 'banFrom' | 'banTo'> = { banId: null, banFrom: null, banTo: null };
  if (inForce.length === 0) {
    const years = await getParameter<number>(tx, 'dutyfree.banYears', today);
    const banTo = addYears(today, Number(years.value));
    const { banId } = await ban(tx, {
      buyerId,
      reason: 'RESALE',
      validFrom: today,
      validTo: banTo,
      actor: by,
      now,
      basis: { caseId, parameterVersion: years.version },
    });
    banned = { banId, banFrom: today, banTo };
  }
  const { record } = await recordBehaviour(tx, ctx, {
    personHash: buyer.id_number_hash,
    idType: buyer.id_type,
    code: 'dutyfree.resaleCase',
    occurredOn: today,
    reason: `套代购案件 ${caseId} resale case confirmed`,
    sourceRef: `case:${caseId}:${buyerId}`,
    source: 'dutyfree',
    actor: by,
  });
  const payload: RingEvent<'DutyFreeResaleCaseConfirmed'> = {
    caseId,
    buyerId,
    idType: buyer.id_type,
    idNumberHash: buyer.id_number_hash,
    confirmedOn: today,
  };
  await enqueueEvents(tx, [
    typedEvent(RING_EVENTS, 'DutyFreeResaleCaseConfirmed', {
      aggregateType: DUTYFREE_AGGREGATE,
      aggregateId: buyerId,
      payload,
      occurredAt: now,
    }),
  ]);
  return { buyerId, ...banned, creditRecordId: record.id };
}

export async function decideCase(
  ctx: AppContext,
  actor: Actor,
  caseId: string,
  body: { decision: 'APPROVE' | 'REJECT'; note: string },
) {
  return runCommand(ctx, 'dutyfree.caseDecided', async (tx) => {
    const now = ctx.clock.now();
    const by = actorLabel(actor);
    const [c] = await queryRows<CaseRow>(
      tx,
      sql`select id, proposal, status, proposed_by, buyer_ids, entry_ids from ${dutyfreeRingCases}
          where id = ${caseId} for update`,
    );
    if (!c) throw problems.notFound(`Case ${caseId}`);
    if (c.status !== 'PROPOSED') throw problems.conflict(`Case ${caseId} was already ${c.status.toLowerCase()}.`);
    if (c.proposed_by === by) {
      throw problems.rule(
        'four-eyes',
        'A second officer decides',
        'The officer who proposed a case cannot decide it: another officer approves or rejects (four eyes).',
        [{ path: 'decision', rule: CASE_RULES.fourEyes, message: 'Proposed by you; another officer decides.' }],
      );
    }
    const entries = list(c.entry_ids);
    const status: 'APPROVED' | 'REJECTED' = body.decision === 'APPROVE' ? 'APPROVED' : 'REJECTED';
    const at = now.toISOString();
    const effects: Effect[] = [];
    if (body.decision === 'REJECT') {
      await tx.execute(
        sql`update ${dutyfreeYellowList} set status = 'OPEN', case_id = null, updated_at = ${at}
            where id ${anyOf(entries, 'uuid')}`,
      );
    } else {
      const closed = c.proposal === 'CONFIRM' ? 'CONFIRMED' : 'CLEARED';
      await tx.execute(
        sql`update ${dutyfreeYellowList} set status = ${closed}, closed_at = ${at}, updated_at = ${at}
            where id ${anyOf(entries, 'uuid')}`,
      );
      if (c.proposal === 'CONFIRM') {
        for (const buyerId of list(c.buyer_ids).sort())
          effects.push(await confirmBuyer(tx, ctx, caseId, buyerId, by, now));
      }
    }
    await tx.execute(sql`update ${dutyfreeRingCases}
      set status = ${status}, decided_by = ${by}, decided_at = ${at}, decision_note = ${body.note},
      effects = ${JSON.stringify(effects)}::jsonb where id = ${caseId}`);
    await appendAudit(tx, {
      actor: by,
      action: 'dutyfree.caseDecided',
      subject: caseKey(caseId),
      change: { id: caseId, decision: body.decision, note: body.note, effects },
      at: now,
    });
    return { caseId, status, proposal: c.proposal, effects };
  });
}
