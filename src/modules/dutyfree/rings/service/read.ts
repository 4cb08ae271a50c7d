/**
 * What officers read: the yellow-list queue, a ring as a graph with its shared links, the cases,
 * the runs, a buyer's profile (trips, rings, entries, personal credit) and today's sales by shop and
 * category. Buyers are masked unless the officer's role needs personal data; shared identifiers are
 * always shown masked (a phone as 138****5678), which is enough to see that they are the same.
 */
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../../platform/context.ts';
import { queryRows, together, type Executor } from '../../../../platform/db/client.ts';
import { anyOf } from '../../../../platform/db/rows.ts';
import { decrypt } from '../../../../platform/crypto.ts';
import { seesPersonalData, type Actor } from '../../../../platform/auth/roles.ts';
import { shanghaiDate } from '../../../../kernel/clock.ts';
import { getParameter } from '../../../../platform/parameters/service.ts';
import { problems } from '../../../../kernel/problem.ts';
import { maskIdNumber, maskName } from '../../../subjects/rules.ts';
import { scoreOfPerson } from '../../../personalcredit/service.ts';
import { identifierHash } from '../graph.ts';
import type { LinkKind, MemberFacts, ScorePart } from '../rules.ts';
import type { Effect } from './cases.ts';
import { recentSales } from '../../service/read.ts';
import {
  dutyfreeBans,
  dutyfreeBuyers,
  dutyfreeDepartures,
  dutyfreeReservationItems,
  dutyfreeReservations,
  dutyfreeRiskRefusals,
  dutyfreeShops,
  dutyfreeTrips,
} from '../../schema.ts';
import {
  dutyfreeRingCases,
  dutyfreeRingMembers,
  dutyfreeRingRuns,
  dutyfreeRings,
  dutyfreeSaleReviews,
  dutyfreeYellowList,
} from '../schema.ts';

type YellowStatus = 'OPEN' | 'PROPOSED' | 'CLEARED' | 'CONFIRMED';

interface BuyerRow {
  id: string;
  id_type: string;
  id_number_masked: string;
  name_masked: string;
  id_number_encrypted: string;
  name_encrypted: string;
  id_number_hash: string;
}

export interface BuyerLabel {
  buyerId: string;
  idType: string;
  idNumber: string;
  name: string;
  masked: boolean;
}

async function buyersById(
  ctx: AppContext,
  actor: Actor,
  ids: readonly string[],
): Promise<Map<string, BuyerLabel & { hash: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<BuyerRow>(
    ctx.db,
    sql`select id, id_type, id_number_masked, name_masked, id_number_encrypted, name_encrypted, id_number_hash
        from ${dutyfreeBuyers} where id ${anyOf(ids, 'uuid')}`,
  );
  const full = seesPersonalData(actor);
  return new Map(
    rows.map((b) => [
      b.id,
      {
        buyerId: b.id,
        idType: b.id_type,
        idNumber: full ? decrypt(ctx.keys.personalData, b.id_number_encrypted) : b.id_number_masked,
        name: full ? decrypt(ctx.keys.personalData, b.name_encrypted) : b.name_masked,
        masked: !full,
        hash: b.id_number_hash,
      },
    ]),
  );
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

export async function listYellow(ctx: AppContext, actor: Actor, q: { status: string; page: number; pageSize: number }) {
  const offset = (q.page - 1) * q.pageSize;
  const [rows, counted] = await together([
    queryRows<{
      id: string;
      buyer_id: string;
      ring_id: string | null;
      ring_score: number | null;
      score: number;
      parts: unknown;
      status: string;
      opened_at: Date | string;
      updated_at: Date | string;
      case_id: string | null;
      ring_size: number | null;
    }>(
      ctx.db,
      sql`select y.id, y.buyer_id, y.ring_id, y.ring_score, y.score, y.parts, y.status, y.opened_at, y.updated_at,
                 y.case_id, r.size as ring_size
          from ${dutyfreeYellowList} y left join ${dutyfreeRings} r on r.id = y.ring_id
          where y.status = ${q.status}
          order by greatest(y.score, coalesce(y.ring_score, 0)) desc, y.opened_at, y.id
          limit ${q.pageSize} offset ${offset}`,
    ),
    queryRows<{ n: number | string }>(
      ctx.db,
      sql`select count(*)::int as n from ${dutyfreeYellowList} where status = ${q.status}`,
    ),
  ] as const);
  const buyers = await buyersById(
    ctx,
    actor,
    rows.map((r) => r.buyer_id),
  );
  return {
    total: Number(counted[0]?.n ?? 0),
    items: rows.map((r) => {
      const { hash: _hash, ...buyer } = buyers.get(r.buyer_id)!;
      return {
        entryId: r.id,
        buyer,
        score: r.score,
        parts: json<ScorePart[]>(r.parts as string),
        ringId: r.ring_id,
        ringScore: r.ring_score,
        ringSize: r.ring_size,
        status: r.status as YellowStatus,
        caseId: r.case_id,
        openedAt: new Date(r.opened_at).toISOString(),
        updatedAt: new Date(r.updated_at).toISOString(),
      };
    }),
  };
}

const LINK_COLUMN: Record<LinkKind, string> = {
  PAYER: 'payer_hash',
  ACCOUNT: 'account_hash',
  PHONE: 'phone_hash',
  ADDRESS: 'address_hash',
  DEVICE: 'device_hash',
};

interface Personal {
  payer?: { idType: string; idNumber: string; name: string };
  phone?: string;
  paymentAccount?: string;
  deviceId?: string;
  mail?: { phone: string; address: { province: string; city: string; line: string } };
}

const maskPhone = (p: string) => (p.length > 7 ? `${p.slice(0, 3)}****${p.slice(-4)}` : '****');
const maskTail = (s: string) => (s.length > 4 ? `****${s.slice(-4)}` : '****');

/** What an officer may see of a shared identifier: its masked form, from one sale that carries it. */
function maskedLabel(kind: LinkKind, p: Personal | null, buyer: BuyerLabel | undefined): string | null {
  switch (kind) {
    case 'PHONE':
      return p?.phone ? maskPhone(p.phone.replace(/\D/g, '')) : null;
    case 'ACCOUNT':
      return p?.paymentAccount ? maskTail(p.paymentAccount) : null;
    case 'DEVICE':
      return p?.deviceId ? `${p.deviceId.slice(0, 4)}…` : null;
    case 'ADDRESS':
      return p?.mail ? `${p.mail.address.city} ${maskName(p.mail.address.line)}` : null;
    case 'PAYER':
      if (p?.payer) return `${maskName(p.payer.name)} ${maskIdNumber(p.payer.idNumber)}`;
      return buyer ? `${buyer.name}` : null;
  }
}

/** The masked form of each link of a ring, found among its members' sales (matched by hash). */
async function linkLabels(
  ctx: AppContext,
  links: { kind: LinkKind; hash: string; buyers: string[] }[],
  buyers: Map<string, BuyerLabel>,
) {
  const members = [...new Set(links.flatMap((l) => l.buyers))];
  if (members.length === 0) return new Map<string, string>();
  const rows = await queryRows<Record<string, string | null> & { buyer_id: string; personal_encrypted: string | null }>(
    ctx.db,
    sql`select buyer_id, payer_hash, account_hash, phone_hash, address_hash, device_hash, personal_encrypted
        from ${dutyfreeReservations} where buyer_id ${anyOf(members, 'uuid')} and status = 'CONFIRMED'
        order by created_at desc limit 2000`,
  );
  const labels = new Map<string, string>();
  for (const l of links) {
    const column = LINK_COLUMN[l.kind];
    const sale = rows.find((r) => r[column] && identifierHash(l.kind, r[column]!) === l.hash);
    if (!sale) continue;
    const personal = sale.personal_encrypted
      ? (JSON.parse(decrypt(ctx.keys.personalData, sale.personal_encrypted)) as Personal)
      : null;
    const label = maskedLabel(l.kind, personal, buyers.get(sale.buyer_id));
    if (label) labels.set(`${l.kind}:${l.hash}`, label);
  }
  return labels;
}

export async function getRing(ctx: AppContext, actor: Actor, ringId: string) {
  const [ring] = await queryRows<{
    id: string;
    run_id: string;
    score: number;
    behaviour: number;
    structure: number;
    size: number;
    parts: unknown;
    links: unknown;
    created_at: Date | string;
    window_from: string;
    window_to: string;
  }>(
    ctx.db,
    sql`select r.id, r.run_id, r.score, r.behaviour, r.structure, r.size, r.parts, r.links, r.created_at,
               u.window_from::text as window_from, u.window_to::text as window_to
        from ${dutyfreeRings} r join ${dutyfreeRingRuns} u on u.id = r.run_id where r.id = ${ringId}`,
  );
  if (!ring) throw problems.notFound(`Ring ${ringId}`);
  const members = await queryRows<{
    buyer_id: string;
    score: number;
    parts: unknown;
    facts: unknown;
    entry_id: string | null;
    entry_status: string | null;
  }>(
    ctx.db,
    sql`select m.buyer_id, m.score, m.parts, m.facts, y.id as entry_id, y.status as entry_status
        from ${dutyfreeRingMembers} m
        left join lateral (select id, status from ${dutyfreeYellowList}
                           where buyer_id = m.buyer_id order by opened_at desc limit 1) y on true
        where m.ring_id = ${ringId} order by m.score desc, m.buyer_id`,
  );
  const buyers = await buyersById(
    ctx,
    actor,
    members.map((m) => m.buyer_id),
  );
  const links = json<{ kind: LinkKind; hash: string; buyers: string[] }[]>(ring.links as string);
  const labels = await linkLabels(ctx, links, buyers);
  return {
    ringId: ring.id,
    runId: ring.run_id,
    window: { from: ring.window_from, to: ring.window_to },
    score: ring.score,
    behaviour: ring.behaviour,
    structure: ring.structure,
    size: ring.size,
    parts: json<ScorePart[]>(ring.parts as string),
    detectedAt: new Date(ring.created_at).toISOString(),
    members: members.map((m) => {
      const { hash: _hash, ...buyer } = buyers.get(m.buyer_id)!;
      const parts = json<ScorePart[]>(m.parts as string);
      return {
        buyer,
        score: m.score,
        parts,
        facts: json<MemberFacts>(m.facts as string),
        entryId: m.entry_id,
        entryStatus: m.entry_status,
      };
    }),
    links: links.map((l) => ({
      kind: l.kind,
      id: l.hash.slice(-6),
      label: labels.get(`${l.kind}:${l.hash}`) ?? null,
      buyers: l.buyers,
    })),
  };
}

export async function listCases(ctx: AppContext, q: { status?: string }) {
  const rows = await queryRows<{
    id: string;
    proposal: string;
    ring_id: string | null;
    buyer_ids: unknown;
    entry_ids: unknown;
    note: string;
    status: string;
    proposed_by: string;
    proposed_at: Date | string;
    decided_by: string | null;
    decided_at: Date | string | null;
    decision_note: string | null;
    effects: unknown;
  }>(
    ctx.db,
    sql`select id, proposal, ring_id, buyer_ids, entry_ids, note, status, proposed_by, proposed_at,
               decided_by, decided_at, decision_note, effects
        from ${dutyfreeRingCases} where (${q.status ?? null}::text is null or status = ${q.status ?? null})
        order by proposed_at desc, id desc limit 200`,
  );
  return rows.map((c) => ({
    caseId: c.id,
    proposal: c.proposal as 'CONFIRM' | 'CLEAR',
    ringId: c.ring_id,
    buyerIds: json<string[]>(c.buyer_ids as string),
    entryIds: json<string[]>(c.entry_ids as string),
    note: c.note,
    status: c.status as 'PROPOSED' | 'APPROVED' | 'REJECTED',
    proposedBy: c.proposed_by,
    proposedAt: new Date(c.proposed_at).toISOString(),
    decidedBy: c.decided_by,
    decidedAt: c.decided_at ? new Date(c.decided_at).toISOString() : null,
    decisionNote: c.decision_note,
    effects: c.effects === null ? null : json<Effect[]>(c.effects as string),
  }));
}

export async function listRuns(ctx: AppContext) {
  const rows = await queryRows<{
    id: string;
    window_from: string;
    window_to: string;
    parameter_version: number;
    stats: unknown;
    rings: number;
    yellow: number;
    run_by: string;
    started_at: Date | string;
    finished_at: Date | string;
  }>(
    ctx.db,
    sql`select id, window_from::text as window_from, window_to::text as window_to, parameter_version, stats,
               rings, yellow, run_by, started_at, finished_at
        from ${dutyfreeRingRuns} order by started_at desc limit 50`,
  );
  return rows.map((r) => ({
    runId: r.id,
    window: { from: r.window_from, to: r.window_to },
    parameterVersion: r.parameter_version,
    stats: json<Record<string, number>>(r.stats as string),
    rings: r.rings,
    yellow: r.yellow,
    runBy: r.run_by,
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: new Date(r.finished_at).toISOString(),
  }));
}

/** A buyer for officers: trips with their departures, rings, yellow-list entries and personal credit. */
export async function buyerProfile(ctx: AppContext, actor: Actor, buyerId: string) {
  const buyers = await buyersById(ctx, actor, [buyerId]);
  const b = buyers.get(buyerId);
  if (!b) throw problems.notFound(`Duty-free buyer ${buyerId}`);
  const [sales, bans] = await together([
    recentSales(ctx.db, buyerId, 'kept'),
    queryRows<{ id: string; reason: string; valid_from: string; valid_to: string; lifted_at: Date | string | null }>(
      ctx.db,
      sql`select id, reason, valid_from::text as valid_from, valid_to::text as valid_to, lifted_at
          from ${dutyfreeBans} where buyer_id = ${buyerId} order by valid_from desc`,
    ),
  ] as const);
  const [trips, rings, entries] = await together([
    queryRows<{
      id: string;
      mode: string;
      number: string;
      departure_date: string;
      destination: string;
      sales: number;
      amount: string | null;
      departed: string | null;
    }>(
      ctx.db,
      sql`select t.id, t.mode, t.number, t.departure_date::text as departure_date, t.destination,
                 (select count(*)::int from ${dutyfreeReservations} r
                  where r.trip_id = t.id and r.status = 'CONFIRMED') as sales,
                 (select sum(r.amount - r.returned_amount)::text from ${dutyfreeReservations} r
                  where r.trip_id = t.id and r.status = 'CONFIRMED') as amount,
                 (select d.source from ${dutyfreeDepartures} d
                  where d.buyer_id = t.buyer_id and d.mode = t.mode and d.number = t.number
                    and d.departure_date = t.departure_date limit 1) as departed
          from ${dutyfreeTrips} t where t.buyer_id = ${buyerId} order by t.departure_date desc limit 100`,
    ),
    queryRows<{ ring_id: string; score: number; ring_score: number; size: number; created_at: Date | string }>(
      ctx.db,
      sql`select m.ring_id, m.score, r.score as ring_score, r.size, r.created_at
          from ${dutyfreeRingMembers} m join ${dutyfreeRings} r on r.id = m.ring_id
          where m.buyer_id = ${buyerId} order by r.created_at desc limit 20`,
    ),
    queryRows<{
      id: string;
      status: string;
      score: number;
      ring_score: number | null;
      opened_at: Date | string;
      case_id: string | null;
    }>(
      ctx.db,
      sql`select id, status, score, ring_score, opened_at, case_id from ${dutyfreeYellowList}
          where buyer_id = ${buyerId} order by opened_at desc`,
    ),
  ] as const);
  const [credit, refused] = await together([
    scoreOfPerson(ctx.db, b.hash, shanghaiDate(ctx.clock.now())),
    riskRefusals(ctx.db, { personHash: b.hash }),
  ] as const);
  const { hash: _hash, ...buyer } = b;
  return {
    buyer,
    trips: trips.map((t) => ({
      tripId: t.id,
      mode: t.mode,
      number: t.number,
      departureDate: t.departure_date,
      destination: t.destination,
      sales: Number(t.sales),
      amount: t.amount ?? '0.00',
      departure: t.departed,
    })),
    rings: rings.map((r) => ({
      ringId: r.ring_id,
      memberScore: r.score,
      ringScore: r.ring_score,
      size: r.size,
      detectedAt: new Date(r.created_at).toISOString(),
    })),
    entries: entries.map((e) => ({
      entryId: e.id,
      status: e.status,
      score: e.score,
      ringScore: e.ring_score,
      openedAt: new Date(e.opened_at).toISOString(),
      caseId: e.case_id,
    })),
    sales,
    bans: bans.map((b) => ({
      banId: b.id,
      reason: b.reason,
      validFrom: b.valid_from,
      validTo: b.valid_to,
      liftedAt: b.lifted_at ? new Date(b.lifted_at).toISOString() : null,
    })),
    riskRefusals: refused,
    credit,
  };
}

/**
 * Sales the risk engine refused at the till (newest first, at most 200): of one person, or of a day
 * (Asia/Shanghai) and optionally one shop.
 */
export async function riskRefusals(ex: Executor, by: { personHash: string } | { date: string; shop?: string }) {
  const where =
    'personHash' in by
      ? sql`person_hash = ${by.personHash}`
      : by.shop
        ? sql`business_date = ${by.date} and shop_code = ${by.shop}`
        : sql`business_date = ${by.date}`;
  const rows = await queryRows<{
    id: string;
    shop_code: string;
    id_type: string;
    id_number_masked: string;
    name_masked: string;
    business_date: string;
    amount: string;
    rule: string;
    level: string;
    score: string;
    facts: Record<string, unknown>;
    fired: unknown[];
    feature_set_version: number;
    created_at: Date | string;
  }>(
    ex,
    sql`select id, shop_code, id_type, id_number_masked, name_masked, business_date::text as business_date,
          amount::text as amount, rule, level, score::text as score, facts, fired, feature_set_version, created_at
        from ${dutyfreeRiskRefusals} where ${where} order by created_at desc, id limit 200`,
  );
  return rows.map((r) => ({
    refusalId: r.id,
    shop: r.shop_code,
    buyer: { idType: r.id_type, idNumber: r.id_number_masked, name: r.name_masked },
    businessDate: r.business_date,
    amount: r.amount,
    rule: r.rule,
    level: r.level,
    score: Number(r.score),
    facts: r.facts,
    fired: r.fired,
    featureSetVersion: Number(r.feature_set_version),
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** Confirmed sales of a day (Asia/Shanghai) by shop and category: sales, units and amount kept. */
export async function salesOfDay(ctx: AppContext, date?: string) {
  const day = date ?? shanghaiDate(ctx.clock.now());
  const rows = await queryRows<{
    shop_code: string;
    name_zh: string;
    name_en: string;
    category: string;
    sales: number;
    units: number;
    amount: string;
  }>(
    ctx.db,
    sql`select r.shop_code, s.name_zh, s.name_en, i.category, count(distinct r.id)::int as sales,
               sum(i.quantity - i.returned_quantity)::int as units,
               sum((i.quantity - i.returned_quantity) * i.unit_price)::text as amount
        from ${dutyfreeReservations} r join ${dutyfreeReservationItems} i on i.reservation_id = r.id
        join ${dutyfreeShops} s on s.code = r.shop_code
        where r.status = 'CONFIRMED' and r.purchase_date = ${day}
        group by r.shop_code, s.name_zh, s.name_en, i.category order by r.shop_code, i.category`,
  );
  // Category names from the table in force that day (a category no longer listed keeps its code).
  const table = await getParameter<Record<string, { nameZh: string; nameEn: string }>>(
    ctx.db,
    'dutyfree.perTripLimits',
    day,
  )
    .then((p) => p.value)
    .catch(() => ({}) as Record<string, { nameZh: string; nameEn: string }>);
  return {
    date: day,
    items: rows.map((r) => ({
      shop: r.shop_code,
      shopName: { zh: r.name_zh, en: r.name_en },
      category: r.category,
      categoryName: { zh: table[r.category]?.nameZh ?? r.category, en: table[r.category]?.nameEn ?? r.category },
      sales: Number(r.sales),
      units: Number(r.units),
      amount: r.amount,
    })),
  };
}

export async function listSaleReviews(ctx: AppContext, actor: Actor, q: { status: string }) {
  const rows = await queryRows<{
    reservation_id: string;
    buyer_id: string;
    shop_code: string;
    level: string;
    score: number;
    reason: string;
    status: string;
    opened_at: Date | string;
    reviewed_by: string | null;
    outcome: string | null;
    note: string | null;
    amount: string;
  }>(
    ctx.db,
    sql`select v.reservation_id, v.buyer_id, v.shop_code, v.level, v.score, v.reason, v.status, v.opened_at,
               v.reviewed_by, v.outcome, v.note, r.amount::text as amount
        from ${dutyfreeSaleReviews} v join ${dutyfreeReservations} r on r.id = v.reservation_id
        where v.status = ${q.status} order by v.opened_at limit 200`,
  );
  const buyers = await buyersById(ctx, actor, [...new Set(rows.map((r) => r.buyer_id))]);
  return rows.map((r) => {
    const { hash: _hash, ...buyer } = buyers.get(r.buyer_id)!;
    const status = r.status as 'OPEN' | 'DONE';
    return {
      reservationId: r.reservation_id,
      buyer,
      shop: r.shop_code,
      level: r.level,
      score: r.score,
      reason: r.reason,
      amount: r.amount,
      status,
      openedAt: new Date(r.opened_at).toISOString(),
      reviewedBy: r.reviewed_by,
      outcome: r.outcome,
      note: r.note,
    };
  });
}
