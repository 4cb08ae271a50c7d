/** The data class of every column of the tariff tables (docs/data-classification.md). */
import { classify, type TableClasses } from '../../platform/db/classify.ts';
import { tariffLines } from './schema.ts';

export const CLASSIFICATION: readonly TableClasses[] = [
  classify(
    tariffLines,
    {
      general: [
        'id',
        'code',
        'description',
        'unit',
        'validFrom',
        'validTo',
        'mfnRate',
        'mfnPerUnit',
        'generalRate',
        'generalPerUnit',
        'provisionalRate',
        'provisionalPerUnit',
        'provisionalTo',
        'conventional',
        'consumptionTaxRate',
        'consumptionTaxPerUnit',
        'vatRate',
        'source',
        'batchId',
        'loadedBy',
        'loadedAt',
      ],
    },
    'The published tariff.',
  ),
];
