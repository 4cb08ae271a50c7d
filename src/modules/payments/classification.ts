/** The data class of every column of the payments tables (docs/data-classification.md). */
import { classify, type TableClasses } from '../../platform/db/classify.ts';
import { billPaymentStates, paymentAlerts, paymentNotices } from './schema.ts';

export const CLASSIFICATION: readonly TableClasses[] = [
  classify(
    billPaymentStates,
    {
      important: ['total', 'guaranteeReference', 'guaranteedUntil'],
      general: [
        'billId',
        'enterpriseId',
        'declarationId',
        'state',
        'dueDate',
        'dueParameterVersion',
        'paidAt',
        'paymentNoticeId',
        'overdueAt',
        'creditInputId',
        'creditFedAt',
        'updatedAt',
        'auditSeq',
      ],
    },
    "An enterprise's tax owed and its bank guarantee.",
  ),
  classify(
    paymentNotices,
    {
      important: ['amount', 'reference', 'validUntil'],
      general: [
        'department',
        'noticeId',
        'billId',
        'kind',
        'contentHash',
        'fromState',
        'toState',
        'receivedBy',
        'receivedAt',
        'auditSeq',
      ],
    },
    'Payments and guarantees of an enterprise, with bank references.',
  ),
  classify(
    paymentAlerts,
    {
      important: ['detail'],
      general: ['billId', 'enterpriseId', 'kind', 'dueDate', 'raisedAt', 'auditSeq'],
    },
    'That an enterprise did not pay its tax on time.',
  ),
];
