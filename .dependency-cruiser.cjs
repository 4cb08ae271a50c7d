/**
 * Import boundaries (docs/modules.md), checked by `npm run boundaries` in .ci/run:
 * - the kernel imports nothing of ours outside the kernel;
 * - the platform imports no module (what it needs comes in as ports: src/platform/api.ts);
 * - a module imports another module only through its public files: index.ts (the manifest),
 *   service.ts (the use cases others may call), wire.ts (request and response schemas),
 *   events.ts (its events: type → zod schema) and rules.ts (its pure law); a sub-module
 *   (dutyfree/rings) has the same five;
 * - no module imports the composition root (main.ts, cli.ts, seed/, modules/index.ts);
 * - nothing under src/ imports sim/, bench/ or test/ (they are dev-only).
 * Tests (*.test.ts) may reach into their own module and are left out of the module rule.
 * Each exception is listed in the rule's pathNot with its reason.
 */
const PUBLIC = '(index|service|wire|events|rules)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'kernel-imports-only-kernel',
      comment: 'src/kernel is pure values and checks: it imports nothing of ours outside src/kernel.',
      severity: 'error',
      from: { path: '^src/kernel/' },
      to: { path: '^(src/(?!kernel/)|sim/|bench/|test/|web/)' },
    },
    {
      name: 'platform-imports-no-module',
      comment: 'The platform never imports a module; modules plug in through their manifests (src/modules/index.ts).',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^(src/(modules|seed)/|src/(main|cli)\\.ts$|sim/|bench/|test/|web/)' },
    },
    {
      name: 'module-imports-public-files-only',
      comment:
        'Another module is reached only through its index.ts, service.ts, wire.ts or events.ts (docs/modules.md).',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/', pathNot: '\\.test\\.ts$' },
      to: {
        path: '^src/modules/[^/]+/',
        pathNot: [
          // Inside one module (its sub-modules too: dutyfree/rings) every file is open.
          '^src/modules/$1/',
          `^src/modules/[^/]+/${PUBLIC}`,
          `^src/modules/[^/]+/[^/]+/${PUBLIC}`,
        ],
      },
    },
    {
      name: 'module-imports-no-composition-root',
      comment: 'The composition root imports the modules, not the other way round.',
      severity: 'error',
      from: { path: '^src/modules/[^/]+/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/(main|cli)\\.ts$|^src/seed/|^src/modules/(index|parameters)\\.ts$' },
    },
    {
      name: 'runtime-imports-no-dev-code',
      comment: 'sim/, bench/ and test/ are for development; the server never loads them.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['\\.test\\.ts$', '^src/cli\\.ts$'] },
      to: { path: '^(sim|bench|test)/' },
    },
    {
      name: 'cli-loads-dev-code-on-demand',
      comment:
        'Exception: the development commands of src/cli.ts (bench, simulate) import bench/ and sim/ dynamically, ' +
        'when that command runs; a static import would load them with every command.',
      severity: 'error',
      from: { path: '^src/cli\\.ts$' },
      to: { path: '^(sim|bench|test)/', dynamic: false },
    },
    {
      name: 'no-circular-between-modules',
      comment: 'Two modules that import each other are one module, or need an event between them.',
      severity: 'warn',
      from: { path: '^src/modules/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|^web/dist/' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    moduleSystems: ['es6', 'cjs'],
  },
};
