/**
 * A migrated, empty PGlite data directory made once at install (`npm install` / `npm ci` run the
 * `prepare` script, scripts/prepare.mjs), copied into a new data dir at its first start instead of
 * running initdb and every migration there (most of a first start's database time).
 *
 * Nothing in it is specific to one installation: it holds only what the committed migrations create,
 * before the audit partitioning, the instance id, the secret or any user exist (bootstrap makes them at
 * the first start). Its name carries a hash of the migrations and the PGlite version, so a template
 * made from other migrations or another PGlite is never used; a data dir started from an older
 * template would still get the missing migrations from runMigrations.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIGRATIONS_FOLDER, runMigrations } from './migrate.ts';
import { openDatabase } from './client.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CACHE = join(ROOT, 'node_modules', '.cache', 'tidegate');

/** Hash of every migration file, the journal and the PGlite version. */
export function templateKey(): string {
  const h = createHash('sha256');
  const pglite = JSON.parse(readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'));
  h.update(`pglite ${pglite.version}\n`);
  for (const name of readdirSync(MIGRATIONS_FOLDER).sort()) {
    if (!name.endsWith('.sql')) continue;
    h.update(name)
      .update('\0')
      .update(readFileSync(join(MIGRATIONS_FOLDER, name)))
      .update('\0');
  }
  h.update(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json')));
  return h.digest('hex').slice(0, 16);
}

export function templateDir(): string {
  return join(CACHE, `pglite-${templateKey()}`);
}

/** A data dir PGlite has never started in: no PG_VERSION (the generated secret.key may already be there). */
function isFresh(dataDir: string): boolean {
  return !existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * Before the first start in `dataDir`: copies the template there when there is one for these
 * migrations. Returns whether it did (a missing template is the ordinary first start).
 */
export function seedDataDirFromTemplate(dataDir: string): boolean {
  if (dataDir.startsWith('memory://')) return false;
  const dir = resolve(dataDir);
  if (!isFresh(dir)) return false;
  const template = templateDir();
  if (!existsSync(join(template, 'PG_VERSION'))) return false;
  mkdirSync(dir, { recursive: true });
  cpSync(template, dir, { recursive: true, errorOnExist: false, force: false });
  return true;
}

/** Makes the template for the current migrations (idempotent); written aside, then renamed into place. */
export async function buildPgliteTemplate(): Promise<{ dir: string; built: boolean }> {
  const dir = templateDir();
  if (existsSync(join(dir, 'PG_VERSION'))) return { dir, built: false };
  mkdirSync(CACHE, { recursive: true });
  const work = `${dir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  const database = await openDatabase({ dataDir: work });
  try {
    await runMigrations(database);
  } finally {
    await database.close();
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  // Older templates (other migrations) are of no further use.
  for (const name of readdirSync(CACHE))
    if (name.startsWith('pglite-') && join(CACHE, name) !== dir)
      rmSync(join(CACHE, name), { recursive: true, force: true });
  return { dir, built: true };
}
