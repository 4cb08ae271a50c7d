import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDbKind } from '../support/db.ts';
import { freePort, waitReady } from '../support/process.ts';

// The real server process, over real HTTP, on its own embedded database (PGlite run only).
describe.skipIf(testDbKind() !== 'pglite')('the tidegate server process', () => {
  let child: ChildProcess;
  let url: string;
  let output = '';
  const dataDir = mkdtempSync(join(tmpdir(), 'tidegate-proc-'));

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['bin/tidegate.mjs', 'serve'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        TIDEGATE_DATA_DIR: dataDir,
        TIDEGATE_ADMIN_PASSWORD: 'process-admin-pass',
        DATABASE_URL: '',
        NATS_URL: '',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    // A first start seeds the demo: some 12 s of CPU, minutes on a loaded machine (load 30 on two cores).
    await waitReady(url, child, 540_000);
  }, 600_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the URL and the demo logins, answers over HTTP, and rejects an invalid USCC naming the field', async () => {
    expect(output).toContain('Tidegate is ready at');
    expect(output).toContain('demo-ent');
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'process-admin-pass' }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const res = await fetch(`${url}/api/v1/enterprises`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ uscc: 'NOT-A-CODE', name: 'X Co', registeredInHainan: true }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { errors: { path: string }[] };
    expect(problem.errors[0]!.path).toBe('uscc');
    const page = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
  });

  it('shuts down cleanly on SIGTERM and keeps its data for the next start', async () => {
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(output).toContain('closing the server and the database');
  });
});
