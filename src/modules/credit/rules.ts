/**
 * Credit classification at the second line (二线口岸通关信用, ../shared/spec/mission.md §2). Pure: inputs, the date
 * (`asOf`) and the policy parameters come in; no I/O, no clock.
 *
 * Time model. Every input has a business `effectiveDate` and counts from that day on. The class on a
 * day depends only on the inputs and that day, so it can be recomputed for any past or future date.
 *
 * Withdrawals. `withdrawn` marks a correction (the input was wrong). A withdrawn input is ignored
 * for every `asOf` on or after the withdrawal date and still counts before it: the class as it was
 * published on those earlier days stays reproducible, and the correction shows up as a class change
 * on the withdrawal date (which the daily sweep publishes). A withdrawal dated on or before the
 * input's effective date means the input never counts.
 *
 * Periods. A legal event dated E keeps the subject on FOCUS on E and every day before E + N years
 * (N = `focusPeriodYears`, or `individualFocusPeriodYears` for individuals); on E + N years the
 * reason no longer applies. 29 February + N years is 1 March when the target year has no 29 February
 * (see `addYears`): 2024-02-29 + 3 years ends the period on 2027-03-01, so 2027-02-28 is the last
 * FOCUS day.
 */
import { addYears, parseDate, type BusinessDate } from './dates.ts';

export const SUBJECT_KINDS = ['ENTERPRISE', 'INDIVIDUAL'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export const CREDIT_CLASSES = [
  'FOCUS', // 重点关注名单
  'WHITELIST', // 白名单
  'ADVANCED_CERTIFIED', // 高级认证企业 (AEO)
] as const;
export type CreditClass = (typeof CREDIT_CLASSES)[number];

/** Worst first: a larger rank is a better class. */
export const CREDIT_CLASS_RANK: Readonly<Record<CreditClass, number>> = {
  FOCUS: 0,
  WHITELIST: 1,
  ADVANCED_CERTIFIED: 2,
};

export const LEGAL_EVENT_KINDS = [
  'SMUGGLING_PENALTY', // 走私行政处罚
  'SERIOUS_DISHONESTY_LISTING', // 严重失信主体名单
  'OTHER_LEGAL_LISTING', // 其他法定名单
] as const;
export type LegalEventKind = (typeof LEGAL_EVENT_KINDS)[number];

export const AEO_ACTIONS = ['GRANTED', 'REVOKED', 'SUSPENDED'] as const;
export type AeoAction = (typeof AEO_ACTIONS)[number];

export interface Withdrawal {
  date: BusinessDate;
  reason: string;
}

interface CreditInputBase {
  id: string;
  subjectKind: SubjectKind;
  /** Department that pushed the input: 'customs', 'tax', 'market_regulation', 'maritime', ... */
  source: string;
  effectiveDate: BusinessDate;
  /** The department's own document number, for people to look up. */
  reference?: string;
  withdrawn?: Withdrawal;
}

/** A department's sector credit rating; the latest one of the same department replaces earlier ones. */
export interface SectorRatingInput extends CreditInputBase {
  type: 'SECTOR_RATING';
  department: string;
  level: string;
  /** True when `level` is that department's lowest level. */
  isLowestLevel: boolean;
}

export interface LegalEventInput extends CreditInputBase {
  type: 'EVENT';
  kind: LegalEventKind;
}

export interface AeoInput extends CreditInputBase {
  type: 'AEO';
  action: AeoAction;
}

export type CreditInput = SectorRatingInput | LegalEventInput | AeoInput;

export const CREDIT_RULES = {
  lowestSectorRating: 'credit.focus.lowestSectorRating',
  legalEvent: 'credit.focus.legalEvent',
  aeo: 'credit.advancedCertified.aeo',
  whitelistDefault: 'credit.whitelist.default',
} as const;
export type CreditRuleId = (typeof CREDIT_RULES)[keyof typeof CREDIT_RULES];

/** The department named as source of the default white-list reason: customs applies the rule set. */
export const DEFAULT_REASON_SOURCE = 'customs';

export interface CreditReason {
  rule: CreditRuleId;
  source: string;
  inputIds: string[];
  since: BusinessDate;
  /** First day the reason no longer applies if nothing changes; absent when open-ended. */
  until?: BusinessDate;
}

export interface Classification {
  class: CreditClass;
  /** Never empty. For FOCUS, every reason that applies. */
  reasons: CreditReason[];
  /** First day of another class if nothing changes; absent when open-ended. */
  validUntil?: BusinessDate;
}

export interface ClassChange {
  date: BusinessDate;
  from: CreditClass;
  to: CreditClass;
  /** The reasons for the new class on `date`. */
  reasons: CreditReason[];
}

/** The parameters classification reads; `CreditParameters` (parameters.ts) has them all. */
export interface CreditClassificationParameters {
  /** credit.focusPeriodYears */
  focusPeriodYears: number;
  /** credit.individualFocusPeriodYears */
  individualFocusPeriodYears: number;
}

// ---------------------------------------------------------------------------------------------
// Public rules

export function classify(
  subjectKind: SubjectKind,
  inputs: readonly CreditInput[],
  asOf: BusinessDate,
  params: CreditClassificationParameters,
): Classification {
  validate(subjectKind, inputs, params, asOf);
  return classifyOn(subjectKind, inputs, asOf, params, timeline(subjectKind, inputs, params));
}

/** The first day after `asOf` with another class if no input is added, or null if the class never changes. */
export function nextChangeDate(
  subjectKind: SubjectKind,
  inputs: readonly CreditInput[],
  asOf: BusinessDate,
  params: CreditClassificationParameters,
): BusinessDate | null {
  validate(subjectKind, inputs, params, asOf);
  return changeAfter(timeline(subjectKind, inputs, params), asOf);
}

/**
 * The first day after `asOf` on which the classification (class, reasons or their end dates) may
 * read differently if no input is added, or null when it never will. Up to the day before, the
 * classification of `asOf` stands, so a stored one can be served without re-reading the inputs.
 */
export function nextReviewDate(
  subjectKind: SubjectKind,
  inputs: readonly CreditInput[],
  asOf: BusinessDate,
  params: CreditClassificationParameters,
): BusinessDate | null {
  validate(subjectKind, inputs, params, asOf);
  return reviewAfter(timeline(subjectKind, inputs, params), asOf);
}

export interface Assessment {
  classification: Classification;
  nextChange: BusinessDate | null;
  nextReview: BusinessDate | null;
}

/** classify, nextChangeDate and nextReviewDate at once, evaluating each change point once (bulk recomputation). */
export function assess(
  subjectKind: SubjectKind,
  inputs: readonly CreditInput[],
  asOf: BusinessDate,
  params: CreditClassificationParameters,
): Assessment {
  validate(subjectKind, inputs, params, asOf);
  const tl = timeline(subjectKind, inputs, params);
  return {
    classification: classifyOn(subjectKind, inputs, asOf, params, tl),
    nextChange: changeAfter(tl, asOf),
    nextReview: reviewAfter(tl, asOf),
  };
}

/**
 * Class changes on the days after `from` up to and including `to`, oldest first: consecutive ranges
 * (a, b], (b, c] never report a change twice. The class can only change on an input's effective
 * date, a withdrawal date or the end of a legal event's period, so only those days are evaluated.
 */
export function classChanges(
  subjectKind: SubjectKind,
  inputs: readonly CreditInput[],
  from: BusinessDate,
  to: BusinessDate,
  params: CreditClassificationParameters,
): ClassChange[] {
  validate(subjectKind, inputs, params, from);
  parseDate(to, 'to');
  if (to < from) throw new RangeError(`classChanges: to (${to}) is before from (${from}).`);
  const tl = timeline(subjectKind, inputs, params);
  const changes: ClassChange[] = [];
  let previous = classAt(tl, from);
  tl.points.forEach((date, i) => {
    const now = tl.classes[i]!;
    if (date <= from || date > to || now === previous) return;
    changes.push({ date, from: previous, to: now, reasons: classifyOn(subjectKind, inputs, date, params, tl).reasons });
    previous = now;
  });
  return changes;
}

export function compareClasses(a: CreditClass, b: CreditClass): number {
  return CREDIT_CLASS_RANK[a] - CREDIT_CLASS_RANK[b];
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/**
 * The class on every day it may change (the change points), each evaluated once. Between two
 * points nothing that the rules read changes, so the class on any day is the class of the last
 * point on or before it, and WHITELIST before the first (no input is in force yet).
 */
interface Timeline {
  points: BusinessDate[];
  classes: CreditClass[];
}

function timeline(
  subjectKind: SubjectKind,
  inputs: readonly CreditInput[],
  params: CreditClassificationParameters,
): Timeline {
  const sorted = [...inputs].sort(byDateThenId);
  const points = changePoints(subjectKind, inputs, params);
  return { points, classes: points.map((date) => evaluate(subjectKind, sorted, date, params).class) };
}

/** Index of the last change point on or before `date`, -1 when there is none. */
function pointIndex(tl: Timeline, date: BusinessDate): number {
  let lo = 0;
  let hi = tl.points.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (tl.points[mid]! <= date) (found = mid), (lo = mid + 1);
    else hi = mid - 1;
  }
  return found;
}

function classAt(tl: Timeline, date: BusinessDate): CreditClass {
  const i = pointIndex(tl, date);
  return i < 0 ? 'WHITELIST' : tl.classes[i]!;
}

function changeAfter(tl: Timeline, asOf: BusinessDate): BusinessDate | null {
  const current = classAt(tl, asOf);
  for (let i = pointIndex(tl, asOf) + 1; i < tl.points.length; i++) if (tl.classes[i] !== current) return tl.points[i]!;
  return null;
}

function reviewAfter(tl: Timeline, asOf: BusinessDate): BusinessDate | null {
  return tl.points[pointIndex(tl, asOf) + 1] ?? null;
}

function classifyOn(
  subjectKind: SubjectKind,
  inputs: readonly CreditInput[],
  asOf: BusinessDate,
  params: CreditClassificationParameters,
  tl: Timeline,
): Classification {
  const found = evaluate(subjectKind, inputs, asOf, params);
  if (found.class !== 'WHITELIST') return found;
  return { class: 'WHITELIST', reasons: [whitelistReason(inputs, asOf, tl)] };
}

/** The class on `asOf`; for WHITELIST the reasons are left to `whitelistReason`. */
function evaluate(
  subjectKind: SubjectKind,
  inputs: readonly CreditInput[],
  asOf: BusinessDate,
  params: CreditClassificationParameters,
): Classification {
  const active = inputs.filter((input) => isActive(input, asOf)).sort(byDateThenId);
  const focus = [
    ...lowestRatingReasons(active),
    ...legalEventReasons(active, asOf, focusYears(subjectKind, params)),
  ].sort(compareReasons);
  if (focus.length > 0) {
    const open = focus.some((r) => r.until === undefined);
    const validUntil = open ? undefined : focus.map((r) => r.until as string).reduce((a, b) => (a > b ? a : b));
    return validUntil === undefined
      ? { class: 'FOCUS', reasons: focus }
      : { class: 'FOCUS', reasons: focus, validUntil };
  }
  // Individuals never get ADVANCED_CERTIFIED, so their AEO inputs (if any) are ignored.
  const aeo = subjectKind === 'ENTERPRISE' ? aeoReason(active) : null;
  if (aeo) return { class: 'ADVANCED_CERTIFIED', reasons: [aeo] };
  return { class: 'WHITELIST', reasons: [] };
}

function isActive(input: CreditInput, asOf: BusinessDate): boolean {
  if (input.effectiveDate > asOf) return false;
  return !(input.withdrawn && input.withdrawn.date <= asOf);
}

function focusYears(subjectKind: SubjectKind, params: CreditClassificationParameters): number {
  return subjectKind === 'ENTERPRISE' ? params.focusPeriodYears : params.individualFocusPeriodYears;
}

/** One reason per department whose current rating is its lowest level; open-ended. */
function lowestRatingReasons(active: readonly CreditInput[]): CreditReason[] {
  const byDepartment = new Map<string, SectorRatingInput[]>();
  for (const input of active) {
    if (input.type !== 'SECTOR_RATING') continue;
    const list = byDepartment.get(input.department) ?? [];
    list.push(input);
    byDepartment.set(input.department, list);
  }
  const reasons: CreditReason[] = [];
  for (const ratings of byDepartment.values()) {
    const run = trailingRun(ratings, (r) => r.isLowestLevel);
    const current = run[run.length - 1];
    if (!current) continue;
    reasons.push({
      rule: CREDIT_RULES.lowestSectorRating,
      source: current.source,
      inputIds: run.map((r) => r.id),
      since: run[0]!.effectiveDate,
    });
  }
  return reasons;
}

/** One reason per legal event whose period still runs on `asOf`; the latest event decides when FOCUS ends. */
function legalEventReasons(active: readonly CreditInput[], asOf: BusinessDate, years: number): CreditReason[] {
  const reasons: CreditReason[] = [];
  for (const input of active) {
    if (input.type !== 'EVENT') continue;
    const until = addYears(input.effectiveDate, years);
    if (asOf < until)
      reasons.push({
        rule: CREDIT_RULES.legalEvent,
        source: input.source,
        inputIds: [input.id],
        since: input.effectiveDate,
        until,
      });
  }
  return reasons;
}

/** Valid AEO: the latest action decides; `since` is the start of the unbroken run of grants (renewals). */
function aeoReason(active: readonly CreditInput[]): CreditReason | null {
  const actions = active.filter((i): i is AeoInput => i.type === 'AEO');
  const run = trailingRun(actions, (a) => a.action === 'GRANTED');
  const current = run[run.length - 1];
  if (!current) return null;
  return {
    rule: CREDIT_RULES.aeo,
    source: current.source,
    inputIds: run.map((a) => a.id),
    since: run[0]!.effectiveDate,
  };
}

/** The longest suffix of a date-ordered list whose items all match. */
function trailingRun<T>(items: readonly T[], matches: (item: T) => boolean): T[] {
  let start = items.length;
  while (start > 0 && matches(items[start - 1]!)) start -= 1;
  return items.slice(start);
}

/**
 * The default reason. `since` is the day the current white-list run began as far as the inputs
 * show (the day the last FOCUS or AEO ended). If the inputs show no other class before, the subject
 * has been on the white list since its credit record began: the earliest input dated on or before
 * `asOf`, or `asOf` itself when there is none.
 */
function whitelistReason(inputs: readonly CreditInput[], asOf: BusinessDate, tl: Timeline): CreditReason {
  let since: BusinessDate | undefined;
  for (let i = pointIndex(tl, asOf); i >= 0 && since === undefined; i -= 1) {
    // The class on the day before point i is that of point i - 1 (nothing changes in between).
    if ((i > 0 ? tl.classes[i - 1]! : 'WHITELIST') !== 'WHITELIST') since = tl.points[i]!;
  }
  if (since === undefined) {
    const dated = inputs.map((i) => i.effectiveDate).filter((d) => d <= asOf);
    since = dated.length > 0 ? dated.reduce((a, b) => (a < b ? a : b)) : asOf;
  }
  return { rule: CREDIT_RULES.whitelistDefault, source: DEFAULT_REASON_SOURCE, inputIds: [], since };
}

/** Every day on which the class may change, sorted and distinct. */
function changePoints(
  subjectKind: SubjectKind,
  inputs: readonly CreditInput[],
  params: CreditClassificationParameters,
): BusinessDate[] {
  const years = focusYears(subjectKind, params);
  const points = new Set<BusinessDate>();
  for (const input of inputs) {
    points.add(input.effectiveDate);
    if (input.withdrawn) points.add(input.withdrawn.date);
    if (input.type === 'EVENT') points.add(addYears(input.effectiveDate, years));
  }
  return [...points].sort();
}

function byDateThenId(a: CreditInput, b: CreditInput): number {
  if (a.effectiveDate !== b.effectiveDate) return a.effectiveDate < b.effectiveDate ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function compareReasons(a: CreditReason, b: CreditReason): number {
  const ka = [a.rule, a.since, a.source, a.inputIds.join('\u0000')];
  const kb = [b.rule, b.since, b.source, b.inputIds.join('\u0000')];
  for (let i = 0; i < ka.length; i += 1) {
    if (ka[i]! !== kb[i]!) return ka[i]! < kb[i]! ? -1 : 1;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Validation: bad data is a caller's bug, so it throws instead of guessing.

function validate(
  subjectKind: SubjectKind,
  inputs: readonly CreditInput[],
  params: CreditClassificationParameters,
  asOf: BusinessDate,
): void {
  parseDate(asOf, 'asOf');
  if (!SUBJECT_KINDS.includes(subjectKind))
    throw new RangeError(`Unknown subject kind ${JSON.stringify(subjectKind)}.`);
  for (const [name, value] of [
    ['focusPeriodYears', params.focusPeriodYears],
    ['individualFocusPeriodYears', params.individualFocusPeriodYears],
  ] as const) {
    if (!Number.isInteger(value) || value < 0)
      throw new RangeError(`${name} must be a whole number of years, got ${value}.`);
  }
  const ids = new Set<string>();
  for (const input of inputs) {
    if (ids.has(input.id))
      throw new RangeError(
        `Credit input id ${input.id} appears twice; ids order inputs of the same day and must be unique.`,
      );
    ids.add(input.id);
    if (input.subjectKind !== subjectKind)
      throw new RangeError(`Credit input ${input.id} is for an ${input.subjectKind}, not an ${subjectKind}.`);
    parseDate(input.effectiveDate, `effectiveDate of credit input ${input.id}`);
    if (input.withdrawn) parseDate(input.withdrawn.date, `withdrawn.date of credit input ${input.id}`);
    if (!['SECTOR_RATING', 'EVENT', 'AEO'].includes((input as { type: string }).type)) {
      throw new RangeError(
        `Credit input ${input.id} has unknown type ${JSON.stringify((input as { type: string }).type)}.`,
      );
    }
  }
}

// The inspection rate a credit class sets (measures.ts), for the risk module's pure rules.
export { inspectionRate, type InspectionRateRule } from './measures.ts';
