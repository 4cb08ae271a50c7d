/**
 * The verifier (`tidegate ledger verify`): recomputes every balance from the movements (plus the totals
 * carried forward from archived months, service/archive.ts) and every
 * reserved quantity from the open reservations, compares them with the materialised balances, and
 * checks the invariants. Reads book by book, so a large database shows progress.
 */
import { sql } from 'drizzle-orm';
import { wholeNumber } from '../../../kernel/wholeNumber.ts';
import { queryRows, type Executor } from '../../../platform/db/client.ts';
import { settledHorizon } from '../../../platform/outbox/horizon.ts';
import { readCheckpoints, writeCheckpoints } from '../../../platform/verify/checkpoints.ts';
import { D, invariantViolations } from '../rules.ts';
import {
  ledgerAccounts,
  ledgerArchivedTotals,
  ledgerBooks,
  ledgerMovements,
  ledgerReservationLines,
  ledgerReservations,
} from '../schema.ts';

export interface Mismatch {
  bookId: string;
  itemId: string;
  kind: string;
  field: string;
  stored: string;
  recomputed: string;
}

export interface VerifyResult {
  ok: boolean;
  books: number;
  accounts: number;
  movements: number;
  mismatches: Mismatch[];
  invariantViolations: { rule: string; itemId: string; kind?: string; message: string }[];
  /** The first problem found, in words (null when clean). */
  firstProblem: string | null;
}

export interface VerifyLedgerOptions {
  onProgress?: (done: number, total: number) => void;
  maxReported?: number;
  /**
   * Only the books that moved since the last successful verification (movements after its
   * checkpoint), plus every open reservation against its stock account; a full run (the default)
   * recomputes every book.
   */
  incremental?: boolean;
  /** Record where this run ended when everything holds (the command line does). */
  saveCheckpoint?: boolean;
  now?: Date;
}

/** Books recomputed a page at a time (keyset on the id), so any number of books fits in memory. */
async function* bookIds(ex: Executor, afterMovement: number | null, upTo: number): AsyncGenerator<string> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const page =
      afterMovement === null
        ? await queryRows<{ id: string }>(
            ex,
            sql`select id from ${ledgerBooks} where id > ${after}::uuid order by id limit 1000`,
          )
        : await queryRows<{ id: string }>(
            ex,
            sql`select distinct book_id as id from ${ledgerMovements}
                where seq > ${afterMovement} and seq <= ${upTo} and book_id > ${after}::uuid order by book_id
                limit 1000`,
          );
    for (const r of page) yield r.id;
    if (page.length < 1000) return;
    after = page[page.length - 1]!.id;
  }
}

export async function verifyLedger(ex: Executor, opts: VerifyLedgerOptions = {}): Promise<VerifyResult> {
  // Movements up to the settled horizon of their sequence have all committed (or never will): the
  // checkpoint may name it, and an incremental run starts after it without missing a late commit.
  const horizon =
    (await settledHorizon(ex, 'ledger_movements_seq_seq').catch(() => null)) ??
    Number(
      (await queryRows<{ n: string }>(ex, sql`select coalesce(max(seq), 0)::text as n from ${ledgerMovements}`))[0]!.n,
    );
  const checkpoint = opts.incremental ? (await readCheckpoints(ex, 'ledger')).get('movements') : undefined;
  const from = opts.incremental ? (checkpoint?.position ?? 0) : null;
  const [{ n: bookCount }] = (await queryRows<{ n: string }>(
    ex,
    from === null
      ? sql`select count(*)::text as n from ${ledgerBooks}`
      : sql`select count(distinct book_id)::text as n from ${ledgerMovements}
          where seq > ${from} and seq <= ${horizon}`,
  )) as [{ n: string }];
  const total = Number(bookCount);
  const result: VerifyResult = {
    ok: true,
    books: 0,
    accounts: 0,
    movements: 0,
    mismatches: [],
    invariantViolations: [],
    firstProblem: null,
  };
  const max = opts.maxReported ?? 100;
  let i = -1;
  for await (const id of bookIds(ex, from, horizon)) {
    i++;
    result.books++;
    const b = { id };
    const rows = await queryRows<{
      item_id: string;
      kind: string;
      on_hand: string;
      reserved: string;
      imported_cny: string;
      domestic_cny: string;
      hainan_made_cny: string;
      movements: string;
      m_q: string;
      m_i: string;
      m_d: string;
      m_h: string;
      m_n: string;
      r_q: string;
      book_n: string;
    }>(
      ex,
      // Every movement makes two rows of m (its to-side and its from-side, both kinds never null), so
      // half their count is the book's movements (`book_n`): no count of its own. (One scan with a
      // lateral pair of rows per movement was tried: PostgreSQL took longer over it than over two.)
      sql`with m as (
            select item_id, kind, sum(q) as q, sum(i) as i, sum(d) as d, sum(h) as h, sum(n) as n from (
              select item_id, to_kind as kind, quantity as q, imported_cny as i, domestic_cny as d,
              hainan_made_cny as h, 1 as n from ${ledgerMovements} where book_id = ${b.id}
              union all
              select item_id, from_kind, -quantity, -imported_cny, -domestic_cny, -hainan_made_cny, 1 from
              ${ledgerMovements} where book_id = ${b.id}) x
            group by item_id, kind),
          -- What archived months of movements added to each account (service/archive.ts).
          t as (
            select item_id, kind, sum(quantity) as q, sum(imported_cny) as i, sum(domestic_cny) as d,
                   sum(hainan_made_cny) as h, sum(movements) as n
            from ${ledgerArchivedTotals} where book_id = ${b.id} group by item_id, kind),
          r as (
            select l.item_id, sum(l.reserved - l.posted - l.released) as q from ${ledgerReservationLines} l
            join ${ledgerReservations} res on res.id = l.reservation_id
            where res.book_id = ${b.id} and res.status = 'OPEN' group by l.item_id)
          select a.item_id, a.kind, a.on_hand::text, a.reserved::text, a.imported_cny::text,
          a.domestic_cny::text, a.hainan_made_cny::text, a.movements::text,
                 (coalesce(m.q, 0) + coalesce(t.q, 0))::text as m_q, (coalesce(m.i, 0) + coalesce(t.i, 0))::text as m_i,
                 (coalesce(m.d, 0) + coalesce(t.d, 0))::text as m_d, (coalesce(m.h, 0) + coalesce(t.h, 0))::text as m_h,
                 (coalesce(m.n, 0) + coalesce(t.n, 0))::text as m_n,
                 (case when a.kind = 'stock' then coalesce(r.q, 0) else 0 end)::text as r_q,
                 (select coalesce(sum(n), 0) from m)::text as book_n
          from ${ledgerAccounts} a
          left join m on m.item_id = a.item_id and m.kind = a.kind
          left join t on t.item_id = a.item_id and t.kind = a.kind
          left join r on r.item_id = a.item_id
          where a.book_id = ${b.id}
          order by a.item_id, a.kind`,
    );
    result.accounts += rows.length;
    for (const r of rows) {
      if (r.kind === 'stock') result.movements += 0;
      const checks: [string, string, string][] = [
        ['onHand', r.on_hand, r.m_q],
        ['reserved', r.reserved, r.r_q],
        ['importedCny', r.imported_cny, r.m_i],
        ['domesticCny', r.domestic_cny, r.m_d],
        ['hainanMadeCny', r.hainan_made_cny, r.m_h],
        ['movements', r.movements, r.m_n],
      ];
      for (const [field, stored, recomputed] of checks) {
        if (!new D(stored).eq(recomputed)) {
          result.ok = false;
          if (result.mismatches.length < max)
            result.mismatches.push({
              bookId: b.id,
              itemId: r.item_id,
              kind: r.kind,
              field,
              stored: new D(stored).toString(),
              recomputed: new D(recomputed).toString(),
            });
        }
      }
    }
    // A book without accounts returns no row to carry the count: counted apart.
    const bookRows = rows[0]
      ? wholeNumber(rows[0].book_n, "the rows of a book's movements") / 2
      : wholeNumber(
          (
            await queryRows<{ n: string }>(
              ex,
              sql`select count(*)::text as n from ${ledgerMovements} where book_id = ${b.id}`,
            )
          )[0]!.n,
          "a book's movements",
        );
    result.movements += bookRows;
    const v = invariantViolations(
      rows.map((r) => ({
        itemId: r.item_id,
        kind: r.kind,
        onHand: r.on_hand,
        reserved: r.reserved,
        importedCny: r.imported_cny,
        domesticCny: r.domestic_cny,
        hainanMadeCny: r.hainan_made_cny,
      })),
    );
    if (v.length) {
      result.ok = false;
      result.invariantViolations.push(...v.slice(0, Math.max(0, max - result.invariantViolations.length)));
    }
    opts.onProgress?.(i + 1, Math.max(total, i + 1));
  }
  if (from !== null) {
    // Reservations change a stock account's reserved quantity without a movement (opened, voided,
    // expired): every stock account that carries or should carry one is compared.
    const rows = await queryRows<{ book_id: string; item_id: string; reserved: string; r_q: string }>(
      ex,
      sql`with r as (
            select l.item_id, sum(l.reserved - l.posted - l.released) as q from ${ledgerReservationLines} l
            join ${ledgerReservations} res on res.id = l.reservation_id where res.status = 'OPEN' group by l.item_id)
          select a.book_id, a.item_id, a.reserved::text, coalesce(r.q, 0)::text as r_q
          from ${ledgerAccounts} a left join r on r.item_id = a.item_id
          where a.kind = 'stock' and (a.reserved <> 0 or r.item_id is not null) and a.reserved <> coalesce(r.q, 0)
          order by a.book_id, a.item_id limit ${max}`,
    );
    for (const r of rows) {
      result.ok = false;
      if (result.mismatches.length < max)
        result.mismatches.push({
          bookId: r.book_id,
          itemId: r.item_id,
          kind: 'stock',
          field: 'reserved',
          stored: new D(r.reserved).toString(),
          recomputed: new D(r.r_q).toString(),
        });
    }
  }
  if (result.ok && opts.saveCheckpoint)
    await writeCheckpoints(
      ex,
      'ledger',
      [{ key: 'movements', position: horizon, hash: '', seq: horizon, flag: false }],
      opts.now ?? new Date(),
    );
  const m = result.mismatches[0];
  const v = result.invariantViolations[0];
  result.firstProblem = m
    ? `book ${m.bookId} item ${m.itemId} account ${m.kind}: ${m.field} stored ${m.stored}, recomputed from ` +
      `movements ${m.recomputed}`
    : v
      ? `${v.rule} on item ${v.itemId}${v.kind ? ` (${v.kind})` : ''}: ${v.message}`
      : null;
  return result;
}
