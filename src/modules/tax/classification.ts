/** The data class of every column of the tax tables (docs/data-classification.md). */
import { classify, type TableClasses } from '../../platform/db/classify.ts';
import { exchangeRates } from './schema.ts';

export const CLASSIFICATION: readonly TableClasses[] = [
  classify(
    exchangeRates,
    { general: ['id', 'currency', 'rateDate', 'rate', 'unit', 'quote', 'source', 'batchId', 'loadedBy', 'loadedAt'] },
    'Published exchange rates.',
  ),
];
