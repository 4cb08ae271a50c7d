/** The schemas of the subjects' policy parameters (seeds: src/platform/parameters/defaults.ts). */
import { z } from 'zod';
import { wholeNumber, type ParameterSpecs } from '../../platform/parameters/definition.ts';
import type { ParameterSeed } from '../../platform/parameters/defaults.ts';

export const SUBJECTS_PARAMETERS: ParameterSpecs = {
  'subjects.reapplicationBarMonths': {
    description: 'Months a beneficiary that gave up zero-tariff treatment for a kind of goods waits to re-apply.',
    schema: wholeNumber(0, 120, 'months'),
  },
  'subjects.zeroTariffCategoryPrefixes': {
    description:
      'HS prefixes of each kind of zero-tariff goods (零关税“四张清单”): which qualification category covers a code ' +
      '(the longest prefix decides; a code none covers is not limited).',
    schema: z
      .object({
        PRODUCTION_EQUIPMENT: z.array(z.string().regex(/^\d{2,10}$/)).max(2000),
        TRANSPORT_VEHICLES_AND_YACHTS: z.array(z.string().regex(/^\d{2,10}$/)).max(2000),
        RAW_AND_AUXILIARY_MATERIALS: z.array(z.string().regex(/^\d{2,10}$/)).max(2000),
        CONSUMER_GOODS_FOR_RESIDENTS: z.array(z.string().regex(/^\d{2,10}$/)).max(2000),
      })
      .strict(),
  },
};

const chapters = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => String(from + i).padStart(2, '0'));

/** The first seeds of these parameters (policy_parameters on first start); rules never read them. */
export const SUBJECTS_PARAMETER_SEEDS: ParameterSeed[] = [
  {
    name: 'subjects.reapplicationBarMonths',
    value: 12,
    validFrom: '2020-06-01',
    reason: 'A beneficiary that gives up zero-tariff treatment for a kind of goods cannot re-apply for 12 months.',
  },
  {
    name: 'subjects.zeroTariffCategoryPrefixes',
    value: {
      // 自用生产设备 (negative list: machinery, electrical equipment, instruments).
      PRODUCTION_EQUIPMENT: ['84', '85', '90'],
      // 交通工具及游艇 (positive list): railway, road vehicles, aircraft, ships and yachts.
      TRANSPORT_VEHICLES_AND_YACHTS: ['86', '87', '88', '89'],
      // 原辅料 (positive list): goods of chapters 1 to 83 used in production.
      RAW_AND_AUXILIARY_MATERIALS: chapters(1, 83),
      // 岛内居民消费品 (positive list): a sample of headings of consumer goods.
      CONSUMER_GOODS_FOR_RESIDENTS: ['2203', '2204', '2208', '3303', '3304', '6109', '6403', '8517', '9101', '9102'],
    },
    validFrom: '2020-06-01',
    reason:
      'A simplified reading of the four lists (财关税〔2020〕54号, 〔2021〕7号 and their revisions) by chapter and ' +
      'heading; administrators load the published lists.',
  },
];
