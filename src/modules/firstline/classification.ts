/** The data class of every column of the first-line tables (docs/data-classification.md). */
import { classify, type TableClasses } from '../../platform/db/classify.ts';
import { firstLineBills, firstLineDeclarations } from './schema.ts';

export const CLASSIFICATION: readonly TableClasses[] = [
  classify(
    firstLineDeclarations,
    {
      core: ['body'],
      important: ['stateReason', 'lines', 'taxes', 'risk'],
      general: [
        'id',
        'enterpriseId',
        'requestId',
        'contentHash',
        'direction',
        'port',
        'declarationDate',
        'bookId',
        'directRelease',
        'state',
        'ledgerDocumentId',
        'directReleaseId',
        'decidedBy',
        'createdBy',
        'createdAt',
        'updatedAt',
      ],
    },
    "The form as filed may hold a contact person's name and phone; lines, taxes and the verdict are " +
      'commercial and enforcement data.',
  ),
  classify(
    firstLineBills,
    {
      important: ['duty', 'consumptionTax', 'vat', 'total', 'lines'],
      general: ['id', 'number', 'declarationId', 'enterpriseId', 'parameterVersions', 'issuedOn', 'issuedAt'],
    },
    'Amounts of tax.',
  ),
];
