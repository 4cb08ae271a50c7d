/**
 * Second-line exit declarations per second, end to end in one transaction each: form and book
 * checks, reservation of the quantities (ledger), cost basis, taxes, risk assessment, audit entries,
 * outbox events, tax bill and release order (gate) — on PGlite and on PostgreSQL beside pgbench in
 * the same run. The declarants are spread over several enterprises (one book each), as real traffic
 * is; one book serialises its own declarations.
 */
import pino from 'pino';
import { closedLoop, pgbenchTpcb, type LoadResult, withScratchDatabase } from './harness.ts';
import { createContext } from '../src/main.ts';
import { bootstrap } from '../src/platform/bootstrap.ts';
import { openDatabase } from '../src/platform/db/client.ts';
import type { AppContext } from '../src/platform/context.ts';
import type { Actor } from '../src/platform/auth/roles.ts';
import { submitExit } from '../src/modules/declarations/service.ts';
import { bookWithGoods } from '../test/support/ledgerFixtures.ts';
import type { ExitDeclarationBody } from '../src/modules/declarations/wire.ts';

const SECRET = 'bench-declarations-secret-0123456789abcdef';
const fmt = (r: LoadResult) =>
  `${r.perSecond.toFixed(1)} declarations/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms (${r.requests} declarations, ${r.errors} errors)`;

export async function benchTraders(ctx: AppContext, n: number) {
  const out: { actor: Actor; bookId: string; itemIds: string[] }[] = [];
  for (let i = 0; i < n; i++) {
    const b = await bookWithGoods(ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        {
          hsCode: '8471300000',
          name: '笔记本电脑 laptop',
          unit: 'SET',
          originCountry: 'JP',
          quantity: '1000000',
          importedCny: '3000000000',
        },
        {
          hsCode: '9506310000',
          name: '高尔夫球杆 golf clubs',
          unit: 'SET',
          originCountry: 'US',
          quantity: '1000000',
          importedCny: '200000000',
        },
      ],
    });
    out.push({
      actor: { kind: 'system', id: 'bench', name: 'bench', role: 'enterprise_user', enterpriseId: b.enterpriseId },
      bookId: b.bookId,
      itemIds: b.itemIds,
    });
  }
  return out;
}

/** The bench's exit: two lines (laptops and golf clubs) from a zero-tariff book. */
export function exitBody(t: { bookId: string; itemIds: string[] }, requestId: string): ExitDeclarationBody {
  return {
    requestId,
    bookId: t.bookId,
    portCode: 'CNHAK-XINHAI',
    destination: { region: 'CN-MAINLAND', province: '广东' },
    consignee: { name: '广州某贸易有限公司' },
    contact: { name: '申报员', phone: '0898-66668888' },
    transport: {
      mode: 'ROAD',
      plate: '琼A12345',
      containers: ['CSQU3054383'],
      seals: ['HK2026000001'],
      expectedGrossWeightKg: '40',
    },
    packages: { count: 2, kind: '箱' },
    documents: {},
    lines: [
      {
        itemId: t.itemIds[0]!,
        quantity: '2',
        valueCny: '7000',
        netWeightKg: '5',
        dutyRate: '0.05',
        vatRate: '0.13',
        domesticVatPaid: false,
      },
      {
        itemId: t.itemIds[1]!,
        quantity: '10',
        valueCny: '2500',
        netWeightKg: '10',
        dutyRate: '0.05',
        consumptionTaxRate: '0.15',
        vatRate: '0.13',
        domesticVatPaid: false,
      },
    ],
  };
}

async function run(ctx: AppContext, label: string, total: number, concurrency: number): Promise<LoadResult> {
  await bootstrap(ctx, 'bench-admin-password');
  const ts = await benchTraders(ctx, concurrency * 2);
  const send = async (i: number) => {
    const t = ts[i % ts.length]!;
    await submitExit(ctx, t.actor, exitBody(t, `bench-${label}-${i}-${Date.now()}`));
    return true;
  };
  await closedLoop(`warm-up ${label}`, Math.min(50, total), concurrency, send);
  return closedLoop(`exit declarations ${label}`, total, concurrency, send);
}

export async function benchDeclarations(opts: {
  quick: boolean;
  databaseUrl: string;
  pgbenchTps?: number | null;
}): Promise<string[]> {
  const total = opts.quick ? 300 : 2000;
  const lines: string[] = [];
  const pglite = await createContext({
    database: await openDatabase({ dataDir: 'memory://' }),
    logger: pino({ level: 'warn' }),
    dataDir: 'memory://',
    secret: SECRET,
  });
  try {
    lines.push(
      `exit declarations end to end (validate, reserve, tax, risk, audit, release order; 2 lines), PGlite in process, 4 concurrent: ${fmt(await run(pglite, 'PGlite', Math.min(total, 300), 4))}`,
    );
  } finally {
    await pglite.database.close();
  }
  const reached = await withScratchDatabase(opts.databaseUrl, 'tidegate_bench_decl', async (url) => {
    const pg = await createContext({
      database: await openDatabase({ databaseUrl: url, poolSize: 20 }),
      logger: pino({ level: 'warn' }),
      dataDir: 'memory://',
      secret: SECRET,
    });
    let r: LoadResult;
    try {
      r = await run(pg, 'PostgreSQL', total, 16);
    } finally {
      await pg.database.close();
    }
    // The yardstick: pgbench TPC-B with 16 clients right after, same server, with its p99.
    const yard = pgbenchTpcb(opts.databaseUrl, 16, opts.quick ? 5 : 15);
    lines.push(`exit declarations end to end (2 lines), PostgreSQL, 16 concurrent over 32 books: ${fmt(r)}`);
    if (yard)
      lines.push(
        `pgbench TPC-B (16 clients, same server, same run): ${yard.tps.toFixed(0)} tps, p50 ${yard.p50Ms.toFixed(1)} ms, ` +
          `p99 ${yard.p99Ms.toFixed(1)} ms; ratio exit declarations/s ÷ pgbench tps ${(r.perSecond / yard.tps).toFixed(4)} ` +
          `(goal ≥ 0.5), p99 ÷ pgbench p99 ${(r.p99Ms / yard.p99Ms).toFixed(2)} (goal ≤ 4)`,
      );
  });
  if ('unreachable' in reached)
    return [
      ...lines,
      `PostgreSQL at ${opts.databaseUrl} not reachable for the declarations bench (${reached.unreachable}).`,
    ];
  return lines;
}
