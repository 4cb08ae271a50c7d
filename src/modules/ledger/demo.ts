/**
 * Demo books: a jerky maker (加工增值) importing zero-tariff Australian beef and making jerky — the
 * figures of the GACC example: 356,000 CNY of imported beef, jerky sold for 500,000 CNY, value
 * added (500,000 − 356,000) ÷ 356,000 = 0.4045 — a zero-tariff equipment importer, and island
 * transfers between them (tax-free to a beneficiary, taxed to a relaxed-trade trader).
 */
import type { AppContext } from '../../platform/context.ts';
import { systemActor } from '../../platform/auth/roles.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { addItems, fileDocument, openBook } from './service.ts';

export async function seedLedgerDemo(ctx: AppContext, enterpriseId: (key: string) => string): Promise<void> {
  const actor = systemActor('demo-seed');
  const file = (input: Parameters<typeof fileDocument>[2]) => fileDocument(ctx, actor, input);
  const id = () => uuidv7(ctx.clock.now().getTime());

  // The jerky maker's processing book: beef in, jerky out, the cost basis carried.
  const processing = await openBook(ctx, actor, {
    enterpriseId: enterpriseId('jerky'),
    regime: 'PROCESSING_VALUE_ADDED',
  });
  const [beef, jerky, spice] = await addItems(ctx, actor, processing.id, [
    {
      itemNo: 'BEEF-AU-01',
      hsCode: '0202300090',
      name: '冻去骨牛肉 frozen boneless beef',
      specification: '澳大利亚谷饲 grain-fed, 27 kg cartons',
      unit: '千克',
      originCountry: 'AU',
    },
    {
      itemNo: 'JERKY-200G',
      hsCode: '1602500090',
      name: '牛肉干 beef jerky',
      specification: '200 g bags',
      unit: '千克',
      originCountry: 'CN',
    },
    {
      itemNo: 'SPICE-MIX',
      hsCode: '0910991000',
      name: '复合香辛料 spice mix',
      specification: '',
      unit: '千克',
      originCountry: 'CN',
    },
  ]);
  await file({
    type: 'FIRST_LINE_IMPORT',
    documentId: id(),
    bookId: processing.id,
    reference: 'HK2026-BEEF-0001',
    lines: [{ itemId: beef!.id, quantity: '8000', importedCny: '356000.00' }],
  });
  await file({
    type: 'PROCESSING',
    documentId: id(),
    bookId: processing.id,
    reference: 'JG-2026-0001',
    inputs: [{ itemId: beef!.id, quantity: '8000' }],
    outputs: [{ itemId: jerky!.id, quantity: '4000' }],
  });
  void spice;

  // The equipment importer's zero-tariff book.
  const equipment = await openBook(ctx, actor, { enterpriseId: enterpriseId('equipment'), regime: 'ZERO_TARIFF' });
  const [oven, forklift] = await addItems(ctx, actor, equipment.id, [
    {
      itemNo: 'OVEN-DE-01',
      hsCode: '8419810000',
      name: '烟熏烤炉 smoking oven',
      specification: 'industrial, 2 t/day',
      unit: '台',
      originCountry: 'DE',
    },
    {
      itemNo: 'FORK-JP-01',
      hsCode: '8427201000',
      name: '叉车 forklift truck',
      specification: '3 t diesel',
      unit: '台',
      originCountry: 'JP',
    },
  ]);
  await file({
    type: 'FIRST_LINE_IMPORT',
    documentId: id(),
    bookId: equipment.id,
    reference: 'YP2026-EQP-0001',
    lines: [
      { itemId: oven!.id, quantity: '3', importedCny: '1260000.00' },
      { itemId: forklift!.id, quantity: '5', importedCny: '900000.00' },
    ],
  });

  // The jerky maker's zero-tariff book receives a smoking oven from the importer: between beneficiaries, tax-free.
  const jerkyZt = await openBook(ctx, actor, { enterpriseId: enterpriseId('jerky'), regime: 'ZERO_TARIFF' });
  const [jerkyOven] = await addItems(ctx, actor, jerkyZt.id, [
    {
      itemNo: 'EQ-OVEN-01',
      hsCode: '8419810000',
      name: '烟熏烤炉 smoking oven',
      specification: 'industrial, 2 t/day',
      unit: '台',
      originCountry: 'DE',
    },
  ]);
  await file({
    type: 'ISLAND_TRANSFER',
    documentId: id(),
    bookId: equipment.id,
    reference: 'LZ-2026-0001',
    toEnterpriseId: enterpriseId('jerky'),
    toBookId: jerkyZt.id,
    lines: [{ itemId: oven!.id, quantity: '1', toItemId: jerkyOven!.id }],
  });
  // A forklift sold to a trader who is not a beneficiary: the import taxes become due.
  await file({
    type: 'ISLAND_TRANSFER',
    documentId: id(),
    bookId: equipment.id,
    reference: 'LZ-2026-0002',
    toEnterpriseId: enterpriseId('cosmetics'),
    lines: [{ itemId: forklift!.id, quantity: '1', dutyRate: '0.05', vatRate: '0.13' }],
  });
  // A stock-take shortage of beef-jerky bags, waiting for an auditor.
  await file({
    type: 'ADJUSTMENT',
    documentId: id(),
    bookId: processing.id,
    reason: '盘亏 stock-take shortage: 12 kg of damaged bags',
    lines: [{ itemId: jerky!.id, delta: '-12' }],
  });
}
