/**
 * What a buyer's conduct does elsewhere, driven by the duty-free events through the outbox (at least
 * once; every effect is idempotent by its source, so a redelivery changes nothing):
 * - a ban, a missed departure → a personal credit record (dutyfree.ban, dutyfree.missedDeparture);
 *   a lifted ban withdraws the ban's record from the day it was lifted;
 * - a sale confirmed to a person whose level asks for it (D: every sale) → a sale review for officers;
 * - a confirmed resale case → the individual's second-line credit input (a smuggling penalty event,
 *   FOCUS for the individual focus period), for people registered in subjects or registrable from
 *   their resident ID.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { AppContext } from '../../../../platform/context.ts';
import { queryRows } from '../../../../platform/db/client.ts';
import { anyOf } from '../../../../platform/db/rows.ts';
import { runCommand } from '../../../../platform/command.ts';
import { decrypt } from '../../../../platform/crypto.ts';
import { systemActor } from '../../../../platform/auth/roles.ts';
import type { OutboxEvent } from '../../../../platform/outbox/service.ts';
import { readPayload } from '../../../../platform/outbox/contract.ts';
import { shanghaiDate } from '../../../../kernel/clock.ts';
import { Problem } from '../../../../kernel/problem.ts';
import { addDays } from '../../../../kernel/dates.ts';
import { levelsOf, recordBehaviour, withdrawBySource } from '../../../personalcredit/service.ts';
import { createIndividual, findIndividualByIdNumber } from '../../../subjects/service.ts';
import { recordInput } from '../../../credit/service.ts';
import { saleVerdicts } from '../../../risk/service.ts';
import { DUTYFREE_EVENTS } from '../../events.ts';
import { RING_EVENTS } from '../events.ts';
import { dutyfreeBuyers } from '../../schema.ts';
import { dutyfreeSaleReviews } from '../schema.ts';

const ACTOR = 'system:dutyfree-conduct';
export const CONDUCT_EVENTS = ['DutyFreeBuyerBanned', 'DutyFreeDepartureMissed', 'DutyFreeBanLifted'] as const;

// The payloads are read with their publishers' schemas, picked to the fields used here.
const BANNED = DUTYFREE_EVENTS.DutyFreeBuyerBanned.pick({
  buyerId: true,
  idType: true,
  idNumberHash: true,
  banId: true,
  reason: true,
  validFrom: true,
  validTo: true,
});
const MISSED = DUTYFREE_EVENTS.DutyFreeDepartureMissed.pick({
  buyerId: true,
  factId: true,
  reservationId: true,
  deadline: true,
  purchaseDate: true,
});
const LIFTED = DUTYFREE_EVENTS.DutyFreeBanLifted.pick({ buyerId: true, banId: true, liftReason: true });

async function buyerPersons(ctx: AppContext, ids: readonly string[]) {
  if (ids.length === 0) return new Map<string, { idType: string; hash: string }>();
  const rows = await queryRows<{ id: string; id_type: string; id_number_hash: string }>(
    ctx.db,
    sql`select id, id_type, id_number_hash from ${dutyfreeBuyers} where id ${anyOf(ids, 'uuid')}`,
  );
  return new Map(rows.map((r) => [r.id, { idType: r.id_type, hash: r.id_number_hash }]));
}

/** Personal credit records for a round of conduct events, in one transaction. */
export async function handleConductEvents(ctx: AppContext, events: readonly OutboxEvent[]): Promise<void> {
  const missed = events
    .filter((e) => e.eventType === 'DutyFreeDepartureMissed')
    .map((e) => readPayload(MISSED, 'DutyFreeDepartureMissed', e));
  const persons = await buyerPersons(ctx, [...new Set(missed.map((m) => m.buyerId))]);
  await runCommand(ctx, 'personalCredit.fromDutyfree', async (tx) => {
    const today = shanghaiDate(ctx.clock.now());
    for (const e of events) {
      if (e.eventType === 'DutyFreeBuyerBanned') {
        const b = readPayload(BANNED, e.eventType, e);
        const reason = `离岛免税禁购 ${b.validFrom} – ${b.validTo} (${b.reason}) duty-free ban`;
        const base = {
          personHash: b.idNumberHash,
          idType: b.idType,
          code: 'dutyfree.ban',
          reason,
          source: 'dutyfree',
          actor: ACTOR,
        };
        await recordBehaviour(tx, ctx, {
          ...base,
          occurredOn: b.validFrom <= today ? b.validFrom : today,
          sourceRef: `ban:${b.banId}`,
        });
      } else if (e.eventType === 'DutyFreeDepartureMissed') {
        const m = readPayload(MISSED, e.eventType, e);
        const p = persons.get(m.buyerId);
        if (!p) continue;
        const occurredOn = addDays(m.deadline, 1) <= today ? addDays(m.deadline, 1) : today;
        const reason = `${m.purchaseDate} 购买后未在 ${m.deadline} 前离岛 did not leave by the deadline`;
        await recordBehaviour(tx, ctx, {
          personHash: p.hash,
          idType: p.idType,
          code: 'dutyfree.missedDeparture',
          occurredOn,
          reason,
          source: 'dutyfree',
          sourceRef: `fact:${m.factId}`,
          actor: ACTOR,
        });
      } else if (e.eventType === 'DutyFreeBanLifted') {
        const l = readPayload(LIFTED, e.eventType, e);
        await withdrawBySource(tx, ctx, `ban:${l.banId}`, today, `禁购已解除 ban lifted: ${l.liftReason}`, ACTOR);
      }
    }
  });
}

const CONFIRMED = DUTYFREE_EVENTS.DutyFreeConfirmed.pick({
  reservationId: true,
  buyerId: true,
  shop: true,
  purchaseDate: true,
});
type Confirmed = z.output<typeof CONFIRMED>;

/**
 * Opens a review of every confirmed sale whose buyer's personal credit level on the purchase date
 * asks for one: a level that fell later (a case confirmed after the sale) does not reach back.
 */
export async function handleConfirmedSales(ctx: AppContext, events: readonly OutboxEvent[]): Promise<void> {
  const sales = events
    .filter((e) => e.eventType === 'DutyFreeConfirmed')
    .map((e) => readPayload(CONFIRMED, 'DutyFreeConfirmed', e));
  if (sales.length === 0) return;
  const persons = await buyerPersons(ctx, [...new Set(sales.map((s) => s.buyerId))]);
  const hashOf = (s: Confirmed) => persons.get(s.buyerId)?.hash ?? '';
  const reviews: (Confirmed & { level: string; score: number; reason: string })[] = [];
  const verdicts = await saleVerdicts(
    ctx.db,
    sales.map((s) => s.reservationId),
  );
  for (const date of new Set(sales.map((s) => s.purchaseDate))) {
    const onDate = sales.filter((s) => s.purchaseDate === date);
    const levels = await levelsOf(ctx.db, [...new Set(onDate.map(hashOf))], date);
    for (const s of onDate) {
      const level = levels.get(hashOf(s));
      const risk = verdicts.get(s.reservationId);
      // A risk feature's YELLOW sends the sale to review as the buyer's credit level D does.
      const reason =
        risk?.verdict === 'REVIEW' ? (risk.rule ?? 'risk.score') : level?.reviewEverySale ? 'CREDIT_LEVEL' : null;
      if (reason && level) reviews.push({ ...s, level: level.level, score: level.score, reason });
    }
  }
  if (reviews.length === 0) return;
  const now = ctx.clock.now().toISOString();
  await runCommand(ctx, 'dutyfree.saleReviewOpened', async (tx) => {
    for (const r of reviews) {
      await tx.execute(sql`insert into ${dutyfreeSaleReviews}
          (reservation_id, buyer_id, shop_code, level, score, reason, status, opened_at)
        values (${r.reservationId}, ${r.buyerId}, ${r.shop}, ${r.level}, ${r.score}, ${r.reason}, 'OPEN', ${now})
        on conflict do nothing`);
    }
  });
}

/** A UUIDv7-shaped id fixed by its inputs: the same case and buyer always give the same credit input id. */
export function stableUuidv7(ms: number, key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  const time = ms.toString(16).padStart(12, '0').slice(-12);
  const variant = ((parseInt(h[3]!, 16) & 0x3) | 0x8).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${h.slice(0, 3)}-${variant}${h.slice(4, 7)}-${h.slice(7, 19)}`;
}

const CASE_CONFIRMED = RING_EVENTS.DutyFreeResaleCaseConfirmed.pick({
  caseId: true,
  buyerId: true,
  idType: true,
  confirmedOn: true,
});

/** The individual's second-line credit input for a confirmed resale case (走私行为, FOCUS). */
export async function handleCaseConfirmed(ctx: AppContext, event: OutboxEvent): Promise<void> {
  if (event.eventType !== 'DutyFreeResaleCaseConfirmed') return;
  const c = readPayload(CASE_CONFIRMED, event.eventType, event);
  const [b] = await queryRows<{ id_type: string; id_number_encrypted: string; name_encrypted: string }>(
    ctx.db,
    sql`select id_type, id_number_encrypted, name_encrypted from ${dutyfreeBuyers} where id = ${c.buyerId}`,
  );
  if (!b) return;
  const actor = systemActor('dutyfree-cases');
  const idNumber = decrypt(ctx.keys.personalData, b.id_number_encrypted);
  let individualId: string | null = null;
  try {
    individualId = (await findIndividualByIdNumber(ctx, actor, b.id_type, idNumber)).id;
  } catch (err) {
    if (!(err instanceof Problem && err.status === 404)) throw err;
  }
  if (!individualId && b.id_type === 'RESIDENT_ID') {
    const name = decrypt(ctx.keys.personalData, b.name_encrypted);
    individualId = (await createIndividual(ctx, actor, { idType: 'RESIDENT_ID', idNumber, name, nationality: 'CHN' }))
      .id;
  }
  if (!individualId) {
    ctx.log.warn(
      { caseId: c.caseId, buyerId: c.buyerId, idType: b.id_type },
      'resale case: the buyer is not a registered individual; no second-line credit input',
    );
    return;
  }
  await recordInput(ctx, actor, {
    inputId: stableUuidv7(event.occurredAt.getTime(), `${c.caseId}:${c.buyerId}`),
    subjectKind: 'INDIVIDUAL',
    subject: individualId,
    source: 'customs',
    effectiveDate: c.confirmedOn,
    reference: `套代购案件 ${c.caseId}`,
    input: { type: 'EVENT', kind: 'SMUGGLING_PENALTY' },
  });
}

/** Subscribes the three consumers; each keeps its own cursor. */
export function subscribeConduct(ctx: AppContext): void {
  ctx.dispatcher.subscribeBatch('dutyfree-conduct', (events) => handleConductEvents(ctx, events), {
    eventTypes: CONDUCT_EVENTS,
  });
  ctx.dispatcher.subscribeBatch('dutyfree-sale-reviews', (events) => handleConfirmedSales(ctx, events), {
    eventTypes: ['DutyFreeConfirmed'],
  });
  ctx.dispatcher.subscribe('dutyfree-credit-input', (event) => handleCaseConfirmed(ctx, event), {
    eventTypes: ['DutyFreeResaleCaseConfirmed'],
  });
}
