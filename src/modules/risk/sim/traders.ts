import { Rng } from '../../../kernel/random.ts';
import { usccCheckChar, USCC_CHARSET } from '../../../kernel/uscc.ts';
import { GOODS, GOODS_BY_SECTOR, type Good } from './goods.ts';

/**
 * The simulated traders of the island: mostly honest, some careless, a few crooked — risky
 * traders, rings of front companies sharing one foreign seller, dormant shells that wake up with
 * one big shipment, resellers of zero-tariff goods, processors that inflate their value added.
 */
export type TraderRole = 'IMPORTER' | 'EXPORTER' | 'PROCESSOR' | 'RESELLER';
export type FraudKind = 'UNDERVALUE' | 'MISCLASSIFY' | 'WEIGHT' | 'VALUE_ADDED' | 'QUICK_RESALE' | 'RELAXED_TRADE';
export type CreditSetup = 'AEO' | 'WHITELIST' | 'FOCUS';

export interface SimTrader {
  index: number;
  uscc: string;
  name: string;
  role: TraderRole;
  goods: Good[];
  origins: Map<string, string[]>;
  homePort: string;
  /** Median declarations per day while active. */
  activity: number;
  /** Quantity multiplier: size of the business. */
  scale: number;
  credit: CreditSetup;
  qualifications: ('ZERO_TARIFF_BENEFICIARY' | 'PROCESSING_VALUE_ADDED' | 'RELAXED_TRADE_END_USER')[];
  legalForm: 'INDEPENDENT_LEGAL_PERSON' | 'BRANCH';
  registeredInHainan: boolean;
  fraudRate: number;
  fraudKinds: [FraudKind, number][];
  sellers: string[];
  buyers: string[];
  ring: number | null;
  /** Day the trader first appears (0: already trading) and, for dormant shells, the silent days. */
  appearsOn: number;
  silent: [number, number] | null;
  /** A shell's one big shipment. */
  bigShipmentOn: number | null;
}

export const FIRST_LINE_PORTS = [
  'CNHAK-PORT',
  'CNYPG-PORT',
  'CNBSP-PORT',
  'CNSYX-PORT',
  'CNQLN-PORT',
  'CNHAK-MEILAN',
  'CNSYX-PHOENIX',
  'CNQHI-BOAO',
];
export const SECOND_LINE_PORTS = [
  'CNHAK-PORT',
  'CNYPG-PORT',
  'CNBSP-PORT',
  'CNSYX-PORT',
  'CNQLN-PORT',
  'CNHAK-XINHAI',
  'CNHAK-NANGANG',
  'CNHAK-MEILAN',
  'CNSYX-PHOENIX',
  'CNQHI-BOAO',
];

/** Smuggling corridors: port × departure country pairs where fraud is more common. */
export const RISKY_ROUTES = new Set(['CNHAK-NANGANG|VN', 'CNYPG-PORT|MY', 'CNSYX-PORT|KH']);

const SELLERS = Array.from({ length: 60 }, (_, i) => `Global Trading Partner ${String(i + 1).padStart(2, '0')} Ltd`);
const BUYERS = Array.from({ length: 40 }, (_, i) => `内地采购商${String(i + 1).padStart(2, '0')}有限公司`);
const NAMES = [
  '海澜',
  '椰城',
  '琼州',
  '南洋',
  '鹿城',
  '万宁',
  '临高',
  '博鳌',
  '洋浦',
  '清澜',
  '五指山',
  '东方',
  '儋州',
  '文昌',
  '陵水',
  '澄迈',
  '定安',
  '屯昌',
  '乐东',
  '昌江',
];
const TRADES = ['贸易', '进出口', '供应链', '实业', '商贸', '国际物流', '科技', '食品', '装备', '材料'];

function simUscc(seed: number, index: number): string {
  let n = (seed % 9973) * 100_000 + index;
  let org = '';
  for (let k = 0; k < 8; k++) {
    org = USCC_CHARSET[n % 31] + org;
    n = Math.floor(n / 31);
  }
  const first17 = `9146010${'7'}${org}R`;
  return first17 + usccCheckChar(first17);
}

const SECTOR_ROLES: [TraderRole, string[], number][] = [
  ['IMPORTER', ['FOOD', 'CONSUMER', 'ELECTRONICS', 'MACHINERY', 'VEHICLES', 'HEALTH'], 45],
  ['EXPORTER', ['FOOD', 'CONSUMER', 'LUXURY', 'ELECTRONICS', 'HEALTH'], 30],
  ['PROCESSOR', ['FOOD', 'MATERIALS'], 15],
  ['RESELLER', ['LUXURY', 'ELECTRONICS', 'VEHICLES'], 10],
];

export interface PopulationOptions {
  seed: number;
  traders: number;
  days: number;
}

export function buildPopulation(opts: PopulationOptions): SimTrader[] {
  const rng = new Rng(opts.seed ^ 0x5eed);
  const traders: SimTrader[] = [];
  const ringCount = Math.max(1, Math.round(opts.traders / 60));
  const ringSize = 5;
  const special = ringCount * ringSize + 3 + 1;
  const ordinary = Math.max(0, opts.traders - special);

  const make = (over: Partial<SimTrader> & { role: TraderRole }): SimTrader => {
    const index = traders.length;
    const sector = rng.pick(SECTOR_ROLES.find(([r]) => r === over.role)![1]);
    const pool = GOODS_BY_SECTOR.get(sector) ?? GOODS;
    const goods = over.goods ?? [...new Set(Array.from({ length: rng.int(2, 4) }, () => rng.pick(pool)))];
    const origins = new Map(
      goods.map((g) => [g.key, [...new Set(Array.from({ length: rng.int(1, 2) }, () => rng.pick(g.origins)))]]),
    );
    const role = over.role;
    const qualifications: SimTrader['qualifications'] =
      role === 'PROCESSOR'
        ? ['PROCESSING_VALUE_ADDED', 'ZERO_TARIFF_BENEFICIARY']
        : role === 'EXPORTER' && rng.chance(0.3)
          ? ['RELAXED_TRADE_END_USER']
          : rng.chance(0.7)
            ? ['ZERO_TARIFF_BENEFICIARY']
            : [];
    const t: SimTrader = {
      index,
      uscc: simUscc(opts.seed, index),
      name: `${rng.pick(NAMES)}${rng.pick(NAMES)}${rng.pick(TRADES)}有限公司（模拟${String(index + 1).padStart(3, '0')}）`,
      goods,
      origins,
      homePort: role === 'EXPORTER' ? rng.pick(SECOND_LINE_PORTS) : rng.pick(FIRST_LINE_PORTS),
      activity: rng.logNormal(0.35, 0.6),
      scale: rng.logNormal(1, 0.5),
      credit: 'WHITELIST',
      qualifications,
      legalForm: 'INDEPENDENT_LEGAL_PERSON',
      registeredInHainan: true,
      fraudRate: rng.uniform(0.01, 0.04),
      fraudKinds: [
        ['UNDERVALUE', 5],
        ['MISCLASSIFY', 2],
        ['WEIGHT', 2],
      ],
      sellers: Array.from({ length: rng.int(1, 3) }, () => rng.pick(SELLERS)),
      buyers: Array.from({ length: rng.int(1, 3) }, () => rng.pick(BUYERS)),
      ring: null,
      appearsOn: 0,
      silent: null,
      bigShipmentOn: null,
      ...over,
    };
    traders.push(t);
    return t;
  };

  for (let i = 0; i < ordinary; i++) {
    const role = rng.weighted(SECTOR_ROLES.map(([r, , w]) => [r, w] as const));
    const kind = rng.weighted([
      ['AEO', 8],
      ['HONEST', 72],
      ['RISKY', 12],
      ['CARELESS', 8],
    ] as const);
    const t = make({ role });
    if (kind === 'AEO')
      Object.assign(t, { credit: 'AEO', fraudRate: 0.005, scale: t.scale * 2, activity: t.activity * 2 });
    if (kind === 'RISKY')
      Object.assign(t, { credit: rng.chance(0.5) ? 'FOCUS' : 'WHITELIST', fraudRate: rng.uniform(0.2, 0.4) });
    if (kind === 'CARELESS') Object.assign(t, { fraudRate: rng.uniform(0.08, 0.15) });
    if (role === 'PROCESSOR')
      t.fraudKinds = [
        ['VALUE_ADDED', 5],
        ['UNDERVALUE', 2],
        ['WEIGHT', 1],
      ];
    if (role === 'RESELLER')
      t.fraudKinds = [
        ['QUICK_RESALE', 5],
        ['UNDERVALUE', 2],
        ['MISCLASSIFY', 2],
      ];
    if (role === 'EXPORTER' && t.qualifications.includes('RELAXED_TRADE_END_USER') && kind === 'RISKY')
      t.fraudKinds.push(['RELAXED_TRADE', 1]);
  }

  // Rings of young front companies (皮包公司) sharing one foreign seller, appearing over the run.
  for (let r = 0; r < ringCount; r++) {
    const seller = `Ocean Star Holdings ${r + 1} Ltd`;
    const goods = [rng.pick(GOODS.filter((g) => g.sector === 'LUXURY' || g.sector === 'ELECTRONICS'))];
    for (let k = 0; k < ringSize; k++) {
      make({
        role: 'IMPORTER',
        goods,
        ring: r,
        sellers: [seller],
        appearsOn: rng.int(5, Math.max(6, Math.floor(opts.days * 0.8))),
        fraudRate: 0.65,
        fraudKinds: [
          ['UNDERVALUE', 8],
          ['MISCLASSIFY', 1],
        ],
        activity: 0.6,
        scale: 2.5,
        qualifications: ['ZERO_TARIFF_BENEFICIARY'],
      });
    }
  }
  // Dormant shells: silent for half a year, then one large, false shipment.
  for (let k = 0; k < 3; k++) {
    const wake = rng.int(Math.floor(opts.days * 0.3), Math.max(Math.floor(opts.days * 0.3) + 1, opts.days - 2));
    make({
      role: 'IMPORTER',
      silent: [0, wake],
      bigShipmentOn: wake,
      fraudRate: 0.9,
      fraudKinds: [
        ['UNDERVALUE', 3],
        ['WEIGHT', 2],
      ],
      scale: 6,
      activity: 0.05,
    });
  }
  // A branch office of a mainland group importing zero-tariff goods it may not hold.
  make({ role: 'IMPORTER', legalForm: 'BRANCH', registeredInHainan: false, fraudRate: 0.3, qualifications: [] });
  return traders;
}
