import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../../../platform/db/client.ts';
import { dutyfreeRingRuns } from '../schema.ts';

/** Whether a run already covered the window ending on `to`. */
export async function hasRunFor(ex: Executor, to: string): Promise<boolean> {
  const rows = await queryRows(ex, sql`select 1 from ${dutyfreeRingRuns} where window_to = ${to} limit 1`);
  return rows.length > 0;
}

/** Serialises the storing of runs (per database), so two processes never store the same night twice. */
export async function lockRuns(ex: Executor): Promise<void> {
  await ex.execute(sql`select pg_advisory_xact_lock(7355640)`);
}
