/** The data class of every column of the licence tables (docs/data-classification.md). */
import { classify, type TableClasses } from '../../platform/db/classify.ts';
import { licenceReturns, licenceUses, licences, restrictedGoods } from './schema.ts';

export const CLASSIFICATION: readonly TableClasses[] = [
  classify(
    licenceUses,
    {
      important: ['quantity'],
      general: [
        'id',
        'licenceId',
        'enterpriseId',
        'hsCode',
        'usedOn',
        'reference',
        'contentHash',
        'auditSeq',
        'createdBy',
        'createdAt',
      ],
    },
    'Quantities written off.',
  ),
  classify(
    licenceReturns,
    {
      important: ['quantity'],
      general: ['useId', 'licenceId', 'reason', 'reference', 'auditSeq', 'createdBy', 'createdAt'],
    },
    'Quantities given back.',
  ),
  classify(
    licences,
    {
      important: ['goods', 'quantity', 'used'],
      general: [
        'id',
        'number',
        'licenceType',
        'holderEnterpriseId',
        'hsPrefixes',
        'unit',
        'validFrom',
        'validUntil',
        'status',
        'issuer',
        'version',
        'contentHash',
        'createdAt',
        'updatedAt',
      ],
    },
    'Licensed goods and quantities.',
  ),
  classify(
    restrictedGoods,
    {
      general: [
        'id',
        'entryKey',
        'hsPrefix',
        'keywords',
        'measure',
        'licenceType',
        'direction',
        'validFrom',
        'validTo',
        'description',
        'legalBasis',
        'source',
        'batchId',
        'loadedBy',
        'loadedAt',
      ],
    },
    'The published list.',
  ),
];
