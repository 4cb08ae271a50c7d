import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { jsonText } from '../../platform/db/columns.ts';

/**
 * Risk feature versions (风险特征). A version is never edited: a change is a new version, which goes
 * live only when an analyst other than its author approves it. The feature set is versioned as a
 * whole: `live_from_set`/`live_to_set` say in which library versions this feature version counted,
 * so any past decision's library can be rebuilt exactly.
 */
export const riskFeatureVersions = pgTable(
  'risk_feature_versions',
  {
    code: text('code').notNull(),
    version: integer('version').notNull(),
    status: text('status').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    category: text('category').notNull(),
    scope: text('scope').notNull(),
    expression: text('expression').notNull(),
    weight: numeric('weight', { precision: 6, scale: 2 }).notNull(),
    forceLevel: text('force_level'),
    expiresOn: date('expires_on'),
    owner: text('owner').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    approvedBy: text('approved_by'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    retiredBy: text('retired_by'),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    retireReason: text('retire_reason'),
    liveFromSet: integer('live_from_set'),
    liveToSet: integer('live_to_set'),
    shadowFromSet: integer('shadow_from_set'),
    shadowToSet: integer('shadow_to_set'),
  },
  (t) => [
    primaryKey({ columns: [t.code, t.version] }),
    index('risk_feature_versions_status_idx').on(t.status),
    check('risk_feature_versions_status_ck', sql`${t.status} in ('DRAFT', 'SHADOW', 'LIVE', 'RETIRED')`),
    check('risk_feature_versions_weight_ck', sql`${t.weight} >= 0 and ${t.weight} <= 100`),
    // Four eyes: the database itself refuses a version approved by its author.
    check('risk_feature_versions_four_eyes_ck', sql`${t.approvedBy} is null or ${t.approvedBy} <> ${t.createdBy}`),
  ],
);

/** One row: the current feature-set version and the live and shadow models. Governance changes lock it. */
export const riskLibraryState = pgTable('risk_library_state', {
  id: integer('id').primaryKey(),
  setVersion: integer('set_version').notNull(),
  liveModelVersion: integer('live_model_version'),
  shadowModelVersion: integer('shadow_model_version'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  updatedBy: text('updated_by').notNull(),
});

/** Learned models, versioned with the metrics measured on their validation split. */
export const riskModels = pgTable(
  'risk_models',
  {
    version: serial('version').primaryKey(),
    status: text('status').notNull(),
    algorithm: text('algorithm').notNull(),
    spec: jsonb('spec').notNull(),
    model: jsonText('model').notNull(),
    metrics: jsonb('metrics').notNull(),
    training: jsonb('training').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    approvedBy: text('approved_by'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    retiredBy: text('retired_by'),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
  },
  (t) => [
    check('risk_models_status_ck', sql`${t.status} in ('DRAFT', 'SHADOW', 'LIVE', 'RETIRED')`),
    check('risk_models_four_eyes_ck', sql`${t.approvedBy} is null or ${t.approvedBy} <> ${t.createdBy}`),
  ],
);

/**
 * One decision per declaration: the level, the explanation, the selection and every version used,
 * with the input and the facts as they were, so it can be replayed and backtested. Immutable.
 */
export const riskDecisions = pgTable(
  'risk_decisions',
  {
    enterpriseId: uuid('enterprise_id').notNull(),
    declarationId: uuid('declaration_id').notNull(),
    uscc: text('uscc').notNull(),
    kind: text('kind').notNull(),
    port: text('port').notNull(),
    businessDate: date('business_date').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    level: text('level').notNull(),
    score: numeric('score', { precision: 12, scale: 4 }).notNull(),
    featureScore: numeric('feature_score', { precision: 12, scale: 4 }).notNull(),
    modelScore: numeric('model_score', { precision: 12, scale: 4 }).notNull(),
    forcedBy: text('forced_by'),
    fired: jsonb('fired').notNull(),
    featureSetVersion: integer('feature_set_version').notNull(),
    modelVersion: integer('model_version'),
    modelProbability: doublePrecision('model_probability'),
    modelDrivers: jsonb('model_drivers'),
    shadowModelVersion: integer('shadow_model_version'),
    shadowModelProbability: doublePrecision('shadow_model_probability'),
    probability: doublePrecision('probability').notNull(),
    probabilitySource: text('probability_source').notNull(),
    parameterVersions: jsonb('parameter_versions').notNull(),
    creditClass: text('credit_class').notNull(),
    draw: doublePrecision('draw').notNull(),
    classRate: numeric('class_rate', { precision: 8, scale: 6 }).notNull(),
    capacityRequested: boolean('capacity_requested').notNull(),
    capacityGranted: boolean('capacity_granted').notNull(),
    unbiasedSample: boolean('unbiased_sample').notNull(),
    selected: boolean('selected').notNull(),
    action: text('action').notNull(),
    reasons: jsonb('reasons').notNull(),
    totalValue: numeric('total_value', { precision: 18, scale: 2 }).notNull(),
    revenueAtStake: numeric('revenue_at_stake', { precision: 18, scale: 2 }).notNull(),
    expectedRevenue: numeric('expected_revenue', { precision: 18, scale: 2 }).notNull(),
    input: jsonb('input').notNull(),
    inputHash: text('input_hash').notNull(),
    facts: jsonb('facts').notNull(),
    referenceIncluded: jsonb('reference_included').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.enterpriseId, t.declarationId] }),
    index('risk_decisions_declaration_idx').on(t.declarationId),
    index('risk_decisions_queue_idx').on(t.level, t.createdAt),
    index('risk_decisions_port_idx').on(t.port, t.createdAt),
    index('risk_decisions_created_idx').on(t.createdAt),
    index('risk_decisions_enterprise_idx').on(t.enterpriseId, t.createdAt),
    check('risk_decisions_level_ck', sql`${t.level} in ('RED', 'YELLOW', 'BLUE')`),
  ],
);

/** Inspection outcomes: the labels. One per declaration; a repeat with the same content is a no-op. */
export const riskOutcomes = pgTable(
  'risk_outcomes',
  {
    enterpriseId: uuid('enterprise_id').notNull(),
    declarationId: uuid('declaration_id').notNull(),
    outcome: text('outcome').notNull(),
    correctedValues: jsonb('corrected_values'),
    revenueRecovered: numeric('revenue_recovered', { precision: 18, scale: 2 }).notNull(),
    payloadHash: text('payload_hash').notNull(),
    decisionDate: date('decision_date').notNull(),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.enterpriseId, t.declarationId] }),
    index('risk_outcomes_declaration_idx').on(t.declarationId),
    index('risk_outcomes_date_idx').on(t.decisionDate),
    check('risk_outcomes_outcome_ck', sql`${t.outcome} in ('MATCH', 'DISCREPANCY', 'SEIZURE')`),
    check('risk_outcomes_revenue_ck', sql`${t.revenueRecovered} >= 0`),
  ],
);

/** A trader's history, folded in as declarations are scored and outcomes arrive. */
export const riskTraderProfiles = pgTable('risk_trader_profiles', {
  enterpriseId: uuid('enterprise_id').primaryKey(),
  declarations: integer('declarations').notNull(),
  firstOn: date('first_on').notNull(),
  lastOn: date('last_on').notNull(),
  logValueN: integer('log_value_n').notNull(),
  logValueSum: doublePrecision('log_value_sum').notNull(),
  logValueSumSq: doublePrecision('log_value_sum_sq').notNull(),
  chapters: jsonb('chapters').notNull(),
  origins: jsonb('origins').notNull(),
  ports: jsonb('ports').notNull(),
  recentActivity: doublePrecision('recent_activity').notNull(),
  inspected: integer('inspected').notNull(),
  violations: integer('violations').notNull(),
  seizures: integer('seizures').notNull(),
  lastViolationOn: date('last_violation_on'),
  /** Declarations the trader cancelled. */
  cancellations: integer('cancellations').notNull().default(0),
  /** Declarations selected for inspection whose goods went back to the book before the inspection ended. */
  selectedNotInspected: integer('selected_not_inspected').notNull().default(0),
});

/**
 * Reference distributions: PRICE rows hold log unit prices per HS subheading, origin ('*' = all)
 * and unit; WEIGHT rows log kg per unit per subheading and unit (origin '-').
 */
export const riskReferenceStats = pgTable(
  'risk_reference_stats',
  {
    kind: text('kind').notNull(),
    hs6: text('hs6').notNull(),
    origin: text('origin').notNull(),
    unit: text('unit').notNull(),
    n: integer('n').notNull(),
    sum: doublePrecision('sum').notNull(),
    sumSq: doublePrecision('sum_sq').notNull(),
  },
  // No CHECK on n: a correction's negative delta must reach ON CONFLICT DO UPDATE (a CHECK would
  // refuse the proposed row first); the service asserts n >= 0 on what the upsert returns.
  (t) => [primaryKey({ columns: [t.kind, t.hs6, t.origin, t.unit] })],
);

/** Outcome counts by origin country, route (port × departure country), seller and buyer. */
export const riskOutcomeStats = pgTable(
  'risk_outcome_stats',
  {
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    inspected: integer('inspected').notNull(),
    hits: integer('hits').notNull(),
    traders: integer('traders').notNull(),
    violationTraders: integer('violation_traders').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.key] })],
);

/** Which traders declared which party (by keyed hash): the links behind ring features. */
export const riskPartyTraders = pgTable(
  'risk_party_traders',
  {
    kind: text('kind').notNull(),
    partyKey: text('party_key').notNull(),
    enterpriseId: uuid('enterprise_id').notNull(),
    declarations: integer('declarations').notNull(),
    violated: boolean('violated').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.partyKey, t.enterpriseId] })],
);

/** Per feature version and day: how often it fired, and what the inspections of those declarations found. */
export const riskFeatureDaily = pgTable(
  'risk_feature_daily',
  {
    code: text('code').notNull(),
    version: integer('version').notNull(),
    day: date('day').notNull(),
    fired: integer('fired').notNull(),
    inspected: integer('inspected').notNull(),
    hits: integer('hits').notNull(),
    revenueRecovered: numeric('revenue_recovered', { precision: 18, scale: 2 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.code, t.version, t.day] })],
);

/** Per day, port, level and credit class: decisions, selections and what inspections found. */
export const riskDailyTotals = pgTable(
  'risk_daily_totals',
  {
    day: date('day').notNull(),
    port: text('port').notNull(),
    level: text('level').notNull(),
    creditClass: text('credit_class').notNull(),
    assessed: integer('assessed').notNull(),
    selected: integer('selected').notNull(),
    unbiasedSample: integer('unbiased_sample').notNull(),
    outcomes: integer('outcomes').notNull(),
    hits: integer('hits').notNull(),
    unbiasedOutcomes: integer('unbiased_outcomes').notNull(),
    unbiasedHits: integer('unbiased_hits').notNull(),
    revenueRecovered: numeric('revenue_recovered', { precision: 18, scale: 2 }).notNull(),
    expectedRevenue: numeric('expected_revenue', { precision: 18, scale: 2 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.port, t.level, t.creditClass] })],
);

/** Physical inspections booked per port and business day, against the capacity parameter. */
export const riskCapacityUsage = pgTable(
  'risk_capacity_usage',
  {
    port: text('port').notNull(),
    day: date('day').notNull(),
    used: integer('used').notNull(),
  },
  (t) => [primaryKey({ columns: [t.port, t.day] }), check('risk_capacity_usage_used_ck', sql`${t.used} >= 0`)],
);

/** Backtests of a feature or model version over past declarations; approval needs one. */
export const riskBacktests = pgTable(
  'risk_backtests',
  {
    id: uuid('id').primaryKey(),
    targetKind: text('target_kind').notNull(),
    code: text('code'),
    version: integer('version').notNull(),
    fromDate: date('from_date').notNull(),
    toDate: date('to_date').notNull(),
    declarations: integer('declarations').notNull(),
    metrics: jsonb('metrics').notNull(),
    runBy: text('run_by').notNull(),
    runAt: timestamp('run_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('risk_backtests_target_idx').on(t.targetKind, t.code, t.version)],
);

/**
 * Risk decisions on offshore duty-free sales (features of scope SALE): the facts the till's sale
 * was scored on, the features that fired, the score and the verdict (ALLOW, REVIEW). A refused sale
 * writes nothing, as every refusal; the till is told only the rule. Never edited.
 */
export const riskSaleDecisions = pgTable(
  'risk_sale_decisions',
  {
    saleId: uuid('sale_id').primaryKey(),
    shopCode: text('shop_code').notNull(),
    personHash: text('person_hash').notNull(),
    businessDate: date('business_date').notNull(),
    facts: jsonb('facts').notNull(),
    fired: jsonb('fired').notNull(),
    score: numeric('score', { precision: 12, scale: 4 }).notNull(),
    level: text('level').notNull(),
    verdict: text('verdict').notNull(),
    rule: text('rule'),
    featureSetVersion: integer('feature_set_version').notNull(),
    parameterVersions: jsonb('parameter_versions').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('risk_sale_decisions_date_idx').on(t.businessDate, t.saleId),
    index('risk_sale_decisions_person_idx').on(t.personHash),
    check('risk_sale_decisions_verdict_ck', sql`${t.verdict} in ('ALLOW', 'REVIEW')`),
  ],
);
