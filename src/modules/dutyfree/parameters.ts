/**
 * The offshore duty-free (离岛免税) policy parameters, as first seeded. After seeding they live in the
 * database (policy_parameters): an administrator adds versions through POST /api/v1/parameters,
 * and every value is checked by `dutyfreeParameterViolations` (rules.ts) before it is stored.
 */
import type { ParameterSeed } from '../../platform/parameters/defaults.ts';

/** Policy announcements the versions follow. */
const POLICY_2020 = '2020-07-01'; // 财政部 海关总署 税务总局公告2020年第33号: 100,000 CNY a year, 45 categories
const COLLECT_2023 = '2023-04-01'; // 海关总署 财政部 税务总局公告2023年第25号: 担保即提, 即购即提
const POLICY_2025 = '2025-11-01'; // 财政部 海关总署 税务总局公告2025年第9号: 18 years, 47 categories, 离岛且离境

/**
 * One category of the duty-free list: its name, its per-trip limit (pieces, or millilitres in
 * total), and whether it is on the list of goods that may be bought and collected at once (即购即提).
 * Categories without a limit have no per-trip cap; only the year's quota applies to them.
 */
export interface CategoryEntry {
  nameZh: string;
  nameEn: string;
  pieces?: number;
  millilitres?: number;
  buyAndCollect?: boolean;
}

export type CategoryTable = Record<string, CategoryEntry>;

/** The list as in force from 2020-07-01 (2023-04-01 added the buy-and-collect flags, which are read only since). */
const CATEGORIES_2020: CategoryTable = {
  JEWELLERY: { nameZh: '首饰', nameEn: 'Jewellery' },
  HANDICRAFTS: { nameZh: '工艺品', nameEn: 'Handicrafts' },
  WATCHES: { nameZh: '手表', nameEn: 'Watches' },
  PERFUME: { nameZh: '香水', nameEn: 'Perfume', buyAndCollect: true },
  COSMETICS: { nameZh: '化妆品', nameEn: 'Cosmetics', pieces: 30, buyAndCollect: true },
  PENS: { nameZh: '笔', nameEn: 'Pens' },
  EYEWEAR: { nameZh: '眼镜（含太阳镜）', nameEn: 'Eyewear, sunglasses included', buyAndCollect: true },
  SILK_SCARVES: { nameZh: '丝巾', nameEn: 'Silk scarves', buyAndCollect: true },
  TIES: { nameZh: '领带', nameEn: 'Ties', buyAndCollect: true },
  WOOLLENS: { nameZh: '毛织品', nameEn: 'Woollens' },
  COTTON_TEXTILES: { nameZh: '棉织品', nameEn: 'Cotton textiles' },
  CLOTHING: { nameZh: '服装服饰', nameEn: 'Clothing and accessories', buyAndCollect: true },
  SHOES_AND_HATS: { nameZh: '鞋帽', nameEn: 'Shoes and hats', buyAndCollect: true },
  BELTS: { nameZh: '皮带', nameEn: 'Belts', buyAndCollect: true },
  BAGS: { nameZh: '箱包', nameEn: 'Bags and luggage' },
  SMALL_LEATHER_GOODS: { nameZh: '小皮件', nameEn: 'Small leather goods', buyAndCollect: true },
  CONFECTIONERY: { nameZh: '糖果', nameEn: 'Confectionery', buyAndCollect: true },
  SPORTS_GOODS: { nameZh: '体育用品', nameEn: 'Sports goods' },
  BEAUTY_AND_HEALTH_DEVICES: {
    nameZh: '美容及保健器材',
    nameEn: 'Beauty and health devices, shavers',
    buyAndCollect: true,
  },
  TABLEWARE_AND_KITCHENWARE: { nameZh: '餐具及厨房用品', nameEn: 'Tableware and kitchenware' },
  TOYS: { nameZh: '玩具（含童车）', nameEn: 'Toys, prams included', buyAndCollect: true },
  INFANT_FORMULA: {
    nameZh: '零售包装的婴幼儿配方奶粉及辅食',
    nameEn: 'Infant formula and food, retail packed',
    buyAndCollect: true,
  },
  COFFEE: { nameZh: '咖啡', nameEn: 'Coffee' },
  BEVERAGES: { nameZh: '饮料', nameEn: 'Beverages' },
  ALCOHOL: { nameZh: '酒类', nameEn: 'Alcoholic drinks', millilitres: 1500 },
  TEA: { nameZh: '茶', nameEn: 'Tea' },
  CERAMICS: { nameZh: '陶瓷制品', nameEn: 'Ceramics' },
  GLASSWARE: { nameZh: '玻璃制品', nameEn: 'Glassware' },
  HONEY: { nameZh: '天然蜂蜜', nameEn: 'Natural honey' },
  HEALTH_FOODS: { nameZh: '保健食品', nameEn: 'Health foods' },
  HOME_MEDICAL_DEVICES: { nameZh: '家用医疗器械', nameEn: 'Home medical devices' },
  AIR_PURIFIERS: { nameZh: '家用空气净化器及配件', nameEn: 'Household air purifiers and parts' },
  WEARABLE_ELECTRONICS: { nameZh: '穿戴设备等电子消费产品', nameEn: 'Wearables and other consumer electronics' },
  MOBILE_PHONE: { nameZh: '手机', nameEn: 'Mobile phones', pieces: 4 },
  TABLETS: { nameZh: '平板电脑', nameEn: 'Tablets' },
  COMPUTERS: { nameZh: '计算机及配件', nameEn: 'Computers and parts' },
  VIDEO_GAME_CONSOLES: { nameZh: '电子游戏机', nameEn: 'Video game consoles' },
  HOME_TEXTILES: { nameZh: '家用纺织品', nameEn: 'Home textiles' },
  FISHING_GEAR: { nameZh: '渔具', nameEn: 'Fishing gear' },
  MOTOR_VEHICLE_ACCESSORIES: { nameZh: '汽车用品', nameEn: 'Motor vehicle accessories' },
};

/**
 * From 2025-11-01: pet supplies and portable musical instruments added; air purifiers widened to
 * small household appliances, wearables to consumer electronics (drones, cameras), tablets to
 * digital accessories (mouse, keyboard).
 */
function categories2025(): CategoryTable {
  const { AIR_PURIFIERS: _purifiers, WEARABLE_ELECTRONICS: _wearables, ...kept } = CATEGORIES_2020;
  return {
    ...kept,
    SMALL_APPLIANCES: { nameZh: '小家电', nameEn: 'Small household appliances' },
    ELECTRONICS: { nameZh: '电子消费产品', nameEn: 'Consumer electronics, cameras and small drones' },
    TABLETS: { nameZh: '平板电脑及数码配件', nameEn: 'Tablets and digital accessories' },
    PET_SUPPLIES: { nameZh: '宠物用品', nameEn: 'Pet supplies' },
    MUSICAL_INSTRUMENTS: { nameZh: '可随身携带的乐器', nameEn: 'Portable musical instruments' },
  };
}

export const DUTYFREE_PARAMETERS: ParameterSeed[] = [
  {
    name: 'dutyfree.annualQuotaCny',
    value: '100000',
    validFrom: POLICY_2020,
    reason: 'Offshore duty-free quota per person per calendar year at retail price.',
  },
  {
    name: 'dutyfree.minimumAge',
    value: 16,
    validFrom: '2011-04-20',
    validTo: POLICY_2025,
    reason: 'Buyers 16 or older before 2025-11-01.',
  },
  { name: 'dutyfree.minimumAge', value: 18, validFrom: POLICY_2025, reason: 'Buyers 18 or older since 2025-11-01.' },
  {
    name: 'dutyfree.perTripLimits',
    value: CATEGORIES_2020,
    validFrom: POLICY_2020,
    validTo: POLICY_2025,
    reason:
      'Duty-free categories with their per-trip limits: cosmetics 30 pieces, mobile phones 4, alcohol 1,500 ml ' +
      'in total; the buy-and-collect list (from 2023-04-01).',
  },
  {
    name: 'dutyfree.perTripLimits',
    value: categories2025(),
    validFrom: POLICY_2025,
    reason:
      'Categories from 2025-11-01: pet supplies and portable musical instruments added, small appliances and ' +
      'consumer electronics widened; the same per-trip limits.',
  },
  {
    name: 'dutyfree.destinations',
    value: ['MAINLAND'],
    validFrom: '2011-04-20',
    validTo: POLICY_2025,
    reason: 'Only travellers leaving the island for the mainland could buy before 2025-11-01.',
  },
  {
    name: 'dutyfree.destinations',
    value: ['MAINLAND', 'ABROAD'],
    validFrom: POLICY_2025,
    reason: 'Since 2025-11-01 travellers leaving the island for abroad buy too, counted in the same yearly quota.',
  },
  {
    name: 'dutyfree.departureWindowDays',
    value: 180,
    validFrom: '2011-04-20',
    reason:
      'A purchase names a departure at most this many days ahead (the ticket the buyer shows); ' +
      'a platform default until customs sets another.',
  },
  {
    name: 'dutyfree.reservationTtlMinutes',
    value: 30,
    validFrom: '2011-04-20',
    reason: 'Quota held at the till and neither confirmed nor cancelled within 30 minutes is released.',
  },
  {
    name: 'dutyfree.guaranteeCollectMinUnitPriceCny',
    value: '50000',
    validFrom: COLLECT_2023,
    reason: 'Guarantee-and-collect (担保即提) for unit prices of 50,000 CNY or more.',
  },
  {
    name: 'dutyfree.buyAndCollectMaxUnitPriceCny',
    value: '20000',
    validFrom: COLLECT_2023,
    reason: 'Buy-and-collect (即购即提) for unit prices below 20,000 CNY, goods of the listed categories.',
  },
  {
    name: 'dutyfree.departureDeadlineDays',
    value: 30,
    validFrom: COLLECT_2023,
    reason: 'With guarantee- or buy-and-collect the buyer must leave within 30 days of the purchase.',
  },
  {
    name: 'dutyfree.banYears',
    value: 3,
    validFrom: COLLECT_2023,
    reason: 'No duty-free purchases for 3 years after leaving too late with guarantee- or buy-and-collect goods.',
  },
];
