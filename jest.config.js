/**
 * Three lanes, told apart by the test file's suffix (docs/CONVENTIONS.md, "Tests"):
 * - unit: `*.test.ts`, no database and no services, seconds;
 * - integration: `*.integration.test.ts` (real PostgreSQL through the real server),
 *   `*.e2e.test.ts` (the whole platform through the gateway), `*.browser.test.ts` (a real browser);
 * - reliability: `test/reliability/*.test.ts` (processes killed, databases restarted, load).
 * `npm test` runs them one after the other; `npm run test:unit` only the first.
 */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/platform', '<rootDir>/subgraphs', '<rootDir>/gateway', '<rootDir>/schema', '<rootDir>/test', '<rootDir>/deploy', '<rootDir>/scripts', '<rootDir>/bench', '<rootDir>/examples', '<rootDir>/verifier'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  setupFiles: ['reflect-metadata'],
};
const serviceSuffixes = ['integration', 'e2e', 'browser'];
/** Jest reads testTimeout for the whole run only; each lane sets its own through `globals` and test/lane-timeout.ts. */
const timeout = (ms) => ({ globals: { laneTimeoutMs: ms }, setupFilesAfterEnv: ['<rootDir>/test/lane-timeout.ts'] });
const withDatabase = { globalSetup: '<rootDir>/test/global-setup.ts', globalTeardown: '<rootDir>/test/global-teardown.ts' };

module.exports = {
  maxWorkers: process.env.CI ? 2 : '50%',
  // A worker that has grown past this between test files is replaced: the module registries of ~100 files that start
  // whole platforms otherwise pile up in one process until it runs out of heap.
  workerIdleMemoryLimit: '1536MB',
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/test/reliability/', ...serviceSuffixes.map((suffix) => `\\.${suffix}\\.test\\.ts$`)],
      // A unit test that waits this long is waiting on something it should not need.
      ...timeout(30_000),
    },
    {
      ...shared,
      ...withDatabase,
      displayName: 'integration',
      testMatch: serviceSuffixes.map((suffix) => `**/*.${suffix}.test.ts`),
      testPathIgnorePatterns: ['/node_modules/', '/test/reliability/'],
      // Starting the whole platform on a loaded 2-core machine takes up to a minute; a test is given three.
      ...timeout(180_000),
    },
    {
      ...shared,
      ...withDatabase,
      displayName: 'reliability',
      testMatch: ['<rootDir>/test/reliability/**/*.test.ts'],
      // Real processes killed and restarted, databases dumped and restored: minutes on a loaded machine.
      ...timeout(300_000),
    },
  ],
};
