import { describe, expect, it } from 'vitest';
import { admissionErrors, atIndex, MAX_DAYS_AHEAD } from './admission.ts';
import { addDays } from './dates.ts';

const today = '2026-03-01';
const record = {
  subjectKind: 'ENTERPRISE' as const,
  source: 'tax',
  effectiveDate: today,
  input: { type: 'SECTOR_RATING' },
};

describe('admissionErrors', () => {
  it('accepts a well-formed input', () => {
    expect(admissionErrors(record, today, null)).toEqual([]);
    expect(admissionErrors(record, today, 'tax')).toEqual([]);
  });

  it('AEO applies to enterprises only', () => {
    expect(admissionErrors({ ...record, subjectKind: 'INDIVIDUAL', input: { type: 'AEO' } }, today, null)).toEqual([
      expect.objectContaining({ path: 'input.type', rule: 'credit.aeoEnterpriseOnly' }),
    ]);
  });

  it('an input may be dated ahead up to the horizon, to the day', () => {
    expect(admissionErrors({ ...record, effectiveDate: addDays(today, MAX_DAYS_AHEAD) }, today, null)).toEqual([]);
    expect(admissionErrors({ ...record, effectiveDate: addDays(today, MAX_DAYS_AHEAD + 1) }, today, null)).toEqual([
      expect.objectContaining({ path: 'effectiveDate', rule: 'credit.effectiveDateHorizon' }),
    ]);
  });

  it('a client bound to a department speaks only for it', () => {
    expect(admissionErrors({ ...record, source: 'customs' }, today, 'tax')).toEqual([
      expect.objectContaining({ path: 'source', rule: 'credit.sourceIsCaller' }),
    ]);
  });

  it('names the record in a list', () => {
    expect(
      atIndex('records[3]', [
        { path: 'source', rule: 'r', message: 'm' },
        { path: '', rule: 'r', message: 'm' },
      ]).map((e) => e.path),
    ).toEqual(['records[3].source', 'records[3]']);
  });
});
