/**
 * The sockets of the postgres.js pool, connected here rather than by postgres.js, for two things it
 * does not do (both seen on the gate's path, docs/benchmarks.md):
 *
 * - **Nagle's algorithm off** (TCP_NODELAY, as libpq sets it). postgres.js leaves Node's default,
 *   so a small message written while an earlier one waits for its acknowledgement is held back.
 * - **One system call per tick.** postgres.js writes a message of 1 KiB or more at once and batches
 *   only smaller ones, so a round trip of five statements carrying JSON rows was five socket writes,
 *   each one the whole loopback TCP path and a wake-up of the backend. Here every write of a tick is
 *   corked and leaves in one `writev` when the tick's I/O is done (`setImmediate`, when postgres.js
 *   sends its small messages anyway). Statements issued together still travel together, now in one
 *   packet train.
 *
 * postgres.js takes a connected socket from `options.socket` and runs its startup (and TLS, when
 * asked: the TLS socket it wraps this one in writes through the handle, uncoalesced) over it. Hosts are tried in the
 * order given, as postgres.js does; a host that does not
 * answer within `connect_timeout` is given up.
 */
import net from 'node:net';

/** The part of postgres.js's parsed options this needs. */
export interface PgSocketOptions {
  host: string[];
  port: number[];
  /** A Unix-domain socket path (a host that is a directory, e.g. `?host=/var/run/postgresql`). */
  path?: string | false;
  /** Seconds. */
  connect_timeout?: number;
}

function connectOne(target: { path: string } | { host: string; port: number }, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket =
      'path' in target
        ? net.connect({ path: target.path })
        : net.connect({ host: target.host, port: target.port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        Object.assign(
          new Error(
            `connecting to PostgreSQL at ${'path' in target ? target.path : `${target.host}:${target.port}`} ` +
              `timed out after ${timeoutMs / 1000} s`,
          ),
          { code: 'CONNECT_TIMEOUT' },
        ),
      );
    }, timeoutMs);
    const failed = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    socket.once('error', failed);
    socket.once('connect', () => {
      clearTimeout(timer);
      // From here on, postgres.js's own listener takes the socket's errors.
      socket.removeListener('error', failed);
      resolve(socket);
    });
  });
}

/** Corks the socket at its first write of a tick and uncorks it once the tick's I/O has run. */
export function coalesceWrites(socket: net.Socket): net.Socket {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  const flush = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = ((...args: unknown[]) => {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      setImmediate(flush);
    }
    return write(...args);
  }) as typeof socket.write;
  return socket;
}

/**
 * Where each pool's next connection starts among its hosts. postgres.js turns down a server that is
 * not what `target_session_attrs` asks (a standby when `read-write` is asked) and connects again; if
 * the first host that answers were always taken, a standby listed before the primary would be taken
 * every time and the pool would never reach the primary. So each connection starts at the host after
 * the one the last connection of the pool was given, as postgres.js does when it connects itself.
 * Keyed by the pool's options object, which postgres.js shares between the pool's connections.
 */
const nextHost = new WeakMap<object, { index: number; attempts: number[] }>();

/**
 * Connections a pool may open per second and host before it waits. While a failover is under way no
 * host is what `target_session_attrs` asks (the old primary refuses, the standby is not promoted yet)
 * and postgres.js connects again at once each time it turns a server down: without a budget, each of
 * the pool's connections spins on the standby's connection setup for as long as the promotion takes.
 */
const ATTEMPTS_PER_SECOND_PER_HOST = 20;

async function withinBudget(state: { attempts: number[] }, hosts: number): Promise<void> {
  for (;;) {
    const now = performance.now();
    while (state.attempts.length && now - state.attempts[0]! > 1000) state.attempts.shift();
    if (state.attempts.length < ATTEMPTS_PER_SECOND_PER_HOST * hosts) {
      state.attempts.push(now);
      return;
    }
    await new Promise((r) => setTimeout(r, 1000 - (now - state.attempts[0]!) + 1));
  }
}

/** `options.socket` for postgres.js: a connected, write-coalescing socket without Nagle's delay. */
export async function pgSocket(options: PgSocketOptions): Promise<net.Socket> {
  const timeoutMs = (options.connect_timeout ?? 30) * 1000;
  if (options.path) return coalesceWrites(await connectOne({ path: options.path }, timeoutMs));
  const hosts = options.host.length;
  let state = nextHost.get(options);
  if (!state) nextHost.set(options, (state = { index: 0, attempts: [] }));
  if (hosts > 1) await withinBudget(state, hosts);
  let lastError: unknown = new Error('no PostgreSQL host given');
  const start = hosts > 1 ? state.index % hosts : 0;
  for (let k = 0; k < hosts; k++) {
    const i = (start + k) % hosts;
    const target = { host: options.host[i]!, port: options.port[i] ?? options.port[0] ?? 5432 };
    try {
      // postgres.js reads `host` and `port` off its socket: the TLS server name (SNI and certificate
      // check) and its connection errors' text.
      const socket = Object.assign(coalesceWrites(await connectOne(target, timeoutMs)), target);
      state.index = i + 1;
      return socket;
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
