/** The data class of every column of the value-added tables (docs/data-classification.md). */
import { classify, type TableClasses } from '../../platform/db/classify.ts';
import {
  valueAddedCumulativeNumbers,
  valueAddedEvidence,
  valueAddedNumberUses,
  valueAddedReviews,
  valueAddedSerials,
} from './schema.ts';

export const CLASSIFICATION: readonly TableClasses[] = [
  classify(
    valueAddedCumulativeNumbers,
    {
      important: ['salePrice', 'importedCny', 'domesticCny', 'hainanMadeCny', 'ratio', 'quantity', 'quantityUsed'],
      general: [
        'number',
        'transferDocumentId',
        'lineNo',
        'upstreamEnterpriseId',
        'upstreamBookId',
        'downstreamEnterpriseId',
        'downstreamBookId',
        'itemId',
        'businessDate',
        'issuedBy',
        'issuedAt',
        'auditSeq',
      ],
    },
    "Prices and materials of an enterprise's goods.",
  ),
  classify(
    valueAddedNumberUses,
    {
      important: ['quantity'],
      general: ['id', 'number', 'declarationId', 'carriedBy', 'lineIndex', 'usedAt', 'returnedAt', 'auditSeq'],
    },
    'What exits, and the numbers issued to the next link of a chain, wrote off of cumulative numbers.',
  ),
  classify(valueAddedSerials, { general: ['scope', 'last'] }, 'Serial counters.'),
  classify(
    valueAddedEvidence,
    {
      important: ['fileName', 'description'],
      general: [
        'id',
        'enterpriseId',
        'kind',
        'reference',
        'mediaType',
        'sizeBytes',
        'sha256',
        'uploadedBy',
        'uploadedAt',
        'auditSeq',
      ],
    },
    'What an enterprise filed as evidence of its costs.',
  ),
  classify(
    valueAddedReviews,
    {
      important: ['ratio', 'figures', 'reason'],
      general: [
        'id',
        'enterpriseId',
        'bookId',
        'itemId',
        'declarationId',
        'lineIndex',
        'threshold',
        'bandUpper',
        'evidenceIds',
        'status',
        'requestedBy',
        'requestedAt',
        'decidedBy',
        'decidedAt',
      ],
    },
    "An enterprise's figures and an officer's decision on them.",
  ),
];
