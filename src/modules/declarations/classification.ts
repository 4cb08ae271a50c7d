/** The data class of every column of the declarations tables (docs/data-classification.md). */
import { classify, type TableClasses } from '../../platform/db/classify.ts';
import {
  batchFacilities,
  declarationAlerts,
  declarationSerials,
  declarationTransitions,
  declarations,
  pendingSelections,
  processedEvents,
  taxBills,
} from './schema.ts';

export const CLASSIFICATION: readonly TableClasses[] = [
  classify(
    batchFacilities,
    { important: ['reason'], general: ['enterpriseId', 'status', 'period', 'changedAt', 'changedBy'] },
    'Why batch exit was suspended.',
  ),
  classify(
    declarationAlerts,
    { important: ['detail'], general: ['id', 'enterpriseId', 'kind', 'period', 'dueDate', 'raisedAt', 'auditSeq'] },
    'Alert details.',
  ),
  classify(declarationSerials, { general: ['kind', 'scope', 'last'] }, 'Number series.'),
  classify(
    declarationTransitions,
    {
      important: ['reason', 'rule'],
      general: ['id', 'declarationId', 'enterpriseId', 'fromState', 'toState', 'actor', 'at', 'auditSeq'],
    },
    'A hold names its reason (officers only).',
  ),
  classify(
    declarations,
    {
      core: ['form'],
      important: ['stateReason', 'lines', 'taxes', 'risk'],
      general: [
        'id',
        'enterpriseId',
        'kind',
        'requestId',
        'requestHash',
        'version',
        'rootId',
        'previousId',
        'state',
        'bookId',
        'regime',
        'portCode',
        'businessDate',
        'period',
        'reservationId',
        'releaseOrderId',
        'inspectionTaskId',
        'centralizedId',
        'createdBy',
        'createdAt',
        'updatedAt',
      ],
    },
    "The form holds a contact person's name and phone; " +
      'lines, taxes and the verdict are commercial and enforcement data.',
  ),
  classify(
    pendingSelections,
    { general: ['enterpriseId', 'declarationId', 'itemIds', 'taskId', 'createdAt', 'settledBy', 'settledAt'] },
    'Selections waiting for inspection.',
  ),
  classify(processedEvents, { general: ['eventId', 'eventType', 'processedAt'] }, 'Events handled once.'),
  classify(
    taxBills,
    {
      important: ['duty', 'consumptionTax', 'vat', 'total', 'figures'],
      general: [
        'id',
        'billNo',
        'declarationId',
        'enterpriseId',
        'kind',
        'cause',
        'businessDate',
        'issuedAt',
        'auditSeq',
      ],
    },
    'Amounts of tax.',
  ),
];
