import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort } from './process.ts';

const run = promisify(execFile);

/**
 * The PostgreSQL server programs (initdb, pg_ctl, pg_basebackup) from `pg_config --bindir`, or null
 * with the reason when they are not installed.
 */
export function postgresBinaries(): { bindir: string } | { missing: string } {
  let bindir: string;
  try {
    bindir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    return { missing: 'pg_config is not installed' };
  }
  for (const program of ['initdb', 'pg_ctl', 'pg_basebackup']) {
    if (!existsSync(join(bindir, program))) return { missing: `${program} is not in ${bindir}` };
  }
  return { bindir };
}

export interface ReplicatedPair {
  primaryUrl: string;
  replicaUrl: string;
  /** Stops replaying WAL on the replica (it still receives it): what commits now is not seen there. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  stopReplica(): Promise<void>;
  startReplica(): Promise<void>;
  /** Stops both servers and removes their folders. */
  close(): Promise<void>;
}

/**
 * A primary and a streaming replica of it, each its own PostgreSQL cluster in a fresh temporary folder
 * on a free loopback port: initdb, a replication line in the primary's pg_hba, `pg_basebackup -R`
 * for the replica. The servers refuse to run as root, so when the tests run as root the programs run
 * as the `postgres` user. Nothing of the machine's own PostgreSQL is touched.
 */
export async function startReplicatedPair(bindir: string): Promise<ReplicatedPair> {
  const root = mkdtempSync(join(tmpdir(), 'tidegate-replica-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
  }
  const pg = (program: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bindir, program), ...args], { timeout: 120_000 })
      : run(join(bindir, program), args, { timeout: 120_000 });
  const primaryDir = join(root, 'primary');
  const replicaDir = join(root, 'replica');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  // fsync off: a test's throwaway clusters need no durability across a power cut.
  const options = (port: number) =>
    `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${root} -c fsync=off`;
  const start = (dir: string, port: number, log: string) =>
    pg('pg_ctl', ['-D', dir, '-l', join(root, log), '-w', '-t', '60', '-o', options(port), 'start']);
  const stop = (dir: string) =>
    existsSync(join(dir, 'postmaster.pid'))
      ? pg('pg_ctl', ['-D', dir, '-m', 'immediate', '-w', 'stop']).then(() => undefined)
      : Promise.resolve();
  const url = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`;
  let admin: postgres.Sql | undefined;

  const close = async () => {
    await admin?.end({ timeout: 1 }).catch(() => {});
    admin = undefined;
    await stop(replicaDir).catch(() => {});
    await stop(primaryDir).catch(() => {});
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await pg('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    // A replica streams through a "replication" connection, which pg_hba must allow by name (appending
    // keeps the file's owner). wal_level=replica is PostgreSQL's default; said here because it is required.
    appendFileSync(join(primaryDir, 'pg_hba.conf'), 'host replication all 127.0.0.1/32 trust\n');
    appendFileSync(join(primaryDir, 'postgresql.conf'), 'wal_level = replica\nmax_wal_senders = 4\n');
    await start(primaryDir, primaryPort, 'primary.log');
    await pg('pg_basebackup', [
      ...['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres'],
      ...['-D', replicaDir, '-R', '-X', 'stream', '--no-sync'],
    ]);
    await start(replicaDir, replicaPort, 'replica.log');
  } catch (err) {
    await close();
    throw err;
  }
  const replica = () => (admin ??= postgres(url(replicaPort), { max: 1, onnotice: () => {} }));
  return {
    primaryUrl: url(primaryPort),
    replicaUrl: url(replicaPort),
    async pauseReplay() {
      await replica()`select pg_wal_replay_pause()`;
      for (let i = 0; i < 200; i++) {
        const [r] = await replica()`select pg_get_wal_replay_pause_state() as state`;
        if (r?.state === 'paused') return;
        await new Promise((res) => setTimeout(res, 25));
      }
      throw new Error('the replica did not pause its replay');
    },
    async resumeReplay() {
      await replica()`select pg_wal_replay_resume()`;
    },
    async stopReplica() {
      await admin?.end({ timeout: 1 });
      admin = undefined;
      await stop(replicaDir);
    },
    async startReplica() {
      await start(replicaDir, replicaPort, 'replica.log');
    },
    close,
  };
}
