// Jest runs TypeScript ESM through ts-jest (transpile only: `tsc --noEmit` type-checks in CI).
// `npm test` starts Node with --experimental-vm-modules, which Jest needs for ESM, and the
// ESM-only @actions packages need ESM.
/** @type {import('jest').Config} */
export default {
  testEnvironment: '<rootDir>/test/harness/jest-environment.cjs',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: [
    '<rootDir>/packages/*/src/**/*.test.ts',
    '<rootDir>/actions/*/src/**/*.test.ts',
    '<rootDir>/test/**/*.test.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/test/.build/', '<rootDir>/.stryker-tmp/'],
  // Stryker's sandboxes (copies of the packages, while `npm run mutation` runs) are not modules of this tree
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
  globalSetup: '<rootDir>/test/harness/global-setup.mjs',
  testTimeout: 120000,
  maxWorkers: 2,
};
