/** One jest run for the whole repository: unit tests and integration tests against real PostgreSQL. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/platform', '<rootDir>/subgraphs', '<rootDir>/gateway', '<rootDir>/schema', '<rootDir>/test', '<rootDir>/deploy', '<rootDir>/scripts', '<rootDir>/bench', '<rootDir>/examples', '<rootDir>/verifier'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  setupFiles: ['reflect-metadata'],
  // Bounds hangs only: on a loaded 2-core machine real-process tests take minutes.
  testTimeout: 300_000,
  maxWorkers: process.env.CI ? 2 : '50%',
};
