/** The bill-payment policy parameters: their schemas and first seeds. */
import { z } from 'zod';
import { decimalString, rate, wholeNumber, type ParameterSpecs } from '../../platform/parameters/definition.ts';
import type { ParameterSeed } from '../../platform/parameters/defaults.ts';

export const DUE_DAYS = 'payments.dueDays';
export const PAY_LATER_CLASSES = 'payments.payLaterClasses';
export const NOTICE_DEPARTMENTS = 'payments.noticeDepartments';
export const SURCHARGE_RATE = 'payments.surchargeRate';
export const SURCHARGE_MINIMUM = 'payments.surchargeMinimum';

// The classes of ../shared/spec/mission.md §2 (credit's own list is private to it).
const CREDIT_CLASSES = ['ADVANCED_CERTIFIED', 'WHITELIST', 'FOCUS'] as const;

const department = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,39}$/, 'Use the department code a client scope names, e.g. treasury.');

export const PAYMENT_PARAMETERS: ParameterSpecs = {
  [DUE_DAYS]: {
    description: 'Days from the issue of a tax bill to its due date (inclusive); unpaid after it, the bill is OVERDUE.',
    schema: wholeNumber(1, 90, 'days'),
  },
  [PAY_LATER_CLASSES]: {
    description:
      'Credit classes whose goods are released before the bill is paid (paid by the due date); any other ' +
      'class, or an enterprise with an overdue bill, pays or gives a guarantee first.',
    schema: z.array(z.enum(CREDIT_CLASSES)).max(CREDIT_CLASSES.length),
  },
  [NOTICE_DEPARTMENTS]: {
    description: 'Departments (API client scope) whose payment and guarantee notices settle tax bills.',
    schema: z.array(department).min(1).max(10),
  },
  [SURCHARGE_RATE]: {
    description:
      'Late-payment surcharge (滞纳金) per day overdue, as a share of the unpaid tax; each overdue day takes the ' +
      'version in force on that day.',
    schema: rate('the daily surcharge rate'),
  },
  [SURCHARGE_MINIMUM]: {
    description: 'A late-payment surcharge below this amount (CNY) is not collected (滞纳金起征额).',
    schema: decimalString('0', '10000', 'an amount in CNY'),
  },
};

export const PAYMENT_PARAMETER_SEEDS: ParameterSeed[] = [
  {
    name: DUE_DAYS,
    value: 15,
    validFrom: '2025-12-18',
    reason:
      'Customs Law art. 60 (《海关法》第六十条): duties are paid within 15 days of the issue of the tax payment notice.',
  },
  {
    name: PAY_LATER_CLASSES,
    value: ['ADVANCED_CERTIFIED', 'WHITELIST'],
    validFrom: '2025-12-18',
    reason:
      'Enterprises of good credit may be released first and pay by the due date (汇总征税-style); FOCUS ' +
      'enterprises pay or give a guarantee before release (先税后放).',
  },
  {
    name: NOTICE_DEPARTMENTS,
    value: ['treasury', 'bank'],
    validFrom: '2025-12-18',
    reason: 'The state treasury (国库) and the collecting banks send payment and guarantee notices.',
  },
  {
    name: SURCHARGE_RATE,
    value: '0.0005',
    validFrom: '2024-12-01',
    reason:
      'Tariff Law art. 50 (《关税法》第五十条, in force 2024-12-01) with Customs Law art. 60: 0.05% (万分之五) of the ' +
      'unpaid tax per day from the day after the due date to the day of payment.',
  },
  {
    name: SURCHARGE_MINIMUM,
    value: '50.00',
    validFrom: '2024-12-01',
    reason: 'Customs collection rules: a surcharge under 50 CNY is not collected (滞纳金起征额为人民币50元).',
  },
];
