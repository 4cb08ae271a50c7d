/** The schemas of the account books' policy parameters (seeds: src/platform/parameters/defaults.ts). */
import { wholeNumber, type ParameterSpecs } from '../../platform/parameters/definition.ts';
import type { ParameterSeed } from '../../platform/parameters/defaults.ts';

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

/** The first seeds of these parameters (policy_parameters on first start); rules never read them. */
const CLOSURE = '2025-12-18'; // 全岛封关运作

export const LEDGER_PARAMETER_SEEDS: ParameterSeed[] = [
  {
    name: 'ledger.reservationTtlHours',
    value: 72,
    validFrom: CLOSURE,
    reason: 'A reservation (预核扣) not posted within 72 hours expires and its quantity is released.',
  },
  {
    name: 'ledger.maxLinesPerDocument',
    value: 1000,
    validFrom: CLOSURE,
    reason: 'A document that moves a book has at most 1,000 lines.',
  },
  {
    name: 'ledger.maxOpenReservationsPerBook',
    value: 10000,
    validFrom: CLOSURE,
    reason: 'At most 10,000 open reservations per book: beyond it, post, void or let them expire first.',
  },
  {
    name: 'ledger.directReleaseEntryDays',
    value: 14,
    validFrom: CLOSURE,
    reason: 'First-line direct-release goods must be entered into the book within 14 days.',
  },
];
