import { describe, expect, it } from 'vitest';
import {
  CASE_STATES,
  caseStateOf,
  closeTransition,
  recipientsFor,
  SHARE_STATES,
  shareTransition,
  TRANSITION_RULE,
  type CaseState,
  type Command,
  type ShareState,
} from './rules.ts';

type ShareCommand = Exclude<Command, 'close'>;
/** The whole table of a department's moves: only these two are allowed, on a case not closed. */
const ALLOWED: Record<string, ShareState> = {
  'OPEN/acknowledge': 'ACKNOWLEDGED',
  'ACKNOWLEDGED/reportOutcome': 'OUTCOME_REPORTED',
};

describe('joint-control state machine', () => {
  for (const caseState of CASE_STATES) {
    for (const share of SHARE_STATES) {
      for (const command of ['acknowledge', 'reportOutcome'] as ShareCommand[]) {
        const expected = caseState === 'CLOSED' ? undefined : ALLOWED[`${share}/${command}`];
        it(`case ${caseState}, share ${share}: ${command} ${expected ? `→ ${expected}` : 'refused'}`, () => {
          const t = shareTransition(caseState, share, command);
          if (expected) expect(t).toEqual({ ok: true, next: expected });
          else expect(t).toMatchObject({ ok: false, violation: { rule: TRANSITION_RULE } });
        });
      }
    }
  }

  it('an outcome before the acknowledgement says to acknowledge first', () => {
    const t = shareTransition('OPEN', 'OPEN', 'reportOutcome');
    expect(t.ok).toBe(false);
    expect(!t.ok && t.violation.message).toContain('Acknowledge the case first');
  });

  it('an officer closes from any state but CLOSED', () => {
    for (const s of CASE_STATES) {
      const t = closeTransition(s);
      if (s === 'CLOSED') expect(t).toMatchObject({ ok: false, violation: { rule: TRANSITION_RULE } });
      else expect(t).toEqual({ ok: true, next: 'CLOSED' });
    }
  });

  it('the case is where its slowest department is, or CLOSED', () => {
    const cases: [ShareState[], boolean, CaseState][] = [
      [[], false, 'OPEN'],
      [['OPEN', 'OPEN'], false, 'OPEN'],
      [['ACKNOWLEDGED', 'OPEN'], false, 'OPEN'],
      [['ACKNOWLEDGED', 'ACKNOWLEDGED'], false, 'ACKNOWLEDGED'],
      [['OUTCOME_REPORTED', 'ACKNOWLEDGED'], false, 'ACKNOWLEDGED'],
      [['OUTCOME_REPORTED', 'OUTCOME_REPORTED'], false, 'OUTCOME_REPORTED'],
      [['OUTCOME_REPORTED'], true, 'CLOSED'],
      [['OPEN'], true, 'CLOSED'],
    ];
    for (const [shares, closed, expected] of cases) expect(caseStateOf(shares, closed)).toBe(expected);
  });
});

describe('recipients of a case (jointControl.recipients)', () => {
  const facts = { kind: 'SECOND_LINE_EXIT', port: 'CNHAK-XINHAI', hsCodes: ['8471300000', '0202300090'] };

  it('every department once, in the policy order, when no rule limits it', () => {
    const policy = {
      recipients: [{ department: 'police' }, { department: 'market_regulation' }, { department: 'police' }],
    };
    expect(recipientsFor(policy, facts)).toEqual(['police', 'market_regulation']);
  });

  it('kinds, ports and HS chapters each narrow a department', () => {
    const policy = {
      recipients: [
        { department: 'police', kinds: ['FIRST_LINE_IMPORT'] },
        { department: 'market_regulation', hsChapters: ['02'] },
        { department: 'maritime', ports: ['CNYPG'] },
        { department: 'tax', hsChapters: ['85', '30'], ports: ['CNHAK-XINHAI'] },
      ],
    };
    expect(recipientsFor(policy, facts)).toEqual(['market_regulation']);
    expect(recipientsFor(policy, { ...facts, kind: 'FIRST_LINE_IMPORT', port: 'CNYPG' })).toEqual([
      'police',
      'market_regulation',
      'maritime',
    ]);
    expect(recipientsFor(policy, { ...facts, hsCodes: ['8517130000'] })).toEqual(['tax']);
  });

  it('no rule, no department', () => {
    expect(recipientsFor({ recipients: [] }, facts)).toEqual([]);
  });
});
