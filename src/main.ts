import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type ConfigOverrides } from './platform/config.ts';
import { openDatabase, type Database } from './platform/db/client.ts';
import { runMigrations } from './platform/db/migrate.ts';
import { deriveKeys } from './platform/crypto.ts';
import { systemClock, type Clock } from './kernel/clock.ts';
import { DEFAULT_DISPATCH, Dispatcher } from './platform/outbox/dispatcher.ts';
import { NatsPublisher } from './platform/outbox/nats.ts';
import { createMetrics } from './platform/http/metrics.ts';
import { buildServer } from './platform/http/server.ts';
import { bootstrap, instanceId, type BootstrapResult } from './platform/bootstrap.ts';
import { API_PLUGINS } from './platform/plugins.ts';
import type { AppContext } from './platform/context.ts';
import { seedDemo } from './seed/demo.ts';
import { useParameterDefinitions } from './platform/parameters/service.ts';
import { PARAMETER_DEFINITIONS } from './modules/parameters.ts';
import { scheduleDailySweep } from './modules/credit/scheduler.ts';
import { startWebhookDelivery } from './modules/sharing/service.ts';
import { startAuditAnchoring } from './platform/audit/anchor.ts';
import { choosePartitioning } from './platform/audit/service.ts';
import { scheduleRetrain } from './modules/risk/scheduler.ts';
import { scheduleDeadlineCheck } from './modules/declarations/scheduler.ts';
import { subscribeDeclarations } from './modules/declarations/service.ts';
import { scheduleLedgerSweep } from './modules/ledger/scheduler.ts';
import { scheduleDutyfree } from './modules/dutyfree/scheduler.ts';
import { subscribeConduct } from './modules/dutyfree/rings/service/conduct.ts';
import { scheduleRingDetection } from './modules/dutyfree/rings/scheduler.ts';

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
  const log = opts.logger ?? pino({ level: config.logLevel, base: { service: 'tidegate' } });
  const database = opts.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  await runMigrations(database);
  await choosePartitioning(database.db, config.auditPartitions, log);
  const clock = opts.clock ?? systemClock;
  const ctx: AppContext = {
    config,
    database,
    db: database.db,
    keys: deriveKeys(config.secret),
    clock,
    log,
    dispatcher: new Dispatcher(database.db, clock, log, { ...DEFAULT_DISPATCH, roundGapMs: config.outboxRoundGapMs }),
    metrics: createMetrics(),
  };
  return ctx;
}

export async function startTidegate(opts: StartOptions = {}): Promise<Tidegate> {
  const ctx = await createContext(opts);
  const boot = await bootstrap(ctx, ctx.config.adminPassword);
  let demoSeeded = false;
  if (opts.seedDemo && boot.firstStart) {
    await seedDemo(ctx);
    demoSeeded = true;
  }
  let nats: NatsPublisher | undefined;
  if (ctx.config.natsUrl) {
    nats = await NatsPublisher.connect(ctx.config.natsUrl, await instanceId(ctx), { log: ctx.log });
    ctx.dispatcher.subscribe('nats', (event) => nats!.publish(event));
  }
  subscribeDeclarations(ctx);
  subscribeConduct(ctx);
  ctx.dispatcher.start();
  const stopSweep = opts.schedule === false ? () => {} : scheduleDailySweep(ctx);
  const stopWebhooks = opts.schedule === false ? async () => {} : startWebhookDelivery(ctx);
  const stopAnchoring =
    opts.schedule === false
      ? async () => {}
      : startAuditAnchoring(ctx.db, ctx.clock, ctx.log, ctx.config.auditAnchorSeconds * 1000);
  const stopRetrain = opts.schedule === false ? () => {} : scheduleRetrain(ctx);
  const stopDeadlineCheck = opts.schedule === false ? () => {} : scheduleDeadlineCheck(ctx);
  const stopLedgerSweep = opts.schedule === false ? () => {} : scheduleLedgerSweep(ctx);
  const stopDutyfree = opts.schedule === false ? () => {} : scheduleDutyfree(ctx);
  const stopRings = opts.schedule === false ? () => {} : scheduleRingDetection(ctx);
  const app = await buildServer(ctx, API_PLUGINS);
  let url = '';
  if (opts.listen !== false) {
    await app.listen({ port: ctx.config.port, host: ctx.config.host });
    const port = (app.server.address() as { port: number }).port;
    const host = ['0.0.0.0', '::'].includes(ctx.config.host) ? 'localhost' : ctx.config.host;
    url = `http://${host}:${port}`;
  }
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
      stopSweep();
      await stopWebhooks();
      await stopAnchoring();
      stopRetrain();
      stopDeadlineCheck();
      stopLedgerSweep();
      stopDutyfree();
      stopRings();
      await app.close();
      await ctx.dispatcher.stop();
      await nats?.close();
      if (!opts.database) await ctx.database.close();
    },
  };
}
