/**
 * What the duty-free commands share: keyed hashes and encryption of personal data, the parameters
 * of a purchase date, the shops, row views and the audit partition of a buyer.
 */
import { eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor, Tx } from '../../../platform/db/client.ts';
import { tableRows } from '../../../platform/db/rows.ts';
import { decrypt, encrypt, lookupHash } from '../../../platform/crypto.ts';
import { getParameters } from '../../../platform/parameters/service.ts';
import { appendAuditMany, type AuditInput } from '../../../platform/audit/service.ts';
import { enqueueEvents, type NewEvent } from '../../../platform/outbox/service.ts';
import { seesPersonalData, type Actor } from '../../../platform/auth/roles.ts';
import { problems } from '../../../kernel/problem.ts';
import { wholeNumber } from '../../../kernel/wholeNumber.ts';
import { maskIdNumber, maskName } from '../../subjects/service.ts';
import { categoryTable, type CategoryTable, type IdType } from '../rules.ts';
import {
  dutyfreeBuyers,
  dutyfreeReservationItems,
  dutyfreeReservations,
  dutyfreeShops,
  type dutyfreeTrips,
} from '../schema.ts';

export type BuyerRow = typeof dutyfreeBuyers.$inferSelect;
export type ReservationRow = typeof dutyfreeReservations.$inferSelect;
export type ItemRow = typeof dutyfreeReservationItems.$inferSelect;
export type TripRow = typeof dutyfreeTrips.$inferSelect;

export const buyerRows = tableRows(dutyfreeBuyers);
export const reservationRows = tableRows(dutyfreeReservations);
export const itemRows = tableRows(dutyfreeReservationItems);

/** Outbox aggregate of every duty-free event: the buyer, so one buyer's events arrive in order. */
export const AGGREGATE = 'dutyfree-buyer';

/** One audit chain per buyer's partition: a buyer's commands are serialised anyway. */
export const buyerAuditKey = (buyerId: string) => `dutyfree-buyer:${buyerId}`;

/**
 * The keyed hash that finds a person: the same form as subjects' individuals (`<idType>:<idNumber>`),
 * so a buyer, a payer or a recipient can be matched with a registered individual without decrypting.
 */
export function personHash(ctx: AppContext, idType: IdType | string, idNumber: string): string {
  return lookupHash(ctx.keys.lookup, `${idType}:${idNumber}`);
}

/**
 * Keyed hashes of the other linking facts; each purpose has its own prefix: equal text in two fields never
 * matches.
 */
export function linkHash(ctx: AppContext, purpose: 'phone' | 'address' | 'account' | 'device', value: string): string {
  return lookupHash(ctx.keys.lookup, `dutyfree.${purpose}:${value}`);
}

/** Phone numbers compared by their digits, addresses by their text without case, width or spaces. */
export function normalisePhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.startsWith('86') && digits.length === 13 ? digits.slice(2) : digits;
}

export function normaliseAddress(a: { province: string; city: string; line: string }): string {
  return [a.province, a.city, a.line].map((s) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '')).join('|');
}

export const seal = (ctx: AppContext, value: unknown) => encrypt(ctx.keys.personalData, JSON.stringify(value));
export const unseal = <T>(ctx: AppContext, sealed: string): T =>
  JSON.parse(decrypt(ctx.keys.personalData, sealed)) as T;

/** A buyer as a caller may see them: masked unless the role needs personal data. */
export function buyerIdentity(ctx: AppContext, actor: Actor | null, b: BuyerRow) {
  const full = actor !== null && seesPersonalData(actor);
  return {
    idType: b.idType,
    idNumber: full ? decrypt(ctx.keys.personalData, b.idNumberEncrypted) : b.idNumberMasked,
    name: full ? decrypt(ctx.keys.personalData, b.nameEncrypted) : b.nameMasked,
    masked: !full,
  };
}

export function newBuyerRow(
  ctx: AppContext,
  id: string,
  p: { idType: IdType; idNumber: string; name: string; birthDate: string; islandResident: boolean },
  now: Date,
): BuyerRow {
  return {
    id,
    idType: p.idType,
    idNumberHash: personHash(ctx, p.idType, p.idNumber),
    idNumberEncrypted: encrypt(ctx.keys.personalData, p.idNumber),
    nameEncrypted: encrypt(ctx.keys.personalData, p.name),
    idNumberMasked: maskIdNumber(p.idNumber),
    nameMasked: maskName(p.name),
    birthDate: p.birthDate,
    islandResident: p.islandResident,
    createdAt: now,
  };
}

export async function findBuyer(
  ex: Executor,
  ctx: AppContext,
  idType: IdType,
  idNumber: string,
): Promise<BuyerRow | null> {
  const [row] = await ex
    .select()
    .from(dutyfreeBuyers)
    .where(eq(dutyfreeBuyers.idNumberHash, personHash(ctx, idType, idNumber)))
    .limit(1);
  return row ?? null;
}

// ---------------------------------------------------------------------------------------------
// Parameters of a purchase date

export const PARAMETER_NAMES = [
  'dutyfree.annualQuotaCny',
  'dutyfree.minimumAge',
  'dutyfree.perTripLimits',
  'dutyfree.destinations',
  'dutyfree.departureWindowDays',
  'dutyfree.reservationTtlMinutes',
  'dutyfree.guaranteeCollectMinUnitPriceCny',
  'dutyfree.buyAndCollectMaxUnitPriceCny',
  'dutyfree.departureDeadlineDays',
] as const;

export interface DutyfreeParameters {
  annualQuota: string;
  minimumAge: number;
  categories: CategoryTable;
  destinations: string[];
  windowDays: number;
  ttlMinutes: number;
  guaranteeMinUnitPrice: string;
  buyAndCollectMaxUnitPrice: string;
  departureDeadlineDays: number;
  /** name → version: recorded with every sale. */
  versions: Record<string, number>;
}

/** The duty-free parameters in force on `date`, in one query. */
export async function parametersOn(ex: Executor, date: string): Promise<DutyfreeParameters> {
  const found = await getParameters(ex, PARAMETER_NAMES, date);
  const v = (name: (typeof PARAMETER_NAMES)[number]) => found.get(name)!.value;
  return {
    annualQuota: String(v('dutyfree.annualQuotaCny')),
    minimumAge: wholeNumber(v('dutyfree.minimumAge'), 'dutyfree.minimumAge'),
    categories: categoryTable(v('dutyfree.perTripLimits')),
    destinations: v('dutyfree.destinations') as string[],
    windowDays: wholeNumber(v('dutyfree.departureWindowDays'), 'dutyfree.departureWindowDays'),
    ttlMinutes: wholeNumber(v('dutyfree.reservationTtlMinutes'), 'dutyfree.reservationTtlMinutes'),
    guaranteeMinUnitPrice: String(v('dutyfree.guaranteeCollectMinUnitPriceCny')),
    buyAndCollectMaxUnitPrice: String(v('dutyfree.buyAndCollectMaxUnitPriceCny')),
    departureDeadlineDays: wholeNumber(v('dutyfree.departureDeadlineDays'), 'dutyfree.departureDeadlineDays'),
    versions: Object.fromEntries([...found.values()].map((p) => [p.name, p.version])),
  };
}

// ---------------------------------------------------------------------------------------------
// Shops

type ShopRow = typeof dutyfreeShops.$inferSelect;
const SHOP_CACHE_MS = 60_000;
const shopCache = new WeakMap<Executor, { at: number; shops: Map<string, ShopRow> }>();

/** The shops (reference data, twelve rows), read at most once a minute per process. */
export async function shops(ex: Executor): Promise<Map<string, ShopRow>> {
  const hit = shopCache.get(ex);
  if (hit && Date.now() - hit.at < SHOP_CACHE_MS) return hit.shops;
  const rows = await ex.select().from(dutyfreeShops).orderBy(dutyfreeShops.code);
  const map = new Map(rows.map((r) => [r.code, r]));
  shopCache.set(ex, { at: Date.now(), shops: map });
  return map;
}

/**
 * The shop a dutyfree_shop client acts for: its scope `{ "shop": "<code>" }` must name an active
 * shop. Null for other roles (officers act for no shop).
 */
export async function actingShop(ctx: AppContext, actor: Actor): Promise<string | null> {
  if (actor.role !== 'dutyfree_shop') return null;
  const code = actor.scope?.shop;
  const shop = typeof code === 'string' ? (await shops(ctx.db)).get(code) : undefined;
  if (!shop?.active)
    throw problems.forbidden(
      `This duty-free client's scope names no active shop (scope.shop = ${JSON.stringify(code ?? null)}); ` +
        'an administrator must create its key with { "shop": "<code>" }.',
    );
  return shop.code;
}

/** A shop sees only its own sales; another shop's answers 404, as if it did not exist. */
export function assertShopVisible(shop: string | null, r: { shopCode: string; id: string }): void {
  if (shop !== null && r.shopCode !== shop) throw problems.notFound(`Reservation ${r.id}`);
}

export async function loadReservation(ex: Executor, id: string, lock: boolean): Promise<ReservationRow | null> {
  const rows = await reservationRows.select(
    ex,
    sql`select ${reservationRows.columns} from ${dutyfreeReservations}
        where id = ${id}${lock ? sql` for update` : sql``}`,
  );
  return rows[0] ?? null;
}

export async function loadItems(ex: Executor, reservationId: string): Promise<ItemRow[]> {
  return itemRows.select(
    ex,
    sql`select ${itemRows.columns} from ${dutyfreeReservationItems} where reservation_id = ${reservationId}
        order by line_no`,
  );
}

/**
 * One audit entry and its outbox event: the head's lock goes out with whatever the caller issued
 * before (pipelined), the entry and the event together in the next round trip.
 */
export async function auditWithEvent(tx: Tx, entry: AuditInput, event: Omit<NewEvent, 'auditSeq'>): Promise<number> {
  const [appended] = await appendAuditMany(tx, [entry], ([e]) => enqueueEvents(tx, [{ ...event, auditSeq: e!.seq }]));
  return appended!.seq;
}
