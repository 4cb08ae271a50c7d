/** The data class of every column of the origin tables (docs/data-classification.md). */
import { classify, type TableClasses } from '../../platform/db/classify.ts';
import { originCertificates } from './schema.ts';

export const CLASSIFICATION: readonly TableClasses[] = [
  classify(
    originCertificates,
    {
      important: ['exporter', 'goods'],
      general: [
        'id',
        'agreement',
        'number',
        'originCountry',
        'importerEnterpriseId',
        'issuedOn',
        'validUntil',
        'status',
        'source',
        'recordedBy',
        'version',
        'contentHash',
        'createdAt',
        'updatedAt',
      ],
    },
    'Exporter and goods.',
  ),
];
