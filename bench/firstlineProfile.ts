/**
 * Where a first-line declaration's time goes, one at a time on PostgreSQL: statements and round trips
 * per declaration (counted on the client: statements sent in one tick travel together, one round trip),
 * the texts sent most often, wall time and Node CPU per declaration. The declaration is the bench's
 * (`bench/firstline.ts`): one BOOK line, crane parts into the declarant's zero-tariff book, released and
 * posted. For a CPU profile of the same work, set FIRSTLINE_PROFILE_OUT=file.cpuprofile: the measured
 * declarations alone are sampled (V8's profiler).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/firstlineProfile.ts [n]
 */
import pino from 'pino';
import { withScratchDatabase } from './harness.ts';
import { cpuProfile, perUnit, queryCounter, textLines } from './queryProfile.ts';
import { createContext } from '../src/main.ts';
import { bootstrap } from '../src/platform/bootstrap.ts';
import { openDatabase } from '../src/platform/db/client.ts';
import type { Actor } from '../src/platform/auth/roles.ts';
import { fileFirstLine } from '../src/modules/firstline/service.ts';
import { bookWithGoods } from '../test/support/ledgerFixtures.ts';
import { oneLineImport } from './firstline.ts';

const n = Number(process.argv[2] ?? 40);
const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const counter = queryCounter();
const { take } = counter;
// FIRSTLINE_TRACE=1: the statements of one more declaration in the order sent, numbered by round trip.
let trace: string[] | null = null;
let round = 0;
let inTick = false;
const onQuery = (q: string) => {
  counter.onQuery(q);
  if (!trace) return;
  if (!inTick) {
    round++;
    inTick = true;
    setImmediate(() => {
      inTick = false;
    });
  }
  trace.push(`${String(round).padStart(3)}  ${q.replace(/\s+/g, ' ').slice(0, 150)}`);
};

await withScratchDatabase(url, 'tidegate_firstline_profile', async (dbUrl) => {
  const ctx = await createContext({
    database: await openDatabase({ databaseUrl: dbUrl, poolSize: 4, onQuery }),
    logger: pino({ level: 'warn' }),
    dataDir: 'memory://',
    secret: 'bench-firstline-secret-0123456789abcdef01',
  });
  try {
    await bootstrap(ctx, 'bench-admin-password');
    const books: { actor: Actor; bookId: string; itemId: string }[] = [];
    for (let i = 0; i < 4; i++) {
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
      books.push({
        actor: {
          kind: 'system' as const,
          id: 'bench',
          name: 'bench',
          role: 'enterprise_user' as const,
          enterpriseId: b.enterpriseId,
        },
        bookId: b.bookId,
        itemId: b.itemIds[0]!,
      });
    }
    const states = new Map<string, number>();
    const file = async (i: number) => {
      const t = books[i % books.length]!;
      const d = await fileFirstLine(ctx, t.actor, oneLineImport(t, i));
      states.set(d.state, (states.get(d.state) ?? 0) + 1);
    };
    for (let i = 0; i < 40; i++) await file(i);
    take();
    states.clear();
    const profiler = await cpuProfile('FIRSTLINE_PROFILE_OUT');
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await file(i);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const sent = take();
    await profiler.stop();
    console.log(
      `${n} first-line declarations one at a time (${[...states].map(([s, k]) => `${k} ${s}`).join(', ')}): ` +
        `${perUnit(sent, n, 'declaration')}; wall ${(wall / n).toFixed(2)} ms, ` +
        `Node CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms per declaration`,
    );
    for (const line of textLines(sent, n)) console.log(line);
    if (process.env.FIRSTLINE_TRACE) {
      trace = [];
      await file(n);
      console.log('one declaration, round trip by round trip:');
      for (const line of trace) console.log(line);
      trace = null;
    }
  } finally {
    await ctx.database.close();
  }
});
