/**
 * Where a duty-free sale's time goes, one at a time on PostgreSQL, through the HTTP routes in
 * process (inject): statements and round trips per sale (counted on the client: statements sent in
 * one tick travel together, one round trip), split into the till's requests and the work the outbox
 * consumers do for it afterwards, the texts sent most often, wall time and Node CPU per sale. For a
 * CPU profile, set DUTYFREE_PROFILE_OUT=file.cpuprofile. With `tills` above 1 that many tills sell at
 * once (each one sale at a time), so reservations and confirmations are decided in groups
 * (service/group.ts): the statements per sale then show what a group shares.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/dutyfreeProfile.ts [n] [tills]
 */
import pino from 'pino';
import { withScratchDatabase } from './harness.ts';
import { cpuProfile, perUnit, queryCounter, textLines } from './queryProfile.ts';
import { startTidegate } from '../src/main.ts';
import { openDatabase } from '../src/platform/db/client.ts';
import { dutyfreeSale, shopKeys } from './dutyfree.ts';

process.env.TIDEGATE_RATE_LIMITS = 'off';
const n = Number(process.argv[2] ?? 100);
const tills = Number(process.argv[3] ?? 1);
const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const { onQuery, take } = queryCounter();

await withScratchDatabase(url, 'tidegate_dutyfree_profile', async (dbUrl) => {
  const tg = await startTidegate({
    database: await openDatabase({ databaseUrl: dbUrl, poolSize: 4, onQuery }),
    logger: pino({ level: 'warn' }),
    dataDir: 'memory://',
    secret: 'bench-dutyfree-secret-0123456789abcdef01234',
    adminPassword: 'bench-admin-password',
    natsUrl: '',
    listen: false,
    schedule: false,
  });
  try {
    const keys = await shopKeys(tg.ctx);
    const post = (shop: number) => async (path: string, body: unknown) => {
      const res = await tg.app.inject({
        method: 'POST',
        url: path,
        payload: body as object,
        headers: { authorization: `ApiKey ${keys[shop]}` },
      });
      return { status: res.statusCode, json: res.json() as unknown };
    };
    const posters = keys.map((_, s) => post(s));
    for (let i = 0; i < 50; i++) if (!(await dutyfreeSale(posters, i))) throw new Error(`warm-up sale ${i} failed`);
    await tg.ctx.dispatcher.drain();
    // The consumers wait until the sales are done, so the two are counted apart.
    await tg.ctx.dispatcher.stop();
    take();
    const profiler = await cpuProfile('DUTYFREE_PROFILE_OUT');
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    const till = async () => {
      for (let i = next++; i < n; i = next++)
        if (!(await dutyfreeSale(posters, 1000 + i))) throw new Error(`sale ${i} failed`);
    };
    await Promise.all(Array.from({ length: tills }, till));
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const atTill = take();
    const cpu1 = process.cpuUsage();
    await tg.ctx.dispatcher.drain();
    const cpuAfter = process.cpuUsage(cpu1);
    const consumers = take();
    await profiler.stop();
    console.log(
      `${n} sales (reserve + confirm), ${tills === 1 ? 'one at a time' : `${tills} tills at once`}: ` +
        `${perUnit(atTill, n, 'sale')} at the till; ` +
        `wall ${(wall / n).toFixed(2)} ms, Node CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms per sale`,
    );
    console.log(
      `afterwards, the outbox consumers: ${perUnit(consumers, n, 'sale')}, ` +
        `Node CPU ${((cpuAfter.user + cpuAfter.system) / 1000 / n).toFixed(2)} ms per sale`,
    );
    console.log('at the till:');
    for (const line of textLines(atTill, n)) console.log(line);
    console.log('consumers:');
    for (const line of textLines(consumers, n, 40)) console.log(line);
  } finally {
    await tg.close();
    await tg.ctx.database.close();
  }
});
