import { describe, expect, it } from 'vitest';
import { licenceUseViolation, screenLine, type LicenceFacts, type StoredEntry } from './rules.ts';
import { parseRestrictedCsv } from './listFile.ts';

const entry = (e: Partial<StoredEntry>): StoredEntry => ({
  version: 1,
  hsPrefix: null,
  keywords: [],
  measure: 'RESTRICTED',
  licenceType: 'IMPORT_LICENCE',
  direction: 'IMPORT',
  validFrom: '2025-01-01',
  validTo: null,
  description: 'test',
  legalBasis: null,
  ...e,
});
const LIST = [
  entry({ version: 1, hsPrefix: '0507', keywords: ['象牙', 'ivory'], measure: 'PROHIBITED', licenceType: null }),
  entry({ version: 2, hsPrefix: '8525', licenceType: 'RADIO_TYPE_APPROVAL', direction: 'BOTH' }),
  entry({ version: 3, hsPrefix: '2903', validFrom: '2026-07-01', licenceType: 'OZONE_SUBSTANCES' }),
  entry({ version: 4, hsPrefix: '4403', direction: 'EXPORT', validTo: '2026-01-01', licenceType: 'EXPORT_LICENCE' }),
];

describe('screenLine', () => {
  it.each([
    ['by code', '0507100000', 'tusks', 'IMPORT', '2026-06-01', [1], []],
    ['by keyword under another code', '9601100000', 'carved IVORY figure', 'IMPORT', '2026-06-01', [1], []],
    ['by keyword in Chinese', '9601100000', '象牙雕刻', 'IMPORT', '2026-06-01', [1], []],
    ['restricted both ways, import', '8525600000', 'radio', 'IMPORT', '2026-06-01', [], [2]],
    ['restricted both ways, export', '8525600000', 'radio', 'EXPORT', '2026-06-01', [], [2]],
    ['not yet in force', '2903110000', 'chloromethane', 'IMPORT', '2026-06-30', [], []],
    ['in force from its first day', '2903110000', 'chloromethane', 'IMPORT', '2026-07-01', [], [3]],
    ['export entry does not catch an import', '4403110000', 'logs', 'IMPORT', '2025-06-01', [], []],
    ['no longer in force on validTo', '4403110000', 'logs', 'EXPORT', '2026-01-01', [], []],
    ['free goods', '8471300000', 'laptop', 'IMPORT', '2026-06-01', [], []],
  ] as const)('%s', (_what, hsCode, description, direction, date, prohibited, restricted) => {
    const s = screenLine(LIST, { hsCode, description }, direction, date);
    expect(s.prohibited.map((e) => e.version)).toEqual(prohibited);
    expect(s.restricted.map((e) => e.version)).toEqual(restricted);
  });
});

const LICENCE: LicenceFacts = {
  number: 'IL-2026-0001',
  licenceType: 'RADIO_TYPE_APPROVAL',
  holderEnterpriseId: 'e1',
  hsPrefixes: ['8525'],
  quantity: '100',
  used: '99.5',
  validFrom: '2026-01-01',
  validUntil: '2026-12-31',
  status: 'ACTIVE',
};
const use = { enterpriseId: 'e1', hsCode: '8525600000', quantity: '0.5', date: '2026-12-31' };

describe('licenceUseViolation', () => {
  it.each([
    ['the last half unit on the last day', {}, {}, null],
    ['more than is left', {}, { quantity: '0.6' }, 'licence.exhausted'],
    ['exhausted', { used: '100' }, { quantity: '0.000001' }, 'licence.exhausted'],
    ['the day after validUntil', {}, { date: '2027-01-01' }, 'licence.expired'],
    ['expired and exhausted says expired', { used: '100' }, { date: '2027-01-01' }, 'licence.expired'],
    ['before validFrom', {}, { date: '2025-12-31' }, 'licence.notYetValid'],
    ['another holder', {}, { enterpriseId: 'e2' }, 'licence.holder'],
    ['outside its goods', {}, { hsCode: '8471300000' }, 'licence.scope'],
    ['another licence type', {}, { requiredType: 'IMPORT_LICENCE' }, 'licence.type'],
    ['revoked', { status: 'REVOKED' as const }, {}, 'licence.revoked'],
  ])('%s', (_what, l, u, rule) => {
    const v = licenceUseViolation({ ...LICENCE, ...l }, { ...use, ...u });
    expect(v?.rule ?? null).toBe(rule);
  });
});

describe('parseRestrictedCsv', () => {
  const header = 'hsPrefix,keywords,measure,licenceType,direction,validFrom,validTo,description,legalBasis';
  it('reads a good file', () => {
    const csv = `${
      header
    }\n0507,象牙|ivory,PROHIBITED,,IMPORT,2025-01-01,,ivory,CITES\n8525,,RESTRICTED,RADIO,BOTH,2025-01-01,,radio,`;
    const r = parseRestrictedCsv(csv);
    expect(r.errors).toEqual([]);
    expect(r.rows[0]).toMatchObject({ hsPrefix: '0507', keywords: ['象牙', 'ivory'], measure: 'PROHIBITED' });
  });
  it('names every bad row by line and field', () => {
    const csv = [
      header,
      '0507,,PROHIBITED,,IMPORT,2025-01-01,,ivory,',
      ',,RESTRICTED,,IMPORT,2025-13-01,,nothing,',
      '0507,,PROHIBITED,,IMPORT,2025-01-01,,again,',
    ].join('\n');
    const r = parseRestrictedCsv(csv);
    expect(r.errors.map((e) => [e.line, e.path, e.rule])).toEqual([
      [3, 'hsPrefix', 'restricted.file.nothingToMatch'],
      [3, 'licenceType', 'restricted.file.licenceType'],
      [3, 'validFrom', 'restricted.file.date'],
      [4, 'hsPrefix', 'restricted.file.twice'],
    ]);
  });
});
