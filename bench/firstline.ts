/**
 * First-line declarations per second on PostgreSQL (一线进出境申报), one line each: a zero-tariff import
 * into the declarant's book, end to end in one transaction (form, book and qualification, the
 * beneficiary's scope, the prohibited and restricted list, risk, audit, outbox, the ledger document that
 * posts the book), 16 concurrent over 32 enterprises, beside pgbench TPC-B (16 clients) in the same run.
 * Before the load, the same declaration one at a time: statements and round trips per declaration and
 * the texts sent most often (FIRSTLINE_PROFILE_OUT=file.cpuprofile samples the CPU of that part).
 */
import pino from 'pino';
import { analyzeDatabase, closedLoop, pgbenchTpcb, withScratchDatabase, type LoadResult } from './harness.ts';
import { cpuProfile, perUnit, queryCounter, textLines } from './queryProfile.ts';
import { createContext } from '../src/main.ts';
import { bootstrap } from '../src/platform/bootstrap.ts';
import { openDatabase } from '../src/platform/db/client.ts';
import type { AppContext } from '../src/platform/context.ts';
import type { Actor } from '../src/platform/auth/roles.ts';
import { uuidv7 } from '../src/kernel/ids.ts';
import { fileFirstLine } from '../src/modules/firstline/service.ts';
import type { FirstLineBody } from '../src/modules/firstline/wire.ts';
import { bookWithGoods } from '../test/support/ledgerFixtures.ts';

const SECRET = 'bench-firstline-secret-0123456789abcdef01';
const CLIENTS = 16;
const fmt = (r: LoadResult) =>
  `${r.perSecond.toFixed(1)} declarations/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms ` +
  `(${r.requests} declarations, ${r.errors} errors)`;

interface Trader {
  actor: Actor;
  bookId: string;
  itemId: string;
}

/** `n` zero-tariff beneficiaries, each with a book holding one item (crane parts, raw materials scope). */
async function traders(ctx: AppContext, n: number): Promise<Trader[]> {
  const out: Trader[] = [];
  for (let i = 0; i < n; i++) {
    const b = await bookWithGoods(ctx, {
      regime: 'ZERO_TARIFF',
      items: [
        {
          hsCode: '8431490000',
          name: '起重机零件 crane parts',
          unit: 'KG',
          originCountry: 'DE',
          quantity: '10',
          importedCny: '1500',
        },
      ],
    });
    out.push({
      actor: { kind: 'system', id: 'bench', name: 'bench', role: 'enterprise_user', enterpriseId: b.enterpriseId },
      bookId: b.bookId,
      itemId: b.itemIds[0]!,
    });
  }
  return out;
}

/** The bench's declaration: one BOOK line, crane parts from Singapore into the zero-tariff book. */
export function oneLineImport(t: { bookId: string; itemId: string }, i: number): FirstLineBody {
  return {
    requestId: uuidv7(),
    direction: 'IMPORT',
    port: 'CNYPG-PORT',
    transportMode: 'SEA',
    counterpartCountry: 'SG',
    foreignParty: 'Straits Trading Pte Ltd',
    bookId: t.bookId,
    lines: [
      {
        kind: 'BOOK',
        itemId: t.itemId,
        description: 'crane parts',
        quantity: String(10 + (i % 90)),
        netWeightKg: String(12 + (i % 90)),
        valueCny: `${1500 + (i % 997)}.00`,
      },
    ],
  };
}

export async function benchFirstLine(opts: {
  quick: boolean;
  databaseUrl: string;
  pgbenchTps?: number | null;
}): Promise<string[]> {
  const total = opts.quick ? 400 : 2000;
  const profiled = 40;
  const lines: string[] = [];
  const counter = queryCounter();
  const reached = await withScratchDatabase(opts.databaseUrl, 'tidegate_bench_firstline', async (url) => {
    const ctx = await createContext({
      database: await openDatabase({ databaseUrl: url, poolSize: 20, onQuery: counter.onQuery }),
      logger: pino({ level: 'warn' }),
      dataDir: 'memory://',
      secret: SECRET,
    });
    let r: LoadResult;
    const states = new Map<string, number>();
    try {
      await bootstrap(ctx, 'bench-admin-password');
      const ts = await traders(ctx, CLIENTS * 2);
      let next = 0;
      const send = async (i: number) => {
        const t = ts[i % ts.length]!;
        const d = await fileFirstLine(ctx, t.actor, oneLineImport(t, next++));
        states.set(d.state, (states.get(d.state) ?? 0) + 1);
        return true;
      };
      await closedLoop('warm-up first-line declarations', 200, CLIENTS, send);
      await analyzeDatabase(url);
      // One at a time: what one declaration sends (statements, round trips), apart from the load.
      counter.take();
      const profiler = await cpuProfile('FIRSTLINE_PROFILE_OUT');
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < profiled; i++) await send(i);
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const sent = counter.take();
      await profiler.stop();
      states.clear();
      r = await closedLoop('first-line declarations', total, CLIENTS, send);
      lines.push(
        `first-line declarations one at a time (1 BOOK line): ${perUnit(sent, profiled, 'declaration')}; ` +
          `wall ${(wall / profiled).toFixed(2)} ms, Node CPU ` +
          `${((cpu.user + cpu.system) / 1000 / profiled).toFixed(2)} ms per declaration; most sent:`,
        ...textLines(sent, profiled, 12).map((l) => `  ${l}`),
      );
    } finally {
      await ctx.database.close();
    }
    const yard = opts.pgbenchTps ? null : pgbenchTpcb(opts.databaseUrl, CLIENTS, opts.quick ? 5 : 15);
    const tps = opts.pgbenchTps ?? yard?.tps ?? null;
    const held = [...states].map(([s, k]) => `${k} ${s}`).join(', ');
    lines.push(
      `first-line declarations end to end (1 BOOK line, zero-tariff import posted to the book), PostgreSQL, ` +
        `${CLIENTS} concurrent over ${CLIENTS * 2} books: ${fmt(r)}; ${held}`,
    );
    if (tps)
      lines.push(
        `pgbench TPC-B (${CLIENTS} clients, same server, same run): ${tps.toFixed(0)} tps` +
          (yard ? `, p99 ${yard.p99Ms.toFixed(1)} ms` : '') +
          `; ratio first-line declarations/s ÷ pgbench tps ${(r.perSecond / tps).toFixed(3)} (goal ≥ 0.5)`,
      );
  });
  if ('unreachable' in reached)
    return [`PostgreSQL at ${opts.databaseUrl} not reachable for the first-line bench (${reached.unreachable}).`];
  return lines;
}
