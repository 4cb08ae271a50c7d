import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config, type ConfigOverrides } from './platform/config.ts';
import { openDatabase, type Database } from './platform/db/client.ts';
import { ReadRouter } from './platform/db/reads.ts';
import { withSafeErrors } from './platform/db/errors.ts';
import type { Metrics } from './platform/http/metrics.ts';
import { runMigrations } from './platform/db/migrate.ts';
import { seedDataDirFromTemplate } from './platform/db/pgliteTemplate.ts';
import { deriveKeys } from './platform/crypto.ts';
import { systemClock, type Clock } from './kernel/clock.ts';
import { DEFAULT_DISPATCH, Dispatcher } from './platform/outbox/dispatcher.ts';
import { NatsPublisher } from './platform/outbox/nats.ts';
import { createMetrics } from './platform/http/metrics.ts';
import { buildServer } from './platform/http/server.ts';
import { bootstrap, instanceId, type BootstrapResult } from './platform/bootstrap.ts';
import { apiPlugins } from './platform/api.ts';
import { partitionedTables, scheduledJobs } from './platform/module.ts';
import { ensureMonthPartitions, schedulePartitions } from './platform/partitions/service.ts';
import { startElectedJobs, type ElectedJob } from './platform/leases/elector.ts';
import { MODULES, PLATFORM_PORTS } from './modules/index.ts';
import type { AppContext } from './platform/context.ts';
import { seedDemo } from './seed/demo.ts';
import { useParameterDefinitions } from './platform/parameters/service.ts';
import { useReferenceCache } from './platform/reference/cache.ts';
import { mark, type Timings } from './platform/timings.ts';
import { PARAMETER_DEFINITIONS } from './modules/parameters.ts';
import { startAuditAnchoring } from './platform/audit/anchor.ts';
import { choosePartitioning } from './platform/audit/service.ts';

export interface StartOptions extends ConfigOverrides {
  /** Seed demo data on first start (npm start does; tests choose). */
  seedDemo?: boolean;
  clock?: Clock;
  logger?: Logger;
  /** Open an existing database handle instead (tests that share one). */
  database?: Database;
  listen?: boolean;
  /** Run scheduled jobs (the daily credit sweep); tests that move the clock turn them off. */
  schedule?: boolean;
  /** Records how long each phase of the start took (`tidegate serve --timings`). */
  timings?: Timings;
}

export interface Tidegate {
  url: string;
  app: FastifyInstance;
  ctx: AppContext;
  boot: BootstrapResult;
  demoSeeded: boolean;
  close(): Promise<void>;
}

/** Creates the context: config, database (migrated), keys, dispatcher. No HTTP. */
export async function createContext(opts: StartOptions = {}): Promise<AppContext> {
  const config = loadConfig(opts);
  // Before anything is opened: a seed that breaks its parameter's schema stops the start here.
  useParameterDefinitions(PARAMETER_DEFINITIONS);
  const log = withSafeErrors(opts.logger ?? pino({ level: config.logLevel, base: { service: 'tidegate' } }));
  mark(opts.timings, 'load');
  // A first start on PGlite copies the migrated template made at install instead of running initdb.
  if (!opts.database && !config.databaseUrl) seedDataDirFromTemplate(config.dataDir);
  const database = opts.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  mark(opts.timings, 'open database');
  await runMigrations(database);
  await choosePartitioning(database.db, config.auditPartitions, log);
  mark(opts.timings, 'migrations');
  const clock = opts.clock ?? systemClock;
  // This month's and the coming months' partitions exist before their rows arrive (also a scheduled job).
  await ensureMonthPartitions(database.db, partitionedTables(MODULES), clock.now());
  // Parameters, tariff lines and rates held by version; a committed change applies to the next request.
  await useReferenceCache(database);
  const metrics = createMetrics();
  const ctx: AppContext = {
    config,
    database,
    db: database.db,
    reads: await readRouter(config, database, log, metrics),
    keys: deriveKeys(config.secret),
    clock,
    log,
    dispatcher: new Dispatcher(database.db, clock, log, {
      ...DEFAULT_DISPATCH,
      roundGapMs: config.outboxRoundGapMs,
      exclusive: database.kind === 'postgres',
    }),
    metrics,
  };
  return ctx;
}

/**
 * The read replica's pool, when DATABASE_READ_URL names one and the primary is a PostgreSQL server
 * (PGlite is one process's files: it has no replica, every read runs on it). Its connections open
 * on the first read; a replica that is down at start is reported and routed around, not fatal.
 */
async function readRouter(config: Config, database: Database, log: Logger, metrics: Metrics): Promise<ReadRouter> {
  const opts = {
    ownWriteSeconds: config.readPrimaryAfterWriteSeconds,
    maxLagSeconds: config.replicaMaxLagSeconds,
    log,
    onRead: (target: string, reason: string) => metrics.reads.inc({ target, reason }),
    onLag: (seconds: number | null) => metrics.replicaLag.set(seconds ?? -1),
  };
  if (!config.databaseReadUrl) return new ReadRouter(database, undefined, opts);
  if (database.kind !== 'postgres') {
    log.warn('DATABASE_READ_URL is ignored without DATABASE_URL: the embedded database has no replica');
    return new ReadRouter(database, undefined, opts);
  }
  const replica = await openDatabase({ databaseUrl: config.databaseReadUrl, connectTimeoutSeconds: 5 });
  log.info({ replica: replica.location }, 'lists, command-centre panels and exports read from the replica');
  return new ReadRouter(database, replica, opts);
}

/**
 * Starts the jobs this process wins (leases/elector.ts). On PostgreSQL the leases are renewed on a
 * connection of their own: behind a pool saturated by requests waiting on a book's lock, a renewal
 * would wait its turn and the lease could lapse while the holder is alive.
 */
async function electJobs(ctx: AppContext, jobs: ElectedJob[]): Promise<() => Promise<void>> {
  const own = ctx.database.url ? await openDatabase({ databaseUrl: ctx.database.url, poolSize: 1 }) : undefined;
  const stop = startElectedJobs(own?.db ?? ctx.db, jobs, {
    leaseSeconds: ctx.config.scheduleLeaseSeconds,
    log: ctx.log,
  });
  return async () => {
    await stop();
    await own?.close();
  };
}

export async function startTidegate(opts: StartOptions = {}): Promise<Tidegate> {
  const ctx = await createContext(opts);
  const boot = await bootstrap(ctx, ctx.config.adminPassword);
  mark(opts.timings, 'bootstrap');
  let demoSeeded = false;
  if (opts.seedDemo && boot.firstStart) {
    await seedDemo(ctx, opts.timings);
    demoSeeded = true;
  }
  // The routes are built and the server listens before any outbox consumer is subscribed: after a
  // first start the demo's thousands of outbox events would otherwise be delivered on the same thread
  // while the routes' schemas are compiled and before the port opens. Nothing is lost: the events wait
  // in the outbox, and the consumers (subscribed a moment later) read from their cursors.
  const app = await buildServer(ctx, apiPlugins(MODULES, PLATFORM_PORTS));
  mark(opts.timings, 'routes');
  let url = '';
  if (opts.listen !== false) {
    await app.listen({ port: ctx.config.port, host: ctx.config.host });
    mark(opts.timings, 'listen');
    const port = (app.server.address() as { port: number }).port;
    const host = ['0.0.0.0', '::'].includes(ctx.config.host) ? 'localhost' : ctx.config.host;
    url = `http://${host}:${port}`;
  }
  let nats: NatsPublisher | undefined;
  if (ctx.config.natsUrl) {
    nats = await NatsPublisher.connect(ctx.config.natsUrl, await instanceId(ctx), {
      log: ctx.log,
      layout: { replicas: ctx.config.natsReplicas },
    });
    ctx.dispatcher.subscribe('nats', (event) => nats!.publish(event));
  }
  for (const m of MODULES) for (const s of m.subscribers ?? []) s.subscribe(ctx);
  ctx.dispatcher.start();
  ctx.reads.start();
  // Each job runs in one process of all those sharing the database: whichever holds its lease.
  const jobs = [
    ...scheduledJobs(MODULES, ctx),
    {
      name: 'platform: month partitions made ahead',
      start: () => schedulePartitions(ctx.db, partitionedTables(MODULES), ctx.clock, ctx.log),
    },
    {
      name: 'audit: anchoring',
      start: () => startAuditAnchoring(ctx.db, ctx.clock, ctx.log, ctx.config.auditAnchorSeconds * 1000),
    },
  ];
  const stopSchedules = opts.schedule === false ? async () => {} : await electJobs(ctx, jobs);
  mark(opts.timings, 'subscribers and schedules');
  let closed = false;
  return {
    url,
    app,
    ctx,
    boot,
    demoSeeded,
    async close() {
      if (closed) return;
      closed = true;
      await stopSchedules();
      await app.close();
      await ctx.dispatcher.stop();
      await ctx.reads.close();
      await nats?.close();
      if (!opts.database) await ctx.database.close();
    },
  };
}
