/**
 * The goods a zero-tariff beneficiary may take in (零关税“四张清单”): each qualification covers one
 * kind of goods — production equipment, raw and auxiliary materials, transport vehicles and yachts,
 * consumer goods for residents (self-use) — and the kind of goods is judged from the item's code by
 * the effective-dated parameter subjects.zeroTariffCategoryPrefixes (the longest prefix decides, so
 * 8703 cars are vehicles although chapter 87 parts may be listed elsewhere). A code no prefix covers is
 * not limited by scope. A relinquished category is no longer held from its day. Pure: no I/O, no clock.
 */
import { ZERO_TARIFF_GOODS_CATEGORIES, type ZeroTariffGoodsCategory } from './rules.ts';

export type CategoryPrefixes = Partial<Record<ZeroTariffGoodsCategory, readonly string[]>>;

export const CATEGORY_NAMES: Record<ZeroTariffGoodsCategory, string> = {
  PRODUCTION_EQUIPMENT: '自用生产设备 production equipment',
  TRANSPORT_VEHICLES_AND_YACHTS: '交通工具及游艇 transport vehicles and yachts',
  RAW_AND_AUXILIARY_MATERIALS: '原辅料 raw and auxiliary materials',
  CONSUMER_GOODS_FOR_RESIDENTS: '岛内居民消费品 consumer goods for residents',
};

/** The kind of zero-tariff goods a code belongs to: the category of the longest prefix that covers it. */
export function goodsCategoryOf(hsCode: string, map: CategoryPrefixes): ZeroTariffGoodsCategory | null {
  let best: { category: ZeroTariffGoodsCategory; length: number } | null = null;
  for (const category of ZERO_TARIFF_GOODS_CATEGORIES) {
    for (const p of map[category] ?? []) {
      if (hsCode.startsWith(p) && (!best || p.length > best.length)) best = { category, length: p.length };
    }
  }
  return best?.category ?? null;
}

export interface ScopeViolation {
  path: string;
  rule: 'beneficiary.scope';
  message: string;
}

/**
 * Whether an enterprise holding `held` categories on a day may take the goods in (or pass them on)
 * zero-tariff: null when it may, else the violation at `path`.
 */
export function scopeViolation(
  hsCode: string,
  held: readonly string[],
  map: CategoryPrefixes,
  path: string,
  what: string,
): ScopeViolation | null {
  const category = goodsCategoryOf(hsCode, map);
  if (category === null || held.includes(category)) return null;
  const holds = held.length ? held.join(', ') : 'no zero-tariff qualification';
  return {
    path,
    rule: 'beneficiary.scope',
    message:
      `HS ${hsCode} is ${CATEGORY_NAMES[category]}; ${what} holds ${holds} on that day ` +
      '(a category given up no longer counts from its day): not zero-tariff for these goods.',
  };
}
