import { defineConfig } from 'vitest/config';

// Integration tests (*.int.test.ts) run on embedded PGlite and, when DATABASE_URL is set, again on
// that PostgreSQL server: the same tests, two databases.
const integration = ['src/**/*.int.test.ts', 'test/**/*.int.test.ts'];
const onPostgres = Boolean(process.env.DATABASE_URL);

// The suite runs on two cores often shared at load 20–30: a set-up that seeds the demo (some 12 s of
// CPU on PGlite) then takes minutes, past the 120 s hooks had, and a test's work takes ten times its
// quiet time or more. Timeouts only bound a hung test; the tests wait for conditions, not for times
// (a poll for a consumer or another process gives up after 120 s, within the test's timeout).
const HOOK_TIMEOUT = 600_000;
const INTEGRATION_TEST_TIMEOUT = 180_000;

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: HOOK_TIMEOUT,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'web/src/**/*.test.ts'],
          exclude: integration,
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'pglite',
          include: integration,
          env: { TIDEGATE_TEST_DB: 'pglite' },
          testTimeout: INTEGRATION_TEST_TIMEOUT,
          hookTimeout: HOOK_TIMEOUT,
        },
      },
      ...(onPostgres
        ? [
            {
              test: {
                name: 'postgres',
                include: integration,
                env: { TIDEGATE_TEST_DB: 'postgres' },
                globalSetup: ['test/support/postgresTemplate.ts'],
                testTimeout: INTEGRATION_TEST_TIMEOUT,
                hookTimeout: HOOK_TIMEOUT,
              },
            },
          ]
        : []),
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.browser.test.ts'],
          testTimeout: 90_000,
          hookTimeout: HOOK_TIMEOUT,
          fileParallelism: false,
        },
      },
    ],
  },
});
