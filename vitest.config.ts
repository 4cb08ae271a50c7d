import { defineConfig } from 'vitest/config';

// Integration tests (*.int.test.ts) run on embedded PGlite and, when DATABASE_URL is set, again on
// that PostgreSQL server: the same tests, two databases.
const integration = ['src/**/*.int.test.ts', 'test/**/*.int.test.ts'];
const onPostgres = Boolean(process.env.DATABASE_URL);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
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
          testTimeout: 60_000,
          hookTimeout: 120_000,
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
                testTimeout: 60_000,
                hookTimeout: 120_000,
              },
            },
          ]
        : []),
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.browser.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
