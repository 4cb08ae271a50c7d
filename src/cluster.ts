/**
 * `tidegate serve --workers N`: N API processes (node:cluster) sharing one port and one PostgreSQL.
 * The primary process applies the migrations, bootstraps and seeds once, then forks the workers
 * (each its own database pool, dispatcher and HTTP server) and starts a worker again if one dies.
 * Scheduled jobs are elected among the workers (platform/leases/elector.ts), outbox consumers take
 * turns under a lock per consumer (platform/outbox/dispatcher.ts).
 */
import cluster, { type Worker } from 'node:cluster';
import { createContext } from './main.ts';
import { bootstrap } from './platform/bootstrap.ts';
import { loadConfig } from './platform/config.ts';
import { redactUrl } from './platform/db/client.ts';
import { seedDemo } from './seed/demo.ts';

export const WORKERS_NEED_POSTGRES =
  '--workers above 1 needs a PostgreSQL server: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/tidegate). ' +
  'The embedded PGlite database is one process’s files and cannot be shared.';

/** What a worker tells the primary once it listens. */
interface ReadyMessage {
  tidegate: 'ready';
  url: string;
}

const isReady = (m: unknown): m is ReadyMessage =>
  typeof m === 'object' && m !== null && (m as ReadyMessage).tidegate === 'ready';

/** In a worker: tell the primary that this process listens. */
export function reportReady(url: string): void {
  process.send?.({ tidegate: 'ready', url } satisfies ReadyMessage);
}

/** Runs in the primary: prepares the database, forks the workers and keeps them running until a signal. */
export async function servePrimary(workers: number, opts: { demo: boolean }): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    console.error(WORKERS_NEED_POSTGRES);
    process.exitCode = 2;
    return;
  }
  const started = Date.now();
  const ctx = await createContext();
  const boot = await bootstrap(ctx, ctx.config.adminPassword);
  if (opts.demo && boot.firstStart) await seedDemo(ctx);
  await ctx.database.close();
  if (boot.generatedAdminPassword)
    console.log(
      'admin password (generated, shown once — set TIDEGATE_ADMIN_PASSWORD to choose it): ' +
        `admin / ${boot.generatedAdminPassword}`,
    );

  let stopping = false;
  let ready = 0;
  const fork = (): Worker => {
    const worker = cluster.fork({ TIDEGATE_WORKER: '1' });
    worker.on('message', (m: unknown) => {
      if (!isReady(m)) return;
      ready++;
      if (ready === workers)
        console.log(
          `Tidegate is ready at ${m.url} with ${workers} API processes (database: ${redactUrl(config.databaseUrl!)}; ` +
            `ready in ${Date.now() - started} ms)`,
        );
    });
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`API process ${worker.process.pid} ended (${signal ?? `exit code ${code}`}); starting another`);
    setTimeout(() => {
      if (!stopping) fork();
    }, 1000).unref();
  });
  for (let i = 0; i < workers; i++) fork();

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: stopping ${workers} API processes…`);
    const all = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    await Promise.all(
      all.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.isDead()) return resolve();
            w.once('exit', () => resolve());
            w.process.kill('SIGTERM');
          }),
      ),
    );
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
