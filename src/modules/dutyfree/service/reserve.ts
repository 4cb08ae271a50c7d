/**
 * Reserving quota at the till (the first phase of a sale). One transaction: the buyer's row is
 * upserted and locked (`FOR UPDATE` by the upsert itself), so every reservation of one buyer runs
 * after the one before it has committed, whichever till sends it; the rules are checked against what
 * the buyer's trip and year hold; the quota row is raised only where `used + reserved + amount <=
 * quota` (and its CHECK refuses anything else), then the audit entry and the outbox event.
 *
 * Lock order, the same in every duty-free command: buyer → reservation rows → quota row → audit
 * partition heads → outbox aggregate. Nothing takes them the other way round, so two commands
 * never wait for each other in a circle.
 */
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import { queryRows, type Tx } from '../../../platform/db/client.ts';
import { runCommand, sqlState } from '../../../platform/command.ts';
import { appendAuditMany } from '../../../platform/audit/service.ts';
import { enqueueEvents } from '../../../platform/outbox/service.ts';
import type { WriteBatch } from '../../../platform/writeBatch.ts';
import { typedEvent } from '../../../platform/outbox/contract.ts';
import { DUTYFREE_EVENTS } from '../events.ts';
import { sha256Hex } from '../../../platform/crypto.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { canonicalJson } from '../../../kernel/canonicalJson.ts';
import { shanghaiDate } from '../../../kernel/clock.ts';
import { uuidv7 } from '../../../kernel/ids.ts';
import { problems, type FieldError } from '../../../kernel/problem.ts';
import {
  ageRefusal,
  banRefusal,
  birthDateOf,
  categoryRefusals,
  collectionRefusals,
  departureRefusals,
  idNumberViolation,
  isIslandResident,
  missingVolumes,
  money,
  quotaRefusal,
  quotaYear,
  RULES,
  saleAmount,
  type CategoryUsage,
  type Refusal,
  type SaleLine,
} from '../rules.ts';
import type { ReserveBody } from '../wire.ts';
import { expireOverdue } from './expire.ts';
import { decideInGroup } from './group.ts';
import { readForReservation, writeReservation, type QuotaRead } from './reserveStatements.ts';
import { dutyfreeSaleRisk, tillSaleOf, type RiskRefusal } from '../rings/risk.ts';
import {
  actingShop,
  AGGREGATE,
  buyerAuditKey,
  linkHash,
  newBuyerRow,
  normaliseAddress,
  normalisePhone,
  personHash,
  seal,
  type BuyerRow,
  type DutyfreeParameters,
  type ReservationRow,
} from './store.ts';
import { dutyfreeQuotas, dutyfreeRiskRefusals } from '../schema.ts';

export interface ReserveAnswer {
  reservationId: string;
  status: 'RESERVED';
  amount: string;
  quotaLeft: string;
  expiresAt: string;
}

/** A 422 naming every rule that refused the sale. */
export function refused(refusals: Refusal[]) {
  const errors: FieldError[] = refusals.map((r) => ({ path: r.path, rule: r.rule, message: r.message }));
  return problems.rule(
    'dutyfree-refused',
    'Refused by a duty-free rule',
    refusals.map((r) => r.message).join(' '),
    errors,
  );
}

/** Malformed identities and a missing or contradicting birth date are 400s, before any work. */
function identityErrors(body: ReserveBody, now: Date): FieldError[] {
  const errors: FieldError[] = [];
  const people: [string, { idType: ReserveBody['buyer']['idType']; idNumber: string } | undefined][] = [
    ['buyer', body.buyer],
    ['payer', body.payer],
    ['mail.recipient', body.mail?.recipient],
  ];
  for (const [path, p] of people) {
    const v = p ? idNumberViolation(p.idType, p.idNumber, now) : null;
    if (v) errors.push({ path: `${path}.idNumber`, rule: v.rule, message: v.message });
  }
  return errors;
}

interface Prepared {
  shop: string;
  now: Date;
  purchaseDate: string;
  year: number;
  requestHash: string;
  buyer: BuyerRow;
  buyerHash: string;
  payerHash: string | null;
  recipientHash: string | null;
  lines: SaleLine[];
  amount: string;
  links: { phone: string | null; address: string | null; account: string | null; device: string | null };
  personal: string | null;
}

function prepare(ctx: AppContext, shop: string, body: ReserveBody): Prepared {
  const now = ctx.clock.now();
  const errors = identityErrors(body, now);
  const birth = birthDateOf(body.buyer.idType, body.buyer.idNumber, body.buyer.birthDate);
  if ('rule' in birth) errors.push(birth);
  if (errors.length) throw problems.validation(errors);
  const purchaseDate = shanghaiDate(now);
  const { idType, idNumber, name } = body.buyer;
  const buyer = newBuyerRow(
    ctx,
    uuidv7(now.getTime()),
    {
      idType,
      idNumber,
      name,
      birthDate: (birth as { birthDate: string }).birthDate,
      islandResident: isIslandResident(idType, idNumber),
    },
    now,
  );
  const lines: SaleLine[] = body.items.map((i) => ({
    category: i.category,
    unitPrice: i.unitPrice,
    quantity: i.quantity,
    piecesPerUnit: i.piecesPerUnit ?? 1,
    volumeMl: i.volumeMl ?? null,
  }));
  const extra = {
    payer: body.payer,
    phone: body.phone,
    mail: body.mail,
    paymentAccount: body.paymentAccount,
    deviceId: body.deviceId,
  };
  const anyExtra = Object.values(extra).some((v) => v !== undefined);
  return {
    shop,
    now,
    purchaseDate,
    year: quotaYear(purchaseDate),
    requestHash: sha256Hex(canonicalJson(body)),
    buyer,
    buyerHash: buyer.idNumberHash,
    payerHash: body.payer ? personHash(ctx, body.payer.idType, body.payer.idNumber) : null,
    recipientHash: body.mail ? personHash(ctx, body.mail.recipient.idType, body.mail.recipient.idNumber) : null,
    lines,
    amount: money(saleAmount(lines)),
    links: {
      phone: body.phone ? linkHash(ctx, 'phone', normalisePhone(body.phone)) : null,
      address: body.mail ? linkHash(ctx, 'address', normaliseAddress(body.mail.address)) : null,
      account: body.paymentAccount ? linkHash(ctx, 'account', body.paymentAccount) : null,
      device: body.deviceId ? linkHash(ctx, 'device', body.deviceId) : null,
    },
    personal: anyExtra ? seal(ctx, extra) : null,
  };
}

/** The buyer's quota row again, after overdue reservations gave quota back (rare: reserveIn). */
async function readQuota(tx: Tx, buyerId: string, year: number): Promise<QuotaRead | null> {
  const [row] = await queryRows<QuotaRead>(
    tx,
    sql`select quota::text as quota, used::text as used, reserved::text as reserved from ${dutyfreeQuotas}
        where buyer_id = ${buyerId} and year = ${year}`,
  );
  return row ?? null;
}

export function firstAnswer(r: ReservationRow): ReserveAnswer {
  return {
    reservationId: r.id,
    status: 'RESERVED',
    amount: money(r.amount),
    quotaLeft: money(r.quotaLeft),
    expiresAt: r.expiresAt.toISOString(),
  };
}

function ruleRefusals(
  body: ReserveBody,
  p: Prepared,
  buyer: BuyerRow,
  params: DutyfreeParameters,
  ctx: {
    bans: { validFrom: string; validTo: string; reason: string }[];
    trip: { destination: string };
    usage: Map<string, CategoryUsage>;
  },
): Refusal[] {
  const out: Refusal[] = [];
  const ban = banRefusal(ctx.bans, p.purchaseDate);
  if (ban) out.push(ban);
  const age = ageRefusal(buyer.birthDate, p.purchaseDate, params.minimumAge);
  if (age) out.push(age);
  out.push(
    ...departureRefusals(body.departure, p.purchaseDate, {
      windowDays: params.windowDays,
      destinations: params.destinations,
    }),
  );
  if (ctx.trip.destination !== body.departure.destination) {
    out.push({
      path: 'departure.destination',
      rule: RULES.departure,
      message: `This departure was recorded for the buyer with destination ${ctx.trip.destination}.`,
    });
  }
  const mail =
    body.mail && p.recipientHash ? { recipientHash: p.recipientHash, province: body.mail.address.province } : null;
  out.push(
    ...collectionRefusals(
      p.lines,
      {
        collection: body.collection,
        islandResident: buyer.islandResident,
        buyerHash: buyer.idNumberHash,
        payerHash: p.payerHash,
        mail,
        departureDate: body.departure.date,
        purchaseDate: p.purchaseDate,
      },
      {
        guaranteeMinUnitPrice: params.guaranteeMinUnitPrice,
        buyAndCollectMaxUnitPrice: params.buyAndCollectMaxUnitPrice,
        departureDeadlineDays: params.departureDeadlineDays,
      },
      params.categories,
    ),
  );
  out.push(...categoryRefusals(p.lines, params.categories, ctx.usage));
  return out;
}

async function reserveIn(
  tx: Tx,
  batch: WriteBatch,
  ctx: AppContext,
  actor: Actor,
  body: ReserveBody,
  p: Prepared,
): Promise<ReserveAnswer> {
  // The parameters, the buyer's upsert (which locks the row) and what the rules read about the buyer,
  // in one round trip and one statement each for the whole group (reserveStatements.ts).
  const {
    params,
    buyer,
    bans,
    trip,
    usage,
    prior,
    quota: quotaRow,
  } = await readForReservation(tx, {
    buyer: p.buyer,
    shop: p.shop,
    requestId: body.requestId,
    purchaseDate: p.purchaseDate,
    year: p.year,
    now: p.now,
    departure: body.departure,
    newTripId: uuidv7(p.now.getTime()),
  });
  if (buyer.birthDate !== p.buyer.birthDate) {
    throw problems.field(
      'buyer.birthDate',
      'dutyfree.birthDateMismatch',
      `This buyer is recorded as born on ${buyer.birthDate}, not ${p.buyer.birthDate}.`,
    );
  }
  if (prior) {
    if (prior.requestHash !== p.requestHash)
      throw problems.conflict(
        `requestId ${body.requestId} was already used for another sale; use a new requestId for a new request.`,
        { rule: 'dutyfree.requestIdReused' },
      );
    return firstAnswer(prior);
  }
  const volumes = missingVolumes(p.lines, params.categories);
  if (volumes.length) throw problems.validation(volumes);
  const refusals = ruleRefusals(body, p, buyer, params, { bans, trip, usage });
  if (refusals.length) throw refused(refusals);
  let state = { quota: params.annualQuota, used: quotaRow?.used ?? '0', reserved: quotaRow?.reserved ?? '0' };
  if (quotaRefusal(state, p.amount) && (await expireOverdue(tx, ctx, { now: p.now, buyerId: buyer.id })) > 0) {
    // Held quota past its time is given back first: a crashed till's reservation never blocks the buyer.
    const again = await readQuota(tx, buyer.id, p.year);
    state = { quota: params.annualQuota, used: again?.used ?? '0', reserved: again?.reserved ?? '0' };
  }
  const overQuota = quotaRefusal(state, p.amount);
  if (overQuota) throw refused([overQuota]);
  const expiresAt = new Date(p.now.getTime() + params.ttlMinutes * 60_000);
  const row = {
    id: uuidv7(p.now.getTime()),
    shopCode: p.shop,
    requestId: body.requestId ?? null,
    requestHash: p.requestHash,
    buyerId: buyer.id,
    tripId: trip.id,
    quotaYear: p.year,
    purchaseDate: p.purchaseDate,
    collection: body.collection,
    status: 'RESERVED',
    amount: p.amount,
    returnedAmount: '0',
    expiresAt,
    createdBy: actorLabel(actor),
    createdAt: p.now,
    confirmedAt: null,
    closedAt: null,
    payerHash: p.payerHash ?? buyer.idNumberHash,
    phoneHash: p.links.phone,
    addressHash: p.links.address,
    accountHash: p.links.account,
    deviceHash: p.links.device,
    personalEncrypted: p.personal,
    parameterVersions: params.versions,
  };
  // Hook: the risk engine's duty-free features (rings/risk.ts); the till hears only the rule that refused.
  const sale = tillSaleOf(row, buyer, trip.id, body, p.lines, state, usage, params.categories);
  const risk = await dutyfreeSaleRisk(tx, ctx, sale);
  if (risk) throw new RiskRefused(risk, row.id, p.amount);
  const change = {
    reservationId: row.id,
    shop: p.shop,
    buyer: {
      buyerId: buyer.id,
      idType: buyer.idType,
      idNumber: buyer.idNumberMasked,
      name: buyer.nameMasked,
      idNumberHash: buyer.idNumberHash,
    },
    trip: { tripId: trip.id, ...body.departure },
    collection: body.collection,
    quotaYear: p.year,
    amount: p.amount,
    items: body.items,
    expiresAt: expiresAt.toISOString(),
    parameterVersions: params.versions,
  };
  const event = typedEvent(DUTYFREE_EVENTS, 'DutyFreeReserved', {
    aggregateType: AGGREGATE,
    aggregateId: buyer.id,
    payload: {
      reservationId: row.id,
      buyerId: buyer.id,
      shop: p.shop,
      tripId: trip.id,
      quotaYear: p.year,
      purchaseDate: p.purchaseDate,
      collection: body.collection,
      amount: p.amount,
      expiresAt: expiresAt.toISOString(),
    },
    occurredAt: p.now,
  });
  // The quota row, the sale and its lines in one round trip, one statement each for the group's sales
  // that reach this step together (reserveStatements.ts); the audit entry and the event go to the
  // command's write batch, appended after every write of the transaction (the lock order: the audit
  // heads last), one append for a whole group (group.ts).
  const written = await writeReservation(tx, {
    row: { ...row, quotaLeft: '0' },
    annualQuota: params.annualQuota,
    items: body.items.map((i, lineNo) => ({
      reservationId: row.id,
      lineNo,
      sku: i.sku,
      name: i.name,
      category: i.category,
      unitPrice: i.unitPrice,
      quantity: i.quantity,
      piecesPerUnit: i.piecesPerUnit ?? 1,
      volumeMl: i.volumeMl ?? null,
      amount: money(saleAmount([i])),
      returnedQuantity: 0,
    })),
  });
  const entry = batch.audit({
    actor: actorLabel(actor),
    action: 'dutyfree.reserve',
    subject: `dutyfree-reservation:${row.id}`,
    change,
    at: p.now,
    partitionKey: buyerAuditKey(buyer.id),
  });
  batch.event(event, entry);
  // The buyer's lock makes this unreachable; the CHECK on the quota row would refuse it anyway.
  if (!written)
    throw refused([
      quotaRefusal(state, p.amount) ?? {
        path: 'items',
        rule: RULES.quota,
        message: "The sale is over the buyer's quota.",
      },
    ]);
  return firstAnswer(written);
}

interface ReserveItem {
  ctx: AppContext;
  actor: Actor;
  body: ReserveBody;
  p: Prepared;
}

const decideReserve = (tx: Tx, batch: WriteBatch, i: ReserveItem) => reserveIn(tx, batch, i.ctx, i.actor, i.body, i.p);

/** Thrown out of the reservation's transaction (which rolls back): the risk engine refused the sale. */
class RiskRefused extends Error {
  constructor(
    readonly risk: RiskRefusal,
    readonly saleId: string,
    readonly amount: string,
  ) {
    super(risk.refusal.message);
  }
}

/**
 * Keeps a refusal of the risk engine, after the reservation rolled back: the decision (facts, fired
 * features, score) and its audit entry, in a transaction of its own. Nothing of the sale is written
 * and no quota is held; a till's retry with the same requestId is the same attempt, kept once.
 */
async function recordRiskRefusal(ctx: AppContext, actor: Actor, body: ReserveBody, p: Prepared, e: RiskRefused) {
  const d = e.risk.decision;
  const change = {
    saleId: e.saleId,
    shop: p.shop,
    buyer: {
      idType: p.buyer.idType,
      idNumber: p.buyer.idNumberMasked,
      name: p.buyer.nameMasked,
      idNumberHash: p.buyerHash,
    },
    amount: e.amount,
    rule: d.rule,
    featureSetVersion: d.featureSetVersion,
  };
  await runCommand(ctx, 'dutyfree.riskRefused', async (tx) => {
    const [known] = await queryRows<{ id: string }>(
      tx,
      sql`select id from ${dutyfreeRiskRefusals}
          where shop_code = ${p.shop} and request_id = ${body.requestId ?? null}`,
    );
    if (known) return;
    const [audited] = await appendAuditMany(
      tx,
      [
        {
          actor: actorLabel(actor),
          action: 'dutyfree.riskRefused',
          subject: `dutyfree-refusal:${e.saleId}`,
          change,
          at: p.now,
          partitionKey: `dutyfree-refusals:${p.buyerHash.slice(0, 2)}`,
        },
      ],
      ([entry]) =>
        tx.execute(sql`insert into ${dutyfreeRiskRefusals} (id, shop_code, request_id, person_hash, id_type,
            id_number_masked, name_masked, business_date, amount, rule, level, score, facts, fired, feature_set_version,
            audit_seq, created_at)
          values (${e.saleId}, ${p.shop}, ${body.requestId ?? null}, ${p.buyerHash}, ${p.buyer.idType},
            ${p.buyer.idNumberMasked}, ${p.buyer.nameMasked}, ${p.purchaseDate}, ${e.amount}, ${d.rule}, ${d.level},
            ${String(d.score)}, ${JSON.stringify(d.facts)}::jsonb, ${JSON.stringify(d.fired)}::jsonb,
            ${d.featureSetVersion}, ${entry!.seq}, ${p.now.toISOString()})
          on conflict do nothing`),
    );
    // Published with the refusal (a RED one opens a joint-control case): the buyer masked and hashed only.
    await enqueueEvents(tx, [{ ...refusedEvent(body, p, e), auditSeq: audited!.seq }]);
  });
}

function refusedEvent(body: ReserveBody, p: Prepared, e: RiskRefused) {
  return typedEvent(DUTYFREE_EVENTS, 'DutyFreeSaleRiskRefused', {
    aggregateType: 'dutyfree-sale',
    aggregateId: e.saleId,
    payload: {
      saleId: e.saleId,
      shop: p.shop,
      businessDate: p.purchaseDate,
      level: e.risk.decision.level,
      rule: e.risk.decision.rule,
      amount: e.amount,
      buyer: {
        idType: p.buyer.idType,
        idNumberHash: p.buyerHash,
        idNumberMasked: p.buyer.idNumberMasked,
        nameMasked: p.buyer.nameMasked,
      },
      goods: body.items.map((i) => ({
        category: i.category,
        name: i.name,
        quantity: String(i.quantity),
        unitPrice: i.unitPrice,
      })),
    },
    occurredAt: p.now,
  });
}

/**
 * Reserves quota for a sale. The same requestId and body return the first answer; the same
 * requestId with another body is a 409. A refusal is a 422 naming every rule that refused it and
 * writes nothing, but for a refusal of the risk engine, whose decision is kept for officers
 * (dutyfree_risk_refusals, audited).
 */
export async function reserve(ctx: AppContext, actor: Actor, body: ReserveBody): Promise<ReserveAnswer> {
  const shop = await actingShop(ctx, actor);
  if (!shop) throw problems.forbidden('Only a duty-free shop client reserves quota.');
  const p = prepare(ctx, shop, body);
  try {
    // Reservations of different buyers share a transaction (group.ts); one buyer's wait for each other.
    const keys = [`buyer:${p.buyerHash}`, ...(body.requestId ? [`request:${shop}:${body.requestId}`] : [])];
    return await decideInGroup(ctx, 'dutyfree.reserve', decideReserve, { ctx, actor, body, p }, keys, p.buyerHash);
  } catch (err) {
    if (err instanceof RiskRefused) {
      await recordRiskRefusal(ctx, actor, body, p, err);
      throw refused([err.risk.refusal]);
    }
    // Two different bodies under one requestId at the same moment (for different buyers, so not
    // serialised by a buyer's lock): the unique index lets one in; the other is told so.
    if (sqlState(err) === '23505' && body.requestId) {
      throw problems.conflict(
        `requestId ${body.requestId} was already used for another sale; use a new requestId for a new request.`,
        { rule: 'dutyfree.requestIdReused' },
      );
    }
    throw err;
  }
}
