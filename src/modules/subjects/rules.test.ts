import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import {
  addMonths,
  eligibilityViolations,
  historyViolations,
  individualFor,
  isActiveOn,
  maskIdNumber,
  maskName,
  PERSONAL_DATA_ACCESS,
  type EnterpriseFacts,
  type QualificationRecord,
} from './rules.ts';

const hainanLegalPerson: EnterpriseFacts = {
  registeredInHainan: true,
  legalForm: 'INDEPENDENT_LEGAL_PERSON',
  encouragedIndustry: true,
};
const zt = (goodsCategory = 'PRODUCTION_EQUIPMENT') => ({
  kind: 'ZERO_TARIFF_BENEFICIARY' as const,
  goodsCategory,
  validFrom: '2026-01-01',
  validTo: null,
});

describe('eligibility', () => {
  it.each([
    ['Hainan independent legal person', hainanLegalPerson, []],
    ['Hainan public institution', { ...hainanLegalPerson, legalForm: 'PUBLIC_INSTITUTION' as const }, []],
    ['Hainan approved non-profit', { ...hainanLegalPerson, legalForm: 'NON_PROFIT' as const }, []],
    ['a branch', { ...hainanLegalPerson, legalForm: 'BRANCH' as const }, ['subjects.zeroTariff.legalForm']],
    [
      'registered outside Hainan',
      { ...hainanLegalPerson, registeredInHainan: false },
      ['subjects.zeroTariff.registeredInHainan'],
    ],
  ])('zero-tariff beneficiary: %s', (_label, facts, rules) => {
    expect(eligibilityViolations(facts, zt()).map((v) => v.rule)).toEqual(rules);
  });

  it('zero-tariff needs a known goods category', () => {
    expect(eligibilityViolations(hainanLegalPerson, zt('SPACESHIPS')).map((v) => v.rule)).toEqual([
      'subjects.zeroTariffGoodsCategory',
    ]);
  });

  it('processing value-added filing needs Hainan, an independent legal person and an encouraged industry', () => {
    const req = { kind: 'PROCESSING_VALUE_ADDED' as const, goodsCategory: '', validFrom: '2026-01-01', validTo: null };
    expect(eligibilityViolations(hainanLegalPerson, req)).toEqual([]);
    expect(
      eligibilityViolations({ registeredInHainan: false, legalForm: 'BRANCH', encouragedIndustry: false }, req).map(
        (v) => v.rule,
      ),
    ).toEqual([
      'subjects.processing.registeredInHainan',
      'subjects.processing.legalForm',
      'subjects.processing.encouragedIndustry',
    ]);
  });

  it('a validity period must end after it starts', () => {
    expect(eligibilityViolations(hainanLegalPerson, { ...zt(), validTo: '2026-01-01' }).map((v) => v.rule)).toEqual([
      'subjects.validityPeriod',
    ]);
  });
});

describe('history: overlap and the re-application bar', () => {
  const given: QualificationRecord = {
    kind: 'ZERO_TARIFF_BENEFICIARY',
    goodsCategory: 'PRODUCTION_EQUIPMENT',
    validFrom: '2025-12-18',
    validTo: null,
    relinquishedOn: '2026-03-31',
  };

  it('re-application is barred for 12 months to the day (month-end clamps)', () => {
    expect(addMonths('2026-03-31', 12)).toBe('2027-03-31');
    expect(addMonths('2026-03-31', 11)).toBe('2027-02-28');
    const rules = (validFrom: string, today: string) =>
      historyViolations([given], { ...zt(), validFrom }, today, 12).map((v) => v.rule);
    expect(rules('2027-03-30', '2026-06-01')).toEqual(['subjects.zeroTariff.reapplicationBar']);
    expect(rules('2027-03-31', '2026-06-01')).toEqual([]);
    // Applying late counts from today, not from a back-dated start.
    expect(rules('2026-04-01', '2027-04-01')).toEqual([]);
  });

  it('another goods category is not barred', () => {
    expect(
      historyViolations([given], { ...zt('RAW_AND_AUXILIARY_MATERIALS'), validFrom: '2026-04-01' }, '2026-04-01', 12),
    ).toEqual([]);
  });

  it('an overlapping grant of the same kind is refused; back-to-back periods are fine', () => {
    const held: QualificationRecord = {
      kind: 'RELAXED_TRADE_END_USER',
      goodsCategory: '',
      validFrom: '2026-01-01',
      validTo: '2027-01-01',
      relinquishedOn: null,
    };
    const req = (validFrom: string, validTo: string | null) => ({
      kind: 'RELAXED_TRADE_END_USER' as const,
      goodsCategory: '',
      validFrom,
      validTo,
    });
    expect(historyViolations([held], req('2026-12-31', null), '2026-06-01', 12).map((v) => v.rule)).toEqual([
      'subjects.overlappingQualification',
    ]);
    expect(historyViolations([held], req('2027-01-01', null), '2026-06-01', 12)).toEqual([]);
    expect(historyViolations([held], req('2025-01-01', '2026-01-01'), '2026-06-01', 12)).toEqual([]);
  });

  it('isActiveOn respects start, end and relinquishment', () => {
    expect(isActiveOn(given, '2025-12-17')).toBe(false);
    expect(isActiveOn(given, '2025-12-18')).toBe(true);
    expect(isActiveOn(given, '2026-03-30')).toBe(true);
    expect(isActiveOn(given, '2026-03-31')).toBe(false);
  });

  it('property: addMonths never overshoots the target month and is monotonic', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 60 }),
        (d, m) => {
          const date = d.toISOString().slice(0, 10);
          const a = addMonths(date, m);
          const b = addMonths(date, m + 1);
          expect(a <= b).toBe(true);
          const [y, mo] = date.split('-').map(Number) as [number, number];
          const total = y * 12 + mo - 1 + m;
          expect(a.slice(0, 7)).toBe(`${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`);
        },
      ),
    );
  });
});

describe('masking', () => {
  it('keeps only what identifies no one', () => {
    expect(maskIdNumber('46010019900307123X')).toBe('460*************3X');
    expect(maskIdNumber('E1234')).toBe('*****');
    expect(maskName('王海燕')).toBe('王**');
    expect(maskName('Tan Wei Ming')).toMatch(/^T\*+$/);
  });
});

describe('masking of individuals', () => {
  const facts = { id: 'i-1', idType: 'RESIDENT_ID', nationality: 'CHN', createdAt: '2026-01-01T00:00:00.000Z' };
  const full = () => ({ ...facts, idNumber: '11010519491231002X', name: '张三丰', birthDate: '1949-12-31' });
  const masked = { ...facts, idNumber: maskIdNumber('11010519491231002X'), name: maskName('张三丰') };

  it('a masked view drops the birth date: 5 of 18 characters of the ID number remain', () => {
    const view = individualFor('department', full, masked);
    expect(view).toEqual({ ...facts, idNumber: '110*************2X', name: '张**', birthDate: null, masked: true });
    expect(view.idNumber.replace(/\*/g, '')).toHaveLength(5);
    expect(JSON.stringify(view)).not.toMatch(/1949|1231/);
  });

  it('full access shows everything; no access is refused', () => {
    expect(individualFor('inspector', full, masked)).toEqual({ ...full(), masked: false });
    expect(() => individualFor('enterprise_user', full, masked)).toThrow();
  });

  it("the README's masking table is the code's table, role by role", () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Masking of individuals'));
    const rows = [...section.matchAll(/^\| (\w+) \| (FULL|MASKED|NONE) \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$/gm)];
    const table = Object.fromEntries(rows.map((r) => [r[1], r[2]]));
    const { system: _internal, ...roles } = PERSONAL_DATA_ACCESS;
    expect(table).toEqual(roles);
    for (const r of rows) {
      const shown = {
        FULL: ['full', 'full', 'shown'],
        MASKED: ['masked', 'masked', 'left out'],
        NONE: ['—', '—', '—'],
      }[r[2] as 'FULL'];
      expect(
        [r[3], r[4], r[5]].map((c) => c!.trim()),
        r[1],
      ).toEqual(shown);
    }
  });
});
