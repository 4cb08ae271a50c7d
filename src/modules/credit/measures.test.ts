import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMETERS } from '../parameters.ts';
import {
  creditParameterViolations,
  DEFAULT_CREDIT_PARAMETERS,
  inspectionRate,
  measuresFor,
  type CreditParameters,
} from './measures.ts';
import type { CreditClass, SubjectKind } from './rules.ts';

const P = DEFAULT_CREDIT_PARAMETERS;

describe('measuresFor', () => {
  it.each<[CreditClass, SubjectKind, ReturnType<typeof measuresFor>['inspectionRate'], boolean, boolean, string]>([
    ['ADVANCED_CERTIFIED', 'ENTERPRISE', { kind: 'MULTIPLIER', multiplier: '0.2' }, true, true, 'REDUCED'],
    ['WHITELIST', 'ENTERPRISE', { kind: 'MULTIPLIER', multiplier: '0.8' }, true, true, 'ROUTINE'],
    ['FOCUS', 'ENTERPRISE', { kind: 'FLOOR', minimumRate: '0.8' }, false, true, 'INTENSIFIED'],
    ['WHITELIST', 'INDIVIDUAL', { kind: 'MULTIPLIER', multiplier: '0.8' }, false, false, 'NOT_APPLICABLE'],
    ['FOCUS', 'INDIVIDUAL', { kind: 'FLOOR', minimumRate: '0.8' }, false, true, 'NOT_APPLICABLE'],
  ])('%s %s', (creditClass, subjectKind, rate, batchExitAllowed, inspectWithoutRiskAlert, auditFrequency) => {
    expect(measuresFor(creditClass, subjectKind, P)).toEqual({
      class: creditClass,
      subjectKind,
      inspectionRate: rate,
      batchExitAllowed,
      inspectWithoutRiskAlert,
      auditFrequency,
    });
  });

  it('individuals are never ADVANCED_CERTIFIED', () => {
    expect(() => measuresFor('ADVANCED_CERTIFIED', 'INDIVIDUAL', P)).toThrow(RangeError);
  });

  it('reads every measure from the parameters', () => {
    const custom: CreditParameters = {
      ...P,
      inspectionRateMultiplier: { ADVANCED_CERTIFIED: '0.1', WHITELIST: '0.5' },
      inspectionRateFloor: { FOCUS: '0.9' },
      batchExitClasses: ['ADVANCED_CERTIFIED'],
      whitelistIndividualsInspectedWithoutRiskAlert: true,
      auditFrequency: { ADVANCED_CERTIFIED: 'ROUTINE', WHITELIST: 'REDUCED', FOCUS: 'ROUTINE' },
    };
    expect(measuresFor('ADVANCED_CERTIFIED', 'ENTERPRISE', custom).inspectionRate).toEqual({
      kind: 'MULTIPLIER',
      multiplier: '0.1',
    });
    expect(measuresFor('WHITELIST', 'ENTERPRISE', custom)).toMatchObject({
      inspectionRate: { multiplier: '0.5' },
      batchExitAllowed: false,
      auditFrequency: 'REDUCED',
    });
    expect(measuresFor('FOCUS', 'ENTERPRISE', custom).inspectionRate).toEqual({ kind: 'FLOOR', minimumRate: '0.9' });
    expect(measuresFor('WHITELIST', 'INDIVIDUAL', custom).inspectWithoutRiskAlert).toBe(true);
  });

  it('AEO stays below 20% of routine, FOCUS at least 80% (observed routine rate 2.44%)', () => {
    const routine = '0.0244';
    expect(inspectionRate(measuresFor('ADVANCED_CERTIFIED', 'ENTERPRISE', P), routine)).toBe('0.00488');
    expect(inspectionRate(measuresFor('WHITELIST', 'ENTERPRISE', P), routine)).toBe('0.01952');
    expect(inspectionRate(measuresFor('FOCUS', 'ENTERPRISE', P), routine)).toBe('0.8');
    expect(inspectionRate(measuresFor('FOCUS', 'ENTERPRISE', P), '0.95')).toBe('0.95');
    expect(inspectionRate({ inspectionRate: { kind: 'MULTIPLIER', multiplier: '1' } }, '1.5')).toBe('1');
  });
});

describe('credit parameters', () => {
  it('defaults are valid', () => {
    expect(creditParameterViolations(P)).toEqual([]);
  });

  it('defaults match the seeded policy parameters', () => {
    const seeded = new Map(DEFAULT_PARAMETERS.map((p) => [p.name, p.value]));
    expect(seeded.get('credit.focusPeriodYears')).toBe(P.focusPeriodYears);
    expect(seeded.get('credit.individualFocusPeriodYears')).toBe(P.individualFocusPeriodYears);
    expect(seeded.get('credit.inspectionRateMultiplier.ADVANCED_CERTIFIED')).toBe(
      P.inspectionRateMultiplier.ADVANCED_CERTIFIED,
    );
    expect(seeded.get('credit.inspectionRateMultiplier.WHITELIST')).toBe(P.inspectionRateMultiplier.WHITELIST);
    expect(seeded.get('credit.inspectionRateFloor.FOCUS')).toBe(P.inspectionRateFloor.FOCUS);
    expect(seeded.get('credit.batchExitClasses')).toEqual(P.batchExitClasses);
  });

  it('names what is wrong', () => {
    const bad = {
      ...P,
      focusPeriodYears: 0,
      individualFocusPeriodYears: 2.5,
      inspectionRateMultiplier: { ADVANCED_CERTIFIED: '1.2', WHITELIST: 'half' },
      inspectionRateFloor: { FOCUS: '-0.1' },
      batchExitClasses: ['FOCUS'],
      auditFrequency: { ...P.auditFrequency, FOCUS: 'NOT_APPLICABLE' },
    } as unknown as CreditParameters;
    expect(creditParameterViolations(bad).map((v) => v.rule)).toEqual([
      'credit.parameters.focusPeriodYears',
      'credit.parameters.individualFocusPeriodYears',
      'credit.parameters.inspectionRateMultiplier.ADVANCED_CERTIFIED',
      'credit.parameters.inspectionRateMultiplier.WHITELIST',
      'credit.parameters.inspectionRateFloor.FOCUS',
      'credit.parameters.batchExitClasses',
      'credit.parameters.auditFrequency.FOCUS',
    ]);
  });
});
