import type { Role } from '../../platform/auth/roles.ts';

/**
 * Who may hold which qualification (../shared/spec/mission.md §1). Pure: dates and parameters come in.
 */

export const LEGAL_FORMS = ['INDEPENDENT_LEGAL_PERSON', 'BRANCH', 'PUBLIC_INSTITUTION', 'NON_PROFIT', 'OTHER'] as const;
export type LegalForm = (typeof LEGAL_FORMS)[number];

export const QUALIFICATION_KINDS = [
  'ZERO_TARIFF_BENEFICIARY', // 零关税享惠主体
  'PROCESSING_VALUE_ADDED', // 加工增值备案企业
  'RELAXED_TRADE_END_USER', // 放宽贸易管理 final user
] as const;
export type QualificationKind = (typeof QUALIFICATION_KINDS)[number];

/** The kinds of zero-tariff goods a beneficiary may give up separately (零关税“四张清单”). */
export const ZERO_TARIFF_GOODS_CATEGORIES = [
  'PRODUCTION_EQUIPMENT', // 自用生产设备
  'TRANSPORT_VEHICLES_AND_YACHTS', // 交通工具及游艇
  'RAW_AND_AUXILIARY_MATERIALS', // 原辅料
  'CONSUMER_GOODS_FOR_RESIDENTS', // 岛内居民消费品
] as const;
export type ZeroTariffGoodsCategory = (typeof ZERO_TARIFF_GOODS_CATEGORIES)[number];

export interface EnterpriseFacts {
  registeredInHainan: boolean;
  legalForm: LegalForm;
  encouragedIndustry: boolean;
}

export interface QualificationRecord {
  kind: QualificationKind;
  goodsCategory: string;
  validFrom: string;
  validTo: string | null;
  relinquishedOn: string | null;
}

export interface RuleViolation {
  path: string;
  rule: string;
  message: string;
}

export interface GrantRequest {
  kind: QualificationKind;
  goodsCategory: string;
  validFrom: string;
  validTo: string | null;
}

/** Adds whole months to a YYYY-MM-DD date, clamping to the month's last day (2025-03-31 + 1 month = 2025-04-30). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Eligibility of the enterprise itself for a kind of qualification. */
export function eligibilityViolations(e: EnterpriseFacts, req: GrantRequest): RuleViolation[] {
  const v: RuleViolation[] = [];
  if (req.validTo !== null && req.validTo <= req.validFrom) {
    v.push({ path: 'validTo', rule: 'subjects.validityPeriod', message: 'validTo must be after validFrom.' });
  }
  switch (req.kind) {
    case 'ZERO_TARIFF_BENEFICIARY':
      if (!ZERO_TARIFF_GOODS_CATEGORIES.includes(req.goodsCategory as ZeroTariffGoodsCategory)) {
        v.push({
          path: 'goodsCategory',
          rule: 'subjects.zeroTariffGoodsCategory',
          message: `goodsCategory must be one of ${ZERO_TARIFF_GOODS_CATEGORIES.join(', ')}.`,
        });
      }
      if (!e.registeredInHainan) {
        v.push({
          path: 'kind',
          rule: 'subjects.zeroTariff.registeredInHainan',
          message: 'Zero-tariff beneficiaries must be registered in Hainan.',
        });
      }
      if (!['INDEPENDENT_LEGAL_PERSON', 'PUBLIC_INSTITUTION', 'NON_PROFIT'].includes(e.legalForm)) {
        v.push({
          path: 'kind',
          rule: 'subjects.zeroTariff.legalForm',
          message:
            'Zero-tariff beneficiaries must be an independent legal person, a public institution or ' +
            'an approved non-profit.',
        });
      }
      break;
    case 'PROCESSING_VALUE_ADDED':
      if (req.goodsCategory)
        v.push({
          path: 'goodsCategory',
          rule: 'subjects.goodsCategoryNotApplicable',
          message: 'goodsCategory applies to zero-tariff qualifications only.',
        });
      if (!e.registeredInHainan)
        v.push({
          path: 'kind',
          rule: 'subjects.processing.registeredInHainan',
          message: 'Processing value-added filing requires registration in Hainan.',
        });
      if (e.legalForm !== 'INDEPENDENT_LEGAL_PERSON')
        v.push({
          path: 'kind',
          rule: 'subjects.processing.legalForm',
          message: 'Processing value-added filing requires an independent legal person.',
        });
      if (!e.encouragedIndustry)
        v.push({
          path: 'kind',
          rule: 'subjects.processing.encouragedIndustry',
          message: 'Processing value-added filing requires production in an encouraged industry.',
        });
      break;
    case 'RELAXED_TRADE_END_USER':
      if (req.goodsCategory)
        v.push({
          path: 'goodsCategory',
          rule: 'subjects.goodsCategoryNotApplicable',
          message: 'goodsCategory applies to zero-tariff qualifications only.',
        });
      break;
  }
  return v;
}

/** True when the record is in force on `asOf`. */
export function isActiveOn(q: QualificationRecord, asOf: string): boolean {
  if (q.validFrom > asOf) return false;
  if (q.validTo !== null && q.validTo <= asOf) return false;
  if (q.relinquishedOn !== null && q.relinquishedOn <= asOf) return false;
  return true;
}

/**
 * Conflicts with what the enterprise already holds: no overlapping grant of the same kind and
 * category, and no re-application within the bar after giving zero-tariff treatment up.
 */
export function historyViolations(
  existing: QualificationRecord[],
  req: GrantRequest,
  today: string,
  reapplicationBarMonths: number,
): RuleViolation[] {
  const v: RuleViolation[] = [];
  const same = existing.filter((q) => q.kind === req.kind && q.goodsCategory === req.goodsCategory);
  for (const q of same) {
    const qEnd = q.relinquishedOn ?? q.validTo;
    const overlaps = (qEnd === null || req.validFrom < qEnd) && (req.validTo === null || q.validFrom < req.validTo);
    if (overlaps) {
      v.push({
        path: 'validFrom',
        rule: 'subjects.overlappingQualification',
        message:
          `The enterprise already holds ${req.kind}${req.goodsCategory ? ` (${req.goodsCategory})` : ''} ` +
          `from ${q.validFrom}${qEnd ? ` to ${qEnd}` : ''}.`,
      });
      break;
    }
  }
  if (req.kind === 'ZERO_TARIFF_BENEFICIARY') {
    const lastGivenUp = same
      .map((q) => q.relinquishedOn)
      .filter((d): d is string => d !== null)
      .sort()
      .at(-1);
    if (lastGivenUp) {
      const barredUntil = addMonths(lastGivenUp, reapplicationBarMonths);
      const start = req.validFrom > today ? req.validFrom : today;
      if (start < barredUntil) {
        v.push({
          path: 'kind',
          rule: 'subjects.zeroTariff.reapplicationBar',
          message:
            `Zero-tariff treatment for ${req.goodsCategory} was given up on ${lastGivenUp}; ` +
            `it cannot be applied for again before ${barredUntil} (${reapplicationBarMonths} months).`,
        });
      }
    }
  }
  return v;
}

/** Masking for roles that do not need the full value: keep the first 3 and last 2 characters of an ID. */
export function maskIdNumber(id: string): string {
  if (id.length <= 5) return '*'.repeat(id.length);
  return id.slice(0, 3) + '*'.repeat(id.length - 5) + id.slice(-2);
}

/** Chinese names keep the family name (张**); other names their first letter. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/**
 * What each role sees of an individual (the masking table of this module's README). MASKED keeps
 * the first 3 and last 2 characters of the ID number and the first character of the name, and
 * drops the birth date: with it, a masked resident ID would show 11 of its 18 digits, and the
 * check digit follows from the other 17.
 */
export type PersonalDataAccess = 'FULL' | 'MASKED' | 'NONE';
export const PERSONAL_DATA_ACCESS: Readonly<Record<Role | 'system', PersonalDataAccess>> = {
  admin: 'FULL',
  inspector: 'FULL',
  auditor: 'FULL',
  risk_analyst: 'MASKED',
  command_viewer: 'MASKED',
  department: 'MASKED',
  dutyfree_shop: 'MASKED',
  enterprise_user: 'NONE',
  gate_device: 'NONE',
  system: 'FULL',
};

export interface IndividualFacts {
  id: string;
  idType: string;
  idNumber: string;
  name: string;
  birthDate: string | null;
  nationality: string;
  createdAt: string;
}

/** The view of an individual for a role; `masked` holds the stored masked forms. */
export function individualFor(
  role: Role | 'system',
  full: () => IndividualFacts,
  masked: Omit<IndividualFacts, 'birthDate'>,
) {
  const access = PERSONAL_DATA_ACCESS[role];
  if (access === 'NONE') throw new Error(`role ${role} may not see individuals`);
  if (access === 'FULL') return { ...full(), masked: false };
  return { ...masked, birthDate: null, masked: true };
}
