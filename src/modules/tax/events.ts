/**
 * The tax module's outbox events (aggregate `exchange-rates`, id = the load's batch id), as zod
 * schemas of their payloads. The tax bills are the declarations module's (`TaxBillIssued`).
 */
import { importRatesResponse } from './wire.ts';

export const TAX_EVENTS = {
  /** A load of exchange rates that changed them: rows read, imported, unchanged, the currencies and days. */
  ExchangeRatesLoaded: importRatesResponse,
} as const;

export type TaxEventType = keyof typeof TAX_EVENTS;
