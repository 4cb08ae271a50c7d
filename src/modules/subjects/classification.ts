/** The data class of every column of the subjects tables (docs/data-classification.md). */
import { classify, type TableClasses } from '../../platform/db/classify.ts';
import { enterprises, individuals, qualifications } from './schema.ts';

export const CLASSIFICATION: readonly TableClasses[] = [
  classify(
    enterprises,
    {
      general: ['id', 'uscc', 'name', 'registeredInHainan', 'legalForm', 'industry', 'encouragedIndustry', 'createdAt'],
    },
    'The public registry of enterprises.',
  ),
  classify(
    individuals,
    {
      core: ['idNumberHash', 'idNumberEncrypted', 'nameEncrypted', 'idNumberMasked', 'nameMasked', 'birthDate'],
      general: ['id', 'idType', 'nationality', 'createdAt'],
    },
    'Personal identifiers.',
  ),
  classify(
    qualifications,
    {
      general: [
        'enterpriseId',
        'id',
        'kind',
        'goodsCategory',
        'validFrom',
        'validTo',
        'relinquishedOn',
        'relinquishReason',
        'grantedBy',
        'createdAt',
      ],
    },
    'Qualifications and their periods.',
  ),
];
