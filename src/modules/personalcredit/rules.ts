/**
 * Personal credit scores (人员信用评价): every individual starts at a base score; dated, reasoned
 * behaviour records (violations, bans, penalties, good conduct) add or deduct points; the score gives
 * a level A (优) / B (良) / C (中) / D (差) by thresholds. Pure: the records, the date (`asOf`) and
 * the parameters come in; no I/O, no clock.
 *
 * Points are fixed when a record is made (from the points table in force on the day it happened) and
 * kept with it, so a later change of the table never rewrites what a person was told. Each record
 * counts from the day it happened until it expires (`countsUntil`, exclusive: the table's validity in
 * years, none for good conduct that never lapses) or is withdrawn (a correction). The thresholds are
 * read as of the date asked, like every other policy parameter.
 */
import { addYears, isBusinessDate, type BusinessDate } from '../../kernel/dates.ts';
import type { Violation } from '../../kernel/violation.ts';

export const RECORD_KINDS = [
  'VIOLATION', // 违规: a missed departure after buy-and-collect, a resale case
  'BAN', // 禁止购买: a duty-free purchase ban
  'PENALTY', // 行政处罚: an administrative penalty
  'GOOD_CONDUCT', // 守信: voluntary declaration, a report that led to a case
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export const LEVELS = ['A', 'B', 'C', 'D'] as const;
export type Level = (typeof LEVELS)[number];

/** What one kind of behaviour is worth: points (negative deducts) and for how many years it counts. */
export interface PointsRule {
  kind: RecordKind;
  points: number;
  /** Whole years the record counts from the day it happened; null: it never lapses. */
  validYears: number | null;
  zh: string;
  en: string;
}

export interface PersonalCreditParameters {
  /** personalCredit.base: the score of a person without records. */
  base: number;
  /** personalCredit.bounds: the score never leaves [min, max]. */
  bounds: { min: number; max: number };
  /** personalCredit.points: the table of behaviour codes. */
  points: Readonly<Record<string, PointsRule>>;
  /** personalCredit.levelThresholds: at or above A is A, at or above B is B, at or above C is C, else D. */
  levelThresholds: { A: number; B: number; C: number };
  /** personalCredit.reviewEverySaleLevels: the levels whose every duty-free sale an officer reviews. */
  reviewEverySaleLevels: readonly Level[];
}

export interface Withdrawal {
  date: BusinessDate;
  reason: string;
}

export interface BehaviourRecord {
  id: string;
  code: string;
  kind: RecordKind;
  /** Fixed when recorded, from the points table in force on `occurredOn`. */
  points: number;
  occurredOn: BusinessDate;
  /** First day the record no longer counts, or null when it never lapses. */
  countsUntil: BusinessDate | null;
  reason: string;
  /** Who recorded it: 'dutyfree', 'customs', an officer. */
  source: string;
  withdrawn?: Withdrawal;
}

/** A new record's points and validity by the table, or the code it does not know. */
export function pointsFor(
  code: string,
  occurredOn: BusinessDate,
  params: Pick<PersonalCreditParameters, 'points'>,
): { kind: RecordKind; points: number; countsUntil: BusinessDate | null } | Violation {
  const rule = params.points[code];
  if (!rule) return { rule: 'personalCredit.code', message: `No points are defined for behaviour "${code}".` };
  return {
    kind: rule.kind,
    points: rule.points,
    countsUntil: rule.validYears === null ? null : addYears(occurredOn, rule.validYears),
  };
}

export function isViolation(x: unknown): x is Violation {
  return typeof x === 'object' && x !== null && 'rule' in x && 'message' in x;
}

/** Counts on `asOf`: happened on or before it, not yet lapsed, not withdrawn on or before it. */
export function counts(record: BehaviourRecord, asOf: BusinessDate): boolean {
  if (record.occurredOn > asOf) return false;
  if (record.countsUntil !== null && asOf >= record.countsUntil) return false;
  if (record.withdrawn && record.withdrawn.date <= asOf) return false;
  return true;
}

export function levelOf(score: number, t: PersonalCreditParameters['levelThresholds']): Level {
  if (score >= t.A) return 'A';
  if (score >= t.B) return 'B';
  if (score >= t.C) return 'C';
  return 'D';
}

export interface ScoreReason {
  recordId: string;
  code: string;
  kind: RecordKind;
  points: number;
  occurredOn: BusinessDate;
  countsUntil: BusinessDate | null;
  reason: string;
  source: string;
}

export interface PersonalScore {
  asOf: BusinessDate;
  base: number;
  score: number;
  level: Level;
  /** The records that count today, oldest first: the reasons shown to the person. */
  reasons: ScoreReason[];
  /** Points the bounds cut off (a person far below the minimum still shows the minimum). */
  clampedBy: number;
  /** The next day a counting record lapses or a dated record starts to count, or null. */
  nextChange: BusinessDate | null;
  /** Every sale of a person at this level is reviewed by an officer. */
  reviewEverySale: boolean;
}

function reasonOf(r: BehaviourRecord): ScoreReason {
  return {
    recordId: r.id,
    code: r.code,
    kind: r.kind,
    points: r.points,
    occurredOn: r.occurredOn,
    countsUntil: r.countsUntil,
    reason: r.reason,
    source: r.source,
  };
}

function byDateThenId(a: BehaviourRecord, b: BehaviourRecord): number {
  if (a.occurredOn !== b.occurredOn) return a.occurredOn < b.occurredOn ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The day after `asOf` on which some record starts or stops counting. */
function nextChangeAfter(records: readonly BehaviourRecord[], asOf: BusinessDate): BusinessDate | null {
  let next: BusinessDate | null = null;
  const consider = (d: BusinessDate | null | undefined) => {
    if (d && d > asOf && (next === null || d < next)) next = d;
  };
  for (const r of records) {
    // A record counts on [occurredOn, end): end is the earlier of its lapse and its withdrawal.
    const ends = [r.countsUntil, r.withdrawn?.date].filter((d): d is BusinessDate => Boolean(d)).sort();
    const end = ends[0] ?? null;
    if (end !== null && end <= r.occurredOn) continue;
    consider(r.occurredOn);
    consider(end);
  }
  return next;
}

/** The score and level on `asOf`, with the records behind them. */
export function scoreOf(
  records: readonly BehaviourRecord[],
  asOf: BusinessDate,
  p: PersonalCreditParameters,
): PersonalScore {
  const counting = records.filter((r) => counts(r, asOf)).sort(byDateThenId);
  const raw = counting.reduce((sum, r) => sum + r.points, p.base);
  const score = Math.min(p.bounds.max, Math.max(p.bounds.min, raw));
  const level = levelOf(score, p.levelThresholds);
  return {
    asOf,
    base: p.base,
    score,
    level,
    reasons: counting.map(reasonOf),
    clampedBy: raw - score,
    nextChange: nextChangeAfter(records, asOf),
    reviewEverySale: p.reviewEverySaleLevels.includes(level),
  };
}

const CODE = /^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/;
const isInt = (x: unknown, lo: number, hi: number) => Number.isInteger(x) && (x as number) >= lo && (x as number) <= hi;

function pointsTableViolations(value: unknown, rule: string): Violation[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ rule, message: 'personalCredit.points must be an object of behaviour codes.' }];
  }
  const out: Violation[] = [];
  for (const [code, r] of Object.entries(value as Record<string, Partial<PointsRule>>)) {
    const bad = (message: string) => out.push({ rule: `${rule}.${code}`, message: `${code}: ${message}` });
    if (!CODE.test(code)) bad('a code is dotted lower camel case, e.g. dutyfree.resaleCase.');
    if (!RECORD_KINDS.includes(r?.kind as RecordKind)) bad(`kind must be one of ${RECORD_KINDS.join(', ')}.`);
    if (!isInt(r?.points, -100, 100)) bad('points must be a whole number from -100 to 100.');
    else if (r.kind === 'GOOD_CONDUCT' ? r.points! < 0 : r.points! > 0) {
      bad('good conduct adds points; the other kinds deduct them.');
    }
    if (r?.validYears !== null && !isInt(r?.validYears, 1, 50)) bad('validYears must be null or 1 to 50 whole years.');
    if (typeof r?.zh !== 'string' || typeof r?.en !== 'string' || !r.zh || !r.en) bad('zh and en name it.');
  }
  return out;
}

/** The checks of this module's parameters: null when the name is not its own. */
export function personalCreditParameterViolations(name: string, value: unknown): Violation[] | null {
  const rule = name.replace(/^personalCredit\./, 'personalCredit.parameters.');
  const bad = (message: string) => [{ rule, message }];
  const v = (value ?? {}) as Record<string, unknown>;
  switch (name) {
    case 'personalCredit.base':
      return isInt(value, 1, 1000) ? [] : bad('base must be a whole number from 1 to 1000.');
    case 'personalCredit.bounds':
      return isInt(v.min, 0, 1000) && isInt(v.max, 1, 1000) && (v.min as number) < (v.max as number)
        ? []
        : bad('bounds must be { min, max }, whole numbers with 0 <= min < max <= 1000.');
    case 'personalCredit.points':
      return pointsTableViolations(value, rule);
    case 'personalCredit.levelThresholds':
      return isInt(v.A, 1, 1000) && isInt(v.B, 1, 1000) && isInt(v.C, 1, 1000) && v.A! > v.B! && v.B! > v.C!
        ? []
        : bad('levelThresholds must be { A, B, C }, whole numbers with A > B > C > 0.');
    case 'personalCredit.reviewEverySaleLevels':
      return Array.isArray(value) && value.every((l) => LEVELS.includes(l)) && new Set(value).size === value.length
        ? []
        : bad(`reviewEverySaleLevels must list distinct levels of ${LEVELS.join(', ')}.`);
    default:
      return null;
  }
}

/** The record dates a service accepts: a real date, not after today. */
export function recordDateViolation(occurredOn: string, today: BusinessDate): Violation | null {
  if (!isBusinessDate(occurredOn)) return { rule: 'date.calendar', message: 'Not a calendar date.' };
  if (occurredOn > today) {
    return { rule: 'personalCredit.futureRecord', message: 'A behaviour record cannot be dated after today.' };
  }
  return null;
}
