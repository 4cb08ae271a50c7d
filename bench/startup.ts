import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './harness.ts';
import { ADMIN_PASSWORD } from './platform.ts';

interface Start {
  readyMs: number;
  /** CPU seconds (user + system) of npm and everything it started, when /readyz first answered (Linux). */
  cpuS: number | null;
  /** The phases `tidegate serve --timings` printed (one line). */
  timings: string;
}

/**
 * CPU time of a process group: utime + stime of each live member plus what its exited children used
 * (cutime + cstime, counted once their parent reaped them), from /proc; null where there is no /proc.
 * Steadier than wall time on a shared machine: other processes' load stretches it far less.
 */
function groupCpuSeconds(pgid: number): number | null {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      // Fields after the command name (which may hold spaces): state is field 3, pgrp 5, utime 14 … cstime 17.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) !== pgid) continue;
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    }
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** `npm start` until /readyz answers 200, on a PGlite data dir; the server prints its phases (--timings). */
async function startOnce(dataDir: string): Promise<Start> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent', '--', '--timings'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      TIDEGATE_DATA_DIR: dataDir,
      TIDEGATE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      DATABASE_URL: '',
      NATS_URL: '',
      LOG_LEVEL: 'warn',
    },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}): ${out.slice(-2000)}`);
      if (performance.now() - started > 600_000) throw new Error('npm start did not become ready in 600 s');
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const readyMs = performance.now() - started;
    const cpuS = groupCpuSeconds(child.pid!);
    // The timings line is printed just before listening; give stdout a moment to arrive.
    await new Promise((r) => setTimeout(r, 100));
    const timings = out.split('\n').find((l) => l.startsWith('timings:')) ?? 'timings: (not printed)';
    return { readyMs, cpuS, timings };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  }
}

/**
 * Cold start and restart (`bench --only startup`): `npm start` on a fresh PGlite data dir (migrations,
 * bootstrap, demo seed), then again on the same dir. The web app is built at install (`prepare`), so
 * it is not part of either; the goals are absolute (< 10 s cold, < 3 s restart).
 */
export async function benchStartup(opts: { quick: boolean }): Promise<string[]> {
  const lines: string[] = [];
  const runs = opts.quick ? 1 : 2;
  for (let run = 1; run <= runs; run++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'tidegate-bench-start-'));
    try {
      const cold = await startOnce(dataDir);
      const warm = await startOnce(dataDir);
      const load = loadavg()[0]!.toFixed(1);
      const cpu = (s: Start) => (s.cpuS === null ? '' : `, CPU ${s.cpuS.toFixed(2)} s`);
      lines.push(
        `npm start → /readyz, fresh PGlite dir, run ${run} (load ${load}): cold ${(cold.readyMs / 1000).toFixed(2)} s ` +
          `(goal < 10 s: ${(cold.readyMs / 10_000).toFixed(2)} × the goal), restart ${(warm.readyMs / 1000).toFixed(2)} s ` +
          `(goal < 3 s: ${(warm.readyMs / 3000).toFixed(2)} ×)`,
        `  cold${cpu(cold)} ${cold.timings}`,
        `  restart${cpu(warm)} ${warm.timings}`,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return lines;
}
