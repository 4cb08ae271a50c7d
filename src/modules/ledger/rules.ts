/**
 * The account book's pure rules (../shared/spec/mission.md §3, ../shared/spec/architecture.md "The account book is a
 * ledger of
 * goods"): how cost travels with quantity, which documents a regime allows, the direct-release
 * deadline, and the invariants every command is checked against. No I/O, no clock.
 */
import { Decimal } from 'decimal.js';
import { validateCountryCode } from '../../kernel/country.ts';
import { validateHsCode } from '../../kernel/hsCode.ts';
import type { FieldError } from '../../kernel/problem.ts';

export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof D>;

export const REGIMES = ['ZERO_TARIFF', 'PROCESSING_VALUE_ADDED', 'RELAXED_TRADE'] as const;
export type Regime = (typeof REGIMES)[number];

/** The qualification an enterprise needs to keep a book of a regime (../shared/spec/mission.md §1). */
export const QUALIFICATION_FOR_REGIME: Record<
  Regime,
  'ZERO_TARIFF_BENEFICIARY' | 'PROCESSING_VALUE_ADDED' | 'RELAXED_TRADE_END_USER'
> = {
  ZERO_TARIFF: 'ZERO_TARIFF_BENEFICIARY',
  PROCESSING_VALUE_ADDED: 'PROCESSING_VALUE_ADDED',
  RELAXED_TRADE: 'RELAXED_TRADE_END_USER',
};

export const SYSTEM_ACCOUNTS = [
  'abroad',
  'mainland',
  'island',
  'consumed',
  'produced',
  'scrapped',
  'adjustment',
] as const;
export type SystemAccount = (typeof SYSTEM_ACCOUNTS)[number];
export type AccountKind = 'stock' | SystemAccount;

/** Where a posted reservation sends the goods. */
export const POST_DESTINATIONS = ['mainland', 'abroad', 'island', 'consumed', 'scrapped'] as const;
export type PostDestination = (typeof POST_DESTINATIONS)[number];

export const DOCUMENT_TYPES = [
  'FIRST_LINE_IMPORT', // 一线进口
  'FIRST_LINE_EXPORT', // 一线出口 / 退运
  'ISLAND_TRANSFER', // 岛内流转 (out of the sender's book, into the receiver's)
  'PROCESSING', // 加工: consume by a bill of materials, produce outputs
  'SCRAP', // 报废 / 销毁
  'ADJUSTMENT', // 盘盈盘亏, approved by an auditor
  'REVERSAL', // 冲销 of an earlier document
  'RESERVATION_POSTING', // a posted reservation (second-line exit at the gate, …)
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export interface Cost {
  importedCny: Dec;
  domesticCny: Dec;
  hainanMadeCny: Dec;
}

export const ZERO_COST: Cost = { importedCny: new D(0), domesticCny: new D(0), hainanMadeCny: new D(0) };

export const costOf = (c: { importedCny: string; domesticCny: string; hainanMadeCny: string }): Cost => ({
  importedCny: new D(c.importedCny),
  domesticCny: new D(c.domesticCny),
  hainanMadeCny: new D(c.hainanMadeCny),
});

export const addCost = (a: Cost, b: Cost): Cost => ({
  importedCny: a.importedCny.plus(b.importedCny),
  domesticCny: a.domesticCny.plus(b.domesticCny),
  hainanMadeCny: a.hainanMadeCny.plus(b.hainanMadeCny),
});

export const costStrings = (c: Cost) => ({
  importedCny: c.importedCny.toFixed(2),
  domesticCny: c.domesticCny.toFixed(2),
  hainanMadeCny: c.hainanMadeCny.toFixed(2),
});

export const totalCost = (c: Cost): Dec => c.importedCny.plus(c.domesticCny).plus(c.hainanMadeCny);

/**
 * The cost basis of `quantity` units taken from stock at moving average: each column pro rata to
 * the quantity, half-up to the fen; taking the whole stock takes the whole cost, so nothing is
 * ever left behind by rounding.
 */
export function takeCost(onHand: Dec, stock: Cost, quantity: Dec): Cost {
  if (quantity.gte(onHand)) return stock;
  if (onHand.isZero()) return ZERO_COST;
  const part = (v: Dec) => v.times(quantity).dividedBy(onHand).toDecimalPlaces(2, D.ROUND_HALF_UP);
  return {
    importedCny: part(stock.importedCny),
    domesticCny: part(stock.domesticCny),
    hainanMadeCny: part(stock.hainanMadeCny),
  };
}

/**
 * Splits a cost over shares (weights), half-up to the fen, the last share taking the remainder so the parts add up
 * exactly.
 */
export function splitCost(cost: Cost, shares: readonly Dec[]): Cost[] {
  const total = shares.reduce((s, x) => s.plus(x), new D(0));
  const out: Cost[] = [];
  const left = { ...cost };
  shares.forEach((share, i) => {
    if (i === shares.length - 1) {
      out.push(left);
      return;
    }
    const part = (v: Dec) =>
      total.isZero() ? new D(0) : v.times(share).dividedBy(total).toDecimalPlaces(2, D.ROUND_HALF_UP);
    const c = {
      importedCny: part(cost.importedCny),
      domesticCny: part(cost.domesticCny),
      hainanMadeCny: part(cost.hainanMadeCny),
    };
    left.importedCny = left.importedCny.minus(c.importedCny);
    left.domesticCny = left.domesticCny.minus(c.domesticCny);
    left.hainanMadeCny = left.hainanMadeCny.minus(c.hainanMadeCny);
    out.push(c);
  });
  return out;
}

const QUANTITY = /^(?:0|[1-9][0-9]{0,17})(?:\.[0-9]{1,6})?$/;
const MONEY = /^(?:0|[1-9][0-9]{0,17})(?:\.[0-9]{1,2})?$/;

/** A quantity: a decimal string > 0 with at most 6 places (the legal unit's precision on the book). */
export function quantityViolation(value: string): string | null {
  if (!QUANTITY.test(value)) return 'must be a decimal string with at most 6 decimal places';
  if (new D(value).lte(0)) return 'must be greater than 0';
  return null;
}

export function moneyViolation(value: string): string | null {
  return MONEY.test(value) ? null : 'must be a non-negative decimal string in CNY with at most 2 decimal places';
}

/** Adds days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The direct-release deadline (径予放行): goods must be entered within `days` days of release. */
export function directReleaseDueOn(releasedOn: string, days: number): string {
  return addDays(releasedOn, days);
}

/** An item (料号) as the book keeps it: what every declaration of its goods will carry. */
export interface ItemMasterData {
  itemNo: string;
  hsCode: string;
  name: string;
  specification?: string;
  unit: string;
  originCountry: string;
}

/** What an enterprise may correct on an item: not its number or legal unit, which its quantities are kept in. */
export const CORRECTABLE_ITEM_FIELDS = ['hsCode', 'originCountry', 'name', 'specification'] as const;
export type ItemCorrection = Partial<Pick<ItemMasterData, (typeof CORRECTABLE_ITEM_FIELDS)[number]>>;

/**
 * An item is checked with the same shared validators as the declarations that will carry its
 * goods (HS 2022, ISO 3166-1 alpha-2 origin, a description the risk engine takes), so that goods
 * entered on a book can always be declared: an item that passed here was never refused later on a
 * field the declarant cannot see. `at` names a field for the caller (`items[3].hsCode`, `csv[4].name`).
 */
export function itemViolations(item: ItemMasterData, at: (field: string) => string): FieldError[] {
  const v: FieldError[] = [];
  const add = (field: string, rule: string, message: string) => v.push({ path: at(field), rule, message });
  const blankOrLonger = (s: string | undefined, max: number) => !s?.trim() || s.length > max;
  if (blankOrLonger(item.itemNo, 40)) add('itemNo', 'ledger.item.itemNo', 'itemNo is required, at most 40 characters');
  const hs = validateHsCode(item.hsCode, 10);
  if (hs) add('hsCode', hs.rule, hs.message);
  if (blankOrLonger(item.name, 200))
    add('name', 'ledger.item.name', 'name is required (not only spaces), at most 200 characters');
  if ((item.specification ?? '').length > 200)
    add('specification', 'ledger.item.specification', 'at most 200 characters');
  if (blankOrLonger(item.unit, 20))
    add('unit', 'ledger.item.unit', 'the legal unit is required, at most 20 characters');
  const origin = validateCountryCode(item.originCountry);
  if (origin) add('originCountry', origin.rule, origin.message);
  return v;
}

/**
 * An item as a correction would leave it: which fields change, and every rule the corrected item
 * breaks (all of it is checked, so an origin entered before the rules must be corrected too).
 */
export function correctedItem<T extends ItemMasterData>(item: T, changes: ItemCorrection, reason: string) {
  const errors: FieldError[] = [];
  if (!reason?.trim())
    errors.push({ path: 'reason', rule: 'ledger.item.correctionReason', message: 'say why the item is corrected' });
  if (!CORRECTABLE_ITEM_FIELDS.some((f) => changes[f] !== undefined)) {
    errors.push({
      path: '',
      rule: 'ledger.item.correctionEmpty',
      message: `give at least one of ${CORRECTABLE_ITEM_FIELDS.join(', ')}`,
    });
  }
  const changed = CORRECTABLE_ITEM_FIELDS.filter((f) => changes[f] !== undefined && changes[f] !== (item[f] ?? ''));
  const after: T = { ...item, ...Object.fromEntries(changed.map((f) => [f, changes[f]])) };
  errors.push(...itemViolations(after, (f) => f));
  const pick = (from: ItemMasterData) => Object.fromEntries(changed.map((f) => [f, from[f] ?? '']));
  return { changed, after, before: pick(item), values: pick(after), errors };
}

/** An HS code falls under a catalogue entry when the entry's prefix starts it. */
export function inCatalogue(hsCode: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => hsCode.startsWith(p));
}

/** Balances of one account as the invariants see them. */
export interface AccountBalance {
  itemId: string;
  kind: string;
  onHand: string;
  reserved: string;
  importedCny: string;
  domesticCny: string;
  hainanMadeCny: string;
}

export interface InvariantViolation {
  rule: string;
  itemId: string;
  kind?: string;
  message: string;
}

/**
 * The ledger invariants over every account of some ledgers (all accounts of each item given):
 * stock never negative, reserved between 0 and on hand, and every ledger balances — the sum of all
 * its accounts is zero for the quantity and each cost column.
 */
export function invariantViolations(accounts: readonly AccountBalance[]): InvariantViolation[] {
  const v: InvariantViolation[] = [];
  const sums = new Map<string, Dec[]>();
  for (const a of accounts) {
    const onHand = new D(a.onHand);
    const reserved = new D(a.reserved);
    if (a.kind === 'stock') {
      if (onHand.isNeg())
        v.push({
          rule: 'ledger.invariant.onHandNonNegative',
          itemId: a.itemId,
          kind: a.kind,
          message: `on hand ${a.onHand} is negative`,
        });
      if (reserved.isNeg() || reserved.gt(onHand))
        v.push({
          rule: 'ledger.invariant.reservedWithinOnHand',
          itemId: a.itemId,
          kind: a.kind,
          message: `reserved ${a.reserved} is outside 0..${a.onHand}`,
        });
    } else if (!reserved.isZero()) {
      v.push({
        rule: 'ledger.invariant.reservedOnStockOnly',
        itemId: a.itemId,
        kind: a.kind,
        message: `system account ${a.kind} holds a reservation`,
      });
    }
    const s = sums.get(a.itemId) ?? [new D(0), new D(0), new D(0), new D(0)];
    sums.set(a.itemId, [
      s[0]!.plus(onHand),
      s[1]!.plus(a.importedCny),
      s[2]!.plus(a.domesticCny),
      s[3]!.plus(a.hainanMadeCny),
    ]);
  }
  for (const [itemId, s] of sums) {
    if (s.some((x) => !x.isZero()))
      v.push({
        rule: 'ledger.invariant.balanced',
        itemId,
        message: `the ledger does not balance: sums ${s.map((x) => x.toString()).join(', ')}`,
      });
  }
  return v;
}

/** Adjustments: a stock-take difference is signed; its magnitude must be a valid quantity. */
export function adjustmentViolation(delta: string): string | null {
  const magnitude = delta.startsWith('-') ? delta.slice(1) : delta;
  return quantityViolation(magnitude);
}

/** A calendar date YYYY-MM-DD that exists (2026-02-30 does not). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}
