/**
 * Demo data: first-line declarations a user can open — ovens into the port-equipment company's
 * zero-tariff book, Australian beef into the food processor's processing book (bonded), wine of the
 * taxed catalogue paying duty with its bill, beef at the ChAFTA rate on its certificate. Rates come from the
 * sample tariff table, loaded if missing.
 */
import { readFile } from 'node:fs/promises';
import type { AppContext } from '../../platform/context.ts';
import { systemActor, type Actor } from '../../platform/auth/roles.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { listBooks, listItemsWithBalances } from '../ledger/service.ts';
import { importTariff } from '../tariff/service.ts';
import { parseTariffCsv } from '../tariff/service.ts';
import { fileFirstLine } from './service.ts';
import type { FirstLineBody } from './wire.ts';

const trader = (enterpriseId: string, name: string): Actor => ({
  kind: 'user',
  id: name,
  name,
  role: 'enterprise_user',
  enterpriseId,
});

async function bookItem(ctx: AppContext, enterpriseId: string, regime: string, itemNo: string) {
  const books = await listBooks(ctx.db, systemActor('demo-seed'), { enterpriseId });
  const book = books.find((b) => b.regime === regime);
  if (!book) return null;
  const items = await listItemsWithBalances(ctx.db, systemActor('demo-seed'), book.id);
  const item = items.find((i) => i.itemNo === itemNo);
  return item ? { bookId: book.id, itemId: item.id } : null;
}

export async function seedFirstLineDemo(ctx: AppContext, enterpriseId: (key: string) => string): Promise<void> {
  const csv = await readFile(new URL('../tariff/sample/tariff-2025.csv', import.meta.url), 'utf8');
  const parsed = parseTariffCsv(csv);
  await importTariff(
    ctx,
    systemActor('demo-seed'),
    parsed.rows.map((r) => r.row),
    { source: 'sample 2025 schedule' },
  );

  const jerky = trader(enterpriseId('jerky'), 'demo-ent');
  const equipment = trader(enterpriseId('equipment'), 'demo-batch');
  const base = { direction: 'IMPORT' as const, port: 'CNYPG-PORT', transportMode: 'SEA' as const };
  const file = (actor: Actor, body: Omit<FirstLineBody, 'requestId'>) =>
    fileFirstLine(ctx, actor, { requestId: uuidv7(ctx.clock.now().getTime()), ...body });

  const oven = await bookItem(ctx, equipment.enterpriseId!, 'ZERO_TARIFF', 'OVEN-DE-01');
  if (oven) {
    await file(equipment, {
      ...base,
      counterpartCountry: 'DE',
      foreignParty: 'Rheinland Ofenbau GmbH',
      bookId: oven.bookId,
      lines: [
        {
          kind: 'BOOK',
          itemId: oven.itemId,
          description: '工业烤炉 industrial ovens',
          quantity: '2',
          netWeightKg: '1800',
          valueCny: '420000',
        },
      ],
    });
  }
  const beef = await bookItem(ctx, jerky.enterpriseId!, 'PROCESSING_VALUE_ADDED', 'BEEF-AU-01');
  if (beef) {
    await file(jerky, {
      ...base,
      port: 'CNHAK-PORT',
      counterpartCountry: 'AU',
      foreignParty: 'Queensland Prime Meats Pty Ltd',
      bookId: beef.bookId,
      lines: [
        {
          kind: 'BOOK',
          itemId: beef.itemId,
          description: '冻去骨牛肉 frozen boneless beef',
          quantity: '2000',
          netWeightKg: '2000',
          valueCny: '120000',
        },
      ],
    });
  }
  await file(jerky, {
    ...base,
    port: 'CNHAK-MEILAN',
    transportMode: 'AIR',
    counterpartCountry: 'FR',
    foreignParty: 'Maison Bordelaise SARL',
    lines: [
      {
        kind: 'TAXED',
        hsCode: '2204210000',
        description: '瓶装葡萄酒 bottled wine (taxed catalogue)',
        quantity: '600',
        unit: 'L',
        netWeightKg: '800',
        valueCny: '48000',
        originCountry: 'FR',
      },
    ],
  });
  await file(jerky, {
    ...base,
    port: 'CNHAK-PORT',
    counterpartCountry: 'AU',
    foreignParty: 'Queensland Prime Meats Pty Ltd',
    lines: [
      {
        kind: 'TAXED',
        hsCode: '0202300090',
        description: '冻去骨牛肉 frozen boneless beef for the staff canteen',
        quantity: '500',
        unit: 'KG',
        netWeightKg: '500',
        valueCny: '30000',
        originCountry: 'AU',
        certificateNumber: 'CO-AU-2026-0001',
      },
    ],
  });
}
