#!/usr/bin/env node
// The `tidegate` command. It runs the server compiled at install or by `npm start` while that is
// up to date with the sources (scripts/server-bundle.mjs), and the TypeScript sources through tsx
// otherwise (no build step needed).
import { freshBundle } from '../scripts/server-bundle.mjs';

const bundle = process.env.TIDEGATE_NO_BUNDLE ? null : freshBundle();
if (bundle) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
