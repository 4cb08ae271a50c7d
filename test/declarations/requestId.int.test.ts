import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { testDbKind } from '../support/db.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { exitBody } from './helpers.ts';

/**
 * An exit declaration is idempotent by its requestId, also when the copies arrive together: 50
 * identical submissions sent at once (a client retrying on a timeout, a double click in a slow
 * network) all answer with the first one's declaration. On PostgreSQL they run side by side on the
 * pool's connections; before the requestId was looked up again after the book's lock, every copy
 * that had looked before the first committed failed on the unique requestId with a 409.
 */
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe(`exit declarations repeated at once on ${testDbKind()}`, () => {
  it('50 parallel identical exits with one requestId and no Idempotency-Key all return the first result', async () => {
    const z = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        {
          hsCode: '9506310000',
          name: '高尔夫球杆 golf clubs',
          unit: 'SET',
          originCountry: 'US',
          quantity: '500',
          importedCny: '80000',
        },
      ],
    });
    const auth = await t.authFor('enterprise_user', { enterpriseId: z.enterpriseId });
    const body = exitBody(
      z.bookId,
      [
        {
          itemId: z.itemIds[0]!,
          quantity: '10',
          valueCny: '2000',
          netWeightKg: '10',
          dutyRate: '0.10',
          vatRate: '0.13',
        },
      ],
      `parallel-${Date.now()}`,
    );
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => t.request({ method: 'POST', url: '/api/v1/declarations/exits', auth, body })),
    );
    const statuses = answers.map((a) => a.statusCode);
    expect(
      statuses.filter((s) => s !== 201),
      answers.find((a) => a.statusCode !== 201)?.body,
    ).toEqual([]);
    const first = answers[0]!.json();
    for (const a of answers) expect(a.json()).toEqual(first);
    const rows = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from decl_declarations where request_id = ${body.requestId}`,
    );
    expect(Number(rows[0]!.n)).toBe(1);
    // Reserved once: 10 of 500 taken.
    const reserved = await queryRows<{ q: string }>(
      t.ctx.db,
      sql`select coalesce(sum(reserved), 0)::text as q from ledger_accounts where item_id = ${z.itemIds[0]!} and kind = 'stock'`,
    );
    expect(Number(reserved[0]!.q)).toBe(10);
  });
});
