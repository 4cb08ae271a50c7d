// Builds the browser app before `npm start` when web/dist is missing or older than its sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const index = 'web/dist/index.html';
if (existsSync(index) && statSync(index).mtimeMs >= newest('web')) process.exit(0);
console.log('Building the web app (first start or changed sources)…');
const r = spawnSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
  stdio: 'inherit',
});
if (r.status !== 0) {
  console.error('The web app did not build. The API still works; fix the error above and run `npm run build:web`.');
  process.exit(r.status ?? 1);
}
