import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { runCommand } from '../../src/platform/command.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { Problem } from '../../src/kernel/problem.ts';
import { balanceOf, postReservation, reserveGoods, verifyLedger } from '../../src/modules/ledger/service.ts';

/**
 * 200 parallel reservations of one unit against 100 units of one item: exactly 100 succeed, none is
 * lost, nothing goes negative. On PostgreSQL the commands really run side by side (a pool of 20).
 */
let t: TestApp;
const actor = systemActor('test');

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function attempt(bookId: string, itemId: string, reservationId: string): Promise<'ok' | 'short'> {
  try {
    await runCommand(t.ctx, 'test.reserve', (tx, batch) =>
      reserveGoods(
        tx,
        t.ctx,
        {
          reservationId,
          bookId,
          lines: [{ itemId, quantity: '1' }],
          purpose: { documentType: 'TEST', documentId: reservationId },
          actor,
        },
        batch,
      ),
    );
    return 'ok';
  } catch (err) {
    if (err instanceof Problem && err.errors?.[0]?.rule === 'ledger.insufficientAvailable') return 'short';
    throw err;
  }
}

async function freshBook() {
  return bookWithGoods(t.ctx, {
    regime: 'ZERO_TARIFF',
    items: [
      {
        hsCode: '8479899990',
        name: '包装机 packing machine',
        unit: '台',
        originCountry: 'DE',
        quantity: '100',
        importedCny: '1000000',
      },
    ],
  });
}

describe('200 parallel reservations against 100 units', () => {
  it('exactly 100 are reserved, none lost, none negative', async () => {
    const b = await freshBook();
    const itemId = b.itemIds[0]!;
    const results = await Promise.all(Array.from({ length: 200 }, () => attempt(b.bookId, itemId, uuidv7())));
    expect(results.filter((r) => r === 'ok')).toHaveLength(100);
    expect(results.filter((r) => r === 'short')).toHaveLength(100);
    expect(await balanceOf(t.ctx.db, b.bookId, itemId)).toEqual({ onHand: '100', reserved: '100', available: '0' });
    const [row] = await queryRows<{ n: number; q: string }>(
      t.ctx.db,
      sql`select count(*)::int as n, coalesce(sum(l.reserved), 0)::text as q from ledger_reservations r join ledger_reservation_lines l on l.reservation_id = r.id where r.book_id = ${b.bookId} and r.status = 'OPEN'`,
    );
    expect(row).toMatchObject({ n: 100 });
    expect(Number(row!.q)).toBe(100);
    // Every reserved unit can be posted: posting never fails on balance.
    const open = await queryRows<{ id: string }>(
      t.ctx.db,
      sql`select id from ledger_reservations where book_id = ${b.bookId} and status = 'OPEN'`,
    );
    await Promise.all(
      open.map((r) =>
        runCommand(t.ctx, 'test.post', (tx, batch) =>
          postReservation(
            tx,
            t.ctx,
            {
              postingId: uuidv7(),
              reservationId: r.id,
              to: 'mainland',
              document: { type: 'TEST', id: r.id },
              releaseRest: true,
              actor,
            },
            batch,
          ),
        ),
      ),
    );
    expect(await balanceOf(t.ctx.db, b.bookId, itemId)).toEqual({ onHand: '0', reserved: '0', available: '0' });
    expect((await verifyLedger(t.ctx.db)).ok).toBe(true);
  });

  it('the same with every request sent twice (a retry with the same id): each id counts once', async () => {
    const b = await freshBook();
    const itemId = b.itemIds[0]!;
    const ids = Array.from({ length: 200 }, () => uuidv7());
    const results = await Promise.all(
      [...ids, ...ids].map((id) => attempt(b.bookId, itemId, id).then((r) => [id, r] as const)),
    );
    const okIds = new Set(results.filter(([, r]) => r === 'ok').map(([id]) => id));
    expect(okIds.size).toBe(100);
    // A retry of an id that got its reservation gets it again; a retry of one that was short may
    // only succeed if the first attempt failed, and then it is that id's one reservation.
    expect(await balanceOf(t.ctx.db, b.bookId, itemId)).toEqual({ onHand: '100', reserved: '100', available: '0' });
    const [row] = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from ledger_reservations where book_id = ${b.bookId}`,
    );
    expect(row!.n).toBe(100);
    expect((await verifyLedger(t.ctx.db)).ok).toBe(true);
  });
});
