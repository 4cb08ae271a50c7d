import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createContext } from '../src/main.ts';
import { bootstrap } from '../src/platform/bootstrap.ts';
import type { AppContext } from '../src/platform/context.ts';
import { systemActor } from '../src/platform/auth/roles.ts';
import { uuidv7 } from '../src/kernel/ids.ts';
import { usccCheckChar } from '../src/kernel/uscc.ts';
import { createEnterprise, grantQualification } from '../src/modules/subjects/service.ts';
import { addItems, fileDocument, openBook, verifyLedger } from '../src/modules/ledger/service.ts';
import { closedLoop, pgbenchTps, type LoadResult, withScratchDatabase } from './harness.ts';

/**
 * The account book's throughput (issue 4): first-line import documents per second with 1 and 20
 * lines, and movements per second through batching (200-line documents), through the service with
 * its full transaction (book lock, line planning, movements, balance deltas, invariant assertion,
 * audit entry, outbox event). Each worker files on its own enterprise's book (one book is the unit
 * of serialisation), on PGlite and on PostgreSQL beside pgbench TPC-B in the same run.
 */
const actor = systemActor('bench');

export interface Fixture {
  bookId: string;
  itemIds: string[];
}

export async function fixtures(ctx: AppContext, books: number, itemsPerBook: number): Promise<Fixture[]> {
  const out: Fixture[] = [];
  for (let b = 0; b < books; b++) {
    const first17 = `91460100BENCH${String(b).padStart(4, '0')}`.slice(0, 17).replace(/[IOZSV]/g, '1');
    const uscc = first17 + usccCheckChar(first17);
    const e = await createEnterprise(ctx, actor, {
      uscc,
      name: `基准企业 ${b}`,
      registeredInHainan: true,
      legalForm: 'INDEPENDENT_LEGAL_PERSON',
      industry: 'bench',
      encouragedIndustry: true,
    });
    await grantQualification(ctx, actor, uscc, {
      kind: 'ZERO_TARIFF_BENEFICIARY',
      goodsCategory: 'PRODUCTION_EQUIPMENT',
      validFrom: '2025-12-18',
      validTo: null,
    });
    const book = await openBook(ctx, actor, { enterpriseId: e.id, regime: 'ZERO_TARIFF' });
    const items = await addItems(
      ctx,
      actor,
      book.id,
      Array.from({ length: itemsPerBook }, (_, i) => ({
        itemNo: `B${i}`,
        hsCode: '8479899990',
        name: `设备 ${i}`,
        unit: '台',
        originCountry: 'DE',
      })),
    );
    out.push({ bookId: book.id, itemIds: items.map((i) => i.id) });
  }
  return out;
}

async function documents(
  ctx: AppContext,
  label: string,
  books: Fixture[],
  lines: number,
  total: number,
): Promise<LoadResult> {
  return closedLoop(label, total, books.length, async (i) => {
    // closedLoop hands out request numbers in order: consecutive numbers go to different books.
    const f = books[i % books.length]!;
    await fileDocument(ctx, actor, {
      type: 'FIRST_LINE_IMPORT',
      documentId: uuidv7(),
      bookId: f.bookId,
      lines: Array.from({ length: lines }, (_, k) => ({
        itemId: f.itemIds[k % f.itemIds.length]!,
        quantity: '1',
        importedCny: '1000.00',
      })),
    });
    return true;
  });
}

interface Figures {
  single: LoadResult;
  twenty: LoadResult;
  batch: LoadResult;
  batchLines: number;
}

async function runOn(ctx: AppContext, db: string, quick: boolean): Promise<Figures> {
  const concurrency = 16;
  const books = await fixtures(ctx, concurrency, 200);
  const n = quick ? 1 : 4;
  await documents(ctx, `warm-up, ${db}`, books, 1, 200);
  const single = await documents(ctx, `1-line documents, ${db}`, books, 1, 1000 * n);
  const twenty = await documents(ctx, `20-line documents, ${db}`, books, 20, 300 * n);
  const batchLines = 200;
  const batch = await documents(ctx, `200-line documents, ${db}`, books, batchLines, 40 * n);
  const v = await verifyLedger(ctx.db);
  if (!v.ok) throw new Error(`the verifier found a problem after the benchmark: ${v.firstProblem}`);
  return { single, twenty, batch, batchLines };
}

const fmt = (r: LoadResult, movementsPerDoc: number) =>
  `${r.perSecond.toFixed(0)} documents/s = ${(r.perSecond * movementsPerDoc).toFixed(0)} movements/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms (${r.requests} documents, ${r.errors} errors)`;

function report(lines: string[], db: string, f: Figures, tps: number | null): void {
  lines.push(`ledger first-line import, 1 line, ${db}, 16 books in parallel: ${fmt(f.single, 1)}`);
  lines.push(`ledger first-line import, 20 lines, ${db}, 16 books in parallel: ${fmt(f.twenty, 20)}`);
  lines.push(
    `ledger first-line import, ${f.batchLines} lines (batched movements), ${db}, 16 books in parallel: ${fmt(f.batch, f.batchLines)}`,
  );
  if (tps) {
    lines.push(
      `ratio to pgbench (${tps.toFixed(0)} tps): 1-line documents/s ${(f.single.perSecond / tps).toFixed(3)} (goal ≥ 0.5), 20-line documents/s ${(f.twenty.perSecond / tps).toFixed(3)}, movements/s batched ${((f.batch.perSecond * f.batchLines) / tps).toFixed(2)} (goal > 1)`,
    );
  }
}

export async function benchLedger(opts: {
  quick: boolean;
  databaseUrl: string;
  pgbenchTps?: number | null;
}): Promise<string[]> {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' });
  const dataDir = mkdtempSync(join(tmpdir(), 'tidegate-bench-ledger-'));
  const pgliteCtx = await createContext({
    dataDir,
    databaseUrl: '',
    logger,
    adminPassword: 'bench-admin-password',
    natsUrl: '',
  });
  try {
    await bootstrap(pgliteCtx, 'bench-admin-password');
    report(lines, 'PGlite', await runOn(pgliteCtx, 'PGlite', opts.quick), null);
  } finally {
    await pgliteCtx.database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const reached = await withScratchDatabase(opts.databaseUrl, 'tidegate_bench_ledger', async (url) => {
    const before = opts.pgbenchTps ?? pgbenchTps(opts.databaseUrl, 16, opts.quick ? 5 : 15);
    const ctx = await createContext({ databaseUrl: url, logger, adminPassword: 'bench-admin-password', natsUrl: '' });
    let figures: Figures;
    try {
      await bootstrap(ctx, 'bench-admin-password');
      figures = await runOn(ctx, 'PostgreSQL', opts.quick);
    } finally {
      await ctx.database.close();
    }
    const after = opts.pgbenchTps ? null : pgbenchTps(opts.databaseUrl, 16, opts.quick ? 5 : 15);
    const tps = before && after ? (before + after) / 2 : (before ?? after);
    if (!opts.pgbenchTps && tps)
      lines.push(
        `pgbench TPC-B (scale 1, 16 clients), same server, same run: ${before?.toFixed(0)} before, ${after?.toFixed(0)} after; mean ${tps.toFixed(0)} tps`,
      );
    report(lines, 'PostgreSQL', figures, tps);
  });
  if ('unreachable' in reached)
    return [...lines, `PostgreSQL at ${opts.databaseUrl} not reachable for the ledger bench (${reached.unreachable}).`];
  return lines;
}
