// Runs after `npm install` / `npm ci` (the `prepare` script): what a first start would otherwise do.
// 1. Build the browser app (web/dist), unless it is up to date.
// 2. Make the migrated, empty PGlite data dir a first start copies (src/platform/db/pgliteTemplate.ts),
//    and load the server's code once, so tsx's transform cache is warm (tests run the sources).
// 3. Compile the server to one ES module that bin/tidegate.mjs loads while the sources are unchanged
//    (scripts/server-bundle.mjs).
// A failure here does not fail the install: `npm start` does the same work again and says what failed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('node_modules/tsx') || !existsSync('node_modules/vite')) {
  // Installed without the dev dependencies (or as someone else's dependency): nothing to prepare.
  process.exit(0);
}
const started = Date.now();
const web = spawnSync(process.execPath, ['scripts/build-web-if-needed.mjs'], { stdio: 'inherit' });
if (web.status !== 0) console.warn('prepare: the web app did not build; npm start will try again.');
const db = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--input-type=module',
    '-e',
    "const t = await import('./src/platform/db/pgliteTemplate.ts');" +
      'const r = await t.buildPgliteTemplate();' +
      "await import('./src/main.ts');" +
      "console.log(r.built ? 'Database template made: ' + r.dir : 'Database template up to date.');",
  ],
  { stdio: 'inherit', env: { ...process.env, LOG_LEVEL: 'warn' } },
);
if (db.status !== 0) console.warn('prepare: no database template; the first start will make its database itself.');
const server = spawnSync(process.execPath, ['scripts/server-bundle.mjs'], { stdio: 'inherit' });
if (server.status !== 0) console.warn('prepare: the server was not compiled; it runs through tsx.');
console.log(`prepare: ${((Date.now() - started) / 1000).toFixed(1)} s`);
