/**
 * Goods that cross Hainan's two lines, with realistic prices (CNY per legal unit), weights per unit,
 * origins and tax rates. `decoy` is the code a trader who mis-classifies them would declare: a
 * lower-duty line, often in another chapter, while the description stays true.
 */
export interface Good {
  key: string;
  hsCode: string;
  description: string;
  unit: 'KG' | 'PCS' | 'L' | 'M3';
  /** Median price, CNY per unit, and its spread (log-normal sigma). */
  price: number;
  priceSigma: number;
  /** Net kg per unit (for KG, 1). */
  kgPerUnit: number;
  origins: string[];
  dutyRate: string;
  vatRate: string;
  consumptionTaxRate?: string;
  /** Typical quantity per declaration line (median). */
  quantity: number;
  sector: 'FOOD' | 'CONSUMER' | 'LUXURY' | 'ELECTRONICS' | 'MACHINERY' | 'MATERIALS' | 'VEHICLES' | 'HEALTH';
  decoy?: { hsCode: string; dutyRate: string };
}

export const GOODS: readonly Good[] = [
  { key: 'beef', hsCode: '0202300090', description: 'Frozen boneless beef cuts 冷冻去骨牛肉', unit: 'KG', price: 46, priceSigma: 0.18, kgPerUnit: 1, origins: ['AU', 'BR', 'AR', 'NZ', 'UY'], dutyRate: '0.12', vatRate: '0.09', quantity: 18000, sector: 'FOOD', decoy: { hsCode: '0206290000', dutyRate: '0.12' } },
  { key: 'shrimp', hsCode: '0306171900', description: 'Frozen shrimps and prawns 冷冻虾', unit: 'KG', price: 62, priceSigma: 0.2, kgPerUnit: 1, origins: ['EC', 'VN', 'IN', 'TH'], dutyRate: '0.05', vatRate: '0.09', quantity: 9000, sector: 'FOOD' },
  { key: 'milk', hsCode: '0402210000', description: 'Milk powder, whole, not sweetened 全脂奶粉', unit: 'KG', price: 34, priceSigma: 0.15, kgPerUnit: 1, origins: ['NZ', 'AU', 'NL', 'FR'], dutyRate: '0.10', vatRate: '0.09', quantity: 12000, sector: 'FOOD' },
  { key: 'coffee', hsCode: '0901210000', description: 'Roasted coffee beans 焙炒咖啡豆', unit: 'KG', price: 125, priceSigma: 0.25, kgPerUnit: 1, origins: ['IT', 'BR', 'CO', 'ET'], dutyRate: '0.15', vatRate: '0.13', quantity: 2500, sector: 'FOOD' },
  { key: 'cocoa', hsCode: '1801000000', description: 'Cocoa beans, raw 可可豆', unit: 'KG', price: 26, priceSigma: 0.15, kgPerUnit: 1, origins: ['CI', 'GH', 'EC'], dutyRate: '0.08', vatRate: '0.09', quantity: 20000, sector: 'FOOD' },
  { key: 'wine', hsCode: '2204210000', description: 'Red wine of fresh grapes in bottles 瓶装红葡萄酒', unit: 'L', price: 85, priceSigma: 0.35, kgPerUnit: 1.3, origins: ['FR', 'AU', 'CL', 'IT', 'ES'], dutyRate: '0.14', vatRate: '0.13', consumptionTaxRate: '0.10', quantity: 3000, sector: 'CONSUMER', decoy: { hsCode: '2009890000', dutyRate: '0.05' } },
  { key: 'whisky', hsCode: '2208300000', description: 'Scotch whisky 威士忌酒', unit: 'L', price: 320, priceSigma: 0.4, kgPerUnit: 1.4, origins: ['GB', 'US', 'JP'], dutyRate: '0.05', vatRate: '0.13', consumptionTaxRate: '0.20', quantity: 800, sector: 'CONSUMER', decoy: { hsCode: '2106909000', dutyRate: '0.05' } },
  { key: 'lipstick', hsCode: '3304100000', description: 'Lipstick, lip make-up preparations 唇膏', unit: 'PCS', price: 150, priceSigma: 0.3, kgPerUnit: 0.02, origins: ['FR', 'KR', 'JP', 'US'], dutyRate: '0.05', vatRate: '0.13', consumptionTaxRate: '0.15', quantity: 6000, sector: 'LUXURY', decoy: { hsCode: '3401110000', dutyRate: '0.0' } },
  { key: 'skincare', hsCode: '3304990000', description: 'Beauty and skin care preparations, face cream 护肤品', unit: 'PCS', price: 320, priceSigma: 0.35, kgPerUnit: 0.1, origins: ['FR', 'KR', 'JP', 'US'], dutyRate: '0.05', vatRate: '0.13', consumptionTaxRate: '0.15', quantity: 4000, sector: 'LUXURY', decoy: { hsCode: '3401110000', dutyRate: '0.0' } },
  { key: 'perfume', hsCode: '3303000000', description: 'Perfumes and toilet waters 香水', unit: 'PCS', price: 520, priceSigma: 0.3, kgPerUnit: 0.25, origins: ['FR', 'IT'], dutyRate: '0.03', vatRate: '0.13', consumptionTaxRate: '0.15', quantity: 2000, sector: 'LUXURY' },
  { key: 'handbag', hsCode: '4202210000', description: 'Handbags with outer surface of leather 皮革手提包', unit: 'PCS', price: 3200, priceSigma: 0.45, kgPerUnit: 1.0, origins: ['IT', 'FR'], dutyRate: '0.06', vatRate: '0.13', quantity: 400, sector: 'LUXURY', decoy: { hsCode: '3926909090', dutyRate: '0.06' } },
  { key: 'shoes', hsCode: '6403990000', description: 'Footwear with leather uppers 皮面鞋靴', unit: 'PCS', price: 620, priceSigma: 0.3, kgPerUnit: 1.2, origins: ['IT', 'VN', 'ID'], dutyRate: '0.10', vatRate: '0.13', quantity: 1500, sector: 'CONSUMER' },
  { key: 'jewellery', hsCode: '7113190000', description: 'Gold jewellery of precious metal 金首饰', unit: 'PCS', price: 8200, priceSigma: 0.4, kgPerUnit: 0.03, origins: ['IT', 'HK', 'CH'], dutyRate: '0.08', vatRate: '0.13', consumptionTaxRate: '0.05', quantity: 300, sector: 'LUXURY', decoy: { hsCode: '7117190000', dutyRate: '0.08' } },
  { key: 'watch', hsCode: '9102110000', description: 'Wrist-watches, electrically operated 电子手表', unit: 'PCS', price: 3100, priceSigma: 0.5, kgPerUnit: 0.15, origins: ['CH', 'JP'], dutyRate: '0.08', vatRate: '0.13', quantity: 500, sector: 'LUXURY', decoy: { hsCode: '8543709990', dutyRate: '0.0' } },
  { key: 'phone', hsCode: '8517130000', description: 'Smartphones for cellular networks 智能手机', unit: 'PCS', price: 4200, priceSigma: 0.35, kgPerUnit: 0.2, origins: ['KR', 'VN', 'US', 'IN'], dutyRate: '0.0', vatRate: '0.13', quantity: 1200, sector: 'ELECTRONICS' },
  { key: 'laptop', hsCode: '8471300000', description: 'Portable automatic data processing machines, laptop 笔记本电脑', unit: 'PCS', price: 6100, priceSigma: 0.3, kgPerUnit: 1.8, origins: ['US', 'TW', 'JP', 'MY'], dutyRate: '0.0', vatRate: '0.13', quantity: 800, sector: 'ELECTRONICS' },
  { key: 'tv', hsCode: '8528722000', description: 'Colour television reception apparatus 彩色电视机', unit: 'PCS', price: 3100, priceSigma: 0.3, kgPerUnit: 15, origins: ['KR', 'JP', 'MX'], dutyRate: '0.15', vatRate: '0.13', quantity: 600, sector: 'ELECTRONICS' },
  { key: 'chips', hsCode: '8542319000', description: 'Processors and controllers, electronic integrated circuits 处理器芯片', unit: 'PCS', price: 420, priceSigma: 0.5, kgPerUnit: 0.005, origins: ['TW', 'KR', 'MY', 'US'], dutyRate: '0.0', vatRate: '0.13', quantity: 20000, sector: 'ELECTRONICS' },
  { key: 'battery', hsCode: '8507600090', description: 'Lithium-ion accumulators 锂离子蓄电池', unit: 'PCS', price: 480, priceSigma: 0.3, kgPerUnit: 2, origins: ['KR', 'JP'], dutyRate: '0.10', vatRate: '0.13', quantity: 3000, sector: 'ELECTRONICS' },
  { key: 'car', hsCode: '8703234190', description: 'Passenger motor cars, spark-ignition, 2000 cc 小轿车', unit: 'PCS', price: 310000, priceSigma: 0.35, kgPerUnit: 1600, origins: ['DE', 'JP', 'US', 'GB'], dutyRate: '0.15', vatRate: '0.13', consumptionTaxRate: '0.05', quantity: 12, sector: 'VEHICLES', decoy: { hsCode: '8716399000', dutyRate: '0.10' } },
  { key: 'yacht', hsCode: '8903990090', description: 'Yachts and pleasure vessels 游艇', unit: 'PCS', price: 2600000, priceSigma: 0.5, kgPerUnit: 9000, origins: ['IT', 'GB', 'US', 'AU'], dutyRate: '0.10', vatRate: '0.13', consumptionTaxRate: '0.10', quantity: 1, sector: 'VEHICLES' },
  { key: 'tyres', hsCode: '4011100000', description: 'New pneumatic rubber tyres for motor cars 新充气橡胶轮胎', unit: 'PCS', price: 610, priceSigma: 0.25, kgPerUnit: 9, origins: ['JP', 'TH', 'DE'], dutyRate: '0.10', vatRate: '0.13', quantity: 2000, sector: 'VEHICLES' },
  { key: 'excavator', hsCode: '8429521200', description: 'Excavators, mechanical shovels with 360 degree revolving superstructure 挖掘机', unit: 'PCS', price: 820000, priceSigma: 0.3, kgPerUnit: 21000, origins: ['JP', 'DE', 'US'], dutyRate: '0.05', vatRate: '0.13', quantity: 3, sector: 'MACHINERY' },
  { key: 'machine', hsCode: '8479899990', description: 'Machines and mechanical appliances with individual functions 专用机械', unit: 'PCS', price: 210000, priceSigma: 0.5, kgPerUnit: 2500, origins: ['DE', 'JP', 'IT', 'CH'], dutyRate: '0.05', vatRate: '0.13', quantity: 4, sector: 'MACHINERY' },
  { key: 'polyethylene', hsCode: '3901100099', description: 'Polyethylene in primary forms, granules 聚乙烯颗粒', unit: 'KG', price: 9.2, priceSigma: 0.12, kgPerUnit: 1, origins: ['SA', 'KR', 'US', 'SG'], dutyRate: '0.065', vatRate: '0.13', quantity: 60000, sector: 'MATERIALS' },
  { key: 'palmoil', hsCode: '1511900000', description: 'Palm oil, refined 精炼棕榈油', unit: 'KG', price: 7.4, priceSigma: 0.1, kgPerUnit: 1, origins: ['MY', 'ID'], dutyRate: '0.09', vatRate: '0.09', quantity: 80000, sector: 'MATERIALS' },
  { key: 'logs', hsCode: '4403499090', description: 'Tropical wood logs in the rough 热带原木', unit: 'M3', price: 2600, priceSigma: 0.25, kgPerUnit: 700, origins: ['PG', 'SB', 'GA'], dutyRate: '0.0', vatRate: '0.09', quantity: 120, sector: 'MATERIALS' },
  { key: 'copper', hsCode: '7403111100', description: 'Refined copper cathodes 精炼铜阴极', unit: 'KG', price: 68, priceSigma: 0.06, kgPerUnit: 1, origins: ['CL', 'PE', 'ZM'], dutyRate: '0.0', vatRate: '0.13', quantity: 50000, sector: 'MATERIALS' },
  { key: 'medicine', hsCode: '3004909099', description: 'Medicaments in measured doses 药品', unit: 'PCS', price: 210, priceSigma: 0.5, kgPerUnit: 0.1, origins: ['DE', 'CH', 'US', 'FR'], dutyRate: '0.03', vatRate: '0.13', quantity: 5000, sector: 'HEALTH' },
  { key: 'instruments', hsCode: '9018909919', description: 'Medical and surgical instruments and appliances 医疗器械', unit: 'PCS', price: 5200, priceSigma: 0.6, kgPerUnit: 4, origins: ['DE', 'US', 'JP'], dutyRate: '0.04', vatRate: '0.13', quantity: 200, sector: 'HEALTH' },
  { key: 'tshirts', hsCode: '6109100021', description: 'Cotton T-shirts, knitted 棉制针织T恤', unit: 'PCS', price: 62, priceSigma: 0.3, kgPerUnit: 0.2, origins: ['VN', 'BD', 'KH'], dutyRate: '0.14', vatRate: '0.13', quantity: 10000, sector: 'CONSUMER' },
  { key: 'furniture', hsCode: '9403609990', description: 'Wooden furniture 木制家具', unit: 'PCS', price: 2100, priceSigma: 0.4, kgPerUnit: 30, origins: ['IT', 'MY', 'VN'], dutyRate: '0.0', vatRate: '0.13', quantity: 300, sector: 'CONSUMER' },
  { key: 'oranges', hsCode: '0805100000', description: 'Fresh oranges 鲜橙', unit: 'KG', price: 11, priceSigma: 0.2, kgPerUnit: 1, origins: ['US', 'ZA', 'EG', 'AU'], dutyRate: '0.11', vatRate: '0.09', quantity: 20000, sector: 'FOOD' },
];

export const GOODS_BY_SECTOR = new Map<string, Good[]>();
for (const g of GOODS) GOODS_BY_SECTOR.set(g.sector, [...(GOODS_BY_SECTOR.get(g.sector) ?? []), g]);

/** Departure countries that are transit hubs (re-export, transshipment). */
export const TRANSIT_HUBS = ['SG', 'MY', 'HK', 'AE', 'KR'];
