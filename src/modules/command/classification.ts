/** The data class of every column of the command centre's rollups (docs/data-classification.md). */
import { classify, type TableClasses } from '../../platform/db/classify.ts';
import {
  commandAlertHourly,
  commandClearanceBuckets,
  commandDeclarationHourly,
  commandDutyfreeDaily,
  commandGateHourly,
  commandHeld,
  commandRollupMarks,
  commandTaxHourly,
} from './schema.ts';

export const CLASSIFICATION: readonly TableClasses[] = [
  classify(commandRollupMarks, { general: ['consumer', 'lastEventId', 'updatedAt'] }, 'Where each rollup stands.'),
  classify(commandGateHourly, { general: ['portCode', 'hour', 'passed', 'diverted'] }, 'Trucks per port and hour.'),
  classify(commandDeclarationHourly, { general: ['hour', 'state', 'n'] }, 'Declarations per hour and state.'),
  classify(commandHeld, { general: ['declarationId', 'since'] }, 'Which declarations are held, since when.'),
  classify(commandAlertHourly, { general: ['hour', 'level', 'n'] }, 'Risk alerts per hour.'),
  classify(
    commandTaxHourly,
    { important: ['duty', 'consumptionTax', 'vat', 'total'], general: ['hour', 'bills', 'supplementary'] },
    'Tax collected per hour: revenue figures.',
  ),
  classify(
    commandClearanceBuckets,
    { general: ['portCode', 'hour', 'measure', 'bucket', 'n'] },
    'Clearance-time counts per port and hour.',
  ),
  classify(
    commandDutyfreeDaily,
    { important: ['amount', 'returned'], general: ['day', 'shop', 'category', 'sales', 'units'] },
    "Shops' sales per day: commercial figures.",
  ),
];
