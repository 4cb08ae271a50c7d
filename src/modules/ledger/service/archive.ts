/**
 * ledger_movements as a time-partitioned table (platform/partitions): a month of movements may be archived only
 * once `ledger verify` has checked past its last movement, and what the month added to each account is carried
 * forward in ledger_archived_totals, where the verifier finds it: balances recomputed from the live movements
 * plus those totals still equal the stored ones, and a restore takes the totals back out.
 */
import { getTableName, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../../platform/db/client.ts';
import type { MonthPartition, PartitionedTable } from '../../../platform/partitions/service.ts';
import { readCheckpoints } from '../../../platform/verify/checkpoints.ts';
import { ledgerArchivedTotals, ledgerMovements } from '../schema.ts';

const table = (p: MonthPartition) => sql.raw(`"${p.name}"`);

async function verifiedFirst(tx: Executor, p: MonthPartition): Promise<void> {
  const [{ last }] = (await queryRows<{ last: string | null }>(
    tx,
    sql`select max(seq)::text as last from ${table(p)}`,
  )) as [{ last: string | null }];
  if (last === null) return;
  const checkpoint = (await readCheckpoints(tx, 'ledger')).get('movements')?.position ?? 0;
  if (Number(last) > checkpoint)
    throw new Error(
      `${p.name} holds movements up to seq ${last}, but the last successful \`tidegate ledger verify\` ended at ` +
        `${checkpoint}: verify the ledger first, then archive.`,
    );
}

async function carryTotals(tx: Executor, p: MonthPartition): Promise<void> {
  await tx.execute(
    sql`insert into ${ledgerArchivedTotals} (partition_name, book_id, item_id, kind, quantity, imported_cny,
          domestic_cny, hainan_made_cny, movements)
        select ${p.name}, book_id, item_id, kind, sum(q), sum(i), sum(d), sum(h), sum(n) from (
          select book_id, item_id, to_kind as kind, quantity as q, imported_cny as i, domestic_cny as d,
                 hainan_made_cny as h, 1 as n from ${table(p)}
          union all
          select book_id, item_id, from_kind, -quantity, -imported_cny, -domestic_cny, -hainan_made_cny, 1
          from ${table(p)}) x
        group by book_id, item_id, kind`,
  );
}

async function dropTotals(tx: Executor, p: MonthPartition): Promise<void> {
  await tx.execute(sql`delete from ${ledgerArchivedTotals} where partition_name = ${p.name}`);
}

export const LEDGER_MOVEMENT_PARTITIONS: PartitionedTable = {
  table: getTableName(ledgerMovements),
  column: 'created_at',
  key: { column: 'seq', type: 'bigint' },
  beforeArchive: verifiedFirst,
  onArchive: carryTotals,
  onRestore: dropTotals,
};
