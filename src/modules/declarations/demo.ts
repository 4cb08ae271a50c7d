import type { AppContext } from '../../platform/context.ts';
import { systemActor, type Actor } from '../../platform/auth/roles.ts';
import { fixedClock, shanghaiDate } from '../../kernel/clock.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { Problem } from '../../kernel/problem.ts';
import { addItems, fileDocument, listItemsWithBalances, openBook, type Regime } from '../ledger/service.ts';
import { D } from '../tax/rules.ts';
import { fileCentralized, submitExit } from './service.ts';
import { passDemoGate } from './demoGate.ts';
import type { ExitDeclarationBody } from './wire.ts';

const actor = systemActor('demo-seed');

/** The enterprise's book of a regime: opened here, or the one the ledger's demo already opened. */
async function bookOf(ctx: AppContext, enterpriseId: string, regime: Regime): Promise<string> {
  try {
    return (await openBook(ctx, actor, { enterpriseId, regime })).id;
  } catch (err) {
    const existing = err instanceof Problem ? (err.extra.bookId as string | undefined) : undefined;
    if (!existing) throw err;
    return existing;
  }
}

function form(
  requestId: string,
  bookId: string,
  plate: string,
  gross: string,
  lines: ExitDeclarationBody['lines'],
  extra: Partial<ExitDeclarationBody> = {},
): ExitDeclarationBody {
  return {
    requestId,
    bookId,
    portCode: 'CNHAK-XINHAI',
    destination: { region: 'CN-MAINLAND', province: '广东', city: '湛江' },
    consignee: { name: '湛江港城食品贸易有限公司 Zhanjiang Port City Foods Trading' },
    contact: { name: '王海燕', phone: '0898-66668888' },
    transport: { mode: 'ROAD', plate, containers: [], seals: ['HK2026000001'], expectedGrossWeightKg: gross },
    packages: { count: 40, kind: '箱 cartons' },
    documents: { contractNo: `HT-${requestId}`, invoiceNo: `INV-${requestId}` },
    lines,
    ...extra,
  };
}

/** A context whose clock reads another moment: the batches of last month are seeded on their own days. */
function at(ctx: AppContext, when: Date): AppContext {
  return { ...ctx, clock: fixedClock(when) };
}

/**
 * Demo second-line traffic, seeded after the books:
 * - the jerky maker (海南椰风食品) sells the jerky it made from 356,000 CNY of beef (the ledger's
 *   demo book) to the mainland at the GACC example's price: value added 40.45%, a confirmation
 *   number, no duty, VAT 9% on the imported content;
 * - the logistics company (海口新海物流) sells a zero-tariff yacht to the mainland: duty, consumption
 *   tax and VAT all due;
 * - the white-list equipment maker (洋浦海港装备) lets spare parts leave in batches all last month,
 *   each through the gate, and files the month's centralized declaration: one tax bill.
 */
export async function seedDeclarationsDemo(
  ctx: AppContext,
  ids: { jerky: string; logistics: string; equipment: string },
): Promise<void> {
  const now = ctx.clock.now();
  const today = shanghaiDate(now);

  // 1. 加工增值: the ledger demo's jerky (beef 356,000 CNY → 4,000 kg of jerky) leaves for the mainland at
  // the GACC example's unit price (500,000 CNY for 4,000 kg); 3,000 kg go now, the rest stays for island sales.
  const jerkyBook = await bookOf(ctx, ids.jerky, 'PROCESSING_VALUE_ADDED');
  const items = await listItemsWithBalances(ctx.db, actor, jerkyBook);
  let jerky = items.find((i) => i.hsCode === '1602500090');
  if (!jerky || !new D(jerky.available).gte(3000)) {
    // Without the ledger's demo books: enter the beef and make the jerky here.
    const [beef, made] = await addItems(ctx, actor, jerkyBook, [
      {
        itemNo: 'YF-BEEF-001',
        hsCode: '0202300090',
        name: '冻去骨牛肉 frozen boneless beef',
        specification: '澳洲 AU',
        unit: '千克',
        originCountry: 'AU',
      },
      {
        itemNo: 'YF-JERKY-001',
        hsCode: '1602500090',
        name: '椰香牛肉干 coconut beef jerky',
        specification: '200 g',
        unit: '千克',
        originCountry: 'CN',
      },
    ]);
    await fileDocument(ctx, actor, {
      type: 'FIRST_LINE_IMPORT',
      documentId: uuidv7(),
      bookId: jerkyBook,
      reference: 'YF-IMP-2026-001',
      businessDate: today,
      lines: [{ itemId: beef!.id, quantity: '8000', importedCny: '356000' }],
    });
    await fileDocument(ctx, actor, {
      type: 'PROCESSING',
      documentId: uuidv7(),
      bookId: jerkyBook,
      reference: 'YF-JG-2026-001',
      businessDate: today,
      inputs: [{ itemId: beef!.id, quantity: '8000' }],
      outputs: [{ itemId: made!.id, quantity: '4000' }],
    });
    jerky = (await listItemsWithBalances(ctx.db, actor, jerkyBook)).find((i) => i.id === made!.id)!;
  }
  // 3,000 of 4,000 kg: imported content 267,000.00 CNY, sold for 375,000 CNY → (375,000 − 267,000) ÷ 267,000 = 0.4045.
  await submitExit(
    ctx,
    declarantActor(ids.jerky),
    form('demo-jerky-exit-001', jerkyBook, '琼A·J8801', '3300', [
      {
        itemId: jerky.id,
        quantity: '3000',
        valueCny: '375000',
        netWeightKg: '3000',
        dutyRate: '0.12',
        vatRate: '0.09',
        domesticVatPaid: false,
        description: '牛肉干 beef jerky',
      },
    ]),
  );

  // 2. 零关税货物内销: a zero-tariff yacht sold on to the mainland pays duty, consumption tax and VAT.
  const yachtBook = await bookOf(ctx, ids.logistics, 'ZERO_TARIFF');
  const [yacht] = await addItems(ctx, actor, yachtBook, [
    {
      itemNo: 'XH-YACHT-001',
      hsCode: '8903990090',
      name: '游艇 yacht',
      specification: '12 m',
      unit: '艘',
      originCountry: 'IT',
    },
  ]);
  await fileDocument(ctx, actor, {
    type: 'FIRST_LINE_IMPORT',
    documentId: uuidv7(),
    bookId: yachtBook,
    reference: 'XH-IMP-2026-001',
    businessDate: today,
    lines: [{ itemId: yacht!.id, quantity: '2', importedCny: '2400000' }],
  });
  await submitExit(
    ctx,
    declarantActor(ids.logistics),
    form(
      'demo-yacht-exit-001',
      yachtBook,
      '琼A·X6602',
      '9800',
      [
        {
          itemId: yacht!.id,
          quantity: '1',
          valueCny: '1350000',
          netWeightKg: '9000',
          dutyRate: '0.10',
          consumptionTaxRate: '0.10',
          vatRate: '0.13',
          domesticVatPaid: false,
          description: '游艇 yacht',
        },
      ],
      { consignee: { name: '深圳湾区贸易有限公司 Shenzhen Bay Trading' } },
    ),
  );

  // 3. 分批出岛、集中申报: last month's batches, then the centralized declaration.
  const partsBook = await bookOf(ctx, ids.equipment, 'ZERO_TARIFF');
  const [crane, motor] = await addItems(ctx, actor, partsBook, [
    {
      itemNo: 'YP-PART-001',
      hsCode: '8431490000',
      name: '起重机零件 crane parts',
      specification: '吊臂组件',
      unit: 'KG',
      originCountry: 'DE',
    },
    {
      itemNo: 'YP-MOTOR-001',
      hsCode: '8501520000',
      name: '交流电动机 AC motor',
      specification: '75kW',
      unit: 'SET',
      originCountry: 'JP',
    },
  ]);
  const lastMonth = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 2, 3, 2, 0, 0));
  const early = at(ctx, lastMonth);
  await fileDocument(early, actor, {
    type: 'FIRST_LINE_IMPORT',
    documentId: uuidv7(lastMonth.getTime()),
    bookId: partsBook,
    reference: 'YP-IMP-2026-001',
    businessDate: shanghaiDate(lastMonth),
    lines: [
      { itemId: crane!.id, quantity: '6000', importedCny: '900000' },
      { itemId: motor!.id, quantity: '12', importedCny: '480000' },
    ],
  });
  const batchDays = [5, 14, 26];
  const equipmentActor = declarantActor(ids.equipment);
  for (const [n, day] of batchDays.entries()) {
    const when = new Date(lastMonth.getTime() + (day - 3) * 86_400_000);
    const c = at(ctx, when);
    const batch = await submitExit(
      c,
      equipmentActor,
      form(
        `demo-batch-${shanghaiDate(when)}`,
        partsBook,
        `琼E·Y70${n + 1}`,
        '2600',
        [
          {
            itemId: crane!.id,
            quantity: '1500',
            valueCny: '240000',
            netWeightKg: '1500',
            dutyRate: '0.05',
            vatRate: '0.13',
            domesticVatPaid: false,
          },
          {
            itemId: motor!.id,
            quantity: '2',
            valueCny: '86000',
            netWeightKg: '900',
            dutyRate: '0.10',
            vatRate: '0.13',
            domesticVatPaid: false,
          },
        ],
        { portCode: 'CNYPG-PORT', consignee: { name: '湛江港务机械有限公司 Zhanjiang Port Machinery' } },
      ),
      'BATCH_EXIT',
    );
    await passDemoGate(at(ctx, new Date(when.getTime() + 3 * 3600_000)), batch.id);
  }
  await fileCentralized(ctx, equipmentActor, {
    requestId: `demo-centralized-${shanghaiDate(lastMonth).slice(0, 7)}`,
    period: shanghaiDate(lastMonth).slice(0, 7),
  });
  // And one batch of this month, on its way: declared with this month next month.
  await submitExit(
    ctx,
    equipmentActor,
    form(
      `demo-batch-${today}`,
      partsBook,
      '琼E·Y709',
      '1700',
      [
        {
          itemId: crane!.id,
          quantity: '1000',
          valueCny: '160000',
          netWeightKg: '1000',
          dutyRate: '0.05',
          vatRate: '0.13',
          domesticVatPaid: false,
        },
      ],
      { portCode: 'CNYPG-PORT', consignee: { name: '湛江港务机械有限公司 Zhanjiang Port Machinery' } },
    ),
    'BATCH_EXIT',
  );
}

/** The declaring enterprise's own user, as the portal would call. */
function declarantActor(enterpriseId: string): Actor {
  return { kind: 'system', id: 'demo-seed', name: 'demo-seed', role: 'enterprise_user', enterpriseId };
}
