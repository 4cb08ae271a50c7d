import type { MessageKey } from '../../i18n/zh-CN.ts';
import type { ExitGoods, RouteKind } from '../../api/wire.ts';

/** The scenario calculator's form: its lines, the worked examples and the request it sends. */
export interface Line {
  hsCode: string;
  description: string;
  value: string;
  importedContentValue: string;
  dutyRate: string;
  consumptionTaxRate: string;
  vatRate: string;
  quantity: string;
  specificDutyPerUnit: string;
  specificConsumptionTaxPerUnit: string;
  inTaxedCatalogue: boolean;
}

export interface Form {
  route: RouteKind;
  importerIsBeneficiary: boolean;
  transfereeIsBeneficiary: boolean;
  goods: ExitGoods;
  domesticVatPaid: boolean;
  currency: string;
  declarationDate: string;
  vaMode: 'materials' | 'ratio';
  vaRatio: string;
  vaSalePrice: string;
  vaImported: string;
  vaDomestic: string;
  vaHainan: string;
  lines: Line[];
}

export const CURRENCIES = [
  'CNY',
  'USD',
  'EUR',
  'JPY',
  'HKD',
  'GBP',
  'AUD',
  'CAD',
  'CHF',
  'SGD',
  'NZD',
  'KRW',
  'MYR',
  'RUB',
  'THB',
];
export const ROUTES: RouteKind[] = ['FIRST_LINE_IMPORT', 'ISLAND_TRANSFER', 'SECOND_LINE_EXIT', 'IMPORT'];

export const blankLine: Line = {
  hsCode: '',
  description: '',
  value: '',
  importedContentValue: '',
  dutyRate: '0',
  consumptionTaxRate: '',
  vatRate: '0.13',
  quantity: '',
  specificDutyPerUnit: '',
  specificConsumptionTaxPerUnit: '',
  inTaxedCatalogue: false,
};
export const base: Form = {
  route: 'FIRST_LINE_IMPORT',
  importerIsBeneficiary: true,
  transfereeIsBeneficiary: false,
  goods: 'ZERO_TARIFF',
  domesticVatPaid: false,
  currency: 'CNY',
  declarationDate: '',
  vaMode: 'materials',
  vaRatio: '',
  vaSalePrice: '',
  vaImported: '',
  vaDomestic: '',
  vaHainan: '',
  lines: [blankLine],
};

/** Worked examples anyone can start from; the GACC jerky is the one the customs notice gives. */
export const EXAMPLES: { key: MessageKey; form: Form }[] = [
  {
    key: 'tax.example.jerky',
    form: {
      ...base,
      route: 'SECOND_LINE_EXIT',
      goods: 'PROCESSED',
      vaSalePrice: '500000',
      vaImported: '356000',
      lines: [
        {
          ...blankLine,
          hsCode: '1602500010',
          description: '牛肉干 beef jerky',
          value: '500000',
          importedContentValue: '356000',
          dutyRate: '0.12',
          vatRate: '0.09',
        },
      ],
    },
  },
  {
    key: 'tax.example.cosmetics',
    form: {
      ...base,
      route: 'SECOND_LINE_EXIT',
      goods: 'ZERO_TARIFF',
      domesticVatPaid: true,
      currency: 'JPY',
      lines: [
        {
          ...blankLine,
          hsCode: '3304990000',
          description: '护肤品 skin care',
          value: '2000000',
          importedContentValue: '1500000',
          dutyRate: '0.05',
          consumptionTaxRate: '0.15',
        },
      ],
    },
  },
  {
    key: 'tax.example.equipment',
    form: {
      ...base,
      route: 'FIRST_LINE_IMPORT',
      importerIsBeneficiary: true,
      currency: 'USD',
      lines: [
        {
          ...blankLine,
          hsCode: '8479899990',
          description: '生产设备 production machine',
          value: '250000',
          dutyRate: '0.08',
        },
        {
          ...blankLine,
          hsCode: '8703234190',
          description: '小轿车 passenger car',
          value: '40000',
          dutyRate: '0.15',
          consumptionTaxRate: '0.05',
          inTaxedCatalogue: true,
        },
      ],
    },
  },
];

export const list = (s: string) => s.split(/[,，\s]+/).filter(Boolean);
export const opt = (v: string) => (v.trim() ? v.trim() : undefined);

export function requestBody(f: Form) {
  const route =
    f.route === 'FIRST_LINE_IMPORT'
      ? { kind: f.route, importerIsBeneficiary: f.importerIsBeneficiary }
      : f.route === 'ISLAND_TRANSFER'
        ? { kind: f.route, transfereeIsBeneficiary: f.transfereeIsBeneficiary }
        : f.route === 'SECOND_LINE_EXIT'
          ? { kind: f.route, goods: f.goods, domesticVatPaid: f.domesticVatPaid }
          : { kind: f.route };
  const processed = f.route === 'SECOND_LINE_EXIT' && f.goods === 'PROCESSED';
  return {
    route,
    currency: f.currency,
    ...(f.declarationDate ? { declarationDate: f.declarationDate } : {}),
    lines: f.lines.map((l) => ({
      hsCode: l.hsCode.trim(),
      description: opt(l.description),
      value: l.value.trim(),
      importedContentValue: f.route === 'SECOND_LINE_EXIT' ? opt(l.importedContentValue) : undefined,
      inTaxedCatalogue: f.route === 'FIRST_LINE_IMPORT' ? l.inTaxedCatalogue : undefined,
      dutyRate: l.dutyRate.trim(),
      consumptionTaxRate: opt(l.consumptionTaxRate),
      vatRate: l.vatRate,
      quantity: opt(l.quantity),
      specificDutyPerUnit: opt(l.specificDutyPerUnit),
      specificConsumptionTaxPerUnit: opt(l.specificConsumptionTaxPerUnit),
    })),
    ...(processed
      ? {
          valueAdded:
            f.vaMode === 'ratio'
              ? { ratio: f.vaRatio.trim() }
              : {
                  salePrice: f.vaSalePrice.trim(),
                  importedMaterials: list(f.vaImported),
                  domesticMaterials: list(f.vaDomestic),
                  hainanMadeInputs: list(f.vaHainan),
                },
        }
      : {}),
  };
}
