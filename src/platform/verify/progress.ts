import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { auditHeads } from '../audit/schema.ts';
import { verifyCheckpoints } from './schema.ts';

/** Entries an incremental audit verification will walk: each partition's head past its checkpoint. */
export async function auditVerifyTotal(ex: Executor): Promise<number> {
  const [row] = await queryRows<{ n: string }>(
    ex,
    sql`select coalesce(sum(h.pseq - coalesce(c.position, 0)), 0)::text as n from ${auditHeads} h
        left join ${verifyCheckpoints} c on c.verifier = 'audit' and c.key = h.partition::text`,
  );
  return Number(row?.n ?? 0);
}
