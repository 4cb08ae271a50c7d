import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * Resale-ring (套代购) detection and its review: each detection run, the rings it found with their
 * members and shared links, the yellow list (黄名单) of buyers an officer must look at, the cases
 * officers propose and a second officer approves (four-eyes), and the review of every sale to a
 * person whose credit level calls for it.
 */

/** One detection run over a window of confirmed sales; `stats` says what it read and found. */
export const dutyfreeRingRuns = pgTable('dutyfree_ring_runs', {
  id: uuid('id').primaryKey(),
  windowFrom: date('window_from').notNull(),
  windowTo: date('window_to').notNull(),
  parameterVersion: integer('parameter_version').notNull(),
  stats: jsonb('stats').notNull(),
  rings: integer('rings').notNull(),
  yellow: integer('yellow').notNull(),
  runBy: text('run_by').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true }).notNull(),
});

/**
 * A ring a run found at or above the operating threshold: its score with the parts that make it,
 * and its shared links (kind, the identifier's hash, the buyers that share it). Never edited: the
 * next run finds the ring again, as a new row.
 */
export const dutyfreeRings = pgTable(
  'dutyfree_rings',
  {
    id: uuid('id').primaryKey(),
    runId: uuid('run_id').notNull(),
    score: integer('score').notNull(),
    behaviour: integer('behaviour').notNull(),
    structure: integer('structure').notNull(),
    size: integer('size').notNull(),
    parts: jsonb('parts').notNull(),
    links: jsonb('links').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('dutyfree_rings_run_idx').on(t.runId, t.score)],
);

export const dutyfreeRingMembers = pgTable(
  'dutyfree_ring_members',
  {
    ringId: uuid('ring_id').notNull(),
    buyerId: uuid('buyer_id').notNull(),
    score: integer('score').notNull(),
    parts: jsonb('parts').notNull(),
    facts: jsonb('facts').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ringId, t.buyerId] }), index('dutyfree_ring_members_buyer_idx').on(t.buyerId)],
);

/**
 * The yellow list: a buyer an officer must review, on their own facts or as a member of a ring.
 * At most one open entry (OPEN or PROPOSED) per buyer; each run refreshes it. A cleared entry
 * keeps the score it was cleared at: the buyer comes back only when a later run scores higher.
 */
export const dutyfreeYellowList = pgTable(
  'dutyfree_yellow_list',
  {
    id: uuid('id').primaryKey(),
    buyerId: uuid('buyer_id').notNull(),
    ringId: uuid('ring_id'),
    ringScore: integer('ring_score'),
    score: integer('score').notNull(),
    parts: jsonb('parts').notNull(),
    status: text('status').notNull(),
    firstRunId: uuid('first_run_id').notNull(),
    lastRunId: uuid('last_run_id').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    caseId: uuid('case_id'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('dutyfree_yellow_open_uq').on(t.buyerId).where(sql`${t.status} in ('OPEN', 'PROPOSED')`),
    index('dutyfree_yellow_status_idx').on(t.status, t.score),
    index('dutyfree_yellow_ring_idx').on(t.ringId),
    check('dutyfree_yellow_status_ck', sql`${t.status} in ('OPEN', 'PROPOSED', 'CLEARED', 'CONFIRMED')`),
    check('dutyfree_yellow_closed_ck', sql`(${t.status} in ('CLEARED', 'CONFIRMED')) = (${t.closedAt} is not null)`),
  ],
);

/**
 * A case (案件): an officer proposes to confirm buyers as a resale ring (ban, credit input, score
 * deduction) or to clear them; a second officer approves or rejects. The database refuses an
 * approval by the proposer.
 */
export const dutyfreeRingCases = pgTable(
  'dutyfree_ring_cases',
  {
    id: uuid('id').primaryKey(),
    proposal: text('proposal').notNull(),
    ringId: uuid('ring_id'),
    buyerIds: jsonb('buyer_ids').notNull(),
    entryIds: jsonb('entry_ids').notNull(),
    note: text('note').notNull(),
    status: text('status').notNull(),
    proposedBy: text('proposed_by').notNull(),
    proposedAt: timestamp('proposed_at', { withTimezone: true }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
    effects: jsonb('effects'),
  },
  (t) => [
    index('dutyfree_ring_cases_status_idx').on(t.status, t.proposedAt),
    check('dutyfree_ring_cases_proposal_ck', sql`${t.proposal} in ('CONFIRM', 'CLEAR')`),
    check('dutyfree_ring_cases_status_ck', sql`${t.status} in ('PROPOSED', 'APPROVED', 'REJECTED')`),
    check('dutyfree_ring_cases_four_eyes_ck', sql`${t.decidedBy} is null or ${t.decidedBy} <> ${t.proposedBy}`),
    check('dutyfree_ring_cases_decided_ck', sql`(${t.status} = 'PROPOSED') = (${t.decidedBy} is null)`),
  ],
);

/**
 * A sale an officer reviews: because of the buyer's personal credit level (D: every sale; reason
 * CREDIT_LEVEL) or because a risk feature sent it to review (reason: the feature's rule).
 */
export const dutyfreeSaleReviews = pgTable(
  'dutyfree_sale_reviews',
  {
    reservationId: uuid('reservation_id').primaryKey(),
    buyerId: uuid('buyer_id').notNull(),
    shopCode: text('shop_code').notNull(),
    level: text('level').notNull(),
    score: integer('score').notNull(),
    reason: text('reason').notNull().default('CREDIT_LEVEL'),
    status: text('status').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    reviewedBy: text('reviewed_by'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    outcome: text('outcome'),
    note: text('note'),
  },
  (t) => {
    const decided = sql`(${t.status} = 'DONE') = (${t.outcome} is not null)`;
    const known = sql`(${t.outcome} is null or ${t.outcome} in ('NORMAL', 'SUSPECT'))`;
    return [
      index('dutyfree_sale_reviews_status_idx').on(t.status, t.openedAt),
      check('dutyfree_sale_reviews_status_ck', sql`${t.status} in ('OPEN', 'DONE')`),
      check('dutyfree_sale_reviews_outcome_ck', sql`${decided} and ${known}`),
    ];
  },
);
