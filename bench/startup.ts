import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './harness.ts';
import { ADMIN_PASSWORD } from './platform.ts';

interface Start {
  readyMs: number;
  /** The phases `tidegate serve --timings` printed (one line). */
  timings: string;
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
    // The timings line is printed just before listening; give stdout a moment to arrive.
    await new Promise((r) => setTimeout(r, 100));
    const timings = out.split('\n').find((l) => l.startsWith('timings:')) ?? 'timings: (not printed)';
    return { readyMs, timings };
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
      lines.push(
        `npm start → /readyz, fresh PGlite dir, run ${run} (load ${load}): cold ${(cold.readyMs / 1000).toFixed(2)} s ` +
          `(goal < 10 s: ${(cold.readyMs / 10_000).toFixed(2)} × the goal), restart ${(warm.readyMs / 1000).toFixed(2)} s ` +
          `(goal < 3 s: ${(warm.readyMs / 3000).toFixed(2)} ×)`,
        `  cold ${cold.timings}`,
        `  restart ${warm.timings}`,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return lines;
}
