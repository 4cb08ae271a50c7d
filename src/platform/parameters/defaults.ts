import { DUTYFREE_PARAMETERS } from '../../modules/dutyfree/parameters.ts';
import { RING_PARAMETERS } from '../../modules/dutyfree/rings/parameters.ts';
import { PERSONAL_CREDIT_PARAMETERS } from '../../modules/personalcredit/parameters.ts';
import { TARIFF_PARAMETER_SEEDS } from '../../modules/tariff/parameters.ts';

/**
 * The policy parameters of mission.md, as first seeded. After seeding they live in the database
 * (policy_parameters) and only an administrator changes them; rules never read this file.
 * Decimals are strings.
 */
export interface ParameterSeed {
  name: string;
  value: unknown;
  validFrom: string;
  validTo?: string;
  reason: string;
}

const CLOSURE = '2025-12-18'; // 全岛封关运作

export const DEFAULT_PARAMETERS: ParameterSeed[] = [
  {
    name: 'subjects.reapplicationBarMonths',
    value: 12,
    validFrom: '2020-06-01',
    reason: 'A beneficiary that gives up zero-tariff treatment for a kind of goods cannot re-apply for 12 months.',
  },
  {
    name: 'credit.focusPeriodYears',
    value: 3,
    validFrom: '2020-01-01',
    reason: 'Enterprises leave the focus list 3 years after the latest penalty or listing.',
  },
  {
    name: 'credit.individualFocusPeriodYears',
    value: 3,
    validFrom: '2020-01-01',
    reason: 'Individuals are on the focus list for 3 years after such an event.',
  },
  {
    name: 'credit.inspectionRateMultiplier.ADVANCED_CERTIFIED',
    value: '0.2',
    validFrom: CLOSURE,
    reason: 'AEO enterprises: below 20% of the routine inspection rate (observed 0.57% vs 2.44%).',
  },
  {
    name: 'credit.inspectionRateMultiplier.WHITELIST',
    value: '0.8',
    validFrom: CLOSURE,
    reason: 'White-list enterprises: reduced inspection rate.',
  },
  {
    name: 'credit.inspectionRateFloor.FOCUS',
    value: '0.8',
    validFrom: CLOSURE,
    reason: 'Dishonest enterprises: inspection rate at least 80%.',
  },
  {
    name: 'credit.batchExitClasses',
    value: ['ADVANCED_CERTIFIED', 'WHITELIST'],
    validFrom: CLOSURE,
    reason: 'Only AEO and white-list enterprises may use batch exit with centralized declaration.',
  },
  {
    name: 'credit.whitelistIndividualsInspectedWithoutRiskAlert',
    value: false,
    validFrom: CLOSURE,
    reason: 'White-list individuals are not inspected without a risk alert.',
  },
  {
    name: 'credit.auditFrequency',
    value: { ADVANCED_CERTIFIED: 'REDUCED', WHITELIST: 'ROUTINE', FOCUS: 'INTENSIFIED' },
    validFrom: CLOSURE,
    reason: 'Audit (稽核查) frequency by credit class.',
  },
  {
    name: 'ledger.reservationTtlHours',
    value: 72,
    validFrom: CLOSURE,
    reason: 'A reservation (预核扣) not posted within 72 hours expires and its quantity is released.',
  },
  {
    name: 'ledger.maxLinesPerDocument',
    value: 1000,
    validFrom: CLOSURE,
    reason: 'A document that moves a book has at most 1,000 lines.',
  },
  {
    name: 'ledger.maxOpenReservationsPerBook',
    value: 10000,
    validFrom: CLOSURE,
    reason: 'At most 10,000 open reservations per book: beyond it, post, void or let them expire first.',
  },
  {
    name: 'ledger.directReleaseEntryDays',
    value: 14,
    validFrom: CLOSURE,
    reason: 'First-line direct-release goods must be entered into the book within 14 days.',
  },
  {
    name: 'gate.weightToleranceMinKg',
    value: '300',
    validFrom: CLOSURE,
    reason: 'The weighbridge tolerance is never less than 300 kg (weighbridge resolution, fuel, driver).',
  },
  {
    name: 'tax.dutyCollectionThresholdCny',
    value: '50',
    validFrom: '2000-01-01',
    reason: 'Duty below 50 CNY per declaration is not collected.',
  },
  // Replaces tax.dutyCollectionThresholdCny (duty only, strictly below), which misread 以下 and left out import VAT
  // and consumption tax; that one is kept as it was, for the versions old computations recorded.
  {
    name: 'tax.notCollectedAtOrBelowCny',
    value: '50',
    validFrom: '2000-01-01',
    reason:
      "A declaration's duty, import VAT or consumption tax of 50 CNY or less is not collected, each tax on its own. " +
      'Duty: 《中华人民共和国进出口关税条例》(2003) 第四十五条第（一）项, 关税税额在人民币50元以下的一票货物免征关税; ' +
      'from 2024-12-01 《中华人民共和国关税法》, 一票货物 within the amount the State Council sets. Import VAT and ' +
      'consumption tax collected by customs: the same 50 CNY per declaration (mission.md §5). 以下 includes the ' +
      'number itself: 《中华人民共和国民法典》第一千二百五十九条.',
  },
  { name: 'tax.vatRates', value: ['0.13', '0.09'], validFrom: '2019-04-01', reason: 'Import VAT rates.' },
  {
    name: 'tax.exchangeRateDay',
    value: { monthsBack: 1, weekday: 3, ordinal: 3, holidayOrdinal: 4 },
    validFrom: '2014-02-01',
    reason:
      'Foreign values convert at the rate of the third Wednesday of the previous month; the fourth Wednesday when the third is a public holiday.',
  },
  {
    name: 'tax.publicHolidays',
    // Mainland public holidays (State Council notices for 2024 to 2026); the exchange-rate day moves when one falls on it.
    value: [
      { name: '元旦 New Year', from: '2024-01-01', to: '2024-01-01' },
      { name: '春节 Spring Festival', from: '2024-02-10', to: '2024-02-17' },
      { name: '清明节 Qingming', from: '2024-04-04', to: '2024-04-06' },
      { name: '劳动节 Labour Day', from: '2024-05-01', to: '2024-05-05' },
      { name: '端午节 Dragon Boat', from: '2024-06-10', to: '2024-06-10' },
      { name: '中秋节 Mid-Autumn', from: '2024-09-15', to: '2024-09-17' },
      { name: '国庆节 National Day', from: '2024-10-01', to: '2024-10-07' },
      { name: '元旦 New Year', from: '2025-01-01', to: '2025-01-01' },
      { name: '春节 Spring Festival', from: '2025-01-28', to: '2025-02-04' },
      { name: '清明节 Qingming', from: '2025-04-04', to: '2025-04-06' },
      { name: '劳动节 Labour Day', from: '2025-05-01', to: '2025-05-05' },
      { name: '端午节 Dragon Boat', from: '2025-05-31', to: '2025-06-02' },
      { name: '国庆节、中秋节 National Day, Mid-Autumn', from: '2025-10-01', to: '2025-10-08' },
      { name: '元旦 New Year', from: '2026-01-01', to: '2026-01-03' },
      { name: '春节 Spring Festival', from: '2026-02-15', to: '2026-02-23' },
      { name: '清明节 Qingming', from: '2026-04-04', to: '2026-04-06' },
      { name: '劳动节 Labour Day', from: '2026-05-01', to: '2026-05-05' },
      { name: '端午节 Dragon Boat', from: '2026-06-19', to: '2026-06-21' },
      { name: '中秋节 Mid-Autumn', from: '2026-09-25', to: '2026-09-27' },
      { name: '国庆节 National Day', from: '2026-10-01', to: '2026-10-07' },
    ],
    validFrom: '2024-01-01',
    reason: 'Public holidays of 2024 to 2026; add the next year when the State Council publishes it.',
  },
  {
    name: 'tax.valueAddedThreshold',
    value: '0.30',
    validFrom: '2021-07-01',
    reason: 'Processing value-added ratio at or above 30% exempts duty on sale to the mainland.',
  },
  {
    name: 'declarations.centralizedDeclarationDueDay',
    value: 25,
    validFrom: CLOSURE,
    reason: 'Batch exits of one month are declared by the 25th of the following month.',
  },
  {
    name: 'declarations.releaseOrderValidityHours',
    value: 72,
    validFrom: CLOSURE,
    reason: 'A release order issued when a second-line exit is accepted is valid at the gate for this many hours.',
  },
  ...DUTYFREE_PARAMETERS,
  {
    name: 'risk.levelThresholds',
    value: { red: '60', yellow: '30' },
    validFrom: CLOSURE,
    reason:
      'Risk score at or above red is RED (inspect; joint control), at or above yellow is YELLOW (document check or targeted inspection), below is BLUE.',
  },
  {
    name: 'risk.modelWeight',
    value: '60',
    validFrom: CLOSURE,
    reason: 'Points the learned model adds to the risk score at probability 1.',
  },
  {
    name: 'risk.routineInspectionRate',
    value: '0.0244',
    validFrom: CLOSURE,
    reason:
      'Routine random inspection rate the credit-class multipliers apply to (observed 2.44% for routine enterprises).',
  },
  {
    name: 'risk.randomFloorRate',
    value: '0.003',
    validFrom: CLOSURE,
    reason:
      'Share of all declarations always inspected at random, whatever the capacity, so the models keep learning from an unbiased sample.',
  },
  {
    name: 'risk.yellowTargetedProbability',
    value: '0.5',
    validFrom: CLOSURE,
    reason:
      'A YELLOW declaration at least this likely to be wrong (model) gets a targeted physical inspection while capacity lasts.',
  },
  {
    name: 'risk.inspectionCapacityPerPortDay',
    value: { default: 120, ports: { 'CNHAK-XINHAI': 300, 'CNHAK-PORT': 200, 'CNYPG-PORT': 160, 'CNHAK-NANGANG': 160 } },
    validFrom: CLOSURE,
    reason: 'Physical inspections a port can carry out per day (Haikou ports clear about 2,500 trucks a day).',
  },
  {
    name: 'risk.referenceMinSamples',
    value: 20,
    validFrom: CLOSURE,
    reason: 'Declarations needed before a reference price or weight is used.',
  },
  {
    name: 'risk.defaultTaxBurden',
    value: '0.13',
    validFrom: CLOSURE,
    reason: 'Tax share of value assumed for revenue at stake when a line carries no duty or VAT rate.',
  },
  {
    name: 'risk.noModelProbability',
    value: { RED: '0.5', YELLOW: '0.2', BLUE: '0.02' },
    validFrom: CLOSURE,
    reason: 'Prior probability of a discrepancy by level, used for expected revenue while no model is live.',
  },
  {
    name: 'risk.retrain',
    value: { intervalDays: 7, minLabelled: 150, validationShare: '0.2' },
    validFrom: CLOSURE,
    reason:
      'Scheduled retraining: how often, the labelled declarations it needs, and the newest share kept for validation.',
  },
  {
    name: 'gate.weightToleranceRatio',
    value: '0.03',
    validFrom: CLOSURE,
    reason: 'Weighbridge tolerance against the expected gross weight.',
  },
  ...RING_PARAMETERS,
  ...PERSONAL_CREDIT_PARAMETERS,
  ...TARIFF_PARAMETER_SEEDS,
];
