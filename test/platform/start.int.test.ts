import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDbKind } from '../support/db.ts';
import { freePort, waitReady } from '../support/process.ts';

// What `npm start` runs (scripts/start.mjs): the web app and the compiled server checked, then `tidegate
// serve`, in one process. PGlite only: it starts a server of its own on a fresh data dir.
describe.skipIf(testDbKind() !== 'pglite')('npm start (scripts/start.mjs)', () => {
  let child: ChildProcess;
  let url: string;
  let output = '';
  const dataDir = mkdtempSync(join(tmpdir(), 'tidegate-start-'));

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['scripts/start.mjs', '--no-demo', '--timings'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        TIDEGATE_DATA_DIR: dataDir,
        TIDEGATE_ADMIN_PASSWORD: 'start-admin-pass',
        DATABASE_URL: '',
        NATS_URL: '',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    await waitReady(url, child, 540_000);
  }, 600_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves with the arguments given after `npm start --`, the routes built before the outbox is delivered', async () => {
    expect(output).toContain('Tidegate is ready at');
    const line = output.split('\n').find((l) => l.startsWith('timings:'));
    expect(line, output).toBeDefined();
    // --no-demo reached `serve`: no demo phase; the routes phase comes before the subscribers'.
    expect(line).not.toContain('demo');
    expect(line!.indexOf(' routes ')).toBeGreaterThan(0);
    expect(line!.indexOf(' routes ')).toBeLessThan(line!.indexOf('subscribers and schedules'));
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it('tells a wrong method (405 with Allow) from an unknown path (404), the route mirror built at the first miss', async () => {
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'start-admin-pass' }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    const missing = await fetch(`${url}/api/v1/nothing-here`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const wrong = await fetch(`${url}/api/v1/enterprises`, { method: 'DELETE', headers: auth });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('POST');
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
  });
});
