/** The data class of every column of the sharing tables (docs/data-classification.md). */
import { classify, type TableClasses } from '../../platform/db/classify.ts';
import { webhookSubscriptions } from './schema.ts';

export const CLASSIFICATION: readonly TableClasses[] = [
  classify(
    webhookSubscriptions,
    {
      core: ['secretEncrypted'],
      important: ['url'],
      general: [
        'id',
        'clientId',
        'clientName',
        'feed',
        'cursor',
        'failures',
        'nextAttemptAt',
        'lastError',
        'lastDeliveredAt',
        'leaseUntil',
        'createdAt',
        'disabledAt',
      ],
    },
    "The signing secret; a department's address.",
  ),
];
