/** The schemas of the account books' policy parameters (seeds: src/platform/parameters/defaults.ts). */
import { wholeNumber, type ParameterSpecs } from '../../platform/parameters/definition.ts';

export const LEDGER_PARAMETERS: ParameterSpecs = {
  'ledger.reservationTtlHours': {
    description: 'Hours a reservation (预核扣) stays open before it expires and its quantity is released (≤ 30 days).',
    schema: wholeNumber(1, 720, 'hours'),
  },
  'ledger.maxLinesPerDocument': {
    // The wire schema takes at most 5,000 lines per document.
    description: 'Lines a document that moves a book may carry.',
    schema: wholeNumber(1, 5000, 'lines'),
  },
  'ledger.maxOpenReservationsPerBook': {
    description: 'Open reservations a book may hold at once.',
    schema: wholeNumber(1, 1_000_000, 'reservations'),
  },
  'ledger.directReleaseEntryDays': {
    description:
      'Days within which goods released directly at the first line (径予放行) must be entered into the book.',
    schema: wholeNumber(1, 365, 'days'),
  },
};
