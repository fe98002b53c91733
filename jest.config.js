/**
 * Two tiers, both run by `npm test`:
 * - unit (`npm run test:unit`, under 30 s): models, checks, constructs and small synths, in-process;
 * - e2e (`npm run test:e2e`): whole synths of the big examples and what reads them (review, report, audit, admit,
 *   conformance), the built `colossus` command and the cdktf CLI in child processes, Chromium, the bench, properties.
 * A suite is end to end when it lives under __tests__/e2e/ or its file is named in E2E below (by name, so the
 * list holds wherever the file lives: see /work/notes/s2-h12tiers-moves.sh). Everything else is a unit suite.
 */
const E2E = [
  // filled from measured per-suite times; see the closing note of h12tiers
];

const e2ePattern = `/__tests__/(e2e/.*|(.*/)?(${E2E.join('|')}))\\.test\\.ts$`;

/** What both tiers share. */
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  // Transpile only: ts-jest reads isolatedModules from tsconfig.test.json; `npm run lint` type-checks the tests.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  setupFilesAfterEnv: ['<rootDir>/__tests__/support/matchers.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  globalSetup: '<rootDir>/__tests__/support/tmp-setup.js',
  globalTeardown: '<rootDir>/__tests__/support/tmp-teardown.js',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', e2ePattern],
    },
    {
      ...common,
      displayName: 'e2e',
      testRegex: e2ePattern,
    },
  ],
};
