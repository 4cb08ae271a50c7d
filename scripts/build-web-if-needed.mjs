// Builds the browser app before `npm start` when web/dist is missing or older than its sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds web/dist unless it is newer than every source of the web app; the exit status of the build (0: fine). */
export function buildWebIfNeeded() {
  const index = join(ROOT, 'web/dist/index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(join(ROOT, 'web'))) return 0;
  console.log('Building the web app (first start or changed sources)…');
  const r = spawnSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.error('The web app did not build. The API still works; fix the error above and run `npm run build:web`.');
    return r.status ?? 1;
  }
  return 0;
}

// `node scripts/build-web-if-needed.mjs` (prepare).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exit(buildWebIfNeeded());
