import type { FieldDef, Scope, ValueType } from './expression.ts';

/**
 * The facts a risk feature may read (风险要素): every one is computed for every declaration and
 * stored with its decision, so a backtest of a draft feature over past declarations reads exactly
 * what the feature would have read at the time.
 */
export interface CatalogueField extends FieldDef {
  zh: string;
  en: string;
}

const f = (name: string, type: ValueType, zh: string, en: string): CatalogueField => ({
  name,
  type,
  scope: name.startsWith('line.') ? 'LINE' : 'DECLARATION',
  zh,
  en,
});

export const FIELD_CATALOGUE: readonly CatalogueField[] = [
  // The declaration
  f(
    'decl.kind',
    'string',
    '申报类型',
    'Declaration kind: FIRST_LINE_IMPORT, FIRST_LINE_EXPORT, ISLAND_TRANSFER, PROCESSING_REPORT, ' +
      'SECOND_LINE_EXIT, CENTRALIZED_DECLARATION',
  ),
  f('decl.port', 'string', '口岸代码', 'Port code'),
  f('decl.transportMode', 'string', '运输方式', 'Transport mode: SEA, AIR, ROAD, RAIL, POST (empty when not given)'),
  f('decl.totalValueCny', 'number', '申报总价（人民币）', 'Total declared value, CNY'),
  f('decl.lineCount', 'number', '商品项数', 'Number of goods lines'),
  f('decl.hourShanghai', 'number', '申报时刻（北京时间，0-23）', 'Hour of submission, Asia/Shanghai (0-23)'),
  f('decl.weekday', 'number', '星期（1=周一 … 7=周日）', 'Day of week, 1 = Monday … 7 = Sunday'),
  f('decl.routeOrigin', 'string', '启运国（地区）', 'Country of departure (ISO 3166 alpha-2; empty when not given)'),
  f('decl.destination', 'string', '目的地', 'Destination (country, or CN-MAINLAND for the second line)'),
  f('decl.viaCount', 'number', '中转国（地区）数', 'Number of transit countries'),
  f('decl.transshipped', 'boolean', '经第三地中转', 'Transshipped through a third country'),
  f('decl.mainOrigin', 'string', '主要原产国（按价值）', 'Origin country of the largest line by value'),
  f('decl.mainChapter', 'string', '主要商品章（按价值）', 'HS chapter of the largest line by value'),
  f('decl.hasZeroTariffLines', 'boolean', '含零关税货物', 'Some line carries zero-tariff goods'),
  f('decl.hasValueAddedClaim', 'boolean', '含加工增值申报', 'Some line claims a processing value-added ratio'),
  f('decl.revenueAtStakeCny', 'number', '涉及税款估算（人民币）', 'Estimated taxes at stake, CNY'),
  f(
    'decl.belowDutyThreshold',
    'boolean',
    '估算关税在免征额以下（含本数）',
    'Estimated duty at or below the amount not collected (tax.notCollectedAtOrBelowCny)',
  ),
  f('decl.minPriceRatio', 'number', '最低单价与参考价之比', 'Lowest unit price ÷ reference price over the lines'),
  f(
    'decl.maxWeightDeviation',
    'number',
    '单位重量最大偏离（对数）',
    'Largest |log(weight per unit ÷ reference)| over the lines',
  ),
  f(
    'decl.minHsMatchScore',
    'number',
    '品名与税号最低吻合度',
    'Lowest description-to-HS-code match over the lines (0-1)',
  ),
  f('decl.minDaysSinceEntry', 'number', '最短入账天数', 'Fewest days since the goods entered the book, over the lines'),
  // Credit and the enterprise
  f('credit.class', 'string', '信用类别', 'Credit class: ADVANCED_CERTIFIED, WHITELIST, FOCUS'),
  f(
    'credit.inspectWithoutRiskAlert',
    'boolean',
    '无风险提示也可布控',
    'Routine random selection applies to the subject',
  ),
  f('enterprise.registeredInHainan', 'boolean', '海南注册', 'Registered in Hainan'),
  f(
    'enterprise.legalForm',
    'string',
    '组织形式',
    'Legal form: INDEPENDENT_LEGAL_PERSON, BRANCH, PUBLIC_INSTITUTION, NON_PROFIT, OTHER',
  ),
  f('enterprise.ageDays', 'number', '企业登记天数', 'Days since the enterprise was registered on the platform'),
  f(
    'enterprise.hasZeroTariffQualification',
    'boolean',
    '具备零关税享惠资格',
    'Holds a zero-tariff beneficiary qualification',
  ),
  f('enterprise.hasProcessingQualification', 'boolean', '具备加工增值备案', 'Holds the processing value-added filing'),
  f(
    'enterprise.hasRelaxedTradeQualification',
    'boolean',
    '具备放宽贸易管理资格',
    'Holds the relaxed-trade end-user qualification',
  ),
  // The trader's history (maintained incrementally as declarations are scored and outcomes arrive)
  f('trader.declarations', 'number', '历史申报票数', 'Declarations scored before this one'),
  f('trader.daysSinceFirst', 'number', '首次申报距今天数', 'Days since the first declaration (null when none)'),
  f('trader.daysSinceLast', 'number', '上次申报距今天数', 'Days since the previous declaration (null when none)'),
  f(
    'trader.typicalValueCny',
    'number',
    '历史典型货值（几何均值）',
    "Typical declaration value: geometric mean of the trader's past totals",
  ),
  f(
    'trader.valueZ',
    'number',
    '货值偏离（标准分）',
    "z-score of this total against the trader's past totals (log scale)",
  ),
  f(
    'trader.newChapterShare',
    'number',
    '新商品章货值占比',
    'Share of the value in HS chapters the trader never declared',
  ),
  f('trader.newOriginShare', 'number', '新原产国货值占比', 'Share of the value from origins the trader never declared'),
  f('trader.newPort', 'boolean', '首次使用该口岸', 'First declaration at this port'),
  f(
    'trader.recentActivity',
    'number',
    '近期申报强度（7天衰减计数）',
    'Recent declarations (count decayed over 7 days)',
  ),
  f('trader.activityRatio', 'number', '近期强度与长期均值之比', 'Recent activity ÷ long-run weekly average'),
  f('trader.inspected', 'number', '历史查验次数', 'Inspections with a recorded outcome'),
  f('trader.violations', 'number', '历史查获问题次数', 'Discrepancies and seizures found'),
  f('trader.seizures', 'number', '历史查扣次数', 'Seizures'),
  f(
    'trader.daysSinceViolation',
    'number',
    '上次违规距今天数',
    'Days since the latest discrepancy or seizure (null when none)',
  ),
  f('trader.hitRate', 'number', '查验命中率（平滑）', 'Smoothed share of inspections that found something'),
  f('trader.cancellations', 'number', '历史撤单票数', 'Declarations the trader cancelled'),
  f(
    'trader.selectedNotInspected',
    'number',
    '布控后未查验即退回票数',
    'Declarations selected for inspection whose goods went back to the book before the inspection ended',
  ),
  // Route, origin and parties (from outcomes)
  f('route.inspected', 'number', '该口岸-启运地航线查验数', 'Inspections on this port × departure-country route'),
  f('route.hitRate', 'number', '航线查验命中率（平滑）', 'Smoothed hit rate on this route'),
  f('origin.inspected', 'number', '主要原产国查验数', 'Inspections of goods from the main origin'),
  f('origin.hitRate', 'number', '主要原产国命中率（平滑）', 'Smoothed hit rate for the main origin'),
  f('party.sellerTraders', 'number', '同一境外卖方关联企业数', 'Distinct traders that declared this seller'),
  f('party.sellerInspected', 'number', '该卖方查验数', 'Inspections of declarations naming this seller'),
  f('party.sellerHitRate', 'number', '该卖方命中率（平滑）', 'Smoothed hit rate of this seller'),
  f(
    'party.sellerViolationTraders',
    'number',
    '该卖方关联违规企业数',
    'Distinct traders found in breach with this seller',
  ),
  f('party.buyerTraders', 'number', '同一买方关联企业数', 'Distinct traders that declared this buyer'),
  f(
    'party.buyerViolationTraders',
    'number',
    '该买方关联违规企业数',
    'Distinct traders found in breach with this buyer',
  ),
  // One goods line
  f('line.index', 'number', '商品项序号（从0起）', 'Line number, from 0'),
  f('line.hsCode', 'string', '商品编号', 'HS code as declared (6, 8 or 10 digits)'),
  f('line.hs6', 'string', '六位子目', 'HS 6-digit subheading'),
  f('line.hsHeading', 'string', '四位品目', 'HS 4-digit heading'),
  f('line.hsChapter', 'string', '两位章', 'HS 2-digit chapter'),
  f('line.description', 'string', '商品名称', 'Goods description'),
  f('line.quantity', 'number', '法定数量', 'Quantity in the legal unit'),
  f('line.unit', 'string', '法定计量单位', 'Legal unit, e.g. KG, PCS, L, SET'),
  f('line.netWeightKg', 'number', '净重（千克）', 'Net weight, kg'),
  f('line.grossWeightKg', 'number', '毛重（千克）', 'Gross weight, kg (null when not given)'),
  f('line.valueCny', 'number', '申报价值（人民币）', 'Declared value, CNY'),
  f('line.valueShare', 'number', '占整票价值比例', 'Share of the declaration value'),
  f('line.origin', 'string', '原产国（地区）', 'Origin country (ISO 3166 alpha-2)'),
  f(
    'line.regime',
    'string',
    '监管方式',
    'Book regime: ZERO_TARIFF, PROCESSING_VALUE_ADDED, RELAXED_TRADE, BONDED, GENERAL',
  ),
  f('line.unitPrice', 'number', '单价（人民币/法定单位）', 'Unit price, CNY per legal unit'),
  f('line.refCount', 'number', '参考价样本数', 'Samples behind the reference price (0 when none)'),
  f('line.refScope', 'string', '参考价口径', 'Reference used: ORIGIN (same HS and origin), ALL_ORIGINS, NONE'),
  f('line.priceRatio', 'number', '单价与参考价之比', 'Unit price ÷ reference (geometric mean) price'),
  f('line.priceZ', 'number', '单价偏离（标准分，对数）', 'z-score of the unit price against the reference (log scale)'),
  f('line.weightPerUnit', 'number', '单位净重（千克）', 'Net kg per unit'),
  f('line.weightCount', 'number', '单位重量样本数', 'Samples behind the weight-per-unit reference'),
  f('line.weightRatio', 'number', '单位重量与参考之比', 'Weight per unit ÷ reference'),
  f('line.weightZ', 'number', '单位重量偏离（标准分，对数）', 'z-score of weight per unit (log scale)'),
  f('line.grossNetRatio', 'number', '毛重与净重之比', 'Gross ÷ net weight'),
  f(
    'line.hsMatchScore',
    'number',
    '品名与申报税号吻合度（0-1）',
    'How much of the description the declared HS texts explain (0-1)',
  ),
  f('line.hsKnownTerms', 'number', '品名中可识别词数', 'Description words known to the HS nomenclature'),
  f('line.hsBestHeading', 'string', '品名最匹配品目', 'HS heading that best matches the description'),
  f('line.hsBestChapter', 'string', '品名最匹配章', 'HS chapter that best matches the description'),
  f('line.hsBestScore', 'number', '最匹配品目吻合度（0-1）', 'Match of the best heading (0-1)'),
  f('line.valueAddedRatio', 'number', '加工增值率', 'Declared processing value-added ratio'),
  f(
    'line.valueAddedMargin',
    'number',
    '增值率超出门槛部分',
    'Value-added ratio minus the duty-exemption threshold (policy parameter)',
  ),
  f('line.daysSinceEntry', 'number', '入账至今天数', 'Days from the book entry of the goods to this declaration'),
  f('line.dutyRate', 'number', '关税税率', 'Duty rate (null when not given)'),
  f('line.taxBurden', 'number', '综合税负率', 'Combined import tax burden used for the revenue estimate'),
  f('line.originInspected', 'number', '原产国查验数', 'Inspections of goods from this origin'),
  f('line.originHitRate', 'number', '原产国命中率（平滑）', 'Smoothed hit rate for this origin'),
  f('line.restricted', 'boolean', '限制类货物（凭许可证）', 'First line: restricted goods declared under a licence'),
  f(
    'line.preferenceClaimed',
    'boolean',
    '享受协定税率（凭原产地证书）',
    'First line: a conventional rate taken on a certificate of origin',
  ),
];

export const FIELDS: ReadonlyMap<string, CatalogueField> = new Map(FIELD_CATALOGUE.map((x) => [x.name, x]));

export function fieldsOfScope(scope: Scope): CatalogueField[] {
  if (scope === 'SALE') return [...SALE_FIELD_CATALOGUE];
  return FIELD_CATALOGUE.filter((x) => x.scope === 'DECLARATION' || scope === 'LINE');
}

/**
 * The facts of an offshore duty-free sale (离岛免税), for features of scope SALE: the duty-free module
 * computes them at the till (its saleRiskFacts) and the decision stores them, so a backtest of a draft
 * SALE feature reads what it would have read then.
 */
const s = (name: string, type: ValueType, zh: string, en: string): CatalogueField => ({
  name,
  type,
  scope: 'SALE',
  zh,
  en,
});

export const SALE_FIELD_CATALOGUE: readonly CatalogueField[] = [
  s('sale.amountCny', 'number', '本笔金额（元）', 'Amount of the sale, CNY'),
  s('sale.units', 'number', '件数', 'Units in the sale'),
  s('sale.lineCount', 'number', '商品项数', 'Lines in the sale'),
  s('sale.maxUnitPriceCny', 'number', '最高单价（元）', 'Highest unit price, CNY'),
  s(
    'sale.collection',
    'string',
    '提货方式',
    'DEPARTURE_PICKUP, MAIL, RETURN_PICKUP, GUARANTEE_AND_COLLECT, BUY_AND_COLLECT',
  ),
  s('sale.destination', 'string', '离岛去向', 'Destination: MAINLAND, ABROAD'),
  s('sale.daysToDeparture', 'number', '距离岛天数', 'Days from the purchase to the departure'),
  s('sale.shop', 'string', '免税店', 'Shop code'),
  s('sale.hourShanghai', 'number', '销售时刻（北京时间）', 'Hour of the sale, Asia/Shanghai (0-23)'),
  s(
    'sale.maxLimitShare',
    'number',
    '单次限量使用比例',
    'Highest share of a per-trip limit the trip reaches with it (0-1)',
  ),
  s('buyer.age', 'number', '年龄', "Buyer's age on the purchase date"),
  s('buyer.islandResident', 'boolean', '岛内居民', 'Island resident'),
  s('buyer.idType', 'string', '证件类型', 'RESIDENT_ID, PASSPORT, HK_MACAO_PERMIT, TAIWAN_PERMIT'),
  s(
    'buyer.quotaUsedShare',
    'number',
    '年度额度已用比例',
    "Share of the year's quota used or held before this sale (0-1)",
  ),
  s('buyer.salesLast30Days', 'number', '近30天购买笔数', 'Confirmed sales in the 30 days before'),
  s('buyer.tripsLast30Days', 'number', '近30天离岛行程数', 'Trips with a confirmed sale in the 30 days before'),
  s(
    'buyer.sameCategoryLast30Days',
    'number',
    '近30天同类商品重复',
    'Its categories bought on other trips in the 30 days before',
  ),
  s('buyer.marketCodes', 'number', '溯源码市场发现次数', 'Codes of their goods found on the market'),
  s('buyer.onYellowList', 'boolean', '在黄名单上', 'On the yellow list (open or proposed)'),
  s('buyer.ringScore', 'number', '所在团伙分值', 'Score of the latest ring the buyer was found in (0 when none)'),
  s('person.creditScore', 'number', '个人信用分', 'Personal credit score (人员信用评价)'),
  s('person.creditLevel', 'string', '个人信用等级', 'Personal credit level: A, B, C, D'),
  s('link.payerIsBuyer', 'boolean', '本人付款', 'The buyer paid'),
  s('link.payerBuyers', 'number', '同一付款人关联购买人数', 'Other buyers paid by the same payer in the last 90 days'),
  s(
    'link.accountBuyers',
    'number',
    '同一付款账户关联购买人数',
    'Other buyers paying from the same account in the last 90 days',
  ),
  s('link.phoneBuyers', 'number', '同一手机号关联购买人数', 'Other buyers giving the same phone in the last 90 days'),
  s(
    'link.addressBuyers',
    'number',
    '同一邮寄地址关联购买人数',
    'Other buyers mailing to the same address in the last 90 days',
  ),
  s(
    'link.deviceBuyers',
    'number',
    '同一设备关联购买人数',
    'Other buyers ordering from the same device in the last 90 days',
  ),
];

export const SALE_FIELDS: ReadonlyMap<string, CatalogueField> = new Map(SALE_FIELD_CATALOGUE.map((x) => [x.name, x]));

/** The catalogue a feature of this scope reads. */
export function catalogueOf(scope: Scope): ReadonlyMap<string, CatalogueField> {
  return scope === 'SALE' ? SALE_FIELDS : FIELDS;
}
