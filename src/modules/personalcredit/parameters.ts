/**
 * The policy parameters of personal credit scores, as first seeded. After seeding they live in the
 * database (policy_parameters) and an administrator changes them; the rules never read this file.
 */
import type { ParameterSeed } from '../../platform/parameters/defaults.ts';
import type { Level, PersonalCreditParameters, PointsRule } from './rules.ts';

const FROM = '2025-11-01'; // the offshore duty-free rules of 2025-11-01 brought the individual credit input

type Kind = PointsRule['kind'];
const rule = (kind: Kind, points: number, validYears: number | null, zh: string, en: string): PointsRule => ({
  kind,
  points,
  validYears,
  zh,
  en,
});

const POINTS: Record<string, PointsRule> = {
  'dutyfree.missedDeparture': rule(
    'VIOLATION',
    -30,
    3,
    '提货后未按期离岛',
    'Did not leave the island in time after buying',
  ),
  'dutyfree.resaleCase': rule(
    'VIOLATION',
    -40,
    3,
    '经查实参与套购代购',
    'Confirmed part of a duty-free resale ring (套代购)',
  ),
  'dutyfree.ban': rule('BAN', -20, 3, '被禁止购买离岛免税品', 'Banned from buying offshore duty-free goods'),
  'customs.smugglingPenalty': rule('PENALTY', -50, 3, '走私行政处罚', 'Administrative penalty for smuggling'),
  'customs.administrativePenalty': rule('PENALTY', -20, 2, '其他海关行政处罚', 'Other customs administrative penalty'),
  'goodConduct.voluntaryDeclaration': rule('GOOD_CONDUCT', 5, 2, '主动申报', 'Declared goods of their own accord'),
  'goodConduct.reportedCase': rule('GOOD_CONDUCT', 10, 3, '举报查实', 'Reported a case that was confirmed'),
};

/** The same values as the seed below: for tests and the simulator, never read by a service. */
export const DEFAULT_PERSONAL_CREDIT_PARAMETERS: Readonly<PersonalCreditParameters> = Object.freeze({
  base: 100,
  bounds: { min: 0, max: 120 },
  points: POINTS,
  levelThresholds: { A: 105, B: 90, C: 70 },
  reviewEverySaleLevels: ['D'] as Level[],
});

const d = DEFAULT_PERSONAL_CREDIT_PARAMETERS;
const seed = (name: string, value: unknown, reason: string): ParameterSeed => ({
  name,
  value,
  validFrom: FROM,
  reason,
});

export const PERSONAL_CREDIT_PARAMETERS: ParameterSeed[] = [
  seed('personalCredit.base', d.base, 'A person without behaviour records scores 100.'),
  seed('personalCredit.bounds', d.bounds, 'Scores stay between 0 and 120.'),
  seed('personalCredit.points', d.points, 'Points and validity of each kind of behaviour record.'),
  seed('personalCredit.levelThresholds', d.levelThresholds, 'A (优) from 105, B (良) from 90, C (中) from 70, else D.'),
  seed('personalCredit.reviewEverySaleLevels', d.reviewEverySaleLevels, 'Officers review every sale to a person at D.'),
];

export const PERSONAL_CREDIT_PARAMETER_NAMES = PERSONAL_CREDIT_PARAMETERS.map((p) => p.name);
