/**
 * Traceability codes (免税品溯源码) after the sale: anyone may ask whether a code is genuine and
 * when it was sold; an officer sees the sale behind it (the buyer masked unless the role needs
 * personal data) and records where a code was found on the market, as a fact against the buyer.
 */
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { runCommand } from '../../../platform/command.ts';
import { queryRows, type Executor, type Tx } from '../../../platform/db/client.ts';
import { appendAuditMany } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { DUTYFREE_EVENTS } from '../events.ts';
import { actorLabel, OFFICER_ROLES, type Actor } from '../../../platform/auth/roles.ts';
import { canonicalJson } from '../../../kernel/canonicalJson.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { uuidv7 } from '../../../kernel/ids.ts';
import { problems } from '../../../kernel/problem.ts';
import { checkTraceCode, normaliseTraceCode } from '../traceCode.ts';
import { dutyfreeBuyerFacts, dutyfreeBuyers, dutyfreeCodes, dutyfreeTrips } from '../schema.ts';
import { AGGREGATE, buyerAuditKey, buyerIdentity, shops } from './store.ts';
import { eq } from 'drizzle-orm';

interface CodeRow {
  code: string;
  reservation_id: string;
  buyer_id: string;
  shop_code: string;
  collection: string;
  category: string;
  sold_at: Date | string;
  status: 'SOLD' | 'RETURNED';
  returned_at: Date | string | null;
  picked_up_at: Date | string | null;
  pickup_point: string | null;
  mode: string;
  number: string;
  departure_date: string;
  destination: string;
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

async function findCode(ex: Executor, code: string): Promise<CodeRow | null> {
  const [row] = await queryRows<CodeRow>(
    ex,
    sql`select c.code, c.reservation_id, c.buyer_id, c.shop_code, c.collection, c.category, c.sold_at, c.status,
        c.returned_at,
          c.picked_up_at, c.pickup_point, t.mode, t.number, t.departure_date::text as departure_date, t.destination
        from ${dutyfreeCodes} c join ${dutyfreeTrips} t on t.id = c.trip_id where c.code = ${code}`,
  );
  return row ?? null;
}

export interface FactView {
  factId: string;
  buyerId: string;
  kind: string;
  occurredOn: string;
  reservationId: string | null;
  code: string | null;
  shop: string | null;
  detail: unknown;
  source: string;
  auditSeq: number;
  createdAt: string;
}

interface FactRow {
  id: string;
  buyer_id: string;
  kind: string;
  occurred_on: string;
  reservation_id: string | null;
  code: string | null;
  shop_code: string | null;
  detail: unknown;
  source: string;
  request_key: string | null;
  audit_seq: number | string;
  created_at: Date | string;
}

export const factColumns = sql`id, buyer_id, kind, occurred_on::text as occurred_on, reservation_id, code, shop_code,
  detail, source, request_key, audit_seq, created_at`;

export function factView(f: FactRow): FactView {
  const detail = typeof f.detail === 'string' ? JSON.parse(f.detail) : f.detail;
  return {
    factId: f.id,
    buyerId: f.buyer_id,
    kind: f.kind,
    occurredOn: f.occurred_on,
    reservationId: f.reservation_id,
    code: f.code,
    shop: f.shop_code,
    detail,
    source: f.source,
    auditSeq: Number(f.audit_seq),
    createdAt: new Date(f.created_at).toISOString(),
  };
}

export async function factsWhere(ex: Executor, where: ReturnType<typeof sql>): Promise<FactView[]> {
  return (
    await queryRows<FactRow>(
      ex,
      sql`select ${factColumns} from ${dutyfreeBuyerFacts} where ${where} order by occurred_on, created_at`,
    )
  ).map(factView);
}

/** What a code says: to anyone, genuine or not and when it was sold; to an officer, the sale behind it. */
export async function lookupCode(ctx: AppContext, actor: Actor | null, raw: string) {
  const code = normaliseTraceCode(raw);
  const check = checkTraceCode(code);
  if (!check.valid) return { code, valid: false, reason: check.reason };
  const row = await findCode(ctx.db, code);
  if (!row) return { code, valid: false, reason: 'notIssued' as const };
  const shop = (await shops(ctx.db)).get(row.shop_code);
  const soldAt = new Date(row.sold_at);
  const publicView = {
    code,
    valid: true,
    status: row.status,
    soldOn: shanghaiDate(soldAt),
    shop: shop ? `${shop.nameZh} ${shop.nameEn}` : row.shop_code,
    category: row.category,
  };
  if (!actor || !OFFICER_ROLES.includes(actor.role as never)) return publicView;
  const [buyer] = await ctx.db.select().from(dutyfreeBuyers).where(eq(dutyfreeBuyers.id, row.buyer_id)).limit(1);
  const findings = await factsWhere(ctx.db, sql`code = ${code} and kind = 'CODE_FOUND_ON_MARKET'`);
  return {
    ...publicView,
    reservationId: row.reservation_id,
    soldAt: soldAt.toISOString(),
    collection: row.collection,
    buyer: { buyerId: row.buyer_id, ...buyerIdentity(ctx, actor, buyer!) },
    trip: { mode: row.mode, number: row.number, date: row.departure_date, destination: row.destination },
    pickedUpAt: iso(row.picked_up_at),
    pickupPoint: row.pickup_point,
    returnedAt: iso(row.returned_at),
    findings: findings.map((f) => ({ factId: f.factId, occurredOn: f.occurredOn, detail: f.detail })),
  };
}

export interface FindingInput {
  requestId?: string;
  foundOn: string;
  channel: 'ONLINE' | 'SHOP' | 'MARKET' | 'OTHER';
  place: string;
  note?: string;
}

async function recordFindingIn(tx: Tx, actor: Actor, row: CodeRow, input: FindingInput, now: Date): Promise<FactView> {
  const requestKey = input.requestId ? `${actorLabel(actor)}:${input.requestId}` : null;
  const detail = {
    channel: input.channel,
    place: input.place,
    note: input.note ?? null,
    codeStatus: row.status,
    category: row.category,
  };
  if (requestKey) {
    const [prior] = await queryRows<FactRow>(
      tx,
      sql`select ${factColumns} from ${dutyfreeBuyerFacts} where request_key = ${requestKey}`,
    );
    if (prior) {
      const same =
        prior.code === row.code &&
        prior.occurred_on === input.foundOn &&
        canonicalJson(factView(prior).detail) === canonicalJson(detail);
      if (!same)
        throw problems.conflict(`requestId ${input.requestId} was already used for another finding.`, {
          rule: 'dutyfree.requestIdReused',
        });
      return factView(prior);
    }
  }
  const id = uuidv7(now.getTime());
  const change = {
    factId: id,
    buyerId: row.buyer_id,
    kind: 'CODE_FOUND_ON_MARKET' as const,
    code: row.code,
    reservationId: row.reservation_id,
    shop: row.shop_code,
    foundOn: input.foundOn,
    ...detail,
  };
  let written: FactRow | undefined;
  await appendAuditMany(
    tx,
    [
      {
        actor: actorLabel(actor),
        action: 'dutyfree.codeFound',
        subject: `dutyfree-buyer:${row.buyer_id}`,
        change,
        at: now,
        partitionKey: buyerAuditKey(row.buyer_id),
      },
    ],
    async ([entry]) => {
      const [inserted] = await Promise.all([
        queryRows<FactRow>(
          tx,
          sql`insert into ${dutyfreeBuyerFacts} (id, buyer_id, kind, occurred_on, reservation_id, code, shop_code,
              detail, source, request_key, audit_seq, created_at)
            values (${id}, ${row.buyer_id}, 'CODE_FOUND_ON_MARKET', ${input.foundOn}, ${row.reservation_id},
              ${row.code}, ${row.shop_code},
                    ${JSON.stringify(detail)}::jsonb, ${actorLabel(actor)}, ${requestKey}, ${entry!.seq},
                      ${now.toISOString()})
            returning ${factColumns}`,
        ),
        enqueueEvents(tx, [
          typedEvent(DUTYFREE_EVENTS, 'DutyFreeCodeFoundOnMarket', {
            aggregateType: AGGREGATE,
            aggregateId: row.buyer_id,
            payload: change,
            occurredAt: now,
            auditSeq: entry!.seq,
          }),
        ]),
      ]);
      written = inserted[0];
    },
  );
  return factView(written!);
}

/** An officer records a code found on the market: a fact against the buyer the unit was sold to. */
export async function recordFinding(
  ctx: AppContext,
  actor: Actor,
  raw: string,
  input: FindingInput,
): Promise<FactView> {
  const code = normaliseTraceCode(raw);
  const now = ctx.clock.now();
  if (input.foundOn > shanghaiDate(now))
    throw problems.field('foundOn', 'dutyfree.foundOnFuture', 'A finding cannot be dated in the future.');
  const row = checkTraceCode(code).valid ? await findCode(ctx.db, code) : null;
  if (!row) throw problems.notFound(`Traceability code ${code}`);
  if (input.foundOn < shanghaiDate(new Date(row.sold_at)))
    throw problems.field('foundOn', 'dutyfree.foundBeforeSale', 'The unit was sold after that date.');
  return runCommand(ctx, 'dutyfree.codeFound', (tx) => recordFindingIn(tx, actor, row, input, now));
}
