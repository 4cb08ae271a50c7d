/** Gate test helpers: a book with goods, a reservation over it and a release order, all through the real services. */
import { containerCheckDigit } from '../../src/kernel/iso6346.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { runCommand } from '../../src/platform/command.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import type { AppContext } from '../../src/platform/context.ts';
import { reserveGoods } from '../../src/modules/ledger/service.ts';
import { issueReleaseOrder, type IssueReleaseOrderInput } from '../../src/modules/gate/service.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';

let serial = 100000 + Math.floor(Math.random() * 800000);

/** A fresh valid ISO 6346 container number. */
export function container(owner = 'CSQ'): string {
  const first10 = `${owner}U${String(serial++).padStart(6, '0')}`;
  return first10 + containerCheckDigit(first10);
}

let plates = Math.floor(Math.random() * 80000);
export function plate(): string {
  return `琼A${String(10000 + (plates++ % 89999))}`;
}

export async function goods(ctx: AppContext, quantity = '100') {
  return bookWithGoods(ctx, {
    regime: 'ZERO_TARIFF',
    entryDate: '2026-06-01',
    items: [
      {
        hsCode: '0202300090',
        name: '冻牛肉 frozen beef',
        unit: '千克',
        originCountry: 'AU',
        quantity,
        importedCny: '356000',
      },
    ],
  });
}

export async function reserve(
  ctx: AppContext,
  book: { bookId: string; itemIds: string[] },
  quantity: string,
  documentId: string,
) {
  return runCommand(ctx, 'ledger.reserve', (tx, batch) =>
    reserveGoods(
      tx,
      ctx,
      {
        reservationId: uuidv7(),
        bookId: book.bookId,
        lines: [{ itemId: book.itemIds[0]!, quantity }],
        purpose: { documentType: 'SECOND_LINE_EXIT', documentId },
        actor: systemActor('test'),
      },
      batch,
    ),
  );
}

/** Book, reservation and an open release order at Xinhai, valid for a day around the clock's now. */
export async function orderWithGoods(
  ctx: AppContext,
  o: Partial<IssueReleaseOrderInput> & { quantity?: string; reserveQuantity?: string } = {},
) {
  const book = await goods(ctx, o.quantity ?? '100');
  const documentId = o.documentId ?? uuidv7();
  const res = await reserve(ctx, book, o.reserveQuantity ?? '40', documentId);
  const now = ctx.clock.now();
  const input: IssueReleaseOrderInput = {
    releaseOrderId: uuidv7(),
    enterpriseId: book.enterpriseId,
    documentType: 'SECOND_LINE_EXIT',
    documentId,
    portCode: 'CNHAK-XINHAI',
    plate: plate(),
    containers: [container()],
    seals: ['HN2026-000123'],
    expectedGrossWeightKg: '25000',
    validFrom: new Date(now.getTime() - 3600_000),
    validTo: new Date(now.getTime() + 86_400_000),
    reservationIds: [res.id],
    actor: systemActor('test'),
    ...o,
  };
  const order = await runCommand(ctx, 'gate.releaseOrder.issue', (tx) => issueReleaseOrder(tx, ctx, input));
  return { book, reservation: res, order, input };
}
