/**
 * Which inputs the platform accepts (pure, like rules.ts): checks that need the subject and the
 * caller but no database. Each failure names the field and the rule, so one checker serves the API,
 * the bulk endpoint and the file import.
 */
import type { FieldError } from '../../kernel/problem.ts';
import { addDays, type BusinessDate } from './dates.ts';
import type { SubjectKind } from './rules.ts';

/**
 * How far ahead an input may be dated: a decision announced now for a later day, not a typo. A system limit, not
 * policy.
 */
export const MAX_DAYS_AHEAD = 366;

export const ADMISSION_RULES = {
  subjectRegistered: 'credit.subjectRegistered',
  aeoEnterpriseOnly: 'credit.aeoEnterpriseOnly',
  effectiveDateHorizon: 'credit.effectiveDateHorizon',
  sourceIsCaller: 'credit.sourceIsCaller',
  inputIdReused: 'credit.inputIdReused',
  withdrawalNotInFuture: 'credit.withdrawalNotInFuture',
} as const;

export interface AdmissionRecord {
  subjectKind: SubjectKind;
  source: string;
  effectiveDate: BusinessDate;
  input: { type: string };
}

/**
 * `callerDepartment` is the department an API client is bound to (its scope), or null for officers
 * and unbound clients: a bound department may only speak for itself.
 */
export function admissionErrors(
  record: AdmissionRecord,
  today: BusinessDate,
  callerDepartment: string | null,
): FieldError[] {
  const errors: FieldError[] = [];
  if (record.input.type === 'AEO' && record.subjectKind === 'INDIVIDUAL') {
    errors.push({
      path: 'input.type',
      rule: ADMISSION_RULES.aeoEnterpriseOnly,
      message: 'AEO certification (高级认证) applies to enterprises only.',
    });
  }
  const horizon = addDays(today, MAX_DAYS_AHEAD);
  if (record.effectiveDate > horizon) {
    errors.push({
      path: 'effectiveDate',
      rule: ADMISSION_RULES.effectiveDateHorizon,
      message: `An input may be dated at most ${MAX_DAYS_AHEAD} days ahead (${horizon}).`,
    });
  }
  if (callerDepartment !== null && record.source !== callerDepartment) {
    errors.push({
      path: 'source',
      rule: ADMISSION_RULES.sourceIsCaller,
      message: `This API client speaks for department "${callerDepartment}"; source must be "${callerDepartment}".`,
    });
  }
  return errors;
}

/** Prefixes relative paths for a record inside a list, e.g. records[3].subject. */
export function atIndex(prefix: string, errors: readonly FieldError[]): FieldError[] {
  return errors.map((e) => ({ ...e, path: e.path ? `${prefix}.${e.path}` : prefix }));
}
