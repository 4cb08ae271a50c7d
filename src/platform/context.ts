import type { Logger } from 'pino';
import type { Clock } from '../kernel/clock.ts';
import type { Config } from './config.ts';
import type { Keys } from './crypto.ts';
import type { Database, Db } from './db/client.ts';
import type { ReadRouter } from './db/reads.ts';
import type { Dispatcher } from './outbox/dispatcher.ts';
import type { Metrics } from './http/metrics.ts';

/** Everything a service needs, built once at start-up and passed down (no globals). */
export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  /** Where lag-tolerant reads run: the read replica when one is configured and may serve them, else `db`. */
  reads: ReadRouter;
  keys: Keys;
  clock: Clock;
  log: Logger;
  dispatcher: Dispatcher;
  metrics: Metrics;
}
