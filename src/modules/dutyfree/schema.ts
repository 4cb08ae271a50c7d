import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * Offshore duty-free (离岛免税): buyers, their yearly quota, their trips off the island, the sales
 * the shops make at the till (reserve → confirm | cancel | expire), one traceability code per unit
 * sold, departures, bans and the facts recorded against a buyer. A buyer is the unit of
 * serialisation: every command that can spend quota locks the buyer's row first.
 */

/** The licensed offshore duty-free shops (离岛免税店); a dutyfree_shop client's scope names one. Seeded by migration. */
export const dutyfreeShops = pgTable('dutyfree_shops', {
  code: text('code').primaryKey(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  city: text('city').notNull(),
  operator: text('operator').notNull(),
  active: boolean('active').notNull().default(true),
});

/**
 * Buyers (离岛旅客). The ID number and name are encrypted (AES-256-GCM); `id_number_hash` is the same
 * keyed hash of `<idType>:<idNumber>` as subjects' individuals use, so the two can be matched
 * without decrypting. Masked forms are kept in clear for lists.
 */
export const dutyfreeBuyers = pgTable(
  'dutyfree_buyers',
  {
    id: uuid('id').primaryKey(),
    idType: text('id_type').notNull(),
    idNumberHash: text('id_number_hash').notNull(),
    idNumberEncrypted: text('id_number_encrypted').notNull(),
    nameEncrypted: text('name_encrypted').notNull(),
    idNumberMasked: text('id_number_masked').notNull(),
    nameMasked: text('name_masked').notNull(),
    birthDate: date('birth_date').notNull(),
    // Island resident (岛内居民): may collect on return (返岛提取).
    islandResident: boolean('island_resident').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('dutyfree_buyers_id_number_hash_uq').on(t.idNumberHash),
    check(
      'dutyfree_buyers_id_type_ck',
      sql`${t.idType} in ('RESIDENT_ID', 'PASSPORT', 'HK_MACAO_PERMIT', 'TAIWAN_PERMIT')`,
    ),
  ],
);

/**
 * A buyer's quota of one calendar year (Asia/Shanghai): what the confirmed sales used and what
 * open reservations hold. `quota` is the yearly amount the last accepted reservation was checked
 * against; the database refuses ever holding more than it.
 */
export const dutyfreeQuotas = pgTable(
  'dutyfree_quotas',
  {
    buyerId: uuid('buyer_id').notNull(),
    year: integer('year').notNull(),
    quota: numeric('quota', { precision: 14, scale: 2 }).notNull(),
    used: numeric('used', { precision: 14, scale: 2 }).notNull().default('0'),
    reserved: numeric('reserved', { precision: 14, scale: 2 }).notNull().default('0'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.buyerId, t.year] }),
    check('dutyfree_quotas_used_ck', sql`${t.used} >= 0`),
    check('dutyfree_quotas_reserved_ck', sql`${t.reserved} >= 0`),
    check('dutyfree_quotas_within_ck', sql`${t.used} + ${t.reserved} <= ${t.quota}`),
  ],
);

/** A trip off the island (离岛行程): the departure a sale names. Per-trip category limits sum over its sales. */
export const dutyfreeTrips = pgTable(
  'dutyfree_trips',
  {
    id: uuid('id').primaryKey(),
    buyerId: uuid('buyer_id').notNull(),
    mode: text('mode').notNull(),
    number: text('number').notNull(),
    departureDate: date('departure_date').notNull(),
    destination: text('destination').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('dutyfree_trips_buyer_departure_uq').on(t.buyerId, t.mode, t.number, t.departureDate),
    check('dutyfree_trips_mode_ck', sql`${t.mode} in ('FLIGHT', 'TRAIN', 'SHIP')`),
    check('dutyfree_trips_destination_ck', sql`${t.destination} in ('MAINLAND', 'ABROAD')`),
  ],
);

/**
 * A sale at the till, from reservation to confirmation (the sale itself) or cancellation / expiry.
 * The hashed payer, phone, address, payment account and device let sales be linked across buyers
 * without decrypting; the clear values are in `personal_encrypted`.
 */
export const dutyfreeReservations = pgTable(
  'dutyfree_reservations',
  {
    id: uuid('id').primaryKey(),
    shopCode: text('shop_code').notNull(),
    requestId: text('request_id'),
    requestHash: text('request_hash').notNull(),
    buyerId: uuid('buyer_id').notNull(),
    tripId: uuid('trip_id').notNull(),
    quotaYear: integer('quota_year').notNull(),
    purchaseDate: date('purchase_date').notNull(),
    collection: text('collection').notNull(),
    status: text('status').notNull(),
    amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
    returnedAmount: numeric('returned_amount', { precision: 14, scale: 2 }).notNull().default('0'),
    /** Quota left right after this reservation: part of the first answer, replayed for the same requestId. */
    quotaLeft: numeric('quota_left', { precision: 14, scale: 2 }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    payerHash: text('payer_hash').notNull(),
    phoneHash: text('phone_hash'),
    addressHash: text('address_hash'),
    accountHash: text('account_hash'),
    deviceHash: text('device_hash'),
    personalEncrypted: text('personal_encrypted'),
    parameterVersions: jsonb('parameter_versions').notNull(),
  },
  (t) => [
    uniqueIndex('dutyfree_reservations_request_uq').on(t.shopCode, t.requestId),
    index('dutyfree_reservations_buyer_idx').on(t.buyerId, t.quotaYear),
    index('dutyfree_reservations_trip_idx').on(t.tripId),
    index('dutyfree_reservations_open_idx').on(t.expiresAt).where(sql`${t.status} = 'RESERVED'`),
    index('dutyfree_reservations_shop_idx').on(t.shopCode, t.createdAt),
    index('dutyfree_reservations_collect_idx')
      .on(t.purchaseDate)
      .where(sql`${t.status} = 'CONFIRMED' and ${t.collection} in ('GUARANTEE_AND_COLLECT', 'BUY_AND_COLLECT')`),
    index('dutyfree_reservations_payer_idx').on(t.payerHash),
    index('dutyfree_reservations_phone_idx').on(t.phoneHash).where(sql`${t.phoneHash} is not null`),
    index('dutyfree_reservations_address_idx').on(t.addressHash).where(sql`${t.addressHash} is not null`),
    index('dutyfree_reservations_account_idx').on(t.accountHash).where(sql`${t.accountHash} is not null`),
    index('dutyfree_reservations_device_idx').on(t.deviceHash).where(sql`${t.deviceHash} is not null`),
    check('dutyfree_reservations_status_ck', sql`${t.status} in ('RESERVED', 'CONFIRMED', 'CANCELLED', 'EXPIRED')`),
    check(
      'dutyfree_reservations_collection_ck',
      sql`${t.collection} in ('DEPARTURE_PICKUP', 'MAIL', 'RETURN_PICKUP', 'GUARANTEE_AND_COLLECT', 'BUY_AND_COLLECT')`,
    ),
    check('dutyfree_reservations_amount_ck', sql`${t.amount} > 0`),
    check(
      'dutyfree_reservations_returned_ck',
      sql.join(
        [
          sql`${t.returnedAmount} >= 0`,
          sql`${t.returnedAmount} <= ${t.amount}`,
          sql`(${t.returnedAmount} = 0 or ${t.status} = 'CONFIRMED')`,
        ],
        sql` and `,
      ),
    ),
    check('dutyfree_reservations_confirmed_ck', sql`(${t.status} = 'CONFIRMED') = (${t.confirmedAt} is not null)`),
  ],
);

/** The lines of a sale. `returned_quantity` grows with returns; per-trip limits count what is not returned. */
export const dutyfreeReservationItems = pgTable(
  'dutyfree_reservation_items',
  {
    reservationId: uuid('reservation_id').notNull(),
    lineNo: integer('line_no').notNull(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    category: text('category').notNull(),
    unitPrice: numeric('unit_price', { precision: 14, scale: 2 }).notNull(),
    quantity: integer('quantity').notNull(),
    // A set (套装) counts the pieces in its pack towards a pieces limit.
    piecesPerUnit: integer('pieces_per_unit').notNull().default(1),
    volumeMl: integer('volume_ml'),
    amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
    returnedQuantity: integer('returned_quantity').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.reservationId, t.lineNo] }),
    check(
      'dutyfree_items_quantity_ck',
      sql`${t.quantity} > 0 and ${t.piecesPerUnit} > 0 and (${t.volumeMl} is null or ${t.volumeMl} > 0)`,
    ),
    check('dutyfree_items_returned_ck', sql`${t.returnedQuantity} >= 0 and ${t.returnedQuantity} <= ${t.quantity}`),
    check('dutyfree_items_price_ck', sql`${t.unitPrice} > 0 and ${t.amount} = ${t.unitPrice} * ${t.quantity}`),
  ],
);

/**
 * Traceability codes (免税品溯源码): one per unit sold, issued at confirmation, tied to the buyer,
 * shop, time, collection and trip. A returned unit keeps its code, marked RETURNED.
 */
export const dutyfreeCodes = pgTable(
  'dutyfree_codes',
  {
    code: text('code').primaryKey(),
    reservationId: uuid('reservation_id').notNull(),
    lineNo: integer('line_no').notNull(),
    unitNo: integer('unit_no').notNull(),
    buyerId: uuid('buyer_id').notNull(),
    shopCode: text('shop_code').notNull(),
    tripId: uuid('trip_id').notNull(),
    collection: text('collection').notNull(),
    category: text('category').notNull(),
    soldAt: timestamp('sold_at', { withTimezone: true }).notNull(),
    status: text('status').notNull(),
    returnedAt: timestamp('returned_at', { withTimezone: true }),
    pickedUpAt: timestamp('picked_up_at', { withTimezone: true }),
    pickupPoint: text('pickup_point'),
  },
  (t) => [
    uniqueIndex('dutyfree_codes_unit_uq').on(t.reservationId, t.lineNo, t.unitNo),
    index('dutyfree_codes_buyer_idx').on(t.buyerId),
    check('dutyfree_codes_status_ck', sql`${t.status} in ('SOLD', 'RETURNED')`),
    check('dutyfree_codes_returned_ck', sql`(${t.status} = 'RETURNED') = (${t.returnedAt} is not null)`),
  ],
);

/**
 * Departures off the island, confirmed by a carrier (department client) or by the pick-up scan at a
 * port counter. Append-only; one per buyer and departure (a repeated report changes nothing).
 */
export const dutyfreeDepartures = pgTable(
  'dutyfree_departures',
  {
    id: uuid('id').primaryKey(),
    buyerId: uuid('buyer_id').notNull(),
    mode: text('mode').notNull(),
    number: text('number').notNull(),
    departureDate: date('departure_date').notNull(),
    departedAt: timestamp('departed_at', { withTimezone: true }).notNull(),
    source: text('source').notNull(),
    reportedBy: text('reported_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('dutyfree_departures_uq').on(t.buyerId, t.mode, t.number, t.departureDate),
    index('dutyfree_departures_buyer_idx').on(t.buyerId, t.departureDate),
    check('dutyfree_departures_mode_ck', sql`${t.mode} in ('FLIGHT', 'TRAIN', 'SHIP')`),
    check('dutyfree_departures_source_ck', sql`${t.source} in ('CARRIER', 'PICKUP_SCAN')`),
  ],
);

/**
 * Facts recorded against a buyer (per-buyer behaviour records): a missed departure after guarantee-
 * or buy-and-collect, a ban and its lifting, a traceability code found on the market. Append-only;
 * what others (resale-ring detection, personal credit) read about a buyer's conduct.
 */
export const dutyfreeBuyerFacts = pgTable(
  'dutyfree_buyer_facts',
  {
    id: uuid('id').primaryKey(),
    buyerId: uuid('buyer_id').notNull(),
    kind: text('kind').notNull(),
    occurredOn: date('occurred_on').notNull(),
    reservationId: uuid('reservation_id'),
    code: text('code'),
    shopCode: text('shop_code'),
    detail: jsonb('detail').notNull(),
    source: text('source').notNull(),
    /** The command's idempotency key (`<actor>:<requestId>`), when it had one. */
    requestKey: text('request_key'),
    auditSeq: bigint('audit_seq', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('dutyfree_facts_buyer_idx').on(t.buyerId, t.occurredOn),
    index('dutyfree_facts_code_idx').on(t.code).where(sql`${t.code} is not null`),
    uniqueIndex('dutyfree_facts_request_uq').on(t.requestKey),
    // A sale's missed departure is recorded once, whoever runs the check and how often.
    uniqueIndex('dutyfree_facts_missed_departure_uq').on(t.reservationId).where(sql`${t.kind} = 'MISSED_DEPARTURE'`),
    check(
      'dutyfree_facts_kind_ck',
      sql`${t.kind} in ('MISSED_DEPARTURE', 'BANNED', 'BAN_LIFTED', 'CODE_FOUND_ON_MARKET')`,
    ),
  ],
);

/** Bans from duty-free purchases (`valid_to` exclusive). Lifting records who and why; the ban row is kept. */
export const dutyfreeBans = pgTable(
  'dutyfree_bans',
  {
    id: uuid('id').primaryKey(),
    buyerId: uuid('buyer_id').notNull(),
    reason: text('reason').notNull(),
    validFrom: date('valid_from').notNull(),
    validTo: date('valid_to').notNull(),
    factId: uuid('fact_id').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    liftedAt: timestamp('lifted_at', { withTimezone: true }),
    liftedBy: text('lifted_by'),
    liftReason: text('lift_reason'),
  },
  (t) => [
    index('dutyfree_bans_buyer_idx').on(t.buyerId, t.validFrom),
    check('dutyfree_bans_reason_ck', sql`${t.reason} in ('MISSED_DEPARTURE', 'RESALE')`),
    check('dutyfree_bans_range_ck', sql`${t.validTo} > ${t.validFrom}`),
    check(
      'dutyfree_bans_lift_ck',
      sql`(${t.liftedAt} is null) = (${t.liftedBy} is null) and (${t.liftedAt} is null) = (${t.liftReason} is null)`,
    ),
  ],
);

/**
 * Sales the risk engine refused at the till (a SALE feature at RED): the reservation was never written,
 * but the decision is kept (with its audit entry) so officers see the refused attempts and analysts
 * can backtest on them. The buyer by keyed hash and masked ID: a refused buyer may never have bought.
 */
export const dutyfreeRiskRefusals = pgTable(
  'dutyfree_risk_refusals',
  {
    /** The id the reservation would have had. */
    id: uuid('id').primaryKey(),
    shopCode: text('shop_code').notNull(),
    requestId: text('request_id'),
    personHash: text('person_hash').notNull(),
    idType: text('id_type').notNull(),
    idNumberMasked: text('id_number_masked').notNull(),
    nameMasked: text('name_masked').notNull(),
    businessDate: date('business_date').notNull(),
    amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
    rule: text('rule').notNull(),
    level: text('level').notNull(),
    score: numeric('score', { precision: 12, scale: 4 }).notNull(),
    facts: jsonb('facts').notNull(),
    fired: jsonb('fired').notNull(),
    featureSetVersion: integer('feature_set_version').notNull(),
    auditSeq: bigint('audit_seq', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('dutyfree_risk_refusals_person_idx').on(t.personHash, t.createdAt),
    index('dutyfree_risk_refusals_date_idx').on(t.businessDate, t.shopCode),
    // A till's retry of a refused request is the same attempt.
    uniqueIndex('dutyfree_risk_refusals_request_uq').on(t.shopCode, t.requestId),
  ],
);
