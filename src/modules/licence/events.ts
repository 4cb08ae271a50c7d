/**
 * The licence module's outbox events, as zod schemas of their payloads: `restricted-goods` (id = the
 * load's batch id) for a load of the prohibited and restricted goods list, `licence` (id = the
 * licence's id) for the registry. Quantities are decimal strings, never floats.
 */
import { z } from 'zod';
import { importListResponse, licenceOut } from './wire.ts';

/** A write-off or its return: the licence's `used` and `remaining` after it. */
const movement = {
  useId: z.string(),
  licenceNumber: z.string(),
  quantity: z.string(),
  reference: z.string().nullable(),
  used: z.string(),
  remaining: z.string(),
};

export const LICENCE_EVENTS = {
  /** A load of the list that changed it (one that changed nothing publishes nothing). */
  RestrictedListLoaded: importListResponse,
  /** A licence pushed for the first time (its view). */
  LicenceRegistered: licenceOut,
  /** A licence pushed again with other content (its new version). */
  LicenceAmended: licenceOut,
  /** A licence written off for one use. */
  LicenceUsed: z.object({ ...movement, enterpriseId: z.string(), hsCode: z.string(), date: z.string() }),
  /** A use given back (the declaration it was for was refused). */
  LicenceReturned: z.object({ ...movement, reason: z.string() }),
} as const;

export type LicenceEventType = keyof typeof LICENCE_EVENTS;
