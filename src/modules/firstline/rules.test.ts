import { describe, expect, it } from 'vitest';
import {
  billNumber,
  formViolations,
  neutralReason,
  riskRegime,
  screeningViolations,
  stateAfterRisk,
  taxedCatalogueViolations,
  type FormLine,
} from './rules.ts';

const rulesOf = (v: { path: string; rule: string }[]) => v.map((x) => [x.path, x.rule]);
const BOOK: FormLine = { kind: 'BOOK', itemId: 'i1' };
const TAXED: FormLine = { kind: 'TAXED' };

describe('formViolations', () => {
  it.each([
    ['an import into the book', 'IMPORT', 'b1', false, [BOOK], []],
    ['a taxed import without a book', 'IMPORT', undefined, false, [TAXED], []],
    ['a GENERAL import line', 'IMPORT', undefined, false, [{ kind: 'GENERAL' }], [['lines[0].kind', 'firstLine.kind']]],
    ['a TAXED export line', 'EXPORT', undefined, false, [TAXED], [['lines[0].kind', 'firstLine.kind']]],
    ['a BOOK line without a book', 'IMPORT', undefined, false, [BOOK], [['bookId', 'firstLine.bookRequired']]],
    [
      'a BOOK line without an item',
      'IMPORT',
      'b1',
      false,
      [{ kind: 'BOOK' }],
      [['lines[0].itemId', 'firstLine.itemRequired']],
    ],
    [
      'a certificate on a book line',
      'IMPORT',
      'b1',
      false,
      [{ ...BOOK, certificateNumber: 'C1' }],
      [['lines[0].certificateNumber', 'firstLine.certificateOnTaxedLine']],
    ],
    ['direct release of book lines', 'IMPORT', 'b1', true, [BOOK, BOOK], []],
    [
      'direct release with a taxed line',
      'IMPORT',
      'b1',
      true,
      [BOOK, TAXED],
      [['directRelease', 'firstLine.directReleaseBookOnly']],
    ],
    [
      'direct release of an export',
      'EXPORT',
      'b1',
      true,
      [BOOK],
      [['directRelease', 'firstLine.directReleaseBookOnly']],
    ],
  ] as const)('%s', (_what, direction, bookId, directRelease, lines, expected) => {
    expect(rulesOf(formViolations({ direction, bookId, directRelease, lines }))).toEqual(expected);
  });
});

const ivory = { measure: 'PROHIBITED' as const, licenceType: null, description: 'ivory', legalBasis: 'CITES' };
const radio = { measure: 'RESTRICTED' as const, licenceType: 'RADIO', description: 'radios', legalBasis: null };

describe('screeningViolations', () => {
  it.each([
    ['free goods', [], [], undefined, []],
    ['prohibited, licence or not', [ivory], [], 'L1', [['lines[0].hsCode', 'firstLine.prohibited']]],
    ['restricted without a licence', [], [radio], undefined, [['lines[0].licenceNumber', 'firstLine.licenceRequired']]],
    ['restricted with a licence', [], [radio], 'L1', []],
  ] as const)('%s', (_what, prohibited, restricted, licenceNumber, expected) => {
    const v = screeningViolations([{ hsCode: '0507100000', licenceNumber }], [{ prohibited, restricted }], 'IMPORT');
    expect(rulesOf(v)).toEqual(expected);
  });
});

describe('the rest', () => {
  it('taxed catalogue goods never enter a zero-tariff book', () => {
    const lines = [
      { kind: 'BOOK' as const, hsCode: '2204210000', regime: 'ZERO_TARIFF' },
      { kind: 'BOOK' as const, hsCode: '2204210000', regime: 'PROCESSING_VALUE_ADDED' },
      { kind: 'TAXED' as const, hsCode: '2204210000', regime: null },
      { kind: 'BOOK' as const, hsCode: '8431490000', regime: 'ZERO_TARIFF' },
    ];
    expect(rulesOf(taxedCatalogueViolations(lines, ['2204'], '2026-11-23'))).toEqual([
      ['lines[0].itemId', 'firstLine.taxedCatalogue'],
    ]);
  });
  it.each([
    [{ selected: true, action: 'DOCUMENT_CHECK' }, 'HELD'],
    [{ selected: false, action: 'INSPECT' }, 'HELD'],
    [{ selected: false, action: 'RELEASE' }, 'RELEASED'],
    [{ selected: false, action: 'DOCUMENT_CHECK' }, 'RELEASED'],
  ])('risk %o → %s', (d, state) => expect(stateAfterRisk(d)).toBe(state));
  it('says the state and nothing of the verdict', () => {
    expect(neutralReason('HELD', 'IMPORT')).toBe('待查验 held for inspection');
    expect(riskRegime('BOOK', 'PROCESSING_VALUE_ADDED')).toBe('BONDED');
    expect(riskRegime('TAXED', null)).toBe('GENERAL');
    expect(billNumber('2026-11-23', '01900000-0000-7000-8000-00000000abcd')).toBe('FL2026112300000000ABCD');
  });
});
