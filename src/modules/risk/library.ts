import type { Scope } from './expression.ts';
import type { FeatureCategory } from './rules.ts';

/**
 * The baseline risk feature library (风险特征库) shipped with the platform. It is installed as
 * drafts authored by the platform: like any feature, each goes live only when an analyst has
 * backtested and approved it. Thresholds here are the features' own (versioned with them); policy
 * figures the features depend on (the value-added threshold, the duty collection threshold) come in
 * as facts computed from the effective-dated parameters.
 */
export interface LibraryFeature {
  code: string;
  name: string;
  category: FeatureCategory;
  scope: Scope;
  expression: string;
  weight: string;
  forceLevel?: 'RED' | 'YELLOW';
  description: string;
}

const line = (
  code: string,
  category: FeatureCategory,
  weight: string,
  name: string,
  expression: string,
  description: string,
  forceLevel?: 'RED' | 'YELLOW',
): LibraryFeature => ({
  code,
  category,
  scope: 'LINE',
  weight,
  name,
  expression,
  description,
  ...(forceLevel ? { forceLevel } : {}),
});
const decl = (
  code: string,
  category: FeatureCategory,
  weight: string,
  name: string,
  expression: string,
  description: string,
  forceLevel?: 'RED' | 'YELLOW',
): LibraryFeature => ({
  code,
  category,
  scope: 'DECLARATION',
  weight,
  name,
  expression,
  description,
  ...(forceLevel ? { forceLevel } : {}),
});

const EXIT = "decl.kind == 'SECOND_LINE_EXIT'";

export const BASELINE_LIBRARY: readonly LibraryFeature[] = [
  // Prices (价格)
  line(
    'PRICE_FAR_BELOW_REFERENCE',
    'PRICE',
    '35',
    '单价远低于参考价 Unit price far below the reference',
    'line.refCount >= 20 and line.priceRatio < 0.5',
    'Unit price under half of the reference (geometric mean) price for the same HS subheading, ' +
      'origin and unit: the classic sign of under-valuation (低报价格).',
  ),
  line(
    'PRICE_BELOW_REFERENCE_Z',
    'PRICE',
    '15',
    '单价显著偏低 Unit price statistically low',
    'line.refCount >= 20 and line.priceZ < -2.5 and line.priceRatio >= 0.5',
    'Unit price more than 2.5 standard deviations below the reference on the log scale, though not under half of it.',
  ),
  line(
    'PRICE_FAR_ABOVE_REFERENCE',
    'PRICE',
    '10',
    '单价远高于参考价 Unit price far above the reference',
    'line.refCount >= 20 and line.priceRatio > 3',
    'Over-valuation: inflates a value-added ratio or moves money across the border (高报价格).',
  ),
  line(
    'HIGH_VALUE_WITHOUT_REFERENCE',
    'PRICE',
    '8',
    '无参考价的大额货物 Large value with no price reference',
    'line.refCount < 5 and line.valueCny >= 1000000',
    'A line of 1 million CNY or more in goods the platform has almost never seen at this unit: ' +
      'nothing to compare the price with.',
  ),
  line(
    'UNDERVALUED_ZERO_TARIFF_EXIT',
    'PRICE',
    '20',
    '零关税货物低价出岛 Zero-tariff goods leaving at a low price',
    `${EXIT} and line.regime == 'ZERO_TARIFF' and line.priceRatio < 0.7`,
    'Zero-tariff goods sold to the mainland pay import taxes on their value: a low value there is revenue lost.',
  ),
  // Weights (重量)
  line(
    'WEIGHT_PER_UNIT_INCONSISTENT',
    'WEIGHT',
    '25',
    '单位重量与商品不符 Weight per unit inconsistent with the goods',
    'line.weightCount >= 20 and (line.weightRatio < 0.5 or line.weightRatio > 2)',
    'Net weight per unit under half or over twice what such goods weigh: other goods in the ' +
      'container, or a false quantity.',
  ),
  line(
    'WEIGHT_PER_UNIT_OUTLIER',
    'WEIGHT',
    '10',
    '单位重量显著偏离 Weight per unit statistically unusual',
    'line.weightCount >= 20 and abs(line.weightZ) > 3 and line.weightRatio >= 0.5 and line.weightRatio <= 2',
    'Weight per unit more than 3 standard deviations from the reference on the log scale.',
  ),
  line(
    'KG_QUANTITY_NET_WEIGHT_MISMATCH',
    'WEIGHT',
    '20',
    '数量与净重不符（千克计） Quantity in kg differs from the net weight',
    "line.unit == 'KG' and abs(line.netWeightKg - line.quantity) / line.quantity > 0.05",
    'Goods declared by the kilogram whose net weight differs from the quantity by more than 5%.',
  ),
  line(
    'GROSS_BELOW_NET_WEIGHT',
    'WEIGHT',
    '15',
    '毛重小于净重 Gross weight below net weight',
    'line.grossNetRatio < 1',
    'Impossible weights: a keying error at best, a manipulated document at worst.',
  ),
  line(
    'EXCESSIVE_PACKAGING_WEIGHT',
    'WEIGHT',
    '10',
    '包装重量异常 Excessive packaging weight',
    'line.grossNetRatio > 1.6',
    'Packaging over 60% of the net weight: room for concealed goods.',
  ),
  // Classification (归类)
  line(
    'HS_DESCRIPTION_MISMATCH',
    'CLASSIFICATION',
    '30',
    '品名与税号不符 HS code inconsistent with the description',
    'line.hsKnownTerms >= 2 and line.hsMatchScore < 0.2 and line.hsBestScore >= 0.6 and ' +
      'line.hsBestChapter != line.hsChapter',
    'The description is explained by another chapter of the HS 2022 nomenclature far better than by ' +
      'the declared code: a code chosen for its lower duty or to avoid a licence (伪报品名/归类).',
  ),
  line(
    'HS_DESCRIPTION_WEAK_MATCH',
    'CLASSIFICATION',
    '8',
    '品名与税号吻合度低 Description barely matches the HS code',
    'line.hsKnownTerms >= 2 and line.hsMatchScore < 0.1 and not (line.hsBestScore >= 0.6 and ' +
      'line.hsBestChapter != line.hsChapter)',
    'Almost nothing of the description appears in the texts of the declared code.',
  ),
  line(
    'BASKET_CODE_HIGH_VALUE',
    'CLASSIFICATION',
    '8',
    '兜底税号大额申报 Basket "other" code with a large value',
    "(endsWith(line.hs6, '90') or endsWith(line.hs6, '99')) and line.valueCny >= 500000",
    'Residual "other" subheadings hide goods that have their own line; a large value there deserves a look.',
  ),
  line(
    'CONTROLLED_GOODS',
    'GOODS',
    '40',
    '管制物品 Arms, explosives or precursor chemicals',
    "line.hsChapter in ['93', '36'] or line.hsHeading in ['2939', '2902', '2914', '2932']",
    'Arms and ammunition, explosives, and chemicals used as drug precursors: licence goods that ' +
      'always get a document check.',
    'YELLOW',
  ),
  line(
    'ENDANGERED_SPECIES_MATERIAL',
    'GOODS',
    '25',
    '濒危物种及其制品 Endangered species material',
    "line.hsHeading in ['0106', '0507', '0508', '4301', '4302', '9601', '1211']",
    'Live animals, ivory, tortoise-shell, coral, furs, carved animal material and medicinal plants: ' +
      'CITES permits (濒危物种).',
  ),
  line(
    'HIGH_TAX_CONSUMER_GOODS_EXIT',
    'GOODS',
    '12',
    '高税消费品出岛 High-tax consumer goods leaving for the mainland',
    `${EXIT} and (line.hsChapter == '24' or line.hsHeading in ['2203', '2204', '2205', '2206', ` +
      `'2208', '3303', '3304', '7113', '9101', '9102', '4202', '8703'])`,
    'Tobacco, liquor, cosmetics, jewellery, watches, bags and cars: the goods that smuggling from ' +
      'the free trade port targets.',
  ),
  line(
    'DUTY_FREE_GOODS_EXIT_BY_NON_PROCESSOR',
    'GOODS',
    '10',
    '免税店类商品由非加工企业出岛 Duty-free-type goods leaving with a non-processor',
    `${EXIT} and line.hsHeading in ['3303', '3304', '9101', '9102', '7113', '4202'] and line.hs6 != ` +
      `'851713' and not enterprise.hasProcessingQualification`,
    'The goods resale rings buy in duty-free shops (套代购) leaving as trade goods.',
  ),
  // Value added (加工增值)
  line(
    'VALUE_ADDED_JUST_ABOVE_THRESHOLD',
    'VALUE_ADDED',
    '25',
    '增值率略高于30% Value-added ratio just above the threshold',
    'line.valueAddedMargin between 0 and 0.03',
    'A processing value-added ratio within 3 points above the duty-exemption threshold: inputs may ' +
      'be under-stated or the price over-stated to clear it.',
  ),
  line(
    'VALUE_ADDED_WITHOUT_QUALIFICATION',
    'VALUE_ADDED',
    '30',
    '无加工增值备案而申报增值 Value-added claim without the processing filing',
    'present(line.valueAddedRatio) and not enterprise.hasProcessingQualification',
    'Only processing value-added filing enterprises may claim the duty exemption.',
    'YELLOW',
  ),
  line(
    'VALUE_ADDED_IMPLAUSIBLE',
    'VALUE_ADDED',
    '10',
    '增值率异常高 Implausibly high value-added ratio',
    'line.valueAddedRatio > 3',
    'More than 300% value added: the sale price or the inputs are probably wrong.',
  ),
  decl(
    'VALUE_ADDED_CLAIM_NEW_TRADER',
    'VALUE_ADDED',
    '10',
    '新企业申报加工增值 New trader claiming value added',
    'decl.hasValueAddedClaim and trader.declarations < 5',
    'A value-added claim from a trader with almost no history on the platform.',
  ),
  // Timing and books (账册与时间)
  line(
    'ZERO_TARIFF_QUICK_EXIT',
    'TIMING',
    '30',
    '零关税货物入账后短期出岛 Zero-tariff goods leaving soon after entry',
    `${EXIT} and line.regime == 'ZERO_TARIFF' and line.daysSinceEntry < 30`,
    'Zero-tariff goods are for use on the island; leaving for the mainland within a month of entry ' +
      'suggests they were imported to be sold on.',
  ),
  line(
    'ZERO_TARIFF_QUICK_TRANSFER',
    'TIMING',
    '15',
    '零关税货物入账后短期岛内流转 Zero-tariff goods transferred soon after entry',
    "decl.kind == 'ISLAND_TRANSFER' and line.regime == 'ZERO_TARIFF' and line.daysSinceEntry < 7",
    'A transfer within a week of entry: the importer may be a front for another user.',
  ),
  line(
    'BOOK_ENTRY_AFTER_DECLARATION',
    'TIMING',
    '30',
    '入账日期晚于申报 Book entry dated after the declaration',
    'line.daysSinceEntry < 0',
    'The goods entered the book after the date of this declaration: the book or the declaration is wrong.',
    'YELLOW',
  ),
  line(
    'PROCESSING_GOODS_QUICK_EXIT',
    'TIMING',
    '20',
    '加工货物入账即出岛 Processing goods leaving within days',
    `${EXIT} and line.regime == 'PROCESSING_VALUE_ADDED' and line.daysSinceEntry < 3`,
    'Goods claimed as processed leave within three days of entering the book: too fast for real processing.',
  ),
  line(
    'RELAXED_TRADE_GOODS_MOVING',
    'TIMING',
    '50',
    '放宽贸易管理货物流转或出岛 Relaxed-trade goods transferred or sold to the mainland',
    "line.regime == 'RELAXED_TRADE' and decl.kind in ['SECOND_LINE_EXIT', 'ISLAND_TRANSFER']",
    'Relaxed-trade goods may not be transferred on the island or sold to the mainland.',
    'RED',
  ),
  decl(
    'NIGHT_HIGH_VALUE',
    'TIMING',
    '5',
    '深夜大额申报 Large declaration at night',
    'decl.hourShanghai < 6 and decl.totalValueCny >= 1000000',
    'Large declarations filed between midnight and 6 am, when fewer officers review.',
  ),
  decl(
    'SPLIT_BELOW_DUTY_THRESHOLD',
    'TIMING',
    '12',
    '拆单规避起征点 Split shipments under the duty threshold',
    'decl.belowDutyThreshold and trader.recentActivity >= 10',
    'Duty under the collection threshold is not collected: many small declarations in a week may be ' +
      'one shipment split up.',
  ),
  // The trader (企业行为)
  decl(
    'NEW_TRADER_LARGE_VALUE',
    'TRADER',
    '25',
    '新企业大额申报 New trader with a large value',
    'trader.declarations < 3 and decl.totalValueCny >= 500000',
    'One of its first three declarations and already half a million CNY or more.',
  ),
  decl(
    'DORMANT_TRADER_LARGE_VALUE',
    'TRADER',
    '20',
    '休眠企业重新大额申报 Dormant trader back with a large value',
    'trader.daysSinceLast >= 180 and decl.totalValueCny >= 300000',
    'Silent for six months or more, back with a large declaration: a dormant company bought or borrowed.',
  ),
  decl(
    'YOUNG_ENTERPRISE_LARGE_VALUE',
    'TRADER',
    '15',
    '新设企业大额申报 Young enterprise with a large value',
    'enterprise.ageDays < 90 and decl.totalValueCny >= 1000000',
    'Registered less than 90 days ago and declaring a million CNY or more.',
  ),
  decl(
    'TRADER_VALUE_SPIKE',
    'TRADER',
    '20',
    '货值突变 Sudden jump in declared value',
    'trader.declarations >= 10 and trader.valueZ > 3',
    "Far above the trader's usual declaration value (3 standard deviations on the log scale).",
  ),
  decl(
    'TRADER_NEW_GOODS',
    'TRADER',
    '15',
    '经营商品突变 Sudden change of goods',
    'trader.declarations >= 10 and trader.newChapterShare > 0.5',
    'Most of the value is in HS chapters the trader never declared before.',
  ),
  decl(
    'TRADER_NEW_ORIGINS',
    'TRADER',
    '8',
    '原产国突变 Sudden change of origins',
    'trader.declarations >= 10 and trader.newOriginShare > 0.5',
    'Most of the value comes from origins the trader never used.',
  ),
  decl(
    'TRADER_NEW_PORT',
    'TRADER',
    '5',
    '首次使用该口岸 First declaration at this port',
    'trader.declarations >= 10 and trader.newPort',
    'An established trader suddenly using another port (port shopping).',
  ),
  decl(
    'TRADER_ACTIVITY_BURST',
    'TRADER',
    '12',
    '申报频率突增 Burst of declarations',
    'trader.activityRatio > 4',
    'More than four times the usual number of declarations in the last week.',
  ),
  decl(
    'ZERO_TARIFF_WITHOUT_QUALIFICATION',
    'TRADER',
    '40',
    '无资格享受零关税 Zero-tariff goods without the qualification',
    'decl.hasZeroTariffLines and not enterprise.hasZeroTariffQualification',
    'Zero-tariff goods declared by an enterprise that holds no zero-tariff beneficiary qualification.',
    'YELLOW',
  ),
  decl(
    'BRANCH_ZERO_TARIFF',
    'TRADER',
    '20',
    '分支机构申报零关税 Branch office with zero-tariff goods',
    "decl.hasZeroTariffLines and enterprise.legalForm == 'BRANCH'",
    'Zero-tariff beneficiaries must be independent legal persons; a branch should not hold such goods.',
  ),
  decl(
    'NON_HAINAN_ZERO_TARIFF',
    'TRADER',
    '20',
    '非海南注册企业零关税 Non-Hainan enterprise with zero-tariff goods',
    'decl.hasZeroTariffLines and not enterprise.registeredInHainan',
    'Zero-tariff treatment is for enterprises registered in Hainan.',
  ),
  // Credit and history (信用与违规记录)
  decl(
    'FOCUS_CLASS',
    'CREDIT',
    '20',
    '重点关注名单企业 Focus-list enterprise',
    "credit.class == 'FOCUS'",
    'The enterprise is on the second-line focus list (重点关注名单) for a lowest department rating, a ' +
      'smuggling penalty or a listing.',
  ),
  decl(
    'PAST_VIOLATION_RECENT',
    'HISTORY',
    '20',
    '近两年有违规记录 Violation in the last two years',
    'trader.violations >= 1 and trader.daysSinceViolation <= 730',
    'An inspection found a discrepancy or seized goods within two years.',
  ),
  decl(
    'REPEATED_VIOLATIONS',
    'HISTORY',
    '25',
    '多次违规 Repeated violations',
    'trader.violations >= 3',
    'Three or more inspections of this trader found something.',
  ),
  decl(
    'PAST_SEIZURE',
    'HISTORY',
    '30',
    '曾被查扣 Goods seized before',
    'trader.seizures >= 1',
    'Goods of this trader were seized before.',
    'YELLOW',
  ),
  decl(
    'SELECTED_GOODS_WITHDRAWN',
    'HISTORY',
    '30',
    '布控后未查验即撤回 Selected goods withdrawn before inspection',
    'trader.selectedNotInspected >= 1',
    'Goods of this trader selected for inspection went back to the book before the inspection ended: ' +
      'the next declarations are looked at closely.',
    'YELLOW',
  ),
  decl(
    'FREQUENT_CANCELLATIONS',
    'HISTORY',
    '10',
    '频繁撤单 Frequent cancellations',
    'trader.cancellations >= 3 and trader.cancellations >= trader.declarations * 0.2',
    "A fifth or more of the trader's declarations were cancelled (at least three): filing to probe the controls.",
  ),
  decl(
    'HIGH_TRADER_HIT_RATE',
    'HISTORY',
    '20',
    '企业查验命中率高 High inspection hit rate',
    'trader.inspected >= 5 and trader.hitRate >= 0.3',
    "Three in ten or more of this trader's inspections found something.",
  ),
  decl(
    'AEO_WITH_RECENT_VIOLATION',
    'CREDIT',
    '10',
    '高级认证企业近期违规 AEO enterprise with a recent violation',
    "credit.class == 'ADVANCED_CERTIFIED' and trader.daysSinceViolation <= 180",
    'An AEO enterprise with a violation in the last six months: certification may be due for review.',
  ),
  // Routes and origins (航线与原产地)
  line(
    'HIGH_RISK_ORIGIN',
    'ROUTE',
    '15',
    '高风险原产国 High-risk origin',
    'line.originInspected >= 30 and line.originHitRate >= 0.25',
    'A quarter or more of the inspected goods from this origin had something wrong (learned from outcomes).',
  ),
  decl(
    'HIGH_RISK_ROUTE',
    'ROUTE',
    '15',
    '高风险航线 High-risk route',
    'route.inspected >= 30 and route.hitRate >= 0.25',
    'A quarter or more of the inspections on this port × departure-country route found something.',
  ),
  line(
    'ORIGIN_DIFFERS_AFTER_TRANSSHIPMENT',
    'ROUTE',
    '8',
    '转运且原产地与启运地不同 Transshipped, origin differs from departure',
    'decl.transshipped and decl.routeOrigin != line.origin',
    'Goods transshipped through a third country and departing from a country other than their ' +
      'declared origin: origin laundering to reach a lower tariff.',
  ),
  decl(
    'MULTIPLE_TRANSITS',
    'ROUTE',
    '8',
    '多次中转 Several transit countries',
    'decl.viaCount >= 2',
    'Two or more transit countries for one shipment.',
  ),
  line(
    'ROUND_TRIP_CHINESE_ORIGIN',
    'ROUTE',
    '15',
    '中国原产货物一线进口 Chinese-origin goods imported at the first line',
    "decl.kind == 'FIRST_LINE_IMPORT' and line.origin == 'CN'",
    'Mainland goods exported and brought back through the first line to claim zero-tariff status or ' +
      'an export rebate (一日游).',
  ),
  // First line (一线): restricted goods, preferential origin, undervaluation of taxed goods
  line(
    'FIRST_LINE_RESTRICTED_GOODS',
    'GOODS',
    '20',
    '一线限制类货物 Restricted goods at the first line',
    "decl.kind in ['FIRST_LINE_IMPORT', 'FIRST_LINE_EXPORT'] and line.restricted",
    'Goods of the restricted list enter or leave under a licence: the goods must be what the licence covers, ' +
      'in quantity and kind (证货相符).',
    'YELLOW',
  ),
  line(
    'FIRST_LINE_PREFERENCE_RISKY_ORIGIN',
    'ROUTE',
    '15',
    '协定税率且原产地命中率高 Conventional rate from an origin often found wrong',
    "decl.kind == 'FIRST_LINE_IMPORT' and line.preferenceClaimed and line.originInspected >= 5 " +
      'and line.originHitRate >= 0.2',
    'A conventional rate claimed on a certificate for an origin whose inspections often find a discrepancy: ' +
      'the origin may be laundered to reach the preference.',
  ),
  line(
    'FIRST_LINE_TAXED_UNDERVALUED',
    'PRICE',
    '25',
    '一线征税货物低报价格 Taxed first-line goods far below the unit-value reference',
    "decl.kind == 'FIRST_LINE_IMPORT' and line.regime == 'GENERAL' and line.refCount >= 5 " +
      'and line.priceRatio < 0.6',
    'Goods that pay duty at the first line (taxed catalogue or outside the zero-tariff scope) declared at less ' +
      'than 60% of the reference unit value for their code and origin: undervaluation lowers the duty.',
  ),
  // Networks (关联网络)
  decl(
    'SELLER_SHARED_BY_NEW_TRADERS',
    'NETWORK',
    '15',
    '新企业共用境外卖方 Seller shared by many new traders',
    'party.sellerTraders >= 5 and trader.declarations < 20',
    'A foreign seller used by five or more traders, declared here by a young one: a sign of a ring of front companies.',
  ),
  decl(
    'SELLER_LINKED_TO_VIOLATIONS',
    'NETWORK',
    '25',
    '卖方关联多家违规企业 Seller linked to violations',
    'party.sellerViolationTraders >= 2',
    'Two or more traders were found in breach with goods from this seller.',
  ),
  decl(
    'BUYER_LINKED_TO_VIOLATIONS',
    'NETWORK',
    '20',
    '买方关联多家违规企业 Buyer linked to violations',
    'party.buyerViolationTraders >= 2',
    'Two or more traders were found in breach selling to this buyer.',
  ),
  decl(
    'SELLER_HIGH_HIT_RATE',
    'NETWORK',
    '15',
    '卖方查验命中率高 Seller with a high hit rate',
    'party.sellerInspected >= 10 and party.sellerHitRate >= 0.3',
    'Three in ten or more inspections of goods from this seller found something.',
  ),
];
