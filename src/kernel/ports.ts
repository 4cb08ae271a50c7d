import type { Violation } from './violation.ts';

/**
 * The 10 second-line ports (二线口岸) of the island. Codes: the UN/LOCODE of the place where one
 * exists, with a suffix naming the facility; Xinhai and Nangang are second-line only.
 */
export interface SecondLinePort {
  code: string;
  nameZh: string;
  nameEn: string;
  kind: 'SEAPORT' | 'AIRPORT';
  alsoFirstLine: boolean;
}

export const SECOND_LINE_PORTS: readonly SecondLinePort[] = [
  { code: 'CNHAK-PORT', nameZh: '海口港', nameEn: 'Haikou Port', kind: 'SEAPORT', alsoFirstLine: true },
  { code: 'CNYPG-PORT', nameZh: '洋浦港', nameEn: 'Yangpu Port', kind: 'SEAPORT', alsoFirstLine: true },
  { code: 'CNBSP-PORT', nameZh: '八所港', nameEn: 'Basuo Port', kind: 'SEAPORT', alsoFirstLine: true },
  { code: 'CNSYX-PORT', nameZh: '三亚港', nameEn: 'Sanya Port', kind: 'SEAPORT', alsoFirstLine: true },
  { code: 'CNQLN-PORT', nameZh: '清澜港', nameEn: 'Qinglan Port', kind: 'SEAPORT', alsoFirstLine: true },
  { code: 'CNHAK-XINHAI', nameZh: '海口新海港', nameEn: 'Haikou Xinhai Port', kind: 'SEAPORT', alsoFirstLine: false },
  { code: 'CNHAK-NANGANG', nameZh: '海口南港', nameEn: 'Haikou Nangang', kind: 'SEAPORT', alsoFirstLine: false },
  {
    code: 'CNHAK-MEILAN',
    nameZh: '海口美兰机场',
    nameEn: 'Haikou Meilan Airport',
    kind: 'AIRPORT',
    alsoFirstLine: true,
  },
  {
    code: 'CNSYX-PHOENIX',
    nameZh: '三亚凤凰机场',
    nameEn: 'Sanya Phoenix Airport',
    kind: 'AIRPORT',
    alsoFirstLine: true,
  },
  { code: 'CNQHI-BOAO', nameZh: '琼海博鳌机场', nameEn: 'Qionghai Boao Airport', kind: 'AIRPORT', alsoFirstLine: true },
];

/** UN/LOCODE: 2-letter country, 3 characters of A-Z or 2-9. */
export function validateUnLocode(input: unknown): Violation | null {
  if (typeof input !== 'string' || !/^[A-Z]{2}[A-Z2-9]{3}$/.test(input)) {
    return {
      rule: 'UNLOCODE.format',
      message: 'A UN/LOCODE is a 2-letter country code and 3 letters or digits 2-9, e.g. CNHAK.',
    };
  }
  return null;
}

export function validateSecondLinePortCode(input: unknown): Violation | null {
  if (typeof input === 'string' && SECOND_LINE_PORTS.some((p) => p.code === input)) return null;
  return {
    rule: 'ports.secondLine',
    message: `Use one of the second-line port codes: ${SECOND_LINE_PORTS.map((p) => p.code).join(', ')}.`,
  };
}

/**
 * Customs channels (通道) per second-line port, 27 in all: a plausible split by traffic (the ro-ro
 * ports Xinhai and Nangang carry most of the trucks). Seeded into gate_lanes by migration; lane
 * codes are `<port>-L<nn>`.
 */
export const LANES_PER_PORT: Readonly<Record<string, number>> = {
  'CNHAK-PORT': 3,
  'CNYPG-PORT': 3,
  'CNBSP-PORT': 2,
  'CNSYX-PORT': 2,
  'CNQLN-PORT': 2,
  'CNHAK-XINHAI': 6,
  'CNHAK-NANGANG': 4,
  'CNHAK-MEILAN': 2,
  'CNSYX-PHOENIX': 2,
  'CNQHI-BOAO': 1,
};

export function laneCode(portCode: string, laneNo: number): string {
  return `${portCode}-L${String(laneNo).padStart(2, '0')}`;
}
