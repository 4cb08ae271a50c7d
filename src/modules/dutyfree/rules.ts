/**
 * Offshore duty-free (离岛免税, ../shared/spec/mission.md §8) as pure functions: eligibility of the buyer, the
 * departure, the collection method, per-trip category limits and the yearly quota. Values, the
 * purchase date and the parameters in force come in; refusals come out, each naming the request
 * field and the rule. No I/O, no clock.
 */
import { Decimal } from 'decimal.js';
import { residentIdBirthDate, validatePassportNumber, validateResidentId } from '../../kernel/residentId.ts';
import type { Violation } from '../../kernel/violation.ts';
import type { CategoryEntry, CategoryTable } from './parameters.ts';

export type { CategoryEntry, CategoryTable } from './parameters.ts';

export const ID_TYPES = ['RESIDENT_ID', 'PASSPORT', 'HK_MACAO_PERMIT', 'TAIWAN_PERMIT'] as const;
export type IdType = (typeof ID_TYPES)[number];
export const DEPARTURE_MODES = ['FLIGHT', 'TRAIN', 'SHIP'] as const;
export type DepartureMode = (typeof DEPARTURE_MODES)[number];
export const DESTINATIONS = ['MAINLAND', 'ABROAD'] as const;
export type Destination = (typeof DESTINATIONS)[number];
export const COLLECTIONS = [
  'DEPARTURE_PICKUP', // 离岛提货: at the airport, station or port counter when leaving
  'MAIL', // 邮寄送达: to an off-island address, buyer = payer = recipient
  'RETURN_PICKUP', // 返岛提取: island residents collect when they come back
  'GUARANTEE_AND_COLLECT', // 担保即提: unit price at or above the threshold, a guarantee, goods taken at once
  'BUY_AND_COLLECT', // 即购即提: listed categories below the threshold, goods taken at once
] as const;
export type Collection = (typeof COLLECTIONS)[number];
/** The collection methods that hand the goods over before departure: the buyer must then leave in time. */
export const COLLECT_AT_ONCE: readonly Collection[] = ['GUARANTEE_AND_COLLECT', 'BUY_AND_COLLECT'];

/** The rule names the contract gives refusals (422). */
export const RULES = {
  quota: 'dutyfree.quota',
  categoryLimit: 'dutyfree.categoryLimit',
  age: 'dutyfree.age',
  banned: 'dutyfree.banned',
  departure: 'dutyfree.departure',
  collection: 'dutyfree.collection',
} as const;

/** A rule's answer about one field of the request. */
export interface Refusal {
  path: string;
  rule: string;
  message: string;
}

export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof D>;

/** Money as the wire and the database carry it: two decimals. */
export const money = (d: Decimal.Value): string => new D(d).toFixed(2);

// ---------------------------------------------------------------------------------------------
// Identity

/** Island residents (岛内居民) are told by a Hainan address code (46) on the resident ID. */
export function isIslandResident(idType: IdType, idNumber: string): boolean {
  return idType === 'RESIDENT_ID' && idNumber.startsWith('46');
}

/**
 * The format of each identity document. 港澳居民来往内地通行证: H (Hong Kong) or M (Macao) and 8
 * digits, older cards 10; 台湾居民来往大陆通行证: 8 digits, older booklets 10 and a letter.
 */
export function idNumberViolation(idType: IdType, idNumber: string, asOf: Date): Violation | null {
  switch (idType) {
    case 'RESIDENT_ID':
      return validateResidentId(idNumber, asOf);
    case 'PASSPORT':
      return validatePassportNumber(idNumber);
    case 'HK_MACAO_PERMIT':
      return /^[HM]\d{8}(\d{2})?$/.test(idNumber)
        ? null
        : {
            rule: 'dutyfree.idNumber.hkMacaoPermit',
            message:
              'A Mainland Travel Permit for Hong Kong and Macao Residents is H or M and 8 (older cards 10) digits.',
          };
    case 'TAIWAN_PERMIT':
      return /^(\d{8}|\d{10}[A-Z]?)$/.test(idNumber)
        ? null
        : {
            rule: 'dutyfree.idNumber.taiwanPermit',
            message: 'A Mainland Travel Permit for Taiwan Residents is 8 digits (older booklets 10 and a letter).',
          };
  }
}

/**
 * The birth date a sale checks the age with: the resident ID's own (a different one in the body is
 * an error), or the one given for any other document (required).
 */
export function birthDateOf(
  idType: IdType,
  idNumber: string,
  given: string | undefined,
): { birthDate: string } | Refusal {
  if (idType === 'RESIDENT_ID') {
    const fromId = residentIdBirthDate(idNumber);
    if (given && given !== fromId)
      return {
        path: 'buyer.birthDate',
        rule: 'dutyfree.birthDateMismatch',
        message: `The resident ID says the buyer was born on ${fromId}, not ${given}.`,
      };
    return { birthDate: fromId };
  }
  if (!given)
    return {
      path: 'buyer.birthDate',
      rule: 'dutyfree.birthDateRequired',
      message: `Give the buyer's birth date (YYYY-MM-DD) from the ${idType}.`,
    };
  return { birthDate: given };
}

// ---------------------------------------------------------------------------------------------
// Dates

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * Whole years of age on `on` (YYYY-MM-DD). One is a year older on the birthday itself. Born on
 * 29 February, in a year without one the birthday is 28 February (the month-end rule for periods
 * counted in years, Civil Code art. 202).
 */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  const birthdayDay = bm === 2 && bd === 29 && !isLeap(y) ? 28 : bd;
  const beforeBirthday = m < bm || (m === bm && d < birthdayDay);
  return y - by - (beforeBirthday ? 1 : 0);
}

export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The same day `years` later; 29 February becomes 28 February in a year without one. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const ty = y + years;
  const day = m === 2 && d === 29 && !isLeap(ty) ? 28 : d;
  return `${String(ty).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The quota year of a purchase: the calendar year of its Asia/Shanghai business date. */
export function quotaYear(purchaseDate: string): number {
  return Number(purchaseDate.slice(0, 4));
}

// ---------------------------------------------------------------------------------------------
// Eligibility

export interface BanInForce {
  validFrom: string;
  validTo: string;
  reason: string;
}

export function banRefusal(bans: readonly BanInForce[], purchaseDate: string): Refusal | null {
  const ban = bans.find((b) => b.validFrom <= purchaseDate && purchaseDate < b.validTo);
  if (!ban) return null;
  return {
    path: 'buyer',
    rule: RULES.banned,
    message: `The buyer may not buy duty-free goods until ${addDays(ban.validTo, -1)} inclusive (${ban.reason}).`,
  };
}

export function ageRefusal(birthDate: string, purchaseDate: string, minimumAge: number): Refusal | null {
  const age = ageOn(birthDate, purchaseDate);
  if (age >= minimumAge) return null;
  return {
    path: 'buyer.birthDate',
    rule: RULES.age,
    message: `Buyers must be ${minimumAge} or older; this buyer is ${Math.max(age, 0)} on ${purchaseDate}.`,
  };
}

export interface DepartureFacts {
  date: string;
  destination: Destination;
}

/** The departure: not before the purchase, within the window, to a destination the policy covers. */
export function departureRefusals(
  dep: DepartureFacts,
  purchaseDate: string,
  p: { windowDays: number; destinations: readonly string[] },
): Refusal[] {
  const out: Refusal[] = [];
  if (dep.date < purchaseDate)
    out.push({
      path: 'departure.date',
      rule: RULES.departure,
      message: `The departure (${dep.date}) is before the purchase (${purchaseDate}).`,
    });
  const latest = addDays(purchaseDate, p.windowDays);
  if (dep.date > latest)
    out.push({
      path: 'departure.date',
      rule: RULES.departure,
      message: `A purchase on ${purchaseDate} names a departure on or before ${latest} (${p.windowDays} days).`,
    });
  if (!p.destinations.includes(dep.destination))
    out.push({
      path: 'departure.destination',
      rule: RULES.departure,
      message: `Travellers leaving for ${dep.destination} may not buy duty-free goods on ${purchaseDate}.`,
    });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Collection

export interface SaleLine {
  category: string;
  unitPrice: string;
  quantity: number;
  piecesPerUnit: number;
  volumeMl?: number | null;
}

export interface MailFacts {
  /** Keyed hash of the recipient's identity, comparable with the buyer's. */
  recipientHash: string;
  /** GB/T 2260 province code of the delivery address. */
  province: string;
}

export interface CollectionFacts {
  collection: Collection;
  islandResident: boolean;
  buyerHash: string;
  /** Null when the shop named no payer. */
  payerHash: string | null;
  mail: MailFacts | null;
  departureDate: string;
  purchaseDate: string;
}

export interface CollectionParameters {
  guaranteeMinUnitPrice: string;
  buyAndCollectMaxUnitPrice: string;
  departureDeadlineDays: number;
}

/**
 * Mainland provinces (GB/T 2260), where mailed goods may go: not Hainan (46), Taiwan (71), Hong Kong (81), Macao
 * (82).
 */
const MAINLAND_PROVINCES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
]);

function mailRefusals(f: CollectionFacts): Refusal[] {
  const rule = RULES.collection;
  if (!f.mail)
    return [{ path: 'mail', rule, message: 'Mail delivery needs the recipient and the off-island address (mail).' }];
  const out: Refusal[] = [];
  if (f.payerHash === null)
    out.push({
      path: 'payer',
      rule,
      message: 'Mail delivery needs the payer named: buyer, payer and recipient must be one person.',
    });
  else if (f.payerHash !== f.buyerHash)
    out.push({ path: 'payer', rule, message: 'With mail delivery the buyer must pay: the payer is another person.' });
  if (f.mail.recipientHash !== f.buyerHash)
    out.push({ path: 'mail.recipient', rule, message: 'With mail delivery the buyer must be the recipient.' });
  if (!MAINLAND_PROVINCES.has(f.mail.province))
    out.push({
      path: 'mail.address.province',
      rule,
      message: `Mailed goods go to an address off the island on the mainland; province ${f.mail.province} is not one.`,
    });
  return out;
}

/** The collection method's own conditions on the buyer, the payer, the address and each line's unit price. */
export function collectionRefusals(
  lines: readonly SaleLine[],
  f: CollectionFacts,
  p: CollectionParameters,
  categories: CategoryTable,
): Refusal[] {
  const rule = RULES.collection;
  switch (f.collection) {
    case 'DEPARTURE_PICKUP':
      return [];
    case 'MAIL':
      return mailRefusals(f);
    case 'RETURN_PICKUP':
      return f.islandResident
        ? []
        : [
            {
              path: 'collection',
              rule,
              message: 'Only island residents (resident ID of Hainan) may collect on their return.',
            },
          ];
    case 'GUARANTEE_AND_COLLECT':
    case 'BUY_AND_COLLECT': {
      const out: Refusal[] = [];
      const deadline = addDays(f.purchaseDate, p.departureDeadlineDays);
      if (f.departureDate > deadline)
        out.push({
          path: 'departure.date',
          rule,
          message: `Goods taken at once must leave the island within ${p.departureDeadlineDays} days, by ${deadline}.`,
        });
      lines.forEach((l, i) => {
        const price = new D(l.unitPrice);
        if (f.collection === 'GUARANTEE_AND_COLLECT' && price.lt(p.guaranteeMinUnitPrice)) {
          out.push({
            path: `items[${i}].unitPrice`,
            rule,
            message: `Guarantee-and-collect is for unit prices of ${p.guaranteeMinUnitPrice} CNY or more.`,
          });
        }
        if (f.collection === 'BUY_AND_COLLECT') {
          if (!price.lt(p.buyAndCollectMaxUnitPrice))
            out.push({
              path: `items[${i}].unitPrice`,
              rule,
              message: `Buy-and-collect is for unit prices below ${p.buyAndCollectMaxUnitPrice} CNY.`,
            });
          if (!categories[l.category]?.buyAndCollect)
            out.push({
              path: `items[${i}].category`,
              rule,
              message: `${l.category} is not on the list of goods that may be bought and collected at once.`,
            });
        }
      });
      return out;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Per-trip limits and the quota

/** What a trip's earlier sales (confirmed and not returned, or held) already count, per category. */
export interface CategoryUsage {
  pieces: number;
  millilitres: number;
}

/** The lines a category limit needs and does not have (a volume for a millilitre limit): malformed, 400. */
export function missingVolumes(lines: readonly SaleLine[], categories: CategoryTable): Refusal[] {
  return lines.flatMap((l, i) =>
    categories[l.category]?.millilitres !== undefined && !l.volumeMl
      ? [
          {
            path: `items[${i}].volumeMl`,
            rule: 'dutyfree.volumeRequired',
            message: `${l.category} is limited by volume: give volumeMl per unit.`,
          },
        ]
      : [],
  );
}

/**
 * Per-trip limits by category, summed over the trip: what the trip's other sales count plus every
 * line of this one. A category missing from the table is not a duty-free category that day.
 */
export function categoryRefusals(
  lines: readonly SaleLine[],
  categories: CategoryTable,
  usage: ReadonlyMap<string, CategoryUsage>,
): Refusal[] {
  const rule = RULES.categoryLimit;
  const out: Refusal[] = [];
  const sums = new Map<string, { pieces: number; millilitres: number; first: number }>();
  lines.forEach((l, i) => {
    if (!categories[l.category]) {
      out.push({
        path: `items[${i}].category`,
        rule,
        message: `${l.category} is not a duty-free category on the purchase date.`,
      });
      return;
    }
    const s = sums.get(l.category) ?? { pieces: 0, millilitres: 0, first: i };
    s.pieces += l.quantity * l.piecesPerUnit;
    s.millilitres += l.quantity * (l.volumeMl ?? 0);
    sums.set(l.category, s);
  });
  for (const [category, s] of sums) {
    const limit: CategoryEntry = categories[category]!;
    const before = usage.get(category) ?? { pieces: 0, millilitres: 0 };
    const path = `items[${s.first}]`;
    if (limit.pieces !== undefined && before.pieces + s.pieces > limit.pieces) {
      out.push({
        path,
        rule,
        message:
          `${limit.nameZh} ${category}: at most ${limit.pieces} pieces per trip; ` +
          `${before.pieces} already on this trip, ${s.pieces} more asked.`,
      });
    }
    if (limit.millilitres !== undefined && before.millilitres + s.millilitres > limit.millilitres) {
      out.push({
        path,
        rule,
        message:
          `${limit.nameZh} ${category}: at most ${limit.millilitres} ml per trip; ` +
          `${before.millilitres} ml already on this trip, ${s.millilitres} ml more asked.`,
      });
    }
  }
  return out;
}

/** The sale's amount at retail price: Σ unit price × quantity, exact. */
export function saleAmount(lines: readonly Pick<SaleLine, 'unitPrice' | 'quantity'>[]): Dec {
  return lines.reduce((sum, l) => sum.plus(new D(l.unitPrice).times(l.quantity)), new D(0));
}

export interface QuotaState {
  quota: string;
  used: string;
  reserved: string;
}

export function quotaLeft(q: QuotaState): Dec {
  return new D(q.quota).minus(q.used).minus(q.reserved);
}

export function quotaRefusal(q: QuotaState, amount: Decimal.Value): Refusal | null {
  const left = quotaLeft(q);
  if (left.gte(amount)) return null;
  return {
    path: 'items',
    rule: RULES.quota,
    message:
      `The sale (${money(amount)} CNY) is over the buyer's quota left this year ` +
      `(${money(D.max(left, 0))} of ${money(q.quota)} CNY).`,
  };
}

// ---------------------------------------------------------------------------------------------
// Parameters an administrator sets

const DECIMAL = /^\d{1,12}(\.\d{1,2})?$/;
const CATEGORY_CODE = /^[A-Z][A-Z0-9_]{1,39}$/;
/** The first table (2020) was keyed by English words; later versions by the contract's category codes. */
const LEGACY_KEYS: Record<string, string> = {
  cosmetics: 'COSMETICS',
  mobilePhones: 'MOBILE_PHONE',
  alcohol: 'ALCOHOL',
};

function entryViolations(code: string, e: unknown): string[] {
  if (!e || typeof e !== 'object' || Array.isArray(e))
    return [`${code} must be an object { nameZh, nameEn, pieces?, millilitres?, buyAndCollect? }.`];
  const v = e as Record<string, unknown>;
  const out: string[] = [];
  for (const k of Object.keys(v))
    if (!['nameZh', 'nameEn', 'pieces', 'millilitres', 'buyAndCollect'].includes(k))
      out.push(`${code}.${k} is not a known field.`);
  for (const k of ['nameZh', 'nameEn'])
    if (typeof v[k] !== 'string' || !(v[k] as string).trim() || (v[k] as string).length > 100)
      out.push(`${code}.${k} must be a name of 1 to 100 characters.`);
  for (const k of ['pieces', 'millilitres']) {
    if (v[k] !== undefined && !(Number.isInteger(v[k]) && (v[k] as number) > 0 && (v[k] as number) <= 1_000_000))
      out.push(`${code}.${k} must be a whole number from 1 to 1000000.`);
  }
  if (v.buyAndCollect !== undefined && typeof v.buyAndCollect !== 'boolean')
    out.push(`${code}.buyAndCollect must be true or false.`);
  return out;
}

/** Checks a category table; empty when an administrator may store it. */
export function categoryTableViolations(value: unknown): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return ['The category table is an object keyed by category code.'];
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return ['The category table needs at least one category.'];
  if (entries.length > 200) return ['At most 200 categories.'];
  return entries.flatMap(([code, e]) =>
    CATEGORY_CODE.test(code)
      ? entryViolations(code, e)
      : [`${code} is not a category code (capital letters, digits and _, e.g. COSMETICS).`],
  );
}

/** The table in force as rules read it; the first (2020) version's keys are mapped to category codes. */
export function categoryTable(value: unknown): CategoryTable {
  const out: CategoryTable = {};
  for (const [key, e] of Object.entries((value ?? {}) as Record<string, Partial<CategoryEntry>>)) {
    const code = LEGACY_KEYS[key] ?? key;
    out[code] = {
      nameZh: e.nameZh ?? code,
      nameEn: e.nameEn ?? code,
      ...(e.pieces !== undefined ? { pieces: e.pieces } : {}),
      ...(e.millilitres !== undefined ? { millilitres: e.millilitres } : {}),
      ...(e.buyAndCollect ? { buyAndCollect: true } : {}),
    };
  }
  return out;
}

const wholeIn = (min: number, max: number) => (v: unknown) =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const positiveDecimal = (v: unknown) => typeof v === 'string' && DECIMAL.test(v) && new D(v).gt(0);

const CHECKS: Record<string, { ok: (v: unknown) => boolean; says: string }> = {
  'dutyfree.annualQuotaCny': {
    ok: positiveDecimal,
    says: 'a positive decimal string of CNY with at most 2 decimals, e.g. "100000"',
  },
  'dutyfree.minimumAge': { ok: wholeIn(0, 100), says: 'a whole number of years from 0 to 100' },
  'dutyfree.departureWindowDays': { ok: wholeIn(0, 3650), says: 'a whole number of days from 0 to 3650' },
  'dutyfree.reservationTtlMinutes': { ok: wholeIn(1, 1440), says: 'a whole number of minutes from 1 to 1440' },
  'dutyfree.guaranteeCollectMinUnitPriceCny': { ok: positiveDecimal, says: 'a positive decimal string of CNY' },
  'dutyfree.buyAndCollectMaxUnitPriceCny': { ok: positiveDecimal, says: 'a positive decimal string of CNY' },
  'dutyfree.departureDeadlineDays': { ok: wholeIn(1, 365), says: 'a whole number of days from 1 to 365' },
  'dutyfree.banYears': { ok: wholeIn(1, 20), says: 'a whole number of years from 1 to 20' },
  'dutyfree.destinations': {
    ok: (v) =>
      Array.isArray(v) &&
      v.length > 0 &&
      v.every((d) => (DESTINATIONS as readonly unknown[]).includes(d)) &&
      new Set(v).size === v.length,
    says: 'a list of MAINLAND and/or ABROAD',
  },
};

/** The check registered with the parameters service: null for names that are not duty-free's. */
export function dutyfreeParameterViolations(name: string, value: unknown): Violation[] | null {
  if (!name.startsWith('dutyfree.')) return null;
  const rule = `dutyfree.parameters.${name.slice('dutyfree.'.length)}`;
  if (name === 'dutyfree.perTripLimits') return categoryTableViolations(value).map((message) => ({ rule, message }));
  const check = CHECKS[name];
  if (!check) return null;
  return check.ok(value) ? [] : [{ rule, message: `${name} must be ${check.says}.` }];
}
