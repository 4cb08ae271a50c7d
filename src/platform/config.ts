import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_DISPATCH } from './outbox/dispatcher.ts';
import { parseCidrList } from '../kernel/ipAddress.ts';

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL server; when absent Tidegate runs on embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  /**
   * A streaming replica of `databaseUrl` for lag-tolerant reads (lists, command-centre panels,
   * exports; platform/db/reads.ts). Unset, every read goes to the primary; ignored on PGlite.
   */
  databaseReadUrl: string | undefined;
  /** After a caller's write, its reads stay on the primary this long (at least the replica's lag + 1 s). */
  readPrimaryAfterWriteSeconds: number;
  /** A replica further behind than this serves no reads until it catches up. */
  replicaMaxLagSeconds: number;
  natsUrl: string | undefined;
  /** Copies of each JetStream stream Tidegate creates (3 on a three-server NATS cluster; nats.ts). */
  natsReplicas: number;
  /** PGlite files and the generated secret live here. `memory://` keeps PGlite in memory. */
  dataDir: string;
  /** Root of encryption and signing keys (derived per purpose with HKDF). */
  secret: string;
  secretSource: 'env' | 'file' | 'ephemeral';
  adminPassword: string | undefined;
  logLevel: string;
  bodyLimitBytes: number;
  /** Audit chain partitions for a new database; once recorded in the database, that value holds. */
  auditPartitions: number;
  /** How often the audit log is anchored (a new anchor only when some partition moved). */
  auditAnchorSeconds: number;
  /** Gate event batches decided at the same time per process (gate/service/batcher.ts). */
  gateBatchesInFlight: number;
  /** Gate events waiting for a batch per process; one more is refused with 503 (gate/service/batcher.ts). */
  gateQueueMax: number;
  /** Duty-free reservations and confirmations share transactions across tills (dutyfree/service/group.ts). */
  dutyfreeGroupCommit: boolean;
  /** Duty-free requests waiting for a group per process; one more is refused with 503 (dutyfree/service/group.ts). */
  dutyfreeQueueMax: number;
  /** The least time between two outbox delivery rounds (outbox/dispatcher.ts). */
  outboxRoundGapMs: number;
  /**
   * Which proxies in front of Tidegate to believe about the client address and protocol
   * (X-Forwarded-For, X-Forwarded-Proto): false, true (any), or the proxies' addresses/CIDRs.
   */
  trustProxy: boolean | string;
  /** Strict-Transport-Security: 'auto' sends it on requests that came over TLS (directly or per the proxy). */
  hsts: 'auto' | 'on' | 'off';
  /** Request limits of the public calculators (per address) and machine clients (per API key), per minute. */
  rateLimits: { enabled: boolean; calcPerMinute: number; clientPerMinute: number };
  /** Login throttling (auth/throttle.ts); always on. */
  loginThrottle: {
    maxFailuresPerUser: number;
    maxFailuresPerAddress: number;
    windowMinutes: number;
    maxLockHours: number;
  };
  /** Networks webhooks may reach although they are private or loopback (department networks), as CIDRs. */
  webhookAllow: string[];
  /** How long an Idempotency-Key claim outlives a silent process (renewed while its request runs). */
  idempotencyLeaseSeconds: number;
  /** How long a process's lease on a scheduled job outlives it when it dies (leases/elector.ts). */
  scheduleLeaseSeconds: number;
  /** 'production' closes what development leaves open: the API docs and /metrics (http/exposure.ts). */
  environment: 'development' | 'production';
  /** Who reads /docs and /openapi.json: anyone, a logged-in caller, or nobody (not served). */
  apiDocs: 'public' | 'login' | 'off';
  /** When set, /metrics answers only `Authorization: Bearer <token>`; unset in production, /metrics is off. */
  metricsToken: string | undefined;
}

export interface ConfigOverrides {
  port?: number;
  host?: string;
  databaseUrl?: string;
  databaseReadUrl?: string;
  natsUrl?: string;
  dataDir?: string;
  secret?: string;
  adminPassword?: string;
  logLevel?: string;
  auditPartitions?: number;
  webhookAllow?: string[];
  environment?: Config['environment'];
  apiDocs?: Config['apiDocs'];
  metricsToken?: string;
}

/** Reads the environment; explicit overrides (tests, CLI flags) win. */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = overrides.dataDir ?? env.TIDEGATE_DATA_DIR ?? './data';
  const portText = overrides.port?.toString() ?? env.PORT ?? '8080';
  const port = Number.parseInt(portText, 10);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535, got "${portText}".`);
  }
  const { secret, source } = resolveSecret(overrides.secret ?? env.TIDEGATE_SECRET, dataDir);
  return {
    port,
    host: overrides.host ?? env.HOST ?? '0.0.0.0',
    databaseUrl: emptyToUndefined(overrides.databaseUrl ?? env.DATABASE_URL),
    databaseReadUrl: emptyToUndefined(overrides.databaseReadUrl ?? env.DATABASE_READ_URL),
    readPrimaryAfterWriteSeconds: wholeNumber(
      'TIDEGATE_READ_PRIMARY_AFTER_WRITE_SECONDS',
      env.TIDEGATE_READ_PRIMARY_AFTER_WRITE_SECONDS,
      5,
      0,
      3600,
    ),
    replicaMaxLagSeconds: wholeNumber(
      'TIDEGATE_REPLICA_MAX_LAG_SECONDS',
      env.TIDEGATE_REPLICA_MAX_LAG_SECONDS,
      30,
      1,
      86_400,
    ),
    natsUrl: emptyToUndefined(overrides.natsUrl ?? env.NATS_URL),
    natsReplicas: wholeNumber('TIDEGATE_NATS_REPLICAS', env.TIDEGATE_NATS_REPLICAS, 1, 1, 5),
    dataDir,
    secret,
    secretSource: source,
    adminPassword: emptyToUndefined(overrides.adminPassword ?? env.TIDEGATE_ADMIN_PASSWORD),
    logLevel: overrides.logLevel ?? env.LOG_LEVEL ?? 'info',
    bodyLimitBytes: 1024 * 1024,
    auditPartitions: wholeNumber(
      'TIDEGATE_AUDIT_PARTITIONS',
      overrides.auditPartitions?.toString() ?? env.TIDEGATE_AUDIT_PARTITIONS,
      64,
      1,
      1024,
    ),
    auditAnchorSeconds: wholeNumber('TIDEGATE_AUDIT_ANCHOR_SECONDS', env.TIDEGATE_AUDIT_ANCHOR_SECONDS, 60, 1, 86_400),
    gateBatchesInFlight: wholeNumber('TIDEGATE_GATE_BATCHES_IN_FLIGHT', env.TIDEGATE_GATE_BATCHES_IN_FLIGHT, 1, 1, 16),
    gateQueueMax: wholeNumber('TIDEGATE_GATE_QUEUE_MAX', env.TIDEGATE_GATE_QUEUE_MAX, 2000, 1, 1_000_000),
    dutyfreeGroupCommit:
      oneOf('TIDEGATE_DUTYFREE_GROUP', env.TIDEGATE_DUTYFREE_GROUP, ['on', 'off'] as const, 'on') === 'on',
    dutyfreeQueueMax: wholeNumber('TIDEGATE_DUTYFREE_QUEUE_MAX', env.TIDEGATE_DUTYFREE_QUEUE_MAX, 2000, 1, 1_000_000),
    outboxRoundGapMs: wholeNumber(
      'TIDEGATE_OUTBOX_ROUND_GAP_MS',
      env.TIDEGATE_OUTBOX_ROUND_GAP_MS,
      DEFAULT_DISPATCH.roundGapMs,
      0,
      10_000,
    ),
    trustProxy: trustProxy(env.TIDEGATE_TRUST_PROXY),
    hsts: oneOf('TIDEGATE_HSTS', env.TIDEGATE_HSTS, ['auto', 'on', 'off'] as const, 'auto'),
    rateLimits: rateLimits(env),
    loginThrottle: loginThrottle(env),
    webhookAllow: overrides.webhookAllow ?? cidrs('TIDEGATE_WEBHOOK_ALLOW', env.TIDEGATE_WEBHOOK_ALLOW),
    idempotencyLeaseSeconds: leaseSeconds(env.TIDEGATE_IDEMPOTENCY_LEASE_SECONDS),
    scheduleLeaseSeconds: wholeNumber(
      'TIDEGATE_SCHEDULE_LEASE_SECONDS',
      env.TIDEGATE_SCHEDULE_LEASE_SECONDS,
      15,
      1,
      600,
    ),
    ...exposure(overrides, env),
  };
}

type Exposure = Pick<Config, 'environment' | 'apiDocs' | 'metricsToken'>;

/** Development serves the docs and metrics to anyone (the quick start); production asks a login and a token. */
function exposure(overrides: ConfigOverrides, env: NodeJS.ProcessEnv): Exposure {
  const environments = ['development', 'production'] as const;
  const environment = overrides.environment ?? oneOf('TIDEGATE_ENV', env.TIDEGATE_ENV, environments, 'development');
  const docsDefault = environment === 'production' ? 'login' : 'public';
  const docs = ['public', 'login', 'off'] as const;
  const apiDocs = overrides.apiDocs ?? oneOf('TIDEGATE_API_DOCS', env.TIDEGATE_API_DOCS, docs, docsDefault);
  const metricsToken = emptyToUndefined(overrides.metricsToken ?? env.TIDEGATE_METRICS_TOKEN);
  // A short token could be guessed by anyone who can reach the port.
  if (metricsToken !== undefined && metricsToken.length < 16) {
    throw new Error('TIDEGATE_METRICS_TOKEN must be at least 16 characters long.');
  }
  return { environment, apiDocs, metricsToken };
}

const leaseSeconds = (text: string | undefined) => wholeNumber('TIDEGATE_IDEMPOTENCY_LEASE_SECONDS', text, 15, 3, 3600);

function rateLimits(env: NodeJS.ProcessEnv): Config['rateLimits'] {
  const { TIDEGATE_RATE_LIMIT_CALC_PER_MINUTE: calc, TIDEGATE_RATE_LIMIT_CLIENT_PER_MINUTE: client } = env;
  return {
    enabled: oneOf('TIDEGATE_RATE_LIMITS', env.TIDEGATE_RATE_LIMITS, ['on', 'off'] as const, 'on') === 'on',
    calcPerMinute: wholeNumber('TIDEGATE_RATE_LIMIT_CALC_PER_MINUTE', calc, 120, 1, 1_000_000),
    clientPerMinute: wholeNumber('TIDEGATE_RATE_LIMIT_CLIENT_PER_MINUTE', client, 1200, 1, 1_000_000),
  };
}

function loginThrottle(env: NodeJS.ProcessEnv): Config['loginThrottle'] {
  const perAddress = env.TIDEGATE_LOGIN_MAX_FAILURES_PER_ADDRESS;
  return {
    maxFailuresPerUser: wholeNumber('TIDEGATE_LOGIN_MAX_FAILURES', env.TIDEGATE_LOGIN_MAX_FAILURES, 10, 1, 1000),
    maxFailuresPerAddress: wholeNumber('TIDEGATE_LOGIN_MAX_FAILURES_PER_ADDRESS', perAddress, 30, 1, 100_000),
    windowMinutes: wholeNumber('TIDEGATE_LOGIN_WINDOW_MINUTES', env.TIDEGATE_LOGIN_WINDOW_MINUTES, 15, 1, 1440),
    maxLockHours: wholeNumber('TIDEGATE_LOGIN_MAX_LOCK_HOURS', env.TIDEGATE_LOGIN_MAX_LOCK_HOURS, 24, 1, 720),
  };
}

function oneOf<const T extends readonly string[]>(
  name: string,
  text: string | undefined,
  values: T,
  fallback: T[number],
): T[number] {
  if (text === undefined || text === '') return fallback;
  if (!values.includes(text)) throw new Error(`${name} must be one of ${values.join(', ')}, got "${text}".`);
  return text;
}

/** TIDEGATE_TRUST_PROXY: unset or "false" trusts no proxy; "true" any; or the proxies' addresses/CIDRs. */
function trustProxy(text: string | undefined): boolean | string {
  if (text === undefined || text === '' || text === 'false') return false;
  if (text === 'true') return true;
  return cidrs('TIDEGATE_TRUST_PROXY', text).join(',');
}

function cidrs(name: string, text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') return [];
  try {
    return parseCidrList(text).map((c) => `${c.address}/${c.prefix}`);
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`);
  }
}

function wholeNumber(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${text}".`);
  return n;
}

function emptyToUndefined(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

/**
 * Personal data is encrypted with keys derived from this secret, so it must survive restarts:
 * without TIDEGATE_SECRET we keep a generated one next to the embedded database.
 */
function resolveSecret(
  fromEnv: string | undefined,
  dataDir: string,
): { secret: string; source: Config['secretSource'] } {
  if (fromEnv) {
    if (fromEnv.length < 32) throw new Error('TIDEGATE_SECRET must be at least 32 characters long.');
    return { secret: fromEnv, source: 'env' };
  }
  if (dataDir.startsWith('memory://')) return { secret: randomBytes(32).toString('hex'), source: 'ephemeral' };
  const dir = resolve(dataDir);
  const file = join(dir, 'secret.key');
  if (existsSync(file)) return { secret: readFileSync(file, 'utf8').trim(), source: 'file' };
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return { secret, source: 'file' };
}
