/**
 * Ledger fixtures for any module's tests: a qualified enterprise with a book of goods whose stock was
 * entered by a real first-line import document (so cost basis and first entry date are real).
 */
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../src/platform/context.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { Problem } from '../../src/kernel/problem.ts';
import { shanghaiDate } from '../../src/kernel/clock.ts';
import { usccCheckChar, USCC_CHARSET } from '../../src/kernel/uscc.ts';
import {
  createEnterprise,
  findEnterpriseById,
  grantQualification,
  activeQualifications,
  goodsCategoryOf,
  zeroTariffScope,
} from '../../src/modules/subjects/service.ts';
import { addItems, fileDocument, openBook, type Regime } from '../../src/modules/ledger/service.ts';

const QUALIFICATION: Record<
  Regime,
  { kind: 'ZERO_TARIFF_BENEFICIARY' | 'PROCESSING_VALUE_ADDED' | 'RELAXED_TRADE_END_USER'; goodsCategory: string }
> = {
  ZERO_TARIFF: { kind: 'ZERO_TARIFF_BENEFICIARY', goodsCategory: 'RAW_AND_AUXILIARY_MATERIALS' },
  PROCESSING_VALUE_ADDED: { kind: 'PROCESSING_VALUE_ADDED', goodsCategory: '' },
  RELAXED_TRADE: { kind: 'RELAXED_TRADE_END_USER', goodsCategory: '' },
};

/** A fresh valid USCC of a Hainan-registered company (46…). */
export function randomUscc(): string {
  const body = Array.from(randomBytes(8), (b) => USCC_CHARSET[b % USCC_CHARSET.length]).join('');
  const first17 = `914601009${body}`.slice(0, 17);
  return first17 + usccCheckChar(first17);
}

export interface BookWithGoodsItem {
  hsCode: string;
  name: string;
  unit: string;
  originCountry: string;
  quantity: string;
  importedCny: string;
  domesticCny?: string;
  hainanMadeCny?: string;
  specification?: string;
}

export async function bookWithGoods(
  ctx: AppContext,
  opts: { regime: Regime; enterpriseId?: string; entryDate?: string; items: BookWithGoodsItem[] },
): Promise<{ enterpriseId: string; uscc: string; bookId: string; itemIds: string[]; documentId: string }> {
  const actor = systemActor('test-fixture');
  const today = shanghaiDate(ctx.clock.now());
  const entryDate = opts.entryDate ?? today;
  const validFrom = entryDate < '2025-12-18' ? entryDate : '2025-12-18';
  let enterpriseId = opts.enterpriseId;
  let uscc: string;
  if (!enterpriseId) {
    uscc = randomUscc();
    const e = await createEnterprise(ctx, actor, {
      uscc,
      name: `测试企业 Test enterprise ${uscc.slice(-6)}`,
      registeredInHainan: true,
      legalForm: 'INDEPENDENT_LEGAL_PERSON',
      industry: 'test',
      encouragedIndustry: true,
    });
    enterpriseId = e.id;
  } else {
    const e = await findEnterpriseById(ctx.db, enterpriseId);
    if (!e) throw new Error(`bookWithGoods: enterprise ${enterpriseId} is not registered`);
    uscc = e.uscc;
  }
  const q = QUALIFICATION[opts.regime];
  const held = await activeQualifications(ctx.db, enterpriseId, entryDate);
  if (!held.some((h) => h.kind === q.kind))
    await grantQualification(ctx, actor, uscc, {
      kind: q.kind,
      goodsCategory: q.goodsCategory,
      validFrom,
      validTo: null,
    });
  if (opts.regime === 'ZERO_TARIFF') {
    // A beneficiary takes in zero-tariff only the kinds of goods it holds: grant those the items are.
    const scope = await zeroTariffScope(ctx.db, enterpriseId, entryDate);
    const kinds = new Set(opts.items.flatMap((it) => goodsCategoryOf(it.hsCode, scope.map) ?? []));
    for (const kind of kinds) {
      if (scope.categories.includes(kind)) continue;
      await grantQualification(ctx, actor, uscc, {
        kind: 'ZERO_TARIFF_BENEFICIARY',
        goodsCategory: kind,
        validFrom,
        validTo: null,
      });
    }
  }
  // An enterprise keeps one book per regime: a second call for the same enterprise adds to it.
  const book = await openBook(ctx, actor, { enterpriseId, regime: opts.regime }).catch((err: unknown) => {
    const existing = err instanceof Problem ? (err.extra.bookId as string | undefined) : undefined;
    if (!existing) throw err;
    return { id: existing };
  });
  const documentSeed = randomBytes(3).toString('hex').toUpperCase();
  const items = await addItems(
    ctx,
    actor,
    book.id,
    opts.items.map((it, i) => ({
      itemNo: `T${documentSeed}-${String(i + 1).padStart(4, '0')}`,
      hsCode: it.hsCode,
      name: it.name,
      specification: it.specification ?? '',
      unit: it.unit,
      originCountry: it.originCountry,
    })),
  );
  const documentId = uuidv7(ctx.clock.now().getTime());
  await fileDocument(ctx, actor, {
    type: 'FIRST_LINE_IMPORT',
    documentId,
    bookId: book.id,
    reference: `FIXTURE-${documentId.slice(0, 8)}`,
    businessDate: entryDate,
    lines: opts.items.map((it, i) => ({
      itemId: items[i]!.id,
      quantity: it.quantity,
      importedCny: it.importedCny,
      ...(it.domesticCny ? { domesticCny: it.domesticCny } : {}),
      ...(it.hainanMadeCny ? { hainanMadeCny: it.hainanMadeCny } : {}),
    })),
  });
  return { enterpriseId, uscc, bookId: book.id, itemIds: items.map((i) => i.id), documentId };
}
