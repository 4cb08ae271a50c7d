import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, addYears, fromDayNumber, toDayNumber, type BusinessDate } from './dates.ts';
import {
  classChanges,
  classify,
  compareClasses,
  CREDIT_RULES,
  nextChangeDate,
  nextReviewDate,
  type AeoAction,
  type AeoInput,
  type CreditClass,
  type CreditClassificationParameters,
  type CreditInput,
  type LegalEventInput,
  type LegalEventKind,
  type SectorRatingInput,
  type SubjectKind,
} from './rules.ts';

const P: CreditClassificationParameters = { focusPeriodYears: 3, individualFocusPeriodYears: 3 };
const ENT: SubjectKind = 'ENTERPRISE';
const IND: SubjectKind = 'INDIVIDUAL';

interface Extra {
  kind?: SubjectKind;
  withdrawn?: BusinessDate;
  source?: string;
}

function base(id: string, date: BusinessDate, source: string, extra: Extra) {
  return {
    id,
    subjectKind: extra.kind ?? ENT,
    source: extra.source ?? source,
    effectiveDate: date,
    ...(extra.withdrawn ? { withdrawn: { date: extra.withdrawn, reason: 'entered in error' } } : {}),
  };
}

function rating(
  id: string,
  date: BusinessDate,
  department: string,
  lowest: boolean,
  extra: Extra = {},
): SectorRatingInput {
  return {
    ...base(id, date, department, extra),
    type: 'SECTOR_RATING',
    department,
    level: lowest ? 'D' : 'B',
    isLowestLevel: lowest,
  };
}

function event(
  id: string,
  date: BusinessDate,
  kind: LegalEventKind = 'SMUGGLING_PENALTY',
  extra: Extra = {},
): LegalEventInput {
  return { ...base(id, date, 'customs', extra), type: 'EVENT', kind };
}

function aeo(id: string, date: BusinessDate, action: AeoAction, extra: Extra = {}): AeoInput {
  return { ...base(id, date, 'customs', extra), type: 'AEO', action };
}

const classOn = (kind: SubjectKind, inputs: CreditInput[], asOf: BusinessDate, params = P) =>
  classify(kind, inputs, asOf, params).class;

// -----------------------------------------------------------------------------------------------
// Paths, table-driven: each scenario lists [asOf, expected class] checkpoints.

interface Scenario {
  name: string;
  kind?: SubjectKind;
  params?: CreditClassificationParameters;
  inputs: CreditInput[];
  expect: [BusinessDate, CreditClass][];
}

const scenarios: Scenario[] = [
  { name: 'an enterprise with no inputs is on the white list', inputs: [], expect: [['2026-01-01', 'WHITELIST']] },
  {
    name: 'an individual with no inputs is on the white list',
    kind: IND,
    inputs: [],
    expect: [['2026-01-01', 'WHITELIST']],
  },
  {
    name: 'a non-lowest rating changes nothing',
    inputs: [rating('r1', '2023-01-01', 'tax', false)],
    expect: [['2024-01-01', 'WHITELIST']],
  },
  {
    name: 'a lowest rating puts the enterprise on FOCUS from its date, with no end',
    inputs: [rating('r1', '2023-01-01', 'tax', true)],
    expect: [
      ['2022-12-31', 'WHITELIST'],
      ['2023-01-01', 'FOCUS'],
      ['2040-01-01', 'FOCUS'],
    ],
  },
  {
    name: 'the department raising its rating ends FOCUS that day, without application',
    inputs: [rating('r1', '2023-01-01', 'tax', true), rating('r2', '2023-06-01', 'tax', false)],
    expect: [
      ['2023-05-31', 'FOCUS'],
      ['2023-06-01', 'WHITELIST'],
    ],
  },
  {
    name: 'a later rating of the same department replaces a non-lowest one',
    inputs: [rating('r1', '2023-01-01', 'tax', false), rating('r2', '2023-06-01', 'tax', true)],
    expect: [
      ['2023-05-31', 'WHITELIST'],
      ['2023-06-01', 'FOCUS'],
    ],
  },
  {
    name: 'ratings of one department on the same day: the larger id is the later one',
    inputs: [rating('r-b', '2023-06-01', 'tax', false), rating('r-a', '2023-06-01', 'tax', true)],
    expect: [['2023-06-01', 'WHITELIST']],
  },
  {
    name: 'several departments: FOCUS until the last lowest rating is raised',
    inputs: [
      rating('t1', '2023-01-01', 'tax', true),
      rating('c1', '2023-02-01', 'customs', true),
      rating('c2', '2023-05-01', 'customs', false),
      rating('m1', '2023-03-01', 'market_regulation', false),
      rating('t2', '2023-08-01', 'tax', false),
    ],
    expect: [
      ['2023-05-01', 'FOCUS'],
      ['2023-07-31', 'FOCUS'],
      ['2023-08-01', 'WHITELIST'],
    ],
  },
  {
    name: "one department raising does not undo another department's lowest rating",
    inputs: [
      rating('t1', '2023-01-01', 'tax', true),
      rating('c1', '2023-02-01', 'customs', false),
      rating('c2', '2023-05-01', 'customs', false),
    ],
    expect: [['2024-01-01', 'FOCUS']],
  },
  {
    name: 'a smuggling penalty: FOCUS through the day before the 3 years end',
    inputs: [event('e1', '2023-03-10')],
    expect: [
      ['2023-03-09', 'WHITELIST'],
      ['2023-03-10', 'FOCUS'],
      ['2026-03-09', 'FOCUS'],
      ['2026-03-10', 'WHITELIST'],
    ],
  },
  {
    name: 'a serious-dishonesty listing counts the same',
    inputs: [event('e1', '2023-03-10', 'SERIOUS_DISHONESTY_LISTING', { source: 'market_regulation' })],
    expect: [
      ['2026-03-09', 'FOCUS'],
      ['2026-03-10', 'WHITELIST'],
    ],
  },
  {
    name: 'another legal listing counts the same',
    inputs: [event('e1', '2023-03-10', 'OTHER_LEGAL_LISTING', { source: 'tax' })],
    expect: [
      ['2026-03-09', 'FOCUS'],
      ['2026-03-10', 'WHITELIST'],
    ],
  },
  {
    name: 'a new event restarts the period from the latest event',
    inputs: [event('e1', '2023-03-10'), event('e2', '2024-05-01', 'OTHER_LEGAL_LISTING')],
    expect: [
      ['2026-03-10', 'FOCUS'],
      ['2027-04-30', 'FOCUS'],
      ['2027-05-01', 'WHITELIST'],
    ],
  },
  {
    name: 'leap day: 2024-02-29 + 3 years ends on 2027-03-01',
    inputs: [event('e1', '2024-02-29')],
    expect: [
      ['2024-02-28', 'WHITELIST'],
      ['2024-02-29', 'FOCUS'],
      ['2027-02-28', 'FOCUS'],
      ['2027-03-01', 'WHITELIST'],
    ],
  },
  {
    name: 'leap day with a 4-year period ends on 2028-02-29',
    params: { focusPeriodYears: 4, individualFocusPeriodYears: 3 },
    inputs: [event('e1', '2024-02-29')],
    expect: [
      ['2028-02-28', 'FOCUS'],
      ['2028-02-29', 'WHITELIST'],
    ],
  },
  {
    name: 'the enterprise period is a parameter',
    params: { focusPeriodYears: 5, individualFocusPeriodYears: 1 },
    inputs: [event('e1', '2023-03-10')],
    expect: [
      ['2028-03-09', 'FOCUS'],
      ['2028-03-10', 'WHITELIST'],
    ],
  },
  {
    name: 'valid AEO makes an enterprise ADVANCED_CERTIFIED',
    inputs: [aeo('a1', '2022-01-01', 'GRANTED')],
    expect: [
      ['2021-12-31', 'WHITELIST'],
      ['2022-01-01', 'ADVANCED_CERTIFIED'],
    ],
  },
  {
    name: 'AEO revoked: back to the white list',
    inputs: [aeo('a1', '2022-01-01', 'GRANTED'), aeo('a2', '2023-01-01', 'REVOKED')],
    expect: [
      ['2022-12-31', 'ADVANCED_CERTIFIED'],
      ['2023-01-01', 'WHITELIST'],
    ],
  },
  {
    name: 'AEO suspended: not valid until granted again',
    inputs: [
      aeo('a1', '2022-01-01', 'GRANTED'),
      aeo('a2', '2023-01-01', 'SUSPENDED'),
      aeo('a3', '2023-04-01', 'GRANTED'),
    ],
    expect: [
      ['2023-01-01', 'WHITELIST'],
      ['2023-03-31', 'WHITELIST'],
      ['2023-04-01', 'ADVANCED_CERTIFIED'],
    ],
  },
  {
    name: 'AEO actions on the same day: the larger id is the later one',
    inputs: [aeo('a2', '2023-01-01', 'GRANTED'), aeo('a1', '2023-01-01', 'REVOKED')],
    expect: [['2023-01-01', 'ADVANCED_CERTIFIED']],
  },
  {
    name: 'FOCUS wins over AEO (lowest rating), AEO shows again once the rating is raised',
    inputs: [
      aeo('a1', '2022-01-01', 'GRANTED'),
      rating('r1', '2023-01-01', 'tax', true),
      rating('r2', '2024-01-01', 'tax', false),
    ],
    expect: [
      ['2022-12-31', 'ADVANCED_CERTIFIED'],
      ['2023-01-01', 'FOCUS'],
      ['2024-01-01', 'ADVANCED_CERTIFIED'],
    ],
  },
  {
    name: 'AEO revoked while on FOCUS: white list when the period ends',
    inputs: [aeo('a1', '2022-01-01', 'GRANTED'), event('e1', '2023-03-10'), aeo('a2', '2024-01-01', 'REVOKED')],
    expect: [
      ['2023-03-10', 'FOCUS'],
      ['2024-01-01', 'FOCUS'],
      ['2026-03-09', 'FOCUS'],
      ['2026-03-10', 'WHITELIST'],
    ],
  },
  {
    name: 'AEO granted after a penalty: FOCUS until the period ends, then ADVANCED_CERTIFIED',
    inputs: [event('e1', '2023-03-10'), aeo('a1', '2024-01-01', 'GRANTED')],
    expect: [
      ['2024-01-01', 'FOCUS'],
      ['2026-03-09', 'FOCUS'],
      ['2026-03-10', 'ADVANCED_CERTIFIED'],
    ],
  },
  {
    name: 'inputs dated after asOf do not count yet',
    inputs: [event('e1', '2030-01-01'), rating('r1', '2030-01-01', 'tax', true), aeo('a1', '2030-01-01', 'GRANTED')],
    expect: [['2029-12-31', 'WHITELIST']],
  },
  // Withdrawals: ignored from the withdrawal date on; what was published before stays reproducible.
  {
    name: 'a withdrawn penalty counts before the withdrawal date only',
    inputs: [event('e1', '2023-03-10', 'SMUGGLING_PENALTY', { withdrawn: '2024-06-01' })],
    expect: [
      ['2023-04-01', 'FOCUS'],
      ['2024-05-31', 'FOCUS'],
      ['2024-06-01', 'WHITELIST'],
      ['2026-01-01', 'WHITELIST'],
    ],
  },
  {
    name: 'a penalty withdrawn on its own date never counts',
    inputs: [event('e1', '2023-03-10', 'SMUGGLING_PENALTY', { withdrawn: '2023-03-10' })],
    expect: [['2023-03-10', 'WHITELIST']],
  },
  {
    name: 'withdrawing the latest penalty: the earlier one decides the end again',
    inputs: [event('e1', '2023-03-10'), event('e2', '2024-05-01', 'SMUGGLING_PENALTY', { withdrawn: '2025-01-01' })],
    expect: [
      ['2026-03-09', 'FOCUS'],
      ['2026-03-10', 'WHITELIST'],
    ],
  },
  {
    name: 'a withdrawn penalty after its period changes nothing',
    inputs: [
      event('e1', '2023-03-10', 'SMUGGLING_PENALTY', { withdrawn: '2027-01-01' }),
      aeo('a1', '2020-01-01', 'GRANTED'),
    ],
    expect: [
      ['2026-03-10', 'ADVANCED_CERTIFIED'],
      ['2027-01-01', 'ADVANCED_CERTIFIED'],
    ],
  },
  {
    name: 'a withdrawn lowest rating: the earlier rating of the department is current again',
    inputs: [
      rating('r1', '2023-01-01', 'tax', false),
      rating('r2', '2023-06-01', 'tax', true, { withdrawn: '2023-09-01' }),
    ],
    expect: [
      ['2023-08-31', 'FOCUS'],
      ['2023-09-01', 'WHITELIST'],
    ],
  },
  {
    name: 'a withdrawn raise: the lowest rating it replaced is current again',
    inputs: [
      rating('r1', '2023-01-01', 'tax', true),
      rating('r2', '2023-06-01', 'tax', false, { withdrawn: '2023-09-01' }),
    ],
    expect: [
      ['2023-06-01', 'WHITELIST'],
      ['2023-08-31', 'WHITELIST'],
      ['2023-09-01', 'FOCUS'],
    ],
  },
  {
    name: 'a withdrawn AEO revocation: AEO valid again',
    inputs: [aeo('a1', '2022-01-01', 'GRANTED'), aeo('a2', '2023-01-01', 'REVOKED', { withdrawn: '2023-02-01' })],
    expect: [
      ['2023-01-31', 'WHITELIST'],
      ['2023-02-01', 'ADVANCED_CERTIFIED'],
    ],
  },
  {
    name: 'a withdrawn AEO grant',
    inputs: [aeo('a1', '2022-01-01', 'GRANTED', { withdrawn: '2022-03-01' })],
    expect: [
      ['2022-02-28', 'ADVANCED_CERTIFIED'],
      ['2022-03-01', 'WHITELIST'],
    ],
  },
  // Individuals
  {
    name: 'individual: FOCUS for the individual period after a penalty',
    kind: IND,
    params: { focusPeriodYears: 5, individualFocusPeriodYears: 2 },
    inputs: [event('e1', '2023-03-10', 'SMUGGLING_PENALTY', { kind: IND })],
    expect: [
      ['2023-03-09', 'WHITELIST'],
      ['2023-03-10', 'FOCUS'],
      ['2025-03-09', 'FOCUS'],
      ['2025-03-10', 'WHITELIST'],
    ],
  },
  {
    name: 'individual: leap-day penalty',
    kind: IND,
    inputs: [event('e1', '2024-02-29', 'SERIOUS_DISHONESTY_LISTING', { kind: IND })],
    expect: [
      ['2027-02-28', 'FOCUS'],
      ['2027-03-01', 'WHITELIST'],
    ],
  },
  {
    name: 'individual: lowest rating until raised',
    kind: IND,
    inputs: [
      rating('r1', '2023-01-01', 'transport', true, { kind: IND }),
      rating('r2', '2024-01-01', 'transport', false, { kind: IND }),
    ],
    expect: [
      ['2023-12-31', 'FOCUS'],
      ['2024-01-01', 'WHITELIST'],
    ],
  },
  {
    name: 'individual: never ADVANCED_CERTIFIED, AEO inputs ignored',
    kind: IND,
    inputs: [aeo('a1', '2022-01-01', 'GRANTED', { kind: IND })],
    expect: [['2023-01-01', 'WHITELIST']],
  },
];

describe('classify: paths', () => {
  for (const s of scenarios) {
    it.each(s.expect)(`${s.name} — %s is %s`, (asOf, expected) => {
      expect(classOn(s.kind ?? ENT, s.inputs, asOf, s.params ?? P)).toBe(expected);
    });
  }
});

describe('classify: reasons', () => {
  it('lists every FOCUS reason; open-ended when a lowest rating is among them', () => {
    const inputs = [
      rating('t1', '2023-01-01', 'tax', true),
      rating('c1', '2023-02-01', 'customs', true),
      event('e1', '2023-03-10'),
      aeo('a1', '2022-01-01', 'GRANTED'),
    ];
    expect(classify(ENT, inputs, '2024-01-01', P)).toEqual({
      class: 'FOCUS',
      reasons: [
        {
          rule: CREDIT_RULES.legalEvent,
          source: 'customs',
          inputIds: ['e1'],
          since: '2023-03-10',
          until: '2026-03-10',
        },
        { rule: CREDIT_RULES.lowestSectorRating, source: 'tax', inputIds: ['t1'], since: '2023-01-01' },
        { rule: CREDIT_RULES.lowestSectorRating, source: 'customs', inputIds: ['c1'], since: '2023-02-01' },
      ],
    });
  });

  it('the class ends on the latest reason end when all reasons expire', () => {
    const inputs = [
      event('e1', '2023-03-10'),
      event('e2', '2024-05-01', 'SERIOUS_DISHONESTY_LISTING', { source: 'market_regulation' }),
    ];
    const result = classify(ENT, inputs, '2025-01-01', P);
    expect(result.validUntil).toBe('2027-05-01');
    expect(result.reasons).toEqual([
      { rule: CREDIT_RULES.legalEvent, source: 'customs', inputIds: ['e1'], since: '2023-03-10', until: '2026-03-10' },
      {
        rule: CREDIT_RULES.legalEvent,
        source: 'market_regulation',
        inputIds: ['e2'],
        since: '2024-05-01',
        until: '2027-05-01',
      },
    ]);
    // Once the first period ended, only the latest event is a reason.
    expect(classify(ENT, inputs, '2026-03-10', P).reasons.map((r) => r.inputIds)).toEqual([['e2']]);
  });

  it('leap-day event: the reason ends on 2027-03-01', () => {
    expect(classify(ENT, [event('e1', '2024-02-29')], '2027-02-28', P)).toEqual({
      class: 'FOCUS',
      reasons: [
        {
          rule: CREDIT_RULES.legalEvent,
          source: 'customs',
          inputIds: ['e1'],
          since: '2024-02-29',
          until: '2027-03-01',
        },
      ],
      validUntil: '2027-03-01',
    });
  });

  it('consecutive lowest ratings of a department form one reason since the first', () => {
    const inputs = [
      rating('r0', '2022-01-01', 'tax', false),
      rating('r1', '2023-01-01', 'tax', true),
      rating('r2', '2023-06-01', 'tax', true),
    ];
    expect(classify(ENT, inputs, '2023-07-01', P).reasons).toEqual([
      { rule: CREDIT_RULES.lowestSectorRating, source: 'tax', inputIds: ['r1', 'r2'], since: '2023-01-01' },
    ]);
  });

  it('AEO: renewals form one reason since the first grant after the last loss', () => {
    const inputs = [
      aeo('a0', '2019-01-01', 'GRANTED'),
      aeo('a1', '2020-01-01', 'SUSPENDED'),
      aeo('a2', '2021-01-01', 'GRANTED'),
      aeo('a3', '2024-01-01', 'GRANTED'),
    ];
    expect(classify(ENT, inputs, '2024-06-01', P)).toEqual({
      class: 'ADVANCED_CERTIFIED',
      reasons: [{ rule: CREDIT_RULES.aeo, source: 'customs', inputIds: ['a2', 'a3'], since: '2021-01-01' }],
    });
  });

  it('white list since the day the last other class ended', () => {
    const inputs = [event('e1', '2023-03-10'), rating('r1', '2020-01-01', 'tax', false)];
    expect(classify(ENT, inputs, '2027-01-01', P)).toEqual({
      class: 'WHITELIST',
      reasons: [{ rule: CREDIT_RULES.whitelistDefault, source: 'customs', inputIds: [], since: '2026-03-10' }],
    });
    expect(classify(ENT, inputs, '2023-01-01', P).reasons[0]?.since).toBe('2020-01-01'); // since the record began
    expect(classify(ENT, [], '2025-05-05', P).reasons[0]?.since).toBe('2025-05-05');
    const revoked = [aeo('a1', '2022-01-01', 'GRANTED'), aeo('a2', '2023-01-01', 'REVOKED')];
    expect(classify(ENT, revoked, '2024-01-01', P).reasons[0]?.since).toBe('2023-01-01');
  });
});

describe('nextChangeDate', () => {
  const inputs = [event('e1', '2023-03-10'), aeo('a1', '2024-01-01', 'GRANTED')];
  it.each<[BusinessDate, BusinessDate | null]>([
    ['2023-01-01', '2023-03-10'],
    ['2023-03-09', '2023-03-10'],
    ['2023-03-10', '2026-03-10'], // the AEO grant on 2024-01-01 does not change FOCUS
    ['2026-03-09', '2026-03-10'],
    ['2026-03-10', null],
  ])('from %s: %s', (asOf, expected) => {
    expect(nextChangeDate(ENT, inputs, asOf, P)).toBe(expected);
  });

  it('open-ended FOCUS never changes by itself', () => {
    expect(
      nextChangeDate(ENT, [rating('r1', '2023-01-01', 'tax', true), event('e1', '2023-03-10')], '2023-06-01', P),
    ).toBeNull();
  });

  it('sees inputs and withdrawals already recorded for later dates', () => {
    expect(
      nextChangeDate(
        ENT,
        [rating('r1', '2023-01-01', 'tax', true), rating('r2', '2025-01-01', 'tax', false)],
        '2023-06-01',
        P,
      ),
    ).toBe('2025-01-01');
    expect(
      nextChangeDate(
        ENT,
        [event('e1', '2023-03-10', 'SMUGGLING_PENALTY', { withdrawn: '2024-06-01' })],
        '2023-06-01',
        P,
      ),
    ).toBe('2024-06-01');
  });

  it('individual: the individual period', () => {
    const ind = [event('e1', '2024-02-29', 'SMUGGLING_PENALTY', { kind: IND })];
    expect(nextChangeDate(IND, ind, '2024-03-01', { focusPeriodYears: 3, individualFocusPeriodYears: 1 })).toBe(
      '2025-03-01',
    );
  });
});

describe('classChanges', () => {
  const inputs = [
    aeo('a1', '2022-01-01', 'GRANTED'),
    event('e1', '2023-03-10'),
    rating('r1', '2025-01-01', 'tax', true),
    rating('r2', '2026-06-01', 'tax', false),
    aeo('a2', '2027-01-01', 'REVOKED'),
  ];

  it('lists every change in the range, oldest first, with the new reasons', () => {
    const changes = classChanges(ENT, inputs, '2021-01-01', '2030-01-01', P);
    expect(changes.map(({ date, from, to }) => ({ date, from, to }))).toEqual([
      { date: '2022-01-01', from: 'WHITELIST', to: 'ADVANCED_CERTIFIED' },
      { date: '2023-03-10', from: 'ADVANCED_CERTIFIED', to: 'FOCUS' },
      // 2026-03-10: the penalty period ends, but the tax rating still keeps FOCUS
      { date: '2026-06-01', from: 'FOCUS', to: 'ADVANCED_CERTIFIED' },
      { date: '2027-01-01', from: 'ADVANCED_CERTIFIED', to: 'WHITELIST' },
    ]);
    expect(changes[1]?.reasons).toEqual([
      { rule: CREDIT_RULES.legalEvent, source: 'customs', inputIds: ['e1'], since: '2023-03-10', until: '2026-03-10' },
    ]);
    expect(changes[3]?.reasons).toEqual([
      { rule: CREDIT_RULES.whitelistDefault, source: 'customs', inputIds: [], since: '2027-01-01' },
    ]);
  });

  it('covers the days after `from` up to and including `to`', () => {
    expect(classChanges(ENT, inputs, '2023-03-10', '2026-06-01', P).map((c) => c.date)).toEqual(['2026-06-01']);
    expect(classChanges(ENT, inputs, '2023-03-09', '2026-05-31', P).map((c) => c.date)).toEqual(['2023-03-10']);
    expect(classChanges(ENT, inputs, '2023-03-10', '2023-03-10', P)).toEqual([]);
  });

  it('rejects a range that ends before it starts', () => {
    expect(() => classChanges(ENT, inputs, '2024-01-01', '2023-12-31', P)).toThrow(RangeError);
  });
});

describe('validation', () => {
  it('rejects inconsistent inputs and parameters', () => {
    expect(() =>
      classify(ENT, [event('e1', '2023-03-10', 'SMUGGLING_PENALTY', { kind: IND })], '2024-01-01', P),
    ).toThrow(/INDIVIDUAL/);
    expect(() => classify(ENT, [event('e1', '2023-03-10'), event('e1', '2023-04-10')], '2024-01-01', P)).toThrow(
      /twice/,
    );
    expect(() => classify(ENT, [event('e1', '2023-02-30')], '2024-01-01', P)).toThrow(/effectiveDate/);
    expect(() =>
      classify(ENT, [event('e1', '2023-02-01', 'SMUGGLING_PENALTY', { withdrawn: '2023-13-01' })], '2024-01-01', P),
    ).toThrow(/withdrawn/);
    expect(() => classify(ENT, [], '2024/01/01', P)).toThrow(/asOf/);
    expect(() => classify(ENT, [], '2024-01-01', { focusPeriodYears: 1.5, individualFocusPeriodYears: 3 })).toThrow(
      /focusPeriodYears/,
    );
    expect(() =>
      classify(ENT, [{ ...event('e1', '2023-03-10'), type: 'NOPE' } as unknown as CreditInput], '2024-01-01', P),
    ).toThrow(/unknown type/);
  });
});

// -----------------------------------------------------------------------------------------------
// Properties

const DAY0 = toDayNumber('2022-01-01');
const SPAN = toDayNumber('2026-12-31') - DAY0;
const dateArb = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom('2024-02-29', '2023-03-10', '2024-03-01') },
  { weight: 6, arbitrary: fc.integer({ min: 0, max: SPAN }).map((n) => fromDayNumber(DAY0 + n)) },
);
const withdrawalArb = fc.option(dateArb, { nil: undefined, freq: 4 });
type Draft = (id: string, kind: SubjectKind) => CreditInput;

const ratingDraft = fc
  .record({
    date: dateArb,
    department: fc.constantFrom('tax', 'customs', 'maritime'),
    lowest: fc.boolean(),
    withdrawn: withdrawalArb,
  })
  .map(
    (r): Draft =>
      (id, kind) =>
        rating(id, r.date, r.department, r.lowest, { kind, withdrawn: r.withdrawn }),
  );
const eventDraft = fc
  .record({
    date: dateArb,
    kind: fc.constantFrom<LegalEventKind>('SMUGGLING_PENALTY', 'SERIOUS_DISHONESTY_LISTING', 'OTHER_LEGAL_LISTING'),
    withdrawn: withdrawalArb,
  })
  .map(
    (e): Draft =>
      (id, kind) =>
        event(id, e.date, e.kind, { kind, withdrawn: e.withdrawn }),
  );
const aeoDraft = fc
  .record({
    date: dateArb,
    action: fc.constantFrom<AeoAction>('GRANTED', 'GRANTED', 'REVOKED', 'SUSPENDED'),
    withdrawn: withdrawalArb,
  })
  .map(
    (a): Draft =>
      (id, kind) =>
        aeo(id, a.date, a.action, { kind, withdrawn: a.withdrawn }),
  );
const draftArb = fc.oneof(ratingDraft, eventDraft, aeoDraft);

const kindArb = fc.constantFrom<SubjectKind>(ENT, ENT, IND);
const paramsArb = fc.record({
  focusPeriodYears: fc.integer({ min: 1, max: 3 }),
  individualFocusPeriodYears: fc.integer({ min: 1, max: 3 }),
});
const caseArb = fc
  .record({ kind: kindArb, drafts: fc.array(draftArb, { maxLength: 8 }), params: paramsArb, asOf: dateArb })
  .map(({ kind, drafts, params, asOf }) => ({
    kind,
    params,
    asOf,
    inputs: drafts.map((d, i) => d(`in-${String(i).padStart(2, '0')}`, kind)),
  }));

const worse = (a: CreditClass, b: CreditClass) => compareClasses(a, b) <= 0;

describe('classify: properties', () => {
  it('classChanges equals a day-by-day classify (brute force)', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 3 * 366 }), ({ kind, inputs, params, asOf: from }, length) => {
        const to = addDays(from, length);
        const expected: { date: string; from: CreditClass; to: CreditClass }[] = [];
        let previous = classOn(kind, inputs, from, params);
        for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) {
          const now = classOn(kind, inputs, d, params);
          if (now !== previous) expected.push({ date: d, from: previous, to: now });
          previous = now;
        }
        expect(
          classChanges(kind, inputs, from, to, params).map(({ date, from: f, to: t }) => ({ date, from: f, to: t })),
        ).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('nextChangeDate is the first change after asOf, and null only when nothing ever changes', () => {
    fc.assert(
      fc.property(caseArb, ({ kind, inputs, params, asOf }) => {
        const horizon = addYears('2027-01-01', 4); // after every input date and period end
        const first = classChanges(kind, inputs, asOf, horizon, params)[0];
        const next = nextChangeDate(kind, inputs, asOf, params);
        expect(next).toBe(first?.date ?? null);
        if (next !== null) {
          expect(classOn(kind, inputs, addDays(next, -1), params)).toBe(classOn(kind, inputs, asOf, params));
          expect(classOn(kind, inputs, next, params)).not.toBe(classOn(kind, inputs, asOf, params));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('nextReviewDate: the classification of asOf stands, reasons and all, until that day', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 4 * 366 }), ({ kind, inputs, params, asOf }, step) => {
        const review = nextReviewDate(kind, inputs, asOf, params);
        const next = nextChangeDate(kind, inputs, asOf, params);
        if (next !== null) expect(review !== null && review <= next).toBe(true);
        const last = review === null ? addDays(asOf, step) : addDays(review, -1);
        const day = last < addDays(asOf, step) ? last : addDays(asOf, step);
        const here = classify(kind, inputs, asOf, params);
        // With no input in force yet, the white list has run "since asOf" as far as anyone knows.
        const knownSince = inputs.some((i) => i.effectiveDate <= asOf);
        const there = classify(kind, inputs, day, params);
        if (knownSince || here.class !== 'WHITELIST') expect(there).toEqual(here);
        else expect(there.class).toBe(here.class);
      }),
      { numRuns: 300 },
    );
  });

  it('validUntil is the next change when no input is dated after asOf', () => {
    fc.assert(
      fc.property(caseArb, ({ kind, inputs, params, asOf }) => {
        const known = inputs.filter((i) => i.effectiveDate <= asOf && (!i.withdrawn || i.withdrawn.date <= asOf));
        const result = classify(kind, known, asOf, params);
        expect(nextChangeDate(kind, known, asOf, params)).toBe(result.validUntil ?? null);
      }),
      { numRuns: 300 },
    );
  });

  it('adding a penalty or listing never improves the class', () => {
    fc.assert(
      fc.property(caseArb, eventDraft, ({ kind, inputs, params, asOf }, draft) => {
        const more = [...inputs, draft('added', kind)];
        expect(worse(classOn(kind, more, asOf, params), classOn(kind, inputs, asOf, params))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('adding a lowest-level rating never improves the class', () => {
    fc.assert(
      fc.property(
        caseArb,
        dateArb,
        fc.constantFrom('tax', 'customs', 'maritime'),
        withdrawalArb,
        ({ kind, inputs, params, asOf }, date, department, withdrawn) => {
          const more = [...inputs, rating('added', date, department, true, { kind, withdrawn })];
          expect(worse(classOn(kind, more, asOf, params), classOn(kind, inputs, asOf, params))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('depends only on the inputs and asOf: same answer for any input order', () => {
    fc.assert(
      fc.property(
        caseArb.chain((c) =>
          fc.record({ c: fc.constant(c), shuffled: fc.shuffledSubarray(c.inputs, { minLength: c.inputs.length }) }),
        ),
        ({ c: { kind, inputs, params, asOf }, shuffled }) => {
          const result = classify(kind, inputs, asOf, params);
          expect(classify(kind, shuffled, asOf, params)).toEqual(result);
          expect(classify(kind, inputs, asOf, params)).toEqual(result);
          expect(nextChangeDate(kind, shuffled, asOf, params)).toBe(nextChangeDate(kind, inputs, asOf, params));
          expect(classChanges(kind, shuffled, '2021-12-31', '2030-12-31', params)).toEqual(
            classChanges(kind, inputs, '2021-12-31', '2030-12-31', params),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reasons are never empty and fit the class', () => {
    fc.assert(
      fc.property(caseArb, ({ kind, inputs, params, asOf }) => {
        const result = classify(kind, inputs, asOf, params);
        expect(result.reasons.length).toBeGreaterThan(0);
        if (kind === IND) expect(result.class).not.toBe('ADVANCED_CERTIFIED');
        const rules = new Set(result.reasons.map((r) => r.rule));
        if (result.class === 'FOCUS') {
          expect([...rules].every((r) => r === CREDIT_RULES.lowestSectorRating || r === CREDIT_RULES.legalEvent)).toBe(
            true,
          );
          const untils = result.reasons.map((r) => r.until);
          expect(result.validUntil).toBe(
            untils.includes(undefined) ? undefined : untils.reduce((a, b) => (a! > b! ? a : b)),
          );
        } else {
          expect(result.reasons).toHaveLength(1);
          expect(result.validUntil).toBeUndefined();
          expect(result.reasons[0]?.rule).toBe(
            result.class === 'WHITELIST' ? CREDIT_RULES.whitelistDefault : CREDIT_RULES.aeo,
          );
        }
        for (const r of result.reasons) {
          expect(r.since <= asOf).toBe(true);
          if (r.until !== undefined) expect(r.until > asOf).toBe(true);
          for (const id of r.inputIds) expect(inputs.some((i) => i.id === id)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
