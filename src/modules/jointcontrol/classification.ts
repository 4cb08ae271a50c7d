/** The data class of every column of the jointcontrol tables (docs/data-classification.md). */
import { classify, type TableClasses } from '../../platform/db/classify.ts';
import { jointControlCases, jointControlFeed, jointControlShares } from './schema.ts';

export const CLASSIFICATION: readonly TableClasses[] = [
  classify(
    jointControlCases,
    {
      // A duty-free sale's buyer, as the duty-free module classes it (dutyfree_risk_refusals).
      core: ['buyerHash', 'buyerIdMasked', 'buyerNameMasked'],
      important: ['goods', 'totalValue', 'grounds', 'closedBy', 'closeReason'],
      general: [
        'id',
        'subjectKind',
        'saleId',
        'buyerIdType',
        'enterpriseId',
        'declarationId',
        'uscc',
        'enterpriseName',
        'declarationKind',
        'port',
        'businessDate',
        'state',
        'policyVersion',
        'openedAt',
        'closedAt',
        'auditSeq',
      ],
    },
    "Goods and values, the risk grounds, an officer's name and words; a duty-free buyer's masked identity.",
  ),
  classify(
    jointControlFeed,
    { general: ['seq', 'department', 'caseId', 'type', 'recordedAt'] },
    'What each department must hear of.',
  ),
  classify(
    jointControlShares,
    {
      important: ['acknowledgeNote', 'outcomeReference', 'outcomeSummary'],
      general: [
        'caseId',
        'department',
        'enterpriseId',
        'state',
        'acknowledgedAt',
        'acknowledgedBy',
        'outcome',
        'outcomeAt',
        'outcomeBy',
      ],
    },
    "A department's notes and findings.",
  ),
];
