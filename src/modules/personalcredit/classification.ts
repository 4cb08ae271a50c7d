/** The data class of every column of the personalcredit tables (docs/data-classification.md). */
import { classify, type TableClasses } from '../../platform/db/classify.ts';
import { personalCreditRecords } from './schema.ts';

export const CLASSIFICATION: readonly TableClasses[] = [
  classify(
    personalCreditRecords,
    {
      core: ['personHash'],
      important: ['points', 'reason'],
      general: [
        'id',
        'idType',
        'code',
        'kind',
        'occurredOn',
        'countsUntil',
        'source',
        'sourceRef',
        'parameterVersion',
        'createdBy',
        'createdAt',
        'auditSeq',
        'withdrawnOn',
        'withdrawReason',
        'withdrawnBy',
      ],
    },
    "A person's look-up digest and behaviour.",
  ),
];
