/**
 * What the ledger's single-line commands send, one at a time on PostgreSQL: statements and round
 * trips per first-line import document of one line, per reservation of one line and per posting of
 * it (counted on the client: statements sent in one tick travel together, one round trip), and the
 * texts sent most often. For a CPU profile of the documents, set LEDGER_PROFILE_OUT=file.cpuprofile.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/ledgerProfile.ts [n]
 */
import pino from 'pino';
import { withScratchDatabase } from './harness.ts';
import { fixtures } from './ledger.ts';
import { cpuProfile, perUnit, queryCounter, textLines, type QueryCount } from './queryProfile.ts';
import { createContext } from '../src/main.ts';
import { bootstrap } from '../src/platform/bootstrap.ts';
import { openDatabase } from '../src/platform/db/client.ts';
import { runCommand } from '../src/platform/command.ts';
import { systemActor } from '../src/platform/auth/roles.ts';
import { uuidv7 } from '../src/kernel/ids.ts';
import { fileDocument, postReservation, reserveGoods, verifyLedger } from '../src/modules/ledger/service.ts';

const n = Number(process.argv[2] ?? 40);
const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const actor = systemActor('bench');
const { onQuery, take } = queryCounter();

const show = (what: string, sent: QueryCount) => {
  console.log(`${n} ${what}s one at a time: ${perUnit(sent, n, what)}`);
  for (const line of textLines(sent, n, 12)) console.log(line);
};

await withScratchDatabase(url, 'tidegate_ledger_profile', async (dbUrl) => {
  const ctx = await createContext({
    database: await openDatabase({ databaseUrl: dbUrl, poolSize: 4, onQuery }),
    logger: pino({ level: 'warn' }),
    dataDir: 'memory://',
    secret: 'bench-ledger-secret-0123456789abcdef0123',
  });
  try {
    await bootstrap(ctx, 'bench-admin-password');
    const [book] = await fixtures(ctx, 1, 4);
    const file = () =>
      fileDocument(ctx, actor, {
        type: 'FIRST_LINE_IMPORT',
        documentId: uuidv7(),
        bookId: book!.bookId,
        lines: [{ itemId: book!.itemIds[0]!, quantity: '10', importedCny: '1000.00' }],
      });
    const reserve = () =>
      runCommand(ctx, 'bench.reserve', (tx, batch) =>
        reserveGoods(
          tx,
          ctx,
          {
            reservationId: uuidv7(),
            bookId: book!.bookId,
            lines: [{ itemId: book!.itemIds[0]!, quantity: '1' }],
            purpose: { documentType: 'BENCH', documentId: uuidv7() },
            actor,
          },
          batch,
        ),
      );
    const post = (reservationId: string) =>
      runCommand(ctx, 'bench.post', (tx, batch) =>
        postReservation(
          tx,
          ctx,
          {
            postingId: uuidv7(),
            reservationId,
            to: 'mainland',
            document: { type: 'BENCH', id: reservationId },
            releaseRest: true,
            actor,
          },
          batch,
        ),
      );
    for (let i = 0; i < 20; i++) await file();
    for (let i = 0; i < 20; i++) await post((await reserve()).id);
    take();
    const profiler = await cpuProfile('LEDGER_PROFILE_OUT');
    for (let i = 0; i < n; i++) await file();
    await profiler.stop();
    show('document', take());
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await reserve()).id);
    show('reservation', take());
    for (const id of ids) await post(id);
    show('posting', take());
    const v = await verifyLedger(ctx.db);
    if (!v.ok) throw new Error(`the verifier found a problem: ${v.firstProblem}`);
  } finally {
    await ctx.database.close();
  }
});
