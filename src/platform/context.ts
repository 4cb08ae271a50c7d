import type { Logger } from 'pino';
import type { Clock } from '../kernel/clock.ts';
import type { Config } from './config.ts';
import type { Keys } from './crypto.ts';
import type { Database, Db } from './db/client.ts';
import type { Dispatcher } from './outbox/dispatcher.ts';
import type { Metrics } from './http/metrics.ts';

/** Everything a service needs, built once at start-up and passed down (no globals). */
export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  keys: Keys;
  clock: Clock;
  log: Logger;
  dispatcher: Dispatcher;
  metrics: Metrics;
}
