/**
 * The command centre's wire shapes, taken from the server's zod schemas (type-only: nothing of the
 * server is bundled).
 */
import type { z } from 'zod';
import type { drillOut, summaryOut } from '../../../../src/modules/command/wire.ts';

export type Summary = z.infer<typeof summaryOut>;
export type DrillResult = z.infer<typeof drillOut>;
export type DrillRow = DrillResult['items'][number];
export type WindowName = Summary['window']['name'];

/** What a click on a number asks for: a drill panel and its filters (the query of GET /api/v1/command/drill). */
export interface DrillRequest {
  panel: DrillResult['panel'];
  params?: Record<string, string | number | boolean | undefined>;
  /** Shown after the panel's title: the port, state, hour… the list is of. */
  subtitle?: string;
}
