import { sql } from 'drizzle-orm';
import { queryRows, recordset, type Executor } from '../db/client.ts';
import { verifyCheckpoints } from './schema.ts';

/** Where a verification ended in one chain (see schema.ts). */
export interface Checkpoint {
  key: string;
  position: number;
  hash: string;
  seq: number;
  flag: boolean;
}

export async function readCheckpoints(ex: Executor, verifier: string): Promise<Map<string, Checkpoint>> {
  const rows = await queryRows<{ key: string; position: string; hash: string; seq: string; flag: boolean }>(
    ex,
    sql`select key, position::text as position, hash, seq::text as seq, flag from ${verifyCheckpoints}
        where verifier = ${verifier}`,
  );
  return new Map(
    rows.map((r) => [
      r.key,
      { key: r.key, position: Number(r.position), hash: r.hash, seq: Number(r.seq), flag: Boolean(r.flag) },
    ]),
  );
}

/** Records where a successful verification ended (replacing what was there), 5,000 rows a statement. */
export async function writeCheckpoints(
  ex: Executor,
  verifier: string,
  checkpoints: readonly Checkpoint[],
  at: Date,
): Promise<void> {
  for (let i = 0; i < checkpoints.length; i += 5000) {
    const rows = checkpoints.slice(i, i + 5000).map((c) => ({ ...c, verifier, verified_at: at.toISOString() }));
    await ex.execute(sql`insert into ${verifyCheckpoints} (verifier, key, position, hash, seq, flag, verified_at)
      select verifier, key, position, hash, seq, flag, verified_at
      from ${recordset(
        rows,
        'verifier text, key text, position bigint, hash text, seq bigint, flag boolean, ' + 'verified_at timestamptz',
      )}
      on conflict (verifier, key) do update set position = excluded.position, hash = excluded.hash,
        seq = excluded.seq, flag = excluded.flag, verified_at = excluded.verified_at`);
  }
}
