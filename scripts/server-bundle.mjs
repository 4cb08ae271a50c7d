// The server compiled to one ES module (src/cli.ts and every project file it imports; packages stay
// imports of node_modules), made at install (`prepare`) and by `npm start` when the sources changed.
// A start then loads plain JavaScript instead of having tsx transform and load each of some hundreds
// of modules one by one (most of a restart's time). bin/tidegate.mjs uses the bundle only while every
// file it was built from is unchanged (size and modification time) and the checkout has not moved;
// otherwise it runs the sources through tsx as before. Nothing else differs: `import.meta.url` keeps
// each file's own location, so the paths the code builds from it (migrations, web/dist, data files)
// are the same.
import { readFileSync, renameSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DIR = join(ROOT, 'node_modules/.cache/tidegate/server');
export const BUNDLE = join(DIR, 'cli.mjs');
const MANIFEST = join(DIR, 'manifest.json');
const FORMAT = 1;

function stamp(file) {
  const s = statSync(join(ROOT, file));
  return `${s.size}:${Math.trunc(s.mtimeMs)}`;
}

/** The bundle's path when it was built from the sources as they are now; otherwise null. */
export function freshBundle() {
  try {
    const m = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    if (m.format !== FORMAT || m.root !== ROOT || m.node !== process.versions.node) return null;
    for (const [file, s] of Object.entries(m.inputs)) if (stamp(file) !== s) return null;
    return BUNDLE;
  } catch {
    return null;
  }
}

/** Builds the bundle and its manifest (each written whole, then renamed into place). */
export async function buildBundle() {
  const esbuild = await import('esbuild');
  const keepUrl = {
    name: 'keep-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.(ts|tsx|mts|mjs|js)$/ }, (args) => {
        if (args.path.includes(`${join('node_modules', '')}`)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        const url = JSON.stringify(pathToFileURL(args.path).href);
        return {
          contents: text.replaceAll('import.meta.url', url),
          loader: args.path.endsWith('x') ? 'tsx' : args.path.endsWith('ts') ? 'ts' : 'js',
        };
      });
    },
  };
  mkdirSync(DIR, { recursive: true });
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['src/cli.ts'],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    keepNames: true,
    metafile: true,
    logLevel: 'warning',
    plugins: [keepUrl],
  });
  const inputs = {};
  const files = [...Object.keys(result.metafile.inputs), 'scripts/server-bundle.mjs', 'package.json'];
  for (const file of files) inputs[relative(ROOT, resolve(ROOT, file))] = stamp(file);
  renameSync(tmp, BUNDLE);
  const m = { format: FORMAT, root: ROOT, node: process.versions.node, inputs };
  writeFileSync(`${MANIFEST}.${process.pid}.tmp`, JSON.stringify(m));
  renameSync(`${MANIFEST}.${process.pid}.tmp`, MANIFEST);
  return { bundle: BUNDLE, inputs: Object.keys(inputs).length };
}

// `node scripts/server-bundle.mjs`: build it unless it is up to date (npm start, prepare).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (freshBundle()) process.exit(0);
  const started = Date.now();
  try {
    const r = await buildBundle();
    console.log(`Server compiled (${r.inputs} files) in ${Date.now() - started} ms.`);
  } catch (err) {
    // Not fatal: bin/tidegate.mjs runs the sources through tsx when there is no fresh bundle.
    console.warn(`The server did not compile (${err instanceof Error ? err.message : err}); it runs through tsx.`);
  }
}
