/** The data class of every column of the dutyfree/rings tables (docs/data-classification.md). */
import { classify, type TableClasses } from '../../../platform/db/classify.ts';
import {
  dutyfreeRingCases,
  dutyfreeRingMembers,
  dutyfreeRingRuns,
  dutyfreeRings,
  dutyfreeSaleReviews,
  dutyfreeYellowList,
} from './schema.ts';

export const CLASSIFICATION: readonly TableClasses[] = [
  classify(
    dutyfreeRingCases,
    {
      important: ['proposal', 'note', 'decisionNote', 'effects'],
      general: ['id', 'ringId', 'buyerIds', 'entryIds', 'status', 'proposedBy', 'proposedAt', 'decidedBy', 'decidedAt'],
    },
    'Resale cases and decisions.',
  ),
  classify(
    dutyfreeRingMembers,
    { important: ['score', 'parts', 'facts'], general: ['ringId', 'buyerId'] },
    'Why a buyer is in a ring.',
  ),
  classify(
    dutyfreeRingRuns,
    {
      important: ['stats'],
      general: [
        'id',
        'windowFrom',
        'windowTo',
        'parameterVersion',
        'rings',
        'yellow',
        'runBy',
        'startedAt',
        'finishedAt',
      ],
    },
    'Detection runs.',
  ),
  classify(
    dutyfreeRings,
    { important: ['score', 'behaviour', 'structure', 'parts', 'links'], general: ['id', 'runId', 'size', 'createdAt'] },
    'Ring scores and links.',
  ),
  classify(
    dutyfreeSaleReviews,
    {
      important: ['level', 'score', 'reason', 'outcome', 'note'],
      general: ['reservationId', 'buyerId', 'shopCode', 'status', 'openedAt', 'reviewedBy', 'reviewedAt'],
    },
    'Risk verdicts on sales.',
  ),
  classify(
    dutyfreeYellowList,
    {
      important: ['ringScore', 'score', 'parts'],
      general: [
        'id',
        'buyerId',
        'ringId',
        'status',
        'firstRunId',
        'lastRunId',
        'openedAt',
        'updatedAt',
        'caseId',
        'closedAt',
      ],
    },
    'Scores of listed buyers.',
  ),
];
