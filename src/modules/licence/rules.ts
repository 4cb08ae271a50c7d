/**
 * Prohibited and restricted goods (禁止/限制进出境货物) and licences (许可证件): pure rules. Which entries
 * of the dated list a goods line meets, and whether a licence may be written off for a use. No I/O,
 * no clock: the day comes in.
 *
 * - A PROHIBITED entry refuses the goods outright (`firstLine.prohibited`).
 * - A RESTRICTED entry lets them in or out only against a licence of its type, held by the declarant,
 *   whose scope covers the code, valid on the day, with quantity left (`firstLine.licenceRequired`,
 *   `licence.*`).
 * - A licence is written off per use like a book: what is used never exceeds what was granted.
 */
import { D, type Dec } from '../../kernel/money.ts';

export const MEASURES = ['PROHIBITED', 'RESTRICTED'] as const;
export type Measure = (typeof MEASURES)[number];
export const DIRECTIONS = ['IMPORT', 'EXPORT', 'BOTH'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** One entry of the list, as loaded. An entry names an HS prefix, keywords, or both (either matches). */
export interface RestrictedEntry {
  /** 2 to 10 digits of the tariff code; null when the entry is by keyword only. */
  hsPrefix: string | null;
  /** Words that catch goods declared under another code (e.g. 象牙 ivory); matched in the description. */
  keywords: string[];
  measure: Measure;
  /** The licence a RESTRICTED entry requires, e.g. IMPORT_LICENCE, ENDANGERED_SPECIES; null when prohibited. */
  licenceType: string | null;
  direction: Direction;
  validFrom: string;
  /** First day the entry no longer applies; null: open. */
  validTo: string | null;
  description: string;
  legalBasis: string | null;
}

export interface StoredEntry extends RestrictedEntry {
  /** Row id: the version a screening records. */
  version: number;
}

/** Identity of an entry across loads: a reload with other content (e.g. a validTo) is a new version of it. */
export const entryKey = (e: Pick<RestrictedEntry, 'direction' | 'hsPrefix' | 'keywords' | 'validFrom'>) =>
  `${e.direction}|${e.hsPrefix ?? ''}|${[...e.keywords].sort().join('/')}|${e.validFrom}`;

export const entryInForce = (e: { validFrom: string; validTo: string | null }, date: string) =>
  e.validFrom <= date && (e.validTo === null || date < e.validTo);

export interface GoodsLine {
  hsCode: string;
  description: string;
}

export interface Screening {
  prohibited: StoredEntry[];
  restricted: StoredEntry[];
}

const normalise = (s: string) => s.normalize('NFKC').toLowerCase();

/** Whether an entry catches a line: its code under the prefix, or one of its keywords in the description. */
export function entryMatches(e: RestrictedEntry, line: GoodsLine): boolean {
  if (e.hsPrefix !== null && line.hsCode.startsWith(e.hsPrefix)) return true;
  const text = normalise(line.description);
  return e.keywords.some((k) => text.includes(normalise(k)));
}

/** The entries in force on a day, for a direction, that catch a line. */
export function screenLine(
  entries: readonly StoredEntry[],
  line: GoodsLine,
  direction: 'IMPORT' | 'EXPORT',
  date: string,
): Screening {
  const hits = entries.filter(
    (e) => entryInForce(e, date) && (e.direction === 'BOTH' || e.direction === direction) && entryMatches(e, line),
  );
  return {
    prohibited: hits.filter((e) => e.measure === 'PROHIBITED'),
    restricted: hits.filter((e) => e.measure === 'RESTRICTED'),
  };
}

/** A licence as the department granted it, with what has been written off so far. */
export interface LicenceFacts {
  number: string;
  licenceType: string;
  holderEnterpriseId: string;
  /** HS prefixes (2–10 digits) the licence covers. */
  hsPrefixes: string[];
  quantity: string;
  used: string;
  validFrom: string;
  /** Last day the licence may be used (inclusive, as printed on it). */
  validUntil: string;
  status: 'ACTIVE' | 'REVOKED';
}

export interface LicenceUse {
  enterpriseId: string;
  hsCode: string;
  quantity: string;
  date: string;
  /** The licence type the goods need, when a restricted entry asked for one. */
  requiredType?: string | null;
}

export interface LicenceViolation {
  path: string;
  rule: string;
  message: string;
}

export const remaining = (l: Pick<LicenceFacts, 'quantity' | 'used'>): Dec => new D(l.quantity).minus(l.used);

/**
 * Why a licence may not be written off for a use, or null. In this order: who holds it, what it
 * covers, when it is valid, how much is left (so an expired and exhausted licence says expired).
 */
export function licenceUseViolation(l: LicenceFacts, u: LicenceUse): LicenceViolation | null {
  if (l.status === 'REVOKED') {
    return { path: 'licenceNumber', rule: 'licence.revoked', message: `Licence ${l.number} was revoked.` };
  }
  if (l.holderEnterpriseId !== u.enterpriseId) {
    return {
      path: 'licenceNumber',
      rule: 'licence.holder',
      message: `Licence ${l.number} is held by another enterprise; a licence is used only by its holder.`,
    };
  }
  if (u.requiredType && l.licenceType !== u.requiredType) {
    return {
      path: 'licenceNumber',
      rule: 'licence.type',
      message: `The goods need a ${u.requiredType} licence; ${l.number} is a ${l.licenceType}.`,
    };
  }
  if (!l.hsPrefixes.some((p) => u.hsCode.startsWith(p))) {
    return {
      path: 'licenceNumber',
      rule: 'licence.scope',
      message: `Licence ${l.number} covers ${l.hsPrefixes.join(', ')}, not HS ${u.hsCode}.`,
    };
  }
  if (u.date < l.validFrom) {
    return {
      path: 'licenceNumber',
      rule: 'licence.notYetValid',
      message: `Licence ${l.number} is valid from ${l.validFrom}, not on ${u.date}.`,
    };
  }
  if (u.date > l.validUntil) {
    return {
      path: 'licenceNumber',
      rule: 'licence.expired',
      message: `Licence ${l.number} expired after ${l.validUntil}; it cannot be used on ${u.date}.`,
    };
  }
  const left = remaining(l);
  if (new D(u.quantity).gt(left)) {
    return {
      path: 'quantity',
      rule: 'licence.exhausted',
      message:
        `Licence ${l.number} has ${left.toString()} left of ${new D(l.quantity).toString()}; ` + `${u.quantity} asked.`,
    };
  }
  return null;
}

/** A department may amend a licence (quantity, validity, scope) but never grant less than already used. */
export function amendmentViolation(
  current: Pick<LicenceFacts, 'used' | 'holderEnterpriseId'>,
  next: Pick<LicenceFacts, 'quantity' | 'holderEnterpriseId'>,
): LicenceViolation | null {
  if (current.holderEnterpriseId !== next.holderEnterpriseId) {
    return { path: 'holderUscc', rule: 'licence.holderFixed', message: 'A licence cannot change its holder.' };
  }
  if (new D(next.quantity).lt(current.used)) {
    return {
      path: 'quantity',
      rule: 'licence.belowUsed',
      message: `${current.used} are already written off; the licence cannot be cut to ${next.quantity}.`,
    };
  }
  return null;
}
