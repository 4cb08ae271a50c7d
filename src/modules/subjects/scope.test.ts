import { describe, expect, it } from 'vitest';
import { goodsCategoryOf, scopeViolation, type CategoryPrefixes } from './scope.ts';

const MAP: CategoryPrefixes = {
  PRODUCTION_EQUIPMENT: ['84', '85'],
  TRANSPORT_VEHICLES_AND_YACHTS: ['87', '8903'],
  RAW_AND_AUXILIARY_MATERIALS: ['40', '89'],
  CONSUMER_GOODS_FOR_RESIDENTS: ['8517'],
};

describe('goods categories of zero-tariff beneficiaries', () => {
  it.each([
    ['8479899990', 'PRODUCTION_EQUIPMENT'],
    ['8517130000', 'CONSUMER_GOODS_FOR_RESIDENTS'],
    ['8903990090', 'TRANSPORT_VEHICLES_AND_YACHTS'],
    ['8901100000', 'RAW_AND_AUXILIARY_MATERIALS'],
    ['4001220000', 'RAW_AND_AUXILIARY_MATERIALS'],
    ['9506310000', null],
  ])('%s is %s (the longest prefix decides)', (code, category) => {
    expect(goodsCategoryOf(code, MAP)).toBe(category);
  });

  it.each([
    ['a machine under equipment', '8479899990', ['PRODUCTION_EQUIPMENT'], null],
    ['a machine under raw materials only', '8479899990', ['RAW_AND_AUXILIARY_MATERIALS'], 'beneficiary.scope'],
    ['anything with no category held', '4001220000', [], 'beneficiary.scope'],
    ['a code no list covers', '9506310000', [], null],
  ])('%s', (_what, code, held, rule) => {
    expect(scopeViolation(code, held, MAP, 'lines[0].itemId', 'the enterprise')?.rule ?? null).toBe(rule);
  });
});
