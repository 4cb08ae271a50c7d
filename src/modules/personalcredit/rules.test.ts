import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays } from '../credit/dates.ts';
import { DEFAULT_PERSONAL_CREDIT_PARAMETERS as P, PERSONAL_CREDIT_PARAMETERS } from './parameters.ts';
import {
  counts,
  isViolation,
  levelOf,
  personalCreditParameterViolations,
  pointsFor,
  recordDateViolation,
  scoreOf,
  type BehaviourRecord,
} from './rules.ts';

let seq = 0;
function rec(code: string, occurredOn: string, extra: Partial<BehaviourRecord> = {}): BehaviourRecord {
  const p = pointsFor(code, occurredOn, P);
  if (isViolation(p)) throw new Error(p.message);
  const id = `r${String(++seq).padStart(3, '0')}`;
  return { id, code, ...p, occurredOn, reason: `test ${code}`, source: 'test', ...extra };
}

describe('levelOf: thresholds are inclusive from the top', () => {
  it.each([
    [120, 'A'],
    [105, 'A'],
    [104, 'B'],
    [90, 'B'],
    [89, 'C'],
    [70, 'C'],
    [69, 'D'],
    [0, 'D'],
  ] as const)('score %i is %s', (score, level) => {
    expect(levelOf(score, P.levelThresholds)).toBe(level);
  });
});

describe('pointsFor', () => {
  it('takes points and validity from the table; the validity ends on the same day N years later', () => {
    const resale = { kind: 'VIOLATION', points: -40, countsUntil: '2029-03-10' };
    expect(pointsFor('dutyfree.resaleCase', '2026-03-10', P)).toEqual(resale);
    expect(pointsFor('dutyfree.ban', '2028-02-29', P)).toEqual({ kind: 'BAN', points: -20, countsUntil: '2031-03-01' });
  });
  it('names an unknown code', () => {
    expect(pointsFor('dutyfree.nothing', '2026-01-01', P)).toMatchObject({ rule: 'personalCredit.code' });
  });
});

describe('scoreOf', () => {
  const missed = rec('dutyfree.missedDeparture', '2026-02-01');
  const ban = rec('dutyfree.ban', '2026-02-01');
  const good = rec('goodConduct.voluntaryDeclaration', '2026-05-01');
  const table: [string, BehaviourRecord[], string, number, string][] = [
    ['no records: the base, level B', [], '2026-06-01', 100, 'B'],
    ['good conduct lifts to A', [good], '2026-06-01', 105, 'A'],
    ['good conduct not yet on its day before', [good], '2026-04-30', 100, 'B'],
    ['a missed departure: C', [missed], '2026-02-01', 70, 'C'],
    ['a missed departure and its ban: D', [missed, ban], '2026-06-01', 50, 'D'],
    ['the day before they lapse', [missed, ban], '2029-01-31', 50, 'D'],
    ['on the day they lapse (3 years on)', [missed, ban], '2029-02-01', 100, 'B'],
    ['everything together', [missed, ban, good], '2026-06-01', 55, 'D'],
  ];
  it.each(table)('%s', (_name, records, asOf, score, level) => {
    const s = scoreOf(records, asOf, P);
    expect(s.score).toBe(score);
    expect(s.level).toBe(level);
    expect(s.reviewEverySale).toBe(level === 'D');
  });

  it('lists the counting records as reasons, oldest first, with their points and end', () => {
    const s = scoreOf([good, missed, ban], '2026-06-01', P);
    expect(s.reasons.map((r) => [r.code, r.points, r.countsUntil])).toEqual([
      ['dutyfree.missedDeparture', -30, '2029-02-01'],
      ['dutyfree.ban', -20, '2029-02-01'],
      ['goodConduct.voluntaryDeclaration', 5, '2028-05-01'],
    ]);
    expect(s.nextChange).toBe('2028-05-01');
  });

  it('clamps to the bounds and says by how much', () => {
    const many = Array.from({ length: 4 }, (_, i) => rec('customs.smugglingPenalty', addDays('2026-01-01', i)));
    const s = scoreOf(many, '2026-02-01', P);
    expect(s).toMatchObject({ score: 0, level: 'D', clampedBy: -100 });
    const praised = Array.from({ length: 5 }, (_, i) => rec('goodConduct.reportedCase', addDays('2026-01-01', i)));
    expect(scoreOf(praised, '2026-02-01', P)).toMatchObject({ score: 120, clampedBy: 30 });
  });

  it('a withdrawn record stops counting on its withdrawal day and still counts before', () => {
    const w = rec('dutyfree.resaleCase', '2026-03-01', { withdrawn: { date: '2026-04-01', reason: 'wrong person' } });
    expect(scoreOf([w], '2026-03-31', P).score).toBe(60);
    expect(scoreOf([w], '2026-04-01', P).score).toBe(100);
    expect(scoreOf([w], '2026-03-15', P).nextChange).toBe('2026-04-01');
    const twice = { withdrawn: { date: '2026-03-01', reason: 'entered twice' } };
    const never = rec('dutyfree.resaleCase', '2026-03-01', twice);
    expect(counts(never, '2026-03-01')).toBe(false);
    expect(scoreOf([never], '2026-01-01', P).nextChange).toBeNull();
  });

  it('a record dated ahead is the next change', () => {
    expect(scoreOf([good], '2026-01-01', P).nextChange).toBe('2026-05-01');
  });

  it('property: the score is the clamped sum of the counting records, and the level follows it', () => {
    const codes = Object.keys(P.points);
    const arb = fc.array(
      fc.record({
        code: fc.constantFrom(...codes),
        day: fc.integer({ min: 0, max: 2000 }),
        w: fc.option(fc.integer({ min: 0, max: 2000 })),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 2500 }), (rows, at) => {
        const records = rows.map((r) => {
          const on = addDays('2025-11-01', r.day);
          const withdrawn = r.w === null ? undefined : { date: addDays('2025-11-01', r.w), reason: 'x' };
          return rec(r.code, on, withdrawn ? { withdrawn } : {});
        });
        const asOf = addDays('2025-11-01', at);
        const s = scoreOf(records, asOf, P);
        const sum = records.filter((r) => counts(r, asOf)).reduce((t, r) => t + r.points, 100);
        expect(s.score).toBe(Math.min(120, Math.max(0, sum)));
        expect(s.level).toBe(levelOf(s.score, P.levelThresholds));
        // Nothing changes between asOf and the day before nextChange.
        if (s.nextChange) expect(scoreOf(records, addDays(s.nextChange, -1), P).score).toBe(s.score);
      }),
    );
  });
});

describe('parameter checks', () => {
  it('accepts the seeded values', () => {
    for (const p of PERSONAL_CREDIT_PARAMETERS) expect(personalCreditParameterViolations(p.name, p.value)).toEqual([]);
  });
  it.each([
    ['personalCredit.base', 0],
    ['personalCredit.bounds', { min: 50, max: 50 }],
    ['personalCredit.levelThresholds', { A: 90, B: 90, C: 70 }],
    ['personalCredit.reviewEverySaleLevels', ['D', 'E']],
    ['personalCredit.points', { 'dutyfree.x': { kind: 'GOOD_CONDUCT', points: -5, validYears: 1, zh: '甲', en: 'a' } }],
    ['personalCredit.points', { 'dutyfree.x': { kind: 'BAN', points: -5, validYears: 0, zh: '甲', en: 'a' } }],
    ['personalCredit.points', { Bad: { kind: 'BAN', points: -5, validYears: 1, zh: '甲', en: 'a' } }],
    ['personalCredit.points', { 'dutyfree.x': { kind: 'BAN', points: 5, validYears: 1, zh: '甲', en: 'a' } }],
  ])('refuses %s = %j', (name, value) => {
    expect(personalCreditParameterViolations(name, value)!.length).toBeGreaterThan(0);
  });
  it('is silent on other modules’ names', () => {
    expect(personalCreditParameterViolations('credit.focusPeriodYears', 3)).toBeNull();
  });
  it('refuses records dated ahead', () => {
    expect(recordDateViolation('2026-05-02', '2026-05-01')).toMatchObject({ rule: 'personalCredit.futureRecord' });
    expect(recordDateViolation('2026-02-30', '2026-05-01')).toMatchObject({ rule: 'date.calendar' });
    expect(recordDateViolation('2026-05-01', '2026-05-01')).toBeNull();
  });
});
