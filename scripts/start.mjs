// `npm start`: the web app and the compiled server brought up to date when their sources changed, then
// `tidegate serve`, all in this one process (it was three `node` processes one after the other: each
// start of Node is time a restart waits for before the server even begins to load).
import { buildWebIfNeeded } from './build-web-if-needed.mjs';
import { buildBundle, freshBundle } from './server-bundle.mjs';

const web = buildWebIfNeeded();
if (web !== 0) process.exit(web);
if (!freshBundle()) {
  const started = Date.now();
  try {
    const r = await buildBundle();
    console.log(`Server compiled (${r.inputs} files) in ${Date.now() - started} ms.`);
  } catch (err) {
    // Not fatal: bin/tidegate.mjs runs the sources through tsx when there is no fresh bundle.
    console.warn(`The server did not compile (${err instanceof Error ? err.message : err}); it runs through tsx.`);
  }
}
process.argv.splice(2, 0, 'serve');
await import('../bin/tidegate.mjs');
