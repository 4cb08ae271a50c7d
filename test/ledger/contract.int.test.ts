import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { runCommand } from '../../src/platform/command.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { Problem } from '../../src/kernel/problem.ts';
import {
  balanceOf,
  costBasisOf,
  expireReservations,
  getBook,
  getItem,
  getReservation,
  postReservation,
  reserveGoods,
  verifyLedger,
  voidReservation,
  type GoodsLine,
} from '../../src/modules/ledger/service.ts';

let t: TestApp;
const actor = systemActor('test');
let book: Awaited<ReturnType<typeof bookWithGoods>>;

const reserve = (lines: GoodsLine[], opts: { reservationId?: string; expiresAt?: Date; bookId?: string } = {}) =>
  runCommand(t.ctx, 'test.reserve', (tx, batch) =>
    reserveGoods(
      tx,
      t.ctx,
      {
        reservationId: opts.reservationId ?? uuidv7(),
        bookId: opts.bookId ?? book.bookId,
        lines,
        purpose: { documentType: 'SECOND_LINE_EXIT', documentId: 'D-1' },
        ...(opts.expiresAt ? { expiresAt: opts.expiresAt } : {}),
        actor,
      },
      batch,
    ),
  );
const post = (reservationId: string, extra: { lines?: GoodsLine[]; releaseRest?: boolean; postingId?: string } = {}) =>
  runCommand(t.ctx, 'test.post', (tx, batch) =>
    postReservation(
      tx,
      t.ctx,
      {
        postingId: extra.postingId ?? uuidv7(),
        reservationId,
        to: 'mainland',
        document: { type: 'RELEASE_ORDER', id: 'RO-1' },
        releaseRest: extra.releaseRest ?? false,
        ...(extra.lines ? { lines: extra.lines } : {}),
        actor,
      },
      batch,
    ),
  );

async function problemOf(p: Promise<unknown>): Promise<Problem> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Problem) return err;
    throw err;
  }
  throw new Error('expected a problem');
}

const count = async (table: string) =>
  Number((await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from ${sql.raw(table)}`))[0]!.n);

beforeAll(async () => {
  t = await startTestApp();
  book = await bookWithGoods(t.ctx, {
    regime: 'ZERO_TARIFF',
    entryDate: '2026-11-02',
    items: [
      {
        hsCode: '8429520000',
        name: '挖掘机 excavator',
        unit: '台',
        originCountry: 'JP',
        quantity: '10',
        importedCny: '3500000',
      },
      {
        hsCode: '0202300090',
        name: '冻去骨牛肉 frozen boneless beef',
        unit: '千克',
        originCountry: 'AU',
        quantity: '100',
        importedCny: '7000.00',
        domesticCny: '300',
      },
    ],
  });
});
afterAll(async () => {
  await t?.close();
});

describe('the ledger contract: reads', () => {
  it('the fixture opened a book of the regime and entered the goods by a first-line import', async () => {
    expect(await getBook(t.ctx.db, book.bookId)).toMatchObject({
      id: book.bookId,
      enterpriseId: book.enterpriseId,
      regime: 'ZERO_TARIFF',
      status: 'ACTIVE',
    });
    expect(await getItem(t.ctx.db, book.itemIds[1]!)).toMatchObject({
      bookId: book.bookId,
      hsCode: '0202300090',
      unit: '千克',
      originCountry: 'AU',
    });
    expect(await balanceOf(t.ctx.db, book.bookId, book.itemIds[1]!)).toEqual({
      onHand: '100',
      reserved: '0',
      available: '100',
    });
    expect(await getBook(t.ctx.db, uuidv7())).toBeNull();
  });

  it('cost basis at moving average, with the first entry date', async () => {
    expect(await costBasisOf(t.ctx.db, { bookId: book.bookId, itemId: book.itemIds[1]!, quantity: '30' })).toEqual({
      quantity: '30',
      importedCny: '2100.00',
      domesticCny: '90.00',
      hainanMadeCny: '0.00',
      firstEntryDate: '2026-11-02',
    });
    const p = await problemOf(
      costBasisOf(t.ctx.db, { bookId: book.bookId, itemId: book.itemIds[1]!, quantity: '101' }),
    );
    expect(p.errors?.[0]).toMatchObject({ path: 'quantity', rule: 'ledger.costBasisExceedsOnHand' });
  });
});

describe('two-phase reservations', () => {
  it('reserve, then the same id and content again returns the stored reservation; other content is a 409', async () => {
    const id = uuidv7();
    const r = await reserve([{ itemId: book.itemIds[1]!, quantity: '40' }], { reservationId: id });
    expect(r).toMatchObject({
      id,
      status: 'OPEN',
      lines: [{ itemId: book.itemIds[1], reserved: '40', posted: '0', released: '0' }],
    });
    expect(await balanceOf(t.ctx.db, book.bookId, book.itemIds[1]!)).toEqual({
      onHand: '100',
      reserved: '40',
      available: '60',
    });
    const again = await reserve([{ itemId: book.itemIds[1]!, quantity: '40' }], { reservationId: id });
    expect(again).toEqual(r);
    const conflict = await problemOf(reserve([{ itemId: book.itemIds[1]!, quantity: '41' }], { reservationId: id }));
    expect(conflict.status).toBe(409);
    expect(conflict.errors?.[0]).toMatchObject({ path: 'reservationId', rule: 'ledger.idempotencyConflict' });
    expect(await balanceOf(t.ctx.db, book.bookId, book.itemIds[1]!)).toMatchObject({ reserved: '40' });
    await runCommand(t.ctx, 'v', (tx, batch) =>
      voidReservation(tx, t.ctx, { reservationId: id, reason: 'test', actor }, batch),
    );
  });

  it('a shortfall names the first failing line and writes nothing', async () => {
    const before = await count('ledger_reservations');
    const p = await problemOf(
      reserve([
        { itemId: book.itemIds[0]!, quantity: '2' },
        { itemId: book.itemIds[1]!, quantity: '60' },
        { itemId: book.itemIds[1]!, quantity: '41' },
      ]),
    );
    expect(p.status).toBe(400);
    expect(p.errors).toEqual([
      expect.objectContaining({ path: 'lines[2].quantity', rule: 'ledger.insufficientAvailable' }),
    ]);
    expect(await count('ledger_reservations')).toBe(before);
    expect(await balanceOf(t.ctx.db, book.bookId, book.itemIds[0]!)).toMatchObject({ reserved: '0' });
  });

  it('a partial post with releaseRest moves the posted part to the mainland at average cost and releases the rest', async () => {
    const r = await reserve([{ itemId: book.itemIds[1]!, quantity: '50' }]);
    const postingId = uuidv7();
    const res = await post(r.id, {
      postingId,
      lines: [{ itemId: book.itemIds[1]!, quantity: '20' }],
      releaseRest: true,
    });
    expect(res.reservation).toMatchObject({
      status: 'POSTED',
      lines: [{ reserved: '50', posted: '20', released: '30' }],
    });
    expect(res.movementIds).toHaveLength(1);
    expect(await balanceOf(t.ctx.db, book.bookId, book.itemIds[1]!)).toEqual({
      onHand: '80',
      reserved: '0',
      available: '80',
    });
    const [m] = await queryRows<{
      from_kind: string;
      to_kind: string;
      quantity: string;
      imported_cny: string;
      domestic_cny: string;
      audit_seq: string;
    }>(
      t.ctx.db,
      sql`select from_kind, to_kind, quantity::text, imported_cny::text, domestic_cny::text, audit_seq::text from ledger_movements where id = ${res.movementIds[0]}`,
    );
    expect(m).toMatchObject({
      from_kind: 'stock',
      to_kind: 'mainland',
      imported_cny: '1400.00',
      domestic_cny: '60.00',
    });
    expect(Number(m!.audit_seq)).toBeGreaterThan(0);
    // Same posting again: the stored result, nothing moves twice.
    const again = await post(r.id, {
      postingId,
      lines: [{ itemId: book.itemIds[1]!, quantity: '20' }],
      releaseRest: true,
    });
    expect(again.movementIds).toEqual(res.movementIds);
    expect(await balanceOf(t.ctx.db, book.bookId, book.itemIds[1]!)).toMatchObject({ onHand: '80' });
    const other = await problemOf(
      post(r.id, { postingId, lines: [{ itemId: book.itemIds[1]!, quantity: '21' }], releaseRest: true }),
    );
    expect(other.status).toBe(409);
    // The reservation is now fully posted: a new posting fails, naming the rule.
    const closed = await problemOf(post(r.id));
    expect(closed.errors?.[0]).toMatchObject({ path: 'reservationId', rule: 'ledger.reservationNotOpen' });
  });

  it('posting more than remains reserved is refused; partial posts without release keep it open', async () => {
    const r = await reserve([{ itemId: book.itemIds[0]!, quantity: '3' }]);
    const over = await problemOf(post(r.id, { lines: [{ itemId: book.itemIds[0]!, quantity: '4' }] }));
    expect(over.errors?.[0]).toMatchObject({ path: 'lines[0].quantity', rule: 'ledger.postExceedsReserved' });
    const first = await post(r.id, { lines: [{ itemId: book.itemIds[0]!, quantity: '1' }] });
    expect(first.reservation).toMatchObject({ status: 'OPEN', lines: [{ reserved: '3', posted: '1', released: '0' }] });
    const rest = await post(r.id);
    expect(rest.reservation).toMatchObject({
      status: 'POSTED',
      lines: [{ reserved: '3', posted: '3', released: '0' }],
    });
    expect(await balanceOf(t.ctx.db, book.bookId, book.itemIds[0]!)).toEqual({
      onHand: '7',
      reserved: '0',
      available: '7',
    });
    expect(await costBasisOf(t.ctx.db, { bookId: book.bookId, itemId: book.itemIds[0]!, quantity: '7' })).toMatchObject(
      { importedCny: '2450000.00' },
    );
  });

  it('void releases and is idempotent; a posted reservation cannot be voided', async () => {
    const r = await reserve([{ itemId: book.itemIds[0]!, quantity: '2' }]);
    const v = await runCommand(t.ctx, 'v', (tx, batch) =>
      voidReservation(tx, t.ctx, { reservationId: r.id, reason: 'declaration cancelled', actor }, batch),
    );
    expect(v).toMatchObject({ status: 'VOID', lines: [{ reserved: '2', released: '2' }] });
    const again = await runCommand(t.ctx, 'v', (tx, batch) =>
      voidReservation(tx, t.ctx, { reservationId: r.id, reason: 'again', actor }, batch),
    );
    expect(again.status).toBe('VOID');
    expect(await balanceOf(t.ctx.db, book.bookId, book.itemIds[0]!)).toMatchObject({ reserved: '0' });
    const posted = await reserve([{ itemId: book.itemIds[0]!, quantity: '1' }]);
    await post(posted.id);
    const p = await problemOf(
      runCommand(t.ctx, 'v', (tx, batch) =>
        voidReservation(tx, t.ctx, { reservationId: posted.id, reason: 'x', actor }, batch),
      ),
    );
    expect(p.errors?.[0]).toMatchObject({ rule: 'ledger.reservationNotOpen' });
  });

  it('expiry after the parameter time releases the quantity; an expired reservation cannot be posted', async () => {
    const r = await reserve([{ itemId: book.itemIds[1]!, quantity: '5' }]);
    expect(r.expiresAt.getTime() - t.clock.now().getTime()).toBe(72 * 3600_000);
    const soon = await reserve([{ itemId: book.itemIds[1]!, quantity: '1' }], {
      expiresAt: new Date(t.clock.now().getTime() + 3600_000),
    });
    t.clock.advance(2 * 3600_000);
    const early = await problemOf(post(soon.id));
    expect(early.errors?.[0]).toMatchObject({ rule: 'ledger.reservationNotOpen' });
    expect(await expireReservations(t.ctx)).toEqual({ expired: 1 });
    expect((await getReservation(t.ctx.db, soon.id))!.status).toBe('EXPIRED');
    // Voiding it afterwards (a declaration cancelled late) changes nothing and does not fail.
    const voided = await runCommand(t.ctx, 'v', (tx, batch) =>
      voidReservation(tx, t.ctx, { reservationId: soon.id, reason: 'cancelled', actor }, batch),
    );
    expect(voided).toMatchObject({ status: 'EXPIRED', lines: [{ reserved: '1', released: '1' }] });
    expect((await getReservation(t.ctx.db, r.id))!.status).toBe('OPEN');
    t.clock.advance(72 * 3600_000);
    expect(await expireReservations(t.ctx)).toEqual({ expired: 1 });
    expect(await balanceOf(t.ctx.db, book.bookId, book.itemIds[1]!)).toMatchObject({ reserved: '0' });
  });

  it('every command emitted its event with the book and enterprise, and the verifier finds the book clean', async () => {
    const events = await queryRows<{
      event_type: string;
      payload: { enterpriseId: string; bookId: string; reservationId: string; purpose: unknown; lines: unknown[] };
    }>(
      t.ctx.db,
      sql`select event_type, payload from outbox_events where aggregate_type = 'ledger' and event_type in ('GoodsReserved', 'ReservationPosted', 'ReservationVoided', 'ReservationExpired')`,
    );
    expect(new Set(events.map((e) => e.event_type))).toEqual(
      new Set(['GoodsReserved', 'ReservationPosted', 'ReservationVoided', 'ReservationExpired']),
    );
    for (const e of events)
      expect(e.payload).toMatchObject({
        enterpriseId: book.enterpriseId,
        bookId: book.bookId,
        purpose: { documentType: 'SECOND_LINE_EXIT', documentId: 'D-1' },
      });
    const v = await verifyLedger(t.ctx.db);
    expect(v.firstProblem).toBeNull();
    expect(v.ok).toBe(true);
  });

  it('movements and postings are append-only below the application', async () => {
    await expect(t.ctx.db.execute(sql`update ledger_movements set quantity = 1`)).rejects.toThrow();
    await expect(t.ctx.db.execute(sql`delete from ledger_postings`)).rejects.toThrow();
    await expect(t.ctx.db.execute(sql`update ledger_accounts set on_hand = -1 where kind = 'stock'`)).rejects.toThrow();
    await expect(
      t.ctx.db.execute(sql`update ledger_accounts set reserved = on_hand + 1 where kind = 'stock'`),
    ).rejects.toThrow();
  });
});
