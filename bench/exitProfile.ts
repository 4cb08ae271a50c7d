/**
 * Where an exit declaration's time goes, one at a time on PostgreSQL: statements and round trips
 * per command (counted on the client: statements sent in one tick travel together, one round trip),
 * the texts sent most often, wall time and Node CPU per command. For a CPU profile of the same
 * work, set EXIT_PROFILE_OUT=file.cpuprofile: the measured exits alone are sampled (V8's profiler).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/exitProfile.ts [n]
 */
import pino from 'pino';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { withScratchDatabase } from './harness.ts';
import { createContext } from '../src/main.ts';
import { bootstrap } from '../src/platform/bootstrap.ts';
import { openDatabase } from '../src/platform/db/client.ts';
import { submitExit } from '../src/modules/declarations/service.ts';
import { benchTraders, exitBody } from './declarations.ts';

const n = Number(process.argv[2] ?? 40);
const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

let statements = 0;
let rounds = 0;
let inTick = false;
const texts = new Map<string, number>();
const onQuery = (q: string) => {
  statements++;
  const key = q.replace(/\s+/g, ' ').slice(0, 110);
  texts.set(key, (texts.get(key) ?? 0) + 1);
  if (!inTick) {
    rounds++;
    inTick = true;
    setImmediate(() => {
      inTick = false;
    });
  }
};

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
    statements = 0;
    rounds = 0;
    texts.clear();
    const out = process.env.EXIT_PROFILE_OUT;
    const session = out ? new Session() : null;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
    }
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const t = ts[i % ts.length]!;
      await submitExit(ctx, t.actor, exitBody(t, `profile-${i}`));
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (session && out) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(out, JSON.stringify(profile));
      session.disconnect();
    }
    console.log(
      `${n} exits one at a time: ${(statements / n).toFixed(1)} statements and ` +
        `${(rounds / n).toFixed(1)} round trips per exit; wall ${(wall / n).toFixed(2)} ms, ` +
        `Node CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms per exit`,
    );
    for (const [text, count] of [...texts].sort((a, b) => b[1] - a[1]))
      console.log(`${(count / n).toFixed(2).padStart(6)}  ${text}`);
  } finally {
    await ctx.database.close();
  }
});
