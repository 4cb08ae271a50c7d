/**
 * What Hainan's duty-free shops sell, for the simulator: products with their category (the codes of
 * the dutyfree.perTripLimits table), retail price in whole fen and how often shoppers pick them.
 * Prices follow the shops' 2025-2026 price lists in round figures; the mix gives about 1,360 CNY an
 * item and 8,400 CNY a shopper at the Spring Festival peak (2.72 bn CNY, 1.997 M items, 325,000
 * shoppers in 9 days).
 */
export interface Product {
  sku: string;
  name: string;
  category: string;
  /** Retail price in fen (an integer: money is never a float here). */
  priceFen: number;
  /** Millilitres per unit for alcohol (its per-trip limit is in millilitres). */
  volumeMl?: number;
  /** Relative frequency among the items sold. */
  weight: number;
  /** Usual quantity of one line (a shopper buying it takes 1..maxQuantity). */
  maxQuantity: number;
}

const p = (
  sku: string,
  name: string,
  category: string,
  yuan: number,
  weight: number,
  maxQuantity: number,
  volumeMl?: number,
): Product => ({ sku, name, category, priceFen: yuan * 100, weight, maxQuantity, ...(volumeMl ? { volumeMl } : {}) });

export const PRODUCTS: readonly Product[] = [
  p('CS-LIP-01', '口红 Lipstick', 'COSMETICS', 320, 140, 4),
  p('CS-CRM-01', '面霜 Face cream 50 ml', 'COSMETICS', 1280, 110, 3),
  p('CS-SER-01', '精华 Serum 50 ml', 'COSMETICS', 980, 120, 3),
  p('CS-EYE-01', '眼霜 Eye cream 15 ml', 'COSMETICS', 760, 70, 2),
  p('CS-MSK-01', '面膜 Sheet masks, box', 'COSMETICS', 420, 90, 5),
  p('CS-FDN-01', '粉底液 Foundation', 'COSMETICS', 560, 60, 2),
  p('CS-SUN-01', '防晒霜 Sunscreen', 'COSMETICS', 310, 70, 3),
  p('PF-EDP-01', '香水 Eau de parfum 100 ml', 'PERFUME', 1350, 60, 2),
  p('PF-EDT-01', '淡香水 Eau de toilette 50 ml', 'PERFUME', 780, 40, 2),
  p('WT-LUX-01', '机械腕表 Automatic watch', 'WATCHES', 58_000, 4, 1),
  p('WT-FSH-01', '时装表 Fashion watch', 'WATCHES', 2_800, 10, 1),
  p('JW-GLD-01', '金饰 Gold bracelet', 'JEWELLERY', 16_000, 6, 1),
  p('JW-DIA-01', '钻石项链 Diamond necklace', 'JEWELLERY', 62_000, 2, 1),
  p('BG-LUX-01', '皮革手袋 Leather handbag', 'BAGS', 24_000, 10, 1),
  p('BG-TRV-01', '旅行箱 Suitcase', 'BAGS', 3_600, 6, 1),
  p('SL-WAL-01', '钱包 Wallet', 'SMALL_LEATHER_GOODS', 3_900, 14, 1),
  p('EY-SUN-01', '太阳镜 Sunglasses', 'EYEWEAR', 2_300, 18, 1),
  p('CL-SCF-01', '丝巾 Silk scarf', 'SILK_SCARVES', 3_200, 8, 2),
  p('CL-TSH-01', '针织衫 Knitwear', 'CLOTHING', 4_200, 12, 2),
  p('SH-SNK-01', '运动鞋 Sneakers', 'SHOES_AND_HATS', 1_500, 14, 2),
  p('MP-IPH-01', '智能手机 Smartphone 256 GB', 'MOBILE_PHONE', 8_999, 16, 2),
  p('EL-EAR-01', '无线耳机 Wireless earbuds', 'ELECTRONICS', 1_899, 20, 2),
  p('EL-CAM-01', '相机 Mirrorless camera', 'ELECTRONICS', 12_000, 3, 1),
  p('TB-PAD-01', '平板电脑 Tablet', 'TABLETS', 6_500, 8, 1),
  p('AL-WHS-01', '威士忌 Whisky 700 ml', 'ALCOHOL', 1_280, 14, 2, 700),
  p('AL-WIN-01', '红葡萄酒 Red wine 750 ml', 'ALCOHOL', 480, 10, 2, 750),
  p('AL-BJ-01', '白酒 Baijiu 500 ml', 'ALCOHOL', 1_499, 8, 3, 500),
  p('IF-MLK-01', '婴幼儿奶粉 Infant formula 800 g', 'INFANT_FORMULA', 320, 12, 4),
  p('HF-VIT-01', '保健食品 Vitamins', 'HEALTH_FOODS', 420, 10, 3),
  p('CF-CHO-01', '巧克力 Chocolates', 'CONFECTIONERY', 180, 14, 4),
];

/** The categories the ring patterns lean on (the ones with a per-trip limit, or easy to resell). */
export const RING_PRODUCTS = {
  cosmetics: PRODUCTS.filter((x) => x.category === 'COSMETICS'),
  phones: PRODUCTS.filter((x) => x.category === 'MOBILE_PHONE'),
  alcohol: PRODUCTS.filter((x) => x.category === 'ALCOHOL'),
  perfume: PRODUCTS.filter((x) => x.category === 'PERFUME'),
};

/** The twelve shops (as seeded by the migration) and their approximate shares of sales. */
export const SHOPS: readonly { code: string; share: number }[] = [
  { code: 'SANYA-HAITANG', share: 34 },
  { code: 'HAIKOU-CDF', share: 16 },
  { code: 'SANYA-PHOENIX', share: 7 },
  { code: 'HAIKOU-MEILAN-T2', share: 7 },
  { code: 'HAIKOU-MEILAN-T1', share: 3 },
  { code: 'SANYA-HAILV', share: 8 },
  { code: 'SANYA-CNSC', share: 6 },
  { code: 'HAIKOU-RIYUE', share: 5 },
  { code: 'HAIKOU-HAIKONG', share: 6 },
  { code: 'HAIKOU-GUANLANHU', share: 4 },
  { code: 'QIONGHAI-BOAO', share: 2 },
  { code: 'WANNING-WANGFUJING', share: 2 },
];

/** Categories as the detector numbers them: each with its per-trip limit in its unit (0 = none). */
export function categoryIndex(limits: Record<string, { pieces?: number; millilitres?: number }>) {
  const codes = [...new Set(PRODUCTS.map((x) => x.category))].sort();
  const index = new Map(codes.map((c, i) => [c, i]));
  const perTrip = codes.map((c) => limits[c]?.pieces ?? limits[c]?.millilitres ?? 0);
  const byMillilitre = codes.map((c) => limits[c]?.pieces === undefined && limits[c]?.millilitres !== undefined);
  return { codes, index, perTrip, byMillilitre };
}
