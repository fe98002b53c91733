/**
 * Two tiers, both run by `npm test`:
 * - unit (`npm run test:unit`, under 30 s): models, checks, constructs and small synths, in-process;
 * - e2e (`npm run test:e2e`): whole synths of the big examples and what reads them (review, report, audit, admit,
 *   conformance), the built `colossus` command and the cdktf CLI in child processes, Chromium, properties.
 * A suite is end to end when its file is named in E2E below; every other suite is a unit suite. The tier is what a
 * suite costs, its folder what it tests: the list names files, so it holds wherever they live. A new suite that
 * synthesizes a big example, runs the built bin or a browser belongs in E2E: the unit tier must stay under 30 s on two
 * cores (it took 10-17 s there, quiet).
 */
const E2E = [
  // Child processes: the built `colossus` bin, the cdktf CLI, concurrent synths.
  'cdktf-cli',
  'concurrency',
  'readme-user-path',
  'user-path',
  'hostile',
  'mutations',
  'security',
  // Properties over generated specs, each synthesized in full.
  'property',
  'fast-yaml',
  'fabric-properties',
  // The examples synthesized in full (colossus-1 is 230k GPUs), and what reads the output.
  'admission-corpus',
  'admit',
  'cells-stacks',
  'conformance',
  'day2',
  'delivery-addresses',
  'delivery-adopt',
  'delivery-deploy-plan',
  'delivery-flux',
  'delivery-lock-files',
  'delivery-stacks',
  'delivery-terraform',
  'fabric-constructs',
  'job-path',
  'operators-releases',
  'provisioning-cluster-api',
  'quantity-roundtrip',
  'review-audit',
  'review-diff',
  'review-guards',
  'review-report', // Chromium
  'site-report',
  'storage-emit',
  'storage-retention',
  'synth',
  // Apps composed from the constructs, synthesized and reviewed; the TypeScript compiler over the project.
  // Each capability planned once in a whole synth of colossus-1.
  'planner',
  'extension-points',
  'library-app',
  'partner-app',
  'public-api',
  'crd-types',
];

const e2ePattern = `/__tests__/(.*/)?(${E2E.join('|')})\\.test\\.ts$`;

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
