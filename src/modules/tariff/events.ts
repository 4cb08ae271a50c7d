/**
 * The tariff module's outbox events (aggregate `tariff`, id = the load's batch id), as zod schemas of
 * their payloads.
 */
import { importTariffResponse } from './wire.ts';

export const TARIFF_EVENTS = {
  /** A load of the tariff table that changed it: rows read, imported, unchanged, codes touched. */
  TariffLoaded: importTariffResponse,
} as const;

export type TariffEventType = keyof typeof TARIFF_EVENTS;
