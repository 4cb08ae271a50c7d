/**
 * Where an exit declaration's time goes, one at a time on PostgreSQL: statements and round trips
 * per command (counted on the client: statements sent in one tick travel together, one round trip),
 * the texts sent most often, wall time and Node CPU per command. For a CPU profile of the same
 * work, set EXIT_PROFILE_OUT=file.cpuprofile: the measured exits alone are sampled (V8's profiler).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/exitProfile.ts [n]
 */
import pino from 'pino';
import { withScratchDatabase } from './harness.ts';
import { cpuProfile, perUnit, queryCounter, textLines } from './queryProfile.ts';
import { createContext } from '../src/main.ts';
import { bootstrap } from '../src/platform/bootstrap.ts';
import { openDatabase } from '../src/platform/db/client.ts';
import { submitExit } from '../src/modules/declarations/service.ts';
import { benchTraders, exitBody } from './declarations.ts';

const n = Number(process.argv[2] ?? 40);
const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const { onQuery, take } = queryCounter();

await withScratchDatabase(url, 'tidegate_exit_profile', async (dbUrl) => {
  const ctx = await createContext({
    database: await openDatabase({ databaseUrl: dbUrl, poolSize: 4, onQuery }),
    logger: pino({ level: 'warn' }),
    dataDir: 'memory://',
    secret: 'bench-declarations-secret-0123456789abcdef',
  });
  try {
    await bootstrap(ctx, 'bench-admin-password');
    const ts = await benchTraders(ctx, 4);
    for (let i = 0; i < 20; i++) {
      const t = ts[i % ts.length]!;
      await submitExit(ctx, t.actor, exitBody(t, `warm-${i}`));
    }
    take();
    const profiler = await cpuProfile('EXIT_PROFILE_OUT');
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const t = ts[i % ts.length]!;
      await submitExit(ctx, t.actor, exitBody(t, `profile-${i}`));
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const sent = take();
    await profiler.stop();
    console.log(
      `${n} exits one at a time: ${perUnit(sent, n, 'exit')}; wall ${(wall / n).toFixed(2)} ms, ` +
        `Node CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms per exit`,
    );
    for (const line of textLines(sent, n)) console.log(line);
  } finally {
    await ctx.database.close();
  }
});
